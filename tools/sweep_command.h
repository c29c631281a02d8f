// `ecsim sweep SPEC [-o DIR] [--jobs K] [--index N] [--emit slurm] [--ecsim PATH]` and
// `ecsim sweep merge DIR`: a sweep file (scenarios/sweep_file.h) expanded to numbered runs, run
// here on the work pool, one at a time as the elements of a cluster's array job, and merged into
// one table (reports/compare.h's statistics per parameter combination).
//
// Numbering: run i = ((combination * strategies) + strategy) * seeds + seed, the combination
// itself row-major over `vary` (the first dimension outermost, its values in the listed order).
//
// The directory DIR:
//   spec.json               the expanded sweep (scenario name, vary, strategies, sources, seeds)
//   runs/NNNNN/summary.json run NNNNN's summary.json (reports/summary.h)
//   runs/NNNNN/run.json     what run NNNNN is: index, combination, settings, strategy, seed;
//                           written last, so its presence marks the run finished
//   sweep.json, sweep.csv   the merged table (merge_sweep)
//   sweep.sbatch, logs/     with --emit slurm
// Every file is written whole (reports/atomic_file.h): a killed run leaves no partial file, a run
// done twice rewrites its own files with the same bytes, and merge reads only finished runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader.h"
#include "scenarios/sweep_file.h"
#include "sim/engine.h"

namespace ecsim::tools {

// A sweep expanded: everything merge needs, and what spec.json holds.
struct SweepPlan {
  std::string scenario;  // the scenario's name
  std::vector<scenarios::PlanDimension> vary;
  std::vector<std::string> strategies;
  std::vector<std::string> sources;
  std::vector<std::uint64_t> seeds;

  std::size_t combinations() const;
  std::size_t runs() const { return combinations() * strategies.size() * seeds.size(); }
};

// Run `index` of a plan, decoded.
struct SweepRun {
  std::size_t index = 0;
  std::size_t combination = 0;
  std::vector<std::size_t> values;  // [dimension]: the index of its value
  std::size_t strategy = 0;
  std::size_t seed = 0;  // index into SweepPlan::seeds
};

// The plan of a sweep file over its scenario: the seeds from `firstSeed` or the scenario's seed.
SweepPlan expand_sweep(const scenarios::SweepFile& sweep, const scenarios::ScenarioSource& source);

// REQUIRES: index < plan.runs().
SweepRun sweep_run(const SweepPlan& plan, std::size_t index);
// The --set overrides of a run's combination.
std::vector<scenarios::Override> sweep_overrides(const SweepPlan& plan, const SweepRun& run);

// Loads every combination with every strategy (no run): a bad value or source is an InputError
// before anything is written, and so is one whose live tasks do not fit in a run's share of
// `available` bytes among `runs_at_once` (tools/memory_budget.h; -1: no memory check), naming
// the combination, its settings and the strategy. --emit slurm checks with one run at once
// (an array element runs one) on this machine's memory. Returns the most any run asks a batch
// scheduler for (run_memory_request, bytes).
std::int64_t check_sweep(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::int64_t available = -1,
                         std::size_t runs_at_once = 1);

// spec.json's text, and the plan read back from DIR/spec.json (InputError when absent or not one).
std::string sweep_plan_json(const SweepPlan& plan);
SweepPlan read_sweep_plan(const std::filesystem::path& dir);
// Writes DIR/spec.json unless it already holds this plan; InputError when it holds another one.
void write_sweep_plan(const SweepPlan& plan, const std::filesystem::path& dir);

// The directory of run `index`: DIR/runs/NNNNN.
std::filesystem::path sweep_run_dir(const std::filesystem::path& dir, std::size_t index);
std::string sweep_run_json(const SweepPlan& plan, const SweepRun& run);

// Runs run `index` within `limits` (tools/memory_budget.h) and writes its directory whole
// (summary.json, then run.json); `progress` goes to the engine.
void run_sweep_element(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::size_t index,
                       const std::filesystem::path& dir, const sim::RunLimits& limits = {},
                       sim::ProgressSink* progress = nullptr);
// Every run, `jobs` at once (0: every core); the same files whatever `jobs` is. Each run holds at
// most the live tasks of its share of `available` bytes (-1: no limit); a run that outgrows it
// stops the sweep (sim::InputError), the others stopping too, and writes nothing; the runs
// finished before stay.
void run_sweep_locally(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::size_t jobs,
                       const std::filesystem::path& dir, std::int64_t available = -1);

// The merged table of the runs finished in DIR. Per combination, the seeds that every strategy
// finished: each metric's mean, standard deviation and 95 % interval per strategy, and the paired
// difference against the first strategy (reports/compare.h). Reads only; the same bytes however
// often it is called.
struct SweepMerge {
  std::size_t runs = 0;
  std::vector<std::size_t> missing;  // run indexes without run.json and summary.json
  std::string json;                  // sweep.json
  std::string csv;                   // sweep.csv
};
SweepMerge merge_sweep(const std::filesystem::path& dir);
// Writes DIR/sweep.json and DIR/sweep.csv whole.
void write_sweep_merge(const SweepMerge& merge, const std::filesystem::path& dir);

// DIR/sweep.sbatch: a Slurm array job of plan.runs() elements, element i running
// `ECSIM sweep SPEC -o DIR --index i`, at most `limit` at once (0: no limit).
struct SlurmScript {
  std::string ecsim;  // absolute path of the binary on the nodes
  std::string spec;   // absolute path of the sweep file
  std::string dir;    // absolute path of the shared output directory
  std::vector<std::string> plugins;
  std::size_t limit = 0;
  std::int64_t memory = -1;  // bytes each element requests (#SBATCH --mem, in MiB rounded up); -1: none
};
std::string sweep_sbatch(const SweepPlan& plan, const SlurmScript& script);

int cmd_sweep(const std::vector<std::string>& args);
std::string_view sweep_options_help();

}  // namespace ecsim::tools
