#include "reports/outputs.h"

#include <string>

#include "reports/atomic_file.h"
#include "reports/csv.h"
#include "reports/html_report.h"
#include "reports/result_check.h"
#include "reports/summary.h"

namespace ecsim::reports {

void write_outputs(const sim::RunResult& r, const RunStats& stats, const std::filesystem::path& dir, bool html) {
  check_run_result(r);
  const std::string summary = summary_json(r);
  const std::string run = run_json(r, stats);
  const std::string report = html ? html_report(r) : std::string();

  std::filesystem::create_directories(dir);  // throws filesystem_error (a runtime_error) with the path
  // The large CSVs stream straight to disk; summary.json goes last, so that a failure part-way
  // never leaves a new summary.json describing CSVs that were not written.
  write_file_atomically(dir / kTasksFile, [&r](BufferedWriter& out) { write_tasks_csv(r, out); });
  write_file_atomically(dir / kTimeseriesFile, [&r](BufferedWriter& out) { write_timeseries_csv(r, out); });
  write_file_atomically(dir / kRunFile, run);
  if (html) write_file_atomically(dir / kReportFile, report);
  write_file_atomically(dir / kSummaryFile, summary);
}

}  // namespace ecsim::reports
