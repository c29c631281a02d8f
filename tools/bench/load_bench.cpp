// Scale of loading, pictures and events (issue 13): nothing may grow faster than n log n in the
// scenario's size. Each scenario is built in memory as JSON text:
//  - BM_LoadJobs/N: N task definitions (one family each) referenced by N jobs, loaded and
//    validated (load_scenario_text). Was cubic: 1,000 took 1 s, 4,000 over 30 s.
//  - BM_ScenarioDot/N: `ecsim graph`'s DOT text for that scenario (scenario_dot). The SVG
//    (scenario_svg) adds Graphviz's dot layout, whose ranking and crossing minimisation grow
//    faster than linearly on their own: BM_ScenarioSvg shows it at sizes it can afford.
//  - BM_AzOutage/N: a whole run of N m5.xlarge instances over three zones, 5,000 service tasks
//    per 100,000 instances, two hours, one zone out from 30 min to 1 h; BM_AzCalm/N is the same
//    run without the event, so the difference is what the outage costs.
//  - BM_LoadTrace/N: a scenario replaying a generated `generic` trace of N records (about 45
//    bytes a row, in submit order, with families, groups and the trace's own waits), loaded and
//    checked: the loader's one pass over the file. BM_ReplayTrace/N reads the loaded trace's
//    records back as a run does (open_trace_reader). Memory must not grow with N: run
//    `ecsim validate` on such a file under /usr/bin/time -v for the peak.
//  - BM_LoadShuffledTrace/N/C: the same records in no order (submit times drawn at random, many
//    equal), so out of submit order: loaded and sorted a chunk of C records at a time
//    (scenarios/trace_sort.h; C >= N: held in memory whole, as every such file was before).
//    BM_ReplayShuffledTrace/N/C reads the records back in submit order (a merge of the runs).
// Per-item figures (items/s) should stay flat as N grows.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "placement/registry.h"
#include "reports/graphviz.h"
#include "scenarios/loader.h"
#include "scenarios/trace_sort.h"
#include "sim/engine.h"

namespace {

// N jobs, each with its own task definition (family td-K, image img-K).
std::string jobs_scenario(int n) {
  std::string s = R"({"name": "load-bench", "duration": "1h",
  "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
              "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 10}]},
  "taskDefinitions": [)";
  for (int k = 0; k < n; ++k) {
    const std::string id = std::to_string(k);
    s += (k == 0 ? "" : ",\n") + std::string(R"({"family": "td-)") + id +
         R"(", "containerDefinitions": [{"name": "app", "image": "img-)" + id +
         R"(:1", "cpu": 256, "memory": 512, "essential": true}]})";
  }
  s += "],\n  \"jobs\": [";
  for (int k = 0; k < n; ++k) {
    const std::string id = std::to_string(k);
    s += (k == 0 ? "" : ",\n") + std::string(R"({"name": "job-)") + id + R"(", "taskDefinition": "td-)" + id +
         R"(", "arrival": {"type": "fixed", "interval": "1h", "count": 1}, "runtime": {"type": "constant", "value": "5m"}})";
  }
  s += "]}";
  return s;
}

// N instances over three zones, services of 5,000 tasks (one per 100,000 instances, at least
// one), and with `outage` zone us-east-1b out from 30 min to 1 h.
std::string outage_scenario(int n, bool outage) {
  std::string s = R"({"name": "outage-bench", "duration": "2h",
  "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
              "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": )" +
                  std::to_string(n) + R"(}]},
  "taskDefinitions": [{"family": "web", "containerDefinitions": [
    {"name": "app", "image": "web:1", "cpu": 256, "memory": 512, "essential": true}]}],
  "services": [)";
  const int services = n / 100000 > 0 ? n / 100000 : 1;
  for (int k = 0; k < services; ++k) {
    s += (k == 0 ? "" : ", ") + std::string(R"({"serviceName": "web-)") + std::to_string(k) +
         R"(", "taskDefinition": "web", "desiredCount": 5000})";
  }
  s += "],\n  \"events\": [";
  if (outage) s += R"({"at": "30m", "type": "azOutage", "zone": "us-east-1b", "duration": "30m"})";
  s += "]}";
  return s;
}

void BM_LoadJobs(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = jobs_scenario(n);
  for (auto _ : state) {
    ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(text, "load-bench.json", ".");
    benchmark::DoNotOptimize(s.jobs.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LoadJobs)->Arg(1000)->Arg(2000)->Arg(4000)->Arg(16000)->Unit(benchmark::kMillisecond);

void BM_ScenarioDot(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(jobs_scenario(n), "load-bench.json", ".");
  for (auto _ : state) {
    std::string dot = ecsim::reports::scenario_dot(s);
    benchmark::DoNotOptimize(dot.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ScenarioDot)->Arg(1000)->Arg(2000)->Arg(4000)->Arg(16000)->Unit(benchmark::kMillisecond);

void BM_ScenarioSvg(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(jobs_scenario(n), "load-bench.json", ".");
  for (auto _ : state) {
    std::string svg = ecsim::reports::scenario_svg(s);
    benchmark::DoNotOptimize(svg.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ScenarioSvg)->Arg(1000)->Arg(2000)->Arg(4000)->Arg(16000)->Unit(benchmark::kMillisecond)->Iterations(1);

// A generic trace of n records in a file of its own under the temporary directory, removed
// with the object: in submit order, or `shuffled` (submit times at random over as long, in
// 0.1 s steps: many equal).
class TraceFile {
 public:
  explicit TraceFile(int n, bool shuffled = false)
      : dir_(std::filesystem::temp_directory_path() /
             ("ecsim-load-bench-" + std::to_string(n) + (shuffled ? "-shuffled" : ""))) {
    std::filesystem::create_directories(dir_);
    std::ofstream out(dir_ / "trace.csv", std::ios::binary);
    out << "submit,cpu,memoryMiB,runtime,family,group,wait\n";
    std::uint64_t x = 88172645463325252ULL;  // xorshift64: the same file every time
    std::int64_t submit_ms = 0;
    std::string row;
    for (int k = 0; k < n; ++k) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      submit_ms += static_cast<std::int64_t>(x % 800);
      if (shuffled) submit_ms = static_cast<std::int64_t>((x >> 32) % (static_cast<std::uint64_t>(n) * 4)) * 100;
      row = std::to_string(submit_ms / 1000) + "." + std::to_string(1000 + submit_ms % 1000).substr(1) + "," +
            std::to_string(256 << (x >> 10 & 3)) + "," + std::to_string(512 << (x >> 12 & 3)) + "," +
            std::to_string(1 + (x >> 14) % 600) + ".5,fam" + std::to_string(k % 7) + ",grp" + std::to_string(k % 13) +
            "," + std::to_string((x >> 24) % 30) + ".25\n";
      out << row;
    }
  }
  ~TraceFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;

  std::string dir() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

const char* const kTraceScenario = R"({"name": "trace-bench", "duration": "1h",
  "cluster": {"availabilityZones": ["us-east-1a"],
              "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 10}]},
  "traces": [{"file": "trace.csv", "format": "generic"}]})";

void BM_LoadTrace(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const TraceFile file(n);
  for (auto _ : state) {
    ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(kTraceScenario, "trace-bench.json", file.dir());
    benchmark::DoNotOptimize(s.traces.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LoadTrace)->Arg(100000)->Arg(1000000)->Arg(4000000)->Unit(benchmark::kMillisecond);

// Reads every record of the trace once, as a run does; returns the sum of their CPU.
std::int64_t replay_cpu(const ecsim::sim::Trace& trace) {
  const auto reader = ecsim::sim::open_trace_reader(trace);
  ecsim::sim::TraceTask task;
  ecsim::sim::SimTime wait = -1;
  std::int64_t cpu = 0;
  while (reader->next(task, wait)) cpu += task.need.cpu;
  return cpu;
}

void BM_ReplayTrace(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const TraceFile file(n);
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(kTraceScenario, "trace-bench.json", file.dir());
  for (auto _ : state) benchmark::DoNotOptimize(replay_cpu(s.traces[0]));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ReplayTrace)->Arg(100000)->Arg(1000000)->Arg(4000000)->Unit(benchmark::kMillisecond);

// Sorts out-of-order traces a chunk of `chunk` records at a time for the scope.
class ChunkRecords {
 public:
  explicit ChunkRecords(std::int64_t chunk) : saved_(ecsim::scenarios::trace_sort_options()) {
    ecsim::scenarios::TraceSortOptions o = saved_;
    o.chunk_records = chunk;
    ecsim::scenarios::set_trace_sort_options(o);
  }
  ~ChunkRecords() { ecsim::scenarios::set_trace_sort_options(saved_); }
  ChunkRecords(const ChunkRecords&) = delete;
  ChunkRecords& operator=(const ChunkRecords&) = delete;

 private:
  ecsim::scenarios::TraceSortOptions saved_;
};

void BM_LoadShuffledTrace(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const TraceFile file(n, true);
  const ChunkRecords chunk(state.range(1));
  for (auto _ : state) {
    ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(kTraceScenario, "trace-bench.json", file.dir());
    benchmark::DoNotOptimize(s.traces.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_LoadShuffledTrace)
    ->Args({1000000, 1 << 20})
    ->Args({4000000, 1 << 20})
    ->Args({4000000, 1 << 22})
    ->Unit(benchmark::kMillisecond);

void BM_ReplayShuffledTrace(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const TraceFile file(n, true);
  const ChunkRecords chunk(state.range(1));
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(kTraceScenario, "trace-bench.json", file.dir());
  for (auto _ : state) benchmark::DoNotOptimize(replay_cpu(s.traces[0]));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ReplayShuffledTrace)
    ->Args({4000000, 1 << 20})
    ->Args({4000000, 1 << 22})
    ->Unit(benchmark::kMillisecond);

void run_outage(benchmark::State& state, bool outage) {
  const int n = static_cast<int>(state.range(0));
  const ecsim::sim::Scenario s =
      ecsim::scenarios::load_scenario_text(outage_scenario(n, outage), "outage-bench.json", ".");
  ecsim::placement::EcsPlacerFactory factory;
  for (auto _ : state) {
    ecsim::sim::RunResult r = ecsim::sim::run_scenario(s, factory, nullptr, nullptr);
    benchmark::DoNotOptimize(r.tasks.instance.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
void BM_AzCalm(benchmark::State& state) { run_outage(state, false); }
void BM_AzOutage(benchmark::State& state) { run_outage(state, true); }
BENCHMARK(BM_AzCalm)->Arg(25000)->Arg(100000)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_AzOutage)->Arg(25000)->Arg(100000)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
