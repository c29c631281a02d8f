// reports/compare.h: intervals from Student's t, paired differences seed by seed.
#include "reports/compare.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/input_error.h"

using ecsim::reports::CompareInput;
using ecsim::reports::CompareRun;
using Json = nlohmann::ordered_json;

namespace {

CompareRun run(double wait, double utilization) {
  CompareRun r;
  r.summary = Json{{"scenario", "s"}, {"wait", {{"mean", wait}}}, {"utilization", {{"cpu", {{"mean", utilization}}}}},
                   {"engine", {{"events", 10}}}, {"strategy", "x"}};
  r.time = {0, 60};
  r.pending = {0, 1};
  r.running = r.instances = r.cpu_reserved_pct = r.memory_reserved_pct = {1, 2};
  return r;
}

const ecsim::reports::CompareMetric& metric(const ecsim::reports::CompareResult& r, const std::string& path) {
  for (const auto& m : r.metrics) {
    if (m.path == path) return m;
  }
  FAIL("no metric " << path);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("compare: the 95 % interval of a mean is Student's t over n - 1 degrees of freedom", "[reports][compare]") {
  // t(0.975, 9) = 2.262157: ten values with sd 1 give mean +- 0.7153.
  const auto ci = ecsim::reports::t_interval(5.0, 1.0, 10, 0.95);
  REQUIRE(ci.defined);
  CHECK(ci.hi - 5.0 == Approx(2.262157 / std::sqrt(10.0)).epsilon(1e-6));
  CHECK(5.0 - ci.lo == Approx(ci.hi - 5.0));
  // t(0.975, 1) = 12.7062: two values.
  CHECK(ecsim::reports::t_interval(0.0, 1.0, 2, 0.95).hi == Approx(12.7062 / std::sqrt(2.0)).epsilon(1e-5));
  CHECK_FALSE(ecsim::reports::t_interval(1.0, 0.0, 1, 0.95).defined);
  const auto exact = ecsim::reports::t_interval(3.0, 0.0, 5, 0.95);
  CHECK((exact.defined && exact.lo == 3.0 && exact.hi == 3.0));
}

TEST_CASE("compare: a small difference paired seed by seed is significant where the seeds' spread hides it", "[reports][compare]") {
  // Waits that vary a lot from seed to seed; B is A + 1 on every seed (common random numbers).
  CompareInput in;
  in.scenario = "s";
  in.strategies = {"A", "B"};
  in.seeds = {1, 2, 3, 4, 5};
  const std::vector<double> waits = {10, 50, 30, 80, 20};
  in.runs.resize(2);
  for (const double w : waits) {
    in.runs[0].push_back(run(w, 0.5));
    in.runs[1].push_back(run(w + 1.0, 0.5));
  }
  const auto r = ecsim::reports::compare_runs(in);
  const auto& wait = metric(r, "wait.mean");
  CHECK(wait.stats[0].mean == 38.0);
  CHECK(wait.stats[1].mean == 39.0);
  // The strategies' intervals overlap almost entirely...
  CHECK(wait.ci[1].lo < wait.ci[0].hi);
  // ...but the paired difference is exactly 1 on every seed.
  CHECK(wait.paired[1].mean == 1.0);
  CHECK(wait.paired[1].stddev == 0.0);
  CHECK(wait.paired[1].significant);
  CHECK_FALSE(metric(r, "utilization.cpu.mean").paired[1].significant);
  // The headline holds the default metrics present, not engine.events.
  std::vector<std::string> headline;
  for (const auto k : r.headline) headline.push_back(r.metrics[k].path);
  CHECK(headline == std::vector<std::string>{"wait.mean", "utilization.cpu.mean"});
  const Json j = Json::parse(ecsim::reports::compare_json(in, r));
  CHECK(j["strategies"] == Json::array({"A", "B"}));
  CHECK(j["metrics"]["wait.mean"]["B"]["n"] == 5);
  CHECK(j["paired"]["wait.mean"]["B"]["meanDiff"] == 1.0);
  CHECK(j["paired"]["wait.mean"]["B"]["significant"] == true);
  CHECK(j["paired"]["wait.mean"]["B"]["better"] == false);
  CHECK(j["paired"]["wait.mean"]["B"]["ci95"] == Json::array({1.0, 1.0}));
  const std::string csv = ecsim::reports::compare_csv(in, r);
  CHECK(csv.find("wait.mean,B,5,39,") != std::string::npos);
  const std::string table = ecsim::reports::compare_table(in, r);
  CHECK(table.find("significant, worse") != std::string::npos);
}

TEST_CASE("compare: --metric picks the table's metrics, and a path no run has is refused with a did-you-mean", "[reports][compare]") {
  CompareInput in;
  in.scenario = "s";
  in.strategies = {"A"};
  in.seeds = {1};
  in.runs = {{run(1, 0.5)}};
  const auto r = ecsim::reports::compare_runs(in, {"engine.events"});
  REQUIRE(r.headline.size() == 1);
  CHECK(r.metrics[r.headline[0]].path == "engine.events");
  CHECK_THROWS_WITH(ecsim::reports::compare_runs(in, {"wait.maen"}), Catch::Contains("did you mean \"wait.mean\""));
}
