#include "sim/utilization.h"

namespace ecsim::sim {

UtilizationStats UtilizationSeries::finish(SimTime end) {
  advance(end);
  UtilizationStats out;
  if (end <= 0) return out;
  out.mean = area_ / static_cast<double>(end);
  out.max = max_;
  // The smallest bucket at which the time spent at or below it reaches 95 % of the run.
  const SimTime target = end - end / 20;  // ceil-free: 95 % of end, rounded up
  SimTime cumulative = 0;
  for (std::int64_t b = 0; b <= kBuckets; ++b) {
    cumulative += histogram_[static_cast<std::size_t>(b)];
    if (cumulative >= target) {
      out.p95 = static_cast<double>(b) / static_cast<double>(kBuckets);
      break;
    }
  }
  return out;
}

}  // namespace ecsim::sim
