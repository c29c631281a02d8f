// Capacity providers: the strategy split, the CapacityProviderReservation metric and its
// scale-out estimate (pure functions), then whole runs: managed scaling out and in, termination
// protection, PROVISIONING limits, and the fleet's faults (Spot interruptions with and without
// draining, instance failures, agent disconnects, DRAINING, insufficient capacity, a lost zone).
#include "sim/capacity_providers.h"

#include <algorithm>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "reports/result_check.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "sim/fleet_faults.h"

using namespace ecsim;
using sim::kHour;
using sim::kMinute;
using sim::kNever;
using sim::kSecond;
using sim::SimTime;

namespace {

sim::RunResult run_text(const std::string& text) {
  const sim::Scenario s = scenarios::load_scenario_text(text, "cp.json", ".");
  placement::EcsPlacerFactory factory;
  sim::RunResult r = sim::run_scenario(s, factory);
  reports::check_run_result(r);
  return r;
}

// A cluster of one zone pair with no instance groups, a capacity provider "cp" (m5.large: 2 vCPU,
// 2048 units) and a 1-vCPU task definition "work"; `provider` and `rest` are spliced in.
std::string scenario(const std::string& provider, const std::string& rest, const std::string& duration = "6h") {
  return R"({"duration": ")" + duration + R"(", "seed": 3,
    "cluster": {"availabilityZones": ["z1", "z2"]},
    "capacityProviders": [)" + provider + R"(],
    "taskDefinitions": [
      {"family": "work", "cpu": "1024", "memory": "1024", "containerDefinitions": [{"name": "w", "image": "w"}]},
      {"family": "daemon", "cpu": "128", "memory": "128", "containerDefinitions": [{"name": "d", "image": "d"}]}]
    )" + rest + "}";
}

std::int64_t count_events(const sim::RunResult& r, sim::InstanceEventKind kind) {
  return std::count_if(r.instance_events.begin(), r.instance_events.end(),
                       [&](const sim::InstanceEvent& e) { return e.kind == kind; });
}

std::int64_t live_instances(const sim::RunResult& r, SimTime t) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < r.instances.size(); ++i) {
    if (r.instances.registered_at[i] <= t && (r.instances.terminated_at[i] == kNever || r.instances.terminated_at[i] > t)) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("capacity providers: weights 1 and 4 put one task in five on the first provider", "[sim][ecs]") {
  // Dev Guide "Amazon ECS capacity providers" (capacity provider strategy), the guide's example:
  // weights 1 and 4 run one task on the first provider for every four on the second.
  const std::vector<sim::CapacityProviderStrategyItem> strategy = {{0, 1, 0}, {1, 4, 0}};
  std::vector<std::int64_t> live = {0, 0};
  for (int k = 0; k < 100; ++k) ++live[sim::provider_for(strategy, live)];
  CHECK(live[0] == 20);
  CHECK(live[1] == 80);
  // Every window of five consecutive tasks holds exactly one on the first provider.
  live = {0, 0};
  for (int k = 0; k < 5; ++k) ++live[sim::provider_for(strategy, live)];
  CHECK(live == std::vector<std::int64_t>{1, 4});
}

TEST_CASE("capacity providers: the base is filled first, the rest follows the weights", "[sim][ecs]") {
  // Dev Guide "Amazon ECS capacity providers": base is the minimum number of tasks on that provider;
  // after it is satisfied, the weights apply.
  const std::vector<sim::CapacityProviderStrategyItem> strategy = {{0, 1, 0}, {1, 1, 3}};
  std::vector<std::int64_t> live = {0, 0};
  for (int k = 0; k < 3; ++k) {
    CHECK(sim::provider_for(strategy, live) == 1);
    ++live[1];
  }
  for (int k = 0; k < 10; ++k) ++live[sim::provider_for(strategy, live)];
  CHECK(live == std::vector<std::int64_t>{5, 8});  // 3 base + 10 split 5/5
  // Weight 0 beyond the base: nothing more goes there.
  const std::vector<sim::CapacityProviderStrategyItem> base_only = {{0, 0, 2}, {1, 1, 0}};
  live = {0, 0};
  for (int k = 0; k < 6; ++k) ++live[sim::provider_for(base_only, live)];
  CHECK(live == std::vector<std::int64_t>{2, 4});
}

TEST_CASE("capacity providers: the reservation metric is M / N x 100", "[sim][ecs]") {
  // Dev Guide "Amazon ECS cluster auto scaling" and the AWS blog "Deep dive on Amazon ECS cluster
  // auto scaling": 100 when every instance runs a task, below with empty instances, above when
  // tasks wait; with no instance and tasks waiting, 200.
  CHECK(sim::reservation_percent(10, 10, 0, false) == 100.0);
  CHECK(sim::reservation_percent(10, 8, 0, false) == 80.0);
  CHECK(sim::reservation_percent(4, 4, 2, true) == 150.0);
  CHECK(sim::reservation_percent(0, 0, 3, true) == 200.0);
  CHECK(sim::reservation_percent(0, 0, 0, false) == 100.0);
}

TEST_CASE("capacity providers: the scale-out estimate counts on the largest type, checks the smallest", "[sim][ecs]") {
  const sim::InstanceCapacity large{8192, 16000, 0, 3, 95};
  const sim::InstanceCapacity small{2048, 7800, 0, 2, 95};
  std::vector<sim::WaitingShape> waiting(3);
  waiting[0].need.cpu = 1024;
  waiting[0].need.memory_mib = 1024;
  waiting[0].count = 17;  // 8 per large instance: 3 instances
  waiting[1].need.cpu = 4096;
  waiting[1].need.memory_mib = 1024;
  waiting[1].count = 2;  // does not fit the smallest type: ignored (it stays PROVISIONING)
  waiting[2].need.memory_mib = 4000;
  waiting[2].need.enis = 1;
  waiting[2].count = 7;  // ENIs bound it: 3 per instance, 3 instances
  CHECK(sim::estimate_new_instances(waiting, large, small) == 6);
}

TEST_CASE("capacity providers: managed scaling grows the group from zero for a burst and shrinks it after", "[sim]") {
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0,
      "maxSize": 10, "desiredCapacity": 0, "launchTime": "90s"},
      "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
      "managedTerminationProtection": "ENABLED"})";
  const std::string jobs = R"(, "jobs": [{"name": "burst", "taskDefinition": "work",
      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}],
      "arrival": {"type": "list", "at": ["10m", "10m", "10m", "10m", "10m", "10m", "10m", "10m"]},
      "runtime": {"type": "constant", "value": "30m"}}])";
  const sim::RunResult r = run_text(scenario(cp, jobs));
  // Nothing at first; 8 tasks of 1 vCPU need 4 m5.large: with no instance ECS scales out to 200 %
  // (two instances) at the first datapoint, then, once they are past the 300 s warm-up, by the
  // estimate for the tasks still waiting (two more).
  CHECK(live_instances(r, 9 * kMinute) == 0);
  std::int64_t placed = 0;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) placed += r.tasks.placed_at[t] != kNever ? 1 : 0;
  CHECK(placed == 8);
  CHECK(live_instances(r, 40 * kMinute) == 4);
  // The datapoint at 10:00 sees the eight tasks: four placed when the first two instances
  // registered (10:00 + 90 s), four when the next two did (the warm-up ends at 15:00, + 90 s).
  std::vector<SimTime> placed_at(r.tasks.placed_at.begin(), r.tasks.placed_at.end());
  std::sort(placed_at.begin(), placed_at.end());
  CHECK(placed_at[0] == 11 * kMinute + 30 * kSecond);
  CHECK(placed_at[3] == 11 * kMinute + 30 * kSecond);
  CHECK(placed_at[4] == 16 * kMinute + 30 * kSecond);
  CHECK(placed_at[7] == 16 * kMinute + 30 * kSecond);
  // Empty after about 0:45; 15 low datapoints later the group scales in, to 0 by the end.
  CHECK(live_instances(r, 5 * kHour) == 0);
  REQUIRE(r.capacity_providers.size() == 1);
  CHECK(r.capacity_providers[0].launched == 4);
  CHECK(r.capacity_providers[0].scaled_in == 4);
  CHECK(r.capacity_providers[0].scale_outs >= 1);
  CHECK(r.capacity_providers[0].desired_at_end == 0);
  for (std::size_t i = 0; i < r.instances.size(); ++i) {
    // Never terminated with a task on it (termination protection), and only after 15 datapoints
    // (one a minute) found it empty.
    CHECK(r.instances.terminated_at[i] >= 11 * kMinute + 30 * kSecond + 30 * kMinute + 14 * kMinute);
  }
}

TEST_CASE("capacity providers: termination protection keeps an instance with tasks through scale-in", "[sim][ecs]") {
  // Dev Guide "Amazon ECS capacity providers" (managed termination protection): ECS protects the
  // instances that run tasks from scale-in. One long task on the newest instance, cp-3, which an
  // unprotected scale-in takes first (the newest of the fullest zone).
  const auto provider = [](bool protect) {
    return std::string(R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0,
        "maxSize": 10, "desiredCapacity": 3, "availabilityZones": ["z1"]},
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100}, "managedTerminationProtection": ")") +
           (protect ? "ENABLED" : "DISABLED") + "\"}";
  };
  const std::string jobs = R"(, "jobs": [{"name": "long", "taskDefinition": "work",
      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}],
      "placementConstraints": [{"type": "memberOf", "expression": "ec2InstanceId == cp-3"}],
      "arrival": {"type": "list", "at": ["1m"]}, "runtime": {"type": "constant", "value": "10h"}}])";
  const sim::RunResult with = run_text(scenario(provider(true), jobs));
  REQUIRE(with.tasks.size() == 1);
  CHECK(with.tasks.stopped_at[0] == kNever);  // still running at the end
  CHECK(with.capacity_providers[0].scaled_in == 2);
  CHECK(with.capacity_providers[0].desired_at_end == 1);
  CHECK(with.instances.terminated_at[2] == kNever);
  const sim::RunResult without = run_text(scenario(provider(false), jobs));
  REQUIRE(without.tasks.size() == 1);
  CHECK(without.tasks.stop_reason[0] == sim::StopReason::kInstanceScaledIn);
  CHECK(without.tasks.stopped_at[0] == without.instances.terminated_at[2]);
  CHECK(without.capacity_providers[0].desired_at_end == 0);
}

TEST_CASE("capacity providers: a task waits in PROVISIONING until the time-out, within the quota", "[sim][ecs]") {
  // Dev Guide "Amazon ECS service quotas": at most 300 tasks in PROVISIONING per cluster (ecsim:
  // maxProvisioningTasks); a group that cannot grow leaves its tasks to time out.
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0,
      "maxSize": 0}, "managedScaling": {"status": "ENABLED"}})";
  std::string text = scenario(cp, R"(, "jobs": [{"name": "j", "taskDefinition": "work",
      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}],
      "arrival": {"type": "fixed", "interval": "1m", "start": "1m", "count": 8},
      "runtime": {"type": "constant", "value": "10m"}}])");
  text.replace(text.find(R"("availabilityZones": ["z1", "z2"]})"), 34,
               R"("availabilityZones": ["z1", "z2"], "maxProvisioningTasks": 5, "provisioningTimeout": "20m"})");
  const sim::RunResult r = run_text(text);
  REQUIRE(r.tasks.size() == 8);
  for (std::size_t t = 0; t < 8; ++t) {
    INFO("task " << t);
    CHECK(r.tasks.rejected[t] == 1);
    if (t < 5) {
      CHECK(r.tasks.stop_reason[t] == sim::StopReason::kProvisioningTimeout);
      CHECK(r.tasks.stopped_at[t] == r.tasks.submitted_at[t] + 20 * kMinute);
    } else {
      CHECK(r.tasks.stop_reason[t] == sim::StopReason::kProvisioningQuota);
      CHECK(r.tasks.stopped_at[t] == r.tasks.submitted_at[t]);
    }
  }
}

TEST_CASE("capacity providers: a service task refused by the PROVISIONING quota is replaced once there is room",
          "[sim][ecs]") {
  // The quota refuses a service's task as the scheduler launches it: the task never joins the
  // service (it stopped with TaskFailedToStart, "too many tasks in PROVISIONING"); the launch
  // throttle backs off and the scheduler launches a replacement later, until the service runs its
  // desired count on the instances the provider adds.
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0,
      "maxSize": 4, "desiredCapacity": 0}, "managedScaling": {"status": "ENABLED", "targetCapacity": 100}})";
  std::string text = scenario(cp, R"(, "services": [{"serviceName": "web", "taskDefinition": "work", "desiredCount": 3,
      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}])", "2h");
  text.replace(text.find(R"("availabilityZones": ["z1", "z2"]})"), 34,
               R"("availabilityZones": ["z1", "z2"], "maxProvisioningTasks": 1})");
  const sim::RunResult r = run_text(text);
  std::int64_t refused = 0, running_at_end = 0;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) {
    if (r.tasks.stop_reason[t] == sim::StopReason::kProvisioningQuota) {
      ++refused;
      CHECK(r.tasks.rejected[t] == 1);
      CHECK(r.tasks.stopped_at[t] == r.tasks.submitted_at[t]);
    }
    if (r.tasks.started_at[t] != kNever && r.tasks.stopped_at[t] == kNever) ++running_at_end;
  }
  CHECK(refused > 0);
  CHECK(running_at_end == 3);
  REQUIRE(r.services.size() == 1);
  CHECK(r.services[0].desired_count == 3);
}

TEST_CASE("capacity providers: a Spot interruption with draining replaces service tasks before the instance goes",
          "[sim][ecs]") {
  // Dev Guide "Spot Instance draining": with ECS_ENABLE_SPOT_INSTANCE_DRAINING the agent sets the
  // instance DRAINING on the two-minute notice, and the service's tasks are replaced elsewhere.
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 2,
      "maxSize": 6, "desiredCapacity": 3, "onDemandPercentageAboveBaseCapacity": 0}})";
  const auto text = [&](bool drain) {
    std::string t = scenario(cp, R"(, "services": [{"serviceName": "web", "taskDefinition": "work", "desiredCount": 2,
        "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}],
        "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200}}],
        "faults": {"spotInterruptions": "none"},
        "events": [{"at": "1h", "type": "spotInterruption", "capacityProvider": "cp", "count": 3}])");
    if (drain) t.replace(t.find(R"("availabilityZones": ["z1", "z2"]})"), 34,
                         R"("availabilityZones": ["z1", "z2"], "agent": {"spotInstanceDraining": true}})");
    return t;
  };
  const sim::RunResult drained = run_text(text(true));
  const sim::RunResult killed = run_text(text(false));
  for (const sim::RunResult* r : {&drained, &killed}) {
    CHECK(count_events(*r, sim::InstanceEventKind::kInterruptionNotice) == 3);
    // The group replaces the three interrupted instances.
    CHECK(r->capacity_providers[0].lost == 3);
    CHECK(r->capacity_providers[0].launched == 6);
    CHECK(r->services[0].running_min >= 0);
  }
  // Draining: the scheduler stops the old tasks (ServiceSchedulerInitiated) with new ones
  // started elsewhere... but every instance is interrupted at once here, so the replacements wait
  // for the new instances; without draining the tasks die with the instance.
  std::int64_t spot_killed = 0, scheduler_stopped = 0;
  for (std::size_t t = 0; t < killed.tasks.size(); ++t) spot_killed += killed.tasks.stop_code[t] == sim::StopCode::kSpotInterruption;
  for (std::size_t t = 0; t < drained.tasks.size(); ++t) {
    scheduler_stopped += drained.tasks.stop_code[t] == sim::StopCode::kServiceSchedulerInitiated;
  }
  CHECK(spot_killed == 2);
  CHECK(scheduler_stopped >= 1);
  // Both end at the desired count on the new instances.
  CHECK(drained.services[0].below_desired_spells.back().second != kNever);
  CHECK(killed.services[0].below_desired_spells.back().second != kNever);
}

TEST_CASE("capacity providers: DRAINING replaces service tasks, leaves standalone ones, stops DAEMON ones last",
          "[sim][ecs]") {
  // Dev Guide "Container instance draining".
  const std::string text = R"({"duration": "3h", "seed": 1,
    "cluster": {"availabilityZones": ["z1"], "instanceGroups": [
      {"name": "a", "instanceType": "m5.xlarge", "count": 2}]},
    "taskDefinitions": [
      {"family": "work", "cpu": "1024", "memory": "1024", "containerDefinitions": [{"name": "w", "image": "w"}]},
      {"family": "daemon", "cpu": "128", "memory": "128", "containerDefinitions": [{"name": "d", "image": "d"}]}],
    "services": [{"serviceName": "web", "taskDefinition": "work", "desiredCount": 2,
                  "placementConstraints": [{"type": "distinctInstance"}],
                  "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200}},
                 {"serviceName": "logs", "taskDefinition": "daemon", "schedulingStrategy": "DAEMON"}],
    "jobs": [{"name": "batch", "taskDefinition": "work", "placementConstraints": [{"type": "memberOf",
              "expression": "ec2InstanceId == a-1"}],
              "arrival": {"type": "list", "at": ["5m"]}, "runtime": {"type": "constant", "value": "2h"}}],
    "events": [{"at": "1h", "type": "drain", "instance": "a-1"}]})";
  const sim::RunResult r = run_text(text);
  std::map<std::string, std::vector<std::size_t>> by_source;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) by_source[r.sources[r.tasks.source[t]].name].push_back(t);
  // The standalone task ran its two hours on the draining instance.
  REQUIRE(by_source["batch"].size() == 1);
  const std::size_t batch = by_source["batch"][0];
  CHECK(r.tasks.stopped_at[batch] - r.tasks.started_at[batch] == 2 * kHour);
  CHECK(r.tasks.stop_code[batch] == sim::StopCode::kEssentialContainerExited);
  // web's task on a-1 was replaced (distinctInstance: the replacement cannot go on a-2 beside the
  // other, so web runs one task until the end: within minimumHealthyPercent 50).
  std::int64_t web_stopped = 0;
  for (const std::size_t t : by_source["web"]) web_stopped += r.tasks.stop_code[t] == sim::StopCode::kServiceSchedulerInitiated;
  CHECK(web_stopped == 1);
  // The DAEMON task on a-1 stopped only once the standalone task had (at 02:05 + its stop).
  SimTime daemon_stop = kNever;
  for (const std::size_t t : by_source["logs"]) {
    if (r.tasks.instance[t] == 0 && r.tasks.stopped_at[t] != kNever) daemon_stop = r.tasks.stopped_at[t];
  }
  CHECK(daemon_stop >= r.tasks.stopped_at[batch]);
  CHECK(count_events(r, sim::InstanceEventKind::kDraining) == 1);
}

TEST_CASE("capacity providers: a failed instance is replaced and insufficient capacity moves launches", "[sim]") {
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large", "m5.xlarge"],
      "minSize": 2, "maxSize": 4, "desiredCapacity": 2, "launchTime": "60s"}})";
  const std::string rest = R"(, "events": [
      {"at": "10m", "type": "insufficientCapacity", "zone": "z1", "instanceType": "m5.large", "duration": "1h"},
      {"at": "20m", "type": "instanceFailure", "capacityProvider": "cp", "zone": "z1"}])";
  const sim::RunResult r = run_text(scenario(cp, rest));
  REQUIRE(r.instances.size() == 3);
  CHECK(r.instances.terminated_at[0] == 20 * kMinute);
  // The replacement goes to z1 (the zone with fewer instances) as the next type, m5.xlarge.
  CHECK(r.instances.zone[2] == r.instances.zone[0]);
  CHECK(r.instance_types[r.instances.type[2]] == "m5.xlarge");
  CHECK(r.instances.launched_at[2] == 20 * kMinute);
  CHECK(r.instances.registered_at[2] == 21 * kMinute);
  CHECK(r.capacity_providers[0].lost == 1);
}

TEST_CASE("capacity providers: an agent disconnect keeps tasks running and placement there fails with AGENT", "[sim][ecs]") {
  const std::string text = R"({"duration": "2h", "seed": 1,
    "cluster": {"availabilityZones": ["z1"], "instanceGroups": [{"name": "a", "instanceType": "m5.large", "count": 1}]},
    "taskDefinitions": [{"family": "work", "cpu": "1024", "memory": "1024", "containerDefinitions": [{"name": "w", "image": "w"}]}],
    "jobs": [{"name": "j", "taskDefinition": "work", "arrival": {"type": "list", "at": ["1m", "31m"]},
              "runtime": {"type": "constant", "value": "1h"}}],
    "events": [{"at": "30m", "type": "agentDisconnect", "instance": "a-1", "duration": "5m"}]})";
  const sim::RunResult r = run_text(text);
  REQUIRE(r.tasks.size() == 2);
  CHECK(r.tasks.stopped_at[0] == kMinute + kHour);  // untouched
  CHECK(r.tasks.placed_at[1] == 35 * kMinute);      // waited for the agent
  // ECS's reason for an instance whose agent is disconnected (Dev Guide "Amazon ECS API failure
  // reasons": AGENT).
  CHECK(r.tasks.failure_reason[1] == sim::FailureReason::kAgent);
  CHECK(r.placement_failures[static_cast<std::size_t>(sim::FailureReason::kAgent)] == 1);
  CHECK(count_events(r, sim::InstanceEventKind::kAgentDisconnected) == 1);
  CHECK(count_events(r, sim::InstanceEventKind::kAgentReconnected) == 1);
  // Its capacity stays registered: the running task is still reserved against it.
  for (const sim::Sample& s : r.samples) CHECK(s.cpu_reserved <= s.cpu_registered);
}

TEST_CASE("capacity providers: a lost zone's instances are replaced in the others, services recover", "[sim]") {
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 4,
      "maxSize": 8, "desiredCapacity": 4, "launchTime": "90s"}})";
  // Eight tasks fill the four m5.large (two each): the lost zone's four wait for new instances.
  const std::string rest = R"(, "services": [{"serviceName": "web", "taskDefinition": "work", "desiredCount": 8,
      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}],
      "events": [{"at": "2h", "type": "azOutage", "zone": "z2"}])";
  const sim::RunResult r = run_text(scenario(cp, rest));
  CHECK(r.capacity_providers[0].lost == 2);
  CHECK(r.capacity_providers[0].launched == 6);
  // Every instance alive at the end is in z1.
  for (std::size_t i = 0; i < r.instances.size(); ++i) {
    if (r.instances.terminated_at[i] == kNever) CHECK(r.zones[r.instances.zone[i]] == "z1");
  }
  // web fell to 4 at 2h and was back at 8 once the new instances registered.
  const auto& spells = r.services[0].below_desired_spells;
  REQUIRE(!spells.empty());
  CHECK(spells.back().first == 2 * kHour);
  CHECK(spells.back().second != kNever);
  CHECK(spells.back().second - spells.back().first >= 90 * kSecond);
  CHECK(spells.back().second - spells.back().first < 5 * kMinute);
}

TEST_CASE("fleet faults: random failures follow their rate, and the same seed meets the same faults", "[sim]") {
  // 20 instances at 0.05 failures per instance-hour for 24 h: each fails with probability
  // 1 - e^-1.2 = 0.70; the group replaces each, and replacements fail in turn.
  const std::string cp = R"({"name": "cp", "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 20,
      "maxSize": 20, "desiredCapacity": 20, "launchTime": "60s"}})";
  const std::string rest = R"(, "faults": {"instanceFailureRatePerHour": 0.05})";
  const sim::RunResult a = run_text(scenario(cp, rest, "24h"));
  const sim::RunResult b = run_text(scenario(cp, rest, "24h"));
  const std::int64_t failures = count_events(a, sim::InstanceEventKind::kTerminated);
  // Expected about 20 × 24 × 0.05 = 24 over the instance-hours; a wide band for one seed.
  CHECK(failures >= 12);
  CHECK(failures <= 40);
  CHECK(a.instances.terminated_at == b.instances.terminated_at);
  CHECK(a.capacity_providers[0].lost == failures);
}

TEST_CASE("fleet faults: the gaps are exponential with the rate", "[sim]") {
  double sum = 0;
  const int n = 20000;
  for (int k = 0; k < n; ++k) sum += sim::to_seconds(sim::fault_gap(1, "x-1", sim::FaultKind::kFailure, static_cast<std::uint64_t>(k), 2.0));
  CHECK(sum / n == Approx(1800.0).epsilon(0.03));  // mean 1/2 hour
}
