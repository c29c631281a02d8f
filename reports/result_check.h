// Consistency of a RunResult, checked before any report is rendered. A RunResult that fails
// these checks is a bug in the engine (or in a hand-built test result), not bad user input:
// check_run_result throws std::logic_error naming the first offending field, and tools/ exits 1.
#pragma once

#include "sim/run_result.h"

namespace ecsim::reports {

// Checks, throwing std::logic_error("RunResult: ...") on the first violation:
// - every per-task vector (rejected included) has tasks.size() entries, every per-instance
//   vector instances.size(), price_microdollars_per_hour one per instance type;
// - indices are in range (family, group, instance or kNoInstance, zone, type), enums < kCount;
// - a task is placed (placed_at != kNever) exactly when it has an instance; a rejected task was
//   never placed; started implies placed; times never go backwards (submitted <= placed <=
//   started <= stopped, each when present); every task was submitted at a time >= 0;
// - instances launched at a time >= 0 (not kNever), terminated at or after launch;
// - utilization by_zone / by_type are empty (not computed) or one per zone / type, and every
//   utilization figure and trace load is finite;
// - duration >= 0.
void check_run_result(const sim::RunResult& r);

}  // namespace ecsim::reports
