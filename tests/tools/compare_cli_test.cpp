// `ecsim compare` as a researcher uses it: the same seeds for every strategy, common random
// numbers, outputs that do not depend on the number of workers, and a directory `diff` reads.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "fragmentation_scenario.h"
#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_scenario(const fs::path& dir) { std::ofstream(dir / "frag.json") << ecsim::testing::kFragmentation; }

// tasks.csv by taskId: {submittedAt, stoppedAt - startedAt} of tasks that ran to completion.
std::map<std::string, std::pair<std::string, double>> arrivals_and_runtimes(const fs::path& tasks_csv) {
  std::istringstream in(read_file(tasks_csv));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::istringstream h(line);
    std::string f;
    while (std::getline(h, f, ',')) header.push_back(f);
  }
  const auto col = [&](const std::string& name) { return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin()); };
  const std::size_t id = col("taskId"), submitted = col("submittedAt"), started = col("startedAt"), stopped = col("stoppedAt"),
                    code = col("stopCode");
  std::map<std::string, std::pair<std::string, double>> out;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream l(line);
    std::string x;
    while (std::getline(l, x, ',')) f.push_back(x);
    f.resize(header.size());
    const bool ran = f[code] == "EssentialContainerExited" && !f[started].empty() && !f[stopped].empty();
    out[f[id]] = {f[submitted], ran ? std::stod(f[stopped]) - std::stod(f[started]) : -1.0};
  }
  return out;
}

}  // namespace

TEST_CASE("compare: every strategy sees the same arrivals and runtimes (common random numbers)", "[tools][compare]") {
  TempDir dir;
  write_scenario(dir.path());
  for (const char* strategy : {"binpack:cpu", "spread:instanceId", "random"}) {
    REQUIRE(run_ecsim({"run", "frag.json", "-o", std::string("out-") + strategy, "--quiet", "--no-html", "--seed", "4",
                       "--strategy", strategy},
                      dir.path())
                .status == 0);
  }
  const auto a = arrivals_and_runtimes(dir.path() / "out-binpack:cpu/tasks.csv");
  REQUIRE(a.size() > 1000);
  for (const char* other : {"out-spread:instanceId", "out-random"}) {
    INFO(other);
    const auto b = arrivals_and_runtimes(dir.path() / other / "tasks.csv");
    REQUIRE(b.size() == a.size());
    std::size_t both_ran = 0;
    for (const auto& [id, v] : a) {
      REQUIRE(b.at(id).first == v.first);  // submitted at the same instant
      if (v.second >= 0 && b.at(id).second >= 0) {
        ++both_ran;
        REQUIRE(b.at(id).second == Approx(v.second).margin(1e-6));  // the same runtime
      }
    }
    CHECK(both_ran > a.size() * 9 / 10);
  }
}

TEST_CASE("compare: outputs per the contract, byte-identical whatever --jobs, each run what ecsim run gives", "[tools][compare]") {
  TempDir dir;
  write_scenario(dir.path());
  const auto one = run_ecsim({"compare", "frag.json", "--strategies", "binpack:cpu,spread:instanceId", "--seeds", "4",
                              "--jobs", "1", "-o", "one"},
                             dir.path());
  INFO(one.err);
  REQUIRE(one.status == 0);
  REQUIRE(one.out.find("2 strategies x 4 seeds (1..4)") != std::string::npos);
  REQUIRE(one.out.find("jobs.whole.wait.p99 (lower is better)") != std::string::npos);
  REQUIRE(run_ecsim({"compare", "frag.json", "--strategies", "binpack:cpu,spread:instanceId", "--seeds", "4", "--jobs",
                     "2", "-o", "two", "--quiet"},
                    dir.path())
              .status == 0);
  for (const char* file : {"compare.json", "compare.csv", "compare.html", "runs/2-spread_instanceId/seed-3/summary.json"}) {
    INFO(file);
    REQUIRE(read_file(dir.path() / "one" / file) == read_file(dir.path() / "two" / file));
  }
  const auto j = nlohmann::json::parse(read_file(dir.path() / "one/compare.json"));
  REQUIRE(j["strategies"] == nlohmann::json::array({"binpack:cpu", "spread:instanceId"}));
  REQUIRE(j["seeds"] == nlohmann::json::array({1, 2, 3, 4}));
  const auto& m = j["metrics"]["jobs.whole.wait.mean"]["spread:instanceId"];
  REQUIRE(m["n"] == 4);
  REQUIRE(m["ci95"].size() == 2);
  REQUIRE(m["ci95"][0].get<double>() <= m["mean"].get<double>());
  const auto& p = j["paired"]["jobs.whole.wait.mean"]["spread:instanceId"];
  REQUIRE(p.contains("meanDiff"));
  REQUIRE(p["significant"] == true);  // spreading whole-instance work waits longer, on every seed
  REQUIRE_FALSE(j["paired"]["jobs.whole.wait.mean"].contains("binpack:cpu"));
  // A run of the comparison is the run `ecsim run --seed --strategy` gives.
  REQUIRE(run_ecsim({"run", "frag.json", "-o", "single", "--quiet", "--no-html", "--seed", "3", "--strategy",
                     "spread:instanceId"},
                    dir.path())
              .status == 0);
  // Byte for byte, less the list of the files `ecsim run` wrote beside it.
  nlohmann::ordered_json single = nlohmann::ordered_json::parse(read_file(dir.path() / "single/summary.json"));
  REQUIRE(single.erase("outputs") == 1);
  REQUIRE(single.dump(2) + "\n" == read_file(dir.path() / "one/runs/2-spread_instanceId/seed-3/summary.json"));
  // `ecsim diff` reads a compare directory strategy by strategy.
  const auto same = run_ecsim({"diff", "one", "two", "-o", "d"}, dir.path());
  REQUIRE(same.status == 0);
  REQUIRE(same.out.find("; Welch's t-test") != std::string::npos);
  REQUIRE(same.out.find(" 0 worse, 0 better") != std::string::npos);
}

TEST_CASE("compare: --source changes only the named job's strategy, and bad names are refused", "[tools][compare]") {
  TempDir dir;
  write_scenario(dir.path());
  const auto r = run_ecsim({"compare", "frag.json", "--strategies", "scenario,random", "--source", "whole", "--seeds", "2",
                            "-o", "c", "--quiet"},
                           dir.path());
  REQUIRE(r.status == 0);
  const auto s = nlohmann::json::parse(read_file(dir.path() / "c/runs/2-random/seed-1/summary.json"));
  CHECK(s["jobs"]["whole"]["strategy"] == "random");
  CHECK(s["jobs"]["small"]["strategy"] == "binpack(cpu)");
  const auto typo = run_ecsim({"compare", "frag.json", "--strategies", "random", "--source", "wholle", "-o", "x"}, dir.path());
  CHECK(typo.status == 2);
  CHECK(typo.err.find("did you mean \"whole\"") != std::string::npos);
  CHECK(run_ecsim({"compare", "frag.json", "--strategies", "random,random", "-o", "x"}, dir.path()).status == 2);
  CHECK(run_ecsim({"compare", "frag.json", "--strategies", "bogus", "-o", "x"}, dir.path()).status == 2);
  CHECK(run_ecsim({"compare", "frag.json", "--seeds", "2", "-o", "x"}, dir.path()).status == 2);
  CHECK(run_ecsim({"compare", "frag.json", "--strategies", "random", "--seeds", "0", "-o", "x"}, dir.path()).status == 2);
  CHECK_FALSE(fs::exists(dir.path() / "x"));
  // run --source limits --strategy likewise.
  REQUIRE(run_ecsim({"run", "frag.json", "-o", "r", "--quiet", "--no-html", "--strategy", "random", "--source", "small"},
                    dir.path())
              .status == 0);
  const auto rs = nlohmann::json::parse(read_file(dir.path() / "r/summary.json"));
  CHECK(rs["jobs"]["small"]["strategy"] == "random");
  CHECK(rs["jobs"]["whole"]["strategy"] == "binpack(cpu)");
  CHECK(run_ecsim({"run", "frag.json", "-o", "r2", "--source", "small"}, dir.path()).status == 2);
}

TEST_CASE("compare --check: a check over compare.json fails the build with exit 3 after every output, a bad path exits 2", "[tools][compare][checks]") {
  TempDir dir;
  write_scenario(dir.path());
  const auto r = run_ecsim({"compare", "frag.json", "--strategies", "binpack:cpu,spread:instanceId", "--seeds", "3", "-o", "c",
                            "--quiet", "--check", "paired.jobs.whole.wait.p99.spread:instanceId.meanDiff <= 0", "--check",
                            "metrics.cost.total.binpack:cpu.mean < 1000"},
                           dir.path());
  CHECK(r.status == 3);
  CHECK(r.err.find("ecsim: check failed: paired.jobs.whole.wait.p99.spread:instanceId.meanDiff <= 0") == 0);
  CHECK(fs::exists(dir.path() / "c/compare.html"));
  const auto checks = nlohmann::json::parse(read_file(dir.path() / "c/checks.json"));
  CHECK(checks["failed"] == 1);
  CHECK(fs::exists(dir.path() / "c/checks.xml"));
  const auto bad = run_ecsim({"compare", "frag.json", "--strategies", "binpack:cpu", "--seeds", "2", "-o", "b", "--check",
                              "metrics.wait.p99.binpack:cpu.maen < 1"},
                             dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err.find("expected a path of compare.json (did you mean") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "b"));
}
