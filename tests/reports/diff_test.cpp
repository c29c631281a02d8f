// reports/diff.h: metrics compared by direction and tolerance, exactly for single runs and with
// Welch's t-test for several.
#include "reports/diff.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/input_error.h"

using ecsim::reports::DiffSide;
using ecsim::reports::Direction;
using ecsim::reports::metric_direction;
using ecsim::reports::Tolerance;
using ecsim::reports::Verdict;
using json = nlohmann::ordered_json;

namespace {

json summary(double wait_p99, double utilization, double cost, int seed = 1) {
  return json{{"scenario", "s"},
              {"seed", seed},
              {"strategy", "binpack(cpu)"},
              {"wait", {{"p99", wait_p99}}},
              {"utilization", {{"cpu", {{"mean", utilization}}}}},
              {"cost", {{"total", cost}}},
              {"engine", {{"events", 100}}},
              {"jobs", {{"etl", {{"wait", {{"p99", wait_p99}}}, {"submitted", 10}}}}}};
}

DiffSide side(std::vector<json> runs, const std::string& label = "dir") {
  DiffSide s;
  s.label = label;
  for (std::size_t k = 0; k < runs.size(); ++k) s.run_dirs.push_back(label + "/run" + std::to_string(k));
  s.runs = std::move(runs);
  return s;
}

const ecsim::reports::MetricDiff& metric(const ecsim::reports::DiffResult& r, const std::string& path) {
  for (const auto& m : r.metrics) {
    if (m.path == path) return m;
  }
  FAIL("no metric " << path);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("diff: each metric's worse direction: waits, failures and cost up, utilisation down", "[reports][diff]") {
  CHECK(metric_direction("wait.p99") == Direction::kLowerIsBetter);
  CHECK(metric_direction("jobs.*.wait.p99") == Direction::kLowerIsBetter);
  CHECK(metric_direction("services.*.wait.mean") == Direction::kLowerIsBetter);
  CHECK(metric_direction("startLatency.mean") == Direction::kLowerIsBetter);
  CHECK(metric_direction("tasks.failedToPlace") == Direction::kLowerIsBetter);
  CHECK(metric_direction("placementFailures.*") == Direction::kLowerIsBetter);
  CHECK(metric_direction("cost.total") == Direction::kLowerIsBetter);
  CHECK(metric_direction("cost.bySource.*") == Direction::kLowerIsBetter);
  CHECK(metric_direction("services.*.belowDesiredSeconds") == Direction::kLowerIsBetter);
  CHECK(metric_direction("utilization.cpu.mean") == Direction::kHigherIsBetter);
  CHECK(metric_direction("utilization.memory.p95") == Direction::kHigherIsBetter);
  CHECK(metric_direction("services.*.minHealthy") == Direction::kHigherIsBetter);
  CHECK(metric_direction("engine.events") == Direction::kNeutral);
  CHECK(metric_direction("tasks.submitted") == Direction::kNeutral);
  CHECK(metric_direction("utilization.cpu.byAvailabilityZone.*.mean") == Direction::kNeutral);
}

TEST_CASE("diff: tolerances read PATH=PCT% and PATH=AMOUNT, cover what is under PATH, and * matches anything", "[reports][diff]") {
  const Tolerance pct = ecsim::reports::parse_tolerance("jobs.etl.wait.p99=5%");
  CHECK(pct.pattern == "jobs.etl.wait.p99");
  CHECK(pct.relative);
  CHECK(pct.amount == Approx(0.05));
  const Tolerance abs = ecsim::reports::parse_tolerance("cost=0.5");
  CHECK_FALSE(abs.relative);
  CHECK(abs.amount == 0.5);
  CHECK(ecsim::reports::tolerance_matches(abs, "cost.total"));
  CHECK(ecsim::reports::tolerance_matches(abs, "cost"));
  CHECK_FALSE(ecsim::reports::tolerance_matches(abs, "costs.total"));
  const Tolerance star = ecsim::reports::parse_tolerance("jobs.*.wait.p99=1%");
  CHECK(ecsim::reports::tolerance_matches(star, "jobs.etl.wait.p99"));
  CHECK(ecsim::reports::tolerance_matches(star, "jobs.my.dotted.name.wait.p99"));
  CHECK_FALSE(ecsim::reports::tolerance_matches(star, "jobs.etl.wait.p90"));
  for (const char* bad : {"cost", "=5%", "cost=", "cost=x%", "cost=-1", "cost=5%%", "cost=nan"}) {
    INFO(bad);
    CHECK_THROWS_AS(ecsim::reports::parse_tolerance(bad), ecsim::sim::InputError);
  }
}

TEST_CASE("diff: two identical runs are the same in every metric", "[reports][diff]") {
  const auto r = ecsim::reports::diff_runs(side({summary(120, 0.6, 900)}), side({summary(120, 0.6, 900)}), {}, 0.05);
  CHECK_FALSE(r.statistical);
  CHECK(r.count(Verdict::kSame) == r.metrics.size());
  CHECK(r.metrics.size() == 8);  // the seed is which run, not a metric
}

TEST_CASE("diff: one worse metric in a pair of runs is found, and its tolerance can let it pass", "[reports][diff]") {
  const DiffSide before = side({summary(120, 0.6, 900)});
  const DiffSide worse_wait = side({summary(126, 0.6, 900)});  // +5 %
  auto r = ecsim::reports::diff_runs(before, worse_wait, {}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kWorse);
  CHECK(metric(r, "jobs.etl.wait.p99").verdict == Verdict::kWorse);
  CHECK(metric(r, "cost.total").verdict == Verdict::kSame);
  CHECK(r.count(Verdict::kWorse) == 2);
  // 5 % of 120 is exactly the move: within; 4 % is not.
  r = ecsim::reports::diff_runs(before, worse_wait, {ecsim::reports::parse_tolerance("wait.p99=5%")}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kWithinTolerance);
  CHECK(metric(r, "jobs.etl.wait.p99").verdict == Verdict::kWorse);
  r = ecsim::reports::diff_runs(before, worse_wait, {ecsim::reports::parse_tolerance("*=4%")}, 0.05);
  CHECK(r.count(Verdict::kWorse) == 2);
  // The longest pattern applies: * loose, the job's own strict.
  r = ecsim::reports::diff_runs(before, worse_wait,
                                {ecsim::reports::parse_tolerance("jobs.etl.wait=0"), ecsim::reports::parse_tolerance("*=10%")}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kWithinTolerance);
  CHECK(metric(r, "jobs.etl.wait.p99").verdict == Verdict::kWorse);
  CHECK(metric(r, "jobs.etl.wait.p99").allowed == 0.0);
}

TEST_CASE("diff: utilisation down is worse and up better, cost down is better, and neutral metrics only change", "[reports][diff]") {
  const DiffSide before = side({summary(120, 0.6, 900)});
  auto r = ecsim::reports::diff_runs(before, side({summary(120, 0.5, 800)}), {}, 0.05);
  CHECK(metric(r, "utilization.cpu.mean").verdict == Verdict::kWorse);
  CHECK(metric(r, "cost.total").verdict == Verdict::kBetter);
  r = ecsim::reports::diff_runs(before, side({summary(120, 0.7, 900)}), {}, 0.05);
  CHECK(metric(r, "utilization.cpu.mean").verdict == Verdict::kBetter);
  json more_events = summary(120, 0.6, 900);
  more_events["engine"]["events"] = 150;
  more_events["strategy"] = "random";
  r = ecsim::reports::diff_runs(before, side({more_events}), {}, 0.05);
  CHECK(metric(r, "engine.events").verdict == Verdict::kChanged);
  CHECK(metric(r, "strategy").verdict == Verdict::kChanged);
  CHECK(r.count(Verdict::kWorse) == 0);
}

TEST_CASE("diff: metrics on one side only are added or removed, never worse", "[reports][diff]") {
  json with_service = summary(120, 0.6, 900);
  with_service["services"] = {{"web", {{"belowDesiredSeconds", 30}}}};
  const auto r = ecsim::reports::diff_runs(side({summary(120, 0.6, 900)}), side({with_service}), {}, 0.05);
  CHECK(metric(r, "services.web.belowDesiredSeconds").verdict == Verdict::kAdded);
  const auto back = ecsim::reports::diff_runs(side({with_service}), side({summary(120, 0.6, 900)}), {}, 0.05);
  CHECK(metric(back, "services.web.belowDesiredSeconds").verdict == Verdict::kRemoved);
  CHECK(back.count(Verdict::kWorse) == 0);
}

TEST_CASE("diff: a difference of rounding (a sum taken in another order) is no difference", "[reports][diff]") {
  const auto r = ecsim::reports::diff_runs(side({summary(120, 0.6, 6.22866)}), side({summary(120, 0.6, 6.22866 + 1.8e-15)}), {}, 0.05);
  CHECK(metric(r, "cost.total").verdict == Verdict::kSame);
}

TEST_CASE("diff: a tolerance naming no metric is refused with a did-you-mean", "[reports][diff]") {
  try {
    ecsim::reports::diff_runs(side({summary(120, 0.6, 900)}), side({summary(120, 0.6, 900)}),
                              {ecsim::reports::parse_tolerance("jobs.etl.wait.p999=5%")}, 0.05);
    FAIL("accepted");
  } catch (const ecsim::sim::InputError& e) {
    CHECK(std::string(e.what()).find("\"jobs.etl.wait.p999\", which names no metric (did you mean \"jobs.etl.wait.p99\"?)") !=
          std::string::npos);
  }
}

TEST_CASE("diff: runs of two scenarios on one side are refused", "[reports][diff]") {
  json other = summary(120, 0.6, 900, 2);
  other["scenario"] = "t";
  CHECK_THROWS_WITH(ecsim::reports::diff_runs(side({summary(120, 0.6, 900), other}), side({summary(120, 0.6, 900)}), {}, 0.05),
                    Catch::Contains("dir/run1/summary.json") && Catch::Contains("\"t\""));
}

TEST_CASE("diff: Welch's t-test reproduces a published example", "[reports][diff]") {
  // Wikipedia, "Welch's t-test", Examples, the first pair of samples: t = 2.46 (b - a),
  // 24.99 degrees of freedom, two-sided p = 0.021.
  const std::vector<double> a = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> b = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  Eigen::MatrixXd ma(15, 1), mb(15, 1);
  for (Eigen::Index k = 0; k < 15; ++k) {
    ma(k, 0) = a[static_cast<std::size_t>(k)];
    mb(k, 0) = b[static_cast<std::size_t>(k)];
  }
  const auto sa = ecsim::reports::column_stats(ma, 0);
  const auto sb = ecsim::reports::column_stats(mb, 0);
  CHECK(sa.mean == Approx(20.82));
  CHECK(sa.stddev == Approx(2.8049).epsilon(1e-4));
  const auto w = ecsim::reports::welch_test(sa, sb, 0.0);
  CHECK(w.t == Approx(2.4554).epsilon(1e-4));
  CHECK(w.df == Approx(24.99).epsilon(1e-3));
  CHECK(2.0 * w.p_above == Approx(0.021).margin(0.0005));
  CHECK(w.p_above + w.p_below == Approx(1.0));
  // A shift moves the hypothesis: b - a > 2.166 is a coin toss.
  CHECK(ecsim::reports::welch_test(sa, sb, sb.mean - sa.mean).p_above == Approx(0.5));
}

TEST_CASE("diff: with several seeds the verdict is Welch's test, not two noisy numbers", "[reports][diff]") {
  // Waits that vary from seed to seed; the new mean is 4 % higher, well inside the noise.
  const std::vector<double> old_waits = {100, 130, 90, 120, 110, 95, 125, 105};
  const std::vector<double> noisy = {104, 135, 94, 125, 114, 99, 130, 109};
  const std::vector<double> much_worse = {150, 180, 140, 170, 160, 145, 175, 155};
  const auto runs = [](const std::vector<double>& waits) {
    std::vector<json> out;
    int seed = 1;
    for (double w : waits) out.push_back(summary(w, 0.6, 900, seed++));
    return out;
  };
  auto r = ecsim::reports::diff_runs(side(runs(old_waits)), side(runs(noisy)), {}, 0.05);
  CHECK(r.statistical);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kNotSignificant);
  CHECK(metric(r, "wait.p99").old_stats.n == 8);
  CHECK(metric(r, "cost.total").verdict == Verdict::kSame);
  r = ecsim::reports::diff_runs(side(runs(old_waits)), side(runs(much_worse)), {}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kWorse);
  CHECK(metric(r, "wait.p99").p_value < 0.001);
  // A tolerance as large as the move makes it not significantly worse than allowed.
  r = ecsim::reports::diff_runs(side(runs(old_waits)), side(runs(much_worse)), {ecsim::reports::parse_tolerance("wait.p99=50%")}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kWithinTolerance);
  r = ecsim::reports::diff_runs(side(runs(much_worse)), side(runs(old_waits)), {}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kBetter);
  // The same values in another order (other seeds, unchanged behaviour): the same.
  std::vector<double> shuffled = old_waits;
  std::reverse(shuffled.begin(), shuffled.end());
  r = ecsim::reports::diff_runs(side(runs(old_waits)), side(runs(shuffled)), {}, 0.05);
  CHECK(metric(r, "wait.p99").verdict == Verdict::kSame);
}

TEST_CASE("diff: diff.json names both sides, the test, the counts and every metric", "[reports][diff]") {
  const DiffSide before = side({summary(120, 0.6, 900, 1), summary(130, 0.6, 900, 2)}, "old");
  const DiffSide after = side({summary(200, 0.6, 900, 1), summary(210, 0.6, 900, 2)}, "new");
  const auto r = ecsim::reports::diff_runs(before, after, {ecsim::reports::parse_tolerance("cost=1%")}, 0.01);
  const json j = json::parse(ecsim::reports::diff_json(r, before, after));
  CHECK(j["old"]["dir"] == "old");
  CHECK(j["old"]["seeds"] == json::array({1, 2}));
  CHECK(j["statistical"] == true);
  CHECK(j["level"] == 0.01);
  CHECK(j["counts"]["worse"] == 2);
  CHECK(j["metrics"].size() == r.metrics.size());
  CHECK(j["metrics"][0]["path"] == "scenario");  // in the summary's order
  CHECK(j["metrics"][1]["path"] == "strategy");
  bool found = false;
  for (const auto& m : j["metrics"]) {
    if (m["path"] != "wait.p99") continue;
    found = true;
    CHECK(m["direction"] == "lowerIsBetter");
    CHECK(m["verdict"] == "worse");
    CHECK(m["old"]["mean"] == 125.0);
    CHECK(m["old"]["n"] == 2);
    CHECK(m["change"] == 80.0);
    CHECK(m["pValue"].get<double>() < 0.01);
  }
  CHECK(found);
  const std::string table = ecsim::reports::diff_table(r, before, after, false);
  CHECK(table.find("wait.p99") != std::string::npos);
  CHECK(table.find("2 worse") != std::string::npos);
}
