#include "reports/outputs.h"

#include <algorithm>
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
  if (html) out.html = html_report(r, out.svg, cluster.run_id);
  return out;
}

void write_report_files(const Report& report, const std::filesystem::path& dir, bool html) {
  write_file_atomically(dir / kClusterDotFile, report.dot);
  write_file_atomically(dir / kClusterSvgFile, report.svg);
  if (html) write_file_atomically(dir / kReportFile, report.html);
}

}  // namespace

std::string write_outputs(const sim::RunResult& r, const RunStats& stats, const std::filesystem::path& dir, bool html,
                          OutputManifest manifest) {
  check_run_result(r);

  std::filesystem::create_directories(dir);  // throws filesystem_error (a runtime_error) with the path
  // The large CSVs stream straight to disk, hashed as they go; then what carries the run identity
  // derived from them; summary.json, which lists them, last.
  using Writer = void (*)(const sim::RunResult&, BufferedWriter&);
  static constexpr std::array<Writer, kRunCsvFiles.size()> kWriters = {
      write_tasks_csv,          write_instances_csv,           write_timeseries_csv,     write_zone_timeseries_csv,
      write_type_timeseries_csv, write_provider_timeseries_csv, write_service_timeseries_csv, write_service_events_csv,
      write_markers_csv,        write_instance_events_csv};
  for (std::size_t k = 0; k < kRunCsvFiles.size(); ++k) {
    const Writer write = kWriters[k];
    // A run that streamed tasks.csv (TasksCsvStream) committed it already and kept no records.
    if (std::any_of(manifest.files.begin(), manifest.files.end(),
                    [&](const auto& f) { return f.first == kRunCsvFiles[k]; })) {
      continue;
    }
    manifest.add(kRunCsvFiles[k],
                 write_file_atomically(dir / kRunCsvFiles[k], [&r, write](BufferedWriter& out) { write(r, out); }));
  }

  const std::string run_id = manifest.run_id();
  ClusterPictureOptions cluster;
  cluster.run_id = run_id;
  write_report_files(render_report(r, html, cluster), dir, html);
  RunStats with_id = stats;
  with_id.run_id = run_id;
  write_file_atomically(dir / kRunFile, run_json(r, with_id));
  write_file_atomically(dir / kSummaryFile, summary_json(r, &manifest));
  return run_id;
}

void write_report(const sim::RunResult& r, const std::filesystem::path& dir, const ClusterPictureOptions& cluster) {
  check_run_result(r);
  write_report_files(render_report(r, true, cluster), dir, true);
}

}  // namespace ecsim::reports
