#include "sim/capacity_providers.h"

#include <algorithm>
#include <limits>

#include "sim/run_setup.h"
#include "sim/invariant.h"

namespace ecsim::sim {
namespace {

// The datapoints below target that start a scale-in (the low alarm: 15 one-minute periods; Dev
// Guide "Amazon ECS cluster auto scaling").
constexpr std::int32_t kScaleInDatapoints = 15;
constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// Spot price and interruption band of a type, as the catalog gives them (an unknown band ranks
// after every known one).
std::int64_t spot_price(const InstanceType& t) { return t.spot_price_microdollars_per_hour(); }
std::int32_t interruption_band(const InstanceType& t) { return static_cast<std::int32_t>(t.spot_interruption_band); }

InstanceCapacity capacity_of(const Scenario& scenario, const InstanceGroup& g) {
  const InstanceType& t = scenario.instance_types[g.instance_type];
  InstanceCapacity c;
  c.cpu = static_cast<std::int64_t>(t.vcpu) * 1024;
  c.memory_mib = os_memory_mib(t, g.os_type) - g.reserved_memory_mib;
  c.gpus = t.gpus;
  c.enis = g.awsvpc_trunking ? t.trunked_awsvpc_tasks : std::max(0, t.max_enis - 1);
  c.ports = 100 - static_cast<std::int64_t>(g.reserved_tcp_ports.size());
  return c;
}

// Tasks of one shape an instance takes: the fewest over the resources the shape needs.
std::int64_t per_instance(const WaitingShape& w, const InstanceCapacity& c) {
  std::int64_t n = std::numeric_limits<std::int64_t>::max();
  const auto limit = [&](std::int64_t need, std::int64_t have) {
    if (need > 0) n = std::min(n, have / need);
  };
  limit(w.need.cpu, c.cpu);
  limit(w.need.memory_mib, c.memory_mib);
  limit(w.need.gpus, c.gpus);
  limit(w.need.enis, c.enis);
  limit(w.static_ports, c.ports);
  // A task that reserves nothing still needs an instance; any number fit one.
  return n == std::numeric_limits<std::int64_t>::max() ? std::numeric_limits<std::int64_t>::max() : n;
}

}  // namespace

std::size_t provider_for(const std::vector<CapacityProviderStrategyItem>& strategy, const std::vector<std::int64_t>& live) {
  ECSIM_CHECK(strategy.size() == live.size() && !strategy.empty(), "a capacity provider strategy without providers");
  std::int64_t weights = 0;
  for (std::size_t k = 0; k < strategy.size(); ++k) {
    if (strategy[k].base > 0 && live[k] < strategy[k].base) return k;
    weights += strategy[k].weight;
  }
  if (weights == 0) {
    // Only a base, and it is reached: ECS still needs somewhere to put the task; the base's.
    for (std::size_t k = 0; k < strategy.size(); ++k) {
      if (strategy[k].base > 0) return k;
    }
    return 0;
  }
  // Beyond the base, item k holds c_k tasks of m; the next goes where w_k (m + 1) − c_k Σw is
  // largest (the share furthest below its weight).
  std::int64_t m = 0;
  std::vector<std::int64_t> beyond(strategy.size());
  for (std::size_t k = 0; k < strategy.size(); ++k) {
    beyond[k] = std::max<std::int64_t>(0, live[k] - strategy[k].base);
    m += beyond[k];
  }
  std::size_t best = strategy.size();
  std::int64_t best_gap = std::numeric_limits<std::int64_t>::min();
  for (std::size_t k = 0; k < strategy.size(); ++k) {
    if (strategy[k].weight == 0) continue;
    const std::int64_t gap = strategy[k].weight * (m + 1) - beyond[k] * weights;
    if (gap > best_gap) {
      best_gap = gap;
      best = k;
    }
  }
  return best;
}

std::int64_t estimate_new_instances(const std::vector<WaitingShape>& waiting, const InstanceCapacity& largest,
                                    const InstanceCapacity& smallest) {
  std::int64_t total = 0;
  for (const WaitingShape& w : waiting) {
    if (w.count <= 0 || per_instance(w, smallest) == 0) continue;  // never fits: ignored
    const std::int64_t per = per_instance(w, largest);
    if (per == 0) continue;
    total += per == std::numeric_limits<std::int64_t>::max() ? 1 : (w.count + per - 1) / per;
  }
  return total;
}

double reservation_percent(std::int64_t instances, std::int64_t busy, std::int64_t needed, bool waiting) {
  if (instances == 0) return waiting ? 200.0 : 100.0;
  const std::int64_t m = waiting ? instances + std::max<std::int64_t>(needed, 1) : busy;
  return static_cast<double>(m) * 100.0 / static_cast<double>(instances);
}

CapacityProviders::CapacityProviders(const Scenario& scenario, FleetHost& host, RunResult& result)
    : scenario_(scenario), host_(host), result_(result) {
  for (const CapacityProvider& cp : scenario.capacity_providers) {
    State s;
    s.spec = &cp;
    s.desired = cp.desired_capacity;
    s.launch_rng = RandomStream(scenario.seed, "capacityProvider:" + cp.name + "/launch");
    providers_.push_back(std::move(s));
    CapacityProviderResult r;
    r.name = cp.name;
    r.desired_at_end = cp.desired_capacity;
    result_.capacity_providers.push_back(std::move(r));
  }
  ice_until_.assign(scenario.cluster.availability_zones.size(),
                    std::vector<SimTime>(scenario.instance_types.size(), -1));
}

void CapacityProviders::start() {
  for (std::uint32_t p = 0; p < providers_.size(); ++p) {
    State& s = providers_[p];
    for (std::int32_t n = 0; n < s.desired; ++n) {
      if (!launch_one(p, 0)) break;
    }
    s.warm_after = 0;  // the initial instances are in service: no warm-up holds the first scale-out
    CapacityProviderResult& r = result_.capacity_providers[p];
    r.instances_min = r.instances_max = static_cast<std::int32_t>(s.members.size());
  }
  if (!providers_.empty() && kMinute < host_.end()) host_.schedule_tick(kMinute);
}

bool CapacityProviders::can_launch(std::uint32_t zone, std::uint32_t type) const {
  return ice_until_[zone][type] <= host_.now();
}

void CapacityProviders::insufficient_capacity(std::uint32_t zone, std::int32_t type, SimTime until) {
  for (std::size_t t = 0; t < scenario_.instance_types.size(); ++t) {
    if (type < 0 || static_cast<std::size_t>(type) == t) ice_until_[zone][t] = std::max(ice_until_[zone][t], until);
  }
}

// One instance for provider p: zone, market and type as the header says. False when none can
// launch now.
bool CapacityProviders::launch_one(std::uint32_t p, SimTime delay) {
  State& s = providers_[p];
  const CapacityProvider& cp = *s.spec;
  const ClusterState& cluster = host_.cluster();
  // Market: On-Demand up to the base, then the percentage of the rest, rounded up.
  std::int64_t on_demand = 0;
  for (const InstanceIdx i : s.members) on_demand += market_of_[i] == Market::kOnDemand ? 1 : 0;
  const auto total = static_cast<std::int64_t>(s.members.size()) + 1;
  const std::int64_t above = std::max<std::int64_t>(0, total - cp.on_demand_base_capacity);
  const std::int64_t want_on_demand =
      std::min<std::int64_t>(total, cp.on_demand_base_capacity) + (above * cp.on_demand_percentage_above_base + 99) / 100;
  const Market market = on_demand < want_on_demand ? Market::kOnDemand : Market::kSpot;

  // Types in the order this market prefers them.
  std::vector<std::uint32_t> order(cp.groups.size());
  for (std::uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  if (market == Market::kSpot && cp.spot_allocation != SpotAllocationStrategy::kLowestPrice) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const InstanceType& ta = scenario_.instance_types[scenario_.cluster.instance_groups[cp.groups[a]].instance_type];
      const InstanceType& tb = scenario_.instance_types[scenario_.cluster.instance_groups[cp.groups[b]].instance_type];
      if (interruption_band(ta) != interruption_band(tb)) return interruption_band(ta) < interruption_band(tb);
      if (cp.spot_allocation == SpotAllocationStrategy::kPriceCapacityOptimized) return spot_price(ta) < spot_price(tb);
      return false;
    });
  } else if (market == Market::kSpot) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return spot_price(scenario_.instance_types[scenario_.cluster.instance_groups[cp.groups[a]].instance_type]) <
             spot_price(scenario_.instance_types[scenario_.cluster.instance_groups[cp.groups[b]].instance_type]);
    });
  }
  // Zones by how few of the group's instances they hold (ties: the group's zone order).
  std::vector<std::int64_t> in_zone(scenario_.cluster.availability_zones.size(), 0);
  for (const InstanceIdx i : s.members) ++in_zone[cluster.zone[i]];
  std::vector<std::uint32_t> zones = cp.zones;
  std::stable_sort(zones.begin(), zones.end(), [&](std::uint32_t a, std::uint32_t b) { return in_zone[a] < in_zone[b]; });
  for (const std::uint32_t z : zones) {
    if (!host_.zone_up(z)) continue;
    for (const std::uint32_t k : order) {
      const std::uint32_t g = cp.groups[k];
      if (!can_launch(z, scenario_.cluster.instance_groups[g].instance_type)) continue;
      const SimTime registers_after = delay >= 0 ? delay : 0;
      const InstanceIdx i =
          host_.launch_instance(g, z, market, registers_after, cp.name + "-" + std::to_string(s.next_id++));
      if (provider_of_.size() <= i) {
        provider_of_.resize(i + 1, kNone);
        market_of_.resize(i + 1, Market::kOnDemand);
      }
      provider_of_[i] = p;
      market_of_[i] = market;
      account(s);
      s.members.push_back(i);
      ++result_.capacity_providers[p].launched;
      CapacityProviderResult& r = result_.capacity_providers[p];
      r.instances_max = std::max(r.instances_max, static_cast<std::int32_t>(s.members.size()));
      s.warm_after = std::max(s.warm_after, host_.now() + cp.instance_warmup);
      return true;
    }
  }
  ++result_.capacity_providers[p].failed_launches;
  return false;
}

// Draws the launch-to-registration time and launches until the group holds its desired capacity.
void CapacityProviders::launch_missing(std::uint32_t p) {
  State& s = providers_[p];
  while (static_cast<std::int32_t>(s.members.size()) < s.desired) {
    SimTime delay = 0;
    const RuntimeSpec& lt = s.spec->launch_time;
    switch (lt.kind) {
      case RuntimeSpec::Kind::kConstant: delay = lt.value; break;
      case RuntimeSpec::Kind::kExponential: delay = static_cast<SimTime>(s.launch_rng.exponential(static_cast<double>(lt.mean))); break;
      case RuntimeSpec::Kind::kLognormal:
        delay = static_cast<SimTime>(
            s.launch_rng.lognormal_median_p90(static_cast<double>(lt.median), static_cast<double>(lt.p90)));
        break;
      case RuntimeSpec::Kind::kUniform:
        delay = static_cast<SimTime>(s.launch_rng.uniform(static_cast<double>(lt.min), static_cast<double>(lt.max)));
        break;
      case RuntimeSpec::Kind::kEmpirical:
        delay = lt.samples[s.launch_rng.uniform_index(lt.samples.size())];
        break;
    }
    if (!launch_one(p, delay)) return;
  }
}

void CapacityProviders::scale_in(std::uint32_t p, std::int32_t count) {
  State& s = providers_[p];
  const ClusterState& cluster = host_.cluster();
  for (std::int32_t n = 0; n < count; ++n) {
    std::vector<std::int64_t> in_zone(scenario_.cluster.availability_zones.size(), 0);
    for (const InstanceIdx i : s.members) ++in_zone[cluster.zone[i]];
    // The newest eligible instance of the fullest zone that has one.
    InstanceIdx victim = kNoInstance;
    std::int64_t victim_zone_count = -1;
    for (auto it = s.members.rbegin(); it != s.members.rend(); ++it) {
      const InstanceIdx i = *it;
      if (s.spec->managed_termination_protection && host_.nondaemon_tasks(i) > 0) continue;
      const std::int64_t c = in_zone[cluster.zone[i]];
      if (c > victim_zone_count ||
          (c == victim_zone_count && victim != kNoInstance && cluster.zone[i] < cluster.zone[victim])) {
        victim = i;
        victim_zone_count = c;
      }
    }
    if (victim == kNoInstance) return;  // every instance is protected
    --s.desired;
    ++result_.capacity_providers[p].scaled_in;
    host_.scale_in_instance(victim);  // calls on_instance_gone(victim, true)
  }
}

void CapacityProviders::on_instance_gone(InstanceIdx i, bool scaled_in) {
  const std::uint32_t p = provider_of(i);
  if (p == kNone) return;
  State& s = providers_[p];
  const auto it = std::find(s.members.begin(), s.members.end(), i);
  if (it == s.members.end()) return;
  account(s);
  s.members.erase(it);
  CapacityProviderResult& r = result_.capacity_providers[p];
  r.instances_min = std::min(r.instances_min, static_cast<std::int32_t>(s.members.size()));
  if (!scaled_in) {
    ++r.lost;
    launch_missing(p);  // the group replaces an unhealthy instance
  }
}

void CapacityProviders::tick() {
  for (std::uint32_t p = 0; p < providers_.size(); ++p) {
    State& s = providers_[p];
    const CapacityProvider& cp = *s.spec;
    if (cp.managed_scaling) {
      scratch_.clear();
      host_.waiting_for(p, scratch_);
      bool waiting = false;
      for (const WaitingShape& w : scratch_) waiting = waiting || w.count > 0;
      std::int64_t busy = 0;
      for (const InstanceIdx i : s.members) busy += host_.nondaemon_tasks(i) > 0 ? 1 : 0;
      std::int64_t needed = 0;
      if (waiting) {
        // The largest type gives the count, the smallest the fit check.
        std::uint32_t large = cp.groups[0], small = cp.groups[0];
        for (const std::uint32_t g : cp.groups) {
          const InstanceType& t = scenario_.instance_types[scenario_.cluster.instance_groups[g].instance_type];
          const InstanceType& tl = scenario_.instance_types[scenario_.cluster.instance_groups[large].instance_type];
          const InstanceType& ts = scenario_.instance_types[scenario_.cluster.instance_groups[small].instance_type];
          if (t.vcpu > tl.vcpu || (t.vcpu == tl.vcpu && t.memory_mib > tl.memory_mib)) large = g;
          if (t.vcpu < ts.vcpu || (t.vcpu == ts.vcpu && t.memory_mib < ts.memory_mib)) small = g;
        }
        needed = estimate_new_instances(scratch_, capacity_of(scenario_, scenario_.cluster.instance_groups[large]),
                                        capacity_of(scenario_, scenario_.cluster.instance_groups[small]));
      }
      const auto n = static_cast<std::int64_t>(s.members.size());
      const double metric = reservation_percent(n, busy, needed, waiting);
      s.last_metric = metric;
      const std::int64_t m = n == 0 ? (waiting ? 2 : 0) : (waiting ? n + std::max<std::int64_t>(needed, 1) : busy);
      const std::int64_t target_instances = (m * 100 + cp.target_capacity - 1) / cp.target_capacity;
      if (metric > cp.target_capacity) {
        s.low_datapoints = 0;
        if (host_.now() >= s.warm_after && s.desired < cp.max_size) {
          const std::int64_t step = std::clamp<std::int64_t>(target_instances - n, cp.minimum_scaling_step_size,
                                                             cp.maximum_scaling_step_size);
          const auto desired = static_cast<std::int32_t>(std::min<std::int64_t>(cp.max_size, s.desired + step));
          if (desired > s.desired) {
            s.desired = desired;
            ++result_.capacity_providers[p].scale_outs;
          }
        }
      } else if (metric < cp.target_capacity) {
        if (++s.low_datapoints >= kScaleInDatapoints) {
          const auto goal = static_cast<std::int32_t>(std::max<std::int64_t>(cp.min_size, target_instances));
          if (goal < s.desired) {
            const std::int32_t at_most = std::max(1, s.desired / 2);
            const std::int32_t count = std::min(s.desired - goal, at_most);
            const std::int64_t before = result_.capacity_providers[p].scaled_in;
            scale_in(p, count);
            if (result_.capacity_providers[p].scaled_in > before) ++result_.capacity_providers[p].scale_ins;
          }
        }
      } else {
        s.low_datapoints = 0;
      }
    }
    launch_missing(p);
    result_.capacity_providers[p].desired_at_end = s.desired;
  }
  if (host_.now() + kMinute < host_.end()) host_.schedule_tick(host_.now() + kMinute);
}

void CapacityProviders::account(State& s) {
  const SimTime now = host_.now();
  s.instance_area += static_cast<double>(s.members.size()) * static_cast<double>(now - s.last_account);
  s.last_account = now;
}

void CapacityProviders::sample() {
  for (std::uint32_t p = 0; p < providers_.size(); ++p) {
    const State& s = providers_[p];
    result_.provider_instances.push_back(static_cast<std::int64_t>(s.members.size()));
    result_.provider_desired.push_back(s.desired);
    result_.provider_reservation.push_back(s.last_metric);
  }
}

void CapacityProviders::finish(SimTime end) {
  for (std::uint32_t p = 0; p < providers_.size(); ++p) {
    State& s = providers_[p];
    account(s);
    CapacityProviderResult& r = result_.capacity_providers[p];
    r.instances_mean = end > 0 ? s.instance_area / static_cast<double>(end) : 0;
    r.desired_at_end = s.desired;
  }
  if (!providers_.empty()) {
    result_.instance_capacity_provider.assign(result_.instances.size(), kNone);
    for (std::size_t i = 0; i < result_.instances.size() && i < provider_of_.size(); ++i) {
      result_.instance_capacity_provider[i] = provider_of_[i];
    }
  }
}

}  // namespace ecsim::sim
