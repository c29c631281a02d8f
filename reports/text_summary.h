// The short human summary `ecsim run` prints on stdout: 7 to 8 lines, deterministic (no wall
// time), figures from summary.json rounded for reading.
#pragma once

#include <filesystem>
#include <string>

#include "sim/run_result.h"

namespace ecsim::reports {

// Lines: run identity; task counts; wait (with how many tasks were still waiting at the end, when
// any); utilization; instances; cost (total, per task-hour, per month at this rate = total ×
// 730 h / simulated hours); one line per service (scheduling strategy, placement strategy,
// running mean of desired, time below desired, wait p99 with its censored count, deployments
// and the last one's state) and per job (strategy, task counts, wait p99 and censored count), in
// scenario order; trace records (only when traces ran); where the outputs are (`dir` as given). Throws std::logic_error when r fails
// check_run_result.
// `html`: whether report.html was written too.
std::string text_summary(const sim::RunResult& r, const std::filesystem::path& dir, bool html = false);

}  // namespace ecsim::reports
