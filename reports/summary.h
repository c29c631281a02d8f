// summary.json: the deterministic figures of one run (same scenario, seed and version give the
// same bytes). The figures are computed once into SummaryFigures, which text_summary reuses.
//
// Definitions, from the per-task records (sim/run_result.h):
// - submitted: every task record. placed: placed_at set. failedToPlace: rejected (gave up,
//   onPlacementFailure "fail"). pendingAtEnd: never placed and not rejected: still waiting when
//   the run ended. So submitted = placed + failedToPlace + pendingAtEnd, always.
// - completed: reached RUNNING, then STOPPED with EssentialContainerExited.
// - stopped: tasks that reached STOPPED, by stop code (codes that occur, in enum order).
// - wait: placed_at - submitted_at over placed tasks. startLatency: started_at - placed_at over
//   tasks that reached RUNNING. Percentiles are nearest-rank (reports/format.h); all 0 when no
//   task counts.
// - instanceHours: each instance is alive from launched_at to terminated_at, or to the end of the
//   run (duration) when still alive, clipped to the run. cost.total: Σ alive hours × the on-demand
//   price of its type, in exact integer micro-dollar × µs arithmetic. cost.perTaskHour: total /
//   Σ task-hours in RUNNING (started_at to stopped_at or the end of the run); 0 when no task ran.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "reports/format.h"
#include "sim/run_result.h"

namespace ecsim::reports {

struct DurationStats {
  std::int64_t count = 0;      // tasks measured
  Int128 total_us = 0;         // Σ durations
  sim::SimTime p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean_seconds() const;
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
  Int128 cost_microdollar_us_per_hour = 0;     // Σ alive µs × µ$/h: dollars × 3.6e15
  Int128 task_running_us = 0;                  // Σ time in RUNNING

  double instance_hours() const;
  double cost_total_dollars() const;
  double cost_per_task_hour() const;  // 0 when no task ran
};

// REQUIRES: check_run_result(r) passes (summary_json calls it).
SummaryFigures compute_summary(const sim::RunResult& r);

// The whole summary.json text, final newline included. Throws std::logic_error when r fails
// check_run_result.
std::string summary_json(const sim::RunResult& r);

}  // namespace ecsim::reports
