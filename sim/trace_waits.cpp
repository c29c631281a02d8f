#include <algorithm>
#include <bit>

#include "sim/invariant.h"
#include "sim/run_result.h"

namespace ecsim::sim {
namespace {

// Log-linear buckets: one per µs below 2^11, then 1024 per power of two (the 10 bits after the
// leading one), so that a bucket's width is at most 1/1024 of its lower bound.
constexpr int kLinearBits = 11;
constexpr int kSubBits = 10;
constexpr std::size_t kBuckets = (std::size_t{1} << kLinearBits) + (63 - kLinearBits) * (std::size_t{1} << kSubBits);

std::size_t bucket_of(SimTime wait) {
  const auto v = static_cast<std::uint64_t>(wait);
  if (v < (std::uint64_t{1} << kLinearBits)) return static_cast<std::size_t>(v);
  const int e = 63 - std::countl_zero(v);  // at least kLinearBits
  const std::uint64_t sub = (v >> (e - kSubBits)) & ((std::uint64_t{1} << kSubBits) - 1);
  return (std::size_t{1} << kLinearBits) + static_cast<std::size_t>(e - kLinearBits) * (std::size_t{1} << kSubBits) +
         static_cast<std::size_t>(sub);
}

SimTime lower_bound_of(std::size_t bucket) {
  if (bucket < (std::size_t{1} << kLinearBits)) return static_cast<SimTime>(bucket);
  const std::size_t k = bucket - (std::size_t{1} << kLinearBits);
  const int e = static_cast<int>(k >> kSubBits) + kLinearBits;
  const std::uint64_t sub = k & ((std::size_t{1} << kSubBits) - 1);
  return static_cast<SimTime>(((std::uint64_t{1} << kSubBits) | sub) << (e - kSubBits));
}

}  // namespace

void TraceWaits::add(SimTime wait) {
  ECSIM_CHECK(wait >= 0, "a trace's wait is at least 0");
  ++count_;
  total_us_ += wait;
  if (buckets_.empty()) {
    if (exact_.size() < kExact) {
      exact_.push_back(wait);
      return;
    }
    buckets_.assign(kBuckets, 0);
    for (const SimTime w : exact_) ++buckets_[bucket_of(w)];
    exact_ = {};
  }
  ++buckets_[bucket_of(wait)];
}

SimTime TraceWaits::at_rank(std::size_t index) const {
  ECSIM_CHECK(index < static_cast<std::size_t>(count_), "a rank within the waits");
  if (buckets_.empty()) {
    std::vector<SimTime> sorted = exact_;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(index), sorted.end());
    return sorted[index];
  }
  std::size_t seen = 0;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += static_cast<std::size_t>(buckets_[b]);
    if (seen > index) return lower_bound_of(b);
  }
  return lower_bound_of(buckets_.size() - 1);
}

}  // namespace ecsim::sim
