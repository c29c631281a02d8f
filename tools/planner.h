// `ecsim plan`: the cheapest candidate fleet that meets every SLO on every run.
//
// A candidate is one value per dimension of the plan (scenarios/plan_file.h), applied to the
// scenario as --set overrides. Its runs are seeds S..S+n-1 (S the scenario's seed), and with
// "surviveLossOf": "anyOneZone" each seed once per cluster zone with that zone lost for the whole
// run (an azOutage at 0 with no duration, after the scenario's own events at 0). Runs are
// ordered seed-major and a candidate stops at its first run that breaks an SLO. Each run goes
// through the engine in-process (sim::run_scenario) and its figures are read from the same
// summary.json text `ecsim run` writes, so a candidate's figures are those `ecsim run --seed N
// --set ...` gives.
//
// The search: more instances rarely hurt an SLO, so when the plan varies a `range` (a count),
// the planner bisects, for each combination of the other dimensions (a "line"), on the last range
// dimension for the smallest passing value, then confirms it: value-1 must fail and value+1 must
// pass (each run if the bisection did not). When a confirmation contradicts monotonicity, the
// line is scanned linearly and a note says so. Without a range every candidate runs. Lines run
// in parallel (a std::thread pool of `jobs` workers); results are merged in candidate order, so
// every output is the same whatever `jobs`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader.h"
#include "scenarios/plan_file.h"

namespace ecsim::tools {

// One run of a candidate: which seed, which zone was lost ("" for none).
struct PlanRun {
  std::uint64_t seed = 0;
  std::string zone_lost;
};

struct CandidateResult {
  std::size_t index = 0;              // in the grid, row-major over the plan's dimensions (last fastest)
  std::vector<std::size_t> choice;    // value index per dimension
  std::int64_t runs = 0;              // runs done (fewer than planned when an SLO broke)
  bool passed = false;                // every SLO on every planned run
  double cost = 0;                    // mean cost.total over the runs done
  std::vector<double> worst_value;    // per SLO: the value of its worst run
  std::vector<double> worst_margin;   // per SLO: sim::check_margin of that run
  // When an SLO broke: the first broken (in SLO order) on the run that stopped the candidate.
  std::optional<std::size_t> broken_slo;
  double broken_value = 0;
  PlanRun broken_run;
};

struct PlanOptions {
  unsigned jobs = 0;         // workers; 0: std::thread::hardware_concurrency()
  bool brute_force = false;  // every candidate, every planned run (the tests' reference)
  // The command line's --set, applied to every candidate before its own settings.
  std::vector<scenarios::Override> overrides;
};

struct PlanResult {
  std::vector<CandidateResult> evaluated;  // in grid order
  std::optional<std::size_t> best;         // index into evaluated
  std::uint64_t grid_size = 0;
  std::int64_t runs_per_candidate = 0;
  std::int64_t runs = 0;                   // runs done in all
  std::vector<std::string> zones;          // of the scenario as given (one variant each with surviveLossOf)
  std::optional<std::size_t> bisected;     // the dimension bisected, when one was
  std::vector<std::string> notes;          // monotonicity fallbacks
  std::vector<std::size_t> frontier;       // indices into evaluated: cost against every SLO margin, cheapest first
  std::vector<std::size_t> closest;        // when no best: the failing candidates nearest to passing
  std::int64_t brute_force_runs() const { return static_cast<std::int64_t>(grid_size) * runs_per_candidate; }
};

// Checks the plan against the scenario before any run: every value of every dimension is loaded
// once (the others at their first value), so a bad path or value is an InputError (exit 2) that
// names the override; then every candidate of the grid is checked against a run's share of the
// memory available (tools/memory_budget.h: the memory divided by the lines at once), without
// building each (tools/planner.cpp check_grid_memory), and the one needing the most is an
// InputError naming its settings. Then searches as above, each candidate checked again before
// its runs, each run limited to its share: a run that outgrows it is an InputError too, the
// other lines stopping.
PlanResult run_plan(const scenarios::ScenarioSource& source, const scenarios::PlanFile& plan,
                    const PlanOptions& options = {});

// The overrides of a candidate: `base` (the command line's), then one per dimension.
std::vector<scenarios::Override> candidate_overrides(const scenarios::PlanFile& plan, const CandidateResult& c,
                                                     const std::vector<scenarios::Override>& base = {});

}  // namespace ecsim::tools
