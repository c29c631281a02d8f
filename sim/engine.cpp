// The simulation of one run: the event loop and the task lifecycle. The rules it applies live
// in modules of their own (README "The tree"): setup (run_setup), arrivals, waiting tasks
// (wait_queues), the agent's ledger (agent), images (image_cache), utilization
// (cluster_utilization), the service scheduler and the capacity providers; the fleet's own events
// (registrations, outages, scenario events, launches, terminations, faults, draining) are applied
// in engine_fleet.cpp, the task records in engine_records.cpp, on the Engine class of
// engine_internal.h.
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
//  - A new task whose WaitQueue is not empty is queued without an attempt: its queue-mates
//    prove that no instance admits it.
//  - Resources are held from placement to STOPPED (Dev Guide "Amazon ECS task lifecycle": released when the
//    containers have stopped).
#include "sim/engine.h"

#include <algorithm>
#include <string>

#include "sim/engine_internal.h"
#include "sim/invariant.h"

namespace ecsim::sim::engine_detail {

// ----------------------------------------------------------------------------------------------
// Setup

// Builds the cluster and the sources, then schedules what the run starts with. The order of the
// first events is fixed (it decides ties at one instant): the first sample (pushed by run()),
// registrations in launch-time order, the services' start, each job's first arrival (job
// order), each trace's first record, the scenario's events (file order).
void Engine::build() {
  register_batches_ = build_instances(scenario_, cluster_, result_, type_slot_);
  for (std::size_t b = 0; b < register_batches_.size(); ++b) {
    queue_.push(register_batches_[b].at, kInstanceRegister, static_cast<std::uint32_t>(b));
  }
  in_outage_.assign(scenario_.cluster.availability_zones.size(), 0);
  usage_.reset(scenario_.cluster.availability_zones.size(), result_.instance_types.size());
  images_.reset(cluster_.size());
  agents_.reset(cluster_.size(), !scenario_.cluster.agent.stopping_tasks_hold_resources);
  grow_instances();
  for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
    market_[i] = scenario_.cluster.instance_groups[cluster_.group[i]].market;
    if (scenario_.events.empty()) continue;
    instance_by_id_.emplace(cluster_.instance_ids[i], i);
  }
  drained_by_event_.resize(scenario_.events.size());
  // The capacity providers' initial instances register at 0, after the groups' (one batch).
  fleet_.start();
  open_batch_ = static_cast<std::size_t>(-1);

  SourceTable table = build_sources(scenario_, cluster_, factory_, result_);
  sources_ = std::move(table.sources);
  first_service_source_ = std::move(table.first_service_source);
  first_job_source_ = table.first_job_source;
  job_first_source_ = std::move(table.job_first_source);
  trace_first_source_ = std::move(table.trace_first_source);
  family_index_ = std::move(table.family_index);
  owner_live_.resize(scenario_.services.size() + scenario_.jobs.size());
  for (std::size_t k = 0; k < scenario_.services.size(); ++k) {
    owner_live_[k].assign(scenario_.services[k].capacity_provider_strategy.size(), 0);
  }
  for (std::size_t k = 0; k < scenario_.jobs.size(); ++k) {
    owner_live_[scenario_.services.size() + k].assign(scenario_.jobs[k].capacity_provider_strategy.size(), 0);
  }
  for (const Source& src : sources_) {
    source_daemon_.push_back(src.kind == SourceKind::kService &&
                             scenario_.services[src.index].scheduling_strategy == SchedulingStrategy::kDaemon);
  }
  if (!scenario_.services.empty()) queue_.push(0, kServiceStart, 0);
  for (std::size_t k = 0; k < scenario_.jobs.size(); ++k) schedule_next_job_arrival(static_cast<std::uint32_t>(k), -1);
  // Each trace is read as the run goes, one record ahead: this run's own readers, so that the
  // records of a trace of any length are never held.
  trace_next_.resize(scenario_.traces.size());
  trace_next_wait_.assign(scenario_.traces.size(), -1);
  for (std::size_t k = 0; k < scenario_.traces.size(); ++k) {
    trace_readers_.push_back(open_trace_reader(scenario_.traces[k]));
    if (trace_readers_[k]->next(trace_next_[k], trace_next_wait_[k])) {
      queue_.push(trace_next_[k].submit, kTraceArrival, static_cast<std::uint32_t>(k));
    }
  }
  for (std::size_t k = 0; k < scenario_.events.size(); ++k) {
    const ScenarioEvent& ev = scenario_.events[k];
    queue_.push(ev.at, ev.type == EventType::kAzOutage ? kOutageBegin : kScenarioEvent, static_cast<std::uint32_t>(k));
  }
}

// ----------------------------------------------------------------------------------------------
// Arrivals

void Engine::schedule_next_job_arrival(std::uint32_t job, SimTime after) {
  Source& s = sources_[job_first_source_[job]];
  const SimTime next = next_arrival(scenario_.jobs[job].arrival, after, s.submitted, s.cursor, scenario_.duration,
                                    s.arrival_rng);
  if (next != kNever) queue_.push(next, kJobArrival, job);
}

void Engine::on_job_arrival(std::uint32_t job) {
  const Job& j = scenario_.jobs[job];
  Source& s = sources_[job_first_source_[job]];
  // The runtime is drawn at submission, from the job's own stream, so that it does not depend on
  // where or when the task is placed: two strategies see the same tasks (common random numbers).
  const SimTime runtime = draw_runtime(j.runtime, s.runtime_rng);
  ++s.submitted;
  const std::uint32_t source = choose_provider_source(job_first_source_[job], j.capacity_provider_strategy);
  const std::uint32_t task = submit(source, s.need, runtime, s.family, s.task_definition->revision);
  try_place(task);
  schedule_next_job_arrival(job, now_);
}

void Engine::on_trace_arrival(std::uint32_t trace) {
  const Trace& t = scenario_.traces[trace];
  const TraceTask rec = trace_next_[trace];
  // The trace's figures of the records submitted within the run (every one of them arrives, in
  // submit order): the work offered, what fits of a runtime past the end (or to it: kNever),
  // and the trace's own waits, to set beside the simulated ones.
  TraceStats& stats = result_.traces[trace];
  const SimTime offered = std::min(rec.runtime, scenario_.duration - rec.submit);
  stats.offered_cpu_unit_seconds += static_cast<double>(rec.need.cpu) * to_seconds(offered);
  if (trace_next_wait_[trace] >= 0) stats.recorded_waits.add(trace_next_wait_[trace]);
  const std::uint32_t source = trace_first_source_[trace] + rec.group;
  const std::uint32_t family = intern_family(result_.families, family_index_, t.families[rec.family]);
  const std::uint32_t task = submit(source, rec.need, rec.runtime, family, 1);
  try_place(task);
  if (trace_readers_[trace]->next(trace_next_[trace], trace_next_wait_[trace]) &&
      trace_next_[trace].submit < scenario_.duration) {
    queue_.push(trace_next_[trace].submit, kTraceArrival, trace);
  }
}

std::uint32_t Engine::choose_provider_source(std::uint32_t first,
                                            const std::vector<CapacityProviderStrategyItem>& strategy) {
  if (strategy.empty()) return first;
  const std::size_t item = provider_for(strategy, owner_live_[owner_of(sources_[first])]);
  return first + static_cast<std::uint32_t>(item);
}

std::uint32_t Engine::service_source(std::uint32_t service, std::uint32_t task_definition) const {
  for (std::uint32_t src = first_service_source_[service]; src < first_service_source_[service + 1]; ++src) {
    if (sources_[src].task_definition == &scenario_.task_definitions[task_definition]) return src;
  }
  invariant_failed(__FILE__, __LINE__, "a service's task definition has no source");
}

std::uint32_t Engine::launch(std::uint32_t service, std::uint32_t task_definition, SimTime runtime, bool fails_to_start,
                             InstanceIdx instance) {
  const std::uint32_t source =
      choose_provider_source(service_source(service, task_definition), scenario_.services[service].capacity_provider_strategy);
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

ServiceHost::Admission Engine::admits(std::uint32_t service, std::uint32_t task_definition, InstanceIdx i) {
  const std::uint32_t source = service_source(service, task_definition);
  Source& s = sources_[source];
  PlacementRequest req;
  req.task = 0xFFFFFFFFu;
  req.need = &s.need;
  req.tcp_ports = s.tcp_ports;
  req.udp_ports = s.udp_ports;
  req.group = s.group;
  if (s.placer->admits(req, cluster_, i)) return Admission::kAdmitted;
  // Placement checks resources first: with room, the placer's own rules refuse it. O(1).
  return resource_misses(req, cluster_, i) != 0 ? Admission::kNoRoom : Admission::kRefused;
}

void Engine::stop(std::uint32_t task, StopReason reason) {
  if (rec_[task].state != TaskState::kStopping && rec_[task].state != TaskState::kStopped) {
    rec_[task].stop_reason = reason;
  }
  switch (rec_[task].state) {
    case TaskState::kProvisioning: {
      // Still waiting to be placed: the scheduler cancels it.
      waiting_.remove(task_queue_[task], task);
      rec_[task].state = TaskState::kRejected;
      rec_[task].rejected = 1;
      rec_[task].stopped = now_;
      rec_[task].stop_code = StopCode::kServiceSchedulerInitiated;
      ++rejected_;
      task_done(task);
      provider_task_ends(task);
      return;
    }
    case TaskState::kPending: {
      const InstanceIdx i = rec_[task].instance;
      kill(task, StopCode::kServiceSchedulerInitiated);
      agent_drain(i);
      retry_waiting_on(i);
      return;
    }
    case TaskState::kRunning:
      // SIGTERM: the containers take the service's shutdown time, at most the stop timeout.
      begin_stopping(task, StopCode::kServiceSchedulerInitiated, sources_[rec_[task].source].shutdown);
      return;
    default:
      return;
  }
}

// ----------------------------------------------------------------------------------------------
// Tasks

std::uint32_t Engine::submit(std::uint32_t source, const Resources& need, SimTime runtime, std::uint32_t family,
                             std::int32_t revision) {
  const auto task = static_cast<std::uint32_t>(slots_.size());
  const std::uint32_t slot = slots_.add();
  const Source& s = sources_[source];
  ++live_;
  if (limits_.max_live_tasks >= 0 && held_as_tasks() > limits_.max_live_tasks) [[unlikely]] too_many_live_tasks();
  TaskFields f;
  f.runtime = runtime;
  f.source = source;
  f.family = family;
  f.revision = revision;
  f.submitted = now_;
  slots_.fields(slot) = f;
  slots_.extra(slot) = TaskExtra{need, 0xFFFFFFFFu};
  if (s.provider != Source::kNoProvider) ++owner_live_[owner_of(s)][s.provider_item];
  return task;
}

PlacementRequest Engine::request_for(std::uint32_t task) const {
  const Source& s = sources_[rec_[task].source];
  PlacementRequest req;
  req.task = task;
  req.need = &task_need_[task];
  if (s.task_definition != nullptr) {
    req.tcp_ports = &s.task_definition->tcp_host_ports;
    req.udp_ports = &s.task_definition->udp_host_ports;
  }
  req.group = group_of(task);
  return req;
}

void Engine::explain_placement(std::uint32_t task, const PlacementRequest& request, const PlacementDecision& d) {
  PlacementAttempt a;
  a.time = now_;
  a.task = task;
  a.family = rec_[task].family;
  a.group = group_of(task);
  a.request = &request;
  a.decision = d;
  a.explanation = &explanation_;
  explain_->attempt(a, cluster_, result_);
}

void Engine::explain_without_placer(PlacementAttempt::Kind kind, std::uint32_t task, PlacementDecision d,
                                    const WaitQueue* queue) {
  if (!explain_->wants(task)) return;
  const PlacementRequest request = request_for(task);
  PlacementAttempt a;
  a.kind = kind;
  a.time = now_;
  a.task = task;
  a.family = rec_[task].family;
  a.group = group_of(task);
  a.request = &request;
  a.decision = d;
  if (queue != nullptr) {
    a.queue_head = queue->tasks.front();
    a.queue_length = queue->tasks.size();
  }
  explain_->attempt(a, cluster_, result_);
}

void Engine::try_place(std::uint32_t task) {
  const std::uint32_t source = rec_[task].source;
  Source& s = sources_[source];
  const std::uint32_t q = waiting_.queue_for(source, task_need_[task]);
  WaitQueue& wq = waiting_[q];
  ++result_.placements;
  if (!wq.tasks.empty()) {
    // Queue-mates waiting: no instance admits this shape (see the invariants above).
    rec_[task].failure = wq.last_reason;
    ++result_.placement_failures[static_cast<std::size_t>(wq.last_reason)];
    if (explain_ != nullptr) [[unlikely]] {
      explain_without_placer(PlacementAttempt::Kind::kQueued, task, {kNoInstance, wq.last_reason}, &wq);
    }
    if (s.provider != Source::kNoProvider && !provision(task)) return;
    waiting_.push(q, task);
    task_queue_[task] = q;
    return;
  }
  const PlacementRequest request = request_for(task);
  const bool explained = explain_ != nullptr && explain_->wants(task);
  if (explained) [[unlikely]] {
    // Explained on a copy of the stream, before place() changes anything.
    s.placer->explain(request, cluster_, placement_rng_, explanation_);
  }
  const PlacementDecision d = s.placer->place(request, cluster_, placement_rng_);
  if (explained) [[unlikely]] explain_placement(task, request, d);
  if (d.instance != kNoInstance) {
    place_on(task, d.instance);
    return;
  }
  rec_[task].failure = d.reason;
  ++result_.placement_failures[static_cast<std::size_t>(d.reason)];
  if (s.on_failure == OnPlacementFailure::kFail && s.provider == Source::kNoProvider) {
    rec_[task].state = TaskState::kRejected;
    rec_[task].rejected = 1;
    ++rejected_;
    task_done(task);
    return;
  }
  wq.last_reason = d.reason;
  if (s.provider != Source::kNoProvider && !provision(task)) return;
  waiting_.push(q, task);
  task_queue_[task] = q;
}

// A capacity provider's task waits in PROVISIONING for capacity (Dev Guide "Amazon ECS cluster auto
// scaling"), within the cluster's quota and until its time-out. False: refused.
bool Engine::provision(std::uint32_t task) {
  std::int64_t provisioning = 0;
  for (std::size_t q = 0; q < waiting_.size(); ++q) {
    if (sources_[waiting_[static_cast<std::uint32_t>(q)].source].provider != Source::kNoProvider) {
      provisioning += static_cast<std::int64_t>(waiting_[static_cast<std::uint32_t>(q)].tasks.size());
    }
  }
  if (provisioning >= scenario_.cluster.max_provisioning_tasks) {
    give_up(task, StopReason::kProvisioningQuota);
    return false;
  }
  const SimTime timeout = scenario_.cluster.provisioning_timeout;
  if (timeout != kNever && timeout < scenario_.duration - now_) {
    queue_.push(now_ + timeout, kProvisioningTimeout, task, rec_[task].generation);
  }
  return true;
}

void Engine::give_up(std::uint32_t task, StopReason reason) {
  if (rec_[task].state == TaskState::kProvisioning && task_queue_[task] != 0xFFFFFFFFu) {
    waiting_.remove(task_queue_[task], task);
  }
  rec_[task].state = TaskState::kRejected;
  rec_[task].rejected = 1;
  rec_[task].stopped = now_;
  rec_[task].stop_code = StopCode::kTaskFailedToStart;
  rec_[task].stop_reason = reason;
  ++rejected_;
  task_done(task);
  provider_task_ends(task);
  notify_lost(task, true);
}

void Engine::place_on(std::uint32_t task, InstanceIdx i) {
  TaskFields& f = rec_[task];
  const Resources& need = task_need_[task];
  cluster_.reserve(i, need, tcp_ports_of(task), udp_ports_of(task), group_of(task));
  change_reserved(i, need.cpu, need.memory_mib);
  f.state = TaskState::kPending;
  f.instance = i;
  f.placed = now_;
  picture_change(task, i, 1, 1);
  note_placed(task, i);
  ++starting_;
  if (source_daemon_[f.source] == 0) ++nondaemon_[i];
  agent_accept(task, i);
}

// The agent starts the task: it asks for its images (and its EBS volume) and runs it when they
// are there, after its start latency.
void Engine::agent_start(std::uint32_t task, InstanceIdx i) {
  const Source& s = sources_[rec_[task].source];
  rec_[task].admitted = 1;
  // The EBS volume attaches while the images are pulled.
  SimTime ready = now_ + s.attach_latency;
  if (s.task_definition != nullptr && !s.task_definition->images.empty()) {
    const ImageStart images = images_.start(task, i, *s.task_definition, now_, ready);
    if (images.kind == ImageStart::Kind::kWaiting) return;  // images_ready() comes later
    if (images.kind == ImageStart::Kind::kRefused) [[unlikely]] {
      rec_[task].stop_reason =
          images.rate_limited ? StopReason::kPullRateLimited : StopReason::kCannotPullContainer;
      // CannotPullContainerError: the task stops with TaskFailedToStart after the attempt.
      rec_[task].runtime = kFailsToStart;
    }
    ready = std::max(ready, images.at);
  }
  queue_.push(ready + scenario_.cluster.agent.task_start_latency + s.start_delay, kTaskRunning, task,
              rec_[task].generation);
}

void Engine::retry_waiting_on(InstanceIdx i) {
  if (cluster_.schedulable[i] == 0) return;
  // Oldest waiting task first (task numbers are submission order), among queue heads that the
  // instance admits; repeat until none fits.
  for (;;) {
    // Shapes that cannot fit the instance's free CPU and memory are skipped unasked.
    const std::int32_t free_cpu = cluster_.free_cpu[i], free_memory = cluster_.free_memory_mib[i];
    const std::size_t slot = waiting_.oldest_head(
        [&](const Resources& shape) { return shape.cpu <= free_cpu && shape.memory_mib <= free_memory; },
        [&](std::uint32_t q, std::uint32_t head) {
          return sources_[waiting_[q].source].placer->admits(request_for(head), cluster_, i);
        });
    if (slot == WaitQueues::kNone) return;
    const std::uint32_t task = waiting_.pop(slot);
    ++result_.placements;
    if (explain_ != nullptr) [[unlikely]] {
      explain_without_placer(PlacementAttempt::Kind::kRetry, task, {i, FailureReason::kNone}, nullptr);
    }
    place_on(task, i);
  }
}

void Engine::on_task_running(std::uint32_t task) {
  TaskFields& f = rec_[task];
  const SimTime runtime = f.runtime;
  if (runtime == kFailsToStart) [[unlikely]] {
    // It never reaches RUNNING: STOPPED with TaskFailedToStart (Dev Guide "Amazon ECS task lifecycle").
    const InstanceIdx i = f.instance;
    if (f.stop_reason == StopReason::kNone) f.stop_reason = StopReason::kCannotStartContainer;
    kill(task, StopCode::kTaskFailedToStart);
    agent_drain(i);
    retry_waiting_on(i);
    notify_lost(task, true);
    return;
  }
  f.state = TaskState::kRunning;
  f.started = now_;
  picture_change(task, f.instance, 0, -1);
  --starting_;
  ++running_;
  ++cluster_.running_count[f.instance];
  if (runtime != kNever && runtime < scenario_.duration - now_) {
    queue_.push(now_ + runtime, kTaskStopBegin, task, f.generation);
  }
  if (sources_[f.source].kind == SourceKind::kService) services_.on_running(task);
}

void Engine::on_task_stop_begin(std::uint32_t task) {
  ECSIM_CHECK(rec_[task].state == TaskState::kRunning, "a task stops that is not running");
  // The essential container exited: the agent stops the task (Dev Guide "Task definition parameters",
  // container definitions).
  rec_[task].stop_reason = StopReason::kEssentialContainerExited;
  begin_stopping(task, StopCode::kEssentialContainerExited);
  notify_lost(task, false);
}

void Engine::begin_stopping(std::uint32_t task, StopCode code, SimTime shutdown) {
  TaskFields& f = rec_[task];
  const InstanceIdx i = f.instance;
  f.state = TaskState::kStopping;
  f.stop_code = code;
  --running_;
  --cluster_.running_count[i];
  // A new generation: an end of runtime (or crash) still scheduled for the task is void.
  ++f.generation;
  queue_.push(now_ + shutdown + scenario_.cluster.agent.task_stop_latency, kTaskStopped, task, f.generation);
  if (agents_.enabled()) {
    // The control plane counts the STOPPING task's resources as free (AWS containers blog "Improvements
    // to Amazon ECS task launch behavior when tasks have prolonged shutdown");
    // its static ports stay bound on the agent until it has stopped.
    const Resources& need = task_need_[task];
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), group_of(task),
                     ClusterState::ReleasePart::kAtStopping);
    change_reserved(i, -need.cpu, -need.memory_mib);
    agents_.stopping_begins(i, agent_task(task));
    retry_waiting_on(i);
  }
}

// Gives back what the task holds, on both ledgers. REQUIRES: the task was placed and holds
// resources (PENDING, RUNNING or STOPPING), and its state still says which.
void Engine::release(std::uint32_t task) {
  const TaskFields& f = rec_[task];
  const InstanceIdx i = f.instance;
  note_released(task, i);
  picture_change(task, i, -1, f.state == TaskState::kPending ? -1 : 0);
  const Resources& need = task_need_[task];
  const bool stopping = f.state == TaskState::kStopping;
  if (stopping && agents_.enabled()) {
    // The control plane freed all but its attachments when it began stopping.
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), group_of(task),
                     ClusterState::ReleasePart::kAtStopped);
    agents_.stopping_ends(i, agent_task(task));
  } else {
    cluster_.release(i, need, tcp_ports_of(task), udp_ports_of(task), group_of(task));
    change_reserved(i, -need.cpu, -need.memory_mib);
  }
  if (source_daemon_[f.source] == 0) --nondaemon_[i];
  if (f.admitted != 0) {
    agents_.release(i, need);
    const TaskDefinition* td = sources_[f.source].task_definition;
    if (td != nullptr && !td->images.empty()) images_.release(task, i, *td, now_);
  } else if (agents_.enabled()) {
    agents_.cancel_queued(i, task);
  }
}

void Engine::on_task_stopped(std::uint32_t task) {
  TaskFields& f = rec_[task];
  const Resources& need = task_need_[task];
  const InstanceIdx i = f.instance;
  result_.task_stats.prefetch_held(sources_[f.source].result_source, i);  // for task_done
  if (task_sink_ != nullptr) task_sink_->prefetch_instance(i);
  release(task);
  f.state = TaskState::kStopped;
  f.stopped = now_;
  ++completed_;
  const bool attachments = need.enis != 0 || need.ebs_volumes != 0;
  task_done(task);
  provider_task_ends(task);
  if (draining_[i] != 0 && nondaemon_[i] == 0) services_.on_instance_drained(i);
  agent_drain(i);
  // Before 2023 everything frees now; since, only the attachments (ENI, EBS) do.
  if (!agents_.enabled() || attachments) retry_waiting_on(i);
}

// Stops a task at once (its instance went away): no stop latency, resources released now.
void Engine::kill(std::uint32_t task, StopCode code) {
  const InstanceIdx i = rec_[task].instance;
  switch (rec_[task].state) {
    case TaskState::kPending:
      --starting_;
      if (code != StopCode::kServiceSchedulerInitiated) code = StopCode::kTaskFailedToStart;
      break;
    case TaskState::kRunning:
      --running_;
      --cluster_.running_count[i];
      break;
    case TaskState::kStopping:
      code = rec_[task].stop_code;
      break;
    default:
      return;
  }
  ++rec_[task].generation;  // cancels the task's scheduled events
  release(task);
  rec_[task].state = TaskState::kStopped;
  rec_[task].stopped = now_;
  rec_[task].stop_code = code;
  task_done(task);
  provider_task_ends(task);
}

void Engine::take_sample(SimTime t) {
  services_.sample(t);
  fleet_.sample();
  Sample s;
  s.time = t;
  s.running = running_;
  s.pending = static_cast<std::int64_t>(waiting_.waiting());
  s.starting = starting_;
  s.instances = static_cast<std::int64_t>(cluster_.schedulable_list.size());
  s.cpu_reserved = usage_.cpu().reserved();
  s.cpu_registered = usage_.cpu().registered();
  s.memory_reserved_mib = usage_.memory().reserved();
  s.memory_registered_mib = usage_.memory().registered();
  s.submitted = static_cast<std::int64_t>(slots_.size());
  s.completed = completed_;
  s.failed_to_place = rejected_;
  result_.samples.push_back(s);
  usage_.record(result_);
  if (want_picture_) note_peak(s);
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
      if (e.time + scenario_.sample_interval < scenario_.duration) {
        queue_.push(e.time + scenario_.sample_interval, kSample, 0);
      }
      break;
    case kOutageBegin: on_outage(e.target, true); break;
    case kOutageEnd: on_outage(e.target, false); break;
    case kScenarioEvent: on_scenario_event(e.target); break;
    case kServiceTimer: services_.on_timer(e.generation, e.target); break;
    case kImageManifest:
    case kImageProgress:
    case kImageCleanup:
      images_.on_timer(static_cast<ImageTimer>(e.kind - kImageManifest), e.target, e.generation, now_);
      break;
    case kCapacityTick: fleet_.tick(); break;
    case kProvisioningTimeout:
      if (!slots_.freed(e.target) && rec_[e.target].state == TaskState::kProvisioning) {
        give_up(e.target, StopReason::kProvisioningTimeout);
      }
      break;
    case kInstanceFailure:
    case kSpotNotice:
    case kSpotTerminate:
    case kAgentDisconnect:
    case kAgentReconnect:
      on_instance_fault(e.kind, e.target, e.generation);
      break;
    case kDrainEnd:
      for (const InstanceIdx i : drained_by_event_[e.target]) set_draining(i, false, "drain ends");
      break;
  }
}

static bool is_task_event(std::uint16_t kind) {
  return kind == kTaskRunning || kind == kTaskStopBegin || kind == kTaskStopped;
}

RunResult Engine::run() {
  result_.scenario = scenario_.name;
  result_.seed = scenario_.seed;
  result_.strategy = scenario_.strategy_label;
  result_.duration = scenario_.duration;
  result_.sample_interval = scenario_.sample_interval;
  want_picture_ = task_sink_ != nullptr && task_sink_->wants_cluster_picture();

  queue_.reserve(1024);
  // The first sample is scheduled before anything else, so each sample at time t sees the state
  // after every event scheduled earlier for t (registrations at 0, services' first tasks...).
  queue_.push(0, kSample, 0);
  build();
  result_.task_stats = TaskStats(scenario_.duration, result_.sources.size());
  if (want_picture_ && cluster_.group_names.size() <= kPictureGroups) {
    picture_groups_ = cluster_.group_names.size();
    grow_picture();
    picture_journal_.reserve(kPictureJournal);
  }

  // The loop: pop the earliest event; drop it if its task was killed since it was scheduled
  // (generation mismatch); advance the clock; dispatch by kind. Events at or after the end of
  // the run are never processed.
  std::uint64_t next_progress = 1u << 18;
  while (!queue_.empty()) {
    // The next few events' tasks are fetched into the cache while this one runs: a task's
    // events come long after its last one (its runtime), so its line is cold. (The prefetch is
    // written here, not in a callback: GCC 12 deletes calls to a function whose only effect is a
    // prefetch, as it did with the callback this replaced.)
    const Event e = queue_.pop();
    // (Not while the live tasks' slots fit in the cache anyway: there it only costs.)
    for (const Event& soon : slots_.slots() > kPrefetchSlots ? queue_.soon() : std::span<const Event>()) {
      if (!is_task_event(soon.kind)) continue;
      if (const std::uint32_t slot = slots_.slot(soon.target); slot != Slots::kFreed) {
        __builtin_prefetch(&slots_.fields(slot));
        __builtin_prefetch(&slots_.extra(slot));  // its need: read when it stops, or begins to
      }
    }
    if (e.time >= scenario_.duration) break;
    if (is_task_event(e.kind)) {
      const std::uint32_t slot = slots_.slot(e.target);
      if (slot == Slots::kFreed || e.generation != slots_.fields(slot).generation) continue;
    }
    if (e.time > picture_due_) [[unlikely]] capture_picture();
    now_ = e.time;
    ++events_;
    dispatch(e);
    if (!slots_to_free_.empty()) free_done_slots();
    if (progress_ != nullptr && events_ >= next_progress) {
      progress_->progress(now_, scenario_.duration, events_, slots_.size());
      next_progress += 1u << 18;
    }
  }
  if (picture_due_ != kNever) capture_picture();
  now_ = scenario_.duration;
  take_sample(now_);
  if (picture_due_ != kNever) capture_picture();
  finish_picture();
  // The tasks still waiting or holding an instance, in task order.
  for (std::uint32_t task = 0; task < slots_.size(); ++task) {
    if (slots_.page_freed(task >> kTaskPageShift)) {
      task += static_cast<std::uint32_t>(kTaskPageSize) - 1;  // a whole page done with
      continue;
    }
    if (slots_.freed(task)) continue;
    if (rec_[task].state != TaskState::kStopped && rec_[task].state != TaskState::kRejected) task_done(task);
  }
  slots_to_free_.clear();
  services_.finish(now_);
  fleet_.finish(now_);

  result_.groups = cluster_.group_names;
  result_.events = events_;
  usage_.finish(now_, result_);
  if (progress_ != nullptr) progress_->progress(now_, scenario_.duration, events_, slots_.size());
  return std::move(result_);
}

}  // namespace ecsim::sim::engine_detail

namespace ecsim::sim {

RunResult run_scenario(const Scenario& scenario, PlacerFactory& placers, ProgressSink* progress,
                       ExplainSink* explain, TaskSink* tasks, const RunLimits& limits) {
  engine_detail::Engine engine(scenario, placers, progress, explain, tasks, limits);
  return engine.run();
}

}  // namespace ecsim::sim
