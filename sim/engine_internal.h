// The Engine class behind run_scenario (sim/engine.h), shared by the files that define its
// methods: engine.cpp (the event loop and the task lifecycle) and engine_fleet.cpp (instances
// launched, terminated, disconnected and drained during the run). Not part of any interface.
#pragma once

#include <algorithm>
#include <cassert>
#include <memory>
#include <string>
#include <unordered_map>
#include "sim/agent.h"
#include "sim/arrivals.h"
#include "sim/capacity_providers.h"
#include "sim/cluster_utilization.h"
#include "sim/event_queue.h"
#include "sim/fleet_faults.h"
#include "sim/image_cache.h"
#include "sim/run_setup.h"
#include "sim/service_scheduler.h"
#include "sim/task_pages.h"
#include "sim/wait_queues.h"

#include "sim/engine.h"
#include "sim/invariant.h"

namespace ecsim::sim::engine_detail {


enum EventKind : std::uint16_t {
  kInstanceRegister,  // target: registration batch (instances launched to register at one instant)
  kJobArrival,        // target: job
  kTraceArrival,      // target: trace
  kServiceStart,      // target: unused (the services' first deployments, at time 0)
  kTaskRunning,       // target: task (PENDING -> RUNNING)
  kTaskStopBegin,     // target: task (RUNNING -> STOPPING)
  kTaskStopped,       // target: task (STOPPING -> STOPPED)
  kSample,            // target: unused
  kOutageBegin,       // target: scenario event
  kOutageEnd,         // target: scenario event
  kScenarioEvent,     // target: scenario event (deploy, scale, registryOutage)
  kServiceTimer,      // target: the service scheduler's; generation: its ServiceScheduler::Timer
  kImageManifest,     // target, generation: the image cache's (ImageTimer::kManifest)
  kImageProgress,     // ... (ImageTimer::kProgress)
  kImageCleanup,      // ... (ImageTimer::kCleanup)
  kCapacityTick,      // target: unused (the capacity providers' minute)
  kProvisioningTimeout,  // target: task (a capacity provider's task gives up waiting)
  kInstanceFailure,   // target: instance; generation: the instance's
  kSpotNotice,        // ... (the two-minute interruption notice)
  kSpotTerminate,     // ... (the interruption itself)
  kAgentDisconnect,   // ... (a random disconnect)
  kAgentReconnect,    // ...
  kDrainEnd,          // target: scenario event (its instances go back to ACTIVE)
};

// EC2's Spot interruption notice comes two minutes before the interruption (EC2 User Guide "Spot
// Instance interruption notices").
constexpr SimTime kSpotNoticeTime = 2 * kMinute;

// A task's runtime when it fails before RUNNING (a service's start failure, an image pull refused).
constexpr SimTime kFailsToStart = -1;

enum class TaskState : std::uint8_t { kProvisioning, kPending, kRunning, kStopping, kStopped, kRejected };

// Whether a run of `s` may terminate an instance or lose a zone: scenario events, capacity
// providers (scale-in, replacement), instance failures or Spot instances.
bool may_lose_instances(const Scenario& s);

class Engine final : public ServiceHost, public ImageHost, public FleetHost {
 public:
  Engine(const Scenario& scenario, PlacerFactory& factory, ProgressSink* progress, ExplainSink* explain,
         TaskSink* tasks, const RunLimits& limits)
      : limits_(limits),
        scenario_(scenario),
        factory_(factory),
        progress_(progress),
        explain_(explain),
        task_sink_(tasks),
        placement_rng_(scenario.seed, "placement"),
        services_(scenario, *this, result_),
        fleet_(scenario, *this, result_) {}

  RunResult run();

  // ServiceHost: what the service scheduler asks of the engine.
  SimTime now() const override { return now_; }
  SimTime end() const override { return scenario_.duration; }
  const ClusterState& cluster() const override { return cluster_; }
  std::uint32_t launch(std::uint32_t service, std::uint32_t task_definition, SimTime runtime, bool fails_to_start,
                       InstanceIdx instance) override;
  bool done_with(std::uint32_t task) const override {
    return slots_.freed(task) || rec_[task].state == TaskState::kStopped || rec_[task].state == TaskState::kRejected;
  }
  void stop(std::uint32_t task, StopReason reason) override;
  InstanceIdx instance_of(std::uint32_t task) const override { return rec_[task].instance; }
  void schedule(SimTime at, std::uint16_t timer, std::uint32_t target) override {
    queue_.push(at, kServiceTimer, target, timer);
  }
  Admission admits(std::uint32_t service, std::uint32_t task_definition, InstanceIdx i) override;
  bool draining(InstanceIdx i) const override { return draining_[i] != 0; }
  std::int64_t schedulable_in_zone(std::uint32_t zone) const override { return zone_schedulable_[zone]; }

  // FleetHost: what the capacity providers ask of the engine.
  InstanceIdx launch_instance(std::uint32_t group, std::uint32_t zone, Market market, SimTime delay,
                              std::string id) override;
  void scale_in_instance(InstanceIdx i) override {
    terminate(i, StopCode::kTerminationNotice, StopReason::kInstanceScaledIn, "scale-in", true);
  }
  void waiting_for(std::uint32_t provider, std::vector<WaitingShape>& out) const override;
  std::int32_t nondaemon_tasks(InstanceIdx i) const override { return nondaemon_[i]; }
  bool zone_up(std::uint32_t zone) const override { return in_outage_[zone] == 0; }
  void schedule_tick(SimTime at) override { queue_.push(at, kCapacityTick, 0); }

  // ImageHost: what the image cache asks of the engine.
  void schedule_image_timer(SimTime at, ImageTimer timer, std::uint32_t target, std::uint16_t generation) override {
    queue_.push(at, static_cast<std::uint16_t>(kImageManifest + static_cast<std::uint16_t>(timer)), target, generation);
  }
  void images_ready(std::uint32_t task, SimTime at) override {
    // release() cancels the wait of a task that stops.
    ECSIM_CHECK(rec_[task].state == TaskState::kPending, "images are ready for a task that is not pending");
    queue_.push(at + scenario_.cluster.agent.task_start_latency + sources_[rec_[task].source].start_delay, kTaskRunning,
                task, rec_[task].generation);
  }

 private:
  // Setup.
  void build();

  // Events.
  void dispatch(const Event& e);
  void on_job_arrival(std::uint32_t job);
  void schedule_next_job_arrival(std::uint32_t job, SimTime after);
  void on_trace_arrival(std::uint32_t trace);
  std::uint32_t service_source(std::uint32_t service, std::uint32_t task_definition) const;
  // A task left the live set without the service scheduler asking: tell it.
  void notify_lost(std::uint32_t task, bool failed_to_start) {
    if (sources_[rec_[task].source].kind == SourceKind::kService) services_.on_lost(task, failed_to_start);
  }
  void on_scenario_event(std::uint32_t event);
  void mark(std::string label) { result_.markers.push_back(Marker{now_, MarkerKind::kScenarioEvent, 0xFFFFFFFFu, std::move(label)}); }
  void on_instance_register(std::uint32_t batch);
  void instance_event(InstanceIdx i, InstanceEventKind kind, std::string reason) {
    result_.instance_events.push_back(InstanceEvent{now_, i, kind, std::move(reason)});
  }
  void on_task_running(std::uint32_t task);
  void on_task_stop_begin(std::uint32_t task);
  void on_task_stopped(std::uint32_t task);
  void on_outage(std::uint32_t event, bool begin);
  void on_instance_event(const ScenarioEvent& ev, std::uint32_t event);
  void on_instance_fault(std::uint16_t kind, InstanceIdx i, std::uint16_t generation);
  // The instances a scenario event selects, alive now, in creation order.
  std::vector<InstanceIdx> select(const InstanceSelector& sel) const;
  // Gives the per-instance arrays room for instances created since.
  void grow_instances();
  // Sets schedulable and the registered capacity from the instance's flags.
  void refresh_instance(InstanceIdx i);
  // Keep tasks_on_ (when track_tasks_): `task` was placed on i; it gave i back (release).
  void note_placed(std::uint32_t task, InstanceIdx i) {
    if (track_tasks_) track_placed(task, i);
  }
  void note_released(std::uint32_t task, InstanceIdx i) {
    if (track_tasks_) track_released(task, i);
  }
  void track_placed(std::uint32_t task, InstanceIdx i);
  void track_released(std::uint32_t task, InstanceIdx i);
  // The tasks holding instance i (PENDING, RUNNING or STOPPING there), appended to `out`.
  void live_tasks_on(InstanceIdx i, std::vector<std::uint32_t>& out) const;
  // Schedules instance i's random faults from its registration.
  void arm_faults(InstanceIdx i);
  // Terminates instance i: its tasks stop with `code` and `reason`; the group replaces it unless
  // it was scaled in.
  void terminate(InstanceIdx i, StopCode code, StopReason reason, std::string why, bool scaled_in);
  void set_draining(InstanceIdx i, bool on, std::string why);
  // A capacity provider's task stopped waiting (timed out, over the quota): rejected.
  void give_up(std::uint32_t task, StopReason reason);
  // Counts of live tasks per item of each owner's capacity provider strategy.
  void provider_task_ends(std::uint32_t task) {
    const Source& s = sources_[rec_[task].source];
    if (s.provider != Source::kNoProvider) --owner_live_[owner_of(s)][s.provider_item];
  }
  std::uint32_t owner_of(const Source& s) const {
    return s.kind == SourceKind::kService ? s.index : static_cast<std::uint32_t>(scenario_.services.size()) + s.index;
  }
  // The source of the owner's next task, whose first source (item 0) is `first`.
  std::uint32_t choose_provider_source(std::uint32_t first, const std::vector<CapacityProviderStrategyItem>& strategy);
  void take_sample(SimTime t);

  // Tasks.
  std::uint32_t submit(std::uint32_t source, const Resources& need, SimTime runtime, std::uint32_t family,
                       std::int32_t revision);
  void try_place(std::uint32_t task);
  bool provision(std::uint32_t task);
  void place_on(std::uint32_t task, InstanceIdx i);
  void retry_waiting_on(InstanceIdx i);
  // Offers instances that just joined (registered, or back from an outage) to the waiting tasks.
  void offer_joined(const std::vector<InstanceIdx>& joined);
  // The agent's side (AWS containers blog "Improvements to Amazon ECS task launch behavior when tasks
  // have prolonged shutdown"): starts the task now if its ledger has room and no
  // task is queued ahead, else queues it on the instance (it stays PENDING).
  void agent_accept(std::uint32_t task, InstanceIdx i) {
    if (agents_.accept(i, task, agent_task(task), cluster_)) agent_start(task, i);
  }
  void agent_start(std::uint32_t task, InstanceIdx i);
  void agent_drain(InstanceIdx i) {  // starts queued tasks that now fit
    agents_.drain(i, cluster_, [this](std::uint32_t t) { return agent_task(t); },
                  [this, i](std::uint32_t t) { agent_start(t, i); });
  }
  AgentTask agent_task(std::uint32_t task) const {
    const Source& s = sources_[rec_[task].source];
    return AgentTask{&task_need_[task], s.tcp_ports, s.udp_ports};
  }
  const std::vector<std::uint16_t>& tcp_ports_of(std::uint32_t task) const { return *sources_[rec_[task].source].tcp_ports; }
  const std::vector<std::uint16_t>& udp_ports_of(std::uint32_t task) const { return *sources_[rec_[task].source].udp_ports; }
  // --explain: an attempt decided without the placer (queued behind `queue`, or a retry).
  void explain_without_placer(PlacementAttempt::Kind kind, std::uint32_t task, PlacementDecision d,
                              const WaitQueue* queue);
  // --explain: an attempt the placer decided.
  void explain_placement(std::uint32_t task, const PlacementRequest& request, const PlacementDecision& d);
  void release(std::uint32_t task);
  // The task's record is final: it joins result_.task_stats and goes to the task sink (or, without
  // one, to result_.tasks); its page may be freed after the current event.
  void task_done(std::uint32_t task);
  void keep_record(const TaskRecord& r);
  [[noreturn]] void too_many_live_tasks() const;
  // The live tasks and their pages of task numbers, in tasks (RunLimits::tasks_per_page).
  std::int64_t held_as_tasks() const {
    return live_ + limits_.tasks_per_page * static_cast<std::int64_t>(slots_.live_pages());
  }
  void free_done_slots();
  // The cluster picture (RunResult::picture, when the task sink wants it): note_peak after each
  // sample; capture_picture from the live tasks once the peak sample's instant is over.
  void note_peak(const Sample& s);
  void capture_picture();
  void scan_picture();     // capture_picture without picture_groups_
  void finish_picture();   // RunResult::picture from the last capture (with picture_groups_)
  void grow_picture();     // room for instances created since
  // The live tasks on i of the task's group: `tasks` more of them (holding its need), `starting`
  // more PENDING. Journaled (a sequential write, where updating the tables would be a cache miss
  // on the critical path each time) and folded in batches.
  void picture_change(std::uint32_t task, InstanceIdx i, std::int8_t tasks, std::int8_t starting) {
    if (picture_groups_ == 0) return;
    PictureDelta d{i, static_cast<std::uint16_t>(group_of(task)), tasks, starting, 0, 0};
    if (tasks != 0) {
      d.cpu = tasks * task_need_[task].cpu;
      d.memory_mib = tasks * task_need_[task].memory_mib;
    }
    picture_journal_.push_back(d);
    if (picture_journal_.size() == kPictureJournal) [[unlikely]] fold_picture();
  }
  void fold_picture();  // applies picture_journal_ to held_now_ and counts_now_
  GroupIdx group_of(std::uint32_t task) const { return sources_[rec_[task].source].group; }
  // RUNNING -> STOPPING; STOPPED after `shutdown` plus the agent's stop latency.
  void begin_stopping(std::uint32_t task, StopCode code, SimTime shutdown = 0);
  void kill(std::uint32_t task, StopCode code);
  PlacementRequest request_for(std::uint32_t task) const;
  void change_reserved(InstanceIdx i, std::int64_t cpu, std::int64_t memory) {
    usage_.change_reserved(now_, cluster_.zone[i], type_slot_[cluster_.type[i]], cpu, memory);
  }
  void change_registered(InstanceIdx i, std::int64_t cpu, std::int64_t memory) {
    usage_.change_registered(now_, cluster_.zone[i], type_slot_[cluster_.type[i]], cpu, memory);
  }

  const RunLimits& limits_;
  const Scenario& scenario_;
  PlacerFactory& factory_;
  ProgressSink* progress_;
  ExplainSink* explain_;                // null unless --explain: one predictable branch per attempt
  TaskSink* task_sink_;                 // null: records kept in result_.tasks
  PlacementExplanation explanation_;    // scratch for explain_
  RandomStream placement_rng_;
  EventQueue queue_;
  SimTime now_ = 0;
  ClusterState cluster_;
  RunResult result_;
  ServiceScheduler services_;
  CapacityProviders fleet_;
  std::vector<Source> sources_;
  std::vector<std::uint32_t> first_service_source_;  // per service: its first source (one per task definition)
  std::uint32_t first_job_source_ = 0;
  std::vector<std::uint32_t> job_first_source_;    // per job: its first source (item 0 of its strategy)
  std::vector<std::vector<std::int64_t>> owner_live_;  // [service, then job][strategy item]: live tasks
  std::vector<std::uint8_t> source_daemon_;        // per source: a DAEMON service's
  std::vector<std::uint32_t> trace_first_source_;  // per trace: its first group's source
  // Per trace: this run's reader over its records, and the record it read next (due at its
  // submit time, kTraceArrival).
  std::vector<std::unique_ptr<TraceReader>> trace_readers_;
  std::vector<TraceTask> trace_next_;
  std::vector<SimTime> trace_next_wait_;
  FamilyIndex family_index_;                       // of result_.families (intern_family)
  WaitQueues waiting_;

  // Per live task, in slots given back once it is done with (sim/task_pages.h), read by task number.
  // What every task event reads and what the task's record says so far (handed over by
  // task_done) share one 64-byte line: a task's events come long after its last one, so each
  // line it reads is a cache miss, and one line costs one miss instead of one per column.
  struct alignas(64) TaskFields {
    SimTime submitted = 0;
    SimTime placed = kNever;
    SimTime started = kNever;  // RUNNING
    SimTime stopped = kNever;  // STOPPED, or rejected by the service scheduler or a capacity provider
    SimTime runtime = 0;       // drawn at submission (kNever: runs to the end; kFailsToStart)
    std::uint32_t source = 0;  // index into sources_
    std::uint32_t family = 0;  // index into result_.families
    std::int32_t revision = 0;
    InstanceIdx instance = kNoInstance;  // kNoInstance while not placed
    std::uint16_t generation = 0;        // bumped when the task's scheduled events become void
    TaskState state = TaskState::kProvisioning;
    StopCode stop_code = StopCode::kNone;
    StopReason stop_reason = StopReason::kNone;
    FailureReason failure = FailureReason::kNone;  // why it was not placed, or its first failed attempt
    std::uint8_t rejected = 0;
    std::uint8_t admitted = 0;  // PENDING: 1 once the agent started it, 0 while queued there
  };
  static_assert(sizeof(TaskFields) == 64, "a task's fields fill one cache line");
  // The rest of a live task's slot: what it needs, and its wait queue while it waits.
  struct TaskExtra {
    Resources need;
    std::uint32_t queue = 0xFFFFFFFFu;
  };
  using Slots = TaskSlots<TaskFields, TaskExtra>;
  // A part of every live task's slot, by task number. REQUIRES of a read: the task is not freed
  // (asserted in the sanitizer build).
  template <class T, bool kInFields, T TaskExtra::*kPart = nullptr>
  class TaskColumn {
   public:
    explicit TaskColumn(Slots& slots) : slots_(slots) {}
    T& operator[](std::uint32_t task) { return get(task); }
    const T& operator[](std::uint32_t task) const { return get(task); }

   private:
    T& get(std::uint32_t task) const {
      const std::uint32_t slot = slots_.slot(task);
      assert(slot != Slots::kFreed && "a task read after it was freed");
      if constexpr (kInFields) {
        return slots_.fields(slot);
      } else {
        return slots_.extra(slot).*kPart;
      }
    }
    Slots& slots_;
  };
  Slots slots_;
  // Below this many slots (88 bytes each: 352 KiB), the live tasks' state stays in the cache and
  // the engine does not prefetch it.
  static constexpr std::size_t kPrefetchSlots = 4096;
  std::vector<std::uint32_t> slots_to_free_;  // tasks done with, freed after the current event (free_done_slots)
  TaskColumn<TaskFields, true> rec_{slots_};
  TaskColumn<Resources, false, &TaskExtra::need> task_need_{slots_};
  TaskColumn<std::uint32_t, false, &TaskExtra::queue> task_queue_{slots_};
  __extension__ typedef __int128 Wide;
  std::int64_t live_ = 0;  // tasks submitted and not yet done with (RunLimits::max_live_tasks)
  bool want_picture_ = false;
  SimTime picture_due_ = kNever;  // a new peak sample's instant, until its picture is captured
  Wide peak_num_ = 0, peak_den_ = 0;
  // With at most kPictureGroups task groups (picture_groups_ > 0), what the live tasks hold is
  // kept as they come and go, and a capture copies only the instances changed since the last
  // one; with more, a capture scans the live tasks (picture_tasks_ and picture_starting_ are its
  // scratch, [instance * groups + group]).
  static constexpr std::size_t kPictureGroups = 64;
  struct PictureHeld {
    std::int64_t cpu = 0, memory_mib = 0;
  };
  struct PictureCount {
    std::int32_t tasks = 0, starting = 0;
  };
  struct PictureDelta {
    InstanceIdx instance;
    std::uint16_t group;
    std::int8_t tasks, starting;
    std::int32_t cpu, memory_mib;
  };
  static constexpr std::size_t kPictureJournal = std::size_t{1} << 16;  // 1 MiB
  std::vector<PictureDelta> picture_journal_;
  std::size_t picture_groups_ = 0;
  std::vector<PictureHeld> held_now_, held_at_peak_;        // per instance
  std::vector<PictureCount> counts_now_, counts_at_peak_;  // [instance * groups + group]
  std::vector<std::uint8_t> picture_dirty_;                // per instance: changed since the capture
  std::vector<InstanceIdx> picture_dirty_list_;
  std::size_t picture_instances_ = 0;  // instances at the captured peak
  std::vector<std::int32_t> picture_tasks_, picture_starting_;

  std::vector<RegistrationBatch> register_batches_;
  AgentLedgers agents_;  // used when the control plane counts STOPPING tasks as free (the default)
  ImageCache images_{scenario_, *this};
  ClusterUtilization usage_;

  std::int64_t running_ = 0;
  std::int64_t starting_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t rejected_ = 0;
  std::uint64_t events_ = 0;
  std::vector<std::uint8_t> in_outage_;  // per zone
  // Per instance.
  std::vector<Market> market_;
  std::vector<std::uint16_t> instance_gen_;   // bumped at termination: voids its fault events
  std::vector<std::uint8_t> terminated_;
  std::vector<std::uint8_t> outage_;          // disconnected with its zone
  std::vector<std::uint8_t> disconnected_;    // its agent is disconnected
  std::vector<std::uint8_t> draining_;
  std::vector<std::uint8_t> counted_;         // its registered capacity is in the utilization
  std::vector<std::int32_t> nondaemon_;       // tasks holding resources that are not a DAEMON's
  std::vector<std::uint32_t> disconnects_;    // random disconnects drawn so far
  static constexpr std::uint32_t kNotListed = 0xFFFFFFFFu;
  std::vector<std::uint32_t> off_slot_;       // its place in cluster_.agents_disconnected, or kNotListed
  // The tasks holding the instance, in no order (each at task_slot_[task] while there): finding
  // an instance's tasks costs O(its tasks), not a scan of every task of the run. Kept only when
  // the run can lose an instance with tasks on it (track_tasks_): the lists cost every
  // placement a few cache misses.
  const bool track_tasks_ = may_lose_instances(scenario_);
  std::vector<std::vector<std::uint32_t>> tasks_on_;
  std::vector<std::uint32_t> task_slot_;  // per task
  std::vector<std::int64_t> zone_schedulable_;  // per zone: its schedulable instances
  std::unordered_map<std::string, InstanceIdx> instance_by_id_;
  std::vector<std::vector<InstanceIdx>> drained_by_event_;  // per scenario event (kDrain)
  std::size_t open_batch_ = static_cast<std::size_t>(-1);  // a registration batch not yet processed
  std::vector<std::uint32_t> type_slot_;  // scenario type -> RunResult::instance_types index
};

}  // namespace ecsim::sim::engine_detail
