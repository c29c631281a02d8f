// The ECS service scheduler: keeps each service's tasks as ECS does (Dev Guide "Amazon ECS
// services", "Deploy Amazon ECS services by replacing tasks", "Service throttle logic"), as a
// controller beside the engine: it decides which tasks to start and stop, the engine runs them.
//
// What it models:
//  - REPLICA services keep desiredCount tasks; lost and failed tasks are replaced; scale-in stops
//    PROVISIONING, then PENDING, then RUNNING tasks, unhealthy first, from the zone with the most
//    tasks of the service, then the instance with the most, newest task first among equals
//    (Dev Guide "Amazon ECS services").
//  - DAEMON services run one task on every ACTIVE instance meeting their constraints, placed on
//    an instance before any waiting task when it registers (the same page).
//    Their reconciliation is incremental: it looks only at the instances that changed since the
//    last one (joined, left, lost their daemon task) and at those still without one (no room,
//    or constraints not met), not at every instance: losing or gaining an instance costs O(1)
//    in cluster size when the daemon runs everywhere.
//  - Health: a task is healthy 40 s after RUNNING when no essential container has a health check,
//    else once its first check passes (`interval` after RUNNING); a task drawn to fail its health
//    check turns UNHEALTHY after `retries` failed checks past `startPeriod`, no earlier than
//    healthCheckGracePeriodSeconds after RUNNING, and is stopped and replaced (Dev Guide "Task definition parameters", health check).
//  - Failures (`failures`): a probability to fail before RUNNING (TaskFailedToStart), a crash
//    rate per task-hour while RUNNING (EssentialContainerExited), a probability to fail the
//    health check; each drawn from the service's own named streams.
//  - Replacement throttle (Dev Guide "Amazon ECS service throttle logic"): after k consecutive tasks that stopped before RUNNING the next
//    launch waits min(15 min, 5 s × 2^(k-1)) (the growth is not documented: ecsim's choice);
//    reset by a task reaching RUNNING or a deployment of a new task definition. Launch rate:
//    at most 250 tasks per minute per service (service quotas).
//  - Rolling updates (Dev Guide "Deploy Amazon ECS services by replacing tasks") with sim/deployment.h's arithmetic, the min = max = 100 deadlock
//    with ECS's event text, and the circuit breaker with rollback.
//  - AZ rebalancing (Dev Guide "Balancing an Amazon ECS service across Availability Zones") for services that have it: when the RUNNING tasks over the zones that
//    have schedulable instances differ by more than one, it starts one task beyond desired
//    (within maximumPercent) and, once it is healthy, scale-in order stops one in the zone with
//    the most; it gives up until the next change of the cluster when a step does not improve
//    the balance (the strategy decides where the new task goes).
//  - Load and Service Auto Scaling (sim/service_load.h, sim/auto_scaling.h): one-minute
//    datapoints, scaling activities as desiredCount updates.
//
// Invariants:
//  - A service task is known here from launch until it leaves the live set (it begins stopping,
//    or it is stopped, killed or cancelled); `live` lists those tasks per service in launch order.
//  - Counts per service (provisioning/pending/running/healthy per deployment) equal what the
//    live tasks' states say (checked by tests through the run result).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/auto_scaling.h"
#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/placer.h"
#include "sim/random.h"
#include "sim/run_result.h"
#include "sim/time.h"

namespace ecsim::sim {

// What the service scheduler asks of the engine.
class ServiceHost {
 public:
  virtual ~ServiceHost() = default;
  virtual SimTime now() const = 0;
  virtual const ClusterState& cluster() const = 0;
  // Submits a task of `service` running `task_definition` (index into Scenario::task_definitions),
  // with `runtime` from RUNNING to its crash (kNever: none), failing before RUNNING when
  // `fails_to_start`; and tries to place it. With `instance` (a DAEMON's), it is placed there if
  // the instance admits it, else it waits. Returns the task number.
  virtual std::uint32_t launch(std::uint32_t service, std::uint32_t task_definition, SimTime runtime,
                               bool fails_to_start, InstanceIdx instance) = 0;
  // Whether the engine is already done with `task` (STOPPED or rejected): a task that launch()
  // returns is, when its capacity provider refused it at once (the provisioning quota).
  virtual bool done_with(std::uint32_t task) const = 0;
  // Stops a live task (ServiceSchedulerInitiated, for `reason`): a waiting task is cancelled, a
  // PENDING one stops at once, a RUNNING one begins stopping. No callback comes back for it.
  virtual void stop(std::uint32_t task, StopReason reason) = 0;
  // The instance a task was placed on, or kNoInstance while it waits.
  virtual InstanceIdx instance_of(std::uint32_t task) const = 0;
  // Asks for ServiceScheduler::on_timer(timer, target) at `at` (>= now).
  virtual void schedule(SimTime at, std::uint16_t timer, std::uint32_t target) = 0;
  // Whether instance i takes a task of `service` running `task_definition` now, as placement
  // decides it; if not, whether for lack of room (a resource check fails: it may later) or
  // because the placer refuses it (its constraints, or it is not schedulable).
  enum class Admission : std::uint8_t { kAdmitted, kNoRoom, kRefused };
  virtual Admission admits(std::uint32_t service, std::uint32_t task_definition, InstanceIdx i) = 0;
  // The end of the run.
  virtual SimTime end() const = 0;
  // Whether instance i is DRAINING.
  virtual bool draining(InstanceIdx i) const = 0;
  // How many of the zone's instances are schedulable (ClusterState::schedulable) now; O(1).
  virtual std::int64_t schedulable_in_zone(std::uint32_t zone) const = 0;
};

class ServiceScheduler {
 public:
  enum Timer : std::uint16_t {
    kTimerHealthy,     // target: task
    kTimerUnhealthy,   // target: task
    kTimerReconcile,   // target: service (a throttled or rate-limited launch may go now)
    kTimerMinute, // target: service (metrics, auto scaling)
    kTimerScheduled,   // target: service (a scheduled scaling action)
    kTimerRebalance,   // target: service (check the zones)
    kTimerRefused,     // target: service (launches its capacity provider refused at once)
  };

  ServiceScheduler(const Scenario& scenario, ServiceHost& host, RunResult& result);
  ~ServiceScheduler();

  bool empty() const { return services_.empty(); }

  // --- from the engine ---
  void start();                                  // time 0: every service's first deployment
  void on_running(std::uint32_t task);           // a service task reached RUNNING
  // A service task left the live set without the scheduler asking: it crashed, failed to start
  // (`failed_to_start`: it stopped before RUNNING on its own account, which the throttle and
  // the circuit breaker count), or was lost with its instance.
  void on_lost(std::uint32_t task, bool failed_to_start);
  void on_instances_joined(const std::vector<InstanceIdx>& joined);  // before waiting tasks see them
  void on_instances_left();                      // an outage took instances away
  // Instance i became schedulable or stopped being so (ClusterState::schedulable: registered,
  // terminated, an outage, DRAINING, its agent): DAEMON services look at it again at their next
  // reconciliation. Reads nothing of the cluster (may come inside a schedulable batch).
  void on_schedulable_changed(InstanceIdx i);
  // Instance i was set DRAINING: its REPLICA tasks are replaced elsewhere within the deployment
  // limits (treated as tasks of an old deployment; Dev Guide "Container instance draining").
  void on_instance_draining(InstanceIdx i);
  // A DRAINING instance has no task left but DAEMON ones: they stop.
  void on_instance_drained(InstanceIdx i);
  void on_deploy(const ScenarioEvent& e);
  void on_scale(const ScenarioEvent& e);
  void on_timer(std::uint16_t timer, std::uint32_t target);
  // Appends this sample's per-service figures to the result (service_running ...).
  void sample(SimTime t);
  // End of run: fills RunResult::services' time-weighted figures.
  void finish(SimTime end);

  // Whether `task` is a service task the scheduler knows (live).
  bool knows(std::uint32_t task) const { return tasks_.count(task) != 0; }

 private:
  struct TaskInfo {
    std::uint32_t task = 0;
    std::uint32_t service = 0;
    std::uint32_t deployment = 0;
    bool running = false;
    bool healthy = false;
    bool fails_health = false;   // drawn at launch: never passes its health check
    bool rebalance = false;      // the extra task of an AZ rebalancing step
    std::int32_t cpu = 0;        // CPU units it reserves
    InstanceIdx instance = kNoInstance;  // a DAEMON's: the instance it was launched for
    std::uint32_t live_slot = 0;         // its position in ServiceState::live
  };
  struct Deployment;
  struct ServiceState;

  void reconcile(std::uint32_t service);
  bool reconcile_step(ServiceState& s);  // true: it stopped tasks, so another step may do more
  void reconcile_daemon(ServiceState& s);
  // The reference reconcile_daemon is checked against (set_daemon_full_rescan_for_testing): a
  // scan of every schedulable instance.
  void reconcile_daemon_full_rescan(ServiceState& s);
  // The end of both: desired count, retry timer, steady state.
  void settle_daemon(ServiceState& s, std::int32_t eligible, bool missing);
  void daemon_mark(ServiceState& s, InstanceIdx i);  // look at instance i at the next reconciliation
  // Launches up to n tasks of the primary deployment, within the throttle and the launch rate;
  // returns how many it launched.
  std::int32_t launch_up_to(ServiceState& s, std::int32_t n);
  // Returns the task, or kNoTask when it was refused at once (see kTimerRefused).
  std::uint32_t launch(ServiceState& s, std::uint32_t deployment, InstanceIdx instance);
  // A task of the deployment stopped before RUNNING: the launch throttle backs off (now), and
  // the failure is reported and counted by the circuit breaker (report_start_failure).
  void throttle_start(ServiceState& s);
  void report_start_failure(ServiceState& s, std::uint32_t deployment);
  void stop(ServiceState& s, std::uint32_t task, StopReason reason = StopReason::kScalingActivity);
  void forget(ServiceState& s, std::uint32_t task);
  void begin_deployment(ServiceState& s, std::uint32_t task_definition, const TaskFailureSpec& failures,
                        bool rollback);
  bool deployment_in_progress(const ServiceState& s) const;
  void count_failure(ServiceState& s, std::uint32_t deployment, bool health);
  void set_desired(ServiceState& s, std::int32_t desired);
  void apply_scaling(ServiceState& s, const ServiceAutoScaler::Decision& d);
  void request_rebalance(ServiceState& s);
  void check_rebalance(ServiceState& s);
  std::int32_t zone_gap(const ServiceState& s, std::string* text) const;
  void account(ServiceState& s);     // time-weighted figures up to now
  void note_counts(ServiceState& s); // min/max after a change of the counts
  void track_spell(ServiceState& s); // opens or closes a below-desired spell
  void event(ServiceState& s, std::string message);
  void marker(ServiceState& s, MarkerKind kind, std::string label);
  std::vector<std::uint32_t> scale_in_order(const ServiceState& s, const std::vector<std::uint32_t>& candidates,
                                            std::size_t count) const;
  std::string deployment_id(const ServiceState& s, std::uint32_t deployment) const;

  const Scenario& scenario_;
  ServiceHost& host_;
  RunResult& result_;
  std::vector<std::unique_ptr<ServiceState>> services_;
  std::unordered_map<std::uint32_t, TaskInfo> tasks_;  // live service tasks; lookups only, never iterated
  const bool daemon_full_rescan_;  // set_daemon_full_rescan_for_testing when constructed
};

// Tests only: schedulers constructed while `on` is set reconcile DAEMON services with a scan of
// every schedulable instance (the code the incremental bookkeeping replaced), the reference a
// randomized test compares whole runs against. Off by default.
void set_daemon_full_rescan_for_testing(bool on);

}  // namespace ecsim::sim
