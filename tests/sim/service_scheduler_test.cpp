// The service scheduler through whole runs (sim::run_scenario): deployments, the circuit
// breaker, DAEMON services, auto scaling under load, the replacement throttle, scale-in order.
#include "sim/service_scheduler.h"

#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "reports/result_check.h"
#include "scenarios/loader.h"
#include "scenario_builder.h"
#include "sim/engine.h"

using namespace ecsim;
using sim::kHour;
using sim::kMinute;
using sim::kNever;
using sim::kSecond;
using sim::SimTime;

namespace {

sim::RunResult run(const sim::Scenario& s) {
  placement::EcsPlacerFactory factory;
  return sim::run_scenario(s, factory);
}

// `count` instances of 4 vCPU / 4096 MiB over `zones` zones; task definitions work:1 and work:2
// (1024 units, 512 MiB each); one REPLICA service "web" of work:1.
sim::Scenario web_scenario(int count, int zones, std::int32_t desired) {
  sim::Scenario s = testing::slot_scenario(count, zones, 4, 4096, 1024, 512);
  s.duration = 4 * kHour;
  sim::TaskDefinition v2 = s.task_definitions[0];
  v2.revision = 2;
  v2.containers[0].image = "work:2";
  s.task_definitions.push_back(v2);
  sim::Service svc;
  svc.name = "web";
  svc.task_definition = 0;
  svc.desired_count = desired;
  s.services.push_back(svc);
  return s;
}

sim::ScenarioEvent deploy_at(SimTime at, std::uint32_t task_definition) {
  sim::ScenarioEvent e;
  e.at = at;
  e.type = sim::EventType::kDeploy;
  e.service = 0;
  e.task_definition = task_definition;
  return e;
}

// Every instant where a task's state changes.
std::vector<SimTime> change_points(const sim::RunResult& r) {
  std::set<SimTime> t;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    for (const SimTime x : {r.tasks.placed_at[k], r.tasks.started_at[k], r.tasks.stopped_at[k]}) {
      if (x != kNever) t.insert(x);
      if (x != kNever && r.tasks.started_at[k] != kNever) t.insert(r.tasks.started_at[k] + 40 * kSecond);
    }
  }
  return {t.begin(), t.end()};
}

// Tasks PENDING or RUNNING at t (placed, not stopped; stop latency 0 so STOPPING is instant).
int live_at(const sim::RunResult& r, SimTime t) {
  int n = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.placed_at[k] <= t && t < r.tasks.stopped_at[k]) ++n;
  }
  return n;
}

// Tasks RUNNING for at least 40 s at t (healthy without a health check: Dev Guide "Amazon ECS services", health).
int healthy_at(const sim::RunResult& r, SimTime t) {
  int n = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    const SimTime s = r.tasks.started_at[k];
    if (s != kNever && s + 40 * kSecond <= t && t < r.tasks.stopped_at[k]) ++n;
  }
  return n;
}

int running_of_revision_at_end(const sim::RunResult& r, std::int32_t revision) {
  int n = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.started_at[k] != kNever && r.tasks.stopped_at[k] == kNever && r.tasks.revision[k] == revision) ++n;
  }
  return n;
}

bool has_event(const sim::RunResult& r, const std::string& part) {
  return std::any_of(r.service_events.begin(), r.service_events.end(),
                     [&](const sim::ServiceEvent& e) { return e.message.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("services: a 20-task deployment with min 100 / max 200 keeps 20 healthy and at most 40 tasks", "[sim][ecs]") {
  // Dev Guide rolling update: minimumHealthyPercent 100 keeps every task serving; maximumPercent
  // 200 allows up to twice desired PENDING or RUNNING.
  sim::Scenario s = web_scenario(12, 3, 20);
  s.events.push_back(deploy_at(kHour, 1));
  const sim::RunResult r = run(s);
  for (const SimTime t : change_points(r)) {
    if (t < 10 * kMinute) continue;  // the first deployment is still coming up
    INFO("t = " << t);
    REQUIRE(healthy_at(r, t) >= 20);
    REQUIRE(live_at(r, t) <= 40);
  }
  REQUIRE(running_of_revision_at_end(r, 2) == 20);
  REQUIRE(running_of_revision_at_end(r, 1) == 0);
  REQUIRE(r.services.size() == 1);
  REQUIRE(r.services[0].deployments.size() == 2);
  CHECK(r.services[0].deployments[1].task_definition == "work:2");
  CHECK(r.services[0].deployments[1].rollout_state == sim::RolloutState::kCompleted);
  CHECK(r.services[0].deployments[1].started_at == kHour);
  CHECK(r.services[0].deployments[1].completed_at > kHour);
  CHECK(r.services[0].min_healthy >= 20);
}

TEST_CASE("services: a 20-task deployment with min 50 / max 100 keeps 10 to 20 tasks", "[sim][ecs]") {
  sim::Scenario s = web_scenario(12, 3, 20);
  s.services[0].minimum_healthy_percent = 50;
  s.services[0].maximum_percent = 100;
  s.events.push_back(deploy_at(kHour, 1));
  const sim::RunResult r = run(s);
  for (const SimTime t : change_points(r)) {
    if (t < 10 * kMinute) continue;
    INFO("t = " << t);
    REQUIRE(healthy_at(r, t) >= 10);
    REQUIRE(live_at(r, t) <= 20);
  }
  REQUIRE(running_of_revision_at_end(r, 2) == 20);
  CHECK(r.services[0].deployments[1].rollout_state == sim::RolloutState::kCompleted);
}

TEST_CASE("services: minimum and maximum 100 percent deadlock a deployment with ECS's event", "[sim][ecs]") {
  sim::Scenario s = web_scenario(6, 3, 6);
  s.services[0].minimum_healthy_percent = 100;
  s.services[0].maximum_percent = 100;
  s.events.push_back(deploy_at(kHour, 1));
  const sim::RunResult r = run(s);
  CHECK(running_of_revision_at_end(r, 1) == 6);
  CHECK(running_of_revision_at_end(r, 2) == 0);
  CHECK(r.services[0].deployments[1].rollout_state == sim::RolloutState::kInProgress);
  CHECK(has_event(r, "was unable to stop or start tasks during a deployment because of the service deployment "
                     "configuration"));
}

TEST_CASE("services: the circuit breaker fails a deployment whose tasks never start and rolls back", "[sim][ecs]") {
  // Dev Guide "How the Amazon ECS deployment circuit breaker detects failures": threshold
  // min(200, max(10, ceil(0.5 × 25))) = 13 tasks that fail to reach RUNNING.
  sim::Scenario s = web_scenario(12, 3, 25);
  s.services[0].circuit_breaker = true;
  s.services[0].circuit_breaker_rollback = true;
  sim::ScenarioEvent e = deploy_at(kHour, 1);
  sim::TaskFailureSpec fails;
  fails.start_failure_probability = 1;
  e.failures = fails;
  s.events.push_back(e);
  const sim::RunResult r = run(s);
  const auto& d = r.services[0].deployments;
  REQUIRE(d.size() == 3);
  CHECK(d[1].rollout_state == sim::RolloutState::kFailed);
  CHECK(d[1].failed_tasks == 13);
  CHECK(d[2].rollback);
  CHECK(d[2].task_definition == "work:1");
  CHECK(d[2].rollout_state == sim::RolloutState::kCompleted);
  CHECK(running_of_revision_at_end(r, 1) == 25);
  CHECK(running_of_revision_at_end(r, 2) == 0);
  std::int64_t failed_to_start = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.stop_code[k] == sim::StopCode::kTaskFailedToStart) {
      ++failed_to_start;
      CHECK(r.tasks.revision[k] == 2);
    }
  }
  CHECK(failed_to_start == 13);
  CHECK(has_event(r, "deployment failed: tasks failed to start."));
}

TEST_CASE("services: without the circuit breaker a failing deployment is throttled, never given up", "[sim][ecs]") {
  // Dev Guide "Service throttle logic": tasks that go PENDING -> STOPPED without RUNNING make
  // the delay between launch attempts grow (ecsim: 5 s doubling, up to 15 min), with ECS's event.
  sim::Scenario s = web_scenario(3, 3, 1);
  s.services[0].failures.start_failure_probability = 1;
  const sim::RunResult r = run(s);
  std::vector<SimTime> submits;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) submits.push_back(r.tasks.submitted_at[k]);
  REQUIRE(submits.size() >= 10);
  // 0, then +5 s, +10 s, +20 s, ... capped at 15 min.
  SimTime expect = 0;
  SimTime gap = 5 * kSecond;
  for (std::size_t k = 0; k < submits.size(); ++k) {
    CHECK(submits[k] == expect);
    expect += gap;
    gap = std::min<SimTime>(gap * 2, 15 * kMinute);
  }
  CHECK(r.services[0].throttled_launches > 0);
  CHECK(has_event(r, "is unable to consistently start tasks successfully."));
  CHECK(r.services[0].running_max == 0);
}

TEST_CASE("services: a DAEMON runs exactly one task on every instance, new ones included, before waiting tasks", "[sim][ecs]") {
  // Dev Guide "Amazon ECS services" (daemon): one task per ACTIVE instance meeting the
  // constraints, placed first on a new instance.
  sim::Scenario s = testing::slot_scenario(3, 3, 2, 2048, 1024, 1024);
  s.duration = 3 * kHour;
  sim::InstanceGroup later = s.cluster.instance_groups[0];
  later.name = "later";
  later.count = 2;
  later.launch_time = kHour;
  s.cluster.instance_groups.push_back(later);
  sim::Service daemon;
  daemon.name = "logs";
  daemon.task_definition = 0;
  daemon.scheduling_strategy = sim::SchedulingStrategy::kDaemon;
  daemon.minimum_healthy_percent = 0;
  daemon.maximum_percent = 100;
  daemon.az_rebalancing = false;
  s.services.push_back(daemon);
  // A job fills every free slot as soon as it can: 2 slots per instance, one for the daemon.
  sim::Job fill;
  fill.name = "fill";
  fill.task_definition = 0;
  fill.group = "family:work";
  fill.arrival.kind = sim::ArrivalSpec::Kind::kList;
  for (int k = 0; k < 10; ++k) fill.arrival.at.push_back(30 * kMinute);
  fill.runtime.kind = sim::RuntimeSpec::Kind::kConstant;
  fill.runtime.value = 10 * kHour;
  s.jobs.push_back(fill);
  const sim::RunResult r = run(s);
  std::vector<int> daemon_per_instance(5, 0);
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.source[k] != 0) continue;
    REQUIRE(r.tasks.instance[k] != sim::kNoInstance);
    REQUIRE(r.tasks.stopped_at[k] == kNever);
    ++daemon_per_instance[r.tasks.instance[k]];
  }
  CHECK(daemon_per_instance == std::vector<int>{1, 1, 1, 1, 1});
  CHECK(r.services[0].desired_count == 5);
  CHECK(r.services[0].daemon);
  // The two later instances took their daemon task first and one waiting job task each.
  int jobs_placed = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.source[k] == 1 && r.tasks.placed_at[k] != kNever) ++jobs_placed;
  }
  CHECK(jobs_placed == 5);
}

TEST_CASE("services: a step in load makes target tracking scale out after 3 minutes and back in after 15", "[sim][ecs]") {
  // "Target tracking scaling policies for Application Auto Scaling": the alarms Application Auto
  // Scaling creates scale out after 3 one-minute datapoints above target and scale in after 15
  // below 90 % of it.
  sim::Scenario s = web_scenario(8, 2, 2);
  s.sample_interval = kMinute;
  sim::LoadSpec load;
  load.cpu_milliseconds_per_request = 10;  // 100 rps = 1 vCPU = 1024 units
  // Steps within the first microsecond of the minute starting at 1 h (and at 2 h).
  load.requests_per_second = {{0, 100.0}, {kHour, 100.0}, {kHour + 1, 400.0}, {2 * kHour, 400.0}, {2 * kHour + 1, 100.0}};
  s.services[0].load = load;
  sim::AutoScalingSpec as;
  as.min_capacity = 2;
  as.max_capacity = 16;
  sim::TargetTrackingPolicy cpu;
  cpu.name = "cpu50";
  cpu.target_value = 50;
  as.target_tracking.push_back(cpu);
  s.services[0].auto_scaling = as;
  const sim::RunResult r = run(s);
  std::vector<sim::Marker> outs, ins;
  for (const sim::Marker& m : r.markers) {
    if (m.kind == sim::MarkerKind::kScaleOut) outs.push_back(m);
    if (m.kind == sim::MarkerKind::kScaleIn) ins.push_back(m);
  }
  REQUIRE(!outs.empty());
  CHECK(outs[0].at == kHour + 3 * kMinute);  // datapoints at 61, 62, 63 min: 100 % > 50 %
  CHECK(outs[0].label == "web 2 -> 4");
  REQUIRE(!ins.empty());
  CHECK(ins[0].at >= 2 * kHour + 15 * kMinute);
  CHECK(ins[0].at < 2 * kHour + 25 * kMinute);
  CHECK(r.services[0].scale_outs >= 1);
  CHECK(r.services[0].scale_ins >= 1);
  // Load: 400 rps need 4096 units; 2 tasks reserve 2048: overloaded from 1 h until enough run.
  CHECK(r.services[0].overloaded >= 3 * kMinute);
  CHECK(r.services[0].unserved_requests > 0);
  CHECK(r.services[0].unserved_requests < r.services[0].requests);
  // The per-sample series: desired 2 before the step, more after.
  const std::size_t services = r.services.size();
  CHECK(r.service_desired[30 * services] == 2);
  CHECK(r.service_desired[90 * services] >= 4);
  CHECK(r.service_demand_cpu[30 * services] == 1024);
  CHECK(r.service_demand_cpu[90 * services] == 4096);
}

TEST_CASE("services: scale-in stops a task in the zone with the most tasks of the service", "[sim][ecs]") {
  // Dev Guide "Amazon ECS services" (scale-in without a strategy: the zone with the most tasks,
  // then the instance with the most): zone A 1 task, B 2, C 2 -> stop one in B or C.
  sim::Scenario s = web_scenario(3, 3, 5);
  sim::ScenarioEvent scale;
  scale.at = kHour;
  scale.type = sim::EventType::kScale;
  scale.service = 0;
  scale.desired_count = 4;
  s.events.push_back(scale);
  s.services[0].az_rebalancing = false;
  const sim::RunResult r = run(s);
  std::vector<int> per_zone(3, 0);
  for (std::size_t k = 0; k < 5; ++k) ++per_zone[r.instances.zone[r.tasks.instance[k]]];
  std::size_t stopped = 5;
  for (std::size_t k = 0; k < 5; ++k) {
    if (r.tasks.stopped_at[k] == kHour) stopped = k;
  }
  REQUIRE(stopped < 5);
  CHECK(r.tasks.stop_code[stopped] == sim::StopCode::kServiceSchedulerInitiated);
  CHECK(per_zone[r.instances.zone[r.tasks.instance[stopped]]] == 2);
  CHECK(r.services[0].desired_count == 4);
}

TEST_CASE("services: a failing container health check replaces the task after retries x interval", "[sim][ecs]") {
  // Task definition parameters, healthCheck: UNHEALTHY after `retries` failed checks; failures
  // during startPeriod do not count; the service replaces an unhealthy task, no earlier than
  // healthCheckGracePeriodSeconds after it started.
  sim::Scenario s = web_scenario(3, 3, 1);
  sim::HealthCheck hc;
  hc.interval = 10 * kSecond;
  hc.retries = 3;
  hc.start_period = 15 * kSecond;
  s.task_definitions[0].containers[0].health_check = hc;
  s.services[0].failures.health_check_failure_probability = 1;
  s.duration = 10 * kMinute;
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() >= 2);
  // Checks at 10, 20, 30, 40 s; the one at 10 s is inside the start period: 20, 30, 40 fail.
  CHECK(r.tasks.stopped_at[0] == 40 * kSecond);
  CHECK(r.tasks.stop_code[0] == sim::StopCode::kServiceSchedulerInitiated);
  CHECK(sim::stop_reason_text(r.tasks.stop_reason[0]) == "Task failed container health checks");
  CHECK(r.tasks.submitted_at[1] == 40 * kSecond);
  CHECK(has_event(r, "Task failed container health checks"));
  CHECK(r.services[0].replacements >= 1);

  s.services[0].health_check_grace_period = 2 * kMinute;
  const sim::RunResult graced = run(s);
  CHECK(graced.tasks.stopped_at[0] == 2 * kMinute);
}

TEST_CASE("services: with health checks a task counts as healthy once its first check passes", "[sim][ecs]") {
  sim::Scenario s = web_scenario(3, 3, 2);
  sim::HealthCheck hc;
  hc.interval = 20 * kSecond;
  s.task_definitions[0].containers[0].health_check = hc;
  s.sample_interval = 10 * kSecond;
  s.duration = 2 * kMinute;
  const sim::RunResult r = run(s);
  // Samples at 0, 10, 20 s: healthy 0, 0, 2.
  CHECK(r.service_healthy[0] == 0);
  CHECK(r.service_healthy[1] == 0);
  CHECK(r.service_healthy[2] == 2);
  CHECK(r.service_running[1] == 2);
}

TEST_CASE("services: every task records the service, job or trace that submitted it", "[sim]") {
  sim::Scenario s = web_scenario(3, 3, 2);
  s.jobs.push_back(testing::poisson_job("batch", 0.01, kMinute));
  s.duration = kHour;
  const sim::RunResult r = run(s);
  REQUIRE(r.sources.size() == 2);
  CHECK(r.sources[0].name == "web");
  CHECK(r.sources[0].kind == sim::SourceKind::kService);
  CHECK(r.sources[0].strategy == "spread(attribute:ecs.availability-zone),spread(instanceId)");
  CHECK(r.sources[1].name == "batch");
  CHECK(r.sources[1].strategy == "random");
  REQUIRE(r.tasks.source.size() == r.tasks.size());
  CHECK(r.tasks.source[0] == 0);
  CHECK(r.tasks.source[1] == 0);
  for (std::size_t k = 2; k < r.tasks.size(); ++k) CHECK(r.tasks.source[k] == 1);
}

TEST_CASE("services: a registry outage fails the starts that need a pull with TaskFailedToStart", "[sim][ecs]") {
  // Agent README ECS_IMAGE_PULL_BEHAVIOR: `default` starts from a cached image when the pull
  // fails; with nothing cached the task fails (CannotPullContainerError, TaskFailedToStart).
  sim::Scenario s = web_scenario(3, 3, 1);
  sim::Registry reg;
  reg.name = "hub";
  reg.pull_bytes_per_second = 100 * 1048576;
  reg.latency = kSecond;
  s.registries.push_back(reg);
  sim::Image img;
  img.name = "work:1";
  img.size_mib = 100;
  img.registry = 0;
  s.images.push_back(img);
  s.task_definitions[0].images = {0};
  s.cluster.instance_groups[0].launch_time = kMinute;  // the outage begins before any start
  sim::ScenarioEvent outage;
  outage.at = 0;
  outage.type = sim::EventType::kRegistryOutage;
  outage.registry = 0;
  outage.duration = 10 * kMinute;
  s.events.push_back(outage);
  s.duration = kHour;
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() >= 2);
  CHECK(r.tasks.stop_code[0] == sim::StopCode::kTaskFailedToStart);
  CHECK(r.tasks.stop_reason[0] == sim::StopReason::kCannotPullContainer);
  CHECK(sim::stop_reason_text(r.tasks.stop_reason[0]).rfind("CannotPullContainerError", 0) == 0);
  CHECK(r.tasks.started_at[0] == kNever);
  // After the outage a task starts and keeps running.
  CHECK(r.tasks.stopped_at[r.tasks.size() - 1] == kNever);
  CHECK(r.tasks.started_at[r.tasks.size() - 1] != kNever);
}

TEST_CASE("services: a scheduled action raises the minimum and with it the desired count", "[sim][ecs]") {
  // "Scheduled scaling for Application Auto Scaling": an action sets MinCapacity/MaxCapacity;
  // a desired count below the new minimum is raised to it.
  sim::Scenario s = web_scenario(6, 3, 2);
  sim::AutoScalingSpec as;
  as.min_capacity = 2;
  as.max_capacity = 10;
  sim::ScheduledAction morning;
  morning.name = "morning";
  morning.at = 2 * kHour;
  morning.min_capacity = 6;
  as.scheduled.push_back(morning);
  sim::ScheduledAction night;
  night.name = "night";
  night.at = 3 * kHour;
  night.max_capacity = 3;
  night.min_capacity = 1;
  as.scheduled.push_back(night);
  s.services[0].auto_scaling = as;
  s.sample_interval = 10 * kMinute;
  const sim::RunResult r = run(s);
  const std::size_t n = r.services.size();
  CHECK(r.service_desired[6 * n] == 2);    // 1 h
  CHECK(r.service_desired[13 * n] == 6);   // 2 h 10 min
  CHECK(r.service_running[13 * n] == 6);
  CHECK(r.service_desired[19 * n] == 3);   // 3 h 10 min: the maximum fell to 3
  CHECK(r.services[0].desired_count == 3);
}

TEST_CASE("services: step scaling adds tasks while its alarm stays in ALARM", "[sim][ecs]") {
  // "Step scaling policies for Application Auto Scaling": the policy acts each time the alarm
  // is evaluated in ALARM, once its cooldown has passed.
  sim::Scenario s = web_scenario(8, 2, 2);
  sim::LoadSpec load;
  load.cpu_milliseconds_per_request = 10;
  load.requests_per_second = {{0, 150.0}};  // 1536 units against 2048 reserved: 75 %
  s.services[0].load = load;
  sim::AutoScalingSpec as;
  as.min_capacity = 2;
  as.max_capacity = 5;
  sim::StepScalingPolicy step;
  step.name = "hot";
  step.comparison = sim::ComparisonOperator::kGreaterOrEqual;
  step.threshold = 70;
  step.evaluation_periods = 2;
  step.datapoints_to_alarm = 2;
  step.cooldown = 5 * kMinute;
  sim::StepAdjustment add;
  add.lower_bound = 0;
  add.scaling_adjustment = 1;
  step.steps = {add};
  as.step_scaling.push_back(step);
  s.services[0].auto_scaling = as;
  s.duration = kHour;
  const sim::RunResult r = run(s);
  std::vector<SimTime> outs;
  for (const sim::Marker& m : r.markers) {
    if (m.kind == sim::MarkerKind::kScaleOut) outs.push_back(m.at);
  }
  // 2 -> 3 at 2 min (two breaching datapoints); 3 tasks: 1536 / 3072 = 50 %: the alarm clears.
  REQUIRE(outs.size() == 1);
  CHECK(outs[0] == 2 * kMinute);
  CHECK(r.services[0].desired_count == 3);
}

TEST_CASE("services: a task's stop timeout cuts its shutdown, and the agent holds the replacement until then", "[sim][ecs]") {
  // Task definition parameters, stopTimeout: SIGKILL after the timeout. AWS containers blog
  // "Improvements to Amazon ECS task launch behavior when tasks have prolonged shutdown": the
  // replacement is placed at once and waits in PENDING until the old task's resources are free.
  sim::Scenario s = testing::slot_scenario(1, 1, 1, 1024, 1024, 1024);
  sim::TaskDefinition v2 = s.task_definitions[0];
  v2.revision = 2;
  s.task_definitions.push_back(v2);
  s.task_definitions[0].containers[0].stop_timeout = 2 * kMinute;
  sim::Service svc;
  svc.name = "web";
  svc.task_definition = 0;
  svc.desired_count = 1;
  svc.minimum_healthy_percent = 0;
  svc.maximum_percent = 100;
  svc.shutdown_time = 5 * kMinute;
  svc.az_rebalancing = false;
  s.services.push_back(svc);
  s.events.push_back(deploy_at(kHour, 1));
  s.duration = 2 * kHour;
  const sim::RunResult r = run(s);
  REQUIRE(r.tasks.size() == 2);
  CHECK(r.tasks.stopped_at[0] == kHour + 2 * kMinute);  // shutdown 5 min, killed at 2 min
  CHECK(r.tasks.placed_at[1] == kHour);
  CHECK(r.tasks.started_at[1] == kHour + 2 * kMinute);

  s.cluster.agent.stopping_tasks_hold_resources = true;
  const sim::RunResult before = run(s);
  CHECK(before.tasks.placed_at[1] == kHour + 2 * kMinute);
}

TEST_CASE("services: dependsOn HEALTHY delays a task's RUNNING by the dependency's first check", "[sim][ecs]") {
  sim::Scenario s = web_scenario(3, 3, 1);
  sim::ContainerDefinition proxy = s.task_definitions[0].containers[0];
  proxy.name = "proxy";
  proxy.depends_on = {{0, sim::DependencyCondition::kHealthy}};
  sim::HealthCheck hc;
  hc.interval = 15 * kSecond;
  s.task_definitions[0].containers[0].health_check = hc;
  s.task_definitions[0].containers.push_back(proxy);
  s.duration = kHour;
  const sim::RunResult r = run(s);
  CHECK(r.tasks.placed_at[0] == 0);
  CHECK(r.tasks.started_at[0] == 15 * kSecond);
}

TEST_CASE("services: a task the scheduler stops before its crash is due stops once", "[sim]") {
  // A crashing service scaled in: the scale-in stops tasks whose crash event is still ahead.
  sim::Scenario s = web_scenario(3, 3, 6);
  s.services[0].failures.crash_rate_per_task_hour = 0.5;
  sim::ScenarioEvent scale;
  scale.at = kHour;
  scale.type = sim::EventType::kScale;
  scale.service = 0;
  scale.desired_count = 1;
  s.events.push_back(scale);
  s.duration = 6 * kHour;
  const sim::RunResult r = run(s);
  std::int64_t scheduler_stops = 0;
  for (std::size_t k = 0; k < r.tasks.size(); ++k) {
    if (r.tasks.stop_code[k] == sim::StopCode::kServiceSchedulerInitiated) ++scheduler_stops;
  }
  CHECK(scheduler_stops >= 5);
  CHECK(r.service_running.back() == 1);
}

TEST_CASE("services: edge cases (desired 0 and 5000, deploys and scale-ins at one instant, daemons through outages, rate-limited layered pulls) run to a consistent result", "[sim]") {
  // Found by running odd scenarios under ASan+UBSan: a crash event that fired after the
  // scheduler had stopped the task released its resources twice.
  for (const char* name : {"services-edge-1.json", "services-edge-2.json", "services-edge-3.json"}) {
    INFO(name);
    const sim::Scenario s = scenarios::load_scenario(std::string(ECSIM_SOURCE_DIR) + "/tests/sim/data/" + name);
    const sim::RunResult r = run(s);
    REQUIRE_NOTHROW(reports::check_run_result(r));
    REQUIRE(r.tasks.size() > 0);
  }
}
