// Rolling updates (the ECS deployment controller) as small pure functions: the arithmetic of
// Dev Guide "Deploy Amazon ECS services by replacing tasks" (rolling update) and "How the Amazon
// ECS deployment circuit breaker detects failures", one function per rule, tested against the
// guide's worked examples (tests/sim/deployment_test.cpp). The service scheduler
// (sim/service_scheduler.h) keeps the state and calls these.
#pragma once

#include <cstdint>

namespace ecsim::sim {

// minimumHealthyPercent's floor on RUNNING, healthy tasks: ceil(desired × min / 100).
// REQUIRES: desired >= 0, 0 <= min_percent <= 100.
std::int32_t healthy_floor(std::int32_t desired, std::int32_t min_percent);

// maximumPercent's ceiling on PENDING + RUNNING tasks (STOPPING ones do not count, API reference
// DeploymentConfiguration): floor(desired × max / 100). REQUIRES: desired >= 0, max_percent >= 100.
std::int32_t running_ceiling(std::int32_t desired, std::int32_t max_percent);

// The circuit breaker's failure threshold: min(200, max(10, ceil(0.5 × desired))).
std::int32_t circuit_breaker_threshold(std::int32_t desired);

// What a service has now, as the rolling update counts it.
struct RollingCounts {
  std::int32_t desired = 0;
  std::int32_t min_percent = 100;
  std::int32_t max_percent = 200;
  std::int32_t total = 0;        // tasks not STOPPING/STOPPED, of every deployment (provisioning included)
  std::int32_t healthy = 0;      // RUNNING and healthy, of every deployment
  std::int32_t primary = 0;      // tasks of the primary (newest) deployment, not stopping
  std::int32_t old_healthy = 0;  // tasks of older deployments that are RUNNING and healthy
};

// One step: start `start` tasks of the primary deployment and stop `stop_healthy` healthy old
// tasks (old tasks that are not healthy add nothing to availability and are stopped anyway).
// start = min(desired - primary, ceiling - total), stop = min(old_healthy, healthy - floor),
// each at least 0.
struct RollingStep {
  std::int32_t start = 0;
  std::int32_t stop_healthy = 0;
};
RollingStep rolling_step(const RollingCounts& c);

}  // namespace ecsim::sim
