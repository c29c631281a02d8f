// The placement registry: every strategy and constraint type ecsim knows, by name.
//
// An explicit name-to-factory table, listed sorted. No static-constructor registration: what is
// in the table is what the binary knows, whatever the link order.
#pragma once

#include <stdexcept>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "placement/strategy.h"
#include "sim/placer.h"

namespace ecsim::placement {

// Builds a strategy of the entry's type for the task group `group`, registering the trackers it
// needs on `cluster`. REQUIRES: check_strategy(spec) is "".
using StrategyFactory = std::unique_ptr<Strategy> (*)(const sim::StrategySpec& spec, sim::GroupIdx group,
                                                      sim::ClusterState& cluster);

struct PluginStrategy;  // placement/plugin_api.h

struct StrategyInfo {
  std::string_view name;         // the ECS/JSON "type"
  std::string_view fields;       // accepted "field" values, "" when none is taken
  std::string_view description;  // one line for `ecsim strategies`
  StrategyFactory make;          // what EcsPlacerFactory::make calls for a built-in type
  const PluginStrategy* plugin = nullptr;  // set for a strategy a loaded plugin provides
  std::string_view library = {};           // the plugin's library, as loaded (plugins only)
};

// A loaded plugin's strategy failed: create() threw or returned no strategy, or describe() or
// score() threw. The plugin's fault, not ecsim's: the command line prints the message (naming the
// library and the strategy) and exits 2, as for any input ecsim cannot use.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// All strategy types, built-in and from loaded plugins, sorted by name.
const std::vector<StrategyInfo>& strategy_infos();

// For the plugin loader: why `name` cannot be a new plugin strategy ("" when it can), phrased
// to follow "expected "; and the registration itself (REQUIRES: the name was checked).
std::string plugin_strategy_name_problem(std::string_view name);
void add_plugin_strategy(const PluginStrategy& strategy, const std::string& library);
void remove_plugin_strategies();

// Named strategy lists: ECS's defaults and console templates, usable wherever a strategy list
// is (`--strategy serviceDefault`, `"placementStrategy": "azBalancedBinpack"`).
struct StrategyPreset {
  std::string_view name;
  std::string_view description;  // one line for `ecsim strategies`
  std::vector<sim::StrategySpec> strategy;
};

// Sorted by name.
const std::vector<StrategyPreset>& strategy_presets();
// The preset called `name`, or nullptr.
const StrategyPreset* find_strategy_preset(std::string_view name);

// Constraint types: "distinctInstance", "memberOf".
const std::vector<std::string_view>& constraint_types();

// Checks one strategy item. Returns "" when it is valid, else what was expected, phrased to
// follow "expected " in an InputError (e.g. "a binpack field: cpu or memory").
std::string check_strategy(const sim::StrategySpec& spec);

// The ECS placer factory: builds the pipeline (resources, constraints, strategies, seeded tie).
class EcsPlacerFactory final : public sim::PlacerFactory {
 public:
  // `use_indexes` false forces the full scan everywhere (the conformance tests compare both).
  explicit EcsPlacerFactory(bool use_indexes = true) : use_indexes_(use_indexes) {}
  std::unique_ptr<sim::Placer> make(const sim::PlacementPolicy& policy, sim::ClusterState& cluster) override;

 private:
  bool use_indexes_;
};

}  // namespace ecsim::placement
