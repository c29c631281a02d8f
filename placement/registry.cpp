#include "placement/registry.h"

#include <algorithm>
#include <deque>
#include <cctype>
#include <stdexcept>

#include "placement/ecs_strategies.h"
#include "placement/pipeline.h"
#include "placement/plugin_api.h"
#include "placement/research_strategies.h"

namespace ecsim::placement {

namespace {

std::vector<StrategyInfo>& strategy_table() {
  // Sorted by name. EcsPlacerFactory::make builds each type with its entry's factory; plugin
  // entries are inserted in name order when their library is loaded.
  static std::vector<StrategyInfo> kInfos = {
      {"bestFitDrf", "", "research: best fit by dominant share (DRF, NSDI 2011)", &make_best_fit_drf},
      {"binpack", "cpu | memory", "ECS: the instance with the least of the field left after placing",
       &make_ecs_strategy},
      {"firstFit", "", "research: the first instance that fits (Johnson et al., SICOMP 1974)", &make_first_fit},
      {"leastAllocated", "", "research: most free on average (k8s NodeResourcesFit LeastAllocated)",
       &make_least_allocated},
      {"mostAllocated", "", "research: least free on average (k8s NodeResourcesFit MostAllocated)",
       &make_most_allocated},
      {"powerOfTwoChoices", "", "research: less loaded of two at random (Mitzenmacher, TPDS 2001)",
       &make_power_of_two_choices},
      {"random", "", "ECS: uniform among the instances that fit (RunTask's default)", &make_ecs_strategy},
      {"spread", "instanceId | host | attribute:NAME",
       "ECS: the field value with the fewest tasks of the task group", &make_ecs_strategy},
      {"tetris", "", "research: best demand/free alignment (Tetris, SIGCOMM 2014)", &make_tetris},
      {"worstFit", "", "research: most dominant share left (worst fit, Johnson, JCSS 1974)", &make_worst_fit},
  };
  return kInfos;
}

}  // namespace

const std::vector<StrategyInfo>& strategy_infos() { return strategy_table(); }

const std::vector<StrategyPreset>& strategy_presets() {
  // Dev Guide "Amazon ECS task placement strategies" (console templates) and "Amazon ECS services"
  // (service default).
  static const std::vector<StrategyPreset> kPresets = {
      {"azBalancedBinpack", "console template \"AZ Balanced BinPack\": spread zones, then binpack memory",
       {{"spread", "attribute:ecs.availability-zone", {}}, {"binpack", "memory", {}}}},
      {"azBalancedSpread", "console template \"AZ Balanced Spread\": spread zones, then instances",
       {{"spread", "attribute:ecs.availability-zone", {}}, {"spread", "instanceId", {}}}},
      {"binpackMemory", "console template \"BinPack\": binpack memory", {{"binpack", "memory", {}}}},
      {"runTaskDefault", "RunTask with no strategy: random", {{"random", "", {}}}},
      {"serviceDefault", "a service with no strategy (EC2): fewest of its tasks per zone, then per instance",
       sim::service_default_strategy()},
  };
  return kPresets;
}

const StrategyPreset* find_strategy_preset(std::string_view name) {
  for (const auto& p : strategy_presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string plugin_strategy_name_problem(std::string_view name) {
  for (const auto& info : strategy_table()) {
    if (info.name == name) return "a strategy name not already taken";
  }
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return "a strategy name of letters, digits, '-', '_' and '.'";
    }
  }
  return "";
}

void add_plugin_strategy(const PluginStrategy& strategy, const std::string& library) {
  // Library paths live as long as the strategies (plugins are never unloaded).
  static std::deque<std::string> libraries;
  libraries.push_back(library);
  auto& table = strategy_table();
  StrategyInfo info{strategy.name, "", strategy.description != nullptr ? strategy.description : "", nullptr,
                    &strategy, libraries.back()};
  const auto at = std::lower_bound(table.begin(), table.end(), info,
                                   [](const StrategyInfo& a, const StrategyInfo& b) { return a.name < b.name; });
  table.insert(at, info);
}

void remove_plugin_strategies() {
  auto& table = strategy_table();
  table.erase(std::remove_if(table.begin(), table.end(), [](const StrategyInfo& i) { return i.plugin != nullptr; }),
              table.end());
}

const std::vector<std::string_view>& constraint_types() {
  static const std::vector<std::string_view> kTypes = {"distinctInstance", "memberOf"};
  return kTypes;
}

namespace {

// The table entry named `type`, or nullptr. A linear scan: the table is short and this runs
// when a placer is built, not per placement.
const StrategyInfo* find_strategy(std::string_view type) {
  for (const auto& info : strategy_infos()) {
    if (info.name == type) return &info;
  }
  return nullptr;
}

}  // namespace

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
  if (const StrategyInfo* info = find_strategy(spec.type); info != nullptr && info->fields.empty()) {
    // random and the research strategies: neither a field nor a parameter.
    if (!spec.field.empty()) return "no field for " + spec.type;
    if (!spec.params.empty()) return "no parameter for " + spec.type + " (it takes none)";
    return "";
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

namespace {

// A plugin's strategy, with every call into the plugin guarded: what it throws becomes a
// PluginError naming the library and the strategy. One virtual call more per score, for plugin
// strategies only.
class GuardedPluginStrategy final : public Strategy {
 public:
  GuardedPluginStrategy(std::unique_ptr<Strategy> inner, std::string who) : inner_(std::move(inner)), who_(std::move(who)) {}
  std::string describe() const override {
    try {
      return inner_->describe();
    } catch (const std::exception& e) {
      fail("describe()", e.what());
    } catch (...) {
      fail("describe()", "an exception that is not a std::exception");
    }
  }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates, std::span<std::int64_t> keys) override {
    try {
      inner_->score(ctx, candidates, keys);
    } catch (const std::exception& e) {
      fail("score()", e.what());
    } catch (...) {
      fail("score()", "an exception that is not a std::exception");
    }
  }

 private:
  [[noreturn]] void fail(const char* call, const std::string& what) const {
    throw PluginError(who_ + ": " + call + " threw \"" + what + "\" (a fault of the plugin, not of ecsim)");
  }
  std::unique_ptr<Strategy> inner_;
  std::string who_;
};

std::unique_ptr<Strategy> make_plugin_strategy(const StrategyInfo& info, const sim::StrategySpec& spec) {
  const std::string who = "placement plugin " + std::string(info.library) + ", strategy \"" + spec.type + "\"";
  std::unique_ptr<Strategy> strategy;
  try {
    // ecsim owns what the plugin's create() returns.
    strategy.reset(info.plugin->create(spec));
  } catch (const std::exception& e) {
    throw PluginError(who + ": create() threw \"" + std::string(e.what()) + "\" (a fault of the plugin, not of ecsim)");
  } catch (...) {
    throw PluginError(who + ": create() threw an exception that is not a std::exception (a fault of the plugin, not of ecsim)");
  }
  if (!strategy) throw PluginError(who + ": create() returned no strategy (a fault of the plugin, not of ecsim)");
  return std::make_unique<GuardedPluginStrategy>(std::move(strategy), who);
}

}  // namespace

std::unique_ptr<sim::Placer> EcsPlacerFactory::make(const sim::PlacementPolicy& policy, sim::ClusterState& cluster) {
  std::vector<std::unique_ptr<Strategy>> strategies;
  strategies.reserve(policy.strategy.size());
  for (const auto& spec : policy.strategy) {
    const StrategyInfo* info = find_strategy(spec.type);
    // check_strategy passed when the scenario was loaded; a plugin unloaded since is a bug.
    if (info == nullptr) throw std::logic_error("placement strategy \"" + spec.type + "\" is not registered");
    if (info->plugin != nullptr) {
      strategies.push_back(make_plugin_strategy(*info, spec));
    } else {
      strategies.push_back(info->make(spec, policy.group, cluster));
    }
  }
  bool distinct = false;
  std::vector<CompiledQuery> member_of;
  for (const auto& c : policy.constraints) {
    if (c.type == "distinctInstance") distinct = true;
    if (c.type == "memberOf") member_of.push_back(compile_query(c.expression, cluster));
  }
  if (distinct) cluster.track_group_on_instances(policy.group);
  // memberOf and distinctInstance keep the random fast path: its rejection sampling conditions
  // on passing check(), so the pick stays uniform over the instances that pass.
  const bool random_only = policy.strategy.size() == 1 && policy.strategy[0].type == "random";
  IndexedPlan plan;
  if (use_indexes_ && random_only) {
    cluster.track_fit_tree();
    plan.fit_tree = true;
  }
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
      plan.attribute = a;
      plan.resource = resource_of(s[1]);
      plan.index = cluster.track_free_index(plan.resource, a);
      plan.tracker = cluster.track_spread(policy.group, a);
    } else if (!s.empty() && s.size() <= 2) {
      // Spread-only lists read the spread buckets (pipeline.h), memberOf or not: check() runs
      // the expressions on each probe, and a level they mostly reject is listed, as a scan would.
      const auto on_instances = [](const sim::StrategySpec& spec) {
        return spec.type == "spread" && (spec.field == "instanceId" || spec.field == "host");
      };
      const auto on_attribute = [](const sim::StrategySpec& spec) {
        return spec.type == "spread" && spec.field.rfind("attribute:", 0) == 0;
      };
      const auto attribute_of = [&cluster](const sim::StrategySpec& spec) {
        return cluster.intern_attribute(std::string_view(spec.field).substr(10));
      };
      if (s.size() == 1 && on_instances(s[0])) {
        plan.kind = IndexedPlan::Kind::kSpread;
        plan.buckets = cluster.track_spread_buckets(policy.group, sim::ClusterState::kNoAttribute);
        plan.first_level_only = distinct;
      } else if (s.size() == 1 && on_attribute(s[0])) {
        // Without distinctInstance the group's count per instance does not matter: one level.
        const sim::AttributeIdx a = attribute_of(s[0]);
        plan.kind = IndexedPlan::Kind::kSpread;
        plan.buckets = cluster.track_spread_buckets(distinct ? policy.group : sim::ClusterState::kNoGroup, a);
        plan.tracker = cluster.track_spread(policy.group, a);
        plan.by_value = true;
        plan.first_level_only = distinct;
        plan.attribute = a;
      } else if (s.size() == 2 && on_attribute(s[0]) && on_instances(s[1])) {
        const sim::AttributeIdx a = attribute_of(s[0]);
        plan.kind = IndexedPlan::Kind::kSpread;
        plan.buckets = cluster.track_spread_buckets(policy.group, a);
        plan.tracker = cluster.track_spread(policy.group, a);
        plan.by_value = true;
        plan.first_level_only = distinct;
        plan.attribute = a;
      }
    }
  }
  std::vector<Pipeline::RequiredAttribute> required;
  for (const auto& a : policy.required_attributes) {
    const sim::AttributeIdx attribute = cluster.intern_attribute(a.name);
    // requiresAttributes without a value ask only that the attribute exists (capabilities).
    required.push_back({attribute, a.value.empty() ? Pipeline::kAnyValue : cluster.intern_attribute_value(attribute, a.value)});
  }
  const std::int32_t location = policy.required_zone.empty()
                                   ? Pipeline::kNoLocation
                                   : cluster.intern_attribute_value(sim::kAttrAvailabilityZone, policy.required_zone);
  return std::make_unique<Pipeline>(std::move(strategies), distinct, random_only, plan, std::move(member_of),
                                    std::move(required), location);
}

}  // namespace ecsim::placement
