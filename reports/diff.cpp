#include "reports/diff.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "reports/format.h"
#include "sim/input_error.h"

namespace ecsim::reports {
namespace {

// The objects of summary.json whose keys a user named (or that name reasons, codes, markets):
// their keys are "*" in a metric's shape.
constexpr std::array<std::string_view, 12> kNamedMaps = {
    "services", "jobs", "capacityProviders", "cost.bySource", "cost.byMarket", "placementFailures", "tasks.stopped",
    "utilization.cpu.byAvailabilityZone", "utilization.cpu.byInstanceType", "utilization.memory.byAvailabilityZone",
    "utilization.memory.byInstanceType", "trace"};

constexpr std::array<std::string_view, 24> kLowerIsBetter = {
    "tasks.failedToPlace", "tasks.pendingAtEnd", "services.*.failedToPlace", "services.*.pendingAtEnd",
    "jobs.*.failedToPlace", "jobs.*.pendingAtEnd", "cost.total", "cost.perTaskHour", "cost.perMonth",
    "cost.byMarket.*", "cost.bySource.*", "cost.unallocated", "services.*.belowDesiredSeconds",
    "services.*.replacements", "services.*.throttledLaunches", "services.*.recovery.spells",
    "services.*.recovery.meanSeconds", "services.*.recovery.maxSeconds", "services.*.recovery.unrecoveredAtEnd",
    "services.*.load.overloadedSeconds", "services.*.load.unservedFraction", "services.*.load.unservedRequests",
    "services.*.deployments.#.failedTasks", "capacityProviders.*.failedLaunches"};

constexpr std::array<std::string_view, 10> kHigherIsBetter = {
    "tasks.completed", "services.*.minHealthy",
    "services.*.running.min", "services.*.running.mean", "utilization.cpu.mean", "utilization.cpu.p95",
    "utilization.cpu.max", "utilization.memory.mean", "utilization.memory.p95", "utilization.memory.max"};

constexpr double kRoundingTolerance = 1e-9;

void flatten(const nlohmann::ordered_json& node, const std::string& path, const std::string& shape,
             std::vector<SummaryLeaf>& out) {
  const auto child = [](const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; };
  if (node.is_object()) {
    const bool named = std::find(kNamedMaps.begin(), kNamedMaps.end(), shape) != kNamedMaps.end();
    for (const auto& item : node.items()) {
      if (shape.empty() && item.key() == "seed") continue;  // which run, not how it went (diff.json lists the seeds)
      flatten(item.value(), child(path, item.key()), child(shape, named ? "*" : item.key()), out);
    }
  } else if (node.is_array()) {
    for (std::size_t k = 0; k < node.size(); ++k) flatten(node[k], child(path, std::to_string(k)), child(shape, "#"), out);
  } else {
    out.push_back({path, shape, &node});
  }
}

bool is_number(const nlohmann::ordered_json& v) { return v.is_number() || v.is_boolean(); }
double number(const nlohmann::ordered_json& v) { return v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>(); }

// '*' matches any run of characters.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The runs of a side, by metric: each path's values in run order, for the paths every run has.
struct SideMetrics {
  std::vector<std::string> order;  // paths in the first run's order
  std::map<std::string, std::string> shape;
  std::map<std::string, std::vector<const nlohmann::ordered_json*>> values;
};

SideMetrics collect(const DiffSide& side) {
  SideMetrics m;
  std::map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < side.runs.size(); ++r) {
    const std::vector<SummaryLeaf> leaves = summary_leaves(side.runs[r]);
    for (const auto& leaf : leaves) {
      auto& v = m.values[leaf.path];
      if (v.size() != r) continue;  // missing from an earlier run: dropped below
      if (r == 0) {
        m.order.push_back(leaf.path);
        m.shape[leaf.path] = leaf.shape;
      }
      v.push_back(leaf.value);
    }
  }
  // Only what every run has (a service present in some seeds only is not comparable).
  std::erase_if(m.order, [&](const std::string& p) { return m.values[p].size() != side.runs.size(); });
  return m;
}

std::string scenario_of(const nlohmann::ordered_json& summary) {
  const auto it = summary.find("scenario");
  return it != summary.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void check_one_scenario(const DiffSide& side) {
  for (std::size_t r = 1; r < side.runs.size(); ++r) {
    if (scenario_of(side.runs[r]) != scenario_of(side.runs[0])) {
      throw sim::InputError(side.run_dirs[r] + "/summary.json", "/scenario",
                            "the scenario of the other runs in " + side.label + " (\"" + scenario_of(side.runs[0]) + "\", " +
                                side.run_dirs[0] + ")",
                            "\"" + scenario_of(side.runs[r]) + "\"");
    }
  }
}

// The same values on both sides, in any order (runs of unchanged behaviour, however many), up to
// `rounding`.
bool same_values(const std::vector<const nlohmann::ordered_json*>& a, const std::vector<const nlohmann::ordered_json*>& b, double rounding) {
  if (a.size() != b.size()) return false;
  std::vector<double> x, y;
  for (const auto* v : a) x.push_back(number(*v));
  for (const auto* v : b) y.push_back(number(*v));
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (std::fabs(x[k] - y[k]) > rounding) return false;
  }
  return true;
}

SampleStats stats_of(const std::vector<const nlohmann::ordered_json*>& values) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(values.size()), 1);
  for (std::size_t r = 0; r < values.size(); ++r) m(static_cast<Eigen::Index>(r), 0) = number(*values[r]);
  return column_stats(m, 0);
}

// Rank of a verdict in the table: what needs attention first.
int verdict_rank(Verdict v) {
  switch (v) {
    case Verdict::kWorse: return 0;
    case Verdict::kWithinTolerance: return 1;
    case Verdict::kNotSignificant: return 2;
    case Verdict::kBetter: return 3;
    case Verdict::kChanged: return 4;
    case Verdict::kRemoved: return 5;
    case Verdict::kAdded: return 6;
    case Verdict::kSame: return 7;
  }
  return 7;
}

std::string number_text(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string side_text(const MetricDiff& m, bool old_side) {
  const SampleStats& s = old_side ? m.old_stats : m.new_stats;
  if (!m.numeric) {
    const nlohmann::ordered_json& v = old_side ? m.old_value : m.new_value;
    const bool present = old_side ? m.verdict != Verdict::kAdded : m.verdict != Verdict::kRemoved;
    if (!present) return "-";
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (s.n == 0) return "-";
  if (s.n == 1) return number_text(s.mean);
  return number_text(s.mean) + " ±" + number_text(s.stddev);
}

std::string change_text(const MetricDiff& m) {
  if (!m.numeric || m.old_stats.n == 0 || m.new_stats.n == 0) return "";
  const double change = m.new_stats.mean - m.old_stats.mean;
  std::string out(change > 0 ? "+" : "");
  out.append(number_text(change));
  if (m.old_stats.mean != 0.0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%+.1f%%)", 100.0 * change / std::fabs(m.old_stats.mean));
    out += buf;
  }
  return out;
}

nlohmann::ordered_json stats_json(const SampleStats& s) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["n"] = s.n;
  j["mean"] = s.mean;
  j["stddev"] = s.stddev;
  return j;
}

nlohmann::ordered_json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); }

}  // namespace

std::vector<SummaryLeaf> summary_leaves(const nlohmann::ordered_json& summary) {
  std::vector<SummaryLeaf> out;
  flatten(summary, "", "", out);
  return out;
}

Direction metric_direction(std::string_view shape) {
  if (std::find(kLowerIsBetter.begin(), kLowerIsBetter.end(), shape) != kLowerIsBetter.end()) return Direction::kLowerIsBetter;
  if (std::find(kHigherIsBetter.begin(), kHigherIsBetter.end(), shape) != kHigherIsBetter.end()) return Direction::kHigherIsBetter;
  // Waits and start latencies, overall and per service or job; placement failures by reason.
  for (const std::string_view prefix : {"wait.", "startLatency.", "placementFailures.", "services.*.wait.", "jobs.*.wait."}) {
    if (shape.starts_with(prefix)) return Direction::kLowerIsBetter;
  }
  return Direction::kNeutral;
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kLowerIsBetter: return "lowerIsBetter";
    case Direction::kHigherIsBetter: return "higherIsBetter";
    case Direction::kNeutral: return "neutral";
  }
  return "neutral";
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kSame: return "same";
    case Verdict::kWorse: return "worse";
    case Verdict::kWithinTolerance: return "withinTolerance";
    case Verdict::kBetter: return "better";
    case Verdict::kChanged: return "changed";
    case Verdict::kNotSignificant: return "notSignificant";
    case Verdict::kAdded: return "added";
    case Verdict::kRemoved: return "removed";
  }
  return "same";
}

Tolerance parse_tolerance(const std::string& text, const std::string& option) {
  const std::string expected = "PATH=PERCENT% or PATH=AMOUNT, such as jobs.etl.wait.p99=5% or cost.total=0.5";
  const std::size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) throw sim::InputError(option, "", expected, "\"" + text + "\"");
  Tolerance t;
  t.text = text;
  t.pattern = text.substr(0, eq);
  std::string amount = text.substr(eq + 1);
  if (amount.back() == '%') {
    t.relative = true;
    amount.pop_back();
  }
  const char* end = amount.data() + amount.size();
  const auto [p, ec] = std::from_chars(amount.data(), end, t.amount);
  if (amount.empty() || ec != std::errc() || p != end || !std::isfinite(t.amount) || t.amount < 0) {
    throw sim::InputError(option, "", expected + " (a non-negative amount)", "\"" + text + "\"");
  }
  if (t.relative) t.amount /= 100.0;
  return t;
}

bool tolerance_matches(const Tolerance& t, std::string_view path) {
  if (glob_match(t.pattern, path)) return true;
  // A pattern covers everything under it.
  for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    if (glob_match(t.pattern, path.substr(0, dot))) return true;
  }
  return false;
}

std::size_t DiffResult::count(Verdict v) const {
  return static_cast<std::size_t>(std::count_if(metrics.begin(), metrics.end(), [v](const MetricDiff& m) { return m.verdict == v; }));
}

namespace {

// One group of runs against the other side's group of the same name. Marks the tolerances used
// and adds the metric names to `known` (for a did-you-mean).
void diff_group(const DiffSide& before, const DiffSide& after, DiffResult& result, std::vector<bool>& tolerance_used,
                std::vector<std::string>& known, const std::string& prefix) {
  check_one_scenario(before);
  check_one_scenario(after);
  const double level = result.level;
  const SideMetrics a = collect(before);
  const SideMetrics b = collect(after);
  known.insert(known.end(), a.order.begin(), a.order.end());
  known.insert(known.end(), b.order.begin(), b.order.end());

  std::vector<std::string> paths = a.order;
  for (const auto& p : b.order) {
    if (!a.values.contains(p) || a.values.at(p).size() != before.runs.size()) paths.push_back(p);
  }
  for (const auto& path : paths) {
    MetricDiff m;
    m.path = prefix + path;
    const bool in_a = std::find(a.order.begin(), a.order.end(), path) != a.order.end();
    const bool in_b = b.values.contains(path) && b.values.at(path).size() == after.runs.size();
    const std::string& shape = in_a ? a.shape.at(path) : b.shape.at(path);
    m.direction = metric_direction(shape);
    const auto* va = in_a ? &a.values.at(path) : nullptr;
    const auto* vb = in_b ? &b.values.at(path) : nullptr;
    m.numeric = (va == nullptr || std::all_of(va->begin(), va->end(), [](const auto* v) { return is_number(*v); })) &&
                (vb == nullptr || std::all_of(vb->begin(), vb->end(), [](const auto* v) { return is_number(*v); }));
    // The tolerance: the longest matching pattern, the last among equals.
    std::size_t best_length = 0;
    for (std::size_t k = 0; k < result.tolerances.size(); ++k) {
      if (!tolerance_matches(result.tolerances[k], path)) continue;
      tolerance_used[k] = true;
      if (m.tolerance < 0 || result.tolerances[k].pattern.size() >= best_length) {
        m.tolerance = static_cast<int>(k);
        best_length = result.tolerances[k].pattern.size();
      }
    }
    if (!in_a || !in_b) {
      m.verdict = in_a ? Verdict::kRemoved : Verdict::kAdded;
      if (m.numeric) {
        if (va) m.old_stats = stats_of(*va);
        if (vb) m.new_stats = stats_of(*vb);
      } else {
        if (va) m.old_value = *(*va)[0];
        if (vb) m.new_value = *(*vb)[0];
      }
      result.metrics.push_back(std::move(m));
      continue;
    }
    if (!m.numeric) {
      // Names and states: the same in every run on both sides, or changed.
      m.old_value = *(*va)[0];
      m.new_value = *(*vb)[0];
      for (const auto* v : *va) m.varies = m.varies || *v != m.old_value;
      for (const auto* v : *vb) m.varies = m.varies || *v != m.new_value;
      m.verdict = !m.varies && m.old_value == m.new_value ? Verdict::kSame : Verdict::kChanged;
      result.metrics.push_back(std::move(m));
      continue;
    }
    m.old_stats = stats_of(*va);
    m.new_stats = stats_of(*vb);
    if (m.tolerance >= 0) {
      const Tolerance& t = result.tolerances[static_cast<std::size_t>(m.tolerance)];
      m.allowed = t.relative ? t.amount * std::fabs(m.old_stats.mean) : t.amount;
    }
    // Equal up to rounding (1e-9 of the larger magnitude): a sum taken in another order is not a
    // change of behaviour.
    const double scale = std::max(std::fabs(m.old_stats.mean), std::fabs(m.new_stats.mean));
    const double rounding = kRoundingTolerance * scale;
    const bool identical = same_values(*va, *vb, rounding);
    if (identical) {
      m.verdict = Verdict::kSame;
      result.metrics.push_back(std::move(m));
      continue;
    }
    if (m.direction == Direction::kNeutral) {
      const WelchResult w = welch_test(m.old_stats, m.new_stats, 0.0);
      m.test = w;
      m.p_value = std::min(1.0, 2.0 * std::min(w.p_above, w.p_below));
      m.verdict = m.p_value < level ? Verdict::kChanged : Verdict::kNotSignificant;
    } else {
      // "Worse" is up for lower-is-better metrics: test new - old > allowed (or < -allowed).
      const bool up_is_worse = m.direction == Direction::kLowerIsBetter;
      const double margin = m.allowed + rounding;
      const WelchResult worse = welch_test(m.old_stats, m.new_stats, up_is_worse ? margin : -margin);
      const WelchResult moved = welch_test(m.old_stats, m.new_stats, 0.0);
      m.test = worse;
      const double p_worse = up_is_worse ? worse.p_above : worse.p_below;
      const double p_better = up_is_worse ? moved.p_below : moved.p_above;
      const double p_moved_wrong = up_is_worse ? moved.p_above : moved.p_below;
      if (p_worse < level) {
        m.verdict = Verdict::kWorse;
        m.p_value = p_worse;
      } else if (p_better < level) {
        m.verdict = Verdict::kBetter;
        m.p_value = p_better;
      } else if (p_moved_wrong < level) {
        m.verdict = Verdict::kWithinTolerance;
        m.p_value = p_worse;  // how close it came to "worse"
      } else {
        m.verdict = Verdict::kNotSignificant;
        m.p_value = std::min(p_worse, p_better);
      }
    }
    result.metrics.push_back(std::move(m));
  }
}

// The runs of a side by group (their directory), in first-seen order.
std::vector<std::pair<std::string, DiffSide>> groups_of(const DiffSide& side) {
  std::vector<std::pair<std::string, DiffSide>> out;
  for (std::size_t r = 0; r < side.runs.size(); ++r) {
    const std::string key = r < side.run_groups.size() ? side.run_groups[r] : std::string();
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == key; });
    if (it == out.end()) {
      DiffSide g;
      g.label = key.empty() ? side.label : side.label + "/" + key;
      out.emplace_back(key, std::move(g));
      it = std::prev(out.end());
    }
    it->second.run_dirs.push_back(side.run_dirs[r]);
    it->second.runs.push_back(side.runs[r]);
  }
  return out;
}

}  // namespace

DiffResult diff_runs(const DiffSide& before, const DiffSide& after, std::vector<Tolerance> tolerances, double level) {
  DiffResult result;
  result.level = level;
  result.tolerances = std::move(tolerances);
  std::vector<bool> tolerance_used(result.tolerances.size(), false);
  std::vector<std::string> known;
  const auto a = groups_of(before);
  const auto b = groups_of(after);
  if (a.size() == 1 && b.size() == 1) {
    result.statistical = before.runs.size() > 1 || after.runs.size() > 1;
    diff_group(before, after, result, tolerance_used, known, "");
  } else {
    // Directories of several groups (a compare directory's strategies): group against group of the
    // same name, each metric prefixed with it.
    for (const auto& group : a) result.statistical = result.statistical || group.second.runs.size() > 1;
    for (const auto& group : b) result.statistical = result.statistical || group.second.runs.size() > 1;
    // A group on one side only: one entry saying so.
    const auto only_on_one_side = [&](const std::string& key, std::size_t runs, Verdict verdict) {
      MetricDiff m;
      m.path = key;
      m.numeric = false;
      (verdict == Verdict::kRemoved ? m.old_value : m.new_value) = std::to_string(runs) + " runs";
      m.verdict = verdict;
      result.metrics.push_back(std::move(m));
    };
    for (const auto& group : a) {
      const std::string& key = group.first;
      const auto match = std::find_if(b.begin(), b.end(), [&](const auto& g) { return g.first == key; });
      if (match == b.end()) {
        only_on_one_side(key, group.second.runs.size(), Verdict::kRemoved);
      } else {
        diff_group(group.second, match->second, result, tolerance_used, known, key + ": ");
      }
    }
    for (const auto& group : b) {
      const std::string& key = group.first;
      if (std::find_if(a.begin(), a.end(), [&](const auto& g) { return g.first == key; }) != a.end()) continue;
      only_on_one_side(key, group.second.runs.size(), Verdict::kAdded);
    }
  }
  for (std::size_t k = 0; k < result.tolerances.size(); ++k) {
    if (tolerance_used[k]) continue;
    const std::string guess = sim::closest_spelling(result.tolerances[k].pattern, known.data(), known.size());
    throw sim::InputError("--tolerance", "", "a summary.json path of the runs compared",
                          "\"" + result.tolerances[k].pattern + "\", which names no metric" +
                              (guess.empty() ? std::string() : " (did you mean \"" + guess + "\"?)"));
  }
  return result;
}

std::string diff_table(const DiffResult& result, const DiffSide& before, const DiffSide& after, bool all) {
  std::vector<const MetricDiff*> rows;
  for (const auto& m : result.metrics) {
    if (all || m.verdict != Verdict::kSame) rows.push_back(&m);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const MetricDiff* x, const MetricDiff* y) { return verdict_rank(x->verdict) < verdict_rank(y->verdict); });
  std::string out;
  const auto runs = [](const DiffSide& s) { return s.runs.size() == 1 ? std::string("1 run") : std::to_string(s.runs.size()) + " runs"; };
  out += "ecsim diff: " + before.label + " (" + runs(before) + ") -> " + after.label + " (" + runs(after) + ")";
  if (result.statistical) {
    out += "; Welch's t-test, one-sided, at level " + number_text(result.level);
  }
  out += "\n";
  if (!rows.empty()) {
    std::vector<std::array<std::string, 6>> cells;
    cells.push_back({"metric", "old", "new", "change", "tolerance", "verdict"});
    for (const MetricDiff* m : rows) {
      std::string tolerance;
      if (m->tolerance >= 0) tolerance = result.tolerances[static_cast<std::size_t>(m->tolerance)].text.substr(
                                 result.tolerances[static_cast<std::size_t>(m->tolerance)].pattern.size() + 1);
      std::string verdict(verdict_name(m->verdict));
      if (m->test && result.statistical) verdict += " (p=" + number_text(m->p_value) + ")";
      cells.push_back({m->path, side_text(*m, true), side_text(*m, false), change_text(*m), tolerance, verdict});
    }
    std::array<std::size_t, 6> width{};
    for (const auto& row : cells) {
      for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    const bool tolerances = !result.tolerances.empty();
    for (const auto& row : cells) {
      std::string line = " ";
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c == 4 && !tolerances) continue;  // no tolerance given: no column for it
        line += ' ';
        line += row[c];
        if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 1, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  const std::size_t worse = result.count(Verdict::kWorse);
  out += "  " + std::to_string(result.metrics.size()) + " metrics: " + std::to_string(worse) + " worse, " +
         std::to_string(result.count(Verdict::kBetter)) + " better, " + std::to_string(result.count(Verdict::kWithinTolerance)) +
         " within tolerance, " + std::to_string(result.count(Verdict::kChanged)) + " changed, ";
  if (result.statistical) out += std::to_string(result.count(Verdict::kNotSignificant)) + " not significant, ";
  out += std::to_string(result.count(Verdict::kAdded)) + " added, " + std::to_string(result.count(Verdict::kRemoved)) +
         " removed, " + std::to_string(result.count(Verdict::kSame)) + " the same\n";
  return out;
}

std::string diff_json(const DiffResult& result, const DiffSide& before, const DiffSide& after) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  const auto side = [](const DiffSide& s) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    o["dir"] = s.label;
    o["runs"] = s.run_dirs;
    o["scenario"] = scenario_of(s.runs.front());
    nlohmann::ordered_json seeds = nlohmann::ordered_json::array();
    for (const auto& r : s.runs) seeds.push_back(r.contains("seed") ? r["seed"] : nlohmann::ordered_json(nullptr));
    o["seeds"] = seeds;
    return o;
  };
  j["old"] = side(before);
  j["new"] = side(after);
  j["statistical"] = result.statistical;
  if (result.statistical) {
    j["test"] = "Welch's t-test, one-sided";
    j["level"] = result.level;
  }
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const Verdict v : {Verdict::kWorse, Verdict::kBetter, Verdict::kWithinTolerance, Verdict::kChanged,
                          Verdict::kNotSignificant, Verdict::kAdded, Verdict::kRemoved, Verdict::kSame}) {
    counts[std::string(verdict_name(v))] = result.count(v);
  }
  j["counts"] = counts;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
  for (const auto& m : result.metrics) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    o["path"] = m.path;
    o["direction"] = direction_name(m.direction);
    o["verdict"] = verdict_name(m.verdict);
    if (m.numeric) {
      if (m.old_stats.n > 0) o["old"] = stats_json(m.old_stats);
      if (m.new_stats.n > 0) o["new"] = stats_json(m.new_stats);
      if (m.old_stats.n > 0 && m.new_stats.n > 0) {
        o["change"] = m.new_stats.mean - m.old_stats.mean;
        o["relativeChange"] = m.old_stats.mean != 0.0
                                  ? nlohmann::ordered_json((m.new_stats.mean - m.old_stats.mean) / std::fabs(m.old_stats.mean))
                                  : nlohmann::ordered_json(nullptr);
      }
    } else {
      if (m.verdict != Verdict::kAdded) o["old"] = m.old_value;
      if (m.verdict != Verdict::kRemoved) o["new"] = m.new_value;
      if (m.varies) o["variesBetweenRuns"] = true;
    }
    if (m.tolerance >= 0) {
      o["tolerance"] = result.tolerances[static_cast<std::size_t>(m.tolerance)].text;
      o["allowed"] = m.allowed;
    }
    if (m.test && result.statistical) {
      o["t"] = finite_or_null(m.test->t);
      o["df"] = m.test->df;
      o["pValue"] = m.p_value;
    }
    metrics.push_back(std::move(o));
  }
  j["metrics"] = std::move(metrics);
  return j.dump(2) + "\n";
}

}  // namespace ecsim::reports
