// `ecsim report DIR` as a user meets it: the report of every bundled scenario rebuilt from its
// outputs byte for byte, and broken directories refused with exit 2, writing nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
using ecsim::testing::bundled_scenarios;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ECSIM_SOURCE_DIR;


std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void replace_in_file(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = read_file(p);
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("report cli: every bundled scenario gets its report.html back byte for byte", "[tools]") {
  const auto scenarios = bundled_scenarios();
  REQUIRE(scenarios.size() >= 4);
  for (const fs::path& scenario : scenarios) {
    INFO("scenario " << scenario.string());
    TempDir dir;
    REQUIRE(run_ecsim({"run", scenario.string(), "-o", "out", "--quiet"}, dir.path()).status == 0);
    const fs::path report = dir.path() / "out" / "report.html";
    const std::string written = read_file(report);
    REQUIRE(written.size() > 1000);
    const std::vector<std::string> files = entries(dir.path() / "out");
    fs::remove(report);
    const auto r = run_ecsim({"report", "out"}, dir.path());
    INFO(r.err);
    REQUIRE(r.status == 0);
    REQUIRE(r.err.empty());
    REQUIRE(r.out == "wrote out/report.html\n");
    const std::string rebuilt = read_file(report);
    REQUIRE(rebuilt.size() == written.size());
    REQUIRE((rebuilt == written));
    REQUIRE(entries(dir.path() / "out") == files);  // report.html again, nothing else
  }
}

TEST_CASE("report cli: a missing or broken directory exits 2 and writes nothing", "[tools]") {
  TempDir dir;
  const auto missing = run_ecsim({"report", "nope"}, dir.path());
  REQUIRE(missing.status == 2);
  REQUIRE(missing.err == "nope: /: expected a directory written by ecsim run, got no such directory\n");
  REQUIRE_FALSE(fs::exists(dir.path() / "nope"));

  REQUIRE(run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "out", "--duration", "1h", "--quiet"},
                    dir.path()).status == 0);
  fs::remove(dir.path() / "out" / "report.html");
  const std::vector<std::string> files = entries(dir.path() / "out");

  replace_in_file(dir.path() / "out" / "tasks.csv", "\nt2,", "\nt2,web,x,\n");
  const auto broken = run_ecsim({"report", "out", "--quiet"}, dir.path());
  REQUIRE(broken.status == 2);
  // The edited file no longer belongs to the run summary.json describes.
  REQUIRE_THAT(broken.err, Catch::StartsWith("out/tasks.csv: /: expected the file of run "));
  REQUIRE_THAT(broken.err, Catch::EndsWith("the directory mixes the outputs of two runs, or the file was changed since\n"));
  REQUIRE(entries(dir.path() / "out") == files);  // no report.html, no temporary file
  REQUIRE(entries(dir.path()) == std::vector<std::string>{"out"});  // no staging directory, no lock

  // A new run replaces the edited directory whole; then a file goes missing.
  REQUIRE(run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "out", "--duration", "1h", "--quiet"},
                    dir.path()).status == 0);
  fs::remove(dir.path() / "out" / "report.html");
  fs::remove(dir.path() / "out" / "instances.csv");
  const auto gone = run_ecsim({"report", "out"}, dir.path());
  REQUIRE(gone.status == 2);
  REQUIRE_THAT(gone.err, Catch::StartsWith("out/instances.csv: /: expected the file of run "));
  REQUIRE_THAT(gone.err, Catch::EndsWith(" that summary.json lists, got no such file\n"));
  REQUIRE_FALSE(fs::exists(dir.path() / "out" / "report.html"));
}

TEST_CASE("report cli: usage errors exit 2, and --help lists the command", "[tools]") {
  TempDir dir;
  const auto none = run_ecsim({"report"}, dir.path());
  REQUIRE(none.status == 2);
  REQUIRE(none.err.find("ecsim: missing DIR") == 0);
  REQUIRE(run_ecsim({"report", "a", "b"}, dir.path()).status == 2);
  REQUIRE(run_ecsim({"report", "a", "--bogus"}, dir.path()).status == 2);
  const auto typo = run_ecsim({"reprot", "out"}, dir.path());
  REQUIRE(typo.status == 2);
  REQUIRE(typo.err.find("ecsim: unknown command \"reprot\" (did you mean \"report\"?)") == 0);
  const auto help = run_ecsim({"--help"}, dir.path());
  REQUIRE(help.status == 0);
  REQUIRE(help.out.find("  report DIR ") != std::string::npos);
}

TEST_CASE("report cli: --at draws the cluster pictures at a chosen time instead of the peak", "[tools]") {
  TempDir dir;
  const auto run = run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "out", "--quiet"}, dir.path());
  REQUIRE(run.status == 0);
  const std::string peak = read_file(dir.path() / "out" / "cluster.dot");
  CHECK(peak.find("(the peak sample)") != std::string::npos);
  const auto at = run_ecsim({"report", "out", "--at", "20h", "--quiet"}, dir.path());
  REQUIRE(at.status == 0);
  const std::string later = read_file(dir.path() / "out" / "cluster.dot");
  CHECK(later != peak);
  CHECK(later.find("the cluster at 20:00:00") != std::string::npos);
  CHECK(read_file(dir.path() / "out" / "report.html").find("the cluster at 20:00:00") != std::string::npos);
  // Times read as a scenario reads them: seconds, a clock time, a duration.
  for (const char* same : {"72000", "20:00", "20h", "1200m"}) {
    INFO(same);
    REQUIRE(run_ecsim({"report", "out", "--at", same, "--quiet"}, dir.path()).status == 0);
    CHECK(read_file(dir.path() / "out" / "cluster.dot") == later);
  }
  // Outside the run, or not a time: exit 2, nothing rewritten.
  for (const char* bad : {"25h", "soon"}) {
    INFO(bad);
    const auto r = run_ecsim({"report", "out", "--at", bad}, dir.path());
    CHECK(r.status == 2);
    CHECK(r.err.rfind("--at: /: expected a time", 0) == 0);
    CHECK(read_file(dir.path() / "out" / "cluster.dot") == later);
  }
}

TEST_CASE("report cli: what run accepts, report reads: the longest run a scenario may ask for (100 years)", "[tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "century.json") << R"({"name": "century", "duration": "36500d", "sampleInterval": "1d",
    "instanceTypes": [{"name": "box", "vcpu": 2, "memoryMiB": 4096, "enis": 2, "gpus": 0, "pricePerHour": 0.1}],
    "cluster": {"name": "c", "availabilityZones": ["a"], "instanceGroups": [{"name": "g", "instanceType": "box", "count": 1}]},
    "taskDefinitions": [{"family": "w", "cpu": "256", "memory": "256",
                         "containerDefinitions": [{"name": "w", "image": "busybox", "essential": true}]}],
    "jobs": [{"name": "yearly", "taskDefinition": "w", "arrival": {"type": "fixed", "interval": "365d"},
              "runtime": {"type": "constant", "value": "1h"}}]})";
  const auto run = run_ecsim({"run", "century.json", "-o", "out", "--quiet"}, dir.path());
  REQUIRE(run.err.empty());
  REQUIRE(run.status == 0);
  const auto report = run_ecsim({"report", "out", "--quiet"}, dir.path());
  CHECK(report.err.empty());
  CHECK(report.status == 0);
}
