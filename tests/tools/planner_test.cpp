#include "tools/planner.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "../reports/xml_check.h"
#include "run_ecsim.h"
#include "tools/plan_report.h"

namespace ecsim::tools {
namespace {

namespace fs = std::filesystem;
using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;

const fs::path kSource = ECSIM_SOURCE_DIR;
const std::string kExample = (kSource / "scenarios/examples/plan-web-api-etl.json").string();
const std::string kExamplePlan = (kSource / "scenarios/examples/plan-web-api-etl.plan.json").string();

// The cheapest candidate meeting every SLO on every run, ties by grid order: what the planner
// must find, computed here from a brute-force evaluation of the whole grid.
std::optional<std::size_t> cheapest_passing(const PlanResult& grid) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < grid.evaluated.size(); ++i) {
    if (grid.evaluated[i].passed && (!best || grid.evaluated[i].cost < grid.evaluated[*best].cost)) best = i;
  }
  return best;
}

TEST_CASE("planner: the search finds the cheapest passing candidate of the brute-force grid in fewer runs", "[plan]") {
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_file(kExamplePlan);
  REQUIRE(plan.vary.size() >= 2);
  REQUIRE(plan.vary[0].values.size() >= 3);  // at least 3 instance types
  REQUIRE(plan.survive_loss_of_any_zone);
  PlanOptions brute;
  brute.brute_force = true;
  const PlanResult grid = run_plan(source, plan, brute);
  REQUIRE(grid.evaluated.size() == grid.grid_size);
  REQUIRE(grid.runs == grid.brute_force_runs());
  REQUIRE(grid.runs_per_candidate == plan.seeds * 3);  // every seed with each of the three zones lost
  const auto want = cheapest_passing(grid);
  REQUIRE(want);
  // The example is only worth its name if the answer is not simply the first or the largest.
  CHECK(grid.evaluated[*want].choice[1] + 1 < plan.vary[1].values.size());

  const PlanResult search = run_plan(source, plan);
  REQUIRE(search.best);
  const CandidateResult& got = search.evaluated[*search.best];
  CHECK(got.choice == grid.evaluated[*want].choice);
  CHECK(got.cost == grid.evaluated[*want].cost);
  CHECK(got.worst_value == grid.evaluated[*want].worst_value);
  CHECK(search.notes.empty());
  // Runs spent: the search against the grid (the README quotes them).
  INFO("search runs " << search.runs << ", brute force " << grid.runs);
  CHECK(search.runs * 3 < grid.runs);
  CHECK(search.evaluated.size() < grid.evaluated.size());
  // What the search says of a candidate is what the grid says of it.
  for (const CandidateResult& c : search.evaluated) {
    const CandidateResult& g = grid.evaluated[c.index];
    REQUIRE(g.choice == c.choice);
    CHECK(g.passed == c.passed);
    if (c.passed) CHECK(g.cost == c.cost);
  }
}

TEST_CASE("planner: every output is byte-identical whatever the number of workers", "[plan]") {
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_file(kExamplePlan);
  PlanOptions one;
  one.jobs = 1;
  PlanOptions three;
  three.jobs = 3;
  const PlanResult a = run_plan(source, plan, one);
  const PlanResult b = run_plan(source, plan, three);
  CHECK(plan_json(plan, a) == plan_json(plan, b));
  CHECK(plan_csv(plan, a) == plan_csv(plan, b));
  CHECK(plan_html(plan, a, "x") == plan_html(plan, b, "x"));
  CHECK(plan_table(plan, a) == plan_table(plan, b));
}

TEST_CASE("planner: a line that is not monotone in the count is scanned whole, and says so", "[plan]") {
  // Passing exactly at 5, 7, 8 and 9 instances: the bisection lands on 5, whose neighbour 6
  // fails, so the planner scans every count of the line.
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_text(R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "range": [2, 9]}],
    "slos": ["instances.launched >= 5", "instances.launched != 6"]})",
                                              "p.json");
  const PlanResult r = run_plan(source, plan);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] ==
        "not monotone in cluster.instanceGroups.fleet.count (the only line): cluster.instanceGroups.fleet.count=5 "
        "passes but cluster.instanceGroups.fleet.count=6 fails; scanned every value of the line");
  CHECK(r.evaluated.size() == 8);
  REQUIRE(r.best);
  CHECK(plan.vary[0].values[r.evaluated[*r.best].choice[0]] == 5);
  CHECK(nlohmann::json::parse(plan_json(plan, r))["search"]["notes"].size() == 1);
}

TEST_CASE("planner: plan.html is well-formed, escapes every name and charts each SLO's frontier", "[plan]") {
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_text(R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "range": [3, 6]}],
    "slos": ["instances.launched >= 1", "cost.total < 1e6"]})",
                                              "p.json");
  const PlanResult r = run_plan(source, plan);
  const std::string html = plan_html(plan, r, "shop <&> \"test\"");
  CHECK(ecsim::testing::xml_problem(html).empty());
  CHECK(html.find("shop &lt;&amp;&gt; &quot;test&quot;") != std::string::npos);
  CHECK(html.find("shop <&>") == std::string::npos);
  CHECK(html.find("cost.total &lt; 1e6") != std::string::npos);
  std::size_t charts = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  CHECK(charts == plan.slos.size());  // both SLOs' margins vary between candidates
  // An SLO whose margin is the same for every candidate gets a sentence, not a chart.
  const auto flat = scenarios::load_plan_text(R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "range": [10, 16]}],
    "slos": ["jobs.etl.wait.p99 <= 600", "services.web.belowDesiredSeconds == 0"]})",
                                              "p.json");
  const std::string flat_html = plan_html(flat, run_plan(source, flat), "x");
  CHECK(flat_html.find("Every candidate evaluated has the margin 0 on this SLO.") != std::string::npos);
  CHECK(ecsim::testing::xml_problem(flat_html).empty());
  CHECK(plan_csv(plan, r).find("\"cluster.instanceGroups.fleet.count\"") == std::string::npos);  // quoted only when needed
}

TEST_CASE("planner: the terminal table names columns by their last segment unless two share it", "[plan]") {
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_text(R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [4]},
             {"set": "services.web.desiredCount", "values": [2]},
             {"set": "services.api.desiredCount", "values": [2]}],
    "slos": ["cost.total > 0"]})",
                                              "p.json");
  const std::string table = plan_table(plan, run_plan(source, plan));
  CHECK(table.rfind("  count  services.web.desiredCount  services.api.desiredCount  cost", 0) == 0);
  CHECK(table.find("1 of 1 candidates, 1 runs (brute force: 1)") != std::string::npos);
  CHECK(table.find("meeting every SLO on 1 run\n") != std::string::npos);
}

TEST_CASE("planner: a candidate stops at its first run that breaks an SLO", "[plan]") {
  const auto source = scenarios::read_scenario_source(kExample);
  const auto plan = scenarios::load_plan_text(R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.instanceType", "values": ["m5.large", "m5.xlarge"]}],
    "slos": ["cost.total < 0.01"], "seeds": 3, "surviveLossOf": "anyOneZone"})",
                                              "p.json");
  const PlanResult r = run_plan(source, plan);
  REQUIRE(r.evaluated.size() == 2);
  for (const auto& c : r.evaluated) {
    CHECK(c.runs == 1);
    CHECK_FALSE(c.passed);
    REQUIRE(c.broken_slo == std::optional<std::size_t>(0));
    CHECK(c.broken_run.seed == 7);  // the scenario's seed, first
    CHECK(c.broken_run.zone_lost == "us-east-1a");
  }
  CHECK(r.runs == 2);
  CHECK(r.brute_force_runs() == 2 * 9);
  CHECK_FALSE(r.best);
  CHECK(r.closest.size() == 2);
  CHECK(r.evaluated[r.closest[0]].cost < r.evaluated[r.closest[1]].cost);  // m5.large breaks it by less
}

TEST_CASE("ecsim plan: a candidate's figures are those ecsim run gives with the same seed and --set", "[plan][tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "p.json") << R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.instanceType", "values": ["m5.large", "m5.xlarge"]},
             {"set": "cluster.instanceGroups.fleet.count", "range": [3, 6]}],
    "slos": ["jobs.etl.wait.p99 <= 600"], "seeds": 1})";
  const auto plan = run_ecsim({"plan", kExample, "p.json", "-o", "out", "--jobs", "2"}, dir.path());
  INFO(plan.err);
  REQUIRE(plan.status <= 3);
  const std::string csv = read_file(dir.path() / "out" / "plan.csv");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  CHECK(line == "cluster.instanceGroups.fleet.instanceType,cluster.instanceGroups.fleet.count,cost,jobs.etl.wait.p99 <= "
                "600,passed,runs");
  int compared = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) f.push_back(cell);
    REQUIRE(f.size() == 6);
    const std::string out = "run" + std::to_string(compared);
    const auto run = run_ecsim({"run", kExample, "-o", out, "--quiet", "--no-html", "--seed", "7", "--set",
                                "cluster.instanceGroups.fleet.instanceType=" + f[0], "--set",
                                "cluster.instanceGroups.fleet.count=" + f[1]},
                               dir.path());
    REQUIRE(run.status == 0);
    const auto summary = nlohmann::json::parse(read_file(dir.path() / out / "summary.json"));
    CHECK(std::stod(f[2]) == summary["cost"]["total"].get<double>());
    CHECK(std::stod(f[3]) == summary["jobs"]["etl"]["wait"]["p99"].get<double>());
    ++compared;
  }
  CHECK(compared >= 2);
}

TEST_CASE("ecsim plan: exit 3 without a passing candidate names the closest and the SLO each broke", "[plan][tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "p.json") << R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [3, 4]}],
    "slos": ["jobs.etl.wait.p99 <= 600", "cost.total < 0.001"]})";
  const auto r = run_ecsim({"plan", kExample, "p.json", "-o", "out"}, dir.path());
  CHECK(r.status == 3);
  CHECK(r.err.find("ecsim plan: no candidate meets every SLO; the closest:\n  cluster.instanceGroups.fleet.count=") == 0);
  CHECK(r.err.find(" broke ") != std::string::npos);
  const auto json = nlohmann::json::parse(read_file(dir.path() / "out" / "plan.json"));
  CHECK(json["best"].is_null());
  CHECK(json["closest"].size() == 2);
  CHECK(json["closest"][0].contains("broke"));
  CHECK(json["closest"][0]["seed"] == 7);
  CHECK(fs::exists(dir.path() / "out" / "plan.html"));
}

TEST_CASE("ecsim plan: --set applies to every candidate before its own settings", "[plan][tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "p.json") << R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [4]}], "slos": ["cost.total > 0"]})";
  // The plan's count wins over the command line's, the command line's type applies.
  const auto r = run_ecsim({"plan", kExample, "p.json", "-o", "out", "--set", "cluster.instanceGroups.fleet.count=9",
                            "--set", "cluster.instanceGroups.fleet.instanceType=c5.large"},
                           dir.path());
  REQUIRE(r.status == 0);
  const auto run = run_ecsim({"run", kExample, "-o", "run", "--quiet", "--no-html", "--set",
                              "cluster.instanceGroups.fleet.count=4", "--set",
                              "cluster.instanceGroups.fleet.instanceType=c5.large"},
                             dir.path());
  REQUIRE(run.status == 0);
  const auto plan = nlohmann::json::parse(read_file(dir.path() / "out" / "plan.json"));
  const auto summary = nlohmann::json::parse(read_file(dir.path() / "run" / "summary.json"));
  CHECK(plan["best"]["cost"] == summary["cost"]["total"]);
  const auto bad = run_ecsim({"plan", kExample, "p.json", "-o", "bad", "--set", "cluster.instanceGroups.fleet.market=x"},
                             dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err.find(kExample + ": /cluster/instanceGroups/0/market (set by --set cluster.instanceGroups.fleet.market=x)") ==
        0);
}

TEST_CASE("ecsim plan: a bad plan or a --set path the scenario lacks is exit 2 and writes nothing", "[plan][tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "bad.json") << R"({"vary": [], "slos": ["a < 1"]})";
  const auto bad = run_ecsim({"plan", kExample, "bad.json", "-o", "out"}, dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err == "bad.json: /vary: expected a non-empty list of dimensions to vary, got []\n");
  std::ofstream(dir.path() / "typo.json") << R"({"vary": [{"set": "cluster.instanceGroups.flet.count", "range": [1, 2]}],
    "slos": ["cost.total < 1"]})";
  const auto typo = run_ecsim({"plan", kExample, "typo.json", "-o", "out"}, dir.path());
  CHECK(typo.status == 2);
  CHECK(typo.err.find("--set cluster.instanceGroups.flet.count=1: /cluster/instanceGroups: expected a known element "
                      "name (name, serviceName or family) (did you mean \"fleet\"?") == 0);
  std::ofstream(dir.path() / "slo.json") << R"({"vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [3]}],
    "slos": ["jobs.etl.wiat.p99 < 1"]})";
  const auto slo = run_ecsim({"plan", kExample, "slo.json", "-o", "out"}, dir.path());
  CHECK(slo.status == 2);
  CHECK(slo.err.find("slo.json: /slos/0: expected a path of this run's summary.json (did you mean "
                     "\"jobs.etl.wait.p99\"?") == 0);
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("ecsim plan: --check and the scenario's own checks join the plan's SLOs", "[plan][tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "p.json") << R"({
    "vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [3, 4]}],
    "slos": ["jobs.etl.wait.p99 <= 100000"]})";
  const auto loose = run_ecsim({"plan", kExample, "p.json", "-o", "loose", "--quiet"}, dir.path());
  REQUIRE(loose.status == 0);
  // The same plan with a check no candidate meets, from the command line, then from the scenario.
  const auto strict = run_ecsim({"plan", kExample, "p.json", "-o", "strict", "--check", "cost.total < 0.001"}, dir.path());
  CHECK(strict.status == 3);
  CHECK(strict.err.find("cost.total < 0.001") != std::string::npos);
  const auto scenario_check =
      run_ecsim({"plan", kExample, "p.json", "-o", "scenario", "--set", "checks=[\"cost.total < 0.001\"]"}, dir.path());
  CHECK(scenario_check.status == 3);
  const auto json = nlohmann::json::parse(read_file(dir.path() / "scenario" / "plan.json"));
  CHECK(json["best"].is_null());
  const auto bad = run_ecsim({"plan", kExample, "p.json", "-o", "bad", "--check", "cost.totl < 1"}, dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err.find("did you mean \"cost.total\"") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "bad"));
}

}  // namespace
}  // namespace ecsim::tools
