// The Engine's fleet: instances registering, zones lost and back (AZ outages), the scenario's
// instance events, instances launched and terminated during the run (capacity providers), their
// faults (failures, Spot interruptions, agent disconnects) and draining. The rules live in
// sim/capacity_providers.h and sim/fleet_faults.h; here the engine applies them to its state.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/engine_internal.h"
#include "sim/invariant.h"

namespace ecsim::sim::engine_detail {

void Engine::grow_instances() {
  const std::size_t n = cluster_.size();
  market_.resize(n, Market::kOnDemand);
  instance_gen_.resize(n, 0);
  terminated_.resize(n, 0);
  outage_.resize(n, 0);
  disconnected_.resize(n, 0);
  draining_.resize(n, 0);
  counted_.resize(n, 0);
  nondaemon_.resize(n, 0);
  disconnects_.resize(n, 0);
  off_slot_.resize(n, kNotListed);
  if (track_tasks_) tasks_on_.resize(n);
  zone_schedulable_.resize(scenario_.cluster.availability_zones.size(), 0);
  images_.grow(n);
  agents_.grow(n);
  grow_picture();
}

void Engine::refresh_instance(InstanceIdx i) {
  const bool counted = cluster_.registered_at[i] != kNever && terminated_[i] == 0 && outage_[i] == 0;
  // An instance whose agent is disconnected keeps its tasks and its capacity, but takes no task:
  // placement reports AGENT for it (ClusterState::agents_disconnected).
  const bool up = counted && draining_[i] == 0 && disconnected_[i] == 0;
  // The list's order decides nothing (placement only asks whether it is empty, and the fewest
  // failed checks over it): entries are swap-removed through off_slot_, O(1) each.
  auto& off = cluster_.agents_disconnected;
  const bool listed = counted && draining_[i] == 0 && disconnected_[i] != 0;
  if (listed && off_slot_[i] == kNotListed) {
    off_slot_[i] = static_cast<std::uint32_t>(off.size());
    off.push_back(i);
  } else if (!listed && off_slot_[i] != kNotListed) {
    const InstanceIdx last = off.back();
    off[off_slot_[i]] = last;
    off_slot_[last] = off_slot_[i];
    off.pop_back();
    off_slot_[i] = kNotListed;
  }
  if (counted != (counted_[i] != 0)) {
    counted_[i] = counted ? 1 : 0;
    const std::int64_t sign = counted ? 1 : -1;
    change_registered(i, sign * cluster_.registered_cpu[i], sign * cluster_.registered_memory_mib[i]);
  }
  if (up != (cluster_.schedulable[i] != 0)) {
    cluster_.set_schedulable(i, up);
    zone_schedulable_[cluster_.zone[i]] += up ? 1 : -1;
    services_.on_schedulable_changed(i);
  }
}

void Engine::track_placed(std::uint32_t task, InstanceIdx i) {
  if (task >= task_slot_.size()) task_slot_.resize(task + 1);
  task_slot_[task] = static_cast<std::uint32_t>(tasks_on_[i].size());
  tasks_on_[i].push_back(task);
}

void Engine::track_released(std::uint32_t task, InstanceIdx i) {
  std::vector<std::uint32_t>& on = tasks_on_[i];
  ECSIM_CHECK(task_slot_[task] < on.size() && on[task_slot_[task]] == task, "a task released from an instance that does not hold it");
  const std::uint32_t last = on.back();
  on[task_slot_[task]] = last;
  task_slot_[last] = task_slot_[task];
  on.pop_back();
}

void Engine::live_tasks_on(InstanceIdx i, std::vector<std::uint32_t>& out) const {
  const auto live_on_i = [&](std::uint32_t t) {
    const TaskState st = rec_[t].state;
    return rec_[t].instance == i &&
           (st == TaskState::kPending || st == TaskState::kRunning || st == TaskState::kStopping);
  };
  if (track_tasks_) {
    for (const std::uint32_t t : tasks_on_[i]) {
      if (live_on_i(t)) out.push_back(t);
    }
    return;
  }
  for (std::uint32_t t = 0; t < slots_.size(); ++t) {  // not reached: no instance is lost
    if (!slots_.freed(t) && live_on_i(t)) out.push_back(t);
  }
}

bool may_lose_instances(const Scenario& s) {
  const bool spot = std::any_of(s.cluster.instance_groups.begin(), s.cluster.instance_groups.end(),
                                [](const InstanceGroup& g) { return g.market == Market::kSpot; });
  return !s.events.empty() || !s.capacity_providers.empty() || s.faults.instance_failure_rate_per_hour > 0 ||
         (spot && s.faults.spot_interruptions);
}

InstanceIdx Engine::launch_instance(std::uint32_t group, std::uint32_t zone, Market market, SimTime delay, std::string id) {
  const InstanceIdx i = create_instance(scenario_, cluster_, result_, type_slot_, group, zone, now_, std::move(id));
  result_.instances.market[i] = market;
  grow_instances();
  market_[i] = market;
  const std::uint32_t provider = static_cast<std::uint32_t>(
      std::find_if(scenario_.capacity_providers.begin(), scenario_.capacity_providers.end(),
                   [&](const CapacityProvider& cp) {
                     return std::find(cp.groups.begin(), cp.groups.end(), group) != cp.groups.end();
                   }) -
      scenario_.capacity_providers.begin());
  cluster_.set_attribute(cluster_.intern_attribute(kCapacityProviderAttribute), i,
                         scenario_.capacity_providers[provider].name);
  if (!scenario_.events.empty()) instance_by_id_.emplace(cluster_.instance_ids[i], i);
  instance_event(i, InstanceEventKind::kLaunched, {});
  // Instances launched at one instant to register at one instant register together.
  const SimTime at = now_ + delay;
  if (open_batch_ < register_batches_.size() && register_batches_[open_batch_].at == at) {
    register_batches_[open_batch_].instances.push_back(i);
  } else {
    open_batch_ = register_batches_.size();
    register_batches_.push_back(RegistrationBatch{at, {i}});
    if (at < scenario_.duration) queue_.push(at, kInstanceRegister, static_cast<std::uint32_t>(open_batch_));
  }
  return i;
}

void Engine::waiting_for(std::uint32_t provider, std::vector<WaitingShape>& out) const {
  for (std::size_t q = 0; q < waiting_.size(); ++q) {
    const WaitQueue& wq = waiting_[static_cast<std::uint32_t>(q)];
    if (wq.tasks.empty() || sources_[wq.source].provider != provider) continue;
    const Source& s = sources_[wq.source];
    WaitingShape w;
    w.need = wq.shape;
    w.static_ports = static_cast<std::int32_t>(s.tcp_ports->size() + s.udp_ports->size());
    w.count = static_cast<std::int64_t>(wq.tasks.size());
    out.push_back(w);
  }
}

void Engine::arm_faults(InstanceIdx i) {
  const FaultSpec& f = scenario_.faults;
  const std::string& id = cluster_.instance_ids[i];
  const auto arm = [&](FaultKind kind, std::uint64_t draw, double rate, std::uint16_t event) {
    if (rate <= 0) return;
    const SimTime gap = fault_gap(scenario_.seed, id, kind, draw, rate);
    if (gap != kNever && gap < scenario_.duration - now_) queue_.push(now_ + gap, event, i, instance_gen_[i]);
  };
  arm(FaultKind::kFailure, 0, f.instance_failure_rate_per_hour, kInstanceFailure);
  if (market_[i] == Market::kSpot && f.spot_interruptions && cluster_.type[i] < f.spot_interruption_rate_per_hour.size()) {
    arm(FaultKind::kSpotInterruption, 0, f.spot_interruption_rate_per_hour[cluster_.type[i]], kSpotNotice);
  }
  arm(FaultKind::kAgentDisconnect, disconnects_[i], f.agent_disconnect_rate_per_hour, kAgentDisconnect);
}

void Engine::terminate(InstanceIdx i, StopCode code, StopReason reason, std::string why, bool scaled_in) {
  if (terminated_[i] != 0) return;
  std::vector<std::uint32_t> lost;
  if (cluster_.task_count[i] > 0) {
    // In task order, as a scan of every task would meet them.
    live_tasks_on(i, lost);
    std::sort(lost.begin(), lost.end());
    lost.erase(std::unique(lost.begin(), lost.end()), lost.end());
    for (const std::uint32_t task : lost) {
      if (rec_[task].state != TaskState::kStopping) rec_[task].stop_reason = reason;
      kill(task, code);
    }
  }
  if (track_tasks_) tasks_on_[i].shrink_to_fit();  // kill() took them all out
  terminated_[i] = 1;
  ++instance_gen_[i];
  refresh_instance(i);
  result_.instances.terminated_at[i] = now_;
  instance_event(i, InstanceEventKind::kTerminated, std::move(why));
  services_.on_instances_left();
  for (const std::uint32_t task : lost) notify_lost(task, false);
  fleet_.on_instance_gone(i, scaled_in);
}

void Engine::set_draining(InstanceIdx i, bool on, std::string why) {
  if (terminated_[i] != 0 || (draining_[i] != 0) == on) return;
  draining_[i] = on ? 1 : 0;
  refresh_instance(i);
  instance_event(i, on ? InstanceEventKind::kDraining : InstanceEventKind::kActive, std::move(why));
  if (on) {
    // Dev Guide "Container instance draining": service tasks are replaced within the deployment
    // limits, standalone tasks are left alone, DAEMON tasks stop last.
    services_.on_instance_draining(i);
    if (nondaemon_[i] == 0) services_.on_instance_drained(i);
  } else if (cluster_.schedulable[i] != 0) {
    const std::vector<InstanceIdx> joined = {i};
    services_.on_instances_joined(joined);
    offer_joined(joined);
  }
}

std::vector<InstanceIdx> Engine::select(const InstanceSelector& sel) const {
  std::vector<InstanceIdx> out;
  const auto alive = [&](InstanceIdx i) { return terminated_[i] == 0; };
  if (!sel.instance_id.empty()) {
    const auto it = instance_by_id_.find(sel.instance_id);
    if (it != instance_by_id_.end() && alive(it->second)) out.push_back(it->second);
    return out;
  }
  const auto matches = [&](InstanceIdx i) {
    if (!alive(i)) return false;
    if (sel.zone >= 0 && cluster_.zone[i] != static_cast<std::uint32_t>(sel.zone)) return false;
    if (sel.group >= 0) return cluster_.group[i] == static_cast<std::uint32_t>(sel.group);
    return fleet_.provider_of(i) == static_cast<std::uint32_t>(sel.capacity_provider);
  };
  if (sel.capacity_provider >= 0) {
    for (const InstanceIdx i : fleet_.members(static_cast<std::uint32_t>(sel.capacity_provider))) {
      if (static_cast<std::int32_t>(out.size()) >= sel.count) break;
      if (matches(i)) out.push_back(i);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  for (InstanceIdx i = 0; i < cluster_.size() && static_cast<std::int32_t>(out.size()) < sel.count; ++i) {
    if (matches(i)) out.push_back(i);
  }
  return out;
}

void Engine::on_instance_event(const ScenarioEvent& ev, std::uint32_t event) {
  const std::vector<InstanceIdx> hit = select(ev.instances);
  mark(std::string(event_type_name(ev.type)) + " " +
       (hit.empty() ? std::string("(no live instance matched)")
                    : cluster_.instance_ids[hit[0]] + (hit.size() > 1 ? " +" + std::to_string(hit.size() - 1) : "")));
  for (const InstanceIdx i : hit) {
    switch (ev.type) {
      case EventType::kInstanceFailure:
        terminate(i, StopCode::kTerminationNotice, StopReason::kInstanceFailed, "instanceFailure", false);
        break;
      case EventType::kSpotInterruption:
        on_instance_fault(kSpotNotice, i, instance_gen_[i]);
        break;
      case EventType::kAgentDisconnect:
        if (disconnected_[i] != 0) break;
        disconnected_[i] = 1;
        refresh_instance(i);
        instance_event(i, InstanceEventKind::kAgentDisconnected, "agentDisconnect");
        if (ev.duration != kNever && ev.duration < scenario_.duration - now_) {
          // Reconnects after the event's duration (not the random process's next draw).
          queue_.push(now_ + ev.duration, kAgentReconnect, i, static_cast<std::uint16_t>(instance_gen_[i] | 0x8000u));
        }
        break;
      case EventType::kDrain:
        set_draining(i, true, "drain");
        drained_by_event_[event].push_back(i);
        break;
      default:
        break;
    }
  }
  if (ev.type == EventType::kDrain && ev.duration != kNever && ev.duration < scenario_.duration - now_) {
    queue_.push(now_ + ev.duration, kDrainEnd, event);
  }
}

void Engine::on_instance_fault(std::uint16_t kind, InstanceIdx i, std::uint16_t generation) {
  const bool scheduled_by_event = (generation & 0x8000u) != 0;
  if (terminated_[i] != 0 || static_cast<std::uint16_t>(generation & 0x7FFFu) != (instance_gen_[i] & 0x7FFFu)) return;
  switch (kind) {
    case kInstanceFailure:
      terminate(i, StopCode::kTerminationNotice, StopReason::kInstanceFailed, "instance failure", false);
      return;
    case kSpotNotice:
      if (market_[i] != Market::kSpot) return;
      instance_event(i, InstanceEventKind::kInterruptionNotice, "spot interruption in 2 minutes");
      // Dev Guide "Spot Instance draining": with ECS_ENABLE_SPOT_INSTANCE_DRAINING the agent sets
      // the instance DRAINING on the notice.
      if (scenario_.cluster.agent.spot_instance_draining) set_draining(i, true, "spot interruption notice");
      if (kSpotNoticeTime < scenario_.duration - now_) {
        queue_.push(now_ + kSpotNoticeTime, kSpotTerminate, i, instance_gen_[i]);
      }
      return;
    case kSpotTerminate:
      terminate(i, StopCode::kSpotInterruption, StopReason::kSpotInterrupted, "spot interruption", false);
      return;
    case kAgentDisconnect: {
      if (disconnected_[i] != 0) return;
      disconnected_[i] = 1;
      ++disconnects_[i];
      refresh_instance(i);
      instance_event(i, InstanceEventKind::kAgentDisconnected, "agent disconnect");
      const SimTime back = scenario_.faults.agent_disconnect_duration;
      if (back < scenario_.duration - now_) queue_.push(now_ + back, kAgentReconnect, i, instance_gen_[i]);
      return;
    }
    case kAgentReconnect: {
      if (disconnected_[i] == 0) return;
      disconnected_[i] = 0;
      refresh_instance(i);
      instance_event(i, InstanceEventKind::kAgentReconnected, "agent reconnects");
      if (cluster_.schedulable[i] != 0) {
        const std::vector<InstanceIdx> joined = {i};
        services_.on_instances_joined(joined);
        offer_joined(joined);
      }
      if (!scheduled_by_event) {
        const FaultSpec& f = scenario_.faults;
        if (f.agent_disconnect_rate_per_hour > 0) {
          const SimTime gap = fault_gap(scenario_.seed, cluster_.instance_ids[i], FaultKind::kAgentDisconnect,
                                        disconnects_[i], f.agent_disconnect_rate_per_hour);
          if (gap != kNever && gap < scenario_.duration - now_) queue_.push(now_ + gap, kAgentDisconnect, i, instance_gen_[i]);
        }
      }
      return;
    }
    default:
      return;
  }
}

// ----------------------------------------------------------------------------------------------
// Registrations, outages and the scenario's events

void Engine::on_instance_register(std::uint32_t batch) {
  if (open_batch_ == batch) open_batch_ = static_cast<std::size_t>(-1);
  std::vector<InstanceIdx> joined;
  for (const InstanceIdx i : register_batches_[batch].instances) {
    if (terminated_[i] != 0) continue;
    if (in_outage_[cluster_.zone[i]] != 0) {  // registers when the zone comes back
      outage_[i] = 1;
      continue;
    }
    cluster_.registered_at[i] = now_;
    result_.instances.registered_at[i] = now_;
    refresh_instance(i);
    instance_event(i, InstanceEventKind::kRegistered, {});
    arm_faults(i);
    joined.push_back(i);
  }
  // DAEMON tasks go first on a new instance (Dev Guide "Amazon ECS services"), then waiting tasks.
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
  std::vector<std::uint8_t> done(waiting_.size(), 0);
  for (;;) {
    const std::size_t slot = waiting_.oldest_head([&](std::uint32_t q, std::uint32_t) { return done[q] == 0; });
    if (slot == WaitQueues::kNone) return;
    const auto q = static_cast<std::uint32_t>(slot);
    const std::uint32_t task = waiting_[q].tasks.front();
    Source& s = sources_[rec_[task].source];
    const PlacementRequest request = request_for(task);
    const bool explained = explain_ != nullptr && explain_->wants(task);
    if (explained) [[unlikely]] s.placer->explain(request, cluster_, placement_rng_, explanation_);
    const PlacementDecision d = s.placer->place(request, cluster_, placement_rng_);
    if (explained) [[unlikely]] explain_placement(task, request, d);
    if (d.instance == kNoInstance) {
      done[q] = 1;
      waiting_[q].last_reason = d.reason;
      continue;
    }
    waiting_.pop(slot);
    ++result_.placements;
    place_on(task, d.instance);
  }
}

void Engine::on_outage(std::uint32_t event, bool begin) {
  const ScenarioEvent& ev = scenario_.events[event];
  in_outage_[ev.zone] = begin ? 1 : 0;
  if (begin) {
    // Instances in the zone disconnect: no new placements, and their tasks are lost
    // (ecsim's choice of stop code: TerminationNotice for tasks that were RUNNING).
    mark("azOutage " + scenario_.cluster.availability_zones[ev.zone]);
    std::vector<std::uint32_t> lost;  // the zone's tasks, in task order
    for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
      if (cluster_.zone[i] == ev.zone) live_tasks_on(i, lost);
    }
    std::sort(lost.begin(), lost.end());
    lost.erase(std::unique(lost.begin(), lost.end()), lost.end());
    for (const std::uint32_t task : lost) {
      if (rec_[task].state != TaskState::kStopping) rec_[task].stop_reason = StopReason::kInstanceLost;
      kill(task, StopCode::kTerminationNotice);
    }
    std::vector<InstanceIdx> gone;
    cluster_.begin_schedulable_batch();  // one rebuild of the schedulable list, not one per instance
    for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
      if (cluster_.zone[i] != ev.zone || terminated_[i] != 0 || outage_[i] != 0) continue;
      if (fleet_.provider_of(i) != CapacityProviders::kNoProvider) {
        gone.push_back(i);  // its Auto Scaling group finds it unhealthy and replaces it elsewhere
        continue;
      }
      outage_[i] = 1;
      if (cluster_.registered_at[i] == kNever) continue;
      refresh_instance(i);
      instance_event(i, InstanceEventKind::kDisconnected, "azOutage");
    }
    cluster_.end_schedulable_batch();
    for (const InstanceIdx i : gone) {
      terminate(i, StopCode::kTerminationNotice, StopReason::kInstanceLost, "azOutage", false);
    }
    // The service scheduler replaces what it lost, elsewhere if it can.
    services_.on_instances_left();
    for (const std::uint32_t task : lost) notify_lost(task, false);
    if (ev.duration != kNever && ev.duration < scenario_.duration - now_) {
      queue_.push(now_ + ev.duration, kOutageEnd, event);
    }
  } else {
    std::vector<InstanceIdx> joined;
    cluster_.begin_schedulable_batch();
    for (InstanceIdx i = 0; i < cluster_.size(); ++i) {
      if (cluster_.zone[i] != ev.zone || terminated_[i] != 0 || outage_[i] == 0) continue;
      outage_[i] = 0;
      if (result_.instances.registered_at[i] == kNever) {
        // Launched during the outage: registers now if its launch time has passed.
        const InstanceGroup& g = scenario_.cluster.instance_groups[cluster_.group[i]];
        if (g.launch_time > now_) continue;
        result_.instances.registered_at[i] = now_;
        cluster_.registered_at[i] = now_;
        instance_event(i, InstanceEventKind::kRegistered, {});
        arm_faults(i);
      } else {
        instance_event(i, InstanceEventKind::kReconnected, "azOutage ends");
      }
      refresh_instance(i);
      if (cluster_.schedulable[i] != 0) joined.push_back(i);
    }
    cluster_.end_schedulable_batch();
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
      images_.registry_outage(ev.registry, ev.duration == kNever ? kNever : now_ + ev.duration);
      return;
    case EventType::kInstanceFailure:
    case EventType::kSpotInterruption:
    case EventType::kAgentDisconnect:
    case EventType::kDrain:
      on_instance_event(ev, event);
      return;
    case EventType::kInsufficientCapacity: {
      const SimTime until = ev.duration == kNever ? kNever : now_ + ev.duration;
      fleet_.insufficient_capacity(ev.zone, ev.instance_type, until);
      mark("insufficientCapacity " +
           (ev.instance_type < 0 ? std::string("any type")
                                 : scenario_.instance_types[static_cast<std::size_t>(ev.instance_type)].name) +
           " in " + scenario_.cluster.availability_zones[ev.zone]);
      return;
    }
    case EventType::kAzOutage:
      return;
  }
}

}  // namespace ecsim::sim::engine_detail
