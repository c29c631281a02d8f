#include "sim/task_timing.h"

#include <catch2/catch.hpp>

using namespace ecsim::sim;

namespace {

ContainerDefinition container(const std::string& name, bool essential) {
  ContainerDefinition c;
  c.name = name;
  c.essential = essential;
  return c;
}

}  // namespace

TEST_CASE("task timing: without dependsOn every container starts at once", "[sim][ecs]") {
  TaskDefinition td;
  td.containers = {container("app", true), container("sidecar", false)};
  CHECK(dependency_start_delay(td) == 0);
}

TEST_CASE("task timing: dependsOn HEALTHY waits for the dependency's first passing check", "[sim][ecs]") {
  // Task definition parameters, dependsOn: HEALTHY "validates that a dependent container passes
  // its Docker health check before permitting other containers to start".
  TaskDefinition td;
  ContainerDefinition db = container("db", true);
  HealthCheck hc;
  hc.interval = 20 * kSecond;
  db.health_check = hc;
  ContainerDefinition init = container("migrate", false);
  init.depends_on = {{0, DependencyCondition::kHealthy}};
  ContainerDefinition app = container("app", true);
  app.depends_on = {{0, DependencyCondition::kStart}, {1, DependencyCondition::kSuccess}};
  td.containers = {db, init, app};
  // db starts at 0 and is healthy at 20 s; migrate starts then and (ecsim) exits at once; app
  // waits for both.
  CHECK(dependency_start_delay(td) == 20 * kSecond);
}

TEST_CASE("task timing: dependencies listed before their dependency still settle in order", "[sim]") {
  TaskDefinition td;
  ContainerDefinition a = container("a", true);
  a.depends_on = {{1, DependencyCondition::kHealthy}};
  ContainerDefinition b = container("b", true);
  b.depends_on = {{2, DependencyCondition::kHealthy}};
  ContainerDefinition c = container("c", true);
  HealthCheck hc;
  hc.interval = 10 * kSecond;
  c.health_check = hc;
  b.health_check = hc;
  td.containers = {a, b, c};
  CHECK(dependency_start_delay(td) == 20 * kSecond);
}

TEST_CASE("task timing: the stop timeout is the longest container's, the agent's where unset", "[sim][ecs]") {
  // Task definition parameters, stopTimeout: "Time duration (in seconds) to wait before the
  // container is forcefully killed if it doesn't exit normally on its own"; on EC2 the default
  // is the agent's ECS_CONTAINER_STOP_TIMEOUT (30 s).
  TaskDefinition td;
  td.containers = {container("app", true), container("sidecar", false)};
  CHECK(task_stop_timeout(td, 30 * kSecond) == 30 * kSecond);
  td.containers[0].stop_timeout = 120 * kSecond;
  CHECK(task_stop_timeout(td, 30 * kSecond) == 120 * kSecond);
  CHECK(shutdown_duration(td, 45 * kSecond, 30 * kSecond) == 45 * kSecond);
  CHECK(shutdown_duration(td, 10 * kMinute, 30 * kSecond) == 120 * kSecond);
  CHECK(shutdown_duration(td, 0, 30 * kSecond) == 0);
}
