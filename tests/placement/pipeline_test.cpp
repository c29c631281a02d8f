#include "placement/pipeline.h"

#include <algorithm>
#include <cmath>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "placement/plugin_loader.h"
#include "placement/registry.h"

using namespace ecsim;
using sim::ClusterState;
using sim::FailureReason;
using sim::InstanceIdx;
using sim::Resources;

namespace {

// A cluster of identical instances over zones a, b, c (round-robin), all schedulable.
struct Fixture {
  ClusterState cluster;
  sim::GroupIdx group;
  placement::EcsPlacerFactory factory;
  sim::RandomStream rng{1, "placement"};

  explicit Fixture(int n, std::int32_t cpu = 4096, std::int32_t memory = 8192) {
    cluster.intern_attribute("ecs.availability-zone");
    const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
    for (int k = 0; k < n; ++k) {
      const InstanceIdx i = cluster.add_instance("i-" + std::to_string(k + 1), static_cast<std::uint32_t>(k % 3), 0, 0,
                                                 cpu, memory, 0, 2, {22});
      cluster.set_attribute(0, i, zones[k % 3]);
      cluster.set_schedulable(i, true);
    }
    group = cluster.intern_group("family:web");
  }

  std::unique_ptr<sim::Placer> placer(std::vector<sim::StrategySpec> strategy,
                                      std::vector<sim::ConstraintSpec> constraints = {}) {
    sim::PlacementPolicy p;
    p.strategy = std::move(strategy);
    p.constraints = std::move(constraints);
    p.group = group;
    return factory.make(p, cluster);
  }

  void occupy(InstanceIdx i, Resources need) { cluster.reserve(i, need, {}, {}, group); }
};

const std::vector<std::uint16_t> kNoPorts;

sim::PlacementRequest request(const Resources& need, sim::GroupIdx group,
                              const std::vector<std::uint16_t>* tcp = &kNoPorts) {
  sim::PlacementRequest r;
  r.need = &need;
  r.group = group;
  r.tcp_ports = tcp;
  r.udp_ports = &kNoPorts;
  return r;
}

// An explanation agrees with the decision: it lists every schedulable instance, exactly those
// the placer admits passed, a failure reports the reason of the closest instance (fewest failed
// checks, lowest index), and the chosen instance holds the best keys of every strategy (unless
// the choice was a random probe, which the keys of a replay do not describe).
void check_explanation(const sim::PlacementExplanation& e, const sim::PlacementDecision& d, const ClusterState& cluster,
                       const sim::Placer& placer, const sim::PlacementRequest& req, bool chosen_by_keys) {
  REQUIRE(e.considered == cluster.schedulable_list);
  REQUIRE(e.first_failure.size() == e.considered.size());
  std::vector<InstanceIdx> admitted;
  for (const InstanceIdx i : e.considered) {
    if (placer.admits(req, cluster, i)) admitted.push_back(i);
  }
  REQUIRE(e.passed == admitted);
  const std::size_t width = e.strategies.size();
  REQUIRE(e.keys.size() == e.passed.size() * width);
  if (d.instance == sim::kNoInstance) {
    REQUIRE(e.passed.empty());
    std::size_t closest = 0;
    for (std::size_t k = 1; k < e.considered.size(); ++k) {
      if (e.failed_checks[k] < e.failed_checks[closest]) closest = k;
    }
    REQUIRE(d.reason == e.first_failure.at(closest));
    return;
  }
  const auto at = std::find(e.passed.begin(), e.passed.end(), d.instance);
  REQUIRE(at != e.passed.end());
  if (!chosen_by_keys || e.passed.size() == 1) return;
  const auto row = static_cast<std::size_t>(at - e.passed.begin());
  std::size_t tied = 0;
  for (std::size_t k = 0; k < e.passed.size(); ++k) {
    bool same = true;
    for (std::size_t s = 0; s < width; ++s) same = same && e.keys[k * width + s] == e.keys[row * width + s];
    tied += same ? 1 : 0;
  }
  REQUIRE(tied == e.tied);
  for (std::size_t s = 0; s < width; ++s) {
    const std::int64_t mine = e.keys[row * width + s];
    if (mine == sim::PlacementExplanation::kNoKey) break;  // alone from here on
    for (std::size_t k = 0; k < e.passed.size(); ++k) {
      const std::int64_t other = e.keys[k * width + s];
      if (other != sim::PlacementExplanation::kNoKey) REQUIRE(mine <= other);
    }
  }
}

}  // namespace

TEST_CASE("placement: binpack memory picks the instance with the least memory left that fits", "[placement][ecs]") {
  // Dev Guide "Amazon ECS task placement strategies": binpack "places tasks on ... the least
  // available amount of CPU or memory".
  Fixture f(4);
  f.occupy(1, {0, 6000, 0, 0});  // 2192 left
  f.occupy(2, {0, 7000, 0, 0});  // 1192 left: too little for 2048
  f.occupy(3, {0, 4000, 0, 0});  // 4192 left
  auto p = f.placer({{"binpack", "memory", {}}});
  const Resources need{256, 2048, 0, 0};
  const auto d = p->place(request(need, f.group), f.cluster, f.rng);
  REQUIRE(d.instance == 1);
}

TEST_CASE("placement: binpack cpu picks the instance with the least cpu left", "[placement][ecs]") {
  Fixture f(3);
  f.occupy(0, {3000, 0, 0, 0});
  f.occupy(2, {2000, 0, 0, 0});
  auto p = f.placer({{"binpack", "cpu", {}}});
  const Resources need{1024, 128, 0, 0};
  REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).instance == 0);
}

TEST_CASE("placement: spread over zones picks a zone with the fewest tasks of the group", "[placement][ecs]") {
  // Dev Guide "Amazon ECS services" [test]: zone A has 1 task, B and C none -> place in B or C.
  // The list is the engine's service default, the preset "serviceDefault".
  Fixture f(6);  // instances 0,3 in a; 1,4 in b; 2,5 in c
  auto p = f.placer(placement::find_strategy_preset("serviceDefault")->strategy);
  f.occupy(0, {1, 1, 0, 0});
  const Resources need{1, 1, 0, 0};
  std::set<std::uint32_t> zones;
  for (int k = 0; k < 50; ++k) {
    const auto d = p->place(request(need, f.group), f.cluster, f.rng);
    REQUIRE(d.instance != sim::kNoInstance);
    zones.insert(f.cluster.zone[d.instance]);
  }
  REQUIRE(zones == std::set<std::uint32_t>{1, 2});
}

TEST_CASE("placement: spread then binpack balances zones and packs inside the zone", "[placement][ecs]") {
  // Dev Guide: "spread AZ then binpack memory" balances zones, then picks the fullest instance.
  Fixture f(6);
  auto p = f.placer({{"spread", "attribute:ecs.availability-zone", {}}, {"binpack", "memory", {}}});
  // Zone a already has a task of the group; zone b's instance 4 is fuller than 1; zone c's 5 fuller than 2.
  f.occupy(0, {1, 1, 0, 0});
  f.cluster.reserve(4, {0, 5000, 0, 0}, {}, {}, f.cluster.intern_group("other"));
  f.cluster.reserve(5, {0, 3000, 0, 0}, {}, {}, f.cluster.intern_group("other"));
  const Resources need{1, 1024, 0, 0};
  const auto d = p->place(request(need, f.group), f.cluster, f.rng);
  REQUIRE(d.instance == 4);
}

TEST_CASE("placement: spread over instances never stacks while an empty instance fits", "[placement]") {
  Fixture f(5);
  auto p = f.placer({{"spread", "instanceId", {}}});
  const Resources need{1, 1, 0, 0};
  std::map<InstanceIdx, int> counts;
  for (int k = 0; k < 15; ++k) {
    const auto d = p->place(request(need, f.group), f.cluster, f.rng);
    f.occupy(d.instance, need);
    ++counts[d.instance];
  }
  for (const auto& [i, n] : counts) REQUIRE(n == 3);
}

TEST_CASE("placement: random is uniform over the instances that fit", "[placement][ecs]") {
  // Dev Guide: "random places tasks on instances randomly" (among those that pass the filters).
  Fixture f(4);
  f.occupy(3, {4096, 0, 0, 0});  // full on cpu
  auto p = f.placer({{"random", "", {}}});
  const Resources need{512, 512, 0, 0};
  std::map<InstanceIdx, int> counts;
  for (int k = 0; k < 30000; ++k) ++counts[p->place(request(need, f.group), f.cluster, f.rng).instance];
  REQUIRE(counts.count(3) == 0);
  for (InstanceIdx i = 0; i < 3; ++i) REQUIRE(std::abs(counts[i] - 10000) < 500);
}

TEST_CASE("placement: distinctInstance puts each task of the group on its own instance", "[placement][ecs]") {
  // Dev Guide "task placement constraints": distinctInstance places each task on a different instance.
  Fixture f(3);
  auto p = f.placer({{"binpack", "memory", {}}}, {{"distinctInstance", ""}});
  const Resources need{1, 1, 0, 0};
  std::set<InstanceIdx> used;
  for (int k = 0; k < 3; ++k) {
    const auto d = p->place(request(need, f.group), f.cluster, f.rng);
    REQUIRE(d.instance != sim::kNoInstance);
    REQUIRE(used.insert(d.instance).second);
    f.occupy(d.instance, need);
  }
  const auto d = p->place(request(need, f.group), f.cluster, f.rng);
  REQUIRE(d.instance == sim::kNoInstance);
  REQUIRE(d.reason == FailureReason::kDistinctInstance);
}

TEST_CASE("placement: failure reasons name the resource short on the closest instance", "[placement][ecs]") {
  // API reference RunTask, failures: RESOURCE:CPU, RESOURCE:MEMORY, ... for the closest matching instance.
  Fixture f(2, 1024, 2048);
  auto p = f.placer({{"random", "", {}}});
  {
    const Resources need{2048, 512, 0, 0};
    REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kResourceCpu);
  }
  {
    const Resources need{512, 4096, 0, 0};
    REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kResourceMemory);
  }
  {
    const Resources need{512, 512, 1, 0};
    REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kResourceGpu);
  }
  {
    const Resources need{512, 512, 0, 3};
    REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kResourceEni);
  }
  {
    // Port 22 is reserved by the agent defaults on every instance.
    const Resources need{512, 512, 0, 0};
    const std::vector<std::uint16_t> ssh = {22};
    REQUIRE(p->place(request(need, f.group, &ssh), f.cluster, f.rng).reason == FailureReason::kResourcePorts);
  }
  {
    // Instance 1 lacks only memory, instance 0 lacks cpu and memory: the closest is 1.
    f.occupy(0, {1024, 0, 0, 0});
    const Resources need{512, 3000, 0, 0};
    REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kResourceMemory);
  }
}

TEST_CASE("placement: an empty cluster fails with MISSING", "[placement]") {
  Fixture f(0);
  auto p = f.placer({{"random", "", {}}});
  const Resources need{1, 1, 0, 0};
  REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).reason == FailureReason::kMissing);
}

TEST_CASE("placement: a task with no cpu never fails on RESOURCE:CPU", "[placement][ecs]") {
  // Dev Guide "Task definition parameters", cpu and memory: a task with no cpu anywhere reserves 0 CPU units.
  Fixture f(1);
  f.occupy(0, {4096, 0, 0, 0});
  auto p = f.placer({{"binpack", "cpu", {}}});
  const Resources need{0, 128, 0, 0};
  REQUIRE(p->place(request(need, f.group), f.cluster, f.rng).instance == 0);
}

TEST_CASE("placement: static host ports conflict and the 100-port limit holds", "[placement][ecs]") {
  // Dev Guide "Container Instance Memory Management": at most 100 static host ports per instance,
  // reserved ones included.
  Fixture f(1);
  auto p = f.placer({{"random", "", {}}});
  const Resources need{1, 1, 0, 0};
  const std::vector<std::uint16_t> http = {80};
  REQUIRE(p->place(request(need, f.group, &http), f.cluster, f.rng).instance == 0);
  f.cluster.reserve(0, need, http, {}, f.group);
  REQUIRE(p->place(request(need, f.group, &http), f.cluster, f.rng).reason == FailureReason::kResourcePorts);
  std::vector<std::uint16_t> many;
  for (std::uint16_t port = 1000; port < 1098; ++port) many.push_back(port);  // 2 in use + 98 = 100
  REQUIRE(p->place(request(need, f.group, &many), f.cluster, f.rng).instance == 0);
  many.push_back(2000);  // 101
  REQUIRE(p->place(request(need, f.group, &many), f.cluster, f.rng).reason == FailureReason::kResourcePorts);
}

// The conformance suite: every registered strategy, through the same invariants.
TEST_CASE("placement conformance: every strategy places only where the task fits, reproducibly", "[placement]") {
  // The example plugin's strategy runs through the same invariants as the built-ins; it is
  // forgotten afterwards so that the other tests of this process see the built-in registry.
  placement::load_plugin(ECSIM_EXAMPLE_PLUGIN);
  struct Forget {
    ~Forget() { placement::forget_plugins(); }
  } forget;
  std::vector<sim::StrategySpec> specs = {{"fewestTasks", "", {}},
                                          {"random", "", {}},
                                          {"binpack", "cpu", {}},
                                          {"binpack", "memory", {}},
                                          {"spread", "instanceId", {}},
                                          {"spread", "host", {}},
                                          {"spread", "attribute:ecs.availability-zone", {}},
                                          {"bestFitDrf", "", {}},
                                          {"firstFit", "", {}},
                                          {"leastAllocated", "", {}},
                                          {"mostAllocated", "", {}},
                                          {"powerOfTwoChoices", "", {}},
                                          {"tetris", "", {}},
                                          {"worstFit", "", {}}};
  for (const auto& info : placement::strategy_infos()) {
    bool covered = false;
    for (const auto& s : specs) covered = covered || s.type == info.name;
    INFO(info.name);
    REQUIRE(covered);
  }
  for (const auto& spec : specs) {
    INFO(spec.type << " " << spec.field);
    REQUIRE(placement::check_strategy(spec).empty());
    std::vector<InstanceIdx> first_run;
    for (int run = 0; run < 2; ++run) {
      Fixture f(12, 4096, 8192);
      auto p = f.placer({spec});
      sim::RandomStream sizes(9, "sizes");
      std::vector<InstanceIdx> chosen;
      for (int k = 0; k < 200; ++k) {
        const Resources need{static_cast<std::int32_t>(128 * (1 + sizes.uniform_index(8))),
                             static_cast<std::int32_t>(256 * (1 + sizes.uniform_index(8))), 0, 0};
        // The second run also explains every attempt: explaining must not change the run.
        sim::PlacementExplanation e;
        if (run == 1) p->explain(request(need, f.group), f.cluster, f.rng, e);
        const auto d = p->place(request(need, f.group), f.cluster, f.rng);
        if (run == 1) check_explanation(e, d, f.cluster, *p, request(need, f.group), spec.type != "random");
        if (d.instance == sim::kNoInstance) {
          // A failure only when no instance fits.
          for (InstanceIdx i = 0; i < f.cluster.size(); ++i) {
            REQUIRE((f.cluster.free_cpu[i] < need.cpu || f.cluster.free_memory_mib[i] < need.memory_mib));
          }
          REQUIRE(d.reason != FailureReason::kNone);
        } else {
          REQUIRE(f.cluster.free_cpu[d.instance] >= need.cpu);
          REQUIRE(f.cluster.free_memory_mib[d.instance] >= need.memory_mib);
          REQUIRE(p->admits(request(need, f.group), f.cluster, d.instance));
          f.occupy(d.instance, need);
        }
        chosen.push_back(d.instance);
      }
      if (run == 0) {
        first_run = chosen;
      } else {
        REQUIRE(chosen == first_run);
      }
    }
  }
}

TEST_CASE("placement: check_strategy explains what a bad item should be", "[placement]") {
  REQUIRE(placement::check_strategy({"binpack", "disk", {}}) == "a binpack field: cpu or memory");
  REQUIRE(placement::check_strategy({"spread", "attribute:", {}}) == "a spread field: instanceId, host or attribute:NAME");
  REQUIRE(placement::check_strategy({"random", "cpu", {}}) == "no field for random");
  REQUIRE(placement::check_strategy({"binpak", "cpu", {}}) ==
          "a strategy type (one of bestFitDrf, binpack, firstFit, leastAllocated, mostAllocated, powerOfTwoChoices, "
          "random, spread, tetris, worstFit)");
}

TEST_CASE("placement: the indexed path chooses exactly what the full scan chooses", "[placement]") {
  // binpack and spread(attribute)+binpack read the free-resource index; the full scan is the
  // reference. Same cluster history, same seed: the same instance every time, and the same
  // random stream position afterwards.
  const std::vector<std::vector<sim::StrategySpec>> lists = {
      {{"binpack", "memory", {}}},
      {{"binpack", "cpu", {}}},
      {{"spread", "attribute:ecs.availability-zone", {}}, {"binpack", "memory", {}}},
      {{"spread", "attribute:team", {}}, {"binpack", "cpu", {}}},
  };
  // Each list runs plain, with distinctInstance, with memberOf, and with tasks that also need
  // an ENI or a static host port (the walk's members then go through every check, not only the
  // resource test), on a cluster where a third of the steps free a task and on one filled close
  // to full (one step in eight frees a task, and the tasks are CPU-heavy or memory-heavy: the
  // walk in binpack order meets many instances that have the binpacked resource but not the
  // other).
  for (const auto& list : lists) {
    INFO(list[0].type << " " << list[0].field);
    for (int variant = 0; variant < 8; ++variant) {
      const int extra = variant % 4;  // 0: plain, 1: distinctInstance, 2: memberOf, 3: ENIs and ports
      const bool full = variant >= 4;
      INFO("extra " << extra << (full ? " full" : ""));
      const bool distinct = extra == 1;
      struct Side {
        ClusterState cluster;
        sim::GroupIdx group = 0;
        std::unique_ptr<sim::Placer> placer;
        sim::RandomStream rng{3, "placement"};
      };
      Side sides[2];
      for (int s = 0; s < 2; ++s) {
        Side& side = sides[s];
        side.cluster.intern_attribute("ecs.availability-zone");
        const sim::AttributeIdx team = side.cluster.intern_attribute("team");
        const char* zones[] = {"a", "b", "c"};
        for (int k = 0; k < 40; ++k) {
          const InstanceIdx i = side.cluster.add_instance("i-" + std::to_string(k), static_cast<std::uint32_t>(k % 3), 0,
                                                          0, 1024 * (1 + k % 4), 2048 * (1 + k % 3), 0, 2, {});
          side.cluster.set_attribute(0, i, zones[k % 3]);
          if (k % 5 != 0) side.cluster.set_attribute(team, i, k % 2 ? "web" : "batch");  // some lack it
          side.cluster.set_schedulable(i, k % 7 != 3);
        }
        side.group = side.cluster.intern_group("family:x");
        placement::EcsPlacerFactory factory(s == 0);
        sim::PlacementPolicy policy;
        policy.strategy = list;
        if (distinct) policy.constraints = {{"distinctInstance", ""}};
        if (extra == 2) policy.constraints = {{"memberOf", "attribute:ecs.availability-zone in [a, b]"}};
        policy.group = side.group;
        side.placer = factory.make(policy, side.cluster);
      }
      sim::RandomStream sizes(5, "sizes");
      struct Placed {
        InstanceIdx instance;
        Resources need;
        std::vector<std::uint16_t> tcp;
      };
      std::vector<Placed> placed;
      const std::vector<std::uint16_t> port{8080};
      for (int step = 0; step < 400; ++step) {
        if (!placed.empty() && sizes.uniform_index(full ? 8 : 3) == 0) {
          // Free a random earlier placement on both sides.
          const std::size_t k = sizes.uniform_index(placed.size());
          for (Side& side : sides) {
            side.cluster.release(placed[k].instance, placed[k].need, placed[k].tcp, {}, side.group);
          }
          placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(k));
          continue;
        }
        Resources need{static_cast<std::int32_t>(256 * sizes.uniform_index(5)),
                       static_cast<std::int32_t>(512 * (1 + sizes.uniform_index(4))), 0, 0};
        if (full) {
          const std::uint64_t shape = sizes.uniform_index(3);
          if (shape == 0) need.cpu = static_cast<std::int32_t>(1024 * (1 + sizes.uniform_index(2)));  // CPU-heavy
          if (shape == 1) need.memory_mib = static_cast<std::int32_t>(2048 * (1 + sizes.uniform_index(2)));
        }
        const std::vector<std::uint16_t>& tcp = extra == 3 && sizes.uniform_index(3) == 0 ? port : kNoPorts;
        if (extra == 3) need.enis = static_cast<std::int32_t>(sizes.uniform_index(2));
        const auto a = sides[0].placer->place(request(need, sides[0].group, &tcp), sides[0].cluster, sides[0].rng);
        const auto b = sides[1].placer->place(request(need, sides[1].group, &tcp), sides[1].cluster, sides[1].rng);
        REQUIRE(a.instance == b.instance);
        REQUIRE(a.reason == b.reason);
        if (a.instance != sim::kNoInstance) {
          for (Side& side : sides) side.cluster.reserve(a.instance, need, tcp, {}, side.group);
          placed.push_back({a.instance, need, tcp});
        }
      }
      REQUIRE(sides[0].rng.next_u64() == sides[1].rng.next_u64());
    }
  }
}

namespace {

// The spread-only lists that read the cluster's spread buckets instead of scanning it.
const std::vector<std::vector<sim::StrategySpec>> kSpreadLists = {
    {{"spread", "instanceId", {}}},
    {{"spread", "host", {}}},
    {{"spread", "attribute:ecs.availability-zone", {}}},
    {{"spread", "attribute:team", {}}},
    {{"spread", "attribute:ecs.availability-zone", {}}, {"spread", "instanceId", {}}},
    {{"spread", "attribute:team", {}}, {"spread", "host", {}}},
};

// The constraints a spread list is tried with: none, distinctInstance, memberOf.
enum class Extra { kNone, kDistinct, kMemberOf };
constexpr Extra kExtras[] = {Extra::kNone, Extra::kDistinct, Extra::kMemberOf};

std::string describe(const std::vector<sim::StrategySpec>& list, Extra extra) {
  std::string out;
  for (const auto& s : list) out += s.type + "(" + s.field + ") ";
  if (extra == Extra::kDistinct) out += "with distinctInstance";
  if (extra == Extra::kMemberOf) out += "with memberOf";
  return out;
}

// 60 instances over zones a, b, c with twelve shapes of capacity; one in five lacks the
// attribute team, one in seven is not schedulable. Two placers of the same policy share the
// cluster: the indexed one and the full scan, the reference.
struct SpreadWorld {
  ClusterState cluster;
  sim::GroupIdx group = 0;
  sim::GroupIdx other = 0;
  std::unique_ptr<sim::Placer> indexed;
  std::unique_ptr<sim::Placer> scan;
  std::vector<int> on;  // the group's tasks per instance, counted by the test itself

  SpreadWorld(const std::vector<sim::StrategySpec>& list, Extra extra) {
    cluster.intern_attribute("ecs.availability-zone");
    const sim::AttributeIdx team = cluster.intern_attribute("team");
    const char* zones[] = {"a", "b", "c"};
    const char* teams[] = {"web", "batch", "ml"};
    for (int k = 0; k < 60; ++k) {
      const InstanceIdx i = cluster.add_instance("i-" + std::to_string(k), static_cast<std::uint32_t>(k % 3), 0, 0,
                                                 1024 * (1 + k % 4), 2048 * (1 + k % 3), 0, 2, {});
      cluster.set_attribute(0, i, zones[k % 3]);
      if (k % 5 != 0) cluster.set_attribute(team, i, teams[(k / 2) % 3]);
      cluster.set_schedulable(i, k % 7 != 3);
    }
    group = cluster.intern_group("family:x");
    other = cluster.intern_group("family:other");
    sim::PlacementPolicy policy;
    policy.strategy = list;
    if (extra == Extra::kDistinct) policy.constraints = {{"distinctInstance", ""}};
    // Zone c is left out.
    if (extra == Extra::kMemberOf) policy.constraints = {{"memberOf", "attribute:ecs.availability-zone != c"}};
    policy.group = group;
    indexed = placement::EcsPlacerFactory(true).make(policy, cluster);
    scan = placement::EcsPlacerFactory(false).make(policy, cluster);
    on.assign(cluster.size(), 0);
  }

  // A spread key by hand: the group's tasks on the instance, or on every instance (schedulable or
  // not) sharing its value of the attribute, instances lacking it counting as one value.
  std::int64_t key(const sim::StrategySpec& spec, InstanceIdx i) const {
    if (spec.field.rfind("attribute:", 0) != 0) return on[i];
    const auto a = static_cast<sim::AttributeIdx>(cluster.find_attribute(spec.field.substr(10)));
    std::int64_t n = 0;
    for (InstanceIdx j = 0; j < cluster.size(); ++j) {
      if (cluster.attribute_value(a, j) == cluster.attribute_value(a, i)) n += on[j];
    }
    return n;
  }

  // The full scan's survivors, by hand: the schedulable instances passing every check, narrowed
  // by each strategy of the list to those holding its lowest key.
  std::vector<InstanceIdx> survivors(const std::vector<sim::StrategySpec>& list,
                                     const sim::PlacementRequest& req) const {
    std::vector<InstanceIdx> alive;
    for (const InstanceIdx i : cluster.schedulable_list) {
      if (scan->admits(req, cluster, i)) alive.push_back(i);
    }
    for (const auto& spec : list) {
      if (alive.empty()) break;
      std::int64_t best = key(spec, alive[0]);
      for (const InstanceIdx i : alive) best = std::min(best, key(spec, i));
      std::vector<InstanceIdx> kept;
      for (const InstanceIdx i : alive) {
        if (key(spec, i) == best) kept.push_back(i);
      }
      alive = kept;
    }
    return alive;
  }
};

bool contains(const std::vector<InstanceIdx>& v, InstanceIdx i) { return std::find(v.begin(), v.end(), i) != v.end(); }

}  // namespace

TEST_CASE("placement: indexed spread lists choose one of the full scan's survivors and fail as it does",
          "[placement]") {
  // Dev Guide "Amazon ECS task placement strategies": each spread keeps the candidates with the fewest
  // tasks of the group on
  // its field's value; the tie left is drawn uniformly. The spread buckets must give one of the
  // scan's survivors at every decision, and fail exactly when the scan fails, with its reason.
  const std::vector<std::uint16_t> http = {80};
  for (const auto& list : kSpreadLists) {
    for (const Extra extra : kExtras) {
      INFO(describe(list, extra));
      SpreadWorld w(list, extra);
      sim::RandomStream rng(11, "placement");
      sim::RandomStream ops(6, "ops");
      struct Placed {
        InstanceIdx instance;
        Resources need;
        bool http;
        sim::GroupIdx group;
      };
      std::vector<Placed> placed;
      int chosen = 0;
      int failed = 0;
      for (int step = 0; step < 800; ++step) {
        const std::uint64_t op = ops.uniform_index(12);
        if (op < 3 && !placed.empty()) {
          // A task stops.
          const std::size_t k = ops.uniform_index(placed.size());
          const Placed& p = placed[k];
          w.cluster.release(p.instance, p.need, p.http ? http : kNoPorts, {}, p.group);
          if (p.group == w.group) --w.on[p.instance];
          placed.erase(placed.begin() + static_cast<std::ptrdiff_t>(k));
          continue;
        }
        if (op == 3) {
          // An instance leaves or comes back, tasks and all.
          const auto i = static_cast<InstanceIdx>(ops.uniform_index(w.cluster.size()));
          w.cluster.set_schedulable(i, w.cluster.schedulable[i] == 0);
          continue;
        }
        if (op == 4) {
          // Another group's task takes room.
          const auto i = static_cast<InstanceIdx>(ops.uniform_index(w.cluster.size()));
          const Resources need{512, 1024, 0, 0};
          if (w.cluster.free_cpu[i] >= need.cpu && w.cluster.free_memory_mib[i] >= need.memory_mib) {
            w.cluster.reserve(i, need, {}, {}, w.other);
            placed.push_back({i, need, false, w.other});
          }
          continue;
        }
        const Resources need{static_cast<std::int32_t>(256 * ops.uniform_index(5)),
                             static_cast<std::int32_t>(512 * (1 + ops.uniform_index(4))), 0, 0};
        const bool with_http = ops.uniform_index(4) == 0;
        const auto req = request(need, w.group, with_http ? &http : &kNoPorts);
        const std::vector<InstanceIdx> survivors = w.survivors(list, req);
        sim::RandomStream scan_rng = rng;
        const auto reference = w.scan->place(req, w.cluster, scan_rng);
        sim::PlacementExplanation e;
        w.indexed->explain(req, w.cluster, rng, e);
        REQUIRE(e.path == sim::PlacementExplanation::Path::kIndexed);
        const auto d = w.indexed->place(req, w.cluster, rng);
        check_explanation(e, d, w.cluster, *w.indexed, req, true);
        if (survivors.empty()) {
          REQUIRE(reference.instance == sim::kNoInstance);
          REQUIRE(d.instance == sim::kNoInstance);
          REQUIRE(d.reason == reference.reason);
          ++failed;
          continue;
        }
        REQUIRE(contains(survivors, reference.instance));  // the hand computation agrees with the scan
        REQUIRE(contains(survivors, d.instance));
        w.cluster.reserve(d.instance, need, with_http ? http : kNoPorts, {}, w.group);
        ++w.on[d.instance];
        placed.push_back({d.instance, need, with_http, w.group});
        ++chosen;
      }
      // The history went through both outcomes many times.
      REQUIRE(chosen >= 100);
      REQUIRE(failed >= 20);
    }
  }
}

TEST_CASE("placement: indexed spread lists draw uniformly over the full scan's survivors", "[placement]") {
  // From one state, many draws: every survivor is drawn about as often, and nothing else is.
  // Roomy: most instances fit. Tight and sparse: only the instances of a fixed set R have room,
  // the group's tasks avoid R and the instances lacking team (so that "missing" is the least
  // loaded team value), and the lowest count level holds many instances that do not fit: its
  // probes often all miss and the level is listed, and the draw must stay uniform over both
  // ways of choosing.
  enum class Mode { kRoomy, kTight, kSparse };
  for (const auto& list : kSpreadLists) {
    for (const Extra extra : kExtras) {
      for (const Mode mode : {Mode::kRoomy, Mode::kTight, Mode::kSparse}) {
        INFO(describe(list, extra) << " mode " << static_cast<int>(mode));
        SpreadWorld w(list, extra);
        const auto roomy = [mode](InstanceIdx i) {
          if (mode == Mode::kTight) return i % 20 < 4;
          return i % 20 < 2;  // 0, 1, 20, 21, 40, 41: two per zone, three lacking team
        };
        sim::RandomStream fill(8, "fill");
        const Resources small{1, 1, 0, 0};
        for (int k = 0, placed = 0; placed < (mode == Mode::kSparse ? 8 : 30); ++k) {
          const auto i = static_cast<InstanceIdx>(fill.uniform_index(w.cluster.size()));
          if (mode != Mode::kRoomy && (roomy(i) || i % 5 == 0)) continue;
          w.cluster.reserve(i, small, {}, {}, w.group);
          ++w.on[i];
          ++placed;
        }
        if (mode != Mode::kRoomy) {
          for (InstanceIdx i = 0; i < w.cluster.size(); ++i) {
            if (roomy(i)) continue;
            const Resources rest{0, w.cluster.free_memory_mib[i] - 512, 0, 0};
            w.cluster.reserve(i, rest, {}, {}, w.other);
          }
        }
        const Resources need{256, 1024, 0, 0};
        const auto req = request(need, w.group);
        const std::vector<InstanceIdx> survivors = w.survivors(list, req);
        INFO("survivors " << survivors.size());
        REQUIRE(survivors.size() >= 2);
        const int per = 2000;
        const int n = per * static_cast<int>(survivors.size());
        sim::RandomStream rng(12, "placement");
        std::map<InstanceIdx, int> counts;
        for (int k = 0; k < n; ++k) ++counts[w.indexed->place(req, w.cluster, rng).instance];
        REQUIRE(counts.size() == survivors.size());
        for (const auto& [i, c] : counts) {
          INFO("instance " << i << " drawn " << c << " times");
          REQUIRE(contains(survivors, i));
          REQUIRE(std::abs(c - per) < 250);  // 5.6 standard deviations
        }
      }
    }
  }
}

namespace {

// Pearson's chi-square statistic of `counts` (one per expected cell) against equal expectations.
double chi_square(const std::vector<int>& counts) {
  double total = 0;
  for (const int c : counts) total += c;
  const double expected = total / static_cast<double>(counts.size());
  double x = 0;
  for (const int c : counts) x += (c - expected) * (c - expected) / expected;
  return x;
}

// A bound that a chi-square variable with `df` degrees of freedom exceeds with probability
// below about 1e-4 (its mean plus 5 standard deviations, plus 6 for the skew of small df).
double chi_square_bound(std::size_t df) {
  const auto d = static_cast<double>(df);
  return d + 5.0 * std::sqrt(2.0 * d) + 6.0;
}

}  // namespace

TEST_CASE("placement: random stays uniform over the instances that pass on a nearly full cluster",
          "[placement][ecs]") {
  // Dev Guide "Amazon ECS task placement strategies": random "places tasks on instances randomly",
  // among those that pass the filters. On 1,024 instances where only a set F has room, the
  // draws go through every stage of the random path (probes; the fit tree's short listing, all
  // of F when |F| = 8; more probes; the long listing, capped at 64 here, complete for 40, capped
  // for 70 and 120; probes until one passes): over 200 draws per member of F, every member
  // is drawn and the counts pass a chi-square test at about 1e-4. A biased choice, the first
  // passing instance at or after a uniform start (favouring those after a long gap), fails the
  // same test on the same state, so the test can tell.
  const int n = 1024;
  for (const std::size_t fits : {std::size_t{8}, std::size_t{40}, std::size_t{70}, std::size_t{120}, std::size_t{600}}) {
    for (const int extra : {0, 1, 2}) {  // plain, distinctInstance, memberOf
      INFO(fits << " with room, extra " << extra);
      Fixture f(n, 4096, 8192);
      std::vector<sim::ConstraintSpec> constraints;
      if (extra == 1) constraints = {{"distinctInstance", ""}};
      if (extra == 2) constraints = {{"memberOf", "attribute:ecs.availability-zone != us-east-1c"}};
      auto p = f.placer({{"random", "", {}}}, constraints);
      // F: `fits` instances chosen at random (irregular gaps); the others are short of CPU, or
      // of memory, or (with distinctInstance) hold a task of the group.
      sim::RandomStream pick(31, "pick");
      std::vector<std::uint8_t> roomy(n, 0);
      for (std::size_t k = 0; k < fits;) {
        const auto i = pick.uniform_index(n);
        if (roomy[i] == 0) {
          roomy[i] = 1;
          ++k;
        }
      }
      const Resources need{512, 1024, 0, 0};
      const sim::GroupIdx other = f.cluster.intern_group("family:other");
      for (InstanceIdx i = 0; i < static_cast<InstanceIdx>(n); ++i) {
        if (roomy[i] != 0) continue;
        const std::uint64_t how = pick.uniform_index(extra == 1 ? 3 : 2);
        if (how == 0) f.cluster.reserve(i, {4096 - 256, 1024, 0, 0}, {}, {}, other);  // CPU short
        if (how == 1) f.cluster.reserve(i, {1024, 8192 - 512, 0, 0}, {}, {}, other);  // memory short
        if (how == 2) f.occupy(i, {1, 1, 0, 0});                                     // holds the group
      }
      const auto req = request(need, f.group);
      std::vector<InstanceIdx> passing;
      for (const InstanceIdx i : f.cluster.schedulable_list) {
        if (p->admits(req, f.cluster, i)) passing.push_back(i);
      }
      REQUIRE(passing.size() >= 2);
      const int per = 200;
      const int draws = per * static_cast<int>(passing.size());
      std::map<InstanceIdx, int> drawn;
      sim::RandomStream rng(32, "placement");
      for (int k = 0; k < draws; ++k) ++drawn[p->place(req, f.cluster, rng).instance];
      std::vector<int> counts;
      for (const InstanceIdx i : passing) counts.push_back(drawn[i]);
      REQUIRE(drawn.size() == passing.size());  // nothing else drawn
      const double x = chi_square(counts);
      INFO("chi-square " << x << " over " << passing.size() << " instances");
      REQUIRE(x < chi_square_bound(passing.size() - 1));

      // The biased choice on the same state.
      std::map<InstanceIdx, int> biased;
      sim::RandomStream brng(32, "placement");
      for (int k = 0; k < draws; ++k) {
        const auto start = static_cast<InstanceIdx>(brng.uniform_index(n));
        const auto at = std::lower_bound(passing.begin(), passing.end(), start);
        ++biased[at == passing.end() ? passing.front() : *at];
      }
      std::vector<int> bcounts;
      for (const InstanceIdx i : passing) bcounts.push_back(biased[i]);
      INFO("biased chi-square " << chi_square(bcounts));
      REQUIRE(chi_square(bcounts) > chi_square_bound(passing.size() - 1));
    }
  }
}
