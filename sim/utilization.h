// UtilizationSeries: a reserved/registered ratio tracked exactly over simulated time.
//
// The ratio is piecewise constant between changes. On every change the elapsed segment is added
// to a time-weighted mean (as a double, summed in event order) and to a histogram of 10,001
// buckets (ratio floored to 1/10,000), from which the time-weighted p95 is read. The max is the
// highest ratio ever held, even for an instant.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/run_result.h"
#include "sim/time.h"

namespace ecsim::sim {

class UtilizationSeries {
 public:
  static constexpr std::int64_t kBuckets = 10000;

  UtilizationSeries() : histogram_(kBuckets + 1, 0) {}

  // Adds deltas at time `now`. REQUIRES: now >= every earlier call's now.
  void change(SimTime now, std::int64_t reserved_delta, std::int64_t registered_delta) {
    advance(now);
    reserved_ += reserved_delta;
    registered_ += registered_delta;
    if (registered_ > 0) {
      const double f = static_cast<double>(reserved_) / static_cast<double>(registered_);
      if (f > max_) max_ = f;
    }
  }

  std::int64_t reserved() const { return reserved_; }
  std::int64_t registered() const { return registered_; }

  // Closes the series at `end` and returns mean, p95 and max over [0, end].
  UtilizationStats finish(SimTime end);

 private:
  void advance(SimTime now) {
    const SimTime dt = now - last_;
    if (dt <= 0) return;
    last_ = now;
    if (registered_ <= 0) {
      histogram_[0] += dt;
      return;
    }
    area_ += static_cast<double>(reserved_) / static_cast<double>(registered_) * static_cast<double>(dt);
    std::int64_t bucket = reserved_ * kBuckets / registered_;
    if (bucket > kBuckets) bucket = kBuckets;
    histogram_[static_cast<std::size_t>(bucket)] += dt;
  }

  std::int64_t reserved_ = 0;
  std::int64_t registered_ = 0;
  SimTime last_ = 0;
  double area_ = 0;
  double max_ = 0;
  std::vector<SimTime> histogram_;
};

}  // namespace ecsim::sim
