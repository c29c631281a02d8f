// How fast ecsim writes a run's outputs (issue 13: "at close to disk speed"). The run is the
// bundled M/M/c queue (scenarios/examples/mmc-queue.json) over 7 days, about 60,000 tasks,
// simulated once; then:
//  - BM_TasksCsvFormat: tasks.csv formatted into memory (BufferedWriter on a string): the CPU
//    cost of the formatting alone, in bytes per second of CSV;
//  - BM_TasksCsvFile: tasks.csv written whole to a file in $TMPDIR (write_file_atomically:
//    temporary file, content hash, fsync, rename);
//  - BM_WriteOutputs: every file of the run (write_outputs, report.html and the pictures
//    included), bytes per second counting every byte written.
// Run from the repository's root (the scenario is read from scenarios/examples).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "placement/registry.h"
#include "reports/atomic_file.h"
#include "reports/csv.h"
#include "reports/outputs.h"
#include "reports/run_info.h"
#include "scenarios/loader.h"
#include "scenarios/overrides.h"
#include "sim/engine.h"

namespace {

const ecsim::sim::RunResult& result() {
  static const ecsim::sim::RunResult r = [] {
    ecsim::sim::Scenario s = ecsim::scenarios::load_scenario("scenarios/examples/mmc-queue.json");
    s.duration = 7 * 24 * ecsim::sim::kHour;
    ecsim::placement::EcsPlacerFactory factory;
    return ecsim::sim::run_scenario(s, factory);
  }();
  return r;
}

std::filesystem::path scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ecsim-output-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

std::uint64_t directory_bytes(const std::filesystem::path& dir) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.file_size();
  return n;
}

void BM_TasksCsvFormat(benchmark::State& state) {
  const auto& r = result();
  std::string text;
  for (auto _ : state) {
    text.clear();
    ecsim::reports::BufferedWriter out(text);
    ecsim::reports::write_tasks_csv(r, out);
    out.flush();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["rows"] = static_cast<double>(r.tasks.size());
}
BENCHMARK(BM_TasksCsvFormat)->Unit(benchmark::kMillisecond);

void BM_TasksCsvFile(benchmark::State& state) {
  const auto& r = result();
  const auto file = scratch() / "tasks.csv";
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    bytes = ecsim::reports::write_file_atomically(file, [&r](ecsim::reports::BufferedWriter& out) {
              ecsim::reports::write_tasks_csv(r, out);
            }).bytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_TasksCsvFile)->Unit(benchmark::kMillisecond)->UseRealTime();  // bytes per wall second

void BM_WriteOutputs(benchmark::State& state) {
  const auto& r = result();
  const auto dir = scratch() / "out";
  for (auto _ : state) ecsim::reports::write_outputs(r, ecsim::reports::RunStats{}, dir);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * directory_bytes(dir)));
}
BENCHMARK(BM_WriteOutputs)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
