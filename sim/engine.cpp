// The simulation of one run.
//
// Invariants (checked by asserts in debug builds and by the conservation tests):
//  - Every task is in exactly one state: PROVISIONING (waiting in a WaitQueue), PENDING (placed,
//    resources held, agent starting it), RUNNING, STOPPING (resources still held), STOPPED, or
//    rejected (never placed, onPlacementFailure "fail").
//  - A waiting task has no candidate instance: it failed a full placement attempt, and since
//    then every instance that gained room (a task stopped there, it registered, it came back
//    from an outage) was offered to the waiting queues, oldest task first. So when instance i
//    gains room, i is the only instance a waiting task can go to, and the retry is a check of
//    i alone, not a new scan of the cluster.
//  - Tasks of one source with the same resource shape share a WaitQueue and are retried in
//    submission order. A new task whose queue is not empty is queued without an attempt: its
//    queue-mates prove that no instance admits it.
//  - Resources are held from placement to STOPPED (ecs-semantics §4: released when the
//    containers have stopped).
#include "sim/engine.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "sim/event_queue.h"
#include "sim/service_scheduler.h"
#include "sim/utilization.h"

namespace ecsim::sim {
namespace {

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
};

// A task's runtime when it fails before RUNNING (a service's start failure, an image pull refused).
constexpr SimTime kFailsToStart = -1;

enum class TaskState : std::uint8_t { kProvisioning, kPending, kRunning, kStopping, kStopped, kRejected };

// A source of tasks with one placement policy: a job, a service or a trace.
struct Source {
  SourceKind kind;
  std::uint32_t index;  // into Scenario::jobs / services / traces
  std::uint32_t result_source = 0;        // into RunResult::sources
  std::unique_ptr<Placer> placer;
  GroupIdx group;
  OnPlacementFailure on_failure;
  const TaskDefinition* task_definition;  // null for traces
  std::uint32_t family;                   // into RunResult::families (jobs, services)
  RandomStream arrival_rng;
  RandomStream runtime_rng;
  std::int64_t submitted = 0;             // tasks submitted so far (arrival count)
  std::uint64_t cursor = 0;               // next arrival of a list
  Resources need;                         // per task (jobs, services): the task definition's, and its EBS volume
  SimTime attach_latency = 0;             // EBS volume attachment, overlapping image pulls
  const std::vector<std::uint16_t>* tcp_ports = &kNoPorts;  // static host ports of its tasks
  const std::vector<std::uint16_t>* udp_ports = &kNoPorts;
  static inline const std::vector<std::uint16_t> kNoPorts;
};

struct WaitQueue {
  std::uint32_t source;
  Resources shape;
  std::deque<std::uint32_t> tasks;
  FailureReason last_reason = FailureReason::kNone;
};

class Engine final : public ServiceHost {
 public:
  Engine(const Scenario& scenario, PlacerFactory& factory, ProgressSink* progress, ExplainSink* explain)
      : scenario_(scenario),
        factory_(factory),
        progress_(progress),
        explain_(explain),
        placement_rng_(scenario.seed, "placement"),
        services_(scenario, *this, result_) {}

  RunResult run();

  // ServiceHost: what the service scheduler asks of the engine.
  SimTime now() const override { return now_; }
  SimTime end() const override { return scenario_.duration; }
  const ClusterState& cluster() const override { return cluster_; }
  std::uint32_t launch(std::uint32_t service, std::uint32_t task_definition, SimTime runtime, bool fails_to_start,
                       InstanceIdx instance) override;
  void stop(std::uint32_t task) override;
  InstanceIdx instance_of(std::uint32_t task) const override { return result_.tasks.instance[task]; }
  void schedule(SimTime at, std::uint16_t timer, std::uint32_t target) override {
    queue_.push(at, kServiceTimer, target, timer);
  }
  FailureReason admits(std::uint32_t service, std::uint32_t task_definition, InstanceIdx i) override;

 private:
  // Setup.
  void build_cluster();
  void build_sources();
  std::uint32_t intern_family(const std::string& family);

  // Events.
  void dispatch(const Event& e);
  void on_job_arrival(std::uint32_t job);
  void on_trace_arrival(std::uint32_t trace);
  std::uint32_t service_source(std::uint32_t service, std::uint32_t task_definition) const;
  // A task left the live set without the service scheduler asking: tell it.
  void notify_lost(std::uint32_t task, bool failed_to_start) {
    if (sources_[task_source_[task]].kind == SourceKind::kService) services_.on_lost(task, failed_to_start);
  }
  void on_scenario_event(std::uint32_t event);
  void mark(std::string label) { result_.markers.push_back(Marker{now_, MarkerKind::kScenarioEvent, 0xFFFFFFFFu, std::move(label)}); }
  void on_instance_register(std::uint32_t batch);
  void on_task_running(std::uint32_t task);
  void on_task_stop_begin(std::uint32_t task);
  void on_task_stopped(std::uint32_t task);
  void on_outage(std::uint32_t event, bool begin);
  void take_sample(SimTime t);

  // Tasks.
  std::uint32_t submit(std::uint32_t source, const Resources& need, SimTime runtime, std::uint32_t family,
                       std::int32_t revision);
  void try_place(std::uint32_t task);
  void place_on(std::uint32_t task, InstanceIdx i);
  void retry_waiting_on(InstanceIdx i);
  // Offers instances that just joined (registered, or back from an outage) to the waiting tasks.
  void offer_joined(const std::vector<InstanceIdx>& joined);
  // The agent's side (ecs-semantics §1.7): starts the task now if its ledger has room and no
  // task is queued ahead, else queues it on the instance (it stays PENDING).
  void agent_accept(std::uint32_t task, InstanceIdx i);
  bool agent_fits(std::uint32_t task, InstanceIdx i) const;
  void agent_start(std::uint32_t task, InstanceIdx i);
  void agent_release(std::uint32_t task, InstanceIdx i);  // the task's containers have stopped
  void agent_drain(InstanceIdx i);                        // starts queued tasks that now fit
  const std::vector<std::uint16_t>& tcp_ports_of(std::uint32_t task) const { return *sources_[task_source_[task]].tcp_ports; }
  const std::vector<std::uint16_t>& udp_ports_of(std::uint32_t task) const { return *sources_[task_source_[task]].udp_ports; }
  // --explain: an attempt decided without the placer (queued behind `queue`, or a retry).
  void explain_without_placer(PlacementAttempt::Kind kind, std::uint32_t task, PlacementDecision d,
                              const WaitQueue* queue);
  void release(std::uint32_t task);
  void begin_stopping(std::uint32_t task, StopCode code);
  void kill(std::uint32_t task, StopCode code);
  std::uint32_t queue_for(std::uint32_t source, const Resources& need);
  SimTime image_ready_at(InstanceIdx i, const TaskDefinition& td);
  // Whether starting a task of `td` on i needs a pull its registry refuses now (an outage).
  bool pull_refused(InstanceIdx i, const TaskDefinition& td) const;
  PlacementRequest request_for(std::uint32_t task) const;
  void change_reserved(InstanceIdx i, std::int64_t cpu, std::int64_t memory);
  void change_registered(InstanceIdx i, std::int64_t cpu, std::int64_t memory);

  // Arrivals.
  void schedule_next_job_arrival(std::uint32_t job, SimTime after);
  SimTime draw_runtime(Source& s, const RuntimeSpec& spec);

  const Scenario& scenario_;
  PlacerFactory& factory_;
  ProgressSink* progress_;
  ExplainSink* explain_;                // null unless --explain: one predictable branch per attempt
  PlacementExplanation explanation_;    // scratch for explain_
  RandomStream placement_rng_;
  EventQueue queue_;
  SimTime now_ = 0;
  ClusterState cluster_;
  RunResult result_;
  ServiceScheduler services_;
  std::vector<Source> sources_;
  std::vector<std::uint32_t> first_service_source_;  // per service: its first source (one per task definition)
  std::uint32_t first_job_source_ = 0;
  std::vector<std::uint32_t> trace_first_source_;  // per trace: its first group's source
  std::vector<std::uint64_t> trace_cursor_;        // per trace: next record
  std::vector<WaitQueue> wait_queues_;
  std::map<std::tuple<std::uint32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t>, std::uint32_t>
      queue_index_;
  std::vector<std::uint32_t> nonempty_queues_;  // queue ids with waiting tasks, unordered

  // Per task (engine-side; the records live in result_.tasks).
  std::vector<std::uint32_t> task_source_;
  std::vector<Resources> task_need_;
  std::vector<SimTime> task_runtime_;
  std::vector<TaskState> task_state_;
  std::vector<std::uint16_t> task_generation_;
  std::vector<std::uint32_t> task_queue_;
  std::vector<std::uint8_t> task_admitted_;  // PENDING: 1 once the agent started it, 0 while queued there

  // Registration batches: the instances that register at one instant, in InstanceIdx order.
  std::vector<std::vector<InstanceIdx>> register_batches_;

  // The agent's ledger (ecs-semantics §1.7), per instance, used only when the control plane
  // counts STOPPING tasks as free (the default): what the tasks it started and the STOPPING
  // ones hold, the static host ports of the STOPPING ones (their sockets stay bound), and the
  // tasks placed there that it holds in PENDING until their resources are released (FIFO).
  bool stopping_frees_ = true;
  std::vector<std::int32_t> agent_cpu_used_, agent_memory_used_, agent_gpus_used_;
  std::vector<std::vector<std::uint16_t>> stopping_tcp_, stopping_udp_;
  std::vector<std::vector<std::uint32_t>> agent_queue_;

  // Image cache: per instance, when each listed image is (or will be) present; empty until used.
  std::vector<std::vector<SimTime>> image_ready_;
  std::vector<SimTime> registry_down_until_;  // per registry: refuses pulls until then (0: up)

  // Utilization: [0] overall, then zones, then instance types; cpu and memory.
  std::vector<UtilizationSeries> cpu_series_;
  std::vector<UtilizationSeries> memory_series_;

  std::int64_t running_ = 0;
  std::int64_t starting_ = 0;
  std::int64_t waiting_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t rejected_ = 0;
  std::uint64_t events_ = 0;
  SimTime next_sample_ = 0;
  std::vector<std::uint8_t> in_outage_;  // per zone
  std::vector<std::uint32_t> type_slot_;  // scenario type -> RunResult::instance_types index
};

// ----------------------------------------------------------------------------------------------
// Setup

std::uint32_t Engine::intern_family(const std::string& family) {
  for (std::size_t f = 0; f < result_.families.size(); ++f) {
    if (result_.families[f] == family) return static_cast<std::uint32_t>(f);
  }
  result_.families.push_back(family);
  return static_cast<std::uint32_t>(result_.families.size() - 1);
}

void Engine::build_cluster() {
  const Cluster& c = scenario_.cluster;
  result_.zones = c.availability_zones;
  // Reports list only the instance types the cluster uses, in catalog (name) order.
  type_slot_.assign(scenario_.instance_types.size(), 0xFFFFFFFFu);
  for (const auto& group : c.instance_groups) type_slot_[group.instance_type] = 0;
  for (std::size_t t = 0; t < scenario_.instance_types.size(); ++t) {
    if (type_slot_[t] != 0) continue;
    type_slot_[t] = static_cast<std::uint32_t>(result_.instance_types.size());
    result_.instance_types.push_back(scenario_.instance_types[t].name);
    result_.price_microdollars_per_hour.push_back(scenario_.instance_types[t].price_microdollars_per_hour);
  }
  in_outage_.assign(c.availability_zones.size(), 0);
  cpu_series_.resize(1 + c.availability_zones.size() + result_.instance_types.size());
  memory_series_.resize(cpu_series_.size());
  std::map<SimTime, std::vector<InstanceIdx>> launch_batches;

  // Built-in attributes first, in BuiltinAttribute order.
  cluster_.intern_attribute("ecs.availability-zone");
  cluster_.intern_attribute("ecs.instance-type");
  cluster_.intern_attribute("ecs.cpu-architecture");
  cluster_.intern_attribute("ecs.os-type");

  for (std::size_t g = 0; g < c.instance_groups.size(); ++g) {
    const InstanceGroup& group = c.instance_groups[g];
    const InstanceType& type = scenario_.instance_types[group.instance_type];
    std::vector<AttributeIdx> capability_attrs;
    for (const std::string& name : group.capabilities) capability_attrs.push_back(cluster_.intern_attribute(name));
    // ecs-semantics §1.1: CPU = vCPUs x 1024; MEMORY = what the OS reports - ECS_RESERVED_MEMORY.
    const auto cpu = static_cast<std::int32_t>(type.vcpu * 1024);
    const auto memory = static_cast<std::int32_t>(type.os_memory_mib - group.reserved_memory_mib);
    // §1.3: awsvpc tasks get the type's ENI limit minus the primary ENI, or with ENI trunking
    // opted in the type's trunked task limit.
    const std::int32_t enis = group.awsvpc_trunking ? type.trunked_awsvpc_tasks : std::max(0, type.max_enis - 1);
    for (std::int32_t n = 0; n < group.count; ++n) {
      const std::uint32_t zone = group.zones[static_cast<std::size_t>(n) % group.zones.size()];
      std::vector<std::uint16_t> reserved(group.reserved_tcp_ports.begin(), group.reserved_tcp_ports.end());
      const InstanceIdx i = cluster_.add_instance(group.name + "-" + std::to_string(n + 1), zone,
                                                  group.instance_type, static_cast<std::uint32_t>(g), cpu, memory,
                                                  type.gpus, enis, std::move(reserved));
      // Attachments left for tasks: a shared (Nitro) limit already holds the root volume and the
      // primary ENI (and a trunk ENI), and counts each non-trunked awsvpc task's ENI; a
      // dedicated EBS limit holds the root volume only.
      if (type.ebs_limit_shared) {
        cluster_.set_attachments(i, type.max_ebs_attachments - 2 - (group.awsvpc_trunking ? 1 : 0), !group.awsvpc_trunking);
      } else {
        cluster_.set_attachments(i, type.max_ebs_attachments - 1, false);
      }
      cluster_.set_attribute(kAttrAvailabilityZone, i, c.availability_zones[zone]);
      cluster_.set_attribute(kAttrInstanceType, i, type.name);
      cluster_.set_attribute(kAttrCpuArchitecture, i, type.architecture);
      cluster_.set_attribute(kAttrOsType, i, group.os_type);
      for (const Attribute& a : group.attributes) {
        cluster_.set_attribute(cluster_.intern_attribute(a.name), i, a.value);
      }
      for (std::size_t k = 0; k < group.capabilities.size(); ++k) {
        cluster_.set_attribute(capability_attrs[k], i, "");
      }
      result_.instances.id.push_back(cluster_.instance_ids[i]);
      result_.instances.zone.push_back(zone);
      result_.instances.type.push_back(type_slot_[group.instance_type]);
      result_.instances.market.push_back(group.market);
      result_.instances.launched_at.push_back(0);
      result_.instances.registered_at.push_back(kNever);
      result_.instances.terminated_at.push_back(kNever);
      result_.instances.cpu_registered.push_back(cpu);
      result_.instances.memory_registered_mib.push_back(memory);
      launch_batches.emplace(group.launch_time, std::vector<InstanceIdx>{}).first->second.push_back(i);
    }
  }
  // Instances that register at the same instant are offered to waiting tasks together, so that
  // each task's own strategy chooses among them (one event per instant, InstanceIdx order).
  for (auto& [at, instances] : launch_batches) {
    queue_.push(at, kInstanceRegister, static_cast<std::uint32_t>(register_batches_.size()));
    register_batches_.push_back(std::move(instances));
  }
  image_ready_.resize(cluster_.size());
  registry_down_until_.assign(scenario_.registries.size(), 0);
  stopping_frees_ = !c.agent.stopping_tasks_hold_resources;
  if (stopping_frees_) {
    agent_cpu_used_.assign(cluster_.size(), 0);
    agent_memory_used_.assign(cluster_.size(), 0);
    agent_gpus_used_.assign(cluster_.size(), 0);
    stopping_tcp_.resize(cluster_.size());
    stopping_udp_.resize(cluster_.size());
    agent_queue_.resize(cluster_.size());
  }
}

void Engine::build_sources() {
  const auto make_source = [&](SourceKind kind, std::uint32_t index, std::uint32_t result_source, const std::string& stream_name,
                               const std::vector<StrategySpec>& strategy, const std::vector<ConstraintSpec>& constraints,
                               const std::string& group, OnPlacementFailure on_failure, const TaskDefinition* td,
                               const std::vector<StrategySpec>& fallback, const std::optional<EbsVolumeConfig>& ebs) {
    Source s{kind,
             index,
             result_source,
             nullptr,
             cluster_.intern_group(group),
             on_failure,
             td,
             td != nullptr ? intern_family(td->family) : 0,
             RandomStream(scenario_.seed, stream_name + "/arrival"),
             RandomStream(scenario_.seed, stream_name + "/runtime"),
             0,
             0,
             td != nullptr ? td->reserved : Resources{},
             0};
    if (td != nullptr) {
      s.tcp_ports = &td->tcp_host_ports;
      s.udp_ports = &td->udp_host_ports;
    }
    PlacementPolicy policy;
    policy.strategy = strategy.empty() ? fallback : strategy;
    policy.constraints = constraints;
    // ECS applies the task definition's memberOf expressions with the request's; all must hold.
    if (td != nullptr) {
      for (const std::string& expression : td->member_of) policy.constraints.push_back({"memberOf", expression});
      policy.required_attributes = td->required_attributes;
    }
    policy.group = s.group;
    if (ebs) {
      // A task-attached EBS volume: one attachment, the volume's zone if it is bound to one.
      s.need.ebs_volumes = 1;
      s.attach_latency = ebs->attach_latency;
      if (ebs->zone >= 0) policy.required_zone = scenario_.cluster.availability_zones[static_cast<std::size_t>(ebs->zone)];
    }
    s.placer = factory_.make(policy, cluster_);
    sources_.push_back(std::move(s));
  };

  // Every task group is interned before any placer is built, in the order the sources below
  // take them (so the indices do not change): a memberOf `task:group =~ ...` compiled for one
  // source sees the groups of all of them.
  for (const Service& svc : scenario_.services) cluster_.intern_group("service:" + svc.name);
  for (const Job& job : scenario_.jobs) cluster_.intern_group(job.group);
  for (const Trace& trace : scenario_.traces) {
    for (const std::string& group : trace.groups) cluster_.intern_group(group);
  }

  // ECS's service default without a strategy (ecs-semantics §5.1): spread over zones, then the
  // instance with the fewest tasks of the service.
  const std::vector<StrategySpec> service_default = service_default_strategy();
  // RunResult sources: services, jobs, traces, in scenario order. Engine sources: one per task
  // definition a service may run (its own and its deployments', by index), then one per job,
  // then one per task group of each trace.
  for (std::size_t k = 0; k < scenario_.services.size(); ++k) {
    const Service& svc = scenario_.services[k];
    const bool daemon = svc.scheduling_strategy == SchedulingStrategy::kDaemon;
    result_.sources.push_back({svc.name, SourceKind::kService,
                               daemon ? std::string("daemon") : strategy_label(svc.strategy.empty() ? service_default : svc.strategy)});
  }
  for (const Job& job : scenario_.jobs) {
    result_.sources.push_back({job.name, SourceKind::kJob,
                               strategy_label(job.strategy.empty() ? scenario_.default_strategy : job.strategy)});
  }
  for (const Trace& trace : scenario_.traces) {
    result_.sources.push_back({trace.file, SourceKind::kTrace,
                               strategy_label(trace.strategy.empty() ? scenario_.default_strategy : trace.strategy)});
  }
  for (std::size_t k = 0; k < scenario_.services.size(); ++k) {
    const Service& svc = scenario_.services[k];
    std::vector<std::uint32_t> definitions = {svc.task_definition};
    for (const ScenarioEvent& ev : scenario_.events) {
      if (ev.type == EventType::kDeploy && ev.service == k) definitions.push_back(ev.task_definition);
    }
    std::sort(definitions.begin(), definitions.end());
    definitions.erase(std::unique(definitions.begin(), definitions.end()), definitions.end());
    first_service_source_.push_back(static_cast<std::uint32_t>(sources_.size()));
    for (const std::uint32_t d : definitions) {
      const TaskDefinition& td = scenario_.task_definitions[d];
      make_source(SourceKind::kService, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k), "service:" + svc.name,
                  svc.strategy, svc.constraints, "service:" + svc.name, OnPlacementFailure::kWait, &td, service_default,
                  svc.ebs_volume);
    }
  }
  first_service_source_.push_back(static_cast<std::uint32_t>(sources_.size()));
  if (!scenario_.services.empty()) queue_.push(0, kServiceStart, 0);
  first_job_source_ = static_cast<std::uint32_t>(sources_.size());
  for (std::size_t k = 0; k < scenario_.jobs.size(); ++k) {
    const Job& job = scenario_.jobs[k];
    const TaskDefinition& td = scenario_.task_definitions[job.task_definition];
    make_source(SourceKind::kJob, static_cast<std::uint32_t>(k),
                static_cast<std::uint32_t>(scenario_.services.size() + k), "job:" + job.name, job.strategy,
                job.constraints, job.group, job.on_failure, &td, scenario_.default_strategy, job.ebs_volume);
    schedule_next_job_arrival(static_cast<std::uint32_t>(k), -1);
  }
  for (std::size_t k = 0; k < scenario_.traces.size(); ++k) {
    const Trace& trace = scenario_.traces[k];
    // A trace's records carry their own task groups, and spread and distinctInstance count
    // within a group: one source (one placer) per group of the trace.
    trace_first_source_.push_back(static_cast<std::uint32_t>(sources_.size()));
    trace_cursor_.push_back(0);
    for (const std::string& group : trace.groups) {
      make_source(SourceKind::kTrace, static_cast<std::uint32_t>(k),
                  static_cast<std::uint32_t>(scenario_.services.size() + scenario_.jobs.size() + k),
                  "trace:" + std::to_string(k), trace.strategy, {},
                  group, trace.on_failure, nullptr, scenario_.default_strategy, std::nullopt);
    }
    TraceStats stats;
    stats.file = trace.file;
    stats.format = trace.format;
    stats.records_read = trace.records_read;
    stats.records_skipped = trace.records_skipped;
    for (const TraceTask& t : trace.tasks) {
      stats.offered_cpu_unit_seconds += static_cast<double>(t.need.cpu) * to_seconds(t.runtime);
    }
    result_.traces.push_back(std::move(stats));
    if (!trace.tasks.empty()) queue_.push(trace.tasks[0].submit, kTraceArrival, static_cast<std::uint32_t>(k));
  }
  for (std::size_t k = 0; k < scenario_.events.size(); ++k) {
    const ScenarioEvent& ev = scenario_.events[k];
    queue_.push(ev.at, ev.type == EventType::kAzOutage ? kOutageBegin : kScenarioEvent, static_cast<std::uint32_t>(k));
  }
}

// ----------------------------------------------------------------------------------------------
// Arrivals

void Engine::schedule_next_job_arrival(std::uint32_t job, SimTime after) {
  const Job& j = scenario_.jobs[job];
  Source& s = sources_[first_job_source_ + job];
  const ArrivalSpec& a = j.arrival;
  if (a.count >= 0 && s.submitted >= a.count) return;
  SimTime next = kNever;
  switch (a.kind) {
    case ArrivalSpec::Kind::kPoisson: {
      const SimTime base = after < 0 ? a.start : after;
      const double gap_s = s.arrival_rng.exponential(1.0 / a.rate_per_second);
      const double gap_us = std::round(gap_s * static_cast<double>(kSecond));
      // A gap beyond the run is as good as never.
      next = gap_us >= 9.0e18 - static_cast<double>(base) ? kNever : base + static_cast<SimTime>(gap_us);
      break;
    }
    case ArrivalSpec::Kind::kFixed:
      next = after < 0 ? a.start : after + a.interval;
      break;
    case ArrivalSpec::Kind::kList:
      while (s.cursor < a.at.size() && a.at[s.cursor] < a.start) ++s.cursor;
      if (s.cursor < a.at.size()) next = a.at[s.cursor++];
      break;
  }
  if (next == kNever || next >= a.end || next >= scenario_.duration) return;
  queue_.push(next, kJobArrival, job);
}

SimTime Engine::draw_runtime(Source& s, const RuntimeSpec& spec) {
  double us = 0;
  switch (spec.kind) {
    case RuntimeSpec::Kind::kConstant:
      return spec.value;
    case RuntimeSpec::Kind::kExponential:
      us = s.runtime_rng.exponential(static_cast<double>(spec.mean));
      break;
    case RuntimeSpec::Kind::kLognormal:
      us = s.runtime_rng.lognormal_median_p90(static_cast<double>(spec.median), static_cast<double>(spec.p90));
      break;
    case RuntimeSpec::Kind::kUniform:
      us = s.runtime_rng.uniform(static_cast<double>(spec.min), static_cast<double>(spec.max));
      break;
    case RuntimeSpec::Kind::kEmpirical:
      return spec.samples[s.runtime_rng.uniform_index(spec.samples.size())];
  }
  if (!(us < 9.0e18)) return kNever;
  return std::max<SimTime>(0, static_cast<SimTime>(std::round(us)));
}

void Engine::on_job_arrival(std::uint32_t job) {
  const Job& j = scenario_.jobs[job];
  const std::uint32_t source = first_job_source_ + job;
  Source& s = sources_[source];
  // The runtime is drawn at submission, from the job's own stream, so that it does not depend on
  // where or when the task is placed: two strategies see the same tasks (common random numbers).
  const SimTime runtime = draw_runtime(s, j.runtime);
  ++s.submitted;
  const std::uint32_t task = submit(source, s.need, runtime, s.family, s.task_definition->revision);
  try_place(task);
  schedule_next_job_arrival(job, now_);
}

void Engine::on_trace_arrival(std::uint32_t trace) {
  const Trace& t = scenario_.traces[trace];
  std::uint64_t& cursor = trace_cursor_[trace];
  const TraceTask& rec = t.tasks[cursor++];
  const std::uint32_t source = trace_first_source_[trace] + rec.group;
  const std::uint32_t family = intern_family(t.families[rec.family]);
  const std::uint32_t task = submit(source, rec.need, rec.runtime, family, 1);
  try_place(task);
  if (cursor < t.tasks.size() && t.tasks[cursor].submit < scenario_.duration) {
    queue_.push(t.tasks[cursor].submit, kTraceArrival, trace);
  }
}

std::uint32_t Engine::service_source(std::uint32_t service, std::uint32_t task_definition) const {
  for (std::uint32_t src = first_service_source_[service]; src < first_service_source_[service + 1]; ++src) {
    if (sources_[src].task_definition == &scenario_.task_definitions[task_definition]) return src;
  }
  assert(false && "a service's task definitions all have sources");
  return first_service_source_[service];
}

std::uint32_t Engine::launch(std::uint32_t service, std::uint32_t task_definition, SimTime runtime, bool fails_to_start,
                             InstanceIdx instance) {
  const std::uint32_t source = service_source(service, task_definition);
  const Source& s = sources_[source];
  const std::uint32_t task = submit(source, s.need, fails_to_start ? kFailsToStart : runtime, s.family,
                                    s.task_definition->revision);
  if (instance == kNoInstance) {
    try_place(task);
    return task;
  }
  // A DAEMON's task for one instance: the scheduler checked that it admits it.
  ++result_.placements;
  place_on(task, instance);
  return task;
}

FailureReason Engine::admits(std::uint32_t service, std::uint32_t task_definition, InstanceIdx i) {
  const std::uint32_t source = service_source(service, task_definition);
  Source& s = sources_[source];
  PlacementRequest req;
  req.task = 0xFFFFFFFFu;
  req.need = &s.need;
  req.tcp_ports = s.tcp_ports;
  req.udp_ports = s.udp_ports;
  req.group = s.group;
  if (s.placer->admits(req, cluster_, i)) return FailureReason::kNone;
  // Which check failed, as the explanation counts it: resources or constraints.
  PlacementExplanation why;
  s.placer->explain(req, cluster_, placement_rng_, why);
  for (std::size_t k = 0; k < why.considered.size(); ++k) {
    if (why.considered[k] == i) return why.first_failure[k];
  }
  return FailureReason::kMissing;
}

void Engine::stop(std::uint32_t task) {
  switch (task_state_[task]) {
    case TaskState::kProvisioning: {
      // Still waiting to be placed: the scheduler cancels it.
      WaitQueue& wq = wait_queues_[task_queue_[task]];
      wq.tasks.erase(std::find(wq.tasks.begin(), wq.tasks.end(), task));
      if (wq.tasks.empty()) {
        nonempty_queues_.erase(std::find(nonempty_queues_.begin(), nonempty_queues_.end(), task_queue_[task]));
      }
      --waiting_;
      task_state_[task] = TaskState::kRejected;
      result_.tasks.rejected[task] = 1;
      result_.tasks.stopped_at[task] = now_;
      result_.tasks.stop_code[task] = StopCode::kServiceSchedulerInitiated;
      ++rejected_;
      return;
    }
    case TaskState::kPending: {
      const InstanceIdx i = result_.tasks.instance[task];
      kill(task, StopCode::kServiceSchedulerInitiated);
      agent_drain(i);
      retry_waiting_on(i);
      return;
    }
    case TaskState::kRunning:
      begin_stopping(task, StopCode::kServiceSchedulerInitiated);
      return;
    default:
      return;
  }
}

// ----------------------------------------------------------------------------------------------
// Tasks

std::uint32_t Engine::submit(std::uint32_t source, const Resources& need, SimTime runtime, std::uint32_t family,
                             std::int32_t revision) {
  const auto task = static_cast<std::uint32_t>(task_source_.size());
  const Source& s = sources_[source];
  task_source_.push_back(source);
  task_need_.push_back(need);
  task_runtime_.push_back(runtime);
  task_state_.push_back(TaskState::kProvisioning);
  task_generation_.push_back(0);
  task_queue_.push_back(0xFFFFFFFFu);
  task_admitted_.push_back(0);
  TaskRecords& r = result_.tasks;
  r.source.push_back(s.result_source);
  r.family.push_back(family);
  r.revision.push_back(revision);
  r.group.push_back(s.group);
  r.instance.push_back(kNoInstance);
  r.submitted_at.push_back(now_);
  r.placed_at.push_back(kNever);
  r.started_at.push_back(kNever);
  r.stopped_at.push_back(kNever);
  r.stop_code.push_back(StopCode::kNone);
  r.failure_reason.push_back(FailureReason::kNone);
  r.rejected.push_back(0);
  r.cpu.push_back(need.cpu);
  r.memory_mib.push_back(need.memory_mib);
  return task;
}

PlacementRequest Engine::request_for(std::uint32_t task) const {
  const Source& s = sources_[task_source_[task]];
  PlacementRequest req;
  req.task = task;
  req.need = &task_need_[task];
  if (s.task_definition != nullptr) {
    req.tcp_ports = &s.task_definition->tcp_host_ports;
    req.udp_ports = &s.task_definition->udp_host_ports;
  }
  req.group = result_.tasks.group[task];
  return req;
}

std::uint32_t Engine::queue_for(std::uint32_t source, const Resources& need) {
  const auto key = std::make_tuple(source, need.cpu, need.memory_mib, need.gpus, need.enis, need.ebs_volumes);
  const auto it = queue_index_.find(key);
  if (it != queue_index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(wait_queues_.size());
  wait_queues_.push_back(WaitQueue{source, need, {}, FailureReason::kNone});
  queue_index_.emplace(key, id);
  return id;
}

void Engine::try_place(std::uint32_t task) {
  const std::uint32_t source = task_source_[task];
  Source& s = sources_[source];
  const std::uint32_t q = queue_for(source, task_need_[task]);
  WaitQueue& wq = wait_queues_[q];
  ++result_.placements;
  if (!wq.tasks.empty()) {
    // Queue-mates waiting: no instance admits this shape (see the invariants above).
    result_.tasks.failure_reason[task] = wq.last_reason;
    ++result_.placement_failures[static_cast<std::size_t>(wq.last_reason)];
    if (explain_ != nullptr) [[unlikely]] {
      explain_without_placer(PlacementAttempt::Kind::kQueued, task, {kNoInstance, wq.last_reason}, &wq);
    }
    wq.tasks.push_back(task);
    task_queue_[task] = q;
    ++waiting_;
    return;
  }
  const PlacementRequest request = request_for(task);
  const bool explained = explain_ != nullptr && explain_->wants(task);
  if (explained) [[unlikely]] {
    // Explained on a copy of the stream, before place() changes anything.
    s.placer->explain(request, cluster_, placement_rng_, explanation_);
  }
  const PlacementDecision d = s.placer->place(request, cluster_, placement_rng_);
  if (explained) [[unlikely]] {
    PlacementAttempt a;
    a.time = now_;
    a.task = task;
    a.request = &request;
    a.decision = d;
    a.explanation = &explanation_;
    explain_->attempt(a, cluster_, result_);
  }
  if (d.instance != kNoInstance) {
    place_on(task, d.instance);
    return;
  }
  result_.tasks.failure_reason[task] = d.reason;
  ++result_.placement_failures[static_cast<std::size_t>(d.reason)];
  if (s.on_failure == OnPlacementFailure::kFail) {
    task_state_[task] = TaskState::kRejected;
    result_.tasks.rejected[task] = 1;
    ++rejected_;
    return;
  }
  wq.last_reason = d.reason;
  wq.tasks.push_back(task);
  nonempty_queues_.push_back(q);
  task_queue_[task] = q;
  ++waiting_;
}

bool Engine::pull_refused(InstanceIdx i, const TaskDefinition& td) const {
  for (const std::uint32_t image : td.images) {
    const Image& img = scenario_.images[image];
    if (registry_down_until_[img.registry] <= now_) continue;
    const auto& cache = image_ready_[i];
    const bool cached = !cache.empty() && cache[image] != kNever;
    if (!cached || scenario_.cluster.agent.image_pull_behavior == ImagePullBehavior::kAlways) return true;
  }
  return false;
}

SimTime Engine::image_ready_at(InstanceIdx i, const TaskDefinition& td) {
  SimTime ready = now_;
  if (td.images.empty()) return ready;
  auto& cache = image_ready_[i];
  if (cache.empty()) cache.assign(scenario_.images.size(), kNever);
  for (const std::uint32_t image : td.images) {
    const Image& img = scenario_.images[image];
    const Registry& reg = scenario_.registries[img.registry];
    SimTime at;
    if (cache[image] == kNever) {
      // First use on this instance: a full pull at the registry's bandwidth. Concurrent pulls do
      // not share bandwidth (one pull per image per instance; later tasks wait for it).
      const double seconds = static_cast<double>(img.size_mib) * 1048576.0 / static_cast<double>(reg.pull_bytes_per_second);
      at = now_ + reg.latency + static_cast<SimTime>(std::llround(seconds * static_cast<double>(kSecond)));
      cache[image] = at;
    } else if (cache[image] > now_) {
      at = cache[image];  // a pull in progress
    } else {
      // Cached. `default` and `always` still ask the registry (a manifest round trip);
      // `once` and `prefer-cached` start from the cache (ecs-semantics §1.6).
      const ImagePullBehavior b = scenario_.cluster.agent.image_pull_behavior;
      at = (b == ImagePullBehavior::kDefault || b == ImagePullBehavior::kAlways) ? now_ + reg.latency : now_;
    }
    ready = std::max(ready, at);
  }
  return ready;
}

void Engine::change_reserved(InstanceIdx i, std::int64_t cpu, std::int64_t memory) {
  const std::size_t zone = 1 + cluster_.zone[i];
  const std::size_t type = 1 + scenario_.cluster.availability_zones.size() + type_slot_[cluster_.type[i]];
  for (const std::size_t s : {std::size_t{0}, zone, type}) {
    cpu_series_[s].change(now_, cpu, 0);
    memory_series_[s].change(now_, memory, 0);
  }
}

void Engine::change_registered(InstanceIdx i, std::int64_t cpu, std::int64_t memory) {
  const std::size_t zone = 1 + cluster_.zone[i];
  const std::size_t type = 1 + scenario_.cluster.availability_zones.size() + type_slot_[cluster_.type[i]];
  for (const std::size_t s : {std::size_t{0}, zone, type}) {
    cpu_series_[s].change(now_, 0, cpu);
    memory_series_[s].change(now_, 0, memory);
  }
}

void Engine::place_on(std::uint32_t task, InstanceIdx i) {
  const Resources& need = task_need_[task];
  cluster_.reserve(i, need, tcp_ports_of(task), udp_ports_of(task), result_.tasks.group[task]);
  change_reserved(i, need.cpu, need.memory_mib);
  task_state_[task] = TaskState::kPending;
  result_.tasks.instance[task] = i;
  result_.tasks.placed_at[task] = now_;
  ++starting_;
  agent_accept(task, i);
}

// ----------------------------------------------------------------------------------------------
// The agent

bool Engine::agent_fits(std::uint32_t task, InstanceIdx i) const {
  const Resources& need = task_need_[task];
  return agent_cpu_used_[i] + need.cpu <= cluster_.registered_cpu[i] &&
         agent_memory_used_[i] + need.memory_mib <= cluster_.registered_memory_mib[i] &&
         agent_gpus_used_[i] + need.gpus <= cluster_.registered_gpus[i] &&
         !sorted_overlap(tcp_ports_of(task), stopping_tcp_[i]) && !sorted_overlap(udp_ports_of(task), stopping_udp_[i]);
}

void Engine::agent_accept(std::uint32_t task, InstanceIdx i) {
  if (!stopping_frees_) {
    // Before 2023 the control plane never placed onto resources a STOPPING task held: the
    // agent's ledger is the control plane's, and every placed task starts at once.
    agent_start(task, i);
    return;
  }
  if (agent_queue_[i].empty() && agent_fits(task, i)) {
    agent_start(task, i);
  } else {
    agent_queue_[i].push_back(task);
  }
}

void Engine::agent_start(std::uint32_t task, InstanceIdx i) {
  const Source& s = sources_[task_source_[task]];
  task_admitted_[task] = 1;
  if (stopping_frees_) {
    const Resources& need = task_need_[task];
    agent_cpu_used_[i] += need.cpu;
    agent_memory_used_[i] += need.memory_mib;
    agent_gpus_used_[i] += need.gpus;
  }
  SimTime ready = now_;
  if (s.task_definition != nullptr) {
    if (pull_refused(i, *s.task_definition)) [[unlikely]] {
      // CannotPullContainerError: the task stops with TaskFailedToStart after the attempt
      // (ecs-semantics §1.6: `default` starts from a cached image, `always` fails).
      task_runtime_[task] = kFailsToStart;
      SimTime latency = 0;
      for (const std::uint32_t image : s.task_definition->images) {
        latency = std::max(latency, scenario_.registries[scenario_.images[image].registry].latency);
      }
      ready = now_ + latency;
    } else {
      ready = image_ready_at(i, *s.task_definition);
    }
  }
  ready = std::max(ready, now_ + s.attach_latency);
  queue_.push(ready + scenario_.cluster.agent.task_start_latency, kTaskRunning, task, task_generation_[task]);
}

void Engine::agent_release(std::uint32_t task, InstanceIdx i) {
  if (!stopping_frees_) return;
  const Resources& need = task_need_[task];
  agent_cpu_used_[i] -= need.cpu;
  agent_memory_used_[i] -= need.memory_mib;
  agent_gpus_used_[i] -= need.gpus;
}

void Engine::agent_drain(InstanceIdx i) {
  if (!stopping_frees_) return;
  // FIFO, as the agent's waitingTaskQueue: the head blocks those behind it.
  auto& q = agent_queue_[i];
  std::size_t started = 0;
  while (started < q.size() && agent_fits(q[started], i)) {
    agent_start(q[started], i);
    ++started;
  }
  q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(started));
}

void Engine::explain_without_placer(PlacementAttempt::Kind kind, std::uint32_t task, PlacementDecision d,
                                    const WaitQueue* queue) {
  if (!explain_->wants(task)) return;
  const PlacementRequest request = request_for(task);
  PlacementAttempt a;
  a.kind = kind;
  a.time = now_;
  a.task = task;
  a.request = &request;
  a.decision = d;
  if (queue != nullptr) {
    a.queue_head = queue->tasks.front();
    a.queue_length = queue->tasks.size();
  }
  explain_->attempt(a, cluster_, result_);
}

void Engine::retry_waiting_on(InstanceIdx i) {
  if (cluster_.schedulable[i] == 0) return;
  // Oldest waiting task first (task numbers are submission order), among queue heads that the
  // instance admits; repeat until none fits.
  for (;;) {
    std::size_t best_slot = nonempty_queues_.size();
    std::uint32_t best_task = 0xFFFFFFFFu;
    for (std::size_t slot = 0; slot < nonempty_queues_.size(); ++slot) {
      WaitQueue& wq = wait_queues_[nonempty_queues_[slot]];
      const std::uint32_t head = wq.tasks.front();
      if (head >= best_task) continue;
      if (sources_[wq.source].placer->admits(request_for(head), cluster_, i)) {
        best_task = head;
        best_slot = slot;
      }
    }
    if (best_slot == nonempty_queues_.size()) return;
    const std::uint32_t q = nonempty_queues_[best_slot];
    WaitQueue& wq = wait_queues_[q];
    wq.tasks.pop_front();
    if (wq.tasks.empty()) {
      nonempty_queues_[best_slot] = nonempty_queues_.back();
      nonempty_queues_.pop_back();
    }
    --waiting_;
    ++result_.placements;
    if (explain_ != nullptr) [[unlikely]] {
      explain_without_placer(PlacementAttempt::Kind::kRetry, best_task, {i, FailureReason::kNone}, nullptr);
    }
    place_on(best_task, i);
  }
}

void Engine::on_task_running(std::uint32_t task) {
  const SimTime runtime = task_runtime_[task];
  if (runtime == kFailsToStart) [[unlikely]] {
    // It never reaches RUNNING: STOPPED with TaskFailedToStart (ecs-semantics §4).
    const InstanceIdx i = result_.tasks.instance[task];
    kill(task, StopCode::kTaskFailedToStart);
    agent_drain(i);
    retry_waiting_on(i);
    notify_lost(task, true);
    return;
  }
  task_state_[task] = TaskState::kRunning;
  result_.tasks.started_at[task] = now_;
  --starting_;
  ++running_;
  ++cluster_.running_count[result_.tasks.instance[task]];
  if (runtime != kNever && runtime < scenario_.duration - now_) {
    queue_.push(now_ + runtime, kTaskStopBegin, task, task_generation_[task]);
  }
  if (sources_[task_source_[task]].kind == SourceKind::kService) services_.on_running(task);
}

void Engine::on_task_stop_begin(std::uint32_t task) {
  // The essential container exited: the agent stops the task (ecs-semantics §2.3).
  begin_stopping(task, StopCode::kEssentialContainerExited);
  notify_lost(task, false);
}

void Engine::begin_stopping(std::uint32_t task, StopCode code) {
  const InstanceIdx i = result_.tasks.instance[task];
  task_state_[task] = TaskState::kStopping;
  result_.tasks.stop_code[task] = code;
  --running_;
  --cluster_.running_count[i];
  queue_.push(now_ + scenario_.cluster.agent.task_stop_latency, kTaskStopped, task, task_generation_[task]);
  if (stopping_frees_) {
    // The control plane counts the STOPPING task's resources as free (ecs-semantics §1.7);
    // its static ports stay bound on the agent until it has stopped.
    const Resources& need = task_need_[task];
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), result_.tasks.group[task],
                     ClusterState::ReleasePart::kAtStopping);
    change_reserved(i, -need.cpu, -need.memory_mib);
    if (!tcp_ports_of(task).empty()) insert_sorted(stopping_tcp_[i], tcp_ports_of(task));
    if (!udp_ports_of(task).empty()) insert_sorted(stopping_udp_[i], udp_ports_of(task));
    retry_waiting_on(i);
  }
}

// Gives back what the task holds, on both ledgers. REQUIRES: the task was placed and holds
// resources (PENDING, RUNNING or STOPPING), and task_state_ still says which.
void Engine::release(std::uint32_t task) {
  const InstanceIdx i = result_.tasks.instance[task];
  const Resources& need = task_need_[task];
  const bool stopping = task_state_[task] == TaskState::kStopping;
  if (stopping && stopping_frees_) {
    // The control plane freed all but its attachments when it began stopping.
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), result_.tasks.group[task],
                     ClusterState::ReleasePart::kAtStopped);
    if (!tcp_ports_of(task).empty()) erase_sorted(stopping_tcp_[i], tcp_ports_of(task));
    if (!udp_ports_of(task).empty()) erase_sorted(stopping_udp_[i], udp_ports_of(task));
  } else {
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), result_.tasks.group[task]);
    change_reserved(i, -need.cpu, -need.memory_mib);
  }
  if (task_admitted_[task] != 0) {
    agent_release(task, i);
  } else if (stopping_frees_) {
    auto& q = agent_queue_[i];
    q.erase(std::find(q.begin(), q.end(), task));
  }
}

void Engine::on_task_stopped(std::uint32_t task) {
  const InstanceIdx i = result_.tasks.instance[task];
  release(task);
  task_state_[task] = TaskState::kStopped;
  result_.tasks.stopped_at[task] = now_;
  ++completed_;
  agent_drain(i);
  // Before 2023 everything frees now; since, only the attachments (ENI, EBS) do.
  if (!stopping_frees_ || task_need_[task].enis != 0 || task_need_[task].ebs_volumes != 0) retry_waiting_on(i);
}

// Stops a task at once (its instance went away): no stop latency, resources released now.
void Engine::kill(std::uint32_t task, StopCode code) {
  const InstanceIdx i = result_.tasks.instance[task];
  switch (task_state_[task]) {
    case TaskState::kPending:
      --starting_;
      if (code != StopCode::kServiceSchedulerInitiated) code = StopCode::kTaskFailedToStart;
      break;
    case TaskState::kRunning:
      --running_;
      --cluster_.running_count[i];
      break;
    case TaskState::kStopping:
      code = result_.tasks.stop_code[task];
      break;
    default:
      return;
  }
  ++task_generation_[task];  // cancels the task's scheduled events
  release(task);
  task_state_[task] = TaskState::kStopped;
  result_.tasks.stopped_at[task] = now_;
  result_.tasks.stop_code[task] = code;
}

// ----------------------------------------------------------------------------------------------
// Instances and events

void Engine::on_instance_register(std::uint32_t batch) {
  std::vector<InstanceIdx> joined;
  for (const InstanceIdx i : register_batches_[batch]) {
    if (in_outage_[cluster_.zone[i]] != 0) continue;  // registers when the zone comes back
    cluster_.registered_at[i] = now_;
    result_.instances.registered_at[i] = now_;
    cluster_.set_schedulable(i, true);
    change_registered(i, cluster_.registered_cpu[i], cluster_.registered_memory_mib[i]);
    joined.push_back(i);
  }
  // DAEMON tasks go first on a new instance (ecs-semantics §5.1), then waiting tasks.
  if (!joined.empty()) services_.on_instances_joined(joined);
  offer_joined(joined);
}

void Engine::offer_joined(const std::vector<InstanceIdx>& joined) {
  if (joined.empty()) return;
  if (joined.size() == 1) {
    retry_waiting_on(joined[0]);
    return;
  }
  // Several instances joined at once. Offering them one at a time would give every waiting task
  // to the first that admits it; instead each waiting task, oldest first, gets a full placement
  // attempt, so that its own strategy chooses among all of them. A queue whose head finds no
  // instance is done for this offer (its tasks have the same shape and policy).
  std::vector<std::uint8_t> done(wait_queues_.size(), 0);
  for (;;) {
    std::size_t best_slot = nonempty_queues_.size();
    std::uint32_t best_task = 0xFFFFFFFFu;
    for (std::size_t slot = 0; slot < nonempty_queues_.size(); ++slot) {
      const std::uint32_t q = nonempty_queues_[slot];
      if (done[q] != 0) continue;
      const std::uint32_t head = wait_queues_[q].tasks.front();
      if (head < best_task) {
        best_task = head;
        best_slot = slot;
      }
    }
    if (best_slot == nonempty_queues_.size()) return;
    const std::uint32_t q = nonempty_queues_[best_slot];
    Source& s = sources_[task_source_[best_task]];
    const PlacementRequest request = request_for(best_task);
    const bool explained = explain_ != nullptr && explain_->wants(best_task);
    if (explained) [[unlikely]] s.placer->explain(request, cluster_, placement_rng_, explanation_);
    const PlacementDecision d = s.placer->place(request, cluster_, placement_rng_);
    if (explained) [[unlikely]] {
      PlacementAttempt a;
      a.time = now_;
      a.task = best_task;
      a.request = &request;
      a.decision = d;
      a.explanation = &explanation_;
      explain_->attempt(a, cluster_, result_);
    }
    if (d.instance == kNoInstance) {
      done[q] = 1;
      wait_queues_[q].last_reason = d.reason;
      continue;
    }
    WaitQueue& wq = wait_queues_[q];
    wq.tasks.pop_front();
    if (wq.tasks.empty()) {
      nonempty_queues_[best_slot] = nonempty_queues_.back();
      nonempty_queues_.pop_back();
    }
    --waiting_;
    ++result_.placements;
    place_on(best_task, d.instance);
  }
}

void Engine::on_outage(std::uint32_t event, bool begin) {
  const ScenarioEvent& ev = scenario_.events[event];
  in_outage_[ev.zone] = begin ? 1 : 0;
  if (begin) {
    // Instances in the zone disconnect: no new placements, and their tasks are lost
    // (ecsim's choice of stop code: TerminationNotice for tasks that were RUNNING).
    mark("azOutage " + scenario_.cluster.availability_zones[ev.zone]);
    std::vector<std::uint32_t> lost;
    for (std::uint32_t task = 0; task < task_state_.size(); ++task) {
      const TaskState st = task_state_[task];
      if (st != TaskState::kPending && st != TaskState::kRunning && st != TaskState::kStopping) continue;
      const InstanceIdx i = result_.tasks.instance[task];
      if (cluster_.zone[i] != ev.zone) continue;
      kill(task, StopCode::kTerminationNotice);
      lost.push_back(task);
    }
    for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
      if (cluster_.zone[i] != ev.zone || cluster_.schedulable[i] == 0) continue;
      cluster_.set_schedulable(i, false);
      change_registered(i, -cluster_.registered_cpu[i], -cluster_.registered_memory_mib[i]);
    }
    // The service scheduler replaces what it lost, elsewhere if it can.
    services_.on_instances_left();
    for (const std::uint32_t task : lost) notify_lost(task, false);
    if (ev.duration != kNever && ev.duration < scenario_.duration - now_) {
      queue_.push(now_ + ev.duration, kOutageEnd, event);
    }
  } else {
    std::vector<InstanceIdx> joined;
    for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
      if (cluster_.zone[i] != ev.zone || cluster_.schedulable[i] != 0) continue;
      if (result_.instances.registered_at[i] == kNever && i < cluster_.size()) {
        // Launched during the outage: registers now if its launch time has passed.
        const InstanceGroup& g = scenario_.cluster.instance_groups[cluster_.group[i]];
        if (g.launch_time > now_) continue;
        result_.instances.registered_at[i] = now_;
        cluster_.registered_at[i] = now_;
      }
      cluster_.set_schedulable(i, true);
      change_registered(i, cluster_.registered_cpu[i], cluster_.registered_memory_mib[i]);
      joined.push_back(i);
    }
    mark("azOutage " + scenario_.cluster.availability_zones[ev.zone] + " ends");
    if (!joined.empty()) services_.on_instances_joined(joined);
    offer_joined(joined);
  }
}

void Engine::on_scenario_event(std::uint32_t event) {
  const ScenarioEvent& ev = scenario_.events[event];
  switch (ev.type) {
    case EventType::kDeploy:
      services_.on_deploy(ev);
      return;
    case EventType::kScale:
      services_.on_scale(ev);
      return;
    case EventType::kRegistryOutage:
      mark("registryOutage " + scenario_.registries[ev.registry].name);
      registry_down_until_[ev.registry] = ev.duration == kNever ? kNever : now_ + ev.duration;
      return;
    case EventType::kAzOutage:
      return;
  }
}

void Engine::take_sample(SimTime t) {
  services_.sample(t);
  Sample s;
  s.time = t;
  s.running = running_;
  s.pending = waiting_;
  s.starting = starting_;
  s.instances = static_cast<std::int64_t>(cluster_.schedulable_list.size());
  s.cpu_reserved = cpu_series_[0].reserved();
  s.cpu_registered = cpu_series_[0].registered();
  s.memory_reserved_mib = memory_series_[0].reserved();
  s.memory_registered_mib = memory_series_[0].registered();
  s.submitted = static_cast<std::int64_t>(task_source_.size());
  s.completed = completed_;
  s.failed_to_place = rejected_;
  result_.samples.push_back(s);
  const std::size_t zones = scenario_.cluster.availability_zones.size();
  for (std::size_t z = 0; z < zones; ++z) {
    result_.zone_cpu_reserved.push_back(cpu_series_[1 + z].reserved());
    result_.zone_cpu_registered.push_back(cpu_series_[1 + z].registered());
    result_.zone_memory_reserved.push_back(memory_series_[1 + z].reserved());
    result_.zone_memory_registered.push_back(memory_series_[1 + z].registered());
  }
  for (std::size_t k = 0; k < result_.instance_types.size(); ++k) {
    result_.type_cpu_reserved.push_back(cpu_series_[1 + zones + k].reserved());
    result_.type_cpu_registered.push_back(cpu_series_[1 + zones + k].registered());
    result_.type_memory_reserved.push_back(memory_series_[1 + zones + k].reserved());
    result_.type_memory_registered.push_back(memory_series_[1 + zones + k].registered());
  }
}

void Engine::dispatch(const Event& e) {
  switch (static_cast<EventKind>(e.kind)) {
    case kInstanceRegister: on_instance_register(e.target); break;
    case kJobArrival: on_job_arrival(e.target); break;
    case kTraceArrival: on_trace_arrival(e.target); break;
    case kServiceStart: services_.start(); break;
    case kTaskRunning: on_task_running(e.target); break;
    case kTaskStopBegin: on_task_stop_begin(e.target); break;
    case kTaskStopped: on_task_stopped(e.target); break;
    case kSample:
      take_sample(e.time);
      next_sample_ = e.time + scenario_.sample_interval;
      if (next_sample_ < scenario_.duration) queue_.push(next_sample_, kSample, 0);
      break;
    case kOutageBegin: on_outage(e.target, true); break;
    case kOutageEnd: on_outage(e.target, false); break;
    case kScenarioEvent: on_scenario_event(e.target); break;
    case kServiceTimer: services_.on_timer(e.generation, e.target); break;
  }
}

bool is_task_event(std::uint16_t kind) {
  return kind == kTaskRunning || kind == kTaskStopBegin || kind == kTaskStopped;
}

RunResult Engine::run() {
  result_.scenario = scenario_.name;
  result_.seed = scenario_.seed;
  result_.strategy = scenario_.strategy_label;
  result_.duration = scenario_.duration;
  result_.sample_interval = scenario_.sample_interval;

  queue_.reserve(1024);
  // The first sample is scheduled before anything else, so each sample at time t sees the state
  // after every event scheduled earlier for t (registrations at 0, services' first tasks...).
  queue_.push(0, kSample, 0);
  build_cluster();
  build_sources();

  // The loop: pop the earliest event; drop it if its task was killed since it was scheduled
  // (generation mismatch); advance the clock; dispatch by kind. Events at or after the end of
  // the run are never processed.
  std::uint64_t next_progress = 1u << 18;
  while (!queue_.empty()) {
    const Event e = queue_.pop();
    if (e.time >= scenario_.duration) break;
    if (is_task_event(e.kind) && e.generation != task_generation_[e.target]) continue;
    assert(e.time >= now_);
    now_ = e.time;
    ++events_;
    dispatch(e);
    if (progress_ != nullptr && events_ >= next_progress) {
      progress_->progress(now_, scenario_.duration, events_, task_source_.size());
      next_progress += 1u << 18;
    }
  }
  now_ = scenario_.duration;
  take_sample(now_);
  services_.finish(now_);

  result_.groups = cluster_.group_names;
  result_.events = events_;
  const std::size_t zones = scenario_.cluster.availability_zones.size();
  result_.cpu.overall = cpu_series_[0].finish(now_);
  result_.memory.overall = memory_series_[0].finish(now_);
  for (std::size_t z = 0; z < zones; ++z) {
    result_.cpu.by_zone.push_back(cpu_series_[1 + z].finish(now_));
    result_.memory.by_zone.push_back(memory_series_[1 + z].finish(now_));
  }
  for (std::size_t t = 0; t < result_.instance_types.size(); ++t) {
    result_.cpu.by_type.push_back(cpu_series_[1 + zones + t].finish(now_));
    result_.memory.by_type.push_back(memory_series_[1 + zones + t].finish(now_));
  }
  if (progress_ != nullptr) progress_->progress(now_, scenario_.duration, events_, task_source_.size());
  return std::move(result_);
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, PlacerFactory& placers, ProgressSink* progress,
                       ExplainSink* explain) {
  Engine engine(scenario, placers, progress, explain);
  return engine.run();
}

}  // namespace ecsim::sim
