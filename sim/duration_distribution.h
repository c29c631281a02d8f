// DurationDistribution: count, sum, maximum and nearest-rank percentiles of non-negative
// durations, in memory bounded whatever the count.
//
// Exact while it holds at most kExactLimit values: it keeps the values and every figure is what
// sorting them all gives. Beyond, it folds them into log-linear buckets (the HDR histogram
// layout): values below 2^kBits microseconds (2.048 ms) keep a bucket each; above, each power of
// two [2^e, 2^(e+1)) is split into 2^(kBits-1) equal buckets, so a bucket is at most 1/1024 of
// its lower edge wide, and a percentile reports its bucket's middle (never above the maximum):
// within 1/2048 (0.05 %) of the exact nearest-rank value. count, total and max stay exact.
// Memory: at most kExactLimit values (512 KiB), then at most 54 × 1024 counters (432 KiB).
//
// The figures do not depend on the order of add() calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/invariant.h"
#include "sim/time.h"

namespace ecsim::sim {

__extension__ typedef __int128 DurationSum;

// Index (0-based) of the nearest-rank percentile per_mille/1000 among n sorted values:
// ceil(per_mille × n / 1000) - 1, and 0 for a rank of 0. REQUIRES: n > 0, 0 <= per_mille <= 1000.
std::size_t nearest_rank_index(std::size_t n, int per_mille);

class DurationDistribution {
 public:
  static constexpr std::size_t kExactLimit = std::size_t{1} << 16;
  static constexpr int kBits = 11;

  DurationDistribution() = default;
  DurationDistribution(const DurationDistribution&) = default;
  DurationDistribution& operator=(const DurationDistribution&) = default;
  // A moved-from distribution is left empty (and usable), not with counts and no values.
  DurationDistribution(DurationDistribution&& o) noexcept { *this = std::move(o); }
  DurationDistribution& operator=(DurationDistribution&& o) noexcept {
    if (this == &o) return *this;
    count_ = std::exchange(o.count_, 0);
    total_ = std::exchange(o.total_, 0);
    max_ = std::exchange(o.max_, 0);
    values_ = std::exchange(o.values_, {});
    sorted_ = std::exchange(o.sorted_, true);
    buckets_ = std::exchange(o.buckets_, {});
    return *this;
  }

  // REQUIRES: v >= 0.
  void add(SimTime v) {
    ECSIM_CHECK(v >= 0, "a negative duration");
    ++count_;
    total_ += v;
    if (v > max_) max_ = v;
    if (buckets_.empty()) {
      add_exact(v);
    } else if (static_cast<std::uint64_t>(v) < (std::uint64_t{1} << kBits)) {
      ++buckets_[0][static_cast<std::size_t>(v)];  // the common case of a sketch: a short wait
    } else {
      add_to_bucket(v, 1);
    }
  }

  std::int64_t count() const { return count_; }
  DurationSum total() const { return total_; }
  SimTime max() const { return max_; }
  bool empty() const { return count_ == 0; }
  // Whether the figures are exact (at most kExactLimit values so far).
  bool exact() const { return buckets_.empty(); }
  // The nearest-rank percentile per_mille/1000; 0 when empty.
  SimTime percentile(int per_mille) const;

  // Calls fn(value, at_most) for each distinct value (exact) or each non-empty bucket's
  // reported value (beyond kExactLimit), increasing, with how many values are at most it.
  template <class Fn>
  void for_each_step(Fn fn) const {
    if (exact()) {
      sort_values();
      for (std::size_t k = 0; k < values_.size(); ++k) {
        if (k + 1 < values_.size() && values_[k + 1] == values_[k]) continue;
        fn(values_[k], static_cast<std::int64_t>(k + 1));
      }
      return;
    }
    std::int64_t seen = 0;
    for (std::size_t level = 0; level < buckets_.size(); ++level) {
      const std::vector<std::int64_t>& b = buckets_[level];
      for (std::size_t k = 0; k < b.size(); ++k) {
        if (b[k] == 0) continue;
        seen += b[k];
        fn(bucket_value(level, k), seen);
      }
    }
  }

 private:
  void add_exact(SimTime v);
  void fold();
  void sort_values() const;
  SimTime bucket_value(std::size_t level, std::size_t k) const;
  void add_to_bucket(SimTime v, std::int64_t n);

  std::int64_t count_ = 0;
  DurationSum total_ = 0;
  SimTime max_ = 0;
  mutable std::vector<SimTime> values_;  // exact mode
  mutable bool sorted_ = true;
  // Sketch mode: [level][k]; level 0 holds values 0 .. 2^kBits - 1, level L >= 1 the values
  // [2^(kBits+L-1), 2^(kBits+L)) in buckets 2^(L-1) wide. A level is empty until used.
  std::vector<std::vector<std::int64_t>> buckets_;
};

}  // namespace ecsim::sim
