#include "placement/plugin_loader.h"

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "sim/input_error.h"

using namespace ecsim;

namespace {

std::string load_error(const std::string& path) {
  try {
    placement::load_plugin(path);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "loaded";
}

// Loads the example plugin for one test and forgets it afterwards, so that the other tests of
// this process see the built-in registry only.
struct ExamplePlugin {
  ExamplePlugin() { placement::load_plugin(ECSIM_EXAMPLE_PLUGIN); }
  ~ExamplePlugin() { placement::forget_plugins(); }
};

bool registered(std::string_view name) {
  for (const auto& info : placement::strategy_infos()) {
    if (info.name == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("plugins: the example plugin adds its strategy, sorted among the built-ins", "[placement]") {
  const ExamplePlugin plugin;
  placement::load_plugin(ECSIM_EXAMPLE_PLUGIN);  // a second load is a no-op
  std::size_t found = 0;
  std::string previous;
  for (const auto& info : placement::strategy_infos()) {
    REQUIRE(previous < std::string(info.name));
    previous = std::string(info.name);
    if (info.name == "fewestTasks") {
      ++found;
      REQUIRE(info.plugin != nullptr);
      REQUIRE(info.description == "plugin example: the instance running the fewest tasks of any group");
    }
  }
  REQUIRE(found == 1);
  REQUIRE(placement::check_strategy({"fewestTasks", "", {}}).empty());
  REQUIRE(placement::check_strategy({"fewestTasks", "cpu", {}}) == "no field for fewestTasks");
}

TEST_CASE("plugins: a plugin strategy places through the ECS pipeline", "[placement]") {
  const ExamplePlugin plugin;
  sim::ClusterState cluster;
  for (int k = 0; k < 3; ++k) {
    const auto i = cluster.add_instance("i-" + std::to_string(k), 0, 0, 0, 4096, 8192, 0, 2, {});
    cluster.set_schedulable(i, true);
  }
  const sim::GroupIdx a = cluster.intern_group("family:a");
  const sim::GroupIdx b = cluster.intern_group("family:b");
  placement::EcsPlacerFactory factory;
  sim::PlacementPolicy policy;
  policy.strategy = {{"fewestTasks", "", {}}};
  policy.group = b;
  auto placer = factory.make(policy, cluster);
  // Instances 0 and 2 run tasks of another group: fewestTasks counts every group.
  const sim::Resources small{1, 1, 0, 0};
  cluster.reserve(0, small, {}, {}, a);
  cluster.reserve(2, small, {}, {}, a);
  cluster.reserve(2, small, {}, {}, a);
  sim::RandomStream rng(1, "placement");
  const std::vector<std::uint16_t> none;
  sim::PlacementRequest req;
  req.need = &small;
  req.tcp_ports = &none;
  req.udp_ports = &none;
  req.group = b;
  REQUIRE(placer->place(req, cluster, rng).instance == 1);
}

TEST_CASE("plugins: a missing file, a missing entry point, another API version and a name clash are refused",
          "[placement]") {
  REQUIRE(load_error("/nonexistent/libnothing.so")
              .rfind("/nonexistent/libnothing.so: /: expected a placement plugin (a shared library ecsim can load), "
                     "got \"/nonexistent/libnothing.so: cannot open shared object file",
                     0) == 0);
  REQUIRE(load_error(ECSIM_TEST_PLUGIN_NO_ENTRY) ==
          std::string(ECSIM_TEST_PLUGIN_NO_ENTRY) +
              ": /: expected a placement plugin exporting extern \"C\" ecsim_placement_plugin, got no such symbol");
  REQUIRE(load_error(ECSIM_TEST_PLUGIN_WRONG_API) ==
          std::string(ECSIM_TEST_PLUGIN_WRONG_API) + ": /: expected a plugin built for placement plugin API 3, got API 999");
  REQUIRE(load_error(ECSIM_TEST_PLUGIN_CLASH) ==
          std::string(ECSIM_TEST_PLUGIN_CLASH) + ": /: expected a strategy name not already taken, got \"binpack\"");
  REQUIRE_FALSE(registered("fromTheFuture"));
}

TEST_CASE("plugins: forgetting plugins restores the built-in registry", "[placement]") {
  {
    const ExamplePlugin plugin;
    REQUIRE(registered("fewestTasks"));
  }
  REQUIRE_FALSE(registered("fewestTasks"));
}
