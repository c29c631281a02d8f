// An example placement plugin, built with ecsim and used by its tests: copy it to start your
// own. It provides one strategy, "fewestTasks": the instance running the fewest tasks of any
// group (a whole-cluster balance, where ECS's spread(instanceId) counts one task group only).
//
//   ecsim run scenario.json --plugin build/gcc/tools/libecsim_example_plugin.so --strategy fewestTasks
//
// Build it against the same ecsim headers and compiler as the ecsim that loads it; it needs no
// ecsim library, only the headers (see placement/plugin_api.h).
#include <cstdint>
#include <span>

#include "placement/plugin_api.h"

namespace {

using ecsim::placement::ScoreContext;
using ecsim::placement::Strategy;

class FewestTasks final : public Strategy {
 public:
  std::string describe() const override { return "fewestTasks"; }
  void score(const ScoreContext& ctx, std::span<const ecsim::sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const std::int32_t* tasks = ctx.cluster.task_count.data();
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = tasks[candidates[k]];
  }
};

Strategy* create_fewest_tasks(const ecsim::sim::StrategySpec&) { return new FewestTasks(); }

const ecsim::placement::PluginStrategy kStrategies[] = {
    {"fewestTasks", "plugin example: the instance running the fewest tasks of any group", &create_fewest_tasks},
};

const ecsim::placement::PluginManifest kManifest = {ecsim::placement::kPluginApiVersion, "ecsim example plugin", 1,
                                                    kStrategies};

}  // namespace

extern "C" const ecsim::placement::PluginManifest* ecsim_placement_plugin(std::uint32_t host_api) {
  return host_api == ecsim::placement::kPluginApiVersion ? &kManifest : nullptr;
}
