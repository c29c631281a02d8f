// The output directory of `ecsim run`: exactly these files, each written atomically.
#pragma once

#include <filesystem>
#include <string_view>

#include "reports/run_info.h"
#include "sim/run_result.h"

namespace ecsim::reports {

inline constexpr std::string_view kSummaryFile = "summary.json";
inline constexpr std::string_view kRunFile = "run.json";
inline constexpr std::string_view kTasksFile = "tasks.csv";
inline constexpr std::string_view kTimeseriesFile = "timeseries.csv";
inline constexpr std::string_view kReportFile = "report.html";

// Creates `dir` (and its parents) and writes summary.json, run.json, tasks.csv,
// timeseries.csv and, when `html`, report.html into it, nothing else. The result is checked (check_run_result) and the JSON
// rendered before the first file is written, so a bad result writes nothing. Each file is
// replaced whole (reports/atomic_file.h): an I/O failure throws std::runtime_error naming the
// path, leaves no temporary file, and may leave earlier files of this call written.
void write_outputs(const sim::RunResult& r, const RunStats& stats, const std::filesystem::path& dir,
                   bool html = true);

}  // namespace ecsim::reports
