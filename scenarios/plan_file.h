// The plan file of `ecsim plan SCENARIO PLAN`: what may change (as --set paths), the SLOs (check
// expressions over summary.json) every run of a candidate must meet, the seeds per candidate and
// the faults it must survive.
//
//   {"vary": [{"set": "cluster.instanceGroups.general.instanceType", "values": ["m5.large", "c5.xlarge"]},
//             {"set": "cluster.instanceGroups.general.count", "range": [2, 40]}],
//    "slos": ["jobs.etl.wait.p99 <= 120", "services.web.belowDesiredSeconds == 0"],
//    "seeds": 3,
//    "surviveLossOf": "anyOneZone"}
//
// Validated like a scenario: unknown keys are refused with did-you-mean, every error is an
// InputError naming the plan file and the JSON pointer. `range` is inclusive, of integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/json_cursor.h"
#include "scenarios/overrides.h"
#include "sim/check_expression.h"

namespace ecsim::scenarios {

struct PlanDimension {
  std::string set;                     // dotted --set path
  std::vector<std::string> path;       // its segments
  std::vector<nlohmann::json> values;  // `values`, or the integers of `range`
  bool is_range = false;
};

struct PlanSlo {
  sim::CheckExpression check;
  std::string pointer;  // "/slos/N" in the plan file
  std::string file;     // where it was written when not in the plan file: "--check", the scenario
};

struct PlanFile {
  std::string label;  // the plan file as the user named it
  std::vector<PlanDimension> vary;
  std::vector<PlanSlo> slos;
  std::int64_t seeds = 1;
  bool survive_loss_of_any_zone = false;
};

// Not an ECS limit: a grid beyond this is a typo (a range of a million counts), not a plan.
inline constexpr std::uint64_t kMaxPlanCandidates = 1'000'000;

PlanFile load_plan_file(const std::string& path);
PlanFile load_plan_text(const std::string& text, const std::string& label);

// A `vary` list at `vary` (the plan file's, and the sweep file's of `ecsim sweep`): a non-empty
// list of dimensions, each path varied once, at most kMaxPlanCandidates combinations in all.
std::vector<PlanDimension> read_plan_dimensions(const JsonCursor& vary);

// The override that sets dimension `d` to its `k`-th value: text "PATH=VALUE" (a string value
// written bare).
Override plan_override(const PlanDimension& d, std::size_t k);

}  // namespace ecsim::scenarios
