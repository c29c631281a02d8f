// The output directory of `ecsim run`: exactly these files, each written atomically.
//
//   summary.json               deterministic figures (reports/summary.h)
//   run.json                   what differs from run to run (reports/run_info.h)
//   tasks.csv                  one row per task (reports/csv.h)
//   instances.csv              one row per instance
//   timeseries.csv             one row per sample
//   timeseries-by-zone.csv     per sample, one row per availability zone
//   timeseries-by-type.csv     per sample, one row per instance type
//   timeseries-by-service.csv  per sample, one row per service
//   timeseries-by-capacity-provider.csv  per sample, one row per capacity provider
//   service-events.csv         the services' event messages
//   markers.csv                moments marked on the time charts (scenario events, deployments, scaling)
//   instance-events.csv        what happened to each instance (registered, disconnected, terminated, ...)
//   cluster.dot, cluster.svg   the cluster at its peak (reports/graphviz.h)
//   report.html                the page a person reads (reports/html_report.h), unless --no-html
//
// All but run.json, the pictures and report.html together hold the whole sim::RunResult that report.html is
// drawn from: reports/read_outputs.h reads them back for `ecsim report DIR`.
//
// Run identity: summary.json's last key, `outputs`, lists every other file of the directory that
// the run's figures live in (the CSVs, and placements.jsonl and checks.json/.xml when the caller
// wrote them) with its size and XXH3-64 content hash, and `outputs.runId` is derived from that
// list (reports/content_hash.h). run.json, the pictures and report.html carry the same runId
// (run.json's `runId`, the graph's comment, a <meta name="ecsim-run-id">): `ecsim report` and
// `ecsim diff` check a directory against its summary.json (verify_outputs, reports/read_outputs.h)
// and refuse one that mixes runs.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

#include "reports/content_hash.h"
#include "reports/graphviz.h"
#include "reports/run_info.h"
#include "sim/run_result.h"

namespace ecsim::reports {

inline constexpr std::string_view kSummaryFile = "summary.json";
inline constexpr std::string_view kRunFile = "run.json";
inline constexpr std::string_view kTasksFile = "tasks.csv";
inline constexpr std::string_view kInstancesFile = "instances.csv";
inline constexpr std::string_view kTimeseriesFile = "timeseries.csv";
inline constexpr std::string_view kZoneTimeseriesFile = "timeseries-by-zone.csv";
inline constexpr std::string_view kTypeTimeseriesFile = "timeseries-by-type.csv";
inline constexpr std::string_view kServiceTimeseriesFile = "timeseries-by-service.csv";
inline constexpr std::string_view kProviderTimeseriesFile = "timeseries-by-capacity-provider.csv";
inline constexpr std::string_view kServiceEventsFile = "service-events.csv";
inline constexpr std::string_view kMarkersFile = "markers.csv";
inline constexpr std::string_view kInstanceEventsFile = "instance-events.csv";
inline constexpr std::string_view kReportFile = "report.html";

// The CSVs, in the order write_outputs writes them and lists them in summary.json's `outputs`.
inline constexpr std::array<std::string_view, 10> kRunCsvFiles = {
    kTasksFile,      kInstancesFile,         kTimeseriesFile,    kZoneTimeseriesFile, kTypeTimeseriesFile,
    kProviderTimeseriesFile, kServiceTimeseriesFile, kServiceEventsFile, kMarkersFile, kInstanceEventsFile};

// Creates `dir` (and its parents) and writes the files above into it, nothing else; report.html
// only when `html`. `manifest` lists the files the caller already wrote into `dir` for this run
// (placements.jsonl, checks.json, checks.xml, and tasks.csv when the run streamed it:
// reports/csv.h TasksCsvStream); the CSVs it does not list join it, then the pictures, report.html
// and run.json are written with its run identity, and summary.json, listing it, last. Returns the
// run identity. The result is checked (check_run_result) before the first file is written, so a
// bad result writes nothing. Each file is replaced whole (reports/atomic_file.h): an I/O failure
// throws std::runtime_error naming the path, leaves no temporary file, and may leave earlier
// files of this call written; `ecsim run` writes into the staging directory of an
// OutputDirectory (reports/output_dir.h), so that a failure leaves its -o as it was.
std::string write_outputs(const sim::RunResult& r, const RunStats& stats, const std::filesystem::path& dir,
                          bool html = true, OutputManifest manifest = {});

// Writes cluster.dot, cluster.svg and report.html into the existing directory `dir`, each
// atomically: the bytes write_outputs writes for the same result and cluster.run_id. Throws std::logic_error when r fails check_run_result (nothing
// written) and std::runtime_error naming the path on an I/O failure.
// `cluster` chooses the instant the cluster pictures show (default: the peak sample).
void write_report(const sim::RunResult& r, const std::filesystem::path& dir, const ClusterPictureOptions& cluster = {});

}  // namespace ecsim::reports
