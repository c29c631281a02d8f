#include "reports/compare.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <map>

#include "reports/csv.h"
#include "reports/format.h"
#include "reports/svg_chart.h"
#include "sim/input_error.h"

namespace ecsim::reports {
namespace {

using Json = nlohmann::ordered_json;

// Equal up to rounding (a sum taken in another order): not a difference.
constexpr double kRounding = 1e-9;

double number(const Json& v) { return v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>(); }

std::string short_number(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string signed_number(double v) {
  std::string out(v > 0 ? "+" : "");
  return out.append(short_number(v));
}

Json interval_json(const Interval& ci) {
  if (!ci.defined) return Json(nullptr);
  return Json::array({ci.lo, ci.hi});
}

bool is_headline_default(const std::string& shape) {
  static const std::vector<std::string> kShapes = {"wait.mean", "wait.p99", "tasks.failedToPlace", "utilization.cpu.mean",
                                                   "utilization.memory.mean", "cost.total", "jobs.*.wait.p99",
                                                   "services.*.belowDesiredSeconds"};
  return std::find(kShapes.begin(), kShapes.end(), shape) != kShapes.end();
}

std::string direction_words(Direction d) {
  switch (d) {
    case Direction::kLowerIsBetter: return "lower is better";
    case Direction::kHigherIsBetter: return "higher is better";
    case Direction::kNeutral: return "neither way is better";
  }
  return "";
}

// "better" / "worse" for a significant paired difference, by the metric's direction.
std::string judgement(const CompareMetric& m, const PairedDifference& d) {
  if (!d.significant) return "not significant";
  if (m.direction == Direction::kNeutral) return "significant";
  const bool up = d.mean > 0;
  return (up == (m.direction == Direction::kHigherIsBetter)) ? "significant, better" : "significant, worse";
}

}  // namespace

Interval t_interval(double mean, double stddev, std::size_t n, double confidence) {
  Interval ci;
  if (n < 2) return ci;
  ci.defined = true;
  if (!(stddev > 0)) {
    ci.lo = ci.hi = mean;
    return ci;
  }
  const boost::math::students_t dist(static_cast<double>(n - 1));
  const double t = boost::math::quantile(boost::math::complement(dist, (1.0 - confidence) / 2.0));
  const double half = t * stddev / std::sqrt(static_cast<double>(n));
  ci.lo = mean - half;
  ci.hi = mean + half;
  return ci;
}

CompareResult compare_runs(const CompareInput& input, const std::vector<std::string>& headline_paths) {
  CompareResult result;
  const std::size_t strategies = input.strategies.size();
  const std::size_t seeds = input.seeds.size();
  // The metrics: numeric leaves of the first run that every run has, in its order.
  std::vector<SummaryLeaf> first = summary_leaves(input.runs[0][0].summary);
  std::vector<std::string> paths, shapes;
  std::map<std::string, std::size_t> column;
  for (const auto& leaf : first) {
    if (!(leaf.value->is_number() || leaf.value->is_boolean())) continue;
    column[leaf.path] = paths.size();
    paths.push_back(leaf.path);
    shapes.push_back(leaf.shape);
  }
  // Runs x metrics per strategy; NaN where a run lacks the metric (then it is dropped).
  std::vector<Eigen::MatrixXd> values(strategies, Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(seeds),
                                                                            static_cast<Eigen::Index>(paths.size()), NAN));
  for (std::size_t s = 0; s < strategies; ++s) {
    for (std::size_t r = 0; r < seeds; ++r) {
      for (const auto& leaf : summary_leaves(input.runs[s][r].summary)) {
        const auto it = column.find(leaf.path);
        if (it == column.end() || !(leaf.value->is_number() || leaf.value->is_boolean())) continue;
        values[s](static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(it->second)) = number(*leaf.value);
      }
    }
  }
  const double confidence = result.confidence;
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const auto col = static_cast<Eigen::Index>(k);
    bool complete = true;
    for (std::size_t s = 0; s < strategies; ++s) complete = complete && !values[s].col(col).hasNaN();
    if (!complete) continue;
    CompareMetric m;
    m.path = paths[k];
    m.direction = metric_direction(shapes[k]);
    for (std::size_t s = 0; s < strategies; ++s) {
      const SampleStats st = column_stats(values[s], col);
      m.stats.push_back(st);
      m.ci.push_back(t_interval(st.mean, st.stddev, st.n, confidence));
    }
    // Paired differences against the first strategy, seed by seed.
    m.paired.emplace_back();
    for (std::size_t s = 1; s < strategies; ++s) {
      const Eigen::VectorXd d = values[s].col(col) - values[0].col(col);
      PairedDifference p;
      p.n = seeds;
      p.mean = d.mean();
      if (seeds > 1) p.stddev = std::sqrt((d.array() - p.mean).square().sum() / static_cast<double>(seeds - 1));
      const double scale = std::max(std::fabs(m.stats[0].mean), std::fabs(m.stats[s].mean));
      if (p.stddev <= kRounding * scale) p.stddev = 0;
      if (std::fabs(p.mean) <= kRounding * scale && p.stddev == 0) p.mean = 0;
      p.ci = t_interval(p.mean, p.stddev, p.n, confidence);
      p.significant = p.ci.defined ? (p.ci.lo > 0 || p.ci.hi < 0) : false;
      m.paired.push_back(p);
    }
    result.metrics.push_back(std::move(m));
  }
  // The headline: the user's paths, else the default shapes present.
  if (!headline_paths.empty()) {
    for (const auto& want : headline_paths) {
      const auto it = std::find_if(result.metrics.begin(), result.metrics.end(), [&](const CompareMetric& m) { return m.path == want; });
      if (it == result.metrics.end()) {
        std::vector<std::string> names;
        for (const auto& m : result.metrics) names.push_back(m.path);
        const std::string guess = sim::closest_spelling(want, names.data(), names.size());
        throw sim::InputError("--metric", "", "a numeric summary.json path of every run",
                              "\"" + want + "\"" + (guess.empty() ? std::string() : " (did you mean \"" + guess + "\"?)"));
      }
      result.headline.push_back(static_cast<std::size_t>(it - result.metrics.begin()));
    }
  } else {
    std::map<std::string, std::string> shape_of;
    for (std::size_t k = 0; k < paths.size(); ++k) shape_of[paths[k]] = shapes[k];
    for (std::size_t k = 0; k < result.metrics.size(); ++k) {
      if (is_headline_default(shape_of[result.metrics[k].path])) result.headline.push_back(k);
    }
  }
  return result;
}

std::string compare_json(const CompareInput& input, const CompareResult& result) {
  Json j = Json::object();
  j["scenario"] = input.scenario;
  j["strategies"] = input.strategies;
  j["seeds"] = input.seeds;
  j["confidence"] = result.confidence;
  j["interval"] = "Student's t over the seeds; paired differences against the first strategy, seed by seed";
  Json metrics = Json::object();
  Json paired = Json::object();
  for (const auto& m : result.metrics) {
    Json per = Json::object();
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      Json o = Json::object();
      o["mean"] = m.stats[s].mean;
      o["stddev"] = m.stats[s].stddev;
      o["ci95"] = interval_json(m.ci[s]);
      o["n"] = m.stats[s].n;
      per[input.strategies[s]] = std::move(o);
    }
    metrics[m.path] = std::move(per);
    if (input.strategies.size() > 1) {
      Json diffs = Json::object();
      for (std::size_t s = 1; s < input.strategies.size(); ++s) {
        Json o = Json::object();
        o["meanDiff"] = m.paired[s].mean;
        o["ci95"] = interval_json(m.paired[s].ci);
        o["significant"] = m.paired[s].significant;
        if (m.direction != Direction::kNeutral) {
          o["better"] = m.paired[s].significant && ((m.paired[s].mean > 0) == (m.direction == Direction::kHigherIsBetter));
        }
        diffs[input.strategies[s]] = std::move(o);
      }
      paired[m.path] = std::move(diffs);
    }
  }
  j["metrics"] = std::move(metrics);
  j["paired"] = std::move(paired);
  Json directions = Json::object();
  for (const auto& m : result.metrics) directions[m.path] = direction_name(m.direction);
  j["directions"] = std::move(directions);
  return j.dump(2) + "\n";
}

std::string compare_csv(const CompareInput& input, const CompareResult& result) {
  std::string out = "metric,strategy,n,mean,stddev,ci95Low,ci95High,meanDiff,diffCi95Low,diffCi95High,significant\n";
  const auto field = [](const std::string& text) { return csv_field(text); };
  for (const auto& m : result.metrics) {
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      out += field(m.path) + "," + field(input.strategies[s]) + "," + std::to_string(m.stats[s].n) + "," +
             format_double(m.stats[s].mean) + "," + format_double(m.stats[s].stddev) + ",";
      out += m.ci[s].defined ? format_double(m.ci[s].lo) + "," + format_double(m.ci[s].hi) : std::string(",");
      if (s == 0) {
        out += ",,,,\n";
        continue;
      }
      const PairedDifference& p = m.paired[s];
      out.append(",").append(format_double(p.mean)).append(",");
      out += p.ci.defined ? format_double(p.ci.lo) + "," + format_double(p.ci.hi) : std::string(",");
      out += std::string(",") + (p.significant ? "true" : "false") + "\n";
    }
  }
  return out;
}

std::string compare_table(const CompareInput& input, const CompareResult& result) {
  std::size_t name_width = 0;
  for (const auto& s : input.strategies) name_width = std::max(name_width, s.size());
  name_width = std::min<std::size_t>(name_width, 40);
  std::string out = "ecsim compare: " + input.scenario + ", " + std::to_string(input.strategies.size()) + " strategies x " +
                    std::to_string(input.seeds.size()) + " seeds (" + std::to_string(input.seeds.front()) + ".." +
                    std::to_string(input.seeds.back()) + "), same arrivals and runtimes for every strategy\n";
  out += "  mean [95 % interval over the seeds]; against " + input.strategies[0] +
         ": the paired difference [95 % interval], significant when it excludes 0\n";
  for (const std::size_t k : result.headline) {
    const CompareMetric& m = result.metrics[k];
    out += "\n  " + m.path + " (" + direction_words(m.direction) + ")\n";
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      std::string name = input.strategies[s].substr(0, name_width);
      name.append(name_width - name.size(), ' ');
      std::string line = "    " + name + "  " + short_number(m.stats[s].mean);
      if (m.ci[s].defined) line += " [" + short_number(m.ci[s].lo) + ", " + short_number(m.ci[s].hi) + "]";
      if (s > 0) {
        const PairedDifference& p = m.paired[s];
        line.append(std::max<std::size_t>(line.size() < 4 + name_width + 36 ? 4 + name_width + 36 - line.size() : 1, 1), ' ');
        line += signed_number(p.mean);
        if (p.ci.defined) line += " [" + signed_number(p.ci.lo) + ", " + signed_number(p.ci.hi) + "]";
        line += "  " + judgement(m, p);
      }
      out += line + "\n";
    }
  }
  return out;
}

std::string compare_html(const CompareInput& input, const CompareResult& result) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>ecsim compare: " +
      xml_escape(input.scenario) +
      "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
      "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
      "th{background:#f4f4f4}td:first-child{text-align:left}td.better{background:#eef8ee}td.worse{background:#fbeaea}"
      "svg{width:100%;height:auto}.pair{display:flex;gap:1em}.pair svg{width:50%}</style>\n</head>\n<body>\n";
  out += "<h1>ecsim compare: " + xml_escape(input.scenario) + "</h1>\n";
  out += "<p>" + std::to_string(input.strategies.size()) + " strategies, each on seeds " + std::to_string(input.seeds.front()) +
         " to " + std::to_string(input.seeds.back()) + " (" + std::to_string(input.seeds.size()) +
         " runs each) with common random numbers: every strategy saw the same arrivals and runtimes. Intervals: 95 %, "
         "Student's t over the seeds; differences are paired seed by seed against <b>" +
         xml_escape(input.strategies[0]) + "</b>.</p>\n";
  // Each headline metric: the strategies' intervals, then the paired differences.
  out += "<h2>Headline metrics</h2>\n";
  for (const std::size_t k : result.headline) {
    const CompareMetric& m = result.metrics[k];
    IntervalChartSpec chart;
    chart.title = m.path + " (" + direction_words(m.direction) + ")";
    chart.x_label = "mean and 95 % interval";
    chart.width = 700;
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      chart.rows.push_back({input.strategies[s], m.stats[s].mean, m.ci[s].lo, m.ci[s].hi, m.ci[s].defined, static_cast<int>(s)});
    }
    out += "<div class=\"pair\">\n" + render_interval_chart(chart);
    if (input.strategies.size() > 1) {
      IntervalChartSpec diff;
      diff.title = "difference against " + input.strategies[0];
    diff.width = 700;
      diff.x_label = "paired difference, 95 % interval";
      diff.has_reference = true;
      diff.reference_label = "no difference";
      for (std::size_t s = 1; s < input.strategies.size(); ++s) {
        const PairedDifference& p = m.paired[s];
        diff.rows.push_back(
            {input.strategies[s] + " - " + input.strategies[0], p.mean, p.ci.lo, p.ci.hi, p.ci.defined, static_cast<int>(s)});
      }
      out += render_interval_chart(diff);
    }
    out += "</div>\n";
  }
  // Time series, mean over the seeds, one line per strategy.
  struct SeriesDef {
    const char* title;
    const char* y_label;
    std::vector<double> CompareRun::*member;
    double y_max;
  };
  const SeriesDef defs[] = {{"Tasks waiting to be placed (mean over seeds)", "tasks", &CompareRun::pending, 0},
                            {"Tasks running (mean over seeds)", "tasks", &CompareRun::running, 0},
                            {"CPU reserved (mean over seeds)", "CPU reserved (%)", &CompareRun::cpu_reserved_pct, 100},
                            {"Memory reserved (mean over seeds)", "memory reserved (%)", &CompareRun::memory_reserved_pct, 100},
                            {"Instances (mean over seeds)", "instances", &CompareRun::instances, 0}};
  out += "<h2>Over time</h2>\n";
  for (const auto& def : defs) {
    ChartSpec chart;
    chart.title = def.title;
    chart.x_label = "time";
    chart.y_label = def.y_label;
    chart.x_kind = AxisKind::kTimeSeconds;
    chart.y_max = def.y_max;
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      const auto& runs = input.runs[s];
      std::size_t samples = runs[0].time.size();
      for (const auto& r : runs) samples = std::min(samples, (r.*def.member).size());
      Eigen::MatrixXd m(static_cast<Eigen::Index>(runs.size()), static_cast<Eigen::Index>(samples));
      for (std::size_t r = 0; r < runs.size(); ++r) {
        for (std::size_t i = 0; i < samples; ++i) m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(i)) = (runs[r].*def.member)[i];
      }
      const Eigen::RowVectorXd mean = m.colwise().mean();
      ChartSeries series;
      series.name = input.strategies[s];
      series.x.assign(runs[0].time.begin(), runs[0].time.begin() + static_cast<std::ptrdiff_t>(samples));
      series.y.assign(mean.data(), mean.data() + mean.size());
      chart.series.push_back(std::move(series));
    }
    out += render_line_chart(chart);
  }
  // Every metric.
  out += "<h2>Every metric</h2>\n<table>\n<tr><th>metric</th>";
  for (std::size_t s = 0; s < input.strategies.size(); ++s) {
    out += "<th>" + xml_escape(input.strategies[s]) + "</th>";
    if (s > 0) out += "<th>difference</th>";
  }
  out += "</tr>\n";
  for (const auto& m : result.metrics) {
    out += "<tr><td>" + xml_escape(m.path) + "</td>";
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      std::string cell = short_number(m.stats[s].mean);
      if (m.ci[s].defined) cell += " [" + short_number(m.ci[s].lo) + ", " + short_number(m.ci[s].hi) + "]";
      out += "<td>" + xml_escape(cell) + "</td>";
      if (s == 0) continue;
      const PairedDifference& p = m.paired[s];
      std::string d = signed_number(p.mean);
      if (p.ci.defined) d += " [" + signed_number(p.ci.lo) + ", " + signed_number(p.ci.hi) + "]";
      const std::string j = judgement(m, p);
      const char* cls = j == "significant, better" ? " class=\"better\"" : (j == "significant, worse" ? " class=\"worse\"" : "");
      out += std::string("<td") + cls + ">" + xml_escape(d) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n</body>\n</html>\n";
  return out;
}

}  // namespace ecsim::reports
