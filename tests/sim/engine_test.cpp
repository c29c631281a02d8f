#include "sim/engine.h"

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "scenario_builder.h"

using namespace ecsim;
using sim::kNever;
using sim::kSecond;

namespace {

sim::RunResult run(const sim::Scenario& s) {
  placement::EcsPlacerFactory factory;
  return sim::run_scenario(s, factory);
}

sim::Job list_job(const std::string& name, std::vector<sim::SimTime> at, sim::SimTime runtime) {
  sim::Job j;
  j.name = name;
  j.task_definition = 0;
  j.group = "family:work";
  j.arrival.kind = sim::ArrivalSpec::Kind::kList;
  j.arrival.at = std::move(at);
  j.runtime.kind = sim::RuntimeSpec::Kind::kConstant;
  j.runtime.value = runtime;
  return j;
}

const sim::Sample& sample_at(const sim::RunResult& r, sim::SimTime t) {
  for (const auto& s : r.samples) {
    if (s.time == t) return s;
  }
  FAIL("no sample at " << t);
  return r.samples.front();
}

// Six instances over three zones, a 6-task service, zone 1 out from 1 h to 1 h 30.
sim::Scenario service_through_outage() {
  sim::Scenario s = testing::slot_scenario(6, 3, 4, 4096, 1024, 1024);
  s.duration = 4 * sim::kHour;
  sim::Service svc;
  svc.name = "web";
  svc.task_definition = 0;
  svc.desired_count = 6;
  s.services.push_back(svc);
  sim::ScenarioEvent outage;
  outage.at = sim::kHour;
  outage.type = sim::EventType::kAzOutage;
  outage.zone = 1;
  outage.duration = 30 * sim::kMinute;
  s.events.push_back(outage);
  return s;
}

}  // namespace

TEST_CASE("engine: a task goes PENDING, RUNNING, STOPPED with the agent's latencies", "[sim][ecs]") {
  // Dev Guide "Amazon ECS task lifecycle": PROVISIONING -> PENDING -> RUNNING -> STOPPED; the agent
  // releases the
  // resources when the containers have stopped.
  // AWS containers blog "Improvements to Amazon ECS task launch behavior when tasks have prolonged
  // shutdown" (2023): the control plane places as if a STOPPING task's resources were free, and
  // the agent holds the new task in PENDING until they are released.
  sim::Scenario s = testing::slot_scenario(1);
  s.cluster.agent.task_start_latency = 2 * kSecond;
  s.cluster.agent.task_stop_latency = 3 * kSecond;
  s.jobs.push_back(list_job("one", {10 * kSecond, 11 * kSecond}, 100 * kSecond));
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() == 2);
  REQUIRE(r.tasks.placed_at[0] == 10 * kSecond);
  REQUIRE(r.tasks.started_at[0] == 12 * kSecond);
  REQUIRE(r.tasks.stopped_at[0] == 115 * kSecond);  // 12 + 100 running + 3 stopping
  REQUIRE(r.tasks.stop_code[0] == sim::StopCode::kEssentialContainerExited);
  // The second is placed as soon as the first begins stopping, and starts once it has stopped.
  REQUIRE(r.tasks.placed_at[1] == 112 * kSecond);
  REQUIRE(r.tasks.failure_reason[1] == sim::FailureReason::kResourceCpu);
  REQUIRE(r.tasks.started_at[1] == 117 * kSecond);  // 115 released + 2 start latency
}

TEST_CASE("engine: with stoppingTasksHoldResources placement waits until the stopping task has stopped", "[sim][ecs]") {
  // The behaviour before 2023 (aws/containers-roadmap #325): placement failed with RESOURCE:*
  // while a task was STOPPING.
  sim::Scenario s = testing::slot_scenario(1);
  s.cluster.agent.task_start_latency = 2 * kSecond;
  s.cluster.agent.task_stop_latency = 3 * kSecond;
  s.cluster.agent.stopping_tasks_hold_resources = true;
  s.jobs.push_back(list_job("one", {10 * kSecond, 11 * kSecond}, 100 * kSecond));
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.stopped_at[0] == 115 * kSecond);
  REQUIRE(r.tasks.placed_at[1] == 115 * kSecond);
  REQUIRE(r.tasks.started_at[1] == 117 * kSecond);
}

TEST_CASE("engine: the agent starts tasks held behind stopping ones in placement order", "[sim][ecs]") {
  // Agent agent/engine/docker_task_engine.go waitingTaskQueue: FIFO. One 2-slot instance, two
  // long tasks stop at 100 s taking 50 s to stop; three tasks arrive meanwhile: two are placed at
  // once (the control plane sees the stopping slots as free) and wait in PENDING; they start in
  // order when the stopping tasks have released their resources.
  sim::Scenario s = testing::slot_scenario(1, 1, 2, 2048);
  s.cluster.agent.task_stop_latency = 50 * kSecond;
  s.jobs.push_back(list_job("one", {0, 0}, 100 * kSecond));
  s.jobs.push_back(list_job("two", {110 * kSecond, 111 * kSecond, 112 * kSecond}, 10 * kSecond));
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() == 5);
  REQUIRE(r.tasks.placed_at[2] == 110 * kSecond);
  REQUIRE(r.tasks.placed_at[3] == 111 * kSecond);
  REQUIRE(r.tasks.started_at[2] == 150 * kSecond);
  REQUIRE(r.tasks.started_at[3] == 150 * kSecond);
  // The third waits for a slot on the control plane's ledger: the first two hold both.
  REQUIRE(r.tasks.placed_at[4] == 160 * kSecond);
}

TEST_CASE("engine: instances registering at one instant are offered together to waiting tasks", "[sim]") {
  // Four tasks spread over zones wait for the cluster's first instances; two register at 60 s in
  // two zones. Offered one at a time, all four would go to the first; offered together, the
  // tasks' own strategy (spread by zone) puts two in each.
  sim::Scenario s = testing::slot_scenario(2, 2, 4, 4096);
  s.cluster.instance_groups[0].launch_time = 60 * kSecond;
  sim::Job j = list_job("spread", {0, 0, 0, 0}, sim::kHour);
  j.strategy = {{"spread", "attribute:ecs.availability-zone", {}}};
  s.jobs.push_back(j);
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() == 4);
  int on_first = 0;
  for (std::size_t t = 0; t < 4; ++t) {
    REQUIRE(r.tasks.placed_at[t] == 60 * kSecond);
    if (r.tasks.instance[t] == 0) ++on_first;
  }
  REQUIRE(on_first == 2);
}

TEST_CASE("engine: waiting tasks are retried oldest first when resources free", "[sim]") {
  sim::Scenario s = testing::slot_scenario(1);
  s.jobs.push_back(list_job("work", {0, 1 * kSecond, 2 * kSecond, 3 * kSecond}, 10 * kSecond));
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.placed_at[0] == 0);
  REQUIRE(r.tasks.placed_at[1] == 10 * kSecond);
  REQUIRE(r.tasks.placed_at[2] == 20 * kSecond);
  REQUIRE(r.tasks.placed_at[3] == 30 * kSecond);
}

TEST_CASE("engine: a small task is not blocked behind a large waiting one", "[sim]") {
  // ECS has no queue: a task that fits is placed even when an earlier, larger one cannot be.
  sim::Scenario s = testing::slot_scenario(1, 1, 2, 2048, 1024, 1024);
  sim::TaskDefinition big = s.task_definitions[0];
  big.family = "big";
  big.reserved = sim::Resources{2048, 2048, 0, 0};
  s.task_definitions.push_back(big);
  s.jobs.push_back(list_job("small-first", {0}, 100 * kSecond));
  sim::Job b = list_job("big", {1 * kSecond}, 10 * kSecond);
  b.task_definition = 1;
  s.jobs.push_back(b);
  s.jobs.push_back(list_job("small-later", {2 * kSecond}, 10 * kSecond));
  const sim::RunResult r = run(s);
  // Submission order: small-first (0), big (1), small-later (2).
  REQUIRE(r.tasks.placed_at[2] == 2 * kSecond);
  REQUIRE(r.tasks.placed_at[1] == 100 * kSecond);
}

TEST_CASE("engine: onPlacementFailure fail rejects the task with its ECS reason", "[sim][ecs]") {
  sim::Scenario s = testing::slot_scenario(1);
  sim::Job j = list_job("burst", {0, 0, 0}, 60 * kSecond);
  j.on_failure = sim::OnPlacementFailure::kFail;
  s.jobs.push_back(j);
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.rejected[0] == 0);
  REQUIRE(r.tasks.rejected[1] == 1);
  REQUIRE(r.tasks.rejected[2] == 1);
  REQUIRE(r.tasks.placed_at[1] == kNever);
  REQUIRE(r.tasks.failure_reason[1] == sim::FailureReason::kResourceCpu);
  REQUIRE(r.placement_failures[static_cast<int>(sim::FailureReason::kResourceCpu)] == 2);
}

TEST_CASE("engine: the task definition's memberOf and the job's constraints must all hold", "[sim][ecs]") {
  // Dev Guide "Amazon ECS task placement": placement filters by the task definition's memberOf
  // constraints and the
  // request's, all of them.
  sim::Scenario s = testing::slot_scenario(3);
  s.task_definitions[0].member_of = {"ec2InstanceId != slot-1"};
  sim::Job j = list_job("burst", {0, 0, 0}, 60 * kSecond);
  j.constraints = {{"memberOf", "ec2InstanceId in [slot-1, slot-3]"}};
  j.on_failure = sim::OnPlacementFailure::kFail;
  s.jobs.push_back(j);
  const sim::RunResult r = run(s);
  CHECK(r.tasks.instance[0] == 2);  // slot-3, the only instance passing both
  CHECK(r.tasks.rejected[1] == 1);
  CHECK(r.tasks.failure_reason[1] == sim::FailureReason::kMemberOf);
  CHECK(r.placement_failures[static_cast<int>(sim::FailureReason::kMemberOf)] == 2);
}

TEST_CASE("engine: instances that join later take the waiting tasks", "[sim]") {
  sim::Scenario s = testing::slot_scenario(2);
  s.cluster.instance_groups[0].launch_time = 90 * kSecond;
  s.jobs.push_back(list_job("early", {0, 0, 0}, 1000 * kSecond));
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.failure_reason[0] == sim::FailureReason::kMissing);
  REQUIRE(r.tasks.placed_at[0] == 90 * kSecond);
  REQUIRE(r.tasks.placed_at[1] == 90 * kSecond);
  REQUIRE(r.tasks.placed_at[2] == 1090 * kSecond);
  REQUIRE(r.instances.registered_at[0] == 90 * kSecond);
  REQUIRE(r.instances.launched_at[0] == 0);
}

TEST_CASE("engine: registered memory is the OS figure minus ECS_RESERVED_MEMORY", "[sim][ecs]") {
  // Dev Guide "Container Instance Memory Management" [test]: m4.large registers 7985 MiB; with
  // ECS_RESERVED_MEMORY=256, 7729 MiB.
  // "A task asking 8192 MiB never fits an m4.large."
  sim::Scenario s = testing::slot_scenario(1, 1, 2, 8192, 0, 8192);
  s.instance_types[0].name = "m4.large";
  s.instance_types[0].os_memory_mib = 7985;
  s.cluster.instance_groups[0].reserved_memory_mib = 256;
  sim::Job j = list_job("huge", {0}, 10 * kSecond);
  j.on_failure = sim::OnPlacementFailure::kFail;
  s.jobs.push_back(j);
  const sim::RunResult r = run(s);
  REQUIRE(r.samples.back().memory_registered_mib == 7729);
  REQUIRE(r.samples.back().cpu_registered == 2048);
  REQUIRE(r.tasks.failure_reason[0] == sim::FailureReason::kResourceMemory);
}

TEST_CASE("engine: cluster reservation matches the CloudWatch example", "[sim][ecs]") {
  // Dev Guide "Amazon ECS CloudWatch metrics" [test]: c4.4xlarge + c4.large (18,432 units, 33,926 MiB)
  // running 10 tasks
  // of 1024 units and 2048 MiB reserve 55 % of CPU and 60 % of memory.
  sim::Scenario s = testing::slot_scenario(1, 1, 16, 30720, 1024, 2048);
  s.instance_types[0].name = "c4.4xlarge";
  s.instance_types[0].os_memory_mib = 30158;
  sim::InstanceType small = s.instance_types[0];
  small.name = "c4.large";
  small.vcpu = 2;
  small.memory_mib = 3840;
  small.os_memory_mib = 3768;
  s.instance_types.push_back(small);
  sim::InstanceGroup g = s.cluster.instance_groups[0];
  g.name = "small";
  g.instance_type = 1;
  s.cluster.instance_groups.push_back(g);
  s.jobs.push_back(list_job("ten", std::vector<sim::SimTime>(10, 0), 3600 * kSecond));
  const sim::RunResult r = run(s);
  const sim::Sample& at = sample_at(r, 60 * kSecond);
  REQUIRE(at.cpu_registered == 18432);
  REQUIRE(at.memory_registered_mib == 33926);
  REQUIRE(at.running == 10);
  REQUIRE(100.0 * static_cast<double>(at.cpu_reserved) / static_cast<double>(at.cpu_registered) == Approx(55.56).margin(0.01));
  REQUIRE(100.0 * static_cast<double>(at.memory_reserved_mib) / static_cast<double>(at.memory_registered_mib) ==
          Approx(60.37).margin(0.01));
}

TEST_CASE("engine: the first pull of an image costs its size over the registry bandwidth", "[sim][ecs]") {
  sim::Scenario s = testing::slot_scenario(1, 1, 4, 4096, 1024, 1024);
  s.registries.push_back(sim::Registry{"ecr", 100 * 1048576, 200 * sim::kMillisecond});
  s.images.push_back(sim::Image{"work:1", 350, 0, {}});
  s.task_definitions[0].images = {0};
  s.jobs.push_back(list_job("pulls", {0, 1 * kSecond, 10 * kSecond}, 60 * kSecond));
  SECTION("default: a cached image still costs a manifest round trip") {
    const sim::RunResult r = run(s);
    // 350 MiB at 100 MiB/s = 3.5 s, plus 0.2 s latency.
    REQUIRE(r.tasks.started_at[0] == 3700 * sim::kMillisecond);
    // The second task arrives during the pull and waits for it.
    REQUIRE(r.tasks.started_at[1] == 3700 * sim::kMillisecond);
    REQUIRE(r.tasks.started_at[2] == 10200 * sim::kMillisecond);
  }
  SECTION("prefer-cached: a cached image starts at once") {
    s.cluster.agent.image_pull_behavior = sim::ImagePullBehavior::kPreferCached;
    const sim::RunResult r = run(s);
    REQUIRE(r.tasks.started_at[2] == 10 * kSecond);
  }
}

TEST_CASE("engine: submitted = placed + rejected + pending at the end", "[sim]") {
  sim::Scenario s = testing::slot_scenario(3, 3);
  s.duration = 6 * sim::kHour;
  s.jobs.push_back(testing::poisson_job("steady", 0.06, 60 * kSecond));
  sim::Job burst = testing::poisson_job("burst", 0.02, 120 * kSecond);
  burst.on_failure = sim::OnPlacementFailure::kFail;
  s.jobs.push_back(burst);
  const sim::RunResult r = run(s);
  std::size_t placed = 0, rejected = 0, pending = 0;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) {
    if (r.tasks.placed_at[t] != kNever) {
      ++placed;
    } else if (r.tasks.rejected[t] != 0) {
      ++rejected;
    } else {
      ++pending;
    }
  }
  REQUIRE(rejected > 0);
  REQUIRE(placed + rejected + pending == r.tasks.size());
  REQUIRE(static_cast<std::int64_t>(pending) == r.samples.back().pending);
  REQUIRE(static_cast<std::int64_t>(rejected) == r.samples.back().failed_to_place);
}

TEST_CASE("engine: same scenario and seed give the same run, another seed another", "[sim]") {
  sim::Scenario s = testing::slot_scenario(4, 2);
  s.duration = 12 * sim::kHour;
  s.jobs.push_back(testing::poisson_job("a", 0.05, 60 * kSecond));
  const sim::RunResult r1 = run(s);
  const sim::RunResult r2 = run(s);
  REQUIRE(r1.tasks.placed_at == r2.tasks.placed_at);
  REQUIRE(r1.tasks.instance == r2.tasks.instance);
  REQUIRE(r1.events == r2.events);
  s.seed = 2;
  const sim::RunResult r3 = run(s);
  REQUIRE(r3.tasks.submitted_at != r1.tasks.submitted_at);
}

TEST_CASE("engine: adding a job shifts no other job's arrivals or runtimes", "[sim]") {
  // Named streams: each job draws from streams seeded by (seed, "job:NAME/...").
  sim::Scenario s = testing::slot_scenario(50);
  s.duration = 6 * sim::kHour;
  s.jobs.push_back(testing::poisson_job("a", 0.01, 60 * kSecond));
  const auto times_of = [](const sim::RunResult& r, const std::string& family) {
    std::vector<std::pair<sim::SimTime, sim::SimTime>> out;  // (submitted, runtime)
    for (std::size_t t = 0; t < r.tasks.size(); ++t) {
      if (r.families[r.tasks.family[t]] != family || r.tasks.stopped_at[t] == kNever) continue;
      out.emplace_back(r.tasks.submitted_at[t], r.tasks.stopped_at[t] - r.tasks.started_at[t]);
    }
    return out;
  };
  const auto alone = times_of(run(s), "work");
  sim::TaskDefinition other = s.task_definitions[0];
  other.family = "other";
  s.task_definitions.push_back(other);
  sim::Job b = testing::poisson_job("b", 0.02, 30 * kSecond);
  b.task_definition = 1;
  s.jobs.insert(s.jobs.begin(), b);
  const sim::RunResult both = run(s);
  REQUIRE(times_of(both, "other").size() > 100);
  REQUIRE(times_of(both, "work") == alone);
}

TEST_CASE("engine: a service keeps its desired count and replaces tasks lost in an AZ outage", "[sim]") {
  sim::Scenario s = service_through_outage();
  const sim::RunResult r = run(s);
  // The default service strategy spreads 6 tasks over 3 zones and 6 instances: one each.
  std::vector<int> per_instance(6, 0);
  for (std::size_t t = 0; t < 6; ++t) ++per_instance[r.tasks.instance[t]];
  for (const int n : per_instance) REQUIRE(n == 1);
  // Zone b (instances 2 and 5 in round-robin order a, b, c) loses its two tasks at 1 h...
  std::size_t lost = 0;
  for (std::size_t t = 0; t < 6; ++t) {
    if (r.tasks.stopped_at[t] == sim::kHour) {
      ++lost;
      REQUIRE(r.instances.zone[r.tasks.instance[t]] == 1);
      REQUIRE(r.tasks.stop_code[t] == sim::StopCode::kTerminationNotice);
    }
  }
  REQUIRE(lost == 2);
  // ...and the scheduler replaces them at once in the other zones.
  REQUIRE(r.tasks.size() >= 8);
  for (std::size_t t = 6; t < 8; ++t) {
    REQUIRE(r.tasks.placed_at[t] == sim::kHour);
    REQUIRE(r.instances.zone[r.tasks.instance[t]] != 1);
  }
  REQUIRE(sample_at(r, 90 * sim::kMinute).instances == 6);
  REQUIRE(sample_at(r, sim::kHour + 10 * sim::kMinute).instances == 4);
  REQUIRE(sample_at(r, sim::kHour + 10 * sim::kMinute).running == 6);
  // Without AZ rebalancing the service stays in two zones after the outage.
  s.services[0].az_rebalancing = false;
  const sim::RunResult fixed = run(s);
  REQUIRE(fixed.tasks.size() == 8);
}

TEST_CASE("engine: AZ rebalancing moves a service back into a zone that returns from an outage", "[sim][ecs]") {
  // Dev Guide "Balancing an Amazon ECS service across Availability Zones": when a service is
  // unbalanced ECS starts tasks in the zones with the fewest and stops tasks in the zones with
  // the most, within the deployment configuration, with SERVICE_REBALANCING_STARTED/COMPLETED.
  sim::Scenario s = service_through_outage();
  const sim::RunResult r = run(s);
  // Two steps (start one in zone b, stop one in the fullest zone) make it 2/2/2 again.
  REQUIRE(r.tasks.size() == 10);
  for (std::size_t t = 8; t < 10; ++t) {
    REQUIRE(r.tasks.placed_at[t] >= 90 * sim::kMinute);
    REQUIRE(r.instances.zone[r.tasks.instance[t]] == 1);
  }
  std::vector<int> per_zone(3, 0);
  for (std::size_t t = 0; t < r.tasks.size(); ++t) {
    if (r.tasks.stopped_at[t] == sim::kNever) ++per_zone[r.instances.zone[r.tasks.instance[t]]];
  }
  REQUIRE(per_zone == std::vector<int>{2, 2, 2});
  REQUIRE(sample_at(r, 3 * sim::kHour).running == 6);
  bool started = false, completed = false;
  for (const sim::ServiceEvent& e : r.service_events) {
    started = started || e.message.rfind("SERVICE_REBALANCING_STARTED", 0) == 0;
    completed = completed || e.message.rfind("SERVICE_REBALANCING_COMPLETED", 0) == 0;
  }
  REQUIRE(started);
  REQUIRE(completed);
}

TEST_CASE("engine: a trace's records keep their own task groups for spread and placement", "[sim]") {
  // Two groups in one trace, spread over instances: each group spreads on its own, so the first
  // task of each group may share an instance with the other group's tasks but not its own.
  sim::Scenario s = testing::slot_scenario(2, 1, 4, 4096, 1024, 1024);
  sim::Trace trace;
  trace.file = "t.csv";
  trace.format = "generic";
  trace.families = {"a", "b"};
  trace.groups = {"family:a", "family:b"};
  trace.strategy = {{"spread", "instanceId", {}}};
  for (int k = 0; k < 4; ++k) {
    sim::TraceTask t;
    t.submit = k * kSecond;
    t.runtime = sim::kHour;
    t.need = sim::Resources{512, 512, 0, 0};
    t.family = static_cast<std::uint32_t>(k / 2);
    t.group = static_cast<std::uint32_t>(k / 2);
    trace.tasks.push_back(t);
  }
  trace.records_read = 4;
  s.traces.push_back(trace);
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() == 4);
  REQUIRE(r.groups[r.tasks.group[0]] == "family:a");
  REQUIRE(r.groups[r.tasks.group[3]] == "family:b");
  // Within each group the two tasks land on different instances.
  REQUIRE(r.tasks.instance[0] != r.tasks.instance[1]);
  REQUIRE(r.tasks.instance[2] != r.tasks.instance[3]);
  REQUIRE(r.families[r.tasks.family[2]] == "b");
  REQUIRE(r.traces.size() == 1);
  REQUIRE(r.traces[0].offered_cpu_unit_seconds == 4 * 512 * 3600.0);
}

TEST_CASE("engine: per-zone and per-type samples add up to the cluster's", "[sim]") {
  sim::Scenario s = testing::slot_scenario(6, 3, 4, 4096, 1024, 1024);
  s.duration = 6 * sim::kHour;
  s.jobs.push_back(testing::poisson_job("load", 0.05, 600 * kSecond));
  const sim::RunResult r = run(s);
  const std::size_t zones = r.zones.size();
  const std::size_t types = r.instance_types.size();
  REQUIRE(zones == 3);
  REQUIRE(types == 1);
  REQUIRE(r.zone_cpu_reserved.size() == r.samples.size() * zones);
  REQUIRE(r.type_memory_registered.size() == r.samples.size() * types);
  bool busy = false;
  for (std::size_t j = 0; j < r.samples.size(); ++j) {
    std::int64_t cpu = 0, cpu_registered = 0, memory = 0;
    for (std::size_t z = 0; z < zones; ++z) {
      cpu += r.zone_cpu_reserved[j * zones + z];
      cpu_registered += r.zone_cpu_registered[j * zones + z];
      memory += r.zone_memory_reserved[j * zones + z];
    }
    REQUIRE(cpu == r.samples[j].cpu_reserved);
    REQUIRE(cpu_registered == r.samples[j].cpu_registered);
    REQUIRE(memory == r.samples[j].memory_reserved_mib);
    REQUIRE(r.type_cpu_reserved[j] == r.samples[j].cpu_reserved);
    busy = busy || cpu > 0;
  }
  REQUIRE(busy);
}

TEST_CASE("engine: a pull beyond the registry's rate limit fails the task with TaskFailedToStart", "[sim][ecs]") {
  // Dev Guide "Checking stopped tasks for errors": CannotPullContainerError (toomanyrequests)
  // stops the task with TaskFailedToStart.
  sim::Scenario s = testing::slot_scenario(3, 1, 1, 1024, 1024, 1024);
  sim::Registry hub{"hub", 100 * 1048576, 200 * sim::kMillisecond};
  hub.pull_limit = 2;
  s.registries.push_back(hub);
  s.images.push_back(sim::Image{"work:1", 100, 0, {}});
  s.task_definitions[0].images = {0};
  // One task per instance (one slot each): three pulls of the image.
  s.jobs.push_back(list_job("three", {0, 0, 0}, 60 * kSecond));
  const sim::RunResult r = run(s);
  int failed = 0;
  for (std::size_t t = 0; t < 3; ++t) {
    if (r.tasks.stop_code[t] == sim::StopCode::kTaskFailedToStart) {
      ++failed;
      REQUIRE(r.tasks.started_at[t] == kNever);
      REQUIRE(r.tasks.stopped_at[t] == 200 * sim::kMillisecond);  // after the refused round trip
    } else {
      REQUIRE(r.tasks.started_at[t] == 1200 * sim::kMillisecond);
    }
  }
  REQUIRE(failed == 1);
}

TEST_CASE("engine: image cleanup removes an unused image and the next start pulls it again", "[sim][ecs]") {
  // Agent README: ECS_IMAGE_CLEANUP_INTERVAL, ECS_IMAGE_MINIMUM_CLEANUP_AGE.
  sim::Scenario s = testing::slot_scenario(1, 1, 4, 4096, 1024, 1024);
  s.registries.push_back(sim::Registry{"ecr", 100 * 1048576, 200 * sim::kMillisecond});
  s.images.push_back(sim::Image{"work:1", 350, 0, {}});
  s.task_definitions[0].images = {0};
  s.jobs.push_back(list_job("twice", {0, 3 * sim::kHour}, 60 * kSecond));
  SECTION("cleaned up") {
    s.cluster.agent.image_cleanup_interval = 30 * sim::kMinute;
    s.cluster.agent.image_minimum_cleanup_age = sim::kHour;
    const sim::RunResult r = run(s);
    REQUIRE(r.tasks.started_at[0] == 3700 * sim::kMillisecond);
    REQUIRE(r.tasks.started_at[1] == 3 * sim::kHour + 3700 * sim::kMillisecond);
  }
  SECTION("cleanup disabled: a manifest round trip") {
    s.cluster.agent.image_cleanup_enabled = false;
    const sim::RunResult r = run(s);
    REQUIRE(r.tasks.started_at[1] == 3 * sim::kHour + 200 * sim::kMillisecond);
  }
}
