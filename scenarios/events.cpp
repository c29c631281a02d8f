#include "scenarios/events.h"

#include <algorithm>

#include "scenarios/services.h"
#include "scenarios/values.h"

namespace ecsim::scenarios {
namespace {

std::uint32_t service_index(const LoadContext& ctx, const JsonCursor& c) {
  std::vector<std::string> names;
  for (const auto& s : ctx.scenario.services) names.push_back(s.name);
  return static_cast<std::uint32_t>(choose(c, "service", names));
}

std::uint32_t registry_index(const LoadContext& ctx, const JsonCursor& c) {
  std::vector<std::string> names;
  for (const auto& r : ctx.scenario.registries) names.push_back(r.name);
  return static_cast<std::uint32_t>(choose(c, "registry", names));
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

}  // namespace

void load_events(LoadContext& ctx, const JsonCursor& list) {
  list.expect_array("an array of events");
  std::vector<sim::ScenarioEvent> events;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor e = list.at(i);
    e.expect_object("an event object");
    static const sim::EventType kTypes[] = {sim::EventType::kAzOutage, sim::EventType::kDeploy,
                                            sim::EventType::kRegistryOutage, sim::EventType::kScale};
    sim::ScenarioEvent out;
    out.type = kTypes[choose(e["type"], "event type", {"azOutage", "deploy", "registryOutage", "scale"})];
    switch (out.type) {
      case sim::EventType::kAzOutage: e.check_keys("key of an azOutage event", {"at", "duration", "type", "zone"}); break;
      case sim::EventType::kDeploy:
        e.check_keys("key of a deploy event", {"at", "failures", "forceNewDeployment", "service", "taskDefinition", "type"});
        break;
      case sim::EventType::kScale: e.check_keys("key of a scale event", {"at", "desiredCount", "service", "type"}); break;
      case sim::EventType::kRegistryOutage:
        e.check_keys("key of a registryOutage event", {"at", "duration", "registry", "type"});
        break;
    }
    out.at = get_time(e["at"]);
    switch (out.type) {
      case sim::EventType::kAzOutage: out.zone = ctx.zone_index(e["zone"]); break;
      case sim::EventType::kDeploy: read_deploy(ctx, e, out); break;
      case sim::EventType::kScale: read_scale(ctx, e, out); break;
      case sim::EventType::kRegistryOutage: out.registry = registry_index(ctx, e["registry"]); break;
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
