// Deliberately broken plugins for the loader's error tests, one per compile definition:
//   ECSIM_TEST_PLUGIN_NO_ENTRY   exports no entry point;
//   ECSIM_TEST_PLUGIN_WRONG_API  answers with a manifest for API 999;
//   ECSIM_TEST_PLUGIN_CLASH      provides a strategy named "binpack", a built-in's name;
//   ECSIM_TEST_PLUGIN_NULL       provides "nothing", whose create() returns no strategy;
//   ECSIM_TEST_PLUGIN_THROWS     provides "boom", whose score() throws.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "placement/plugin_api.h"

#if !defined(ECSIM_TEST_PLUGIN_NO_ENTRY)
namespace {

[[maybe_unused]] ecsim::placement::Strategy* create_nothing(const ecsim::sim::StrategySpec&) { return nullptr; }

#if defined(ECSIM_TEST_PLUGIN_THROWS)
class Boom final : public ecsim::placement::Strategy {
 public:
  std::string describe() const override { return "boom"; }
  void score(const ecsim::placement::ScoreContext&, std::span<const ecsim::sim::InstanceIdx>, std::span<std::int64_t>) override {
    throw std::runtime_error("boom");
  }
};
ecsim::placement::Strategy* create_boom(const ecsim::sim::StrategySpec&) { return new Boom(); }
const ecsim::placement::PluginStrategy kStrategies[] = {{"boom", "throws from score()", &create_boom}};
const ecsim::placement::PluginManifest kManifest = {ecsim::placement::kPluginApiVersion, "boom", 1, kStrategies};
#elif defined(ECSIM_TEST_PLUGIN_NULL)
const ecsim::placement::PluginStrategy kStrategies[] = {{"nothing", "create() returns nullptr", &create_nothing}};
const ecsim::placement::PluginManifest kManifest = {ecsim::placement::kPluginApiVersion, "null", 1, kStrategies};
#elif defined(ECSIM_TEST_PLUGIN_CLASH)
const ecsim::placement::PluginStrategy kStrategies[] = {{"binpack", "clashes with ECS's binpack", &create_nothing}};
const ecsim::placement::PluginManifest kManifest = {ecsim::placement::kPluginApiVersion, "clash", 1, kStrategies};
#else
const ecsim::placement::PluginStrategy kStrategies[] = {{"fromTheFuture", "API 999", &create_nothing}};
const ecsim::placement::PluginManifest kManifest = {999, "wrong api", 1, kStrategies};
#endif

}  // namespace

extern "C" const ecsim::placement::PluginManifest* ecsim_placement_plugin(std::uint32_t) { return &kManifest; }
#else
extern "C" int ecsim_not_a_plugin() { return 0; }
#endif
