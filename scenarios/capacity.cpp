#include "scenarios/capacity.h"

#include <algorithm>
#include <string>

#include "scenarios/agent_capabilities.h"
#include "scenarios/catalog.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/values.h"
#include "sim/pricing.h"
#include "sim/run_setup.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

// API reference CreateCapacityProvider: up to 255 letters, digits, '_' and '-', not prefixed
// with "aws", "ecs" or "fargate".
void check_provider_name(const JsonCursor& c, const std::string& name) {
  const bool chars = std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
  if (!chars || name.size() > 255) c.fail("a capacity provider name of up to 255 letters, digits, '_' and '-'", quote(name));
  std::string lower = name;
  for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  for (const char* prefix : {"aws", "ecs", "fargate"}) {
    if (lower.rfind(prefix, 0) == 0) {
      c.fail("a capacity provider name not prefixed with \"aws\", \"ecs\" or \"fargate\"", quote(name));
    }
  }
}

std::uint32_t type_index(const LoadContext& ctx, const JsonCursor& c) {
  const std::string name = c.get_name("an instance type name");
  const std::int64_t i = find_instance_type(ctx.scenario.instance_types, name);
  if (i >= 0) return static_cast<std::uint32_t>(i);
  std::vector<std::string> names;
  for (const auto& t : ctx.scenario.instance_types) names.push_back(t.name);
  const std::string suggestion = sim::closest_spelling(name, names.data(), names.size());
  std::string expected = "an instance type of the EC2 catalog or of instanceTypes";
  if (!suggestion.empty()) expected += " (did you mean \"" + suggestion + "\"?)";
  c.fail(expected, quote(name));
}

std::int32_t get_count(const JsonCursor& c, std::int64_t lo, std::int64_t hi, const std::string& what) {
  return static_cast<std::int32_t>(c.get_int(lo, hi, what));
}

bool enabled(const JsonCursor& c) { return choose(c, "status", {"DISABLED", "ENABLED"}) == 1; }

// The Spot allocation strategies of EC2 Auto Scaling's InstancesDistribution.
sim::SpotAllocationStrategy spot_allocation(const JsonCursor& c) {
  switch (choose(c, "spotAllocationStrategy", {"capacity-optimized", "lowest-price", "price-capacity-optimized"})) {
    case 0: return sim::SpotAllocationStrategy::kCapacityOptimized;
    case 1: return sim::SpotAllocationStrategy::kLowestPrice;
    default: return sim::SpotAllocationStrategy::kPriceCapacityOptimized;
  }
}

void read_distribution(const JsonCursor& d, sim::CapacityProvider& out) {
  if (d.has("onDemandBaseCapacity")) {
    out.on_demand_base_capacity = get_count(d["onDemandBaseCapacity"], 0, 100000, "an onDemandBaseCapacity from 0 to 100000");
  }
  if (d.has("onDemandPercentageAboveBaseCapacity")) {
    out.on_demand_percentage_above_base =
        get_count(d["onDemandPercentageAboveBaseCapacity"], 0, 100, "a percentage from 0 to 100");
  }
  if (d.has("spotAllocationStrategy")) out.spot_allocation = spot_allocation(d["spotAllocationStrategy"]);
}

void load_provider(LoadContext& ctx, const JsonCursor& p,
                   const std::function<sim::RuntimeSpec(const JsonCursor&)>& read_runtime) {
  sim::Scenario& s = ctx.scenario;
  p.expect_object("a capacity provider object");
  p.check_keys(keys::kCapacityProvider);
  sim::CapacityProvider out;
  out.name = p["name"].get_name("a capacity provider name");
  check_provider_name(p["name"], out.name);
  for (const auto& other : s.capacity_providers) {
    if (other.name == out.name) p["name"].fail("a capacity provider name not used before");
  }
  for (const auto& g : s.cluster.instance_groups) {
    if (g.name == out.name) p["name"].fail("a capacity provider name that no instance group uses (instance ids begin with it)");
  }
  const JsonCursor a = p["autoScalingGroup"];
  a.expect_object("an autoScalingGroup object");
  a.check_keys(keys::kAutoScalingGroup);

  // The launch template: an instance group's settings, or the defaults of a Linux group.
  sim::InstanceGroup base;
  base.capabilities.assign(default_agent_capabilities().begin(), default_agent_capabilities().end());
  bool has_template = false;
  if (a.has("launchTemplate")) {
    std::vector<std::string> names;
    for (const auto& g : s.cluster.instance_groups) names.push_back(g.name);
    base = s.cluster.instance_groups[choose(a["launchTemplate"], "instance group (launch template)", names)];
    has_template = true;
  }

  // Instance types, in priority order.
  std::vector<std::uint32_t> types;
  const auto add_type = [&](const JsonCursor& c) {
    const std::uint32_t t = type_index(ctx, c);
    if (std::find(types.begin(), types.end(), t) != types.end()) c.fail("an instance type not listed before");
    types.push_back(t);
  };
  const int named = (a.has("instanceType") ? 1 : 0) + (a.has("instanceTypes") ? 1 : 0) + (a.has("mixedInstancesPolicy") ? 1 : 0);
  if (named > 1) a.fail("one of instanceType, instanceTypes and mixedInstancesPolicy, not several");
  if (a.has("instanceType")) add_type(a["instanceType"]);
  if (a.has("instanceTypes")) {
    const JsonCursor list = a["instanceTypes"];
    list.expect_array("an array of instance type names");
    if (list.size() == 0 || list.size() > 40) list.fail("1 to 40 instance types");
    for (std::size_t k = 0; k < list.size(); ++k) add_type(list.at(k));
  }
  if (a.has("mixedInstancesPolicy")) {
    // EC2 Auto Scaling MixedInstancesPolicy: launchTemplate.overrides[].instanceType, instancesDistribution.
    const JsonCursor m = a["mixedInstancesPolicy"];
    m.expect_object("a mixedInstancesPolicy object");
    m.check_keys(keys::kMixedInstancesPolicy);
    const JsonCursor lt = m["launchTemplate"];
    lt.expect_object("a launchTemplate object");
    lt.check_keys(keys::kMixedLaunchTemplate);
    const JsonCursor overrides = lt["overrides"];
    overrides.expect_array("an array of overrides");
    if (overrides.size() == 0 || overrides.size() > 40) overrides.fail("1 to 40 overrides");
    for (std::size_t k = 0; k < overrides.size(); ++k) {
      const JsonCursor o = overrides.at(k);
      o.expect_object("an override object");
      o.check_keys(keys::kOverride);
      if (o.has("weightedCapacity")) o["weightedCapacity"].fail("no weightedCapacity (ecsim counts instances, weight 1)");
      add_type(o["instanceType"]);
    }
    if (m.has("instancesDistribution")) {
      const JsonCursor d = m["instancesDistribution"];
      d.expect_object("an instancesDistribution object");
      d.check_keys(keys::kInstancesDistribution);
      if (d.has("onDemandAllocationStrategy")) {
        choose(d["onDemandAllocationStrategy"], "onDemandAllocationStrategy", {"prioritized"});
      }
      read_distribution(d, out);
    }
  }
  if (types.empty()) {
    if (!has_template) a.fail("instanceTypes, mixedInstancesPolicy or a launchTemplate naming an instance group");
    types.push_back(base.instance_type);
  }
  read_distribution(a, out);

  // Zones: the group's, else the template's, else the cluster's.
  if (a.has("availabilityZones")) {
    const JsonCursor zones = a["availabilityZones"];
    zones.expect_array("an array of the cluster's availability zones");
    if (zones.size() == 0) zones.fail("at least one availability zone");
    for (std::size_t k = 0; k < zones.size(); ++k) {
      const std::uint32_t z = ctx.zone_index(zones.at(k));
      if (std::find(out.zones.begin(), out.zones.end(), z) != out.zones.end()) zones.at(k).fail("an availability zone not listed before");
      out.zones.push_back(z);
    }
  } else if (has_template) {
    out.zones = base.zones;
  } else {
    for (std::uint32_t z = 0; z < s.cluster.availability_zones.size(); ++z) out.zones.push_back(z);
  }

  out.min_size = get_count(a["minSize"], 0, 5000, "a minSize from 0 to 5000 (ECS: 5000 container instances per cluster)");
  out.max_size = get_count(a["maxSize"], 0, 5000, "a maxSize from 0 to 5000 (ECS: 5000 container instances per cluster)");
  if (out.max_size < out.min_size) a["maxSize"].fail("a maxSize of at least minSize (" + std::to_string(out.min_size) + ")");
  out.desired_capacity = out.min_size;
  if (a.has("desiredCapacity")) {
    out.desired_capacity = get_count(a["desiredCapacity"], out.min_size, out.max_size,
                                     "a desiredCapacity from minSize to maxSize (" + std::to_string(out.min_size) + " to " +
                                         std::to_string(out.max_size) + ")");
  }
  if (a.has("launchTime")) {
    const JsonCursor lt = a["launchTime"];
    if (lt.is_object()) {
      out.launch_time = read_runtime(lt);
    } else {
      out.launch_time = sim::RuntimeSpec{};
      out.launch_time.kind = sim::RuntimeSpec::Kind::kConstant;
      out.launch_time.value = get_duration(lt);
    }
  }

  if (p.has("managedScaling")) {
    // API reference ManagedScaling, with its ranges and defaults.
    const JsonCursor m = p["managedScaling"];
    m.expect_object("a managedScaling object");
    m.check_keys(keys::kManagedScaling);
    out.managed_scaling = m.has("status") ? enabled(m["status"]) : true;
    if (m.has("targetCapacity")) out.target_capacity = get_count(m["targetCapacity"], 1, 100, "a targetCapacity from 1 to 100");
    if (m.has("minimumScalingStepSize")) {
      out.minimum_scaling_step_size = get_count(m["minimumScalingStepSize"], 1, 10000, "a step size from 1 to 10000");
    }
    if (m.has("maximumScalingStepSize")) {
      out.maximum_scaling_step_size = get_count(m["maximumScalingStepSize"], 1, 10000, "a step size from 1 to 10000");
    }
    if (out.maximum_scaling_step_size < out.minimum_scaling_step_size) {
      m["maximumScalingStepSize"].fail("a maximumScalingStepSize of at least minimumScalingStepSize");
    }
    if (m.has("instanceWarmupPeriod")) {
      out.instance_warmup = get_count(m["instanceWarmupPeriod"], 0, 10000, "an instanceWarmupPeriod from 0 to 10000 seconds") *
                            sim::kSecond;
    }
  }
  if (p.has("managedTerminationProtection")) {
    out.managed_termination_protection = enabled(p["managedTerminationProtection"]);
    // Dev Guide "Amazon ECS capacity providers": managed termination protection needs managed scaling.
    if (out.managed_termination_protection && !out.managed_scaling) {
      p["managedTerminationProtection"].fail("DISABLED while managed scaling is off (it needs managed scaling)");
    }
  }

  // One instance group per type: the template's settings with the ASG's type and zones.
  for (const std::uint32_t t : types) {
    sim::InstanceGroup g = base;
    g.name = out.name;
    g.instance_type = t;
    g.count = 0;
    g.market = sim::Market::kOnDemand;
    g.zones = out.zones;
    g.launch_time = 0;
    const sim::InstanceType& type = s.instance_types[t];
    const std::int64_t registers = sim::os_memory_mib(type, g.os_type);
    if (g.reserved_memory_mib >= registers) {
      a["launchTemplate"].fail("a launch template whose reservedMemoryMiB (" + std::to_string(g.reserved_memory_mib) +
                               ") is below what a " + type.name + " registers (" + std::to_string(registers) + " MiB)");
    }
    if (g.awsvpc_trunking && type.trunked_awsvpc_tasks == 0) {
      a["launchTemplate"].fail("a launch template without awsvpcTrunking for " + type.name +
                               " (no documented trunking limit)");
    }
    out.groups.push_back(static_cast<std::uint32_t>(s.cluster.instance_groups.size()));
    s.cluster.instance_groups.push_back(std::move(g));
  }
  s.capacity_providers.push_back(std::move(out));
}

}  // namespace

void load_capacity_providers(LoadContext& ctx, const JsonCursor& list,
                             const std::function<sim::RuntimeSpec(const JsonCursor&)>& read_runtime) {
  list.expect_array("an array of capacity providers");
  // Dev Guide "Amazon ECS service quotas": capacity providers per cluster.
  if (list.size() > 20) list.fail("at most 20 capacity providers", std::to_string(list.size()));
  for (std::size_t k = 0; k < list.size(); ++k) load_provider(ctx, list.at(k), read_runtime);
}

std::vector<sim::CapacityProviderStrategyItem> parse_capacity_provider_strategy(const LoadContext& ctx,
                                                                                const JsonCursor& list) {
  list.expect_array("an array of capacity provider strategy items");
  if (list.size() == 0) list.fail("at least one capacity provider strategy item");
  if (list.size() > 6) list.fail("at most 6 capacity provider strategy items", std::to_string(list.size()));
  std::vector<std::string> names;
  for (const auto& cp : ctx.scenario.capacity_providers) names.push_back(cp.name);
  std::vector<sim::CapacityProviderStrategyItem> out;
  bool base_seen = false, weight_seen = false;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const JsonCursor item = list.at(k);
    item.expect_object("a capacity provider strategy item");
    item.check_keys(keys::kCapacityProviderStrategyItem);
    const JsonCursor name = item["capacityProvider"];
    const std::string word = name.get_name("a capacity provider name");
    if (word == "FARGATE" || word == "FARGATE_SPOT") {
      name.fail("a capacity provider of capacityProviders (ecsim simulates EC2 container instances, not Fargate)",
                quote(word));
    }
    if (names.empty()) name.fail("a capacity provider of capacityProviders (the scenario has none)", quote(word));
    sim::CapacityProviderStrategyItem it;
    it.provider = static_cast<std::uint32_t>(choose(name, "capacity provider", names));
    for (const auto& other : out) {
      if (other.provider == it.provider) name.fail("a capacity provider not listed before in this strategy");
    }
    if (item.has("weight")) it.weight = get_count(item["weight"], 0, 1000, "a weight from 0 to 1000");
    if (item.has("base")) {
      it.base = get_count(item["base"], 0, 100000, "a base from 0 to 100000");
      if (it.base > 0 && base_seen) item["base"].fail("a base on one item of the strategy only");
      base_seen = base_seen || it.base > 0;
    }
    weight_seen = weight_seen || it.weight > 0;
    out.push_back(it);
  }
  if (!weight_seen) list.fail("a strategy where at least one capacity provider has a weight greater than 0");
  return out;
}

std::vector<sim::CapacityProviderStrategyItem> resolve_capacity_provider_strategy(const LoadContext& ctx,
                                                                                  const JsonCursor& parent) {
  const bool own = has_value(parent, "capacityProviderStrategy") &&
                   !(parent["capacityProviderStrategy"].is_array() && parent["capacityProviderStrategy"].size() == 0);
  if (own && has_value(parent, "launchType")) {
    parent["launchType"].fail("either a launchType or a capacityProviderStrategy, not both");
  }
  if (has_value(parent, "launchType")) {
    if (parent["launchType"].get_string() != "EC2") parent["launchType"].fail("EC2 (ecsim simulates EC2 container instances)");
    return {};
  }
  if (own) return parse_capacity_provider_strategy(ctx, parent["capacityProviderStrategy"]);
  return ctx.scenario.cluster.default_capacity_provider_strategy;
}

void default_spot_interruption_rates(sim::Scenario& scenario) {
  sim::FaultSpec& f = scenario.faults;
  if (!f.spot_interruption_rate_per_hour.empty()) return;
  f.spot_interruption_rate_per_hour.assign(scenario.instance_types.size(), 0.0);
  for (std::size_t t = 0; t < scenario.instance_types.size(); ++t) {
    const sim::SpotInterruptionBand band = scenario.instance_types[t].spot_interruption_band;
    if (band != sim::SpotInterruptionBand::kUnknown) f.spot_interruption_rate_per_hour[t] = sim::spot_interruption_rate_per_hour(band);
  }
}

void load_faults(LoadContext& ctx, const JsonCursor& c) {
  sim::FaultSpec& f = ctx.scenario.faults;
  c.expect_object("a faults object");
  c.check_keys(keys::kFaults);
  const auto rate = [](const JsonCursor& r) {
    const double v = r.get_number("a rate per instance-hour (a number from 0 to 1000)");
    if (v < 0 || v > 1000) r.fail("a rate per instance-hour from 0 to 1000", format_double(v));
    return v;
  };
  if (c.has("instanceFailureRatePerHour")) f.instance_failure_rate_per_hour = rate(c["instanceFailureRatePerHour"]);
  if (c.has("agentDisconnects")) {
    const JsonCursor d = c["agentDisconnects"];
    d.expect_object("an agentDisconnects object");
    d.check_keys(keys::kAgentDisconnects);
    f.agent_disconnect_rate_per_hour = rate(d["ratePerHour"]);
    if (d.has("duration")) f.agent_disconnect_duration = get_positive_duration(d["duration"]);
  }
  if (c.has("spotInterruptions")) {
    const JsonCursor sp = c["spotInterruptions"];
    if (sp.is_string()) {
      // "advisor": each type's band (the default); "none": no random interruption.
      f.spot_interruptions = choose(sp, "spotInterruptions", {"advisor", "none"}) == 0;
    } else {
      sp.expect_object("\"advisor\", \"none\" or an object with ratePerHour and/or byType");
      sp.check_keys(keys::kSpotInterruptions);
      default_spot_interruption_rates(ctx.scenario);
      if (sp.has("ratePerHour")) {
        const double r = rate(sp["ratePerHour"]);
        std::fill(f.spot_interruption_rate_per_hour.begin(), f.spot_interruption_rate_per_hour.end(), r);
      }
      if (sp.has("byType")) {
        const JsonCursor by = sp["byType"];
        by.expect_object("an object of instance type names to rates per instance-hour");
        for (const auto& item : by.json().items()) {
          const JsonCursor v = by[item.key()];
          const std::int64_t t = find_instance_type(ctx.scenario.instance_types, item.key());
          if (t < 0) v.fail("an instance type of the EC2 catalog or of instanceTypes", quote(item.key()));
          f.spot_interruption_rate_per_hour[static_cast<std::size_t>(t)] = rate(v);
        }
      }
    }
  }
}

}  // namespace ecsim::scenarios
