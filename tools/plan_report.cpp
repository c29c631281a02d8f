#include "tools/plan_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "reports/atomic_file.h"
#include "reports/csv.h"
#include "reports/format.h"
#include "reports/json_writer.h"
#include "reports/svg_chart.h"
#include "tools/command_line.h"

namespace ecsim::tools {
namespace {

using nlohmann::ordered_json;

ordered_json settings_json(const scenarios::PlanFile& plan, const CandidateResult& c) {
  ordered_json j = ordered_json::object();
  for (std::size_t d = 0; d < plan.vary.size(); ++d) {
    j[plan.vary[d].set] = ordered_json::parse(plan.vary[d].values[c.choice[d]].dump());
  }
  return j;
}

ordered_json margins_json(const scenarios::PlanFile& plan, const CandidateResult& c) {
  ordered_json j = ordered_json::object();
  for (std::size_t s = 0; s < plan.slos.size(); ++s) j[plan.slos[s].check.text] = c.worst_margin[s];
  return j;
}

// A value as a person reads it: strings bare, the rest as JSON.
std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string settings_line(const scenarios::PlanFile& plan, const CandidateResult& c) {
  std::string out;
  for (std::size_t d = 0; d < plan.vary.size(); ++d) {
    if (d > 0) out += ", ";
    out += plan.vary[d].set + "=" + value_text(plan.vary[d].values[c.choice[d]]);
  }
  return out;
}

std::string run_text(const PlanRun& run) {
  std::string out = "seed " + std::to_string(run.seed);
  if (!run.zone_lost.empty()) out += ", " + run.zone_lost + " lost";
  return out;
}

std::string dollars(double v) { return "$" + reports::format_fixed(v, 2); }

// Escaped, with a line-break opportunity after each dot, for the long paths in table headers.
std::string header_html(const std::string& text) {
  std::string out;
  for (const char c : reports::xml_escape(text)) {
    out += c;
    if (c == '.') out += "<wbr/>";
  }
  return out;
}

}  // namespace

std::string plan_json(const scenarios::PlanFile& plan, const PlanResult& r) {
  ordered_json root;
  if (r.best) {
    const CandidateResult& b = r.evaluated[*r.best];
    ordered_json best;
    best["settings"] = settings_json(plan, b);
    best["cost"] = b.cost;
    best["margins"] = margins_json(plan, b);
    best["runs"] = b.runs;
    root["best"] = std::move(best);
  } else {
    root["best"] = nullptr;
  }
  root["candidatesEvaluated"] = r.evaluated.size();
  root["runs"] = r.runs;
  root["bruteForceRuns"] = r.brute_force_runs();
  root["gridSize"] = r.grid_size;
  root["runsPerCandidate"] = r.runs_per_candidate;
  root["seeds"] = plan.seeds;
  ordered_json zones = ordered_json::array();
  if (plan.survive_loss_of_any_zone) {
    for (const auto& z : r.zones) zones.push_back(z);
  }
  root["zonesLost"] = std::move(zones);
  ordered_json search;
  search["bisected"] = r.bisected ? ordered_json(plan.vary[*r.bisected].set) : ordered_json(nullptr);
  search["notes"] = r.notes;
  root["search"] = std::move(search);
  ordered_json frontier = ordered_json::array();
  for (const std::size_t i : r.frontier) {
    const CandidateResult& c = r.evaluated[i];
    ordered_json j;
    j["settings"] = settings_json(plan, c);
    j["cost"] = c.cost;
    j["margins"] = margins_json(plan, c);
    j["passed"] = c.passed;
    frontier.push_back(std::move(j));
  }
  root["frontier"] = std::move(frontier);
  ordered_json closest = ordered_json::array();
  for (const std::size_t i : r.closest) {
    const CandidateResult& c = r.evaluated[i];
    ordered_json j;
    j["settings"] = settings_json(plan, c);
    j["cost"] = c.cost;
    j["broke"] = plan.slos[*c.broken_slo].check.text;
    j["value"] = c.broken_value;
    j["seed"] = c.broken_run.seed;
    j["zoneLost"] = c.broken_run.zone_lost.empty() ? ordered_json(nullptr) : ordered_json(c.broken_run.zone_lost);
    j["margins"] = margins_json(plan, c);
    closest.push_back(std::move(j));
  }
  root["closest"] = std::move(closest);
  return reports::json_text(root);
}

std::string plan_csv(const scenarios::PlanFile& plan, const PlanResult& r) {
  std::string out;
  for (const auto& d : plan.vary) out += reports::csv_field(d.set) + ",";
  out += "cost";
  for (const auto& slo : plan.slos) {
    out += ',';
    out += reports::csv_field(slo.check.text);
  }
  out += ",passed,runs\n";
  for (const CandidateResult& c : r.evaluated) {
    for (std::size_t d = 0; d < plan.vary.size(); ++d) {
      out += reports::csv_field(value_text(plan.vary[d].values[c.choice[d]])) + ",";
    }
    out += reports::format_double(c.cost);
    for (const double v : c.worst_value) {
      out += ',';
      out += reports::format_double(v);
    }
    out += c.passed ? ",true," : ",false,";
    out += std::to_string(c.runs) + "\n";
  }
  return out;
}

std::string plan_table(const scenarios::PlanFile& plan, const PlanResult& r) {
  // Columns: the settings (the last segment of each path names them), cost, each SLO's worst value.
  std::vector<std::string> header;
  for (const auto& d : plan.vary) {
    // The last segment names the column ("count") unless another dimension ends the same way.
    const bool shared = std::count_if(plan.vary.begin(), plan.vary.end(), [&](const scenarios::PlanDimension& e) {
                          return e.path.back() == d.path.back();
                        }) > 1;
    header.push_back(shared ? d.set : d.path.back());
  }
  header.push_back("cost");
  for (const auto& slo : plan.slos) header.push_back(slo.check.path);
  header.push_back("runs");
  header.push_back("");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < r.evaluated.size(); ++i) {
    const CandidateResult& c = r.evaluated[i];
    std::vector<std::string> row;
    for (std::size_t d = 0; d < plan.vary.size(); ++d) row.push_back(value_text(plan.vary[d].values[c.choice[d]]));
    row.push_back(dollars(c.cost));
    for (const double v : c.worst_value) row.push_back(reports::format_double(v));
    row.push_back(std::to_string(c.runs));
    row.push_back(r.best && *r.best == i ? "best"
                  : c.passed            ? "pass"
                                        : "fails " + plan.slos[*c.broken_slo].check.text);
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (std::size_t k = 0; k < header.size(); ++k) width[k] = header[k].size();
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], row[k].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out = " ";
    for (std::size_t k = 0; k < cells.size(); ++k) {
      out += " " + cells[k];
      if (k + 1 < cells.size()) out += std::string(width[k] - cells[k].size(), ' ') + " ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  out += "\n  " + std::to_string(r.evaluated.size()) + " of " + std::to_string(r.grid_size) + " candidates, " +
         std::to_string(r.runs) + " runs (brute force: " + std::to_string(r.brute_force_runs()) + ")\n";
  for (const auto& note : r.notes) out += "  note: " + note + "\n";
  if (r.best) {
    const CandidateResult& b = r.evaluated[*r.best];
    out += "  best: " + settings_line(plan, b) + " at " + dollars(b.cost) + " per run, meeting every SLO on " +
           std::to_string(b.runs) + (b.runs == 1 ? " run\n" : " runs\n");
  } else {
    out += "  no candidate meets every SLO\n";
  }
  return out;
}

std::string plan_closest_text(const scenarios::PlanFile& plan, const PlanResult& r) {
  std::string out;
  for (const std::size_t i : r.closest) {
    const CandidateResult& c = r.evaluated[i];
    out += "  " + settings_line(plan, c) + " broke " + plan.slos[*c.broken_slo].check.text + " (value " +
           reports::format_double(c.broken_value) + ", " + run_text(c.broken_run) + ")\n";
  }
  return out;
}

std::string plan_html(const scenarios::PlanFile& plan, const PlanResult& r, const std::string& scenario_name) {
  using reports::xml_escape;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>ecsim plan: " +
      xml_escape(scenario_name) +
      "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
      "table{font-size:0.85em}th{background:#f4f4f4;vertical-align:bottom}tr.best td{font-weight:bold;background:#eef8ee}tr.fail td{color:#a33}td:last-child{text-align:left;white-space:nowrap}"
      "svg{width:100%;height:auto}</style>\n</head>\n<body>\n";
  out += "<h1>ecsim plan: " + xml_escape(scenario_name) + "</h1>\n";
  if (r.best) {
    const CandidateResult& b = r.evaluated[*r.best];
    out += "<p>Cheapest candidate meeting every SLO on every run: <b>" + xml_escape(settings_line(plan, b)) + "</b>, " +
           dollars(b.cost) + " per run (mean of " + std::to_string(b.runs) + " runs).</p>\n";
  } else {
    out += "<p><b>No candidate meets every SLO.</b> Closest:</p>\n<pre>" + xml_escape(plan_closest_text(plan, r)) +
           "</pre>\n";
  }
  out += "<p>" + std::to_string(r.evaluated.size()) + " of " + std::to_string(r.grid_size) + " candidates evaluated, " +
         std::to_string(r.runs) + " runs (a brute-force grid: " + std::to_string(r.brute_force_runs()) + ").</p>\n";
  for (const auto& note : r.notes) out += "<p>Note: " + xml_escape(note) + "</p>\n";
  out += "<h2>Cost against each SLO's margin (the frontier)</h2>\n";
  for (std::size_t s = 0; s < plan.slos.size(); ++s) {
    const double first_margin = r.evaluated.empty() ? 0.0 : r.evaluated.front().worst_margin[s];
    const bool flat = std::all_of(r.evaluated.begin(), r.evaluated.end(),
                                  [&](const CandidateResult& c) { return c.worst_margin[s] == first_margin; });
    if (flat) {
      // One x for every candidate: a chart would be a vertical line on its edge.
      out += "<h3>" + xml_escape(plan.slos[s].check.text) + "</h3>\n<p>Every candidate evaluated has the margin " +
             reports::format_double(first_margin) + " on this SLO.</p>\n";
      continue;
    }
    reports::ChartSpec chart;
    chart.title = plan.slos[s].check.text;
    chart.x_label = "margin (>= 0: the SLO holds on every run)";
    chart.y_label = "cost per run ($)";
    chart.y_from_zero = false;
    std::vector<std::pair<double, double>> points;
    for (const std::size_t i : r.frontier) points.emplace_back(r.evaluated[i].worst_margin[s], r.evaluated[i].cost);
    std::stable_sort(points.begin(), points.end());
    reports::ChartSeries frontier;
    frontier.name = "frontier candidates";
    for (const auto& [x, y] : points) {
      frontier.x.push_back(x);
      frontier.y.push_back(y);
    }
    chart.series.push_back(std::move(frontier));
    chart.markers.push_back(reports::ChartMarker{0.0, "bound", reports::MarkerStyle::kEvent});
    out += reports::render_line_chart(chart) + "\n";
  }
  out += "<h2>Candidates evaluated</h2>\n<table>\n<tr>";
  for (const auto& d : plan.vary) out += "<th>" + header_html(d.set) + "</th>";
  out += "<th>cost</th>";
  for (const auto& slo : plan.slos) out += "<th>" + header_html(slo.check.text) + "</th>";
  out += "<th>runs</th><th>result</th></tr>\n";
  for (std::size_t i = 0; i < r.evaluated.size(); ++i) {
    const CandidateResult& c = r.evaluated[i];
    const bool best = r.best && *r.best == i;
    out += best ? "<tr class=\"best\">" : c.passed ? "<tr>" : "<tr class=\"fail\">";
    for (std::size_t d = 0; d < plan.vary.size(); ++d) {
      out += "<td>" + xml_escape(value_text(plan.vary[d].values[c.choice[d]])) + "</td>";
    }
    out += "<td>" + dollars(c.cost) + "</td>";
    for (const double v : c.worst_value) out += "<td>" + reports::format_double(v) + "</td>";
    out += "<td>" + std::to_string(c.runs) + "</td><td>" +
           (best ? std::string("best") : c.passed ? std::string("pass")
                                                  : "fails " + xml_escape(plan.slos[*c.broken_slo].check.text)) +
           "</td></tr>\n";
  }
  out += "</table>\n</body>\n</html>\n";
  return out;
}

void write_plan_outputs(const scenarios::PlanFile& plan, const PlanResult& r, const std::string& scenario_name,
                        const std::filesystem::path& dir) {
  const std::string json = plan_json(plan, r);
  const std::string csv = plan_csv(plan, r);
  const std::string html = plan_html(plan, r, scenario_name);
  // Staged and swapped in whole (reports/output_dir.h), as ecsim run's directory.
  static const std::vector<std::string_view> kNames = {kPlanJsonFile, kPlanCsvFile, kPlanHtmlFile};
  write_output_directory(dir, kNames, [&](const std::filesystem::path& staging) {
    reports::write_file_atomically(staging / kPlanCsvFile, csv);
    reports::write_file_atomically(staging / kPlanHtmlFile, html);
    reports::write_file_atomically(staging / kPlanJsonFile, json);
  });
}

}  // namespace ecsim::tools
