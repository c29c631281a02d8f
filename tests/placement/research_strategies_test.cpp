#include "placement/research_strategies.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <map>

#include "placement/registry.h"

using namespace ecsim;
using sim::ClusterState;
using sim::InstanceIdx;
using sim::Resources;

namespace {

const std::vector<std::uint16_t> kNoPorts;

// A cluster of schedulable instances, each registered with 4096 CPU units and 8192 MiB unless
// given otherwise, and partly used by tasks of another group.
struct Cluster {
  ClusterState state;
  sim::GroupIdx group;
  sim::GroupIdx other;

  explicit Cluster(std::vector<Resources> used, std::int32_t cpu = 4096, std::int32_t memory = 8192) {
    for (std::size_t k = 0; k < used.size(); ++k) {
      const InstanceIdx i = state.add_instance("i-" + std::to_string(k), 0, 0, 0, cpu, memory, 0, 2, {});
      state.set_schedulable(i, true);
    }
    group = state.intern_group("family:web");
    other = state.intern_group("family:other");
    for (std::size_t k = 0; k < used.size(); ++k) {
      state.reserve(static_cast<InstanceIdx>(k), used[k], {}, {}, other);
    }
  }

  sim::PlacementRequest request(const Resources& need) const {
    sim::PlacementRequest r;
    r.need = &need;
    r.group = group;
    r.tcp_ports = &kNoPorts;
    r.udp_ports = &kNoPorts;
    return r;
  }

  // The keys the strategy `type` gives every instance for `need` (all must fit).
  std::vector<std::int64_t> keys(const std::string& type, const Resources& need) {
    const auto& infos = placement::strategy_infos();
    const auto it = std::find_if(infos.begin(), infos.end(), [&](const auto& info) { return info.name == type; });
    REQUIRE(it != infos.end());
    auto strategy = it->make({type, "", {}}, group, state);
    std::vector<InstanceIdx> candidates(state.size());
    for (InstanceIdx i = 0; i < state.size(); ++i) candidates[i] = i;
    std::vector<std::int64_t> out(candidates.size());
    sim::RandomStream rng(1, "placement");
    const auto r = request(need);
    strategy->score({state, r, rng}, candidates, out);
    return out;
  }

  // The instance the pipeline picks with the strategy list `list`.
  InstanceIdx pick(std::vector<sim::StrategySpec> list, const Resources& need, std::uint64_t seed = 1) {
    placement::EcsPlacerFactory factory;
    sim::PlacementPolicy policy;
    policy.strategy = std::move(list);
    policy.group = group;
    auto placer = factory.make(policy, state);
    sim::RandomStream rng(seed, "placement");
    return placer->place(request(need), state, rng).instance;
  }
};

sim::StrategySpec spec(const std::string& type, const std::string& field = "") { return {type, field, {}}; }

}  // namespace

TEST_CASE("research: firstFit takes the lowest-indexed instance that fits", "[placement]") {
  // Johnson et al. 1974: the first bin, in bin order, with room for the item.
  Cluster c({{0, 8000, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 6000, 0, 0}});
  const Resources need{256, 1024, 0, 0};
  CHECK(c.pick({spec("firstFit")}, need) == 1);  // 0 has 192 MiB left
  CHECK(c.pick({spec("binpack", "memory")}, need) == 3);
  // The key is the index itself, so no tie is left and no seed changes the choice.
  for (std::uint64_t seed = 0; seed < 20; ++seed) CHECK(c.pick({spec("firstFit")}, need, seed) == 1);
}

TEST_CASE("research: bestFitDrf keeps the smallest dominant share left, worstFit the largest", "[placement]") {
  // Instance: free after placing {1024, 1024} as shares of 4096 CPU / 8192 MiB, then the max.
  //   0: cpu 3072/4096 = 0.75,  memory 1024/8192 = 0.125 -> 0.75
  //   1: cpu 1024/4096 = 0.25,  memory 3072/8192 = 0.375 -> 0.375
  //   2: cpu 3072/4096 = 0.75,  memory 7168/8192 = 0.875 -> 0.875
  Cluster c({{0, 6144, 0, 0}, {2048, 4096, 0, 0}, {0, 0, 0, 0}});
  const Resources need{1024, 1024, 0, 0};
  CHECK(c.keys("bestFitDrf", need) == std::vector<std::int64_t>{786432, 393216, 917504});  // share · 2^20
  CHECK(c.keys("worstFit", need) == std::vector<std::int64_t>{-786432, -393216, -917504});
  CHECK(c.pick({spec("bestFitDrf")}, need) == 1);
  CHECK(c.pick({spec("worstFit")}, need) == 2);
  // binpack(memory) looks at memory alone and takes 0, whose CPU stays three-quarters idle.
  CHECK(c.pick({spec("binpack", "memory")}, need) == 0);
}

TEST_CASE("research: dominant shares round down at 2^-20 and treat an unregistered resource as 0", "[placement]") {
  Cluster c({{1000, 0, 0, 0}, {0, 0, 0, 0}}, 3000, 3000);
  const Resources need{1000, 1000, 0, 0};
  // Instance 0: cpu 1000/3000 -> floor(2^20 / 3) = 349525; memory 2000/3000 -> floor(2^21 / 3) = 699050.
  CHECK(c.keys("bestFitDrf", need)[0] == 699050);
  CHECK(c.keys("bestFitDrf", need)[1] == 699050);  // cpu and memory both 2000/3000

  Cluster zero({{0, 0, 0, 0}}, 0, 8192);  // no CPU registered: only memory counts
  CHECK(zero.keys("bestFitDrf", {0, 2048, 0, 0}) == std::vector<std::int64_t>{786432});
  CHECK(zero.keys("tetris", {0, 2048, 0, 0}) == std::vector<std::int64_t>{-(262144LL * 1048576LL)});
}

TEST_CASE("research: tetris prefers the instance whose free vector aligns with the demand", "[placement]") {
  // Grandl et al. 2014: score = demand · free, both normalised by the instance's capacity. A
  // CPU-heavy task {2048, 1024} on 4096 CPU / 8192 MiB: demand = (0.5, 0.125).
  //   0: free (4096, 2048) = (1.0, 0.25) -> 0.5 + 0.03125  = 0.53125
  //   1: free (2048, 8192) = (0.5, 1.0)  -> 0.25 + 0.125   = 0.375
  //   2: free (3072, 6144) = (0.75, 0.75) -> 0.375 + 0.09375 = 0.46875
  Cluster c({{0, 6144, 0, 0}, {2048, 0, 0, 0}, {1024, 2048, 0, 0}});
  const Resources need{2048, 1024, 0, 0};
  // Shares are in 2^20 units, so the products are in 2^40 units.
  const std::int64_t d_cpu = 524288, d_mem = 131072;  // 0.5 and 0.125
  CHECK(c.keys("tetris", need) == std::vector<std::int64_t>{-(d_cpu * 1048576 + d_mem * 262144),
                                                            -(d_cpu * 524288 + d_mem * 1048576),
                                                            -(d_cpu * 786432 + d_mem * 786432)});
  CHECK(c.pick({spec("tetris")}, need) == 0);
  // binpack(cpu) takes 1, whose CPU the task exhausts while its memory stays idle.
  CHECK(c.pick({spec("binpack", "cpu")}, need) == 1);
}

TEST_CASE("research: leastAllocated and mostAllocated score as kube-scheduler does", "[placement]") {
  // NodeResourcesFit, weights cpu 1 memory 1, MaxNodeScore 100, integer division throughout.
  // Need {1024, 2048}; after placing, requested/registered per resource:
  //   0: cpu 1024/4096, memory 2048/8192 -> least (75 + 75)/2 = 75, most (25 + 25)/2 = 25
  //   1: cpu 3072/4096, memory 2048/8192 -> least (25 + 75)/2 = 50, most (75 + 25)/2 = 50
  //   2: cpu 1024/4096, memory 7168/8192 -> least (75 + 12)/2 = 43, most (25 + 87)/2 = 56
  Cluster c({{0, 0, 0, 0}, {2048, 0, 0, 0}, {0, 5120, 0, 0}});
  const Resources need{1024, 2048, 0, 0};
  CHECK(c.keys("leastAllocated", need) == std::vector<std::int64_t>{-75, -50, -43});
  CHECK(c.keys("mostAllocated", need) == std::vector<std::int64_t>{-25, -50, -56});
  CHECK(c.pick({spec("leastAllocated")}, need) == 0);
  CHECK(c.pick({spec("mostAllocated")}, need) == 2);
  CHECK(c.pick({spec("binpack", "cpu")}, need) == 1);
}

TEST_CASE("research: powerOfTwoChoices keeps the less loaded of two instances drawn from the placement stream",
          "[placement]") {
  // Mitzenmacher 2001: two bins drawn uniformly, the ball goes to the less loaded. Loads
  // (dominant reserved share) are distinct here: 0 < 1 < 2 < 3.
  Cluster c({{0, 0, 0, 0}, {1024, 0, 0, 0}, {0, 4096, 0, 0}, {3072, 0, 0, 0}});
  const Resources need{1, 1, 0, 0};
  const auto keys = c.keys("powerOfTwoChoices", need);
  CHECK(std::count(keys.begin(), keys.end(), std::numeric_limits<std::int64_t>::max()) == 2);

  placement::EcsPlacerFactory factory;
  sim::PlacementPolicy policy;
  policy.strategy = {spec("powerOfTwoChoices")};
  policy.group = c.group;
  auto placer = factory.make(policy, c.state);
  sim::RandomStream rng(7, "placement");
  sim::RandomStream twin(7, "placement");
  std::map<InstanceIdx, int> counts;
  for (int k = 0; k < 6000; ++k) {
    const InstanceIdx chosen = placer->place(c.request(need), c.state, rng).instance;
    // The same two draws, made by hand: a uniform pair without replacement.
    const auto a = static_cast<InstanceIdx>(twin.uniform_index(4));
    auto b = static_cast<InstanceIdx>(twin.uniform_index(3));
    if (b >= a) ++b;
    REQUIRE(chosen == std::min(a, b));  // loads grow with the index here
    ++counts[chosen];
  }
  // The most loaded instance never wins; the others in proportion to the pairs they win:
  // 3/6, 2/6 and 1/6 of the 6 pairs.
  CHECK(counts.count(3) == 0);
  CHECK(std::abs(counts[0] - 3000) < 150);
  CHECK(std::abs(counts[1] - 2000) < 150);
  CHECK(std::abs(counts[2] - 1000) < 150);
  // No further draw was made: the two streams are still in step.
  CHECK(rng.next_u64() == twin.next_u64());
}

TEST_CASE("research: the same seed gives the same choices, for every research strategy", "[placement]") {
  for (const char* type : {"bestFitDrf", "firstFit", "leastAllocated", "mostAllocated", "powerOfTwoChoices", "tetris",
                           "worstFit"}) {
    INFO(type);
    std::vector<InstanceIdx> runs[2];
    for (auto& chosen : runs) {
      Cluster c(std::vector<Resources>(10, Resources{}));
      placement::EcsPlacerFactory factory;
      sim::PlacementPolicy policy;
      policy.strategy = {spec(type)};
      policy.group = c.group;
      auto placer = factory.make(policy, c.state);
      sim::RandomStream rng(11, "placement");
      sim::RandomStream sizes(12, "sizes");
      for (int k = 0; k < 150; ++k) {
        const Resources need{static_cast<std::int32_t>(128 * (1 + sizes.uniform_index(6))),
                             static_cast<std::int32_t>(256 * (1 + sizes.uniform_index(6))), 0, 0};
        const InstanceIdx i = placer->place(c.request(need), c.state, rng).instance;
        if (i != sim::kNoInstance) c.state.reserve(i, need, {}, {}, c.group);
        chosen.push_back(i);
      }
    }
    REQUIRE(runs[0] == runs[1]);
  }
}

TEST_CASE("research: the registry lists every strategy sorted, with a short cited description", "[placement]") {
  const auto& infos = placement::strategy_infos();
  for (std::size_t k = 1; k < infos.size(); ++k) CHECK(infos[k - 1].name < infos[k].name);
  int research = 0;
  for (const auto& info : infos) {
    INFO(info.name);
    if (info.plugin != nullptr) continue;  // a plugin loaded by another test of this process
    CHECK(info.description.size() <= 70);
    CHECK(info.make != nullptr);
    if (info.description.rfind("research: ", 0) == 0) {
      ++research;
      CHECK(info.fields.empty());
    }
  }
  CHECK(research == 7);
  CHECK(placement::check_strategy(spec("tetris")).empty());
  CHECK(placement::check_strategy(spec("tetris", "cpu")) == "no field for tetris");
  CHECK(placement::check_strategy(spec("powerOfTwoChoices", "memory")) == "no field for powerOfTwoChoices");
  CHECK(placement::check_strategy({"worstFit", "", {{"alpha", 1.0}}}) == "no parameter for worstFit (it takes none)");
}
