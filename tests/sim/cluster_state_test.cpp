#include "sim/cluster_state.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "sim/random.h"

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

TEST_CASE("ClusterState: spread buckets hold each schedulable instance once, at its value and group count",
          "[sim]") {
  // Instances register, lose and regain schedulability (with tasks on them), gain an attribute
  // value interned after the buckets were made, and tasks of two groups come and go; after every
  // change each bucket set must hold exactly the schedulable instances, in the bucket of their
  // value slot and of the group's count.
  ClusterState c;
  c.intern_attribute("ecs.availability-zone");
  const AttributeIdx team = c.intern_attribute("team");
  const GroupIdx web = c.intern_group("family:web");
  const GroupIdx etl = c.intern_group("family:etl");
  const std::vector<std::uint32_t> ids = {c.track_spread_buckets(web, ClusterState::kNoAttribute),
                                          c.track_spread_buckets(web, team),
                                          c.track_spread_buckets(ClusterState::kNoGroup, team)};
  REQUIRE(c.track_spread_buckets(web, team) == ids[1]);
  const auto verify = [&] {
    for (const std::uint32_t id : ids) {
      std::vector<int> seen(c.size(), 0);
      for (std::size_t slot = 0; slot < c.bucket_slot_count(id); ++slot) {
        for (std::size_t level = 0; level < c.bucket_level_count(id, slot); ++level) {
          for (const InstanceIdx i : c.bucket(id, slot, level)) {
            ++seen[i];
            REQUIRE(c.schedulable[i] == 1);
            const std::size_t want_slot = id == ids[0] ? 0 : static_cast<std::size_t>(c.attribute_value(team, i) + 1);
            const std::size_t want_level = id == ids[2] ? 0 : static_cast<std::size_t>(c.group_count(web, i));
            REQUIRE(slot == want_slot);
            REQUIRE(level == want_level);
          }
        }
      }
      for (InstanceIdx i = 0; i < c.size(); ++i) REQUIRE(seen[i] == (c.schedulable[i] != 0 ? 1 : 0));
    }
  };
  RandomStream ops(4, "ops");
  std::vector<std::pair<InstanceIdx, GroupIdx>> tasks;
  const Resources need{1, 1, 0, 0};
  for (int step = 0; step < 3000; ++step) {
    const std::uint64_t op = ops.uniform_index(10);
    if (op == 0 && c.size() < 40) {
      const InstanceIdx i = c.add_instance("i-" + std::to_string(c.size()), 0, 0, 0, 4096, 8192, 0, 2, {});
      c.set_attribute(0, i, "a");
      // Values beyond the first few are interned only now, after the buckets exist.
      const char* teams[] = {"t0", "t1", "t2", "t3", "t4", "t5"};
      if (i % 4 != 0) c.set_attribute(team, i, teams[i % 6]);
      c.set_schedulable(i, true);
    } else if (op == 1 && c.size() > 0) {
      const auto i = static_cast<InstanceIdx>(ops.uniform_index(c.size()));
      c.set_schedulable(i, c.schedulable[i] == 0);
    } else if (op <= 6 && c.size() > 0) {
      const auto i = static_cast<InstanceIdx>(ops.uniform_index(c.size()));
      const GroupIdx g = ops.uniform_index(3) == 0 ? etl : web;
      c.reserve(i, need, {}, {}, g);
      tasks.emplace_back(i, g);
    } else if (!tasks.empty()) {
      const std::size_t k = ops.uniform_index(tasks.size());
      c.release(tasks[k].first, need, {}, {}, tasks[k].second);
      tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(k));
    }
    verify();
  }
  REQUIRE(c.bucket_slot_count(ids[1]) == c.attribute_values[team].size() + 1);
}

TEST_CASE("ClusterState: the fit tree and the free indexes list exactly the instances with room, in order",
          "[sim]") {
  // A history of reservations, releases, instances leaving and coming back and new instances
  // (growing the fit tree past a power of two); after each step, every listing is compared with
  // the same listing computed by hand.
  ClusterState c;
  c.intern_attribute("ecs.availability-zone");
  const char* zones[] = {"a", "b", "c"};
  RandomStream ops(21, "ops");
  const auto add = [&] {
    const auto k = static_cast<std::uint32_t>(c.size());
    const InstanceIdx i = c.add_instance("i-" + std::to_string(k), k % 3, 0, 0, 1024 * static_cast<std::int32_t>(1 + k % 4),
                                         2048 * static_cast<std::int32_t>(1 + k % 3), 0, 2, {});
    if (k % 5 != 0) c.set_attribute(0, i, zones[k % 3]);  // some lack the zone
    c.set_schedulable(i, k % 7 != 3);
  };
  for (int k = 0; k < 30; ++k) add();
  c.track_fit_tree();
  const auto by_cpu = c.track_free_index(ClusterState::IndexedResource::kCpu, ClusterState::kNoAttribute);
  const auto by_memory = c.track_free_index(ClusterState::IndexedResource::kMemory, 0);
  const GroupIdx g = c.intern_group("family:x");
  std::vector<std::pair<InstanceIdx, Resources>> placed;
  for (int step = 0; step < 1500; ++step) {
    const std::uint64_t op = ops.uniform_index(10);
    if (op == 0 && c.size() < 70) {
      add();
    } else if (op == 1) {
      const auto i = static_cast<InstanceIdx>(ops.uniform_index(c.size()));
      c.set_schedulable(i, c.schedulable[i] == 0);
    } else if (op < 5 && !placed.empty()) {
      const std::size_t k = ops.uniform_index(placed.size());
      c.release(placed[k].first, placed[k].second, {}, {}, g);
      placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      const auto i = static_cast<InstanceIdx>(ops.uniform_index(c.size()));
      const Resources need{static_cast<std::int32_t>(256 * ops.uniform_index(4)),
                           static_cast<std::int32_t>(512 * ops.uniform_index(4)), 0, 0};
      if (c.free_cpu[i] >= need.cpu && c.free_memory_mib[i] >= need.memory_mib) {
        c.reserve(i, need, {}, {}, g);
        placed.emplace_back(i, need);
      }
    }
    const std::int32_t cpu = static_cast<std::int32_t>(256 * ops.uniform_index(9));
    const std::int32_t memory = static_cast<std::int32_t>(512 * ops.uniform_index(9));
    std::vector<InstanceIdx> want;
    for (const InstanceIdx i : c.schedulable_list) {
      if (c.free_cpu[i] >= cpu && c.free_memory_mib[i] >= memory) want.push_back(i);
    }
    std::vector<InstanceIdx> got;
    c.for_each_fitting(cpu, memory, [&](InstanceIdx i) {
      got.push_back(i);
      return true;
    });
    REQUIRE(got == want);
    // A listing stopped early stops where it was told to.
    got.clear();
    c.for_each_fitting(cpu, memory, [&](InstanceIdx i) {
      got.push_back(i);
      return got.size() < 3;
    });
    REQUIRE(got == std::vector<InstanceIdx>(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(3, want.size()))));
    // The free indexes: increasing free, those short of the other resource left out.
    for (const auto id : {by_cpu, by_memory}) {
      const bool is_cpu = id == by_cpu;
      const std::int32_t need = is_cpu ? cpu : memory;
      const std::int32_t other_need = is_cpu ? memory : cpu;
      for (std::size_t slot = 0; slot < c.free_set_count(id); ++slot) {
        std::vector<std::pair<std::int32_t, InstanceIdx>> expected;
        std::size_t members = 0;
        for (const InstanceIdx i : c.schedulable_list) {
          const std::size_t at = is_cpu ? 0 : static_cast<std::size_t>(c.attribute_value(0, i) + 1);
          if (at != slot) continue;
          ++members;
          const std::int32_t free = is_cpu ? c.free_cpu[i] : c.free_memory_mib[i];
          const std::int32_t other = is_cpu ? c.free_memory_mib[i] : c.free_cpu[i];
          REQUIRE(c.free_set_contains(id, slot, free, i));
          REQUIRE_FALSE(c.free_set_contains(id, slot, free + 1, i));
          if (free >= need && other >= other_need) expected.emplace_back(free, i);
        }
        std::sort(expected.begin(), expected.end());
        REQUIRE(c.free_set_size(id, slot) == members);
        // free_set_any: a member of the set, whatever classes emptied meanwhile.
        const InstanceIdx any = c.free_set_any(id, slot);
        if (members == 0) {
          REQUIRE(any == kNoInstance);
        } else {
          REQUIRE(any != kNoInstance);
          REQUIRE(c.free_set_contains(id, slot, is_cpu ? c.free_cpu[any] : c.free_memory_mib[any], any));
        }
        std::vector<std::pair<std::int32_t, InstanceIdx>> walked;
        c.visit_free(id, slot, need, other_need, [&](InstanceIdx i, std::int32_t free) {
          walked.emplace_back(free, i);
          return true;
        });
        // Increasing free; members of equal free in no promised order.
        REQUIRE(std::is_sorted(walked.begin(), walked.end(),
                               [](const auto& a, const auto& b) { return a.first < b.first; }));
        std::sort(walked.begin(), walked.end());
        REQUIRE(walked == expected);
        // A walk stopped early stops where it was told to: after the members of the lowest free.
        if (!expected.empty()) {
          std::vector<std::pair<std::int32_t, InstanceIdx>> lowest;
          c.visit_free(id, slot, need, other_need, [&](InstanceIdx i, std::int32_t free) {
            if (free > expected.front().first) return false;
            lowest.emplace_back(free, i);
            return true;
          });
          std::sort(lowest.begin(), lowest.end());
          const auto end = std::find_if(expected.begin(), expected.end(),
                                        [&](const auto& e) { return e.first > expected.front().first; });
          REQUIRE(lowest == std::vector<std::pair<std::int32_t, InstanceIdx>>(expected.begin(), end));
        }
      }
    }
  }
}
