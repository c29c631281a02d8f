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
// - duration >= 0;
// - sources (who submitted each task): tasks.source has one entry per task, each < sources.size(),
//   or is empty while sources is empty too (an engine that records no source: every per-source
//   figure is then left out); sources are services, then jobs, then traces, each with a
//   non-empty name no other source has (summary.json keys them by name and tasks.csv names
//   them); when there are sources, one per trace of `traces` and one per entry of `services`;
// - services[k].source is a service source, in increasing order (services in scenario order);
//   running min <= max, every figure finite and >= 0; a deployment started at a time, completed
//   (kNever) exactly when it is (is not) IN_PROGRESS, not before it started;
// - the per-sample per-service series (service_running, ...) each empty or of
//   samples.size() * services.size() entries;
// - markers and service_events in time order, at times >= 0, their service an index into
//   services (kNoService allowed for markers), marker kinds in range;
// - instance_events in time order, at times >= 0, their instance an index into instances, kinds
//   in range.
void check_run_result(const sim::RunResult& r);

// Marker::service when the marker belongs to no service.
inline constexpr std::uint32_t kNoService = 0xFFFFFFFFu;

}  // namespace ecsim::reports
