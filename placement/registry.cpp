#include "placement/registry.h"

#include "placement/ecs_strategies.h"
#include "placement/pipeline.h"

namespace ecsim::placement {

const std::vector<StrategyInfo>& strategy_infos() {
  // Sorted by name. Every entry must be buildable by EcsPlacerFactory::make.
  static const std::vector<StrategyInfo> kInfos = {
      {"binpack", "cpu | memory", "ECS: the instance with the least of the field left after placing"},
      {"random", "", "ECS: uniform among the instances that fit (RunTask's default)"},
      {"spread", "instanceId | host | attribute:NAME",
       "ECS: the field value with the fewest tasks of the task group"},
  };
  return kInfos;
}

const std::vector<std::string_view>& constraint_types() {
  // memberOf (the cluster query language) arrives with the placement issue; until then a
  // scenario using it is refused rather than run without the constraint.
  static const std::vector<std::string_view> kTypes = {"distinctInstance"};
  return kTypes;
}

std::string check_strategy(const sim::StrategySpec& spec) {
  if (spec.type == "binpack") {
    if (spec.field == "cpu" || spec.field == "memory") return "";
    return "a binpack field: cpu or memory";
  }
  if (spec.type == "spread") {
    if (spec.field == "instanceId" || spec.field == "host") return "";
    if (spec.field.rfind("attribute:", 0) == 0 && spec.field.size() > 10) return "";
    return "a spread field: instanceId, host or attribute:NAME";
  }
  if (spec.type == "random") {
    if (spec.field.empty()) return "";
    return "no field for random";
  }
  std::string expected = "a strategy type (one of";
  const char* sep = " ";
  for (const auto& info : strategy_infos()) {
    expected += sep;
    expected += info.name;
    sep = ", ";
  }
  return expected + ")";
}

std::unique_ptr<sim::Placer> EcsPlacerFactory::make(const sim::PlacementPolicy& policy, sim::ClusterState& cluster) {
  std::vector<std::unique_ptr<Strategy>> strategies;
  strategies.reserve(policy.strategy.size());
  for (const auto& spec : policy.strategy) strategies.push_back(make_ecs_strategy(spec, policy.group, cluster));
  bool distinct = false;
  for (const auto& c : policy.constraints) {
    if (c.type == "distinctInstance") distinct = true;
  }
  if (distinct) cluster.track_group_on_instances(policy.group);
  const bool random_only = policy.strategy.size() == 1 && policy.strategy[0].type == "random" && !distinct;
  IndexedPlan plan;
  if (use_indexes_) {
    const auto& s = policy.strategy;
    const auto resource_of = [](const sim::StrategySpec& spec) {
      return spec.field == "cpu" ? sim::ClusterState::IndexedResource::kCpu : sim::ClusterState::IndexedResource::kMemory;
    };
    if (s.size() == 1 && s[0].type == "binpack") {
      plan.kind = IndexedPlan::Kind::kBinpack;
      plan.resource = resource_of(s[0]);
      plan.index = cluster.track_free_index(plan.resource, sim::ClusterState::kNoAttribute);
    } else if (s.size() == 2 && s[0].type == "spread" && s[0].field.rfind("attribute:", 0) == 0 &&
               s[1].type == "binpack") {
      const sim::AttributeIdx a = cluster.intern_attribute(std::string_view(s[0].field).substr(10));
      plan.kind = IndexedPlan::Kind::kSpreadBinpack;
      plan.resource = resource_of(s[1]);
      plan.index = cluster.track_free_index(plan.resource, a);
      plan.tracker = cluster.track_spread(policy.group, a);
    }
  }
  return std::make_unique<Pipeline>(std::move(strategies), distinct, random_only, plan);
}

}  // namespace ecsim::placement
