// `ecsim bench`: runs benchmark scenarios several times in-process, one run at a time, and
// reports their deterministic work, their run times and the time per event; compares with a
// saved result and fails (exit 3) on a slowdown beyond both a threshold and the run-to-run
// spread.
//
// What is timed: sim::run_scenario alone (the scenario is loaded once before the runs, nothing
// is written), by the process's CPU time (CLOCK_PROCESS_CPUTIME_ID) and by wall time. The rates
// and the verdict use CPU time: other processes on the machine take CPU from a run (wall time
// grows) but barely change the CPU time it needs. Wall time is reported beside it.
//
// The verdict rule (test_slowdown): a scenario FAILs when BOTH
//   1. its median CPU ns/event is above the baseline's by more than the threshold plus the
//      spreads of both sets of runs, a set's spread being its range (max - min) over its
//      median: median_now / median_baseline - 1 > threshold + spread_baseline + spread_now;
//   2. its fastest run is slower (in ns/event) than the baseline's slowest: the sets of runs
//      do not overlap.
// Why the spreads add: a set's range is the noise seen while it was measured, so its median
// may sit that far from the undisturbed speed; at worst the baseline was measured low by its
// spread and this set high by its own. Noise therefore widens what is allowed: it can hide a
// slowdown but rarely invent one. With runs that agree within 5 %, a 30 % slowdown always
// fails (30 > 10 + 5 + 5); a machine busy with other work gives wide ranges and passes. On a
// 2-core VM shared with compilers, medians of the same build moved by up to 35 % from one
// process to the next while the ranges within each stayed at 5-15 %: the median-beyond-
// threshold-and-disjoint rule alone failed 4 comparisons of 10 there, this one none of 110.
//
// The saved result (--save FILE) is JSON, written whole (reports::write_file_atomically):
//   {"format": "ecsim-bench/1", "ecsimVersion": "0.1.0", "runs": 5,
//    "host": {"hostname", "cpuModel", "logicalCpus", "compiler", "buildType"},
//    "scenarios": [{"name", "file", "events", "placements", "tasks",
//                   "cpuSeconds": [per run], "wallSeconds": [per run],
//                   "cpuMedianSeconds", "cpuMinSeconds", "cpuMaxSeconds", "cpuMadSeconds",
//                   "wallMedianSeconds", "wallMinSeconds", "wallMaxSeconds", "wallMadSeconds",
//                   "nsPerEvent", "nsPerPlacement", "peakRssMiB"}]}
// Reading one back (--baseline) uses name, file, events, placements, tasks and the per-run
// samples; the medians and rates are recomputed from the samples (they are in the file for
// people and other tools).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reports/run_info.h"

namespace ecsim::tools::bench {

// Order statistics of a set of samples. The median of an even count is the mean of the two
// middle values; mad is the median absolute deviation from the median.
struct SampleStats {
  double median = 0;
  double min = 0;
  double max = 0;
  double mad = 0;
};
// REQUIRES: !samples.empty().
SampleStats sample_stats(std::span<const double> samples);

// One scenario's measurement.
struct ScenarioBench {
  std::string name;  // the scenario's "name": what a baseline is matched by
  std::string file;  // the path it was read from, as given
  // The deterministic work, identical on every run.
  std::uint64_t events = 0;
  std::uint64_t placements = 0;
  std::uint64_t tasks = 0;
  std::vector<double> cpu_seconds;   // per run, in run order
  std::vector<double> wall_seconds;  // per run, in run order
  double peak_rss_mib = 0;  // the process's peak RSS after this scenario's runs (never falls)
};

struct BenchResult {
  std::string ecsim_version;
  unsigned runs = 0;
  reports::HostInfo host;
  std::vector<ScenarioBench> scenarios;
};

// CPU nanoseconds per event of each run (per unit of work when `events` is 0).
std::vector<double> ns_per_event(const ScenarioBench& s);

// The result as the saved JSON text (the schema above), final newline included.
std::string bench_json(const BenchResult& result);
// Reads a saved result; `file` names it in errors. Throws sim::InputError naming the file, the
// JSON pointer and what was expected: `base.json: /scenarios/0/cpuSeconds/2: expected a
// positive number of seconds, got "x"`.
BenchResult parse_bench_json(std::string_view text, const std::string& file);
BenchResult read_bench_file(const std::string& path);

// The verdict rule above, on ns/event samples, with its terms for the messages.
struct SlowdownTest {
  double ratio = 0;            // median now / median baseline
  double baseline_spread = 0;  // (max - min) / median of the baseline's runs
  double now_spread = 0;       // the same of this set
  double allowed = 0;          // threshold + baseline_spread + now_spread
  bool disjoint = false;       // every run now slower than every baseline run
  bool slowdown = false;       // ratio - 1 > allowed && disjoint: FAIL
};
// REQUIRES: both non-empty and positive, threshold >= 0 (0.10 for 10 %).
SlowdownTest test_slowdown(std::span<const double> baseline_ns, std::span<const double> now_ns, double threshold);
bool is_slowdown(std::span<const double> baseline_ns, std::span<const double> now_ns, double threshold);

enum class Verdict {
  kPass,
  kFail,
  kNew,     // run now, not in the baseline
  kNotRun,  // in the baseline, not run now
};

struct Comparison {
  std::string name;
  Verdict verdict = Verdict::kPass;
  SampleStats baseline_ns;  // ns/event, kPass and kFail only
  SampleStats now_ns;
  double ratio = 0;          // now median / baseline median
  SlowdownTest test;         // kPass and kFail only
  bool work_differs = false; // events, placements or tasks differ from the baseline's
  std::string note;          // why it failed, or how the work differs; "" otherwise
};

// Compares every scenario of `now` with the baseline's of the same name (in `now`'s order),
// then lists the baseline's scenarios not run now.
std::vector<Comparison> compare(const BenchResult& baseline, const BenchResult& now, double threshold);

// The report: one row per scenario (work, CPU and wall medians and spread, ns/event and
// ns/placement, peak RSS) and, with `comparisons`, the baseline's ns/event, the ratio and the
// verdict, then the notes.
std::string bench_table(const BenchResult& now, const std::vector<Comparison>* comparisons, double threshold);

// "10%", "10" or "7.5%" as a fraction (0.1); throws sim::InputError naming `option` otherwise.
// Accepts more than 0 and at most 1000 %.
double parse_threshold(const std::string& text, const char* option);

// The default benchmark scenarios' file names, looked up in bench_search_dirs() order.
const std::vector<std::string>& default_bench_files();
// Where the default scenarios are looked for: `<prefix>/share/ecsim/scenarios/bench` for the
// installed binary `<prefix>/bin/ecsim` (`exe` is its path), then `scenarios/bench` under the
// current directory.
std::vector<std::filesystem::path> bench_search_dirs(const std::filesystem::path& exe);

// The command's options, for the command table (tools/command_line.h).
extern const std::string_view kBenchOptions;
// `ecsim bench [--scenario S]... [--runs N] [--baseline FILE] [--save FILE] [--threshold PCT%]
// [--plugin LIB.so] [--quiet]`. 0 done (no slowdown), 3 a slowdown, 2 bad input or usage.
int cmd_bench(const std::vector<std::string>& args);

}  // namespace ecsim::tools::bench
