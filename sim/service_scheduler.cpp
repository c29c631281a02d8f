#include "sim/service_scheduler.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>

#include "sim/deployment.h"
#include "sim/service_load.h"

namespace ecsim::sim {
namespace {

// Dev Guide "Amazon ECS services": without a health check a task counts as healthy 40 s
// after RUNNING.
constexpr SimTime kNoHealthCheckDelay = 40 * kSecond;
// Service quotas: 250 task launches per minute per service on EC2.
constexpr std::int32_t kLaunchesPerMinute = 250;
// The throttle's longest delay (2023 guide: 15 minutes) and ecsim's first step.
constexpr SimTime kThrottleMax = 15 * kMinute;
constexpr SimTime kThrottleBase = 5 * kSecond;
// ECS suppresses a repeated service event message for 6 hours (Dev Guide "Viewing Amazon ECS service event messages").
constexpr SimTime kEventRepeat = 6 * kHour;
constexpr std::uint32_t kNoTask = 0xFFFFFFFFu;

std::atomic<bool> g_daemon_full_rescan{false};

// A service's live tasks in launch order. A task that leaves leaves a hole (kNoTask) that
// iteration skips, O(1) where erasing from a vector was O(tasks) (a DAEMON service has a task on
// every instance: losing instances one by one was quadratic); the holes are squeezed out once
// they outnumber the tasks, so iteration stays O(tasks). The scheduler keeps each task's slot
// (TaskInfo::live_slot) and renumbers them when squeeze() moves them.
class LiveTasks {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::uint32_t*;
    using reference = const std::uint32_t&;
    iterator() = default;
    iterator(const std::uint32_t* at, const std::uint32_t* end) : at_(at), end_(end) { skip(); }
    reference operator*() const { return *at_; }
    iterator& operator++() {
      ++at_;
      skip();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const { return at_ == o.at_; }
    bool operator!=(const iterator& o) const { return at_ != o.at_; }

   private:
    void skip() {
      while (at_ != end_ && *at_ == kNoTask) ++at_;
    }
    const std::uint32_t* at_ = nullptr;
    const std::uint32_t* end_ = nullptr;
  };
  iterator begin() const { return iterator(slots_.data(), slots_.data() + slots_.size()); }
  iterator end() const { return iterator(slots_.data() + slots_.size(), slots_.data() + slots_.size()); }
  std::size_t size() const { return size_; }
  std::vector<std::uint32_t> to_vector() const { return std::vector<std::uint32_t>(begin(), end()); }
  // Appends a task; returns its slot.
  std::uint32_t push_back(std::uint32_t task) {
    slots_.push_back(task);
    ++size_;
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  void erase_slot(std::uint32_t slot) {
    slots_[slot] = kNoTask;
    --size_;
  }
  bool wants_squeeze() const { return slots_.size() > 64 && slots_.size() - size_ > size_; }
  // Takes the holes out; calls moved(task, slot) for each task, in order.
  template <typename F>
  void squeeze(F&& moved) {
    std::size_t k = 0;
    for (const std::uint32_t t : slots_) {
      if (t == kNoTask) continue;
      slots_[k] = t;
      moved(t, static_cast<std::uint32_t>(k));
      ++k;
    }
    slots_.resize(k);
  }

 private:
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};

std::string td_label(const TaskDefinition& td) { return td.family + ":" + std::to_string(td.revision); }

bool has_health_check(const TaskDefinition& td, SimTime* interval, const HealthCheck** check) {
  bool any = false;
  for (const ContainerDefinition& c : td.containers) {
    if (!c.essential || !c.health_check) continue;
    if (!any || c.health_check->interval > *interval) {
      *interval = c.health_check->interval;
      *check = &*c.health_check;
    }
    any = true;
  }
  return any;
}

}  // namespace

struct ServiceScheduler::Deployment {
  std::uint32_t task_definition = 0;
  TaskFailureSpec failures;
  std::uint32_t record = 0;      // index into ServiceResult::deployments
  std::int32_t failed = 0;       // the circuit breaker's count
  bool reached_running = false;  // stage 2 of the circuit breaker
  bool done = false;             // COMPLETED or FAILED
  bool failed_state = false;     // FAILED: launches no more tasks
  bool deadlock_reported = false;
};

struct ServiceScheduler::ServiceState {
  std::uint32_t index = 0;
  const Service* spec = nullptr;
  bool daemon = false;
  std::vector<Deployment> deployments;
  std::uint32_t primary = 0;
  std::int32_t desired = 0;
  LiveTasks live;                   // live tasks, launch order

  std::int32_t running = 0;
  std::int32_t healthy = 0;
  std::int64_t running_cpu = 0;     // CPU units the RUNNING tasks reserve

  // Throttle and launch rate.
  std::int32_t start_failures = 0;  // consecutive tasks that stopped before RUNNING
  SimTime next_launch_at = 0;
  SimTime rate_window = -1;         // the minute (now / kMinute) of the launches counted
  std::int32_t rate_launches = 0;
  SimTime reconcile_at = kNever;    // a kTimerReconcile timer is pending for this time
  std::int64_t owed_replacements = 0;
  // Deployments of tasks refused at once in launch(), reported after the reconciliation that
  // launched them (kTimerRefused): a report may roll the deployment back, which must not
  // happen under a reconciliation's feet.
  std::vector<std::uint32_t> refused;

  // Time-weighted figures.
  SimTime last_account = 0;
  double running_area = 0;          // Σ running × µs
  bool steady_seen = false;
  double minute_used = 0;           // CPU unit-seconds used this minute (load)
  double minute_reserved = 0;       // CPU unit-seconds reserved this minute

  std::optional<ServiceAutoScaler> scaler;

  // AZ rebalancing.
  bool rebalancing = false;         // a step is under way
  bool rebalance_blocked = false;   // a step did not improve the balance: wait for a cluster change
  std::int32_t rebalance_gap = 0;   // the zone gap when the step began
  bool rebalance_check_pending = false;

  // DAEMON: the live task meant for each instance (kNoTask: none).
  std::vector<std::uint32_t> daemon_task;
  bool daemon_retry_pending = false;
  // DAEMON bookkeeping (reconcile_daemon). Per instance: kDaemonCounted, it counts in desired
  // (schedulable, and it has a task or would take one but for room) when last looked at;
  // kDaemonListed, it is in daemon_check. daemon_check: the instances to look at next time,
  // those that changed since and those schedulable without a task. daemon_counted: how many
  // instances are kDaemonCounted.
  std::vector<std::uint8_t> daemon_flags;
  std::vector<InstanceIdx> daemon_check;
  std::int32_t daemon_counted = 0;
  bool daemon_replace = false;  // a new deployment: the old deployment's tasks are replaced

  RandomStream start_rng, crash_rng, health_rng;
  std::map<std::string, SimTime> last_message;  // event text -> when it was last logged

  ServiceResult& out(RunResult& r) const { return r.services[index]; }
};

void set_daemon_full_rescan_for_testing(bool on) { g_daemon_full_rescan.store(on); }

ServiceScheduler::ServiceScheduler(const Scenario& scenario, ServiceHost& host, RunResult& result)
    : scenario_(scenario), host_(host), result_(result), daemon_full_rescan_(g_daemon_full_rescan.load()) {
  result_.services.resize(scenario.services.size());
  for (std::size_t k = 0; k < scenario.services.size(); ++k) {
    const Service& svc = scenario.services[k];
    auto s = std::make_unique<ServiceState>();
    s->index = static_cast<std::uint32_t>(k);
    s->spec = &svc;
    s->daemon = svc.scheduling_strategy == SchedulingStrategy::kDaemon;
    s->desired = svc.desired_count;
    const std::string stream = "service:" + svc.name;
    s->start_rng = RandomStream(scenario.seed, stream + "/startFailure");
    s->crash_rng = RandomStream(scenario.seed, stream + "/crash");
    s->health_rng = RandomStream(scenario.seed, stream + "/healthCheck");
    if (svc.auto_scaling) s->scaler.emplace(*svc.auto_scaling);
    ServiceResult& out = result_.services[k];
    out.source = static_cast<std::uint32_t>(k);  // services are the first sources
    out.daemon = s->daemon;
    out.desired_count = s->desired;
    out.has_load = svc.load.has_value();
    services_.push_back(std::move(s));
  }
}

ServiceScheduler::~ServiceScheduler() = default;

// ----------------------------------------------------------------------------------------------
// Start, deployments, scaling

void ServiceScheduler::start() {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    if (s.daemon) {
      // Every schedulable instance is looked at by the first reconciliation (the deployment's).
      for (const InstanceIdx i : host_.cluster().schedulable_list) daemon_mark(s, i);
    }
    if (s.scaler) {
      const ServiceAutoScaler::Decision d = s.scaler->on_register(s.desired);
      if (d.changed()) s.desired = d.desired;
      s.out(result_).desired_count = s.desired;
      if (host_.now() + kMinute < host_.end()) host_.schedule(host_.now() + kMinute, kTimerMinute, s.index);
      const std::optional<SimTime> next = s.scaler->next_scheduled(host_.now());
      if (next && *next < host_.end()) host_.schedule(*next, kTimerScheduled, s.index);
    }
    begin_deployment(s, s.spec->task_definition, s.spec->failures, false);
  }
}

std::string ServiceScheduler::deployment_id(const ServiceState& s, std::uint32_t deployment) const {
  return "ecs-svc/" + std::to_string(s.index + 1) + std::to_string(1000 + deployment);
}

void ServiceScheduler::begin_deployment(ServiceState& s, std::uint32_t task_definition, const TaskFailureSpec& failures,
                                        bool rollback) {
  account(s);
  const TaskDefinition& td = scenario_.task_definitions[task_definition];
  if (!s.deployments.empty() && s.deployments[s.primary].task_definition != task_definition) {
    // A deployment with a new task definition resets the throttle (Dev Guide "Amazon ECS service throttle logic").
    s.start_failures = 0;
    s.next_launch_at = 0;
  }
  Deployment d;
  d.task_definition = task_definition;
  d.failures = failures;
  ServiceResult& out = s.out(result_);
  d.record = static_cast<std::uint32_t>(out.deployments.size());
  DeploymentRecord rec;
  rec.task_definition = td_label(td);
  rec.started_at = host_.now();
  rec.rollback = rollback;
  out.deployments.push_back(rec);
  s.deployments.push_back(d);
  s.primary = static_cast<std::uint32_t>(s.deployments.size() - 1);
  s.rebalancing = false;
  s.daemon_replace = s.daemon && s.deployments.size() > 1;
  if (s.deployments.size() > 1) {
    marker(s, MarkerKind::kDeploymentStarted,
           s.spec->name + (rollback ? " rollback to " : " deploy ") + rec.task_definition);
    event(s, "(service " + s.spec->name + ") has started a deployment (" + deployment_id(s, s.primary) + ") of " +
                 rec.task_definition + ".");
  }
  reconcile(s.index);
}

void ServiceScheduler::on_deploy(const ScenarioEvent& e) {
  ServiceState& s = *services_[e.service];
  begin_deployment(s, e.task_definition, e.failures ? *e.failures : s.deployments[s.primary].failures, false);
}

void ServiceScheduler::on_scale(const ScenarioEvent& e) {
  ServiceState& s = *services_[e.service];
  marker(s, MarkerKind::kScenarioEvent,
         "scale " + s.spec->name + " " + std::to_string(s.desired) + " -> " + std::to_string(e.desired_count));
  set_desired(s, e.desired_count);
  request_rebalance(s);
}

void ServiceScheduler::track_spell(ServiceState& s) {
  if (!s.steady_seen || s.daemon) return;
  auto& spells = s.out(result_).below_desired_spells;
  const bool open = !spells.empty() && spells.back().second == kNever;
  const bool below = s.running < s.desired;
  if (below && !open) spells.emplace_back(host_.now(), kNever);
  if (!below && open) spells.back().second = host_.now();
}

void ServiceScheduler::set_desired(ServiceState& s, std::int32_t desired) {
  account(s);
  s.desired = desired;
  s.out(result_).desired_count = desired;
  track_spell(s);
  if (s.owed_replacements > desired) s.owed_replacements = desired;
  reconcile(s.index);
}

// ----------------------------------------------------------------------------------------------
// Reconciliation

bool ServiceScheduler::deployment_in_progress(const ServiceState& s) const {
  return !s.deployments.empty() && !s.deployments[s.primary].done;
}

void ServiceScheduler::reconcile(std::uint32_t service) {
  ServiceState& s = *services_[service];
  if (s.daemon) {
    reconcile_daemon(s);
    return;
  }
  // Stopping old tasks may make room to start new ones, and the last old task stopping may
  // complete the deployment: step until a step changes nothing that another step could use.
  while (reconcile_step(s)) {
  }
}

bool ServiceScheduler::reconcile_step(ServiceState& s) {
  Deployment& p = s.deployments[s.primary];
  std::int32_t total = 0, primary = 0, primary_unhealthy = 0, old_healthy = 0;
  std::vector<std::uint32_t> old_unhealthy;
  std::vector<std::uint32_t> old_ready;
  for (const std::uint32_t t : s.live) {
    const TaskInfo& info = tasks_.at(t);
    ++total;
    const InstanceIdx at = host_.instance_of(t);
    const bool retiring = at != kNoInstance && host_.draining(at);  // replaced like an old deployment's
    if (info.deployment == s.primary && !retiring) {
      ++primary;
      if (!info.healthy) ++primary_unhealthy;
    } else if (info.running && info.healthy) {
      ++old_healthy;
      old_ready.push_back(t);
    } else {
      old_unhealthy.push_back(t);
    }
  }
  const std::int32_t target = s.desired + (s.rebalancing ? 1 : 0);
  if (old_ready.empty() && old_unhealthy.empty()) {
    if (p.failed_state) return false;
    if (primary < target) {
      launch_up_to(s, target - primary);
    } else if (primary > target) {
      for (const std::uint32_t t : scale_in_order(s, s.live.to_vector(), static_cast<std::size_t>(primary - target))) {
        stop(s, t);
      }
    }
    if (!p.done && s.running == s.desired && s.healthy == s.desired && static_cast<std::int32_t>(s.live.size()) == s.desired) {
      p.done = true;
      DeploymentRecord& rec = s.out(result_).deployments[p.record];
      rec.completed_at = host_.now();
      rec.rollout_state = RolloutState::kCompleted;
      if (s.deployments.size() > 1) {
        marker(s, MarkerKind::kDeploymentCompleted, s.spec->name + " " + rec.task_definition + " completed");
        event(s, "(service " + s.spec->name + ") (deployment " + deployment_id(s, s.primary) + ") deployment completed.");
      }
      event(s, "(service " + s.spec->name + ") has reached a steady state.");
      if (!s.steady_seen && s.desired > 0) {
        s.steady_seen = true;
        ServiceResult& out = s.out(result_);
        out.running_min = s.running;
        out.min_healthy = s.healthy;
      }
      request_rebalance(s);
    }
    return false;
  }
  // A rolling update: old tasks are replaced within minimumHealthyPercent and maximumPercent.
  for (const std::uint32_t t : old_unhealthy) stop(s, t);
  total -= static_cast<std::int32_t>(old_unhealthy.size());
  RollingCounts c;
  c.desired = s.desired;
  c.min_percent = s.spec->minimum_healthy_percent;
  c.max_percent = s.spec->maximum_percent;
  c.total = total;
  c.healthy = s.healthy;
  c.primary = primary;
  c.old_healthy = old_healthy;
  const RollingStep step = rolling_step(c);
  if (!p.failed_state && step.start > 0) launch_up_to(s, step.start);
  if (step.stop_healthy > 0) {
    for (const std::uint32_t t : scale_in_order(s, old_ready, static_cast<std::size_t>(step.stop_healthy))) stop(s, t);
  }
  // The configuration allows neither a start nor a stop, and no new task is on its way to
  // healthy to change that: min = max = 100 (a throttled launch is not this).
  if (step.start == 0 && step.stop_healthy == 0 && old_unhealthy.empty() && primary_unhealthy == 0 &&
      !p.failed_state && !p.deadlock_reported && primary < s.desired) {
    p.deadlock_reported = true;
    event(s, "(service " + s.spec->name + ") was unable to stop or start tasks during a deployment because of the "
                 "service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.");
  }
  return step.stop_healthy > 0 || !old_unhealthy.empty();
}

namespace {
constexpr std::uint8_t kDaemonCounted = 1;
constexpr std::uint8_t kDaemonListed = 2;
}  // namespace

void ServiceScheduler::daemon_mark(ServiceState& s, InstanceIdx i) {
  if (i >= s.daemon_flags.size()) {
    const std::size_t n = std::max<std::size_t>(i + 1, host_.cluster().size());
    s.daemon_flags.resize(n, 0);
    s.daemon_task.resize(n, kNoTask);
  }
  if ((s.daemon_flags[i] & kDaemonListed) != 0) return;
  s.daemon_flags[i] |= kDaemonListed;
  s.daemon_check.push_back(i);
}

// What a scan of every schedulable instance would do (reconcile_daemon_full_rescan), looking
// only at the instances whose answer may differ from the last reconciliation's: those listed in
// daemon_check. An instance is listed when it becomes schedulable or stops being so
// (on_schedulable_changed), when its daemon task leaves (forget, on_instance_drained, a new
// deployment), and while it is schedulable without a task: whether it admits a task, and why
// not (room, counted in desired; or constraints, not counted: the resource checks come first,
// so a full instance that fails a constraint counts too), depends on its tasks and resources,
// which change without telling the scheduler, so such an instance is asked again every time,
// as the scan did. A schedulable instance with its task, or one that is not schedulable, stays
// as it was counted until one of those events lists it. The listed instances are looked at in
// InstanceIdx order, so admits and launches come in the scan's order, with the same effects.
void ServiceScheduler::reconcile_daemon(ServiceState& s) {
  if (daemon_full_rescan_) {
    reconcile_daemon_full_rescan(s);
    return;
  }
  const ClusterState& cluster = host_.cluster();
  if (s.daemon_flags.size() < cluster.size()) {
    s.daemon_flags.resize(cluster.size(), 0);
    s.daemon_task.resize(cluster.size(), kNoTask);
  }
  Deployment& p = s.deployments[s.primary];
  if (s.daemon_replace) {
    // Old deployment's tasks: replace in place (maximumPercent 100: stop, then start).
    s.daemon_replace = false;
    std::vector<std::uint32_t> old;
    for (const std::uint32_t t : s.live) {
      if (tasks_.at(t).deployment != s.primary) old.push_back(t);
    }
    for (const std::uint32_t t : old) {
      const InstanceIdx i = host_.instance_of(t);
      stop(s, t);
      if (i != kNoInstance) {
        s.daemon_task[i] = kNoTask;
        daemon_mark(s, i);
      }
    }
  }
  // The list is taken whole: an instance listed again while it is walked (none is, today) waits
  // for the next reconciliation, as the scan would not have come back to it either.
  std::vector<InstanceIdx> check;
  check.swap(s.daemon_check);
  std::sort(check.begin(), check.end());
  bool missing = false;
  for (const InstanceIdx i : check) {
    s.daemon_flags[i] &= static_cast<std::uint8_t>(~kDaemonListed);
    bool counted = false;
    if (cluster.schedulable[i] != 0) {
      if (s.daemon_task[i] != kNoTask) {
        counted = true;
      } else {
        bool placed = false;
        if (!p.failed_state) {
          const ServiceHost::Admission why = host_.admits(s.index, p.task_definition, i);
          if (why == ServiceHost::Admission::kAdmitted) {
            counted = true;
            placed = true;
            s.daemon_task[i] = launch(s, s.primary, i);
          } else if (why == ServiceHost::Admission::kNoRoom) {
            counted = true;  // it meets the constraints but has no room now: try again later
            missing = true;
          }
        }
        if (!placed) daemon_mark(s, i);  // asked again next time
      }
    }
    const bool was = (s.daemon_flags[i] & kDaemonCounted) != 0;
    if (counted != was) {
      s.daemon_flags[i] ^= kDaemonCounted;
      s.daemon_counted += counted ? 1 : -1;
    }
  }
  settle_daemon(s, s.daemon_counted, missing);
}

void ServiceScheduler::reconcile_daemon_full_rescan(ServiceState& s) {
  const ClusterState& cluster = host_.cluster();
  if (s.daemon_task.size() < cluster.size()) s.daemon_task.resize(cluster.size(), kNoTask);
  Deployment& p = s.deployments[s.primary];
  // Old deployment's tasks: replace in place (maximumPercent 100: stop, then start).
  std::vector<std::uint32_t> old;
  for (const std::uint32_t t : s.live) {
    if (tasks_.at(t).deployment != s.primary) old.push_back(t);
  }
  for (const std::uint32_t t : old) {
    const InstanceIdx i = host_.instance_of(t);
    stop(s, t);
    if (i != kNoInstance) s.daemon_task[i] = kNoTask;
  }
  std::int32_t eligible = 0;
  bool missing = false;
  for (const InstanceIdx i : cluster.schedulable_list) {
    if (s.daemon_task[i] != kNoTask) {
      ++eligible;
      continue;
    }
    if (p.failed_state) continue;
    const ServiceHost::Admission why = host_.admits(s.index, p.task_definition, i);
    if (why == ServiceHost::Admission::kAdmitted) {
      ++eligible;
      s.daemon_task[i] = launch(s, s.primary, i);
    } else if (why == ServiceHost::Admission::kNoRoom) {
      ++eligible;  // it meets the constraints but has no room now: try again later
      missing = true;
    }
  }
  settle_daemon(s, eligible, missing);
}

void ServiceScheduler::settle_daemon(ServiceState& s, std::int32_t eligible, bool missing) {
  Deployment& p = s.deployments[s.primary];
  if (s.desired != eligible) {
    account(s);
    s.desired = eligible;
    s.out(result_).desired_count = eligible;
  }
  if (missing && !s.daemon_retry_pending && host_.now() + kMinute < host_.end()) {
    s.daemon_retry_pending = true;
    host_.schedule(host_.now() + kMinute, kTimerReconcile, s.index);
  }
  if (!p.done && s.desired > 0 && s.running == s.desired && s.healthy == s.desired &&
      static_cast<std::int32_t>(s.live.size()) == s.desired) {
    p.done = true;
    DeploymentRecord& rec = s.out(result_).deployments[p.record];
    rec.completed_at = host_.now();
    rec.rollout_state = RolloutState::kCompleted;
    if (!s.steady_seen && s.desired > 0) {
      s.steady_seen = true;
      s.out(result_).running_min = s.running;
      s.out(result_).min_healthy = s.healthy;
    }
    event(s, "(service " + s.spec->name + ") has reached a steady state.");
  }
}

std::int32_t ServiceScheduler::launch_up_to(ServiceState& s, std::int32_t n) {
  const SimTime now = host_.now();
  std::int32_t launched = 0;
  ServiceResult& out = s.out(result_);
  while (launched < n) {
    SimTime wait_until = 0;
    if (now < s.next_launch_at) {
      wait_until = s.next_launch_at;
    } else {
      const SimTime window = now / kMinute;
      if (window != s.rate_window) {
        s.rate_window = window;
        s.rate_launches = 0;
      }
      if (s.rate_launches >= kLaunchesPerMinute) wait_until = (window + 1) * kMinute;
    }
    if (wait_until != 0) {
      out.throttled_launches += n - launched;
      if (wait_until < host_.end() && s.reconcile_at != wait_until) {
        s.reconcile_at = wait_until;
        host_.schedule(wait_until, kTimerReconcile, s.index);
      }
      break;
    }
    ++s.rate_launches;
    launch(s, s.primary, kNoInstance);
    ++launched;
  }
  return launched;
}

std::uint32_t ServiceScheduler::launch(ServiceState& s, std::uint32_t deployment, InstanceIdx instance) {
  const Deployment& d = s.deployments[deployment];
  // Every launch draws from each stream, whatever its probabilities, so that changing one
  // service's failure rates shifts nothing else in its own draws either.
  const bool fails_to_start = s.start_rng.uniform01() < d.failures.start_failure_probability;
  const double crash_draw = s.crash_rng.exponential(1.0);
  const bool fails_health = s.health_rng.uniform01() < d.failures.health_check_failure_probability;
  SimTime runtime = kNever;
  if (d.failures.crash_rate_per_task_hour > 0) {
    const double us = crash_draw / d.failures.crash_rate_per_task_hour * static_cast<double>(kHour);
    if (us < 9.0e18) runtime = std::max<SimTime>(1, static_cast<SimTime>(std::llround(us)));
  }
  if (s.owed_replacements > 0) {
    --s.owed_replacements;
    ++s.out(result_).replacements;
  }
  const std::uint32_t task = host_.launch(s.index, d.task_definition, runtime, fails_to_start, instance);
  if (host_.done_with(task)) [[unlikely]] {
    // Its capacity provider refused it at once (the provisioning quota is full): it never joins
    // the service. Like a task that waited and was refused, it failed to start; the throttle
    // holds further launches from now.
    throttle_start(s);
    s.refused.push_back(deployment);
    if (s.refused.size() == 1) host_.schedule(host_.now(), kTimerRefused, s.index);
    return kNoTask;
  }
  TaskInfo info;
  info.task = task;
  info.service = s.index;
  info.deployment = deployment;
  info.fails_health = fails_health;
  info.rebalance = s.rebalancing;
  info.cpu = scenario_.task_definitions[d.task_definition].reserved.cpu;
  info.instance = instance;
  info.live_slot = s.live.push_back(task);
  tasks_.emplace(task, info);
  return task;
}

void ServiceScheduler::forget(ServiceState& s, std::uint32_t task) {
  const TaskInfo& info = tasks_.at(task);
  if (info.running) {
    --s.running;
    s.running_cpu -= info.cpu;
  }
  if (info.healthy) --s.healthy;
  const InstanceIdx at = info.instance;
  if (s.daemon && at != kNoInstance && at < s.daemon_task.size() && s.daemon_task[at] == task) {
    s.daemon_task[at] = kNoTask;
    daemon_mark(s, at);
  }
  s.live.erase_slot(info.live_slot);
  tasks_.erase(task);
  if (s.live.wants_squeeze()) {
    s.live.squeeze([&](std::uint32_t t, std::uint32_t slot) { tasks_.at(t).live_slot = slot; });
  }
  note_counts(s);
}

void ServiceScheduler::stop(ServiceState& s, std::uint32_t task, StopReason reason) {
  account(s);
  forget(s, task);
  host_.stop(task, reason);
}

// Scale-in order (Dev Guide "Amazon ECS services"): tasks not yet placed, then not yet RUNNING, then unhealthy; then the zone
// with the most tasks of the service, the instance with the most; newest task first. The first
// `count` candidates in that order.
std::vector<std::uint32_t> ServiceScheduler::scale_in_order(const ServiceState& s,
                                                            const std::vector<std::uint32_t>& candidates,
                                                            std::size_t count) const {
  const ClusterState& cluster = host_.cluster();
  std::vector<std::int32_t> per_zone(scenario_.cluster.availability_zones.size(), 0);
  std::unordered_map<InstanceIdx, std::int32_t> per_instance;
  for (const std::uint32_t t : s.live) {
    const InstanceIdx i = host_.instance_of(t);
    if (i == kNoInstance) continue;
    ++per_zone[cluster.zone[i]];
    ++per_instance[i];
  }
  using Key = std::tuple<int, std::int32_t, std::int32_t, std::uint32_t>;
  std::vector<std::pair<Key, std::uint32_t>> keyed;
  keyed.reserve(candidates.size());
  for (const std::uint32_t t : candidates) {
    const TaskInfo& info = tasks_.at(t);
    const InstanceIdx i = host_.instance_of(t);
    const int stage = i == kNoInstance ? 0 : (!info.running ? 1 : (!info.healthy ? 2 : 3));
    const std::int32_t zone_count = i == kNoInstance ? 0 : per_zone[cluster.zone[i]];
    const std::int32_t instance_count = i == kNoInstance ? 0 : per_instance[i];
    keyed.push_back({Key{stage, -zone_count, -instance_count, ~t}, t});
  }
  // The keys are unique (the task number is one): the first `count` in order, without sorting
  // the rest (one AZ rebalancing step stops one task of thousands).
  count = std::min(count, keyed.size());
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count), keyed.end());
  std::vector<std::uint32_t> order;
  order.reserve(count);
  for (std::size_t k = 0; k < count; ++k) order.push_back(keyed[k].second);
  return order;
}

// ----------------------------------------------------------------------------------------------
// Task events

void ServiceScheduler::on_running(std::uint32_t task) {
  auto it = tasks_.find(task);
  if (it == tasks_.end()) return;
  TaskInfo& info = it->second;
  ServiceState& s = *services_[info.service];
  account(s);
  info.running = true;
  ++s.running;
  s.running_cpu += info.cpu;
  s.start_failures = 0;
  Deployment& d = s.deployments[info.deployment];
  d.reached_running = true;
  note_counts(s);
  const TaskDefinition& td = scenario_.task_definitions[d.task_definition];
  SimTime interval = 0;
  const HealthCheck* check = nullptr;
  const SimTime now = host_.now();
  if (!has_health_check(td, &interval, &check)) {
    // No health check: healthy after 40 s, and never unhealthy.
    if (now + kNoHealthCheckDelay < host_.end()) host_.schedule(now + kNoHealthCheckDelay, kTimerHealthy, task);
    return;
  }
  if (!info.fails_health) {
    // The first check runs one interval after the container starts and passes.
    if (now + interval < host_.end()) host_.schedule(now + interval, kTimerHealthy, task);
    return;
  }
  // Checks fail; failures count after startPeriod; `retries` of them make the task UNHEALTHY,
  // which ECS acts on no earlier than the grace period.
  const SimTime counted_from = check->start_period / check->interval;
  SimTime at = now + (counted_from + check->retries) * check->interval;
  at = std::max(at, now + s.spec->health_check_grace_period);
  if (at < host_.end()) host_.schedule(at, kTimerUnhealthy, task);
}

void ServiceScheduler::on_lost(std::uint32_t task, bool failed_to_start) {
  auto it = tasks_.find(task);
  if (it == tasks_.end()) return;
  const TaskInfo info = it->second;
  ServiceState& s = *services_[info.service];
  account(s);
  forget(s, task);
  if (failed_to_start) {
    throttle_start(s);
    report_start_failure(s, info.deployment);
  }
  if (!s.daemon) ++s.owed_replacements;
  reconcile(s.index);
}

void ServiceScheduler::throttle_start(ServiceState& s) {
  ++s.start_failures;
  const int shift = std::min(s.start_failures - 1, 20);
  const SimTime delay = std::min(kThrottleMax, kThrottleBase << shift);
  s.next_launch_at = host_.now() + delay;
}

void ServiceScheduler::report_start_failure(ServiceState& s, std::uint32_t deployment) {
  if (s.start_failures >= 2) event(s, "(service " + s.spec->name + ") is unable to consistently start tasks successfully.");
  // After the throttle: a rollback this triggers resets it.
  count_failure(s, deployment, false);
}

void ServiceScheduler::count_failure(ServiceState& s, std::uint32_t deployment, bool health) {
  if (!s.spec->circuit_breaker || s.daemon) return;
  Deployment& d = s.deployments[deployment];
  if (d.done || deployment != s.primary) return;
  // Stage 1 counts tasks that never reach RUNNING until one does; stage 2 counts failed health
  // checks (Dev Guide "How the Amazon ECS deployment circuit breaker detects failures").
  if (health != d.reached_running) return;
  ++d.failed;
  ServiceResult& out = s.out(result_);
  DeploymentRecord& rec = out.deployments[d.record];
  rec.failed_tasks = d.failed;
  if (d.failed < circuit_breaker_threshold(s.desired)) return;
  d.done = true;
  d.failed_state = true;
  rec.completed_at = host_.now();
  rec.rollout_state = RolloutState::kFailed;
  marker(s, MarkerKind::kDeploymentFailed, s.spec->name + " " + rec.task_definition + " failed");
  event(s, "(service " + s.spec->name + ") (deployment " + deployment_id(s, deployment) +
               ") deployment failed: tasks failed to start.");
  if (!s.spec->circuit_breaker_rollback) return;
  // Roll back to the last deployment that completed.
  for (std::size_t k = s.deployments.size(); k-- > 0;) {
    if (k == deployment) continue;
    const Deployment& prev = s.deployments[k];
    if (prev.done && !prev.failed_state) {
      event(s, "(service " + s.spec->name + ") rolling back to deployment " + deployment_id(s, static_cast<std::uint32_t>(k)) + ".");
      begin_deployment(s, prev.task_definition, prev.failures, true);
      return;
    }
  }
}

void ServiceScheduler::on_timer(std::uint16_t timer, std::uint32_t target) {
  switch (static_cast<Timer>(timer)) {
    case kTimerHealthy: {
      auto it = tasks_.find(target);
      if (it == tasks_.end() || !it->second.running || it->second.healthy) return;
      ServiceState& s = *services_[it->second.service];
      account(s);
      it->second.healthy = true;
      ++s.healthy;
      const bool rebalance = it->second.rebalance;
      note_counts(s);
      if (rebalance && s.rebalancing) {
        // The extra task is up: scale-in order now stops one in the zone with the most.
        s.rebalancing = false;
        reconcile(s.index);
        request_rebalance(s);
        return;
      }
      reconcile(s.index);
      return;
    }
    case kTimerUnhealthy: {
      auto it = tasks_.find(target);
      if (it == tasks_.end() || !it->second.running) return;
      ServiceState& s = *services_[it->second.service];
      const std::uint32_t deployment = it->second.deployment;
      event(s, "(service " + s.spec->name + ") has stopped 1 running tasks: Task failed container health checks.");
      stop(s, target, StopReason::kUnhealthy);
      ++s.owed_replacements;
      count_failure(s, deployment, true);
      reconcile(s.index);
      return;
    }
    case kTimerRefused: {
      ServiceState& s = *services_[target];
      const std::vector<std::uint32_t> refused = std::move(s.refused);
      s.refused.clear();
      for (const std::uint32_t deployment : refused) {
        report_start_failure(s, deployment);
        if (!s.daemon) ++s.owed_replacements;
      }
      reconcile(s.index);
      return;
    }
    case kTimerReconcile: {
      ServiceState& s = *services_[target];
      if (s.reconcile_at == host_.now()) s.reconcile_at = kNever;
      s.daemon_retry_pending = false;
      reconcile(target);
      return;
    }
    case kTimerMinute: {
      ServiceState& s = *services_[target];
      account(s);
      std::optional<double> cpu;
      if (s.minute_reserved > 0) cpu = std::min(100.0, s.minute_used / s.minute_reserved * 100.0);
      s.minute_used = 0;
      s.minute_reserved = 0;
      // Without a load model the tasks' CPU use is unknown: no datapoint.
      if (!s.spec->load) cpu.reset();
      const ServiceAutoScaler::Decision d =
          s.scaler->on_minute(host_.now(), cpu, std::nullopt, s.running, s.desired, deployment_in_progress(s));
      apply_scaling(s, d);
      if (host_.now() + kMinute < host_.end()) host_.schedule(host_.now() + kMinute, kTimerMinute, s.index);
      return;
    }
    case kTimerScheduled: {
      ServiceState& s = *services_[target];
      apply_scaling(s, s.scaler->on_scheduled(host_.now(), s.desired));
      const std::optional<SimTime> next = s.scaler->next_scheduled(host_.now() + 1);
      if (next && *next < host_.end()) host_.schedule(*next, kTimerScheduled, s.index);
      return;
    }
    case kTimerRebalance: {
      ServiceState& s = *services_[target];
      s.rebalance_check_pending = false;
      check_rebalance(s);
      return;
    }
  }
}

void ServiceScheduler::apply_scaling(ServiceState& s, const ServiceAutoScaler::Decision& d) {
  if (!d.changed() || d.desired == s.desired) return;
  ServiceResult& out = s.out(result_);
  const bool up = d.desired > s.desired;
  if (up) {
    ++out.scale_outs;
  } else {
    ++out.scale_ins;
  }
  marker(s, up ? MarkerKind::kScaleOut : MarkerKind::kScaleIn,
         s.spec->name + " " + std::to_string(s.desired) + " -> " + std::to_string(d.desired));
  event(s, "(service " + s.spec->name + ") " + describe(d));
  set_desired(s, d.desired);
}

// ----------------------------------------------------------------------------------------------
// Instances and AZ rebalancing

void ServiceScheduler::on_instances_joined(const std::vector<InstanceIdx>& joined) {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    if (s.deployments.empty()) continue;
    if (s.daemon) {
      // on_schedulable_changed listed them already; listing an instance again is harmless.
      for (const InstanceIdx i : joined) daemon_mark(s, i);
      reconcile_daemon(s);
    } else {
      s.rebalance_blocked = false;
      request_rebalance(s);
    }
  }
}

void ServiceScheduler::on_instances_left() {
  for (auto& sp : services_) {
    sp->rebalance_blocked = false;
    // A DAEMON's desired count is the instances it should run on: fewer now.
    if (sp->daemon && !sp->deployments.empty()) reconcile_daemon(*sp);
  }
}

void ServiceScheduler::on_schedulable_changed(InstanceIdx i) {
  for (auto& sp : services_) {
    if (sp->daemon) daemon_mark(*sp, i);
  }
}

void ServiceScheduler::on_instance_draining(InstanceIdx i) {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    if (s.daemon || s.deployments.empty()) continue;
    const bool affected = std::any_of(s.live.begin(), s.live.end(), [&](std::uint32_t t) { return host_.instance_of(t) == i; });
    if (!affected) continue;
    s.rebalance_blocked = false;
    reconcile(s.index);
  }
}

void ServiceScheduler::on_instance_drained(InstanceIdx i) {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    if (!s.daemon || i >= s.daemon_task.size() || s.daemon_task[i] == kNoTask) continue;
    const std::uint32_t t = s.daemon_task[i];
    s.daemon_task[i] = kNoTask;
    daemon_mark(s, i);
    if (knows(t)) stop(s, t);
  }
}

void ServiceScheduler::request_rebalance(ServiceState& s) {
  if (s.daemon || !s.spec->az_rebalancing || s.rebalance_check_pending || s.rebalance_blocked) return;
  if (host_.now() >= host_.end()) return;
  s.rebalance_check_pending = true;
  host_.schedule(host_.now(), kTimerRebalance, s.index);
}

// The gap between the zones with the most and the fewest placed tasks of the service, over the
// zones that have a schedulable instance.
std::int32_t ServiceScheduler::zone_gap(const ServiceState& s, std::string* text) const {
  const ClusterState& cluster = host_.cluster();
  const std::size_t zones = scenario_.cluster.availability_zones.size();
  std::vector<std::int32_t> count(zones, 0);
  std::vector<std::uint8_t> open(zones, 0);
  for (std::uint32_t z = 0; z < zones; ++z) open[z] = host_.schedulable_in_zone(z) > 0 ? 1 : 0;
  for (const std::uint32_t t : s.live) {
    const InstanceIdx i = host_.instance_of(t);
    if (i != kNoInstance) ++count[cluster.zone[i]];
  }
  std::int32_t lo = 0x7FFFFFFF, hi = 0;
  for (std::size_t z = 0; z < zones; ++z) {
    if (open[z] == 0) continue;
    lo = std::min(lo, count[z]);
    hi = std::max(hi, count[z]);
    if (text != nullptr) {
      if (!text->empty()) *text += ", ";
      *text += std::to_string(count[z]) + " tasks in " + scenario_.cluster.availability_zones[z];
    }
  }
  return lo > hi ? 0 : hi - lo;
}

void ServiceScheduler::check_rebalance(ServiceState& s) {
  if (s.rebalancing || s.rebalance_blocked || deployment_in_progress(s)) return;
  if (static_cast<std::int32_t>(s.live.size()) != s.desired || s.running != s.desired) return;
  std::string text;
  const std::int32_t gap = zone_gap(s, &text);
  if (s.rebalance_gap > 0) {
    // A step ended: did it help?
    if (gap <= 1) {
      event(s, "SERVICE_REBALANCING_COMPLETED: (service " + s.spec->name + ") is AZ balanced with " + text + ".");
      s.rebalance_gap = 0;
      return;
    }
    if (gap >= s.rebalance_gap) {
      s.rebalance_blocked = true;
      s.rebalance_gap = 0;
      return;
    }
  }
  if (gap <= 1) return;
  if (running_ceiling(s.desired, s.spec->maximum_percent) <= s.desired) return;  // no room for an extra task
  if (s.rebalance_gap == 0) {
    event(s, "SERVICE_REBALANCING_STARTED: (service " + s.spec->name + ") is not AZ balanced with " + text + ".");
  }
  s.rebalance_gap = gap;
  s.rebalancing = true;
  reconcile(s.index);
}

// ----------------------------------------------------------------------------------------------
// Figures

void ServiceScheduler::note_counts(ServiceState& s) {
  if (!s.steady_seen) return;
  ServiceResult& out = s.out(result_);
  track_spell(s);
  out.running_min = std::min(out.running_min, s.running);
  out.min_healthy = std::min(out.min_healthy, s.healthy);
  out.running_max = std::max(out.running_max, s.running);
}

void ServiceScheduler::account(ServiceState& s) {
  const SimTime now = host_.now();
  if (now <= s.last_account) return;
  const SimTime dt = now - s.last_account;
  ServiceResult& out = s.out(result_);
  s.running_area += static_cast<double>(s.running) * static_cast<double>(dt);
  if (s.running < s.desired) out.below_desired += dt;
  out.running_max = std::max(out.running_max, s.running);
  if (s.spec->load) {
    const LoadSpec& load = *s.spec->load;
    const LoadSlice slice = integrate_load(load, s.last_account, now, s.running_cpu);
    out.overloaded += slice.overloaded_us;
    out.requests += slice.requests;
    out.unserved_requests += slice.unserved_requests;
    s.minute_used += (slice.requests - slice.unserved_requests) * load.cpu_milliseconds_per_request * 1.024;
    s.minute_reserved += static_cast<double>(s.running_cpu) * to_seconds(dt);
  }
  s.last_account = now;
}

void ServiceScheduler::sample(SimTime t) {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    result_.service_running.push_back(s.running);
    result_.service_healthy.push_back(s.healthy);
    result_.service_desired.push_back(s.desired);
    std::int64_t demand = 0;
    if (s.spec->load) demand = static_cast<std::int64_t>(std::llround(demand_cpu_units(*s.spec->load, t)));
    result_.service_demand_cpu.push_back(demand);
    result_.service_capacity_cpu.push_back(s.spec->load ? s.running_cpu : 0);
  }
}

void ServiceScheduler::finish(SimTime end) {
  for (auto& sp : services_) {
    ServiceState& s = *sp;
    account(s);
    ServiceResult& out = s.out(result_);
    out.running_mean = end > 0 ? s.running_area / static_cast<double>(end) : 0;
    if (!s.steady_seen) {
      out.running_min = 0;
      out.min_healthy = 0;
    }
  }
}

void ServiceScheduler::event(ServiceState& s, std::string message) {
  const SimTime now = host_.now();
  auto it = s.last_message.find(message);
  if (it != s.last_message.end() && now - it->second < kEventRepeat) return;
  s.last_message[message] = now;
  result_.service_events.push_back(ServiceEvent{now, s.index, std::move(message)});
}

void ServiceScheduler::marker(ServiceState& s, MarkerKind kind, std::string label) {
  result_.markers.push_back(Marker{host_.now(), kind, s.index, std::move(label)});
}

}  // namespace ecsim::sim
