// The placement plugin API, version 1: what a shared library implements to add strategies to
// ecsim (`ecsim run SCENARIO --plugin ./libmine.so`).
//
// A plugin is a shared library exporting exactly one C entry point:
//
//   extern "C" const ecsim::placement::PluginManifest* ecsim_placement_plugin(std::uint32_t host_api);
//
// ecsim calls it once after dlopen with its own kPluginApiVersion. The plugin returns a manifest
// that lives as long as the library (a static), or nullptr when it cannot serve that API
// version. ecsim refuses a manifest whose api_version differs from its own: the C++ types below
// (Strategy, ScoreContext, ClusterState) are shared by layout, so a plugin must be built against
// the same ecsim headers, with the same compiler and standard library, as the ecsim that loads
// it. The library is never unloaded.
//
// Each PluginStrategy adds one strategy "type" usable in placementStrategy lists and in
// --strategy. In API 1 a plugin strategy takes no "field" and no parameters (ecsim refuses them
// at load time, as it does for its research strategies). create() is called once per placement
// class (job, service, trace group) and returns a new Strategy that ecsim owns and deletes.
//
// The contract of Strategy::score (placement/strategy.h) holds for plugins too: fill one key per
// candidate, lower is better; read only the context; draw random numbers only from ctx.rng (the
// run's seeded placement stream), so that a run stays reproducible. tools/plugins/
// example_plugin.cpp is a complete plugin, built and tested with ecsim.
#pragma once

#include <cstddef>
#include <cstdint>

#include "placement/strategy.h"
#include "sim/model.h"

namespace ecsim::placement {

// 2: sim::RandomStream is xoshiro256** (its layout changed; plugins reach it as ctx.rng), so a
// plugin built against API 1's headers must be rebuilt.
// 3: sim::ClusterState::schedulable_list is a sim::RankedInstanceList (sim/ranked_list.h), not a
// std::vector: the same reads (size, [k], in-order iteration, span()), another layout, so a
// plugin built against API 2's headers must be rebuilt.
constexpr std::uint32_t kPluginApiVersion = 3;

// The exported symbol's name.
constexpr const char* kPluginEntryPoint = "ecsim_placement_plugin";

struct PluginStrategy {
  const char* name;         // the strategy "type"; must not be the name of a built-in or of
                            // another loaded plugin's strategy
  const char* description;  // one line for `ecsim strategies`
  Strategy* (*create)(const sim::StrategySpec& spec);
};

struct PluginManifest {
  std::uint32_t api_version;  // set to kPluginApiVersion
  const char* plugin_name;
  std::size_t strategy_count;
  const PluginStrategy* strategies;
};

using PluginEntryPoint = const PluginManifest* (*)(std::uint32_t host_api);

}  // namespace ecsim::placement
