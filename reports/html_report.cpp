#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "reports/csv.h"
#include "reports/format.h"
#include "reports/graphviz.h"
#include "reports/result_check.h"
#include "reports/summary.h"
#include "reports/svg_chart.h"

namespace ecsim::reports {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1100px;
       padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
.meta { color: #555; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; }
.card .label { font-size: 12px; color: #555; } .card .value { font-size: 20px; font-weight: 600; }
.card .sub { font-size: 12px; color: #555; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 10px; text-align: right; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.charts svg { width: 100%; height: auto; display: block; margin: 8px 0 16px; }
h3 { font-size: 15px; margin: 22px 0 4px; }
.service { border-top: 1px solid #e4e4e4; margin-top: 12px; }
ul.events { font-size: 12px; color: #333; padding-left: 18px; }
.note { font-size: 12px; color: #666; }
@media print { body { margin: 0; max-width: none; } .charts svg { page-break-inside: avoid; } }
)";

std::string esc(std::string_view s) { return xml_escape(s); }

std::string pct(double fraction) { return format_fixed(fraction * 100.0, 1) + "%"; }

std::string seconds_text(double s) {
  if (s >= 3600) return format_fixed(s / 3600.0, 2) + " h";
  if (s >= 60) return format_fixed(s / 60.0, 1) + " min";
  return format_fixed(s, 2) + " s";
}

std::string money(double dollars) {
  // Built by appending: GCC 12 reports a false -Wrestrict on "$" + std::string&& at -O3.
  std::string s = "$";
  s += format_fixed(dollars, 2);
  return s;
}

void card(std::string& out, std::string_view label, const std::string& value, const std::string& sub) {
  out += "<div class=\"card\"><div class=\"label\">" + esc(label) + "</div><div class=\"value\">" + value +
         "</div><div class=\"sub\">" + sub + "</div></div>\n";
}

double pct_of(std::int64_t num, std::int64_t den) {
  return den > 0 ? 100.0 * static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

// Cost per hour in dollars at each sample time, per market (sim::Market order: on-demand, spot),
// as timeseries.csv's costPerHour sums them (reports/cost.h).
std::vector<std::vector<double>> cost_per_hour_by_market(const sim::RunResult& r, const CostFigures& cost) {
  std::vector<std::vector<double>> out(2);
  for (const sim::Sample& s : r.samples) {
    const auto [on_demand, spot] = cost.rate_at(s.time);
    out[0].push_back(ratio_to_double(on_demand, 1'000'000));
    out[1].push_back(ratio_to_double(spot, 1'000'000));
  }
  return out;
}

// Instances up at each sample time, per market (sim::Market order: on-demand, spot): registered at or before the sample, and neither
// disconnected nor terminated then (instances.csv's terminatedAt, and instance_events, whose
// state after every event at the sample counts, as the samples see it).
std::vector<std::vector<double>> instances_by_market(const sim::RunResult& r) {
  constexpr std::size_t kMarkets = 2;
  const sim::InstanceRecords& in = r.instances;
  // Every change of an instance's state, in time order (stable: registration, then its events,
  // then termination at one instant); an instance is up while registered, connected and alive.
  enum class Change : std::uint8_t { kRegistered, kDisconnected, kReconnected, kTerminated };
  struct Step {
    sim::SimTime at;
    std::uint32_t instance;
    Change change;
  };
  std::vector<Step> steps;
  for (std::uint32_t i = 0; i < in.size(); ++i) {
    if (in.registered_at[i] != sim::kNever) steps.push_back({in.registered_at[i], i, Change::kRegistered});
  }
  for (const sim::InstanceEvent& e : r.instance_events) {
    switch (e.kind) {
      case sim::InstanceEventKind::kRegistered: steps.push_back({e.at, e.instance, Change::kRegistered}); break;
      case sim::InstanceEventKind::kDisconnected: steps.push_back({e.at, e.instance, Change::kDisconnected}); break;
      case sim::InstanceEventKind::kReconnected: steps.push_back({e.at, e.instance, Change::kReconnected}); break;
      case sim::InstanceEventKind::kTerminated: steps.push_back({e.at, e.instance, Change::kTerminated}); break;
      default: break;
    }
  }
  for (std::uint32_t i = 0; i < in.size(); ++i) {
    if (in.terminated_at[i] != sim::kNever) steps.push_back({in.terminated_at[i], i, Change::kTerminated});
  }
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.at < b.at; });
  std::vector<std::uint8_t> registered(in.size(), 0), connected(in.size(), 1), alive(in.size(), 1);
  // Per market: the instants at which the count changes and the count from then on.
  std::vector<std::vector<sim::SimTime>> at(kMarkets);
  std::vector<std::vector<std::int64_t>> count(kMarkets);
  std::int64_t up[kMarkets] = {0, 0};
  for (const Step& step : steps) {
    const std::uint32_t i = step.instance;
    const bool was = registered[i] && connected[i] && alive[i];
    switch (step.change) {
      case Change::kRegistered: registered[i] = 1; break;
      case Change::kDisconnected: connected[i] = 0; break;
      case Change::kReconnected: connected[i] = 1; break;
      case Change::kTerminated: alive[i] = 0; break;
    }
    const bool is = registered[i] && connected[i] && alive[i];
    if (was == is) continue;
    const auto m = static_cast<std::size_t>(in.market[i]);
    up[m] += is ? 1 : -1;
    if (!at[m].empty() && at[m].back() == step.at) {
      count[m].back() = up[m];
    } else {
      at[m].push_back(step.at);
      count[m].push_back(up[m]);
    }
  }
  std::vector<std::vector<double>> out(kMarkets);
  for (std::size_t m = 0; m < kMarkets; ++m) {
    for (const sim::Sample& s : r.samples) {
      // The count after every change at or before the sample (samples of hand-built results
      // need not be in order).
      const auto k = std::upper_bound(at[m].begin(), at[m].end(), s.time) - at[m].begin();
      out[m].push_back(k == 0 ? 0.0 : static_cast<double>(count[m][static_cast<std::size_t>(k - 1)]));
    }
  }
  return out;
}

MarkerStyle marker_style(sim::MarkerKind k) {
  switch (k) {
    case sim::MarkerKind::kScenarioEvent: return MarkerStyle::kEvent;
    case sim::MarkerKind::kDeploymentStarted:
    case sim::MarkerKind::kDeploymentCompleted:
    case sim::MarkerKind::kDeploymentFailed: return MarkerStyle::kDeployment;
    case sim::MarkerKind::kScaleOut:
    case sim::MarkerKind::kScaleIn: return MarkerStyle::kScaling;
  }
  return MarkerStyle::kEvent;
}

// The markers of a chart: scenario events and every deployment on the cluster's charts
// (service == kNoService); on a service's charts the scenario events and that service's
// deployments and scaling.
std::vector<ChartMarker> markers_for(const sim::RunResult& r, std::uint32_t service) {
  std::vector<ChartMarker> out;
  for (const sim::Marker& m : r.markers) {
    const MarkerStyle style = marker_style(m.kind);
    const bool keep = style == MarkerStyle::kEvent ||
                      (service == kNoService ? style == MarkerStyle::kDeployment : m.service == service);
    if (keep) out.push_back({sim::to_seconds(m.at), m.label, style});
  }
  return out;
}

// A time in the run as the clock shows it from the start: "0:05:00", "1d 02:00:00"; whole seconds.
std::string at_text(sim::SimTime t) {
  const std::int64_t total = t / sim::kSecond;
  const std::int64_t days = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, sec = total % 60;
  char buf[48];
  if (days > 0) {
    std::snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", static_cast<long long>(days),
                  static_cast<long long>(h), static_cast<long long>(m), static_cast<long long>(sec));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(sec));
  }
  return buf;
}

std::string count_text(std::int64_t n) { return std::to_string(n); }

// "p50 / p90 / p99 / max" cells of a wait, and its censored count.
std::string wait_cells(const DurationStats& w) {
  std::string cells;
  for (const sim::SimTime v : {w.p50, w.p90, w.p99, w.max}) cells += "<td>" + seconds_text(sim::to_seconds(v)) + "</td>";
  cells += "<td>" + std::to_string(w.censored) + "</td>";
  return cells;
}

constexpr std::size_t kMaxEventsShown = 20;

// One section per service: its figures, running and healthy against desired over time, its load
// against its capacity (with a load), deployments, and its first event messages.
void services_section(std::string& out, const sim::RunResult& r, const SummaryFigures& f, const std::vector<double>& t) {
  if (r.services.empty()) return;
  out += "<h2>Services</h2>\n";
  const std::size_t n = r.services.size();
  const auto recorded = [&](const std::vector<std::int64_t>& v) { return !v.empty() && v.size() == r.samples.size() * n; };
  for (std::size_t k = 0; k < n; ++k) {
    const sim::ServiceResult& svc = r.services[k];
    const sim::SourceInfo& info = r.sources[svc.source];
    const SourceFigures& sf = f.by_source[svc.source];
    out += "<div class=\"service\">\n<h3>service " + esc(info.name) + "</h3>\n";
    out += "<p class=\"meta\">" + std::string(scheduling_strategy_name(svc)) + " · strategy " + esc(info.strategy) +
           " · desired " + std::to_string(svc.desired_count) + " at the end</p>\n";
    out += "<table>\n<tr><th>running min</th><th>running mean</th><th>running max</th><th>below desired</th>"
           "<th>min healthy</th><th>replacements</th><th>throttled launches</th><th>scale outs</th><th>scale ins</th>"
           "<th>tasks submitted</th><th>pending at end</th><th>wait p99</th><th>still waiting</th></tr>\n<tr><td>" +
           std::to_string(svc.running_min) + "</td><td>" + format_fixed(svc.running_mean, 2) + "</td><td>" +
           std::to_string(svc.running_max) + "</td><td>" + seconds_text(sim::to_seconds(svc.below_desired)) +
           "</td><td>" + std::to_string(svc.min_healthy) + "</td><td>" + count_text(svc.replacements) + "</td><td>" +
           count_text(svc.throttled_launches) + "</td><td>" + count_text(svc.scale_outs) + "</td><td>" +
           count_text(svc.scale_ins) + "</td><td>" + count_text(sf.submitted) + "</td><td>" +
           count_text(sf.pending_at_end) + "</td><td>" + seconds_text(sim::to_seconds(sf.wait.p99)) + "</td><td>" +
           std::to_string(sf.wait.censored) + "</td></tr>\n</table>\n";
    if (svc.has_load) {
      out += "<p>Load: " + format_fixed(svc.requests, 0) + " requests, " +
             pct(svc.requests > 0 ? svc.unserved_requests / svc.requests : 0.0) + " unserved; demand above capacity for " +
             seconds_text(sim::to_seconds(svc.overloaded)) + ".</p>\n";
    }
    const std::vector<ChartMarker> markers = markers_for(r, static_cast<std::uint32_t>(k));
    const auto column = [&](const std::vector<std::int64_t>& v) {
      std::vector<double> y;
      y.reserve(r.samples.size());
      for (std::size_t j = 0; j < r.samples.size(); ++j) y.push_back(static_cast<double>(v[j * n + k]));
      return y;
    };
    out += "<div class=\"charts\">\n";
    std::vector<ChartSeries> tasks;
    if (recorded(r.service_running)) tasks.push_back({"running", t, column(r.service_running), true});
    if (recorded(r.service_healthy)) tasks.push_back({"healthy", t, column(r.service_healthy), true});
    if (recorded(r.service_desired)) tasks.push_back({"desired", t, column(r.service_desired), true, true});
    if (!tasks.empty()) {
      ChartSpec c;
      c.title = info.name + ": tasks running and healthy against desired";
      c.x_label = "time";
      c.y_label = "tasks";
      c.x_kind = AxisKind::kTimeSeconds;
      // One task of headroom, so that a count at its maximum is not drawn on the frame.
      double top = 0;
      for (const ChartSeries& one : tasks) {
        for (const double v : one.y) top = std::max(top, v);
      }
      c.y_max = top + 1;
      c.series = std::move(tasks);
      c.markers = markers;
      out += render_line_chart(c);
    } else {
      out += "<p class=\"note\">No per-service samples were recorded.</p>\n";
    }
    if (svc.has_load && (recorded(r.service_demand_cpu) || recorded(r.service_capacity_cpu))) {
      ChartSpec c;
      c.title = info.name + ": load demand against capacity";
      c.x_label = "time";
      c.y_label = "CPU units";
      c.x_kind = AxisKind::kTimeSeconds;
      if (recorded(r.service_demand_cpu)) c.series.push_back({"demand", t, column(r.service_demand_cpu), true});
      if (recorded(r.service_capacity_cpu)) {
        c.series.push_back({"capacity (RUNNING tasks)", t, column(r.service_capacity_cpu), true});
      }
      // A tenth of headroom, so that the highest line is not drawn on the frame.
      double top = 0;
      for (const ChartSeries& one : c.series) {
        for (const double v : one.y) top = std::max(top, v);
      }
      c.y_max = top * 1.1;
      c.markers = markers;
      out += render_line_chart(c);
    }
    out += "</div>\n";
    if (svc.deployments.empty()) {
      out += "<p>No deployment.</p>\n";
    } else {
      out += "<table>\n<tr><th>deployment</th><th>task definition</th><th>started</th><th>completed</th>"
             "<th>rollout state</th><th>rollback</th><th>failed tasks</th></tr>\n";
      for (std::size_t d = 0; d < svc.deployments.size(); ++d) {
        const sim::DeploymentRecord& dep = svc.deployments[d];
        out += "<tr><td>" + std::to_string(d + 1) + "</td><td>" + esc(dep.task_definition) + "</td><td>" +
               at_text(dep.started_at) + "</td><td>" +
               (dep.completed_at == sim::kNever ? std::string("–") : at_text(dep.completed_at)) +
               "</td><td>" + std::string(sim::rollout_state_name(dep.rollout_state)) + "</td><td>" +
               (dep.rollback ? "yes" : "no") + "</td><td>" + std::to_string(dep.failed_tasks) + "</td></tr>\n";
      }
      out += "</table>\n";
    }
    std::size_t shown = 0, total = 0;
    std::string items;
    for (const sim::ServiceEvent& e : r.service_events) {
      if (e.service != k) continue;
      ++total;
      if (shown == kMaxEventsShown) continue;
      ++shown;
      items += "<li>" + at_text(e.at) + ": " + esc(e.message) + "</li>\n";
    }
    if (total > 0) {
      out += "<ul class=\"events\">\n" + items + "</ul>\n";
      if (total > shown) {
        out += "<p class=\"note\">" + std::to_string(total - shown) + " more events in service-events.csv.</p>\n";
      }
    }
    out += "</div>\n";
  }
}

// A row per job (and per trace), from the task records.
void jobs_section(std::string& out, const sim::RunResult& r, const SummaryFigures& f) {
  std::string rows;
  for (std::size_t k = 0; k < f.by_source.size(); ++k) {
    const sim::SourceInfo& info = r.sources[k];
    if (info.kind == sim::SourceKind::kService) continue;
    const SourceFigures& sf = f.by_source[k];
    rows += "<tr><td>" + std::string(sim::source_kind_name(info.kind)) + " " + esc(info.name) + "</td><td>" +
            esc(info.strategy) + "</td><td>" + count_text(sf.submitted) + "</td><td>" + count_text(sf.placed) +
            "</td><td>" + count_text(sf.failed_to_place) + "</td><td>" + count_text(sf.pending_at_end) + "</td>" +
            wait_cells(sf.wait) + "</tr>\n";
  }
  if (rows.empty()) return;
  out += "<h2>Jobs</h2>\n<table>\n<tr><th>job</th><th>strategy</th><th>submitted</th><th>placed</th>"
         "<th>failed to place</th><th>pending at end</th><th>wait p50</th><th>wait p90</th><th>wait p99</th>"
         "<th>wait max</th><th>still waiting (censored)</th></tr>\n" +
         rows +
         "</table>\n<p class=\"note\">Waits count a task never placed as waiting until the end of the run; "
         "the last column says how many did.</p>\n";
}

}  // namespace

std::string html_report(const sim::RunResult& r, std::string_view cluster_svg, std::string_view run_id) {
  const SummaryFigures f = compute_summary(r);
  sim::TaskStats scratch;
  const sim::TaskStats& tasks = sim::task_stats_of(r, scratch);
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  if (!run_id.empty()) out += "<meta name=\"ecsim-run-id\" content=\"" + esc(run_id) + "\"/>\n";
  out += "<title>ecsim: " + esc(r.scenario) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<h1>" + esc(r.scenario) + "</h1>\n";
  out += "<p class=\"meta\">seed " + std::to_string(r.seed) + " · strategy " + esc(r.strategy) + " · " +
         seconds_text(sim::to_seconds(r.duration)) + " simulated · ecsim " + esc(ECSIM_VERSION) + "</p>\n";

  // Headline numbers.
  out += "<div class=\"cards\">\n";
  card(out, "tasks submitted", std::to_string(f.submitted),
       std::to_string(f.placed) + " placed, " + std::to_string(f.completed) + " completed");
  card(out, "failed to place", std::to_string(f.failed_to_place), std::to_string(f.pending_at_end) + " pending at end");
  card(out, "wait, mean", seconds_text(f.wait.mean_seconds()),
       "p50 " + seconds_text(sim::to_seconds(f.wait.p50)) + ", p99 " + seconds_text(sim::to_seconds(f.wait.p99)) +
           (f.wait.censored > 0 ? ", " + std::to_string(f.wait.censored) + " still waiting at the end" : std::string()));
  card(out, "CPU reserved, mean", pct(r.cpu.overall.mean), "p95 " + pct(r.cpu.overall.p95) + ", max " + pct(r.cpu.overall.max));
  card(out, "memory reserved, mean", pct(r.memory.overall.mean),
       "p95 " + pct(r.memory.overall.p95) + ", max " + pct(r.memory.overall.max));
  const double hours = sim::to_seconds(r.duration) / 3600.0;
  card(out, "cost", money(f.cost_total_dollars()),
       money(hours > 0 ? f.cost_per_month(r.duration) : 0.0) + " per month at this rate");
  card(out, "instances", std::to_string(f.instances_launched), format_fixed(f.instance_hours(), 1) + " instance-hours");
  out += "</div>\n";

  // Charts over time, from the samples (the same rows as timeseries.csv).
  std::vector<double> t, cpu, mem, running, pending, starting, instances;
  for (const sim::Sample& s : r.samples) {
    t.push_back(sim::to_seconds(s.time));
    cpu.push_back(pct_of(s.cpu_reserved, s.cpu_registered));
    mem.push_back(pct_of(s.memory_reserved_mib, s.memory_registered_mib));
    running.push_back(static_cast<double>(s.running));
    pending.push_back(static_cast<double>(s.pending));
    starting.push_back(static_cast<double>(s.starting));
    instances.push_back(static_cast<double>(s.instances));
  }
  out += "<h2>Over time</h2>\n<div class=\"charts\">\n";
  // Charts over simulated time share their x axis (the sample times).
  // Every time chart marks the scenario events and the deployments (markers_for).
  const std::vector<ChartMarker> cluster_markers = markers_for(r, kNoService);
  const auto time_chart = [&](std::string title, std::string y_label, double y_max, std::vector<ChartSeries> series,
                              const std::vector<ChartMarker>& markers) {
    ChartSpec c;
    c.title = std::move(title);
    c.x_label = "time";
    c.y_label = std::move(y_label);
    c.x_kind = AxisKind::kTimeSeconds;
    c.y_max = y_max;
    c.series = std::move(series);
    c.markers = markers;
    out += render_line_chart(c);
  };
  time_chart("Reserved of registered", "reserved (%)", 100, {{"CPU", t, cpu, true}, {"memory", t, mem, true}},
             cluster_markers);
  // Reserved of registered by zone and by instance type, when the run recorded them.
  const auto breakdown = [&](const std::string& title, const std::vector<std::string>& names,
                             const std::vector<std::int64_t>& reserved, const std::vector<std::int64_t>& registered) {
    const std::size_t n = names.size();
    if (n == 0 || reserved.size() != r.samples.size() * n || registered.size() != reserved.size()) return;
    std::vector<ChartSeries> series;
    for (std::size_t k = 0; k < n; ++k) {
      ChartSeries one{names[k], t, {}, true};
      for (std::size_t j = 0; j < r.samples.size(); ++j) one.y.push_back(pct_of(reserved[j * n + k], registered[j * n + k]));
      series.push_back(std::move(one));
    }
    time_chart(title, "reserved (%)", 100, std::move(series), cluster_markers);
  };
  breakdown("CPU reserved by availability zone", r.zones, r.zone_cpu_reserved, r.zone_cpu_registered);
  breakdown("Memory reserved by availability zone", r.zones, r.zone_memory_reserved, r.zone_memory_registered);
  breakdown("CPU reserved by instance type", r.instance_types, r.type_cpu_reserved, r.type_cpu_registered);
  breakdown("Memory reserved by instance type", r.instance_types, r.type_memory_reserved, r.type_memory_registered);
  time_chart("Tasks", "tasks", 0,
             {{"running", t, running, true}, {"pending (waiting to be placed)", t, pending, true},
              {"starting", t, starting, true}},
             cluster_markers);
  // One unit per axis: instances and dollars are two charts.
  time_chart("Registered instances", "instances", 0, {{"instances", t, instances, true}}, cluster_markers);
  {
    // Dollars per hour of the instances being billed, by market and in all.
    std::vector<std::vector<double>> by_market = cost_per_hour_by_market(r, f.cost);
    std::vector<double> total(t.size());
    for (std::size_t j = 0; j < t.size(); ++j) total[j] = by_market[0][j] + by_market[1][j];
    time_chart("Instance cost per hour", "cost ($/h)", 0,
               {{"all", t, std::move(total), true},
                {std::string(market_name(sim::Market::kOnDemand)), t, std::move(by_market[0]), true},
                {std::string(market_name(sim::Market::kSpot)), t, std::move(by_market[1]), true}},
               cluster_markers);
  }
  {
    std::vector<std::vector<double>> by_market = instances_by_market(r);
    time_chart("Instances over time by market", "instances", 0,
               {{std::string(market_name(sim::Market::kOnDemand)), t, std::move(by_market[0]), true},
                {std::string(market_name(sim::Market::kSpot)), t, std::move(by_market[1]), true}},
               cluster_markers);
  }
  if (const std::size_t n = r.capacity_providers.size(); n > 0 && r.provider_instances.size() == r.samples.size() * n) {
    // The Auto Scaling groups: live instances against desired capacity, and the metric that
    // drives managed scaling.
    std::vector<ChartSeries> counts, metric;
    for (std::size_t k = 0; k < n; ++k) {
      ChartSeries live{r.capacity_providers[k].name + " instances", t, {}, true};
      ChartSeries desired{r.capacity_providers[k].name + " desired", t, {}, true, true};
      ChartSeries reservation{r.capacity_providers[k].name, t, {}, true};
      for (std::size_t j = 0; j < r.samples.size(); ++j) {
        live.y.push_back(static_cast<double>(r.provider_instances[j * n + k]));
        desired.y.push_back(static_cast<double>(r.provider_desired[j * n + k]));
        reservation.y.push_back(r.provider_reservation[j * n + k]);
      }
      counts.push_back(std::move(live));
      counts.push_back(std::move(desired));
      metric.push_back(std::move(reservation));
    }
    time_chart("Capacity providers: instances against desired capacity", "instances", 0, std::move(counts),
               cluster_markers);
    time_chart("Capacity providers: CapacityProviderReservation", "reservation (%)", 0, std::move(metric),
               cluster_markers);
  }
  {
    // Wait-time CDF over placed tasks: one point per distinct wait (per histogram bucket beyond
    // 65,536 tasks), the fraction of tasks that waited at most this long.
    const sim::DurationDistribution& waits = tasks.placed_wait;
    const auto placed = static_cast<double>(waits.count());
    std::vector<double> x, y;
    std::int64_t at_once = 0;
    waits.for_each_step([&](sim::SimTime value, std::int64_t at_most) {
      // On the log axis a wait of 0 is drawn at the axis start: the CDF starts there at the
      // fraction of tasks placed at once, or at 0 when none was.
      if (x.empty() && value > 0) {
        x.push_back(0);
        y.push_back(0);
      }
      if (value == 0) at_once = at_most;
      x.push_back(sim::to_seconds(value));
      y.push_back(static_cast<double>(at_most) / placed);
    });
    ChartSpec c;
    c.title = "Wait from submission to placement (CDF over placed tasks)";
    c.x_label = "wait (log scale)";
    c.y_label = "fraction of tasks";
    c.x_kind = AxisKind::kLogSeconds;
    c.y_max = 1;
    c.series = {{"placed tasks", x, y, true}};
    out += render_line_chart(c);
    if (!waits.empty()) {
      out += "<p class=\"note\">Wait on a log scale: waits of 0 (" + std::to_string(at_once) + " of " +
             std::to_string(waits.count()) + " placed tasks, " + pct(static_cast<double>(at_once) / placed) +
             ") are drawn at the left edge.</p>\n";
    }
  }
  out += "</div>\n";

  services_section(out, r, f, t);
  jobs_section(out, r, f);

  // Utilisation by zone and type.
  out += "<h2>Utilisation</h2>\n<table>\n<tr><th></th><th>CPU mean</th><th>CPU p95</th><th>CPU max</th>"
         "<th>memory mean</th><th>memory p95</th><th>memory max</th></tr>\n";
  const auto util_row = [&](const std::string& name, const sim::UtilizationStats& c, const sim::UtilizationStats& m) {
    out += "<tr><td>" + esc(name) + "</td><td>" + pct(c.mean) + "</td><td>" + pct(c.p95) + "</td><td>" + pct(c.max) +
           "</td><td>" + pct(m.mean) + "</td><td>" + pct(m.p95) + "</td><td>" + pct(m.max) + "</td></tr>\n";
  };
  util_row("all instances", r.cpu.overall, r.memory.overall);
  for (std::size_t z = 0; z < r.cpu.by_zone.size() && z < r.zones.size(); ++z) {
    util_row("zone " + r.zones[z], r.cpu.by_zone[z], r.memory.by_zone[z]);
  }
  for (std::size_t k = 0; k < r.cpu.by_type.size() && k < r.instance_types.size(); ++k) {
    util_row("type " + r.instance_types[k], r.cpu.by_type[k], r.memory.by_type[k]);
  }
  out += "</table>\n<p class=\"note\">Reserved over registered, time-weighted over the run.</p>\n";

  // The cluster picture (reports/graphviz.h), inline; its own title names the instant.
  if (!cluster_svg.empty()) {
    out += "<h2>Cluster snapshot</h2>\n<div class=\"cluster\">\n" + svg_for_html(cluster_svg) +
           "</div>\n<p class=\"note\">Availability zones, their instances and the tasks they hold at the instant "
           "named in the picture (by default the peak: the sample with the most CPU reserved of registered). "
           "Fill: CPU reserved of registered.</p>\n";
  }

  // Per task group, by name.
  std::map<std::string, const sim::GroupTaskStats*> groups;
  for (std::size_t g = 0; g < tasks.by_group.size() && g < r.groups.size(); ++g) {
    if (tasks.by_group[g].submitted > 0) groups[r.groups[g]] = &tasks.by_group[g];
  }
  out += "<h2>Task groups</h2>\n<table>\n<tr><th>group</th><th>submitted</th><th>placed</th><th>completed</th>"
         "<th>failed to place</th><th>pending at end</th><th>wait mean</th><th>wait p99</th></tr>\n";
  for (const auto& [name, g] : groups) {
    const sim::DurationDistribution& w = g->placed_wait;
    const double mean = w.empty() ? 0.0 : ratio_to_double(w.total(), static_cast<Int128>(w.count()) * sim::kSecond);
    out += "<tr><td>" + esc(name) + "</td><td>" + std::to_string(g->submitted) + "</td><td>" +
           std::to_string(g->placed) + "</td><td>" + std::to_string(g->completed) + "</td><td>" +
           std::to_string(g->rejected) + "</td><td>" + std::to_string(g->pending) + "</td><td>" +
           seconds_text(mean) + "</td><td>" + seconds_text(sim::to_seconds(w.percentile(990))) + "</td></tr>\n";
  }
  out += "</table>\n";

  // Placement failures by ECS reason.
  out += "<h2>Placement failures</h2>\n";
  bool any = false;
  std::string rows;
  for (std::size_t k = 1; k < static_cast<std::size_t>(sim::FailureReason::kCount); ++k) {
    if (r.placement_failures[k] == 0) continue;
    any = true;
    rows += "<tr><td>" + esc(sim::failure_reason_name(static_cast<sim::FailureReason>(k))) + "</td><td>" +
            std::to_string(r.placement_failures[k]) + "</td></tr>\n";
  }
  if (any) {
    out += "<table>\n<tr><th>ECS reason</th><th>attempts</th></tr>\n" + rows + "</table>\n";
  } else {
    out += "<p>No placement attempt failed.</p>\n";
  }
  out += "<p class=\"note\">ecsim " + esc(ECSIM_VERSION) + (run_id.empty() ? std::string() : ", run " + esc(run_id)) + ". Figures are in summary.json; per-task rows in tasks.csv; "
         "samples in timeseries.csv.</p>\n</body>\n</html>\n";
  return out;
}

}  // namespace ecsim::reports
