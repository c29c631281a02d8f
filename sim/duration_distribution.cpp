#include "sim/duration_distribution.h"

#include <algorithm>
#include <bit>

#include "sim/invariant.h"

namespace ecsim::sim {
namespace {

constexpr std::size_t kLevel0 = std::size_t{1} << DurationDistribution::kBits;
constexpr std::size_t kLevelN = kLevel0 / 2;

}  // namespace

std::size_t nearest_rank_index(std::size_t n, int per_mille) {
  ECSIM_CHECK(n > 0 && per_mille >= 0 && per_mille <= 1000, "a percentile of nothing, or out of 0..1000");
  const auto p = static_cast<DurationSum>(per_mille);
  // ceil(p * n / 1000), in 128 bits so that no n overflows.
  const auto rank = static_cast<std::size_t>((p * static_cast<DurationSum>(n) + 999) / 1000);
  return rank == 0 ? 0 : rank - 1;
}

void DurationDistribution::add_exact(SimTime v) {
  if (sorted_ && !values_.empty() && v < values_.back()) sorted_ = false;
  values_.push_back(v);
  if (values_.size() > kExactLimit) fold();
}

void DurationDistribution::fold() {
  buckets_.resize(1);
  buckets_[0].assign(kLevel0, 0);
  for (const SimTime v : values_) add_to_bucket(v, 1);
  std::vector<SimTime>().swap(values_);
  sorted_ = true;
}

void DurationDistribution::add_to_bucket(SimTime v, std::int64_t n) {
  const auto u = static_cast<std::uint64_t>(v);
  if (u < kLevel0) {
    buckets_[0][u] += n;
    return;
  }
  const auto e = static_cast<int>(std::bit_width(u)) - 1;  // >= kBits
  const auto level = static_cast<std::size_t>(e - kBits + 2);
  const std::size_t k = static_cast<std::size_t>(u >> (level - 1)) - kLevelN;
  if (buckets_.size() <= level) buckets_.resize(level + 1);
  if (buckets_[level].empty()) buckets_[level].assign(kLevelN, 0);
  buckets_[level][k] += n;
}

SimTime DurationDistribution::bucket_value(std::size_t level, std::size_t k) const {
  if (level == 0) return static_cast<SimTime>(k);
  const std::uint64_t width = std::uint64_t{1} << (level - 1);
  const std::uint64_t lower = static_cast<std::uint64_t>(k + kLevelN) << (level - 1);
  return std::min(static_cast<SimTime>(lower + width / 2), max_);
}

void DurationDistribution::sort_values() const {
  if (sorted_) return;
  std::sort(values_.begin(), values_.end());
  sorted_ = true;
}

SimTime DurationDistribution::percentile(int per_mille) const {
  if (count_ == 0) return 0;
  const std::size_t rank = nearest_rank_index(static_cast<std::size_t>(count_), per_mille);
  if (exact()) {
    sort_values();
    return values_[rank];
  }
  std::int64_t seen = 0;
  for (std::size_t level = 0; level < buckets_.size(); ++level) {
    const std::vector<std::int64_t>& b = buckets_[level];
    for (std::size_t k = 0; k < b.size(); ++k) {
      seen += b[k];
      if (static_cast<std::size_t>(seen) > rank) return bucket_value(level, k);
    }
  }
  return max_;
}

}  // namespace ecsim::sim
