// The outputs of `ecsim plan` (tools/planner.h), all deterministic (the same plan, scenario and
// version give the same bytes, whatever --jobs):
//   plan.json  {"best": {"settings": {PATH: VALUE}, "cost", "margins": {SLO: margin}, "runs"} | null,
//               "candidatesEvaluated", "runs", "bruteForceRuns", "gridSize", "runsPerCandidate",
//               "seeds", "zonesLost", "search": {"bisected", "notes"}, "frontier": [...], "closest": [...]}
//              A margin is how far the SLO's worst run is from its bound in the SLO's good
//              direction (sim::check_margin): >= 0 holds. `frontier`: the candidates no other
//              evaluated candidate beats on cost and every margin at once, cheapest first.
//              `closest` (empty with a best): the failing candidates nearest to passing, each
//              with the SLO it broke, the value, and the run (seed, zone lost).
//   plan.csv   one row per evaluated candidate: its settings, cost, each SLO's worst value,
//              passed, runs.
//   plan.html  the same as a page: the best, the frontier's cost against each SLO's margin as
//              SVG charts (reports/svg_chart.h), and the table of candidates.
// plan_table is the terminal table printed on stdout.
#pragma once

#include <filesystem>
#include <string>

#include "scenarios/plan_file.h"
#include "tools/planner.h"

namespace ecsim::tools {

inline constexpr const char* kPlanJsonFile = "plan.json";
inline constexpr const char* kPlanCsvFile = "plan.csv";
inline constexpr const char* kPlanHtmlFile = "plan.html";

std::string plan_json(const scenarios::PlanFile& plan, const PlanResult& r);
std::string plan_csv(const scenarios::PlanFile& plan, const PlanResult& r);
std::string plan_html(const scenarios::PlanFile& plan, const PlanResult& r, const std::string& scenario_name);
std::string plan_table(const scenarios::PlanFile& plan, const PlanResult& r);
// "cluster.instanceGroups.general.instanceType=m5.large, ...=4 broke jobs.etl.wait.p99 <= 600
// (value 912.5, seed 42, us-east-1a lost)": one line per closest candidate, for stderr.
std::string plan_closest_text(const scenarios::PlanFile& plan, const PlanResult& r);

// Writes plan.json, plan.csv and plan.html into `dir`, staged and swapped in whole
// (write_output_directory, tools/command_line.h); OutputError when it cannot.
void write_plan_outputs(const scenarios::PlanFile& plan, const PlanResult& r, const std::string& scenario_name,
                        const std::filesystem::path& dir);

}  // namespace ecsim::tools
