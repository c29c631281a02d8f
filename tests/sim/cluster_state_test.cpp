#include "sim/cluster_state.h"

#include <catch2/catch.hpp>

using namespace ecsim::sim;

namespace {

ClusterState two_instances() {
  ClusterState c;
  c.intern_attribute("ecs.availability-zone");
  for (int n = 0; n < 2; ++n) {
    const InstanceIdx i = c.add_instance("g-" + std::to_string(n + 1), 0, 0, 0, 2048, 4096, 0, 2, {22});
    c.set_attribute(0, i, n == 0 ? "us-east-1a" : "us-east-1b");
    c.set_schedulable(i, true);
  }
  return c;
}

}  // namespace

TEST_CASE("ClusterState: reserve and release restore every resource", "[sim]") {
  ClusterState c = two_instances();
  const GroupIdx g = c.intern_group("family:web");
  const Resources need{512, 1024, 0, 1};
  const std::vector<std::uint16_t> tcp = {80};
  c.reserve(1, need, tcp, {}, g);
  REQUIRE(c.free_cpu[1] == 1536);
  REQUIRE(c.free_memory_mib[1] == 3072);
  REQUIRE(c.free_enis[1] == 1);
  REQUIRE(c.tcp_ports[1] == std::vector<std::uint16_t>{22, 80});
  REQUIRE(c.task_count[1] == 1);
  c.release(1, need, tcp, {}, g);
  REQUIRE(c.free_cpu[1] == 2048);
  REQUIRE(c.free_memory_mib[1] == 4096);
  REQUIRE(c.free_enis[1] == 2);
  REQUIRE(c.tcp_ports[1] == std::vector<std::uint16_t>{22});
  REQUIRE(c.task_count[1] == 0);
}

TEST_CASE("ClusterState: group and spread counters follow reservations", "[sim]") {
  ClusterState c = two_instances();
  const GroupIdx web = c.intern_group("family:web");
  const GroupIdx etl = c.intern_group("family:etl");
  c.track_group_on_instances(web);
  const std::uint32_t by_zone = c.track_spread(web, 0);
  REQUIRE(c.track_spread(web, 0) == by_zone);
  const Resources need{1, 1, 0, 0};
  c.reserve(0, need, {}, {}, web);
  c.reserve(0, need, {}, {}, web);
  c.reserve(1, need, {}, {}, etl);
  REQUIRE(c.group_count(web, 0) == 2);
  REQUIRE(c.group_count(web, 1) == 0);
  REQUIRE(c.spread_count(by_zone, 0) == 2);
  REQUIRE(c.spread_count(by_zone, 1) == 0);
  c.release(0, need, {}, {}, web);
  REQUIRE(c.spread_count(by_zone, 0) == 1);
}

TEST_CASE("ClusterState: instances lacking a spread attribute share one value", "[sim]") {
  ClusterState c = two_instances();
  const AttributeIdx team = c.intern_attribute("team");
  const GroupIdx g = c.intern_group("family:web");
  const std::uint32_t t = c.track_spread(g, team);
  c.reserve(0, Resources{1, 1, 0, 0}, {}, {}, g);
  REQUIRE(c.attribute_value(team, 1) == kMissingValue);
  REQUIRE(c.spread_count(t, 1) == 1);  // instance 0 also lacks "team"
}

TEST_CASE("ClusterState: the schedulable list stays sorted by instance index", "[sim]") {
  ClusterState c = two_instances();
  c.add_instance("g-3", 0, 0, 0, 1024, 1024, 0, 0, {});
  c.set_schedulable(0, false);
  c.set_schedulable(2, true);
  c.set_schedulable(0, true);
  REQUIRE(c.schedulable_list == std::vector<InstanceIdx>{0, 1, 2});
}
