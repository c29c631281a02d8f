// Capacity providers: Auto Scaling groups whose instances come and go during the run, the split
// of tasks over a capacity provider strategy, and ECS managed scaling (Dev Guide "Amazon ECS
// capacity providers", "Amazon ECS cluster auto scaling"; API reference ManagedScaling; EC2 Auto
// Scaling "Auto Scaling groups with multiple instance types and purchase options").
//
// What it models:
//  - The split (provider_for): the first `base` live tasks go to the provider that sets a base;
//    each further task to the provider whose share of the tasks beyond the base is furthest below
//    weight / Σweights (ties: strategy order). ECS documents the proportions, not the order
//    (weights A=1, B=4: one task in five on A).
//  - The CapacityProviderReservation metric, every minute (reservation_percent): M / N × 100 with
//    N the group's instances (launching ones included) and M the instances needed: with tasks
//    waiting for the provider, N plus the instances they need (estimate_new_instances); else
//    the instances running at least one task that is not a DAEMON's. N = 0 with tasks waiting:
//    200 (the guide's "scales out to 200 %").
//  - Target tracking on it: above targetCapacity, the group grows at once by
//    clamp(ceil(M × 100 / target) − N, minimumScalingStepSize, maximumScalingStepSize) up to
//    maxSize, but not while an instance launched within instanceWarmupPeriod is warming up;
//    below it for 15 consecutive datapoints, it shrinks each minute by at most half its size
//    (at least one) towards max(minSize, ceil(M × 100 / target)). A scale-out resets the count.
//  - Scale-in picks instances without non-daemon tasks when managedTerminationProtection is on
//    (ECS protects the others), else any instance; from the zone with the most of the group's
//    instances (ties: zone order), the newest instance there first (ecsim's reading of the
//    default termination policy, whose later criteria do not apply to a simulated group).
//  - Launches: in the group's zone with the fewest of its instances (ties: zone order) where a
//    type can launch; the market keeps onDemandBaseCapacity On-Demand instances and then
//    onDemandPercentageAboveBaseCapacity of the rest (rounded up in favour of On-Demand); an
//    On-Demand instance takes the first type in priority order, a Spot one the type the
//    spotAllocationStrategy prefers (lowest-price: cheapest Spot price; capacity-optimized: the
//    lowest interruption band; price-capacity-optimized: the lowest band, then the price; ties:
//    priority order). A type under an insufficientCapacity event in a zone is skipped there; when
//    no zone can launch, the launch fails and the group tries again the next minute.
//  - Without managed scaling the group keeps its desired capacity (replacing lost instances).
//
// Invariants:
//  - members(p) lists provider p's instances that are launched and not terminated, in launch
//    order; desired(p) is within [minSize, maxSize].
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/random.h"
#include "sim/run_result.h"
#include "sim/time.h"

namespace ecsim::sim {

// The item of `strategy` the next task goes to, given the live tasks per item. REQUIRES: some
// item has weight > 0 or a base not yet reached.
std::size_t provider_for(const std::vector<CapacityProviderStrategyItem>& strategy, const std::vector<std::int64_t>& live);

// One shape of tasks waiting for a provider's capacity.
struct WaitingShape {
  Resources need;
  std::int32_t static_ports = 0;  // static host ports each task binds (TCP and UDP)
  std::int64_t count = 0;
};

// What one instance of a type registers (for the scale-out estimate).
struct InstanceCapacity {
  std::int64_t cpu = 0;
  std::int64_t memory_mib = 0;
  std::int64_t gpus = 0;
  std::int64_t enis = 0;
  std::int64_t ports = 0;  // static host ports it can still bind (100 minus the reserved ones)
};

// Instances of `largest` needed for the waiting tasks, shape by shape (tasks of one shape per
// instance: the fewest over its resources), ignoring shapes that do not fit `smallest`.
std::int64_t estimate_new_instances(const std::vector<WaitingShape>& waiting, const InstanceCapacity& largest,
                                    const InstanceCapacity& smallest);

// CapacityProviderReservation in percent. `busy`: instances running a non-daemon task; `needed`:
// estimate_new_instances (0 when no task waits); `waiting`: whether tasks wait.
double reservation_percent(std::int64_t instances, std::int64_t busy, std::int64_t needed, bool waiting);

// What the capacity providers ask of the engine.
class FleetHost {
 public:
  virtual ~FleetHost() = default;
  virtual SimTime now() const = 0;
  virtual SimTime end() const = 0;
  virtual const ClusterState& cluster() const = 0;
  // Creates an instance of instance group `group` in `zone` on `market`, launched now; it
  // registers `delay` later. Returns its index.
  virtual InstanceIdx launch_instance(std::uint32_t group, std::uint32_t zone, Market market, SimTime delay,
                                      std::string id) = 0;
  // Terminates a live instance as the group scales in (its tasks stop with it).
  virtual void scale_in_instance(InstanceIdx i) = 0;
  // Tasks of provider p not yet placed, by shape.
  virtual void waiting_for(std::uint32_t provider, std::vector<WaitingShape>& out) const = 0;
  // Tasks holding resources on instance i that are not a DAEMON service's.
  virtual std::int32_t nondaemon_tasks(InstanceIdx i) const = 0;
  // Whether instances can launch in the zone now (not in an outage).
  virtual bool zone_up(std::uint32_t zone) const = 0;
  // Asks for CapacityProviders::tick() at `at`.
  virtual void schedule_tick(SimTime at) = 0;
};

class CapacityProviders {
 public:
  CapacityProviders(const Scenario& scenario, FleetHost& host, RunResult& result);

  bool empty() const { return providers_.empty(); }

  // Time 0: every group launches its desired capacity, registered at once (the run starts with
  // them in service); the first tick is a minute later.
  void start();
  // Every minute: the metric, managed scaling, and launches owed (failed ones, replacements).
  void tick();
  // Instance i left for good (failed, interrupted, lost with its zone, or scaled in). Unless it
  // was scaled in, the group replaces it to keep its desired capacity.
  void on_instance_gone(InstanceIdx i, bool scaled_in);
  // Launches of `type` (-1: any) in `zone` fail until `until`.
  void insufficient_capacity(std::uint32_t zone, std::int32_t type, SimTime until);

  // The provider of instance i (kNoProvider for the instance groups').
  static constexpr std::uint32_t kNoProvider = 0xFFFFFFFFu;
  std::uint32_t provider_of(InstanceIdx i) const { return i < provider_of_.size() ? provider_of_[i] : kNoProvider; }
  const std::vector<InstanceIdx>& members(std::uint32_t p) const { return providers_[p].members; }
  std::int32_t desired(std::uint32_t p) const { return providers_[p].desired; }
  // Fills RunResult::capacity_providers' time-weighted figures.
  void finish(SimTime end);
  // Appends this sample's per-provider figures (RunResult::provider_*).
  void sample();

 private:
  struct State {
    const CapacityProvider* spec = nullptr;
    std::vector<InstanceIdx> members;
    std::int32_t desired = 0;
    std::int32_t low_datapoints = 0;  // consecutive datapoints below target
    SimTime warm_after = 0;           // no scale-out before this (the last launch + warm-up)
    std::int64_t next_id = 1;
    RandomStream launch_rng;
    double last_metric = 100;
    SimTime last_account = 0;
    double instance_area = 0;         // Σ members × µs
  };

  void launch_missing(std::uint32_t p);
  bool launch_one(std::uint32_t p, SimTime delay);
  void scale_in(std::uint32_t p, std::int32_t count);
  bool can_launch(std::uint32_t zone, std::uint32_t type) const;
  void account(State& s);

  const Scenario& scenario_;
  FleetHost& host_;
  RunResult& result_;
  std::vector<State> providers_;
  std::vector<std::uint32_t> provider_of_;  // per instance
  std::vector<Market> market_of_;           // per instance (the providers' only)
  std::vector<std::vector<SimTime>> ice_until_;  // [zone][type]: launches fail before this
  std::vector<WaitingShape> scratch_;
};

}  // namespace ecsim::sim
