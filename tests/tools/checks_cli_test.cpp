// `ecsim run --check` and a scenario's "checks"; `--set` on the commands that take a scenario.
#include <catch2/catch.hpp>
#include <fstream>

#include <nlohmann/json.hpp>

#include "run_ecsim.h"

namespace {

namespace fs = std::filesystem;
using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;

const fs::path kSource = ECSIM_SOURCE_DIR;
const std::string kExample = (kSource / "scenarios/examples/plan-web-api-etl.json").string();

TEST_CASE("ecsim run --check: every output is written, then exit 3 when a check does not hold", "[checks][tools]") {
  TempDir dir;
  const auto r = run_ecsim({"run", kExample, "-o", "out", "--quiet", "--check", "jobs.etl.wait.p99 <= 1e9", "--check",
                            "cost.total < 0.01"},
                           dir.path());
  CHECK(r.status == 3);
  CHECK(r.err.find("ecsim: check failed: cost.total < 0.01 (cost.total = ") == 0);
  for (const char* f : {"summary.json", "tasks.csv", "report.html", "checks.json", "checks.xml"}) {
    CHECK(fs::exists(dir.path() / "out" / f));
  }
  const auto checks = nlohmann::json::parse(read_file(dir.path() / "out" / "checks.json"));
  REQUIRE(checks["checks"].size() == 2);
  CHECK(checks["checks"][0]["passed"] == true);
  CHECK(checks["checks"][1]["passed"] == false);
  const auto summary = nlohmann::json::parse(read_file(dir.path() / "out" / "summary.json"));
  CHECK(checks["checks"][1]["value"] == summary["cost"]["total"]);
  CHECK(read_file(dir.path() / "out" / "checks.xml").find("failures=\"1\"") != std::string::npos);

  const auto ok = run_ecsim({"run", kExample, "-o", "ok", "--quiet", "--check", "cost.total > 0"}, dir.path());
  CHECK(ok.status == 0);
  const auto none = run_ecsim({"run", kExample, "-o", "none", "--quiet"}, dir.path());
  CHECK(none.status == 0);
  CHECK_FALSE(fs::exists(dir.path() / "none" / "checks.json"));  // only when there are checks
  // A run without checks into a directory with an earlier run's verdict removes it.
  REQUIRE(run_ecsim({"run", kExample, "-o", "out", "--quiet"}, dir.path()).status == 0);
  CHECK_FALSE(fs::exists(dir.path() / "out" / "checks.json"));
  CHECK_FALSE(fs::exists(dir.path() / "out" / "checks.xml"));
}

TEST_CASE("ecsim run --check: a bad expression or an absent path is exit 2 and writes nothing", "[checks][tools]") {
  TempDir dir;
  const auto syntax = run_ecsim({"run", kExample, "-o", "out", "--check", "cost.total =< 3"}, dir.path());
  CHECK(syntax.status == 2);
  CHECK(syntax.err == "--check: /: column 12: expected an operator (<, <=, ==, !=, >=, >), got \"=\"\n");
  const auto absent = run_ecsim({"run", kExample, "-o", "out", "--check", "services.wbe.belowDesiredSeconds == 0"},
                                dir.path());
  CHECK(absent.status == 2);
  CHECK(absent.err.find("--check: /: expected a path of this run's summary.json (did you mean "
                        "\"services.web.belowDesiredSeconds\"?") == 0);
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("ecsim run: a scenario's checks run after the command line's and name the file and pointer", "[checks][tools]") {
  TempDir dir;
  auto scenario = nlohmann::json::parse(read_file(kExample), nullptr, true, true);
  scenario["checks"] = {"services.web.belowDesiredSeconds == 0", "cost.total < 0.01"};
  std::ofstream(dir.path() / "s.json") << scenario.dump();
  const auto r = run_ecsim({"run", "s.json", "-o", "out", "--quiet", "--check", "cost.total > 0"}, dir.path());
  CHECK(r.status == 3);
  const auto checks = nlohmann::json::parse(read_file(dir.path() / "out" / "checks.json"));
  REQUIRE(checks["checks"].size() == 3);
  CHECK(checks["checks"][0]["expression"] == "cost.total > 0");
  CHECK(checks["checks"][2]["expression"] == "cost.total < 0.01");
  scenario["checks"] = {"services.web.belowDesiredSecs == 0"};
  std::ofstream(dir.path() / "t.json") << scenario.dump();
  const auto bad = run_ecsim({"run", "t.json", "-o", "bad", "--quiet"}, dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err.find("t.json: /checks/0: expected a path of this run's summary.json (did you mean "
                     "\"services.web.belowDesiredSeconds\"?") == 0);
}

TEST_CASE("ecsim --set: run, validate and graph take overrides, errors name them", "[overrides][tools]") {
  TempDir dir;
  const auto v = run_ecsim({"validate", kExample, "--set", "cluster.instanceGroups.fleet.count=5"}, dir.path());
  CHECK(v.status == 0);
  CHECK(v.out.find("(5 instances,") != std::string::npos);
  const auto bad = run_ecsim({"validate", kExample, "--set", "cluster.instanceGroups.fleet.instanceType=m5.larg"},
                             dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err.find(kExample + ": /cluster/instanceGroups/0/instanceType (set by --set "
                                "cluster.instanceGroups.fleet.instanceType=m5.larg): expected an instance type of the EC2 catalog or of instanceTypes (did you mean \"m5.large\"?), got \"m5.larg\"") == 0);
  const auto g = run_ecsim({"graph", kExample, "-o", "g.dot", "--set", "services.web.desiredCount=2"}, dir.path());
  CHECK(g.status == 0);
  const auto run = run_ecsim({"run", kExample, "-o", "o", "--quiet", "--no-html", "--set",
                              "cluster.instanceGroups.fleet.count=4", "--set", "jobs.etl.arrival.ratePerHour=1"},
                             dir.path());
  REQUIRE(run.status == 0);
  const auto summary = nlohmann::json::parse(read_file(dir.path() / "o" / "summary.json"));
  CHECK(summary["instances"]["launched"] == 4);
}

}  // namespace
