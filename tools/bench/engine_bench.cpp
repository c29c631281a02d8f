// Event engine speed: the classic hold model. The queue holds N pending events; each step pops
// the earliest and schedules one new event a random (exponential) time later, so the size stays
// at N. Reported as events/s (one event = one pop + one push).
//
// Targets (issue 2): >= 20M events/s at N = 1k, >= 5M events/s at N = 1M.
//
// BM_ManyWaitingQueues/N: a whole run in which N jobs, each with its own task definition (7
// memory sizes), keep tasks waiting on two full instances for an hour: every completion offers
// the freed room to the oldest waiting task that fits. Was linear in N per completion (every
// queue head asked): 8,000 jobs took 8.9 s; per-task figures should stay flat as N grows.
//
// BM_DaemonInstanceLoss/N/M: a cluster of N instances with a DAEMON service (one task on each);
// at 5 min an instanceFailure event terminates M of them, one after another (each termination
// tells the service scheduler, and each lost daemon task is reported to it). A whole run; the
// "per lost instance" counter is the run's CPU time over M, setup included: the losses' own
// cost is the difference from the run with M = 0 over M. The service scheduler used to rescan
// every schedulable instance after each loss and after each daemon task turned healthy (O(N)
// each): its share per loss should now stay flat as N grows (callgrind: the inclusive cost of
// ServiceScheduler::on_lost and on_instances_left over M).
//
// BM_SchedulableChurn/N/C: a cluster of N instances, a quarter full, where each iteration places
// one task with the random strategy (then releases it). With C = 1 one instance changes its
// schedulable state before each placement: N/2 instances, in a shuffled order, go unschedulable
// one at a time, then come back one at a time. The difference from C = 0 is the cost of one
// change (ClusterState::set_schedulable, its schedulable list included) and of the placement
// after it reading the changed list by rank; it should grow about as log N.
//
// Also the random streams' cost per draw (sim/random.h): the raw 64-bit output, a uniform index
// (Lemire's method: one multiply, rarely a division), and an exponential (one log).
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "placement/registry.h"
#include "scenarios/loader.h"
#include "sim/cluster_state.h"
#include "sim/engine.h"
#include "sim/event_queue.h"
#include "sim/random.h"

namespace {

void BM_HoldModel(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ecsim::sim::EventQueue q;
  q.reserve(n + 1);
  ecsim::sim::RandomStream rng(1, "bench");
  // Pre-drawn increments keep the RNG and the log out of the measured loop.
  std::vector<ecsim::sim::SimTime> gaps(1 << 16);
  for (auto& g : gaps) g = static_cast<ecsim::sim::SimTime>(std::llround(rng.exponential(1e6)));
  for (std::size_t i = 0; i < n; ++i) q.push(gaps[i & 0xFFFF], 0, static_cast<std::uint32_t>(i));
  std::size_t k = 0;
  for (auto _ : state) {
    const ecsim::sim::Event e = q.pop();
    q.push(e.time + gaps[k++ & 0xFFFF], e.kind, e.target);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_HoldModel)->Arg(1000)->Arg(1000000);

std::string many_queues_scenario(int n) {
  std::string s = R"({"name": "many-queues", "duration": "1h",
  "cluster": {"availabilityZones": ["us-east-1a"],
              "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 2}]},
  "taskDefinitions": [)";
  for (int k = 0; k < n; ++k) {
    s += (k == 0 ? "" : ",\n") + std::string(R"({"family": "td-)") + std::to_string(k) +
         R"(", "containerDefinitions": [{"name": "app", "image": "img:1", "cpu": 1024, "memory": )" +
         std::to_string(512 + k % 7) + R"(, "essential": true}]})";
  }
  s += "],\n  \"jobs\": [";
  for (int k = 0; k < n; ++k) {
    const std::string id = std::to_string(k);
    s += (k == 0 ? "" : ",\n") + std::string(R"({"name": "job-)") + id + R"(", "taskDefinition": "td-)" + id +
         R"(", "arrival": {"type": "fixed", "interval": "1s", "count": 10}, "runtime": {"type": "constant", "value": "1s"}})";
  }
  s += "]}";
  return s;
}

void BM_ManyWaitingQueues(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const ecsim::sim::Scenario scenario =
      ecsim::scenarios::load_scenario_text(many_queues_scenario(n), "many-queues.json", ".");
  ecsim::placement::EcsPlacerFactory factory;
  std::int64_t tasks = 0;
  for (auto _ : state) {
    const ecsim::sim::RunResult r = ecsim::sim::run_scenario(scenario, factory);
    tasks = r.task_stats.submitted;
    benchmark::DoNotOptimize(r.events);
  }
  state.SetItemsProcessed(state.iterations() * tasks);
}
BENCHMARK(BM_ManyWaitingQueues)->Arg(500)->Arg(2000)->Arg(8000)->Unit(benchmark::kMillisecond);

std::string daemon_loss_scenario(int instances, int lost) {
  std::string s = R"({"name": "daemon-loss", "duration": "10m", "sampleInterval": "5m",
  "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
              "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": )" +
                  std::to_string(instances) + R"(}]},
  "taskDefinitions": [{"family": "logs", "cpu": "128", "memory": "256",
                       "containerDefinitions": [{"name": "agent", "image": "agent:1", "essential": true}]}],
  "services": [{"serviceName": "logs", "taskDefinition": "logs", "schedulingStrategy": "DAEMON"}])";
  if (lost > 0) {
    s += R"(,
  "events": [{"at": "5m", "type": "instanceFailure", "instanceGroup": "g", "count": )" + std::to_string(lost) + "}]";
  }
  s += "}";
  return s;
}

void BM_DaemonInstanceLoss(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int lost = static_cast<int>(state.range(1));
  const ecsim::sim::Scenario scenario =
      ecsim::scenarios::load_scenario_text(daemon_loss_scenario(n, lost), "daemon-loss.json", ".");
  ecsim::placement::EcsPlacerFactory factory;
  for (auto _ : state) {
    const ecsim::sim::RunResult r = ecsim::sim::run_scenario(scenario, factory);
    benchmark::DoNotOptimize(r.events);
  }
  if (lost > 0) {
    state.counters["per lost instance"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * lost,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
}
BENCHMARK(BM_DaemonInstanceLoss)
    ->Args({1000, 0})->Args({1000, 500})
    ->Args({10000, 0})->Args({10000, 5000})
    ->Args({100000, 0})->Args({100000, 50000})
    ->Unit(benchmark::kMillisecond);

void BM_SchedulableChurn(benchmark::State& state) {
  using ecsim::sim::InstanceIdx;
  const auto n = static_cast<InstanceIdx>(state.range(0));
  const bool churn = state.range(1) != 0;
  ecsim::sim::ClusterState cluster;
  cluster.intern_attribute("ecs.availability-zone");
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  for (InstanceIdx k = 0; k < n; ++k) {
    const InstanceIdx i =
        cluster.add_instance("i-" + std::to_string(k), k % 3, 0, 0, 4096, 16000, 0, 3, {22, 2375, 2376, 51678, 51679});
    cluster.set_attribute(ecsim::sim::kAttrAvailabilityZone, i, zones[k % 3]);
    cluster.set_schedulable(i, true);
  }
  const ecsim::sim::GroupIdx group = cluster.intern_group("family:bench");
  ecsim::sim::PlacementPolicy policy;
  policy.strategy = {{"random", "", {}}};
  policy.group = group;
  ecsim::placement::EcsPlacerFactory factory;
  const auto placer = factory.make(policy, cluster);
  ecsim::sim::RandomStream fill(1, "churn");
  const ecsim::sim::Resources other{1024, 4000, 0, 0};
  for (InstanceIdx i = 0; i < n; ++i) cluster.reserve(i, other, {}, {}, group);
  std::vector<InstanceIdx> order(n);
  for (InstanceIdx k = 0; k < n; ++k) order[k] = k;
  for (InstanceIdx k = n; k > 1; --k) std::swap(order[k - 1], order[fill.uniform_index(k)]);

  ecsim::sim::RandomStream rng(7, "placement");
  const ecsim::sim::Resources need{512, 1024, 0, 0};
  const std::vector<std::uint16_t> none;
  ecsim::sim::PlacementRequest req;
  req.need = &need;
  req.tcp_ports = &none;
  req.udp_ports = &none;
  req.group = group;
  std::size_t step = 0;
  for (auto _ : state) {
    if (churn) {
      const std::size_t k = step++ % n;
      if (k < n / 2) {
        cluster.set_schedulable(order[k], false);
      } else {
        cluster.set_schedulable(order[k - n / 2], true);
      }
    }
    const auto d = placer->place(req, cluster, rng);
    benchmark::DoNotOptimize(d);
    cluster.reserve(d.instance, need, none, none, group);
    cluster.release(d.instance, need, none, none, group);
  }
}
BENCHMARK(BM_SchedulableChurn)
    ->Args({1000, 0})->Args({1000, 1})
    ->Args({100000, 0})->Args({100000, 1})
    ->Args({800000, 0})->Args({800000, 1});

void BM_RandomNextU64(benchmark::State& state) {
  ecsim::sim::RandomStream rng(1, "bench");
  for (auto _ : state) benchmark::DoNotOptimize(rng.next_u64());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomNextU64);

// n = 2,000 (a cluster's worth of candidates) and n = 3 * 2^62 (rejects one draw in four: the
// worst case for the rejection loop).
void BM_RandomUniformIndex(benchmark::State& state) {
  ecsim::sim::RandomStream rng(1, "bench");
  const std::uint64_t n = state.range(0) == 0 ? 3ULL << 62 : static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(rng.uniform_index(n));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomUniformIndex)->Arg(2000)->Arg(0);

void BM_RandomExponential(benchmark::State& state) {
  ecsim::sim::RandomStream rng(1, "bench");
  for (auto _ : state) benchmark::DoNotOptimize(rng.exponential(60.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomExponential);

}  // namespace

BENCHMARK_MAIN();
