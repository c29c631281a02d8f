#include "sim/deployment.h"

#include <catch2/catch.hpp>

using namespace ecsim::sim;

namespace {

RollingCounts steady(std::int32_t desired, std::int32_t min_percent, std::int32_t max_percent) {
  // A deployment just started: `desired` old tasks, all RUNNING and healthy, none new.
  RollingCounts c;
  c.desired = desired;
  c.min_percent = min_percent;
  c.max_percent = max_percent;
  c.total = desired;
  c.healthy = desired;
  c.primary = 0;
  c.old_healthy = desired;
  return c;
}

}  // namespace

TEST_CASE("deployment: minimumHealthyPercent rounds the healthy floor up", "[sim][ecs]") {
  // Dev Guide "Deploy Amazon ECS services by replacing tasks" (rolling update): the floor is
  // desired × minimumHealthyPercent, rounded up.
  CHECK(healthy_floor(4, 50) == 2);
  CHECK(healthy_floor(2, 75) == 2);  // ceil(1.5)
  CHECK(healthy_floor(3, 50) == 2);  // ceil(1.5)
  CHECK(healthy_floor(20, 100) == 20);
  CHECK(healthy_floor(20, 0) == 0);
  CHECK(healthy_floor(0, 100) == 0);
}

TEST_CASE("deployment: maximumPercent rounds the ceiling down", "[sim][ecs]") {
  // Same page: the ceiling is desired × maximumPercent, rounded down.
  CHECK(running_ceiling(4, 200) == 8);
  CHECK(running_ceiling(3, 125) == 3);  // floor(3.75)
  CHECK(running_ceiling(20, 200) == 40);
  CHECK(running_ceiling(5000, 200) == 10000);
}

TEST_CASE("deployment: the guide's worked examples of a rolling update's first step", "[sim][ecs]") {
  // desired 4, minimumHealthyPercent 50: may stop two old tasks before starting two new ones.
  RollingCounts a = steady(4, 50, 100);
  CHECK(rolling_step(a).stop_healthy == 2);
  CHECK(rolling_step(a).start == 0);  // maximumPercent 100: no room above desired
  // desired 2, minimumHealthyPercent 75: ceil(1.5) = 2, cannot stop any first.
  CHECK(rolling_step(steady(2, 75, 200)).stop_healthy == 0);
  // desired 4, maximumPercent 200: may start four before stopping any.
  RollingCounts c = steady(4, 100, 200);
  CHECK(rolling_step(c).start == 4);
  CHECK(rolling_step(c).stop_healthy == 0);
  // desired 3, maximumPercent 125: floor(3.75) = 3, cannot start any first.
  CHECK(rolling_step(steady(3, 100, 125)).start == 0);
}

TEST_CASE("deployment: minimum and maximum both 100 percent can neither start nor stop", "[sim][ecs]") {
  // Dev Guide (rolling update): with minimumHealthyPercent 100 and maximumPercent 100 the
  // scheduler can neither stop an old task nor start a new one: the deployment deadlocks.
  const RollingStep s = rolling_step(steady(10, 100, 100));
  CHECK(s.start == 0);
  CHECK(s.stop_healthy == 0);
}

TEST_CASE("deployment: a rolling update advances as new tasks become healthy", "[sim]") {
  // desired 4, min 100, max 150: ceiling 6. Two new started; once healthy, two old may stop.
  RollingCounts c = steady(4, 100, 150);
  CHECK(rolling_step(c).start == 2);
  c.total = 6;
  c.primary = 2;
  c.healthy = 6;  // the two new ones are healthy now
  CHECK(rolling_step(c).stop_healthy == 2);
  CHECK(rolling_step(c).start == 0);  // at the ceiling until they stop
}

TEST_CASE("deployment: the circuit breaker's threshold is half the desired count within 10 and 200", "[sim][ecs]") {
  // Dev Guide "How the Amazon ECS deployment circuit breaker detects failures":
  // threshold = min(200, max(10, ceil(0.5 × desired))).
  CHECK(circuit_breaker_threshold(1) == 10);
  CHECK(circuit_breaker_threshold(25) == 13);
  CHECK(circuit_breaker_threshold(400) == 200);
  CHECK(circuit_breaker_threshold(800) == 200);
  CHECK(circuit_breaker_threshold(21) == 11);
  CHECK(circuit_breaker_threshold(0) == 10);
}
