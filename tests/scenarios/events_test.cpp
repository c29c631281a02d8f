#include "scenarios/events.h"

#include <catch2/catch.hpp>

#include "error_text.h"
#include "scenarios/loader.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

// Services "web" (app:1) and "agent" (DAEMON, app:1), task definitions app:1 and app:2, registry
// "hub", and the given events.
std::string with_events(const std::string& events) {
  return R"({"cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"]},
             "registries": [{"name": "ecr", "pullBandwidth": "1GB/s"}, {"name": "hub", "pullBandwidth": "100MB/s"}],
             "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "c", "image": "i", "memory": 256}]},
                                 {"family": "app", "containerDefinitions": [{"name": "c", "image": "i:2", "memory": 256}]}],
             "services": [{"serviceName": "web", "taskDefinition": "app:1", "desiredCount": 2},
                          {"serviceName": "agent", "taskDefinition": "app:1", "schedulingStrategy": "DAEMON"}],
             "events": [)" +
         events + "]}";
}

sim::Scenario load_text(const std::string& text) { return load_scenario_text(text, "s.json", "."); }
std::string load_error(const std::string& text) {
  return error_text([&] { load_text(text); });
}

TEST_CASE("events: every type is read into its typed fields and sorted by time, stably", "[scenarios]") {
  const auto s = load_text(with_events(R"(
      {"at": "3h", "type": "scale", "service": "web", "desiredCount": 5},
      {"at": "1h", "type": "registryOutage", "registry": "hub", "duration": "10m"},
      {"at": "1h", "type": "deploy", "service": "agent", "taskDefinition": "app:2",
       "failures": {"startFailureProbability": 0.5}},
      {"at": "30m", "type": "azOutage", "zone": "us-east-1b"},
      {"at": "2h", "type": "registryOutage", "registry": "ecr"})"));
  REQUIRE(s.events.size() == 5);
  CHECK(s.events[0].type == sim::EventType::kAzOutage);
  CHECK(s.events[0].zone == 1);
  CHECK(s.events[0].duration == sim::kNever);
  CHECK(s.events[1].type == sim::EventType::kRegistryOutage);
  CHECK(s.events[1].registry == 1);
  CHECK(s.events[1].duration == 10 * sim::kMinute);
  CHECK(s.events[2].type == sim::EventType::kDeploy);
  CHECK(s.events[2].at == sim::kHour);
  CHECK(s.events[2].service == 1);
  CHECK(s.events[2].task_definition == 1);
  CHECK_FALSE(s.events[2].force_new_deployment);
  REQUIRE(s.events[2].failures.has_value());
  CHECK(s.events[2].failures->start_failure_probability == 0.5);
  CHECK(s.events[3].registry == 0);
  CHECK(s.events[3].duration == sim::kNever);
  CHECK(s.events[4].type == sim::EventType::kScale);
  CHECK(s.events[4].service == 0);
  CHECK(s.events[4].desired_count == 5);
  CHECK(sim::event_type_name(s.events[4].type) == "scale");
}

TEST_CASE("events: forceNewDeployment redeploys the task definition the service runs at that time", "[ecs][scenarios]") {
  // API reference UpdateService: forceNewDeployment starts a new deployment of the service's
  // current task definition. "Current" is as of the event, so an earlier deploy counts even when
  // it comes later in the file, and a later one does not.
  const auto s = load_text(with_events(R"(
      {"at": "4h", "type": "deploy", "service": "web", "forceNewDeployment": true},
      {"at": "1h", "type": "deploy", "service": "web", "forceNewDeployment": true},
      {"at": "2h", "type": "deploy", "service": "web", "taskDefinition": "app"},
      {"at": "2h", "type": "deploy", "service": "web", "forceNewDeployment": true},
      {"at": "3h", "type": "deploy", "service": "web", "taskDefinition": "app:1", "forceNewDeployment": false})"));
  REQUIRE(s.events.size() == 5);
  CHECK(s.events[0].at == sim::kHour);
  CHECK(s.events[0].force_new_deployment);
  CHECK(s.events[0].task_definition == 0);  // the service's own, app:1
  CHECK(s.events[1].task_definition == 1);  // "app" is the latest revision, app:2
  CHECK(s.events[2].force_new_deployment);
  CHECK(s.events[2].task_definition == 1);  // same time, after the 2h deploy in file order
  CHECK(s.events[3].task_definition == 0);
  CHECK(s.events[4].task_definition == 0);  // back to app:1 at 3h
  CHECK_FALSE(s.events[4].failures.has_value());
}

TEST_CASE("events: names of services and registries get did-you-mean, keys are checked per type", "[scenarios]") {
  CHECK(load_error(with_events(R"({"at": "1h", "type": "scale", "service": "webb", "desiredCount": 1})")) ==
        "s.json: /events/0/service: expected a known service (did you mean \"web\"? valid: web, agent), got \"webb\"");
  CHECK(load_error(with_events(R"({"at": "1h", "type": "scale", "service": "web", "desiredCount": 5001})")) ==
        "s.json: /events/0/desiredCount: expected a desiredCount from 0 to 5000, got 5001");
  CHECK(load_error(with_events(R"({"at": "1h", "type": "registryOutage", "registry": "hub", "zone": "us-east-1a"})")) ==
        "s.json: /events/0/zone: expected a known key of a registryOutage event (valid: at, duration, registry, type), got "
        "\"zone\"");
  CHECK(load_error(with_events(R"({"at": "1h", "type": "deploy", "service": "web", "taskDefinition": "ap"})")) ==
        "s.json: /events/0/taskDefinition: expected a known task definition family (did you mean \"app\"? valid: app), got "
        "\"ap\"");
  CHECK(load_error(with_events(R"({"at": "1h", "type": "deploy", "service": "web", "forceNewDeployment": true,
      "failures": {"crashRatePerTaskHours": 1}})")) ==
        "s.json: /events/0/failures/crashRatePerTaskHours: expected a known key of failures (did you mean \"crashRatePerTaskHour\"? valid: "
        "crashRatePerTaskHour, healthCheckFailureProbability, startFailureProbability), got \"crashRatePerTaskHours\"");
}

}  // namespace
}  // namespace ecsim::scenarios
