// Placement decisions per second, per strategy list, at 100 to 100,000 instances.
//
// The cluster is m5.xlarge-like (4096 units, 16,000 MiB) over three zones, filled to about
// half by a fixed seeded history so that candidates differ; each iteration places one task
// (512 units, 1024 MiB) and releases it again, so the state is the same for every decision.
// Issue 3's goals at 10,000 instances: >= 1,000,000 decisions/s for binpack, >= 200,000 for
// spread(AZ)+binpack. Spread lists on their own (spread(instanceId), spread(AZ), the service
// default spread(AZ)+spread(instanceId)) read the spread buckets: their cost should barely grow
// from 1,000 to 100,000 instances.
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

std::unique_ptr<Setup> make_setup(int instances, const std::vector<ecsim::sim::StrategySpec>& strategy,
                                  bool distinct) {
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
  const ecsim::sim::GroupIdx other = s->cluster.intern_group("family:other");
  ecsim::placement::EcsPlacerFactory factory;
  ecsim::sim::PlacementPolicy policy;
  policy.strategy = strategy;
  if (distinct) policy.constraints = {{"distinctInstance", ""}};
  policy.group = s->group;
  s->placer = factory.make(policy, s->cluster);
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

void run(benchmark::State& state, const std::vector<ecsim::sim::StrategySpec>& strategy, bool distinct) {
  const auto setup = make_setup(static_cast<int>(state.range(0)), strategy, distinct);
  ecsim::sim::RandomStream rng(7, "placement");
  const Resources need{512, 1024, 0, 0};
  const std::vector<std::uint16_t> none;
  ecsim::sim::PlacementRequest req;
  req.need = &need;
  req.tcp_ports = &none;
  req.udp_ports = &none;
  req.group = setup->group;
  for (auto _ : state) {
    const auto d = setup->placer->place(req, setup->cluster, rng);
    benchmark::DoNotOptimize(d);
    if (d.instance != ecsim::sim::kNoInstance) {
      setup->cluster.reserve(d.instance, need, none, none, setup->group);
      setup->cluster.release(d.instance, need, none, none, setup->group);
    }
  }
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
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

}  // namespace

BENCHMARK_MAIN();
