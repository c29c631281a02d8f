// Placement decisions per second, per strategy list, at 100 to 100,000 instances.
//
// The cluster is m5.xlarge-like (4096 units, 16,000 MiB) over three zones, filled to about
// half by a fixed seeded history so that candidates differ; each iteration places one task
// (512 units, 1024 MiB) and releases it again, so the state is the same for every decision.
// Issue 3's goals at 10,000 instances: >= 1,000,000 decisions/s for binpack, >= 200,000 for
// spread(AZ)+binpack. Spread lists on their own (spread(instanceId), spread(AZ), the service
// default spread(AZ)+spread(instanceId)) read the spread buckets: their cost should barely grow
// from 1,000 to 100,000 instances.
//
// The *Full cases (issue 13) run every ECS list on a cluster that is 95 % full: one instance in
// twenty has room for the task; of the others, half lack CPU but have the memory and half lack
// memory but have the CPU, each with less of the resource it has than the roomy instances, so
// that a walk in binpack order meets them first. Half the instances hold a task of the group
// (spread levels, distinctInstance). Each list runs plain, with distinctInstance, and with a
// memberOf expression (two of the three zones): its cost should grow sub-linearly from 1,000 to
// 100,000 instances.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "placement/registry.h"
#include "sim/cluster_state.h"
#include "sim/random.h"

namespace {

using ecsim::sim::ClusterState;
using ecsim::sim::InstanceIdx;
using ecsim::sim::Resources;

struct Setup {
  ClusterState cluster;
  ecsim::sim::GroupIdx group = 0;
  std::unique_ptr<ecsim::sim::Placer> placer;
};

// `instances` empty m5.xlarge-like instances (4096 CPU, 16000 MiB) over three zones, and the
// benchmarked task group.
std::unique_ptr<Setup> empty_setup(int instances) {
  auto s = std::make_unique<Setup>();
  s->cluster.intern_attribute("ecs.availability-zone");
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  for (int k = 0; k < instances; ++k) {
    const InstanceIdx i = s->cluster.add_instance("i-" + std::to_string(k), static_cast<std::uint32_t>(k % 3), 0, 0,
                                                  4096, 16000, 0, 3, {22, 2375, 2376, 51678, 51679});
    s->cluster.set_attribute(0, i, zones[k % 3]);
    s->cluster.set_schedulable(i, true);
  }
  s->group = s->cluster.intern_group("family:bench");
  return s;
}

enum class Extra : std::uint8_t { kNone, kDistinct, kMemberOf };

// The placer under test, for the benchmarked group, with `extra`'s constraint.
void add_placer(Setup& s, const std::vector<ecsim::sim::StrategySpec>& strategy, Extra extra) {
  ecsim::placement::EcsPlacerFactory factory;
  ecsim::sim::PlacementPolicy policy;
  policy.strategy = strategy;
  if (extra == Extra::kDistinct) policy.constraints = {{"distinctInstance", ""}};
  if (extra == Extra::kMemberOf) {
    policy.constraints = {{"memberOf", "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"}};
  }
  policy.group = s.group;
  s.placer = factory.make(policy, s.cluster);
}

std::unique_ptr<Setup> make_setup(int instances, const std::vector<ecsim::sim::StrategySpec>& strategy,
                                  bool distinct) {
  auto s = empty_setup(instances);
  const ecsim::sim::GroupIdx other = s->cluster.intern_group("family:other");
  add_placer(*s, strategy, distinct ? Extra::kDistinct : Extra::kNone);
  // Fill to about half with other tasks of varied sizes.
  ecsim::sim::RandomStream fill(1, "fill");
  for (int k = 0; k < instances * 4; ++k) {
    const auto i = static_cast<InstanceIdx>(fill.uniform_index(static_cast<std::uint64_t>(instances)));
    const Resources need{static_cast<std::int32_t>(128 * (1 + fill.uniform_index(4))),
                         static_cast<std::int32_t>(512 * (1 + fill.uniform_index(4))), 0, 0};
    if (s->cluster.free_cpu[i] >= need.cpu && s->cluster.free_memory_mib[i] >= need.memory_mib) {
      s->cluster.reserve(i, need, {}, {}, other);
    }
  }
  return s;
}

// The 95 %-full cluster described at the top.
std::unique_ptr<Setup> make_full_setup(int instances, const std::vector<ecsim::sim::StrategySpec>& strategy,
                                       Extra extra) {
  auto s = empty_setup(instances);
  const ecsim::sim::GroupIdx other = s->cluster.intern_group("family:other");
  add_placer(*s, strategy, extra);
  ecsim::sim::RandomStream fill(1, "fill95");
  for (int k = 0; k < instances; ++k) {
    const auto i = static_cast<InstanceIdx>(k);
    const std::uint64_t kind = fill.uniform_index(40);
    std::int32_t cpu_left = 0;
    std::int32_t memory_left = 0;
    if (kind < 2) {  // roomy: >= 1024 units and >= 4096 MiB
      cpu_left = static_cast<std::int32_t>(1024 + 128 * fill.uniform_index(24));
      memory_left = static_cast<std::int32_t>(4096 + 512 * fill.uniform_index(23));
    } else if (kind < 21) {  // CPU binds: < 512 units, 1024..4095 MiB
      cpu_left = static_cast<std::int32_t>(128 * fill.uniform_index(4));
      memory_left = static_cast<std::int32_t>(1024 + 512 * fill.uniform_index(6));
    } else {  // memory binds: < 1024 MiB, 512..1023 units
      cpu_left = static_cast<std::int32_t>(512 + 128 * fill.uniform_index(4));
      memory_left = static_cast<std::int32_t>(256 * fill.uniform_index(4));
    }
    const Resources take{4096 - cpu_left, 16000 - memory_left, 0, 0};
    s->cluster.reserve(i, take, {}, {}, fill.uniform_index(2) == 0 ? s->group : other);
  }
  return s;
}

void place_loop(benchmark::State& state, Setup& setup) {
  ecsim::sim::RandomStream rng(7, "placement");
  const Resources need{512, 1024, 0, 0};
  const std::vector<std::uint16_t> none;
  ecsim::sim::PlacementRequest req;
  req.need = &need;
  req.tcp_ports = &none;
  req.udp_ports = &none;
  req.group = setup.group;
  std::int64_t failed = 0;
  for (auto _ : state) {
    const auto d = setup.placer->place(req, setup.cluster, rng);
    benchmark::DoNotOptimize(d);
    if (d.instance != ecsim::sim::kNoInstance) {
      setup.cluster.reserve(d.instance, need, none, none, setup.group);
      setup.cluster.release(d.instance, need, none, none, setup.group);
    } else {
      ++failed;
    }
  }
  if (failed != 0) state.SkipWithError("a placement failed");
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void run(benchmark::State& state, const std::vector<ecsim::sim::StrategySpec>& strategy, bool distinct) {
  const auto setup = make_setup(static_cast<int>(state.range(0)), strategy, distinct);
  place_loop(state, *setup);
}

void run_full(benchmark::State& state, const std::vector<ecsim::sim::StrategySpec>& strategy, Extra extra) {
  const auto setup = make_full_setup(static_cast<int>(state.range(0)), strategy, extra);
  place_loop(state, *setup);
}

const std::vector<ecsim::sim::StrategySpec> kRandom = {{"random", "", {}}};
const std::vector<ecsim::sim::StrategySpec> kBinpackMemory = {{"binpack", "memory", {}}};
const std::vector<ecsim::sim::StrategySpec> kBinpackCpu = {{"binpack", "cpu", {}}};
const std::vector<ecsim::sim::StrategySpec> kSpreadInstance = {{"spread", "instanceId", {}}};
const std::vector<ecsim::sim::StrategySpec> kSpreadZone = {{"spread", "attribute:ecs.availability-zone", {}}};
const std::vector<ecsim::sim::StrategySpec>& kServiceDefault =
    ecsim::placement::find_strategy_preset("serviceDefault")->strategy;
const std::vector<ecsim::sim::StrategySpec> kSpreadZoneBinpack = {{"spread", "attribute:ecs.availability-zone", {}},
                                                                  {"binpack", "memory", {}}};

void BM_RandomFull(benchmark::State& s) { run_full(s, kRandom, Extra::kNone); }
void BM_RandomFullDistinct(benchmark::State& s) { run_full(s, kRandom, Extra::kDistinct); }
void BM_RandomFullMemberOf(benchmark::State& s) { run_full(s, kRandom, Extra::kMemberOf); }
void BM_BinpackCpuFull(benchmark::State& s) { run_full(s, kBinpackCpu, Extra::kNone); }
void BM_BinpackCpuFullDistinct(benchmark::State& s) { run_full(s, kBinpackCpu, Extra::kDistinct); }
void BM_BinpackCpuFullMemberOf(benchmark::State& s) { run_full(s, kBinpackCpu, Extra::kMemberOf); }
void BM_BinpackMemoryFull(benchmark::State& s) { run_full(s, kBinpackMemory, Extra::kNone); }
void BM_BinpackMemoryFullDistinct(benchmark::State& s) { run_full(s, kBinpackMemory, Extra::kDistinct); }
void BM_BinpackMemoryFullMemberOf(benchmark::State& s) { run_full(s, kBinpackMemory, Extra::kMemberOf); }
void BM_SpreadInstanceFull(benchmark::State& s) { run_full(s, kSpreadInstance, Extra::kNone); }
void BM_SpreadInstanceFullDistinct(benchmark::State& s) { run_full(s, kSpreadInstance, Extra::kDistinct); }
void BM_SpreadInstanceFullMemberOf(benchmark::State& s) { run_full(s, kSpreadInstance, Extra::kMemberOf); }
void BM_SpreadZoneFull(benchmark::State& s) { run_full(s, kSpreadZone, Extra::kNone); }
void BM_SpreadZoneFullDistinct(benchmark::State& s) { run_full(s, kSpreadZone, Extra::kDistinct); }
void BM_SpreadZoneFullMemberOf(benchmark::State& s) { run_full(s, kSpreadZone, Extra::kMemberOf); }
void BM_SpreadZoneBinpackMemoryFull(benchmark::State& s) { run_full(s, kSpreadZoneBinpack, Extra::kNone); }
void BM_SpreadZoneBinpackMemoryFullDistinct(benchmark::State& s) { run_full(s, kSpreadZoneBinpack, Extra::kDistinct); }
void BM_SpreadZoneBinpackMemoryFullMemberOf(benchmark::State& s) { run_full(s, kSpreadZoneBinpack, Extra::kMemberOf); }

void BM_Random(benchmark::State& s) { run(s, kRandom, false); }
void BM_BinpackMemory(benchmark::State& s) { run(s, kBinpackMemory, false); }
void BM_BinpackCpu(benchmark::State& s) { run(s, kBinpackCpu, false); }
void BM_SpreadInstance(benchmark::State& s) { run(s, kSpreadInstance, false); }
void BM_SpreadInstanceDistinct(benchmark::State& s) { run(s, kSpreadInstance, true); }
void BM_SpreadZone(benchmark::State& s) { run(s, kSpreadZone, false); }
void BM_ServiceDefault(benchmark::State& s) { run(s, kServiceDefault, false); }
void BM_ServiceDefaultDistinct(benchmark::State& s) { run(s, kServiceDefault, true); }
void BM_SpreadZoneBinpackMemory(benchmark::State& s) { run(s, kSpreadZoneBinpack, false); }
void BM_SpreadZoneBinpackMemoryDistinct(benchmark::State& s) { run(s, kSpreadZoneBinpack, true); }

#define ECSIM_SIZES ->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)
BENCHMARK(BM_Random) ECSIM_SIZES;
BENCHMARK(BM_BinpackMemory) ECSIM_SIZES;
BENCHMARK(BM_BinpackCpu) ECSIM_SIZES;
BENCHMARK(BM_SpreadInstance) ECSIM_SIZES;
BENCHMARK(BM_SpreadInstanceDistinct) ECSIM_SIZES;
BENCHMARK(BM_SpreadZone) ECSIM_SIZES;
BENCHMARK(BM_ServiceDefault) ECSIM_SIZES;
BENCHMARK(BM_ServiceDefaultDistinct) ECSIM_SIZES;
BENCHMARK(BM_SpreadZoneBinpackMemory) ECSIM_SIZES;
BENCHMARK(BM_SpreadZoneBinpackMemoryDistinct) ECSIM_SIZES;

#define ECSIM_FULL_SIZES ->Arg(1000)->Arg(10000)->Arg(100000)
BENCHMARK(BM_RandomFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_RandomFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_RandomFullMemberOf) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackCpuFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackCpuFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackCpuFullMemberOf) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackMemoryFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackMemoryFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_BinpackMemoryFullMemberOf) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadInstanceFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadInstanceFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadInstanceFullMemberOf) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneFullMemberOf) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneBinpackMemoryFull) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneBinpackMemoryFullDistinct) ECSIM_FULL_SIZES;
BENCHMARK(BM_SpreadZoneBinpackMemoryFullMemberOf) ECSIM_FULL_SIZES;

}  // namespace

BENCHMARK_MAIN();
