#include "sim/deployment.h"

#include <algorithm>

namespace ecsim::sim {

std::int32_t healthy_floor(std::int32_t desired, std::int32_t min_percent) {
  const std::int64_t product = std::int64_t{desired} * min_percent;
  return static_cast<std::int32_t>((product + 99) / 100);
}

std::int32_t running_ceiling(std::int32_t desired, std::int32_t max_percent) {
  return static_cast<std::int32_t>(std::int64_t{desired} * max_percent / 100);
}

std::int32_t circuit_breaker_threshold(std::int32_t desired) {
  const std::int32_t half = (desired + 1) / 2;  // ceil(0.5 × desired)
  return std::min(200, std::max(10, half));
}

RollingStep rolling_step(const RollingCounts& c) {
  RollingStep s;
  const std::int32_t floor = healthy_floor(c.desired, c.min_percent);
  const std::int32_t ceiling = running_ceiling(c.desired, c.max_percent);
  s.start = std::max(0, std::min(c.desired - c.primary, ceiling - c.total));
  s.stop_healthy = std::max(0, std::min(c.old_healthy, c.healthy - floor));
  return s;
}

}  // namespace ecsim::sim
