#include "scenarios/events.h"

#include <algorithm>

#include "scenarios/scenario_keys.h"
#include "scenarios/services.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

std::uint32_t service_index(const LoadContext& ctx, const JsonCursor& c) {
  return static_cast<std::uint32_t>(ctx.services.choose(c, "service"));
}

std::uint32_t registry_index(const LoadContext& ctx, const JsonCursor& c) {
  return static_cast<std::uint32_t>(ctx.registries.choose(c, "registry"));
}

void read_deploy(const LoadContext& ctx, const JsonCursor& e, sim::ScenarioEvent& out) {
  out.service = service_index(ctx, e["service"]);
  out.force_new_deployment = has_value(e, "forceNewDeployment") && e["forceNewDeployment"].get_bool();
  const bool named = has_value(e, "taskDefinition");
  if (named && out.force_new_deployment) {
    e["forceNewDeployment"].fail("either a taskDefinition or \"forceNewDeployment\": true, not both");
  }
  if (!named && !out.force_new_deployment) {
    e["taskDefinition"].fail("a taskDefinition (or \"forceNewDeployment\": true to redeploy the current one)");
  }
  // A forced deployment's task definition is resolved once the events are in time order.
  if (named) out.task_definition = ctx.ec2_task_definition(e["taskDefinition"]);
  if (e.has("failures")) out.failures = parse_task_failures(e["failures"]);
}

void read_scale(const LoadContext& ctx, const JsonCursor& e, sim::ScenarioEvent& out) {
  out.service = service_index(ctx, e["service"]);
  if (ctx.scenario.services[out.service].scheduling_strategy == sim::SchedulingStrategy::kDaemon) {
    e["service"].fail("a REPLICA service (a DAEMON service has no desiredCount)");
  }
  out.desired_count =
      static_cast<std::int32_t>(e["desiredCount"].get_int(0, kMaxDesiredCount, "a desiredCount from 0 to 5000"));
}

// Which instances an instance event hits: "instance" (an id), or "instanceGroup" /
// "capacityProvider" with an optional "zone" and "count" (default 1).
sim::InstanceSelector read_selector(const LoadContext& ctx, const JsonCursor& e) {
  sim::InstanceSelector sel;
  const int named = (e.has("instance") ? 1 : 0) + (e.has("instanceGroup") ? 1 : 0) + (e.has("capacityProvider") ? 1 : 0);
  if (named != 1) e.fail("one of instance, instanceGroup and capacityProvider");
  if (e.has("instance")) {
    sel.instance_id = e["instance"].get_name("an instance id (\"<group>-<n>\" or \"<capacity provider>-<n>\")");
    // An instance group's ids are known now; a capacity provider's are made during the run.
    bool known = false;
    for (const auto& g : ctx.scenario.cluster.instance_groups) {
      const std::string prefix = g.name + "-";
      if (sel.instance_id.rfind(prefix, 0) != 0) continue;
      const std::string rest = sel.instance_id.substr(prefix.size());
      if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) continue;
      const bool provider = std::any_of(ctx.scenario.capacity_providers.begin(), ctx.scenario.capacity_providers.end(),
                                        [&](const sim::CapacityProvider& cp) { return cp.name == g.name; });
      known = provider || std::stoll(rest.substr(0, 12)) <= g.count;
    }
    if (!known) e["instance"].fail("the id of an instance of the cluster (\"<group>-<n>\", n from 1 to the group's count)");
    if (e.has("count") || e.has("zone")) e.fail("no count or zone with instance (it names one instance)");
    return sel;
  }
  if (e.has("instanceGroup")) {
    std::vector<std::string> names;
    for (const auto& g : ctx.scenario.cluster.instance_groups) {
      const bool provider = std::any_of(ctx.scenario.capacity_providers.begin(), ctx.scenario.capacity_providers.end(),
                                        [&](const sim::CapacityProvider& cp) { return cp.name == g.name; });
      if (!provider) names.push_back(g.name);
    }
    const std::size_t k = choose(e["instanceGroup"], "instance group", names);
    for (std::size_t g = 0; g < ctx.scenario.cluster.instance_groups.size(); ++g) {
      if (ctx.scenario.cluster.instance_groups[g].name == names[k]) sel.group = static_cast<std::int32_t>(g);
    }
  } else {
    std::vector<std::string> names;
    for (const auto& cp : ctx.scenario.capacity_providers) names.push_back(cp.name);
    sel.capacity_provider = static_cast<std::int32_t>(choose(e["capacityProvider"], "capacity provider", names));
  }
  if (e.has("zone")) sel.zone = static_cast<std::int32_t>(ctx.zone_index(e["zone"]));
  if (e.has("count")) sel.count = static_cast<std::int32_t>(e["count"].get_int(1, 1000000, "a count from 1 to 1000000"));
  return sel;
}

}  // namespace

void load_events(LoadContext& ctx, const JsonCursor& list) {
  list.expect_array("an array of events");
  std::vector<sim::ScenarioEvent> events;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor e = list.at(i);
    e.expect_object("an event object");
    static const sim::EventType kTypes[] = {
        sim::EventType::kAgentDisconnect,      sim::EventType::kAzOutage,        sim::EventType::kDeploy,
        sim::EventType::kDrain,                sim::EventType::kInstanceFailure, sim::EventType::kInsufficientCapacity,
        sim::EventType::kRegistryOutage,       sim::EventType::kScale,           sim::EventType::kSpotInterruption};
    sim::ScenarioEvent out;
    out.type = kTypes[choose(e["type"], "event type",
                             {"agentDisconnect", "azOutage", "deploy", "drain", "instanceFailure", "insufficientCapacity",
                              "registryOutage", "scale", "spotInterruption"})];
    switch (out.type) {
      case sim::EventType::kAzOutage: e.check_keys(keys::kAzOutageEvent); break;
      case sim::EventType::kDeploy:
        e.check_keys(keys::kDeployEvent);
        break;
      case sim::EventType::kScale: e.check_keys(keys::kScaleEvent); break;
      case sim::EventType::kRegistryOutage:
        e.check_keys(keys::kRegistryOutageEvent);
        break;
      case sim::EventType::kInstanceFailure:
      case sim::EventType::kSpotInterruption:
        e.check_keys(keys::kInstanceEvent);
        break;
      case sim::EventType::kAgentDisconnect:
      case sim::EventType::kDrain:
        e.check_keys(keys::kTimedInstanceEvent);
        break;
      case sim::EventType::kInsufficientCapacity:
        e.check_keys(keys::kInsufficientCapacityEvent);
        break;
    }
    out.at = get_time(e["at"]);
    switch (out.type) {
      case sim::EventType::kAzOutage: out.zone = ctx.zone_index(e["zone"]); break;
      case sim::EventType::kDeploy: read_deploy(ctx, e, out); break;
      case sim::EventType::kScale: read_scale(ctx, e, out); break;
      case sim::EventType::kRegistryOutage: out.registry = registry_index(ctx, e["registry"]); break;
      case sim::EventType::kInstanceFailure:
      case sim::EventType::kSpotInterruption:
      case sim::EventType::kDrain:
        out.instances = read_selector(ctx, e);
        break;
      case sim::EventType::kAgentDisconnect:
        out.instances = read_selector(ctx, e);
        if (!e.has("duration")) e["duration"].fail("how long the agent stays disconnected (a duration)");
        break;
      case sim::EventType::kInsufficientCapacity:
        out.zone = ctx.zone_index(e["zone"]);
        if (e.has("instanceType")) {
          const std::string name = e["instanceType"].get_name("an instance type name");
          std::int64_t t = -1;
          for (std::size_t k = 0; k < ctx.scenario.instance_types.size(); ++k) {
            if (ctx.scenario.instance_types[k].name == name) t = static_cast<std::int64_t>(k);
          }
          if (t < 0) e["instanceType"].fail("an instance type of the EC2 catalog or of instanceTypes", quote(name));
          out.instance_type = static_cast<std::int32_t>(t);
        }
        break;
    }
    if (e.has("duration")) out.duration = get_positive_duration(e["duration"]);
    events.push_back(std::move(out));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const sim::ScenarioEvent& a, const sim::ScenarioEvent& b) { return a.at < b.at; });
  // forceNewDeployment redeploys what the service runs at that moment: the last deploy before
  // it in time order (file order among equal times), else the service's own task definition.
  std::vector<std::uint32_t> current;
  for (const auto& s : ctx.scenario.services) current.push_back(s.task_definition);
  for (auto& e : events) {
    if (e.type != sim::EventType::kDeploy) continue;
    if (e.force_new_deployment) {
      e.task_definition = current[e.service];
    } else {
      current[e.service] = e.task_definition;
    }
  }
  for (auto& e : events) ctx.scenario.events.push_back(std::move(e));
}

}  // namespace ecsim::scenarios
