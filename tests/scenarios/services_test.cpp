#include "scenarios/services.h"

#include <catch2/catch.hpp>

#include "error_text.h"
#include "scenarios/loader.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

const std::string kFilesDir = std::string(ECSIM_SOURCE_DIR) + "/tests/scenarios/broken";

// A two-zone cluster with task definitions "app" (EC2) and "both" (EC2 and FARGATE) and the
// given services.
std::string with_services(const std::string& services) {
  return R"({"cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
               "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 2}]},
             "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "c", "image": "i", "memory": 256}]},
                                 {"family": "both", "requiresCompatibilities": ["EC2", "FARGATE"], "networkMode": "awsvpc",
                                  "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "c", "image": "i"}]}],
             "services": [)" +
         services + "]}";
}

sim::Scenario load_text(const std::string& text) { return load_scenario_text(text, "s.json", kFilesDir); }
sim::Service one_service(const std::string& service) { return load_text(with_services(service)).services.at(0); }
std::string load_error(const std::string& text) {
  return error_text([&] { load_text(text); });
}

TEST_CASE("services: a REPLICA service gets CreateService's defaults", "[ecs][scenarios]") {
  // API reference CreateService / DeploymentConfiguration: REPLICA by default, minimumHealthyPercent
  // 100, maximumPercent 200, no circuit breaker, healthCheckGracePeriodSeconds 0.
  const auto s = one_service(R"({"serviceName": "web", "taskDefinition": "app", "desiredCount": 3})");
  CHECK(s.scheduling_strategy == sim::SchedulingStrategy::kReplica);
  CHECK(s.desired_count == 3);
  CHECK(s.minimum_healthy_percent == 100);
  CHECK(s.maximum_percent == 200);
  CHECK_FALSE(s.circuit_breaker);
  CHECK_FALSE(s.circuit_breaker_rollback);
  CHECK(s.health_check_grace_period == 0);
  CHECK(s.az_rebalancing);
  CHECK(s.failures.crash_rate_per_task_hour == 0);
  CHECK(s.failures.start_failure_probability == 0);
  CHECK(s.failures.health_check_failure_probability == 0);
  CHECK_FALSE(s.load.has_value());
  CHECK_FALSE(s.auto_scaling.has_value());
}

TEST_CASE("services: a DAEMON service has no desiredCount, maximumPercent 100 and minimumHealthyPercent 0", "[ecs][scenarios]") {
  // Dev Guide "Amazon ECS services": a DAEMON service takes no desired count and no placement
  // strategy; its deployment's maximumPercent is 100 (the default) and minimumHealthyPercent
  // defaults to 0.
  const auto d = one_service(R"({"serviceName": "agent", "taskDefinition": "app", "schedulingStrategy": "DAEMON",
      "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]})");
  CHECK(d.scheduling_strategy == sim::SchedulingStrategy::kDaemon);
  CHECK(d.desired_count == 0);
  CHECK(d.maximum_percent == 100);
  CHECK(d.minimum_healthy_percent == 0);
  CHECK(d.constraints.size() == 1);
  const auto set = one_service(R"({"serviceName": "agent", "taskDefinition": "app", "schedulingStrategy": "DAEMON",
      "desiredCount": null, "placementStrategy": [], "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 100}})");
  CHECK(set.minimum_healthy_percent == 50);
  CHECK(set.maximum_percent == 100);
  // REPLICA still requires desiredCount.
  CHECK(load_error(with_services(R"({"serviceName": "web", "taskDefinition": "app", "schedulingStrategy": "REPLICA"})")) ==
        "s.json: /services/0/desiredCount: expected a desiredCount from 0 to 5000, got nothing");
}

TEST_CASE("services: AZ rebalancing is on by default unless the strategy binpacks, and off for a DAEMON", "[ecs][scenarios]") {
  // Dev Guide "Balancing an Amazon ECS service across Availability Zones": ENABLED by default for
  // new services that are compatible; services using binpack are not and default to DISABLED.
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]})").az_rebalancing);
  CHECK_FALSE(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]})")
                  .az_rebalancing);
  CHECK_FALSE(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementStrategy": "binpackMemory"})").az_rebalancing);
  CHECK_FALSE(one_service(R"({"serviceName": "a", "taskDefinition": "app", "schedulingStrategy": "DAEMON"})").az_rebalancing);
  CHECK_FALSE(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "availabilityZoneRebalancing": "DISABLED"})").az_rebalancing);
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementStrategy": [{"type": "random"}], "availabilityZoneRebalancing": "ENABLED"})").az_rebalancing);
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "schedulingStrategy": "DAEMON",
      "availabilityZoneRebalancing": "ENABLED"})")) ==
        "s.json: /services/0/availabilityZoneRebalancing: expected DISABLED for a DAEMON service (ECS rebalances REPLICA "
        "services only), got \"ENABLED\"");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "availabilityZoneRebalancing": "ENABLE"})")) ==
        "s.json: /services/0/availabilityZoneRebalancing: expected a known availabilityZoneRebalancing (did you mean "
        "\"ENABLED\"? valid: DISABLED, ENABLED), got \"ENABLE\"");
}

TEST_CASE("services: healthCheckGracePeriodSeconds and the deployment circuit breaker are read", "[ecs][scenarios]") {
  // API reference CreateService: healthCheckGracePeriodSeconds 0 to 2147483647;
  // DeploymentCircuitBreaker requires enable and rollback.
  const auto s = one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "healthCheckGracePeriodSeconds": 120,
      "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": false}, "alarms": {}}})");
  CHECK(s.health_check_grace_period == 120 * sim::kSecond);
  CHECK(s.circuit_breaker);
  CHECK_FALSE(s.circuit_breaker_rollback);
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "healthCheckGracePeriodSeconds": -5})")) ==
        "s.json: /services/0/healthCheckGracePeriodSeconds: expected a healthCheckGracePeriodSeconds from 0 to 2147483647, "
        "got -5");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "deploymentConfiguration": {"deploymentCircuitBreaker": {"rollback": true}}})")) ==
        "s.json: /services/0/deploymentConfiguration/deploymentCircuitBreaker/enable: expected a value for enable (the ECS "
        "API requires both enable and rollback), got nothing");
}

TEST_CASE("services: failures are read, each optional, rates and probabilities in range", "[scenarios]") {
  const auto s = one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "failures": {"crashRatePerTaskHour": 0.25, "startFailureProbability": 0.1, "healthCheckFailureProbability": 1}})");
  CHECK(s.failures.crash_rate_per_task_hour == 0.25);
  CHECK(s.failures.start_failure_probability == 0.1);
  CHECK(s.failures.health_check_failure_probability == 1);
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1, "failures": {}})")
            .failures.start_failure_probability == 0);
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "failures": {"crashRatePerTaskHour": -1}})")) ==
        "s.json: /services/0/failures/crashRatePerTaskHour: expected a crashRatePerTaskHour from 0 to 3600, got -1");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "failures": {"healthCheckFailureProbability": "often"}})")) ==
        "s.json: /services/0/failures/healthCheckFailureProbability: expected a probability from 0 to 1, got \"often\"");
}

TEST_CASE("services: a load is points of time and requests per second, inline or from a CSV file", "[scenarios]") {
  const auto inline_load = one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": [[0, 20], ["08:00", 200], ["12h", 350], [72000, 80]], "repeat": "1d",
               "cpuMillisecondsPerRequest": 2.5}})").load;
  REQUIRE(inline_load.has_value());
  const std::vector<std::pair<sim::SimTime, double>> expected = {
      {0, 20}, {8 * sim::kHour, 200}, {12 * sim::kHour, 350}, {20 * sim::kHour, 80}};
  CHECK(inline_load->requests_per_second == expected);
  CHECK(inline_load->repeat == sim::kDay);
  CHECK(inline_load->cpu_milliseconds_per_request == 2.5);
  // The file gives the same curve: seconds, clock times, quoted durations, comments skipped.
  const auto file_load = one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": {"file": "files/load.csv"}, "cpuMillisecondsPerRequest": 2.5}})").load;
  REQUIRE(file_load.has_value());
  CHECK(file_load->requests_per_second == expected);
  CHECK(file_load->repeat == 0);
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": [], "cpuMillisecondsPerRequest": 1}})")) ==
        "s.json: /services/0/load/requestsPerSecond: expected at least one [time, requestsPerSecond] point, got []");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": [[0, -1]], "cpuMillisecondsPerRequest": 1}})")) ==
        "s.json: /services/0/load/requestsPerSecond/0/1: expected a requestsPerSecond of at least 0, got -1");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": [[0, 1]], "cpuMillisecondsPerRequest": 0}})")) ==
        "s.json: /services/0/load/cpuMillisecondsPerRequest: expected a positive cpuMillisecondsPerRequest, got 0");
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "load": {"requestsPerSecond": {"file": "files/trace.csv"}, "cpuMillisecondsPerRequest": 1}})")) ==
        "files/trace.csv: line 1: expected a header time,requestsPerSecond, got \"submit,cpu,memoryMiB,runtime,gpus,family,"
        "group\"");
}

TEST_CASE("services: a FARGATE-only task definition backs no service or job, one that also lists EC2 does", "[ecs][scenarios]") {
  // Dev Guide "Amazon ECS launch types": a task runs on a launch type its task definition's
  // requiresCompatibilities allows; CreateService and RunTask with EC2 refuse a FARGATE-only one.
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "both", "desiredCount": 1})").task_definition == 1);
  const std::string fargate_only = R"({"cluster": {"availabilityZones": ["z"]},
      "taskDefinitions": [{"family": "f", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
                           "memory": "512", "containerDefinitions": [{"name": "c", "image": "i"}]}],
      "jobs": [{"name": "j", "taskDefinition": "f", "arrival": {"type": "fixed", "interval": "1m"},
                "runtime": {"type": "constant", "value": "1m"}}]})";
  CHECK(load_error(fargate_only) ==
        "s.json: /jobs/0/taskDefinition: expected a task definition compatible with EC2 (ECS: Task definition does not "
        "support launch_type EC2.), got \"f\" (requiresCompatibilities [\"FARGATE\"])");
}

TEST_CASE("services: an empty capacityProviderStrategy is no strategy, a provider must be declared", "[scenarios]") {
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1, "capacityProviderStrategy": []})")
            .capacity_provider_strategy.empty());
  CHECK(one_service(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1, "capacityProviderStrategy": null})")
            .desired_count == 1);
  CHECK(load_error(with_services(R"({"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "capacityProviderStrategy": [{"capacityProvider": "cp"}]})")) ==
        "s.json: /services/0/capacityProviderStrategy/0/capacityProvider: expected a capacity provider of "
        "capacityProviders (the scenario has none), got \"cp\"");
}

}  // namespace
}  // namespace ecsim::scenarios
