// report.html: one self-contained page a person reads in a minute (issue 4, first part).
//
// No network, no script, no external font or image: inline CSS and inline SVG charts
// (reports/svg_chart.h) only, so it works offline from a file:// URL and prints. It shows the
// scenario and seed; headline numbers (tasks, waits, failures by ECS reason, utilisation,
// cost per month); charts of reserved CPU and memory, running/pending/starting tasks,
// registered instances and cumulative cost (two charts: one unit per axis) over time, and the
// wait-time CDF; a section per service (its figures, running and healthy tasks against desired
// over time, its load's CPU demand against the CPU its RUNNING tasks reserve when it has a load,
// its deployments and first event messages); a table of jobs (and traces) with their waits;
// utilisation by zone and by instance type; a table per task group.
//
// Every chart over time marks the scenario events (outages, ...) and every deployment as dashed
// vertical lines with a short label; a service's charts also mark its scaling. Charts take the
// page's width (their viewBox scales).
//
// Deterministic: no timestamp, no random id; the same RunResult gives the same bytes. Every
// name that reaches the page is escaped.
#pragma once

#include <string>
#include <string_view>

#include "sim/run_result.h"

namespace ecsim::reports {

// When `cluster_svg` (cluster_svg() of reports/graphviz.h) is not empty, a section "Cluster
// snapshot" shows it inline (svg_for_html), scaled to the page width.
// `run_id` (summary.json's outputs.runId) goes in a <meta name="ecsim-run-id"> and the footer;
// "" leaves it out.
// REQUIRES: check_run_result(r) passes.
std::string html_report(const sim::RunResult& r, std::string_view cluster_svg = {}, std::string_view run_id = {});

}  // namespace ecsim::reports
