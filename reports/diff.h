// `ecsim diff`: two sets of runs compared metric by metric over their summary.json.
//
// Every leaf of summary.json is a metric, named by its dotted path (lists by index). Each metric
// has a direction (metric_direction): waits, latencies, failures, cost and time below desired are
// worse when they go up; utilisation, placed and completed tasks, healthy minimums are worse when
// they go down; the rest (counts of what was submitted, launched, scaled; the engine's figures;
// names) only change. A metric is *worse* when it moved the wrong way beyond its tolerance
// (`--tolerance PATH=5%` relative to the old value, `PATH=2` in the metric's unit; default 0).
//
// When either side holds several runs (seeds), the verdict is statistical: a one-sided Welch's
// t-test of "moved the wrong way by more than the tolerance" at `level` (default 0.05), and of
// "moved the right way" for *better*; a neutral metric is *changed* when a two-sided test rejects
// equal means. A side of one run counts as exact. Two single runs compare exactly (values within
// 1e-9 of each other, relatively, are the same: rounding, not behaviour).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/replication_stats.h"

namespace ecsim::reports {

enum class Direction { kLowerIsBetter, kHigherIsBetter, kNeutral };
// The direction of a metric by its shape: its path with the names a user chose (services, jobs,
// capacity providers, sources, zones, instance types, reasons, stop codes) as "*" and list
// indexes as "#": "services.*.wait.p99", "cost.bySource.*", "utilization.cpu.mean".
Direction metric_direction(std::string_view shape);
std::string_view direction_name(Direction d);  // "lowerIsBetter", "higherIsBetter", "neutral"

// Every leaf of a summary.json (lists by index), in the document's order, with its shape (see
// metric_direction); the top-level "seed" is left out (which run, not how it went).
struct SummaryLeaf {
  std::string path;
  std::string shape;
  const nlohmann::ordered_json* value;
};
std::vector<SummaryLeaf> summary_leaves(const nlohmann::ordered_json& summary);

// `--tolerance PATTERN=AMOUNT`: AMOUNT "5%" (of the old value's magnitude) or "2" (in the
// metric's unit). PATTERN is a dotted path; it covers the metric it names and every metric under
// it (`cost` covers `cost.total`), and `*` matches any run of characters (`jobs.*.wait.p99`). The
// longest matching pattern applies; among equal ones, the last given.
struct Tolerance {
  std::string pattern;
  double amount = 0.0;
  bool relative = false;
  std::string text;  // as given, for messages and diff.json
};
// Throws sim::InputError naming `option` on a malformed text.
Tolerance parse_tolerance(const std::string& text, const std::string& option = "--tolerance");
bool tolerance_matches(const Tolerance& t, std::string_view path);

// The runs of one side: their summary.json documents, and where they came from.
struct DiffSide {
  std::string label;                  // the directory, as given
  std::vector<std::string> run_dirs;  // one per run, in order
  std::vector<nlohmann::ordered_json> runs;   // summary.json of each run
  // Per run, its group: the directory holding the run's directory, relative to the side's ("" for
  // runs side by side, "runs/1-binpack" in a compare directory). When a side has several groups,
  // each is compared with the other side's group of the same name. Empty: one group.
  std::vector<std::string> run_groups;
};

enum class Verdict { kSame, kWorse, kWithinTolerance, kBetter, kChanged, kNotSignificant, kAdded, kRemoved };
std::string_view verdict_name(Verdict v);  // "same", "worse", "withinTolerance", ...

struct MetricDiff {
  std::string path;
  Direction direction = Direction::kNeutral;
  bool numeric = true;
  SampleStats old_stats, new_stats;     // numeric metrics present on that side (n == 0: absent)
  nlohmann::ordered_json old_value, new_value;  // other leaves (strings, null): the first run's value
  bool varies = false;                  // such a leaf differs between the runs of one side
  int tolerance = -1;                   // index into DiffResult::tolerances; -1: none (0)
  double allowed = 0.0;                 // the tolerance in the metric's unit
  std::optional<WelchResult> test;      // numeric metrics on both sides that differ
  double p_value = 1.0;                 // the p-value behind the verdict (statistical mode)
  Verdict verdict = Verdict::kSame;
};

struct DiffResult {
  bool statistical = false;  // either side holds more than one run
  double level = 0.05;
  std::vector<Tolerance> tolerances;
  std::vector<MetricDiff> metrics;  // in the old side's summary order, then metrics only in new
  std::size_t count(Verdict v) const;
};

// Compares `before` with `after` (each with at least one run). Throws sim::InputError when the
// runs of a side are of different scenarios, or a tolerance covers no metric of either side
// (with a did-you-mean).
// REQUIRES: 0 < level < 1.
DiffResult diff_runs(const DiffSide& before, const DiffSide& after, std::vector<Tolerance> tolerances,
                     double level);

// The table for a terminal: the metrics that differ (all with `all`), worst first, then a count.
std::string diff_table(const DiffResult& result, const DiffSide& before, const DiffSide& after, bool all);
// diff.json (the format is in reports/README.md).
std::string diff_json(const DiffResult& result, const DiffSide& before, const DiffSide& after);

}  // namespace ecsim::reports
