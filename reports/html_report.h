// report.html: one self-contained page a person reads in a minute (issue 4, first part).
//
// No network, no script, no external font or image: inline CSS and inline SVG charts
// (reports/svg_chart.h) only, so it works offline from a file:// URL and prints. It shows the
// scenario and seed; headline numbers (tasks, waits, failures by ECS reason, utilisation,
// cost per month); charts of reserved CPU and memory, running/pending/starting tasks and
// registered instances over time, cumulative cost, and the wait-time CDF; utilisation by zone
// and by instance type; a table per task group.
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
// REQUIRES: check_run_result(r) passes.
std::string html_report(const sim::RunResult& r, std::string_view cluster_svg = {});

}  // namespace ecsim::reports
