#include "reports/outputs.h"

#include <string>

#include "reports/atomic_file.h"
#include "reports/csv.h"
#include "reports/graphviz.h"
#include "reports/html_report.h"
#include "reports/result_check.h"
#include "reports/summary.h"

namespace ecsim::reports {
namespace {

// The cluster pictures and the page that embeds one, rendered before anything is written.
struct Report {
  std::string dot;
  std::string svg;
  std::string html;  // "" without --no-html's opposite
};

Report render_report(const sim::RunResult& r, bool html, const ClusterPictureOptions& cluster = {}) {
  Report out;
  out.dot = cluster_dot(r, cluster);
  out.svg = render_dot_svg(out.dot);
  if (html) out.html = html_report(r, out.svg);
  return out;
}

void write_report_files(const Report& report, const std::filesystem::path& dir, bool html) {
  write_file_atomically(dir / kClusterDotFile, report.dot);
  write_file_atomically(dir / kClusterSvgFile, report.svg);
  if (html) write_file_atomically(dir / kReportFile, report.html);
}

}  // namespace

void write_outputs(const sim::RunResult& r, const RunStats& stats, const std::filesystem::path& dir, bool html) {
  check_run_result(r);
  const std::string summary = summary_json(r);
  const std::string run = run_json(r, stats);
  const Report report = render_report(r, html);

  std::filesystem::create_directories(dir);  // throws filesystem_error (a runtime_error) with the path
  // The large CSVs stream straight to disk; summary.json goes last, so that a failure part-way
  // never leaves a new summary.json describing CSVs that were not written.
  write_file_atomically(dir / kTasksFile, [&r](BufferedWriter& out) { write_tasks_csv(r, out); });
  write_file_atomically(dir / kInstancesFile, [&r](BufferedWriter& out) { write_instances_csv(r, out); });
  write_file_atomically(dir / kTimeseriesFile, [&r](BufferedWriter& out) { write_timeseries_csv(r, out); });
  write_file_atomically(dir / kZoneTimeseriesFile, [&r](BufferedWriter& out) { write_zone_timeseries_csv(r, out); });
  write_file_atomically(dir / kTypeTimeseriesFile, [&r](BufferedWriter& out) { write_type_timeseries_csv(r, out); });
  write_file_atomically(dir / kProviderTimeseriesFile,
                        [&r](BufferedWriter& out) { write_provider_timeseries_csv(r, out); });
  write_file_atomically(dir / kServiceTimeseriesFile,
                        [&r](BufferedWriter& out) { write_service_timeseries_csv(r, out); });
  write_file_atomically(dir / kServiceEventsFile, [&r](BufferedWriter& out) { write_service_events_csv(r, out); });
  write_file_atomically(dir / kMarkersFile, [&r](BufferedWriter& out) { write_markers_csv(r, out); });
  write_file_atomically(dir / kInstanceEventsFile,
                        [&r](BufferedWriter& out) { write_instance_events_csv(r, out); });
  write_file_atomically(dir / kRunFile, run);
  write_report_files(report, dir, html);
  write_file_atomically(dir / kSummaryFile, summary);
}

void write_report(const sim::RunResult& r, const std::filesystem::path& dir, const ClusterPictureOptions& cluster) {
  check_run_result(r);
  write_report_files(render_report(r, true, cluster), dir, true);
}

}  // namespace ecsim::reports
