// Task-attached EBS volumes end to end (issue 3, "Volumes"): the attachment limit of the
// instance type, the zone a volume is bound to, the attach latency, and the agent capability.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "placement/registry.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "sim/input_error.h"

using namespace ecsim;

namespace {

const std::string kEbsTaskDefinition = R"({"family": "t", "volumes": [{"name": "data", "configuredAtLaunch": true}],
    "containerDefinitions": [{"name": "a", "image": "a", "cpu": 1, "memory": 6,
                              "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]}]})";

// `count` tasks at t = 0 of `task_definition` on one group of `instances` x `type` spread over
// zones a and b; the job refuses to wait so a failure shows its reason.
std::string scenario_text(const std::string& type, int instances, const std::string& task_definition, int count,
                          const std::string& job_extra, const std::string& group_extra = "",
                          const std::string& top_extra = "") {
  std::string at = "[";
  for (int k = 0; k < count; ++k) at += std::string(k ? ", " : "") + "0";
  at += "]";
  return R"({"name": "ebs", "seed": 1, "duration": "2h",)" + top_extra + R"(
    "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
                "instanceGroups": [{"name": "g", "instanceType": ")" + type + R"(", "count": )" +
         std::to_string(instances) + group_extra + R"(}]},
    "taskDefinitions": [)" + task_definition + R"(],
    "jobs": [{"name": "j", "taskDefinition": "t", "arrival": {"type": "list", "at": )" + at + R"(},
              "runtime": {"type": "constant", "value": "1h"}, "onPlacementFailure": "fail")" + job_extra + R"(}]})";
}

sim::RunResult run(const std::string& text) {
  const sim::Scenario s = scenarios::load_scenario_text(text, "ebs.json", ".");
  placement::EcsPlacerFactory factory;
  return sim::run_scenario(s, factory);
}

std::map<std::string, int> outcome_counts(const sim::RunResult& r) {
  std::map<std::string, int> out;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) {
    ++out[r.tasks.placed_at[t] != sim::kNever ? std::string("placed")
                                              : std::string(sim::failure_reason_name(r.tasks.failure_reason[t]))];
  }
  return out;
}

std::string error_of(const std::string& text) {
  try {
    run(text);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

const std::string kVolume = R"(, "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"sizeInGiB": 20}}])";

}  // namespace

TEST_CASE("ebs: a Nitro type shares 28 attachments with the root volume and the primary ENI", "[ecs][sim][volumes]") {
  // EC2 "Amazon EBS volume limits": Nitro instances share 28 attachments between ENIs, EBS
  // volumes (the root volume included) and instance store: 26 are left for task volumes.
  const auto r = run(scenario_text("m5.large", 1, kEbsTaskDefinition, 30, kVolume));
  CHECK(outcome_counts(r) == std::map<std::string, int>{{"placed", 26}, {"RESOURCE:EBS", 4}});
}

TEST_CASE("ebs: a Xen type has 40 EBS volumes of its own, the root volume one of them", "[ecs][sim][volumes]") {
  const auto r = run(scenario_text("m4.large", 1, kEbsTaskDefinition, 45, kVolume));
  CHECK(outcome_counts(r) == std::map<std::string, int>{{"placed", 39}, {"RESOURCE:EBS", 6}});
}

TEST_CASE("ebs: on a shared limit, awsvpc task ENIs and EBS volumes use the same attachments", "[ecs][sim][volumes]") {
  // A type with 15 ENIs but, as declared, 5 shared attachments: the root volume and the primary
  // ENI leave 3, so only 3 awsvpc tasks fit although 14 ENIs are free.
  const std::string types = R"("instanceTypes": [{"name": "m5.24xlarge", "maximumEbsAttachments": 5}],)";
  const std::string awsvpc = R"({"family": "t", "networkMode": "awsvpc",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 1, "memory": 6}]})";
  CHECK(outcome_counts(run(scenario_text("m5.24xlarge", 1, awsvpc, 5, "", "", types))) ==
        std::map<std::string, int>{{"placed", 3}, {"RESOURCE:ENI", 2}});
  // Dedicated: ENIs do not count; 4 volumes fit beside the root volume.
  const std::string dedicated =
      R"("instanceTypes": [{"name": "m5.24xlarge", "maximumEbsAttachments": 5, "ebsAttachmentLimitType": "dedicated"}],)";
  CHECK(outcome_counts(run(scenario_text("m5.24xlarge", 1, awsvpc, 5, "", "", dedicated))) ==
        std::map<std::string, int>{{"placed", 5}});
  CHECK(outcome_counts(run(scenario_text("m5.24xlarge", 1, kEbsTaskDefinition, 6, kVolume, "", dedicated))) ==
        std::map<std::string, int>{{"placed", 4}, {"RESOURCE:EBS", 2}});
}

TEST_CASE("ebs: a volume bound to a zone holds its tasks there, else LOCATION", "[ecs][sim][volumes]") {
  const std::string bound =
      R"(, "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"sizeInGiB": 20, "availabilityZone": "us-east-1b"}}])";
  const auto r = run(scenario_text("m5.large", 4, kEbsTaskDefinition, 8, bound));
  REQUIRE(outcome_counts(r) == std::map<std::string, int>{{"placed", 8}});
  for (std::size_t t = 0; t < r.tasks.size(); ++t) CHECK(r.zones[r.instances.zone[r.tasks.instance[t]]] == "us-east-1b");
  // The group only in us-east-1a: no instance in the volume's zone.
  const auto none = run(scenario_text("m5.large", 2, kEbsTaskDefinition, 1, bound, R"(, "availabilityZones": ["us-east-1a"])"));
  CHECK(outcome_counts(none) == std::map<std::string, int>{{"LOCATION", 1}});
  // Without a zone, ECS creates the volume where the task lands: both zones are used.
  const auto free = run(scenario_text("m5.large", 4, kEbsTaskDefinition, 8, kVolume));
  std::set<std::uint32_t> zones;
  for (std::size_t t = 0; t < free.tasks.size(); ++t) zones.insert(free.instances.zone[free.tasks.instance[t]]);
  CHECK(zones.size() == 2);
}

TEST_CASE("ebs: a task starts once its volume is attached", "[sim][volumes]") {
  const std::string slow =
      R"(, "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"sizeInGiB": 20, "attachLatency": "45s"}}])";
  const auto r = run(scenario_text("m5.large", 1, kEbsTaskDefinition, 2, slow));
  for (std::size_t t = 0; t < r.tasks.size(); ++t) CHECK(r.tasks.started_at[t] - r.tasks.placed_at[t] == 45 * sim::kSecond);
  // ecsim's default, an assumption: 20 s.
  const auto d = run(scenario_text("m5.large", 1, kEbsTaskDefinition, 1, kVolume));
  CHECK(d.tasks.started_at[0] - d.tasks.placed_at[0] == 20 * sim::kSecond);
}

TEST_CASE("ebs: the agent must have the EBS task attach capability, else ATTRIBUTE", "[ecs][sim][volumes]") {
  const auto r = run(scenario_text("m5.large", 1, kEbsTaskDefinition, 1, kVolume,
                                   R"(, "withoutCapabilities": ["ecs.capability.storage.ebs-task-volume-attach"])"));
  CHECK(outcome_counts(r) == std::map<std::string, int>{{"ATTRIBUTE", 1}});
}

TEST_CASE("ebs: a configuredAtLaunch volume and its volumeConfigurations must go together", "[scenarios][volumes]") {
  CHECK(error_of(scenario_text("m5.large", 1, kEbsTaskDefinition, 1, "")) ==
        "ebs.json: /jobs/0/volumeConfigurations: expected a volumeConfigurations entry for the task definition's "
        "configuredAtLaunch volume \"data\", got nothing");
  CHECK(error_of(scenario_text("m5.large", 1, kEbsTaskDefinition, 1,
                               R"(, "volumeConfigurations": [{"name": "logs", "managedEBSVolume": {"sizeInGiB": 1}}])")) ==
        "ebs.json: /jobs/0/volumeConfigurations/0/name: expected the task definition's configuredAtLaunch volume "
        "\"data\", got \"logs\"");
  const std::string plain = R"({"family": "t", "containerDefinitions": [{"name": "a", "image": "a", "memory": 6}]})";
  CHECK(error_of(scenario_text("m5.large", 1, plain, 1, kVolume)) ==
        "ebs.json: /jobs/0/volumeConfigurations/0/name: expected a volume the task definition declares with "
        "configuredAtLaunch (it has none), got \"data\"");
  CHECK(error_of(scenario_text("m5.large", 1, kEbsTaskDefinition, 1,
                               R"(, "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"volumeType": "gp4", "sizeInGiB": 1}}])"))
            .find("expected a known EBS volume type (did you mean \"gp2\"?") != std::string::npos);
}
