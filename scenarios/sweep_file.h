// The sweep file of `ecsim sweep SPEC`: one scenario, the --set paths to vary (the plan file's
// `vary`, scenarios/plan_file.h), the strategies to run at each combination (as `ecsim compare
// --strategies`), and the seeds of each.
//
//   {"scenario": "frag.json",
//    "vary": [{"set": "jobs.small.arrival.ratePerHour", "values": [300, 600]},
//             {"set": "cluster.instanceGroups.boxes.count", "range": [4, 6]}],
//    "strategies": ["binpack:cpu", "spread:instanceId", [{"type": "random"}]],
//    "sources": ["small"],
//    "seeds": 5, "firstSeed": 1}
//
// Validated like a scenario: unknown keys are refused with did-you-mean, every error is an
// InputError naming the sweep file and the JSON pointer. `scenario` is read relative to the
// sweep file's directory. Only `scenario` is required: no `vary` is one combination, no
// `strategies` is the scenario's own ("scenario"), `seeds` defaults to 1 and `firstSeed` to the
// scenario's seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/plan_file.h"

namespace ecsim::scenarios {

struct SweepFile {
  std::string label;          // the sweep file as the user named it
  std::string scenario;       // the scenario's path, relative to the working directory
  std::vector<PlanDimension> vary;
  std::vector<std::string> strategies;  // each as compare's --strategy text; "scenario": its own
  std::vector<std::string> sources;     // empty: every job, service and trace
  std::int64_t seeds = 1;
  std::optional<std::uint64_t> first_seed;  // default: the scenario's seed
};

// Not an ECS limit: run directories are numbered in five digits, and a sweep beyond this is a
// typo, not an experiment for one directory.
inline constexpr std::uint64_t kMaxSweepRuns = 100'000;

SweepFile load_sweep_file(const std::string& path);
SweepFile load_sweep_text(const std::string& text, const std::string& label);

}  // namespace ecsim::scenarios
