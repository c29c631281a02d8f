// summary.json: the deterministic figures of one run (same scenario, seed and version give the
// same bytes). The figures are computed once into SummaryFigures, which text_summary reuses.
//
// Definitions, from the per-task records (sim/run_result.h):
// - submitted: every task record. placed: placed_at set. failedToPlace: rejected (gave up,
//   onPlacementFailure "fail"). pendingAtEnd: never placed and not rejected: still waiting when
//   the run ended. So submitted = placed + failedToPlace + pendingAtEnd, always.
// - completed: reached RUNNING, then STOPPED with EssentialContainerExited.
// - stopped: tasks that reached STOPPED, by stop code (codes that occur, in enum order).
// - wait: seconds from submission to placement over every task that was not rejected: placed_at
//   - submitted_at for a placed task; for a task still waiting at the end (pendingAtEnd), the
//   time it had waited by then, duration - submitted_at (0 if submitted at or after the end), and
//   `censored` counts those (right-censored waits: the true wait is at least this long). So an
//   overloaded run whose tasks never get placed shows a large p99, not a small one over the few
//   placed. Rejected tasks (failedToPlace) gave up and have no wait. startLatency:
//   started_at - placed_at over tasks that reached RUNNING. Percentiles are nearest-rank
//   (reports/format.h), exact up to 65,536 tasks per figure; beyond, within 0.05 % (a
//   log-linear histogram, sim/duration_distribution.h); count, mean and max stay exact. All 0
//   when no task counts.
// - per source (summary.json `services.NAME`, `jobs.NAME`, and each `trace.files` entry): the
//   same task figures over the tasks that source submitted, so the sources' submitted, placed,
//   failedToPlace, pendingAtEnd and censored add up to the totals. A service adds what the
//   engine recorded in sim::ServiceResult (desiredCount, running, belowDesiredSeconds,
//   minHealthy, replacements, throttledLaunches, deployments, scaleOuts, scaleIns, and `load`
//   only when it has one: overloadedSeconds, requests, unservedRequests and unservedFraction =
//   unservedRequests / requests, 0 with no request). Left out (empty `services` and `jobs`, no
//   per-file figures) when the result records no source.
// - trace (only with traces): recordsRead, recordsSkipped (left out by the format's rules or
//   malformed and skipped), offeredCpuUnitSeconds (Σ cpu × runtime over records submitted within
//   the run, runtimes clipped to its end) and offeredLoad (that over Σ registered CPU units ×
//   seconds from each instance's registration to its termination or the end; 0 with none), in
//   total and per file; a file also has its source's task figures and, when its trace records
//   waits, traceWait: the trace's own waits of the records submitted within the run (count,
//   mean, p50, p99; nearest rank), the same tasks as its simulated `wait`.
// - strategy (top level): the scenario's default placement strategy label; each source carries
//   its own.
// - instanceHours: each instance is alive from launched_at to terminated_at, or to the end of the
//   run (duration) when still alive, clipped to the run. cost (reports/cost.h has the billing
//   rules): total: Σ over instances of billed seconds × price after Savings Plans, in exact
//   integer micro-dollar × µs arithmetic. perTaskHour: total / Σ task-hours in RUNNING
//   (started_at to stopped_at or the end of the run); 0 when no task ran. perMonth: total / the
//   run's hours × 730 (0 for an empty run). byMarket: {onDemand, spot}. bySource: {NAME: dollars}
//   per service, job and trace file (empty without sources), and unallocated, their sibling, the
//   rest. savings, only when the run has a Spot instance or a Savings Plan: spot (saved against
//   on-demand prices), savingsPlans (saved by the plans) and plans (each plan's terms,
//   instanceTypes only when it names types, its coveredInstanceHours and saved dollars).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/content_hash.h"
#include "reports/cost.h"
#include "reports/format.h"
#include "sim/run_result.h"

namespace ecsim::reports {

struct DurationStats {
  std::int64_t count = 0;      // tasks measured
  std::int64_t censored = 0;   // of which still waiting at the end (wait only)
  Int128 total_us = 0;         // Σ durations
  sim::SimTime p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean_seconds() const;
};

// The task figures of one source (or of all tasks).
struct SourceFigures {
  std::int64_t submitted = 0;
  std::int64_t placed = 0;
  std::int64_t failed_to_place = 0;
  std::int64_t pending_at_end = 0;
  DurationStats wait;
};

struct SummaryFigures {
  std::int64_t submitted = 0;
  std::int64_t placed = 0;
  std::int64_t completed = 0;
  std::int64_t failed_to_place = 0;
  std::int64_t pending_at_end = 0;
  std::array<std::int64_t, static_cast<std::size_t>(sim::StopCode::kCount)> stopped{};

  DurationStats wait;
  DurationStats start_latency;

  std::int64_t instances_launched = 0;
  std::int64_t instances_terminated = 0;
  Int128 instance_alive_us = 0;                // Σ alive time
  Int128 cost_microdollar_us_per_hour = 0;     // Σ billed µs × µ$/h after discounts: dollars × 3.6e15
  Int128 task_running_us = 0;                  // Σ time in RUNNING

  // Index: RunResult::sources; empty when the result records no source.
  std::vector<SourceFigures> by_source;

  CostFigures cost;  // the billing detail (reports/cost.h); cost.total == cost_microdollar_us_per_hour

  double instance_hours() const;
  double cost_total_dollars() const;
  double cost_per_task_hour() const;  // 0 when no task ran
  // total / the run's hours × 730; 0 when duration is 0.
  double cost_per_month(sim::SimTime duration) const;
};

// From r.task_stats (the engine's, accumulated as tasks finished), or from r.tasks when that
// is empty (a hand-built or read-back result): O(tasks) then, O(sources + instances) otherwise.
// REQUIRES: check_run_result(r) passes (summary_json calls it).
SummaryFigures compute_summary(const sim::RunResult& r);

// "REPLICA" or "DAEMON", as ECS's schedulingStrategy.
std::string_view scheduling_strategy_name(const sim::ServiceResult& s);

// The whole summary.json text, final newline included; with `outputs`, its last key lists the
// files of the run's directory and the run identity (written by write_outputs, reports/outputs.h).
// Throws std::logic_error when r fails check_run_result.
std::string summary_json(const sim::RunResult& r, const OutputManifest* outputs = nullptr);

}  // namespace ecsim::reports
