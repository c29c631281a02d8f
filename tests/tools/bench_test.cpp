// `ecsim bench`: the statistics, the verdict rule, the saved result's schema and its errors
// (tools/bench_command.h), then the command end to end on a small scenario.
#include "tools/bench_command.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_ecsim.h"
#include "sim/input_error.h"

using namespace ecsim::tools::bench;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ECSIM_SOURCE_DIR;

// A fixed pseudo-random sequence in [0, 1) (a 64-bit LCG, Knuth's MMIX constants), so the noisy
// cases are the same on every run of the tests.
class Jitter {
 public:
  explicit Jitter(std::uint64_t seed) : state_(seed) {}
  double next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / 9007199254740992.0;
  }

 private:
  std::uint64_t state_;
};

// `n` runs of `ns` ns/event each slowed by up to `jitter` (noise only ever slows a run).
std::vector<double> noisy_runs(Jitter& j, std::size_t n, double ns, double jitter) {
  std::vector<double> out;
  for (std::size_t k = 0; k < n; ++k) out.push_back(ns * (1.0 + jitter * j.next()));
  return out;
}

ScenarioBench scenario(std::string name, std::uint64_t events, std::vector<double> cpu_seconds) {
  ScenarioBench s;
  s.name = std::move(name);
  s.file = s.name + ".json";
  s.events = events;
  s.placements = events / 4;
  s.tasks = events / 8;
  s.wall_seconds = cpu_seconds;
  s.cpu_seconds = std::move(cpu_seconds);
  return s;
}

BenchResult result_of(std::vector<ScenarioBench> scenarios) {
  BenchResult r;
  r.ecsim_version = "0.1.0";
  r.runs = static_cast<unsigned>(scenarios.front().cpu_seconds.size());
  r.scenarios = std::move(scenarios);
  return r;
}

std::string error_of(const std::string& text) {
  try {
    parse_bench_json(text, "base.json");
  } catch (const ecsim::sim::InputError& e) {
    return e.what();
  }
  return "no error";
}

const char* const kValid = R"({"format": "ecsim-bench/1", "scenarios": [
  {"name": "a", "file": "a.json", "events": 100, "placements": 10, "tasks": 5,
   "cpuSeconds": [1, 2, 3], "wallSeconds": [1, 2, 3]}]})";

}  // namespace

TEST_CASE("bench: sample statistics give the median, range and median absolute deviation", "[tools][bench]") {
  const std::vector<double> odd = {5, 1, 4, 2, 100};
  const SampleStats s = sample_stats(odd);
  CHECK(s.median == 4);
  CHECK(s.min == 1);
  CHECK(s.max == 100);
  CHECK(s.mad == 2);  // deviations 1 3 0 2 96
  const std::vector<double> even = {4, 1, 3, 2};
  CHECK(sample_stats(even).median == 2.5);
  CHECK(sample_stats(even).mad == 1);  // deviations 1.5 1.5 0.5 0.5
  const std::vector<double> one = {7};
  CHECK(sample_stats(one).mad == 0);
}

TEST_CASE("bench: 5 % jitter against the same build never fails, even with outliers and a tight threshold",
          "[tools][bench]") {
  Jitter j(1);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<double> base = noisy_runs(j, 5, 100, 0.05);
    std::vector<double> now = noisy_runs(j, 5, 100, 0.05);
    // A noisy machine: now and then one run of either set is much slower.
    if (trial % 3 == 0) base[static_cast<std::size_t>(trial) % 5] *= 1.5;
    if (trial % 4 == 0) now[static_cast<std::size_t>(trial) % 5] *= 1.5;
    INFO("trial " << trial);
    REQUIRE_FALSE(is_slowdown(base, now, 0.10));
    // With a 1 % threshold the medians alone would often fail; the overlapping spreads hold.
    if (trial % 3 != 0) continue;
    REQUIRE_FALSE(is_slowdown(base, now, 0.01));
  }
}

TEST_CASE("bench: a real 30 % slowdown under 5 % jitter always fails", "[tools][bench]") {
  Jitter j(2);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::vector<double> base = noisy_runs(j, 3, 100, 0.05);
    const std::vector<double> now = noisy_runs(j, 3, 130, 0.05);
    INFO("trial " << trial);
    REQUIRE(is_slowdown(base, now, 0.10));
  }
}

TEST_CASE("bench: a slowdown fails only beyond the threshold plus both spreads, with no run overlapping",
          "[tools][bench]") {
  // Every run slower, but by less than the threshold.
  CHECK_FALSE(is_slowdown(std::vector<double>{100, 101, 102}, std::vector<double>{105, 106, 107}, 0.10));
  // +24 %: beyond the threshold, and no run overlaps, but within 10 % + 9.9 % + 12 %.
  const SlowdownTest within = test_slowdown(std::vector<double>{100, 101, 110}, std::vector<double>{120, 125, 135}, 0.10);
  CHECK(within.ratio == Approx(125.0 / 101));
  CHECK(within.baseline_spread == Approx(10.0 / 101));
  CHECK(within.now_spread == Approx(15.0 / 125));
  CHECK(within.allowed == Approx(0.10 + 10.0 / 101 + 15.0 / 125));
  CHECK(within.disjoint);
  CHECK_FALSE(within.slowdown);
  // +48.5 %, beyond 10 % + 2 % + 32.7 %, but the fastest run now is as fast as the baseline's.
  const SlowdownTest overlap = test_slowdown(std::vector<double>{100, 101, 102}, std::vector<double>{101, 150, 150}, 0.10);
  CHECK(overlap.ratio - 1 > overlap.allowed);
  CHECK_FALSE(overlap.disjoint);
  CHECK_FALSE(overlap.slowdown);
  // +19.8 %, beyond 10 % + 2 % + 1.7 %, no run overlapping.
  CHECK(is_slowdown(std::vector<double>{100, 101, 102}, std::vector<double>{120, 121, 122}, 0.10));
  // Faster is never a failure.
  CHECK_FALSE(is_slowdown(std::vector<double>{100, 101, 102}, std::vector<double>{50, 51, 52}, 0.10));
}

TEST_CASE("bench: a failure says by how much, against which threshold and which spreads", "[tools][bench]") {
  const BenchResult base = result_of({scenario("a", 1000, {1e-4, 1e-4, 1e-4})});
  const BenchResult now = result_of({scenario("a", 1000, {2e-4, 2e-4, 2.1e-4})});
  const auto c = compare(base, now, 0.10);
  REQUIRE(c.size() == 1);
  CHECK(c[0].verdict == Verdict::kFail);
  CHECK(c[0].ratio == Approx(2.0));
  CHECK(c[0].note ==
        "ns/event +100 % (200.0 against 100.0) beyond the 10 % threshold plus the spreads of the runs (baseline 0 %, "
        "now 5 %: 15 % allowed), and every run now is slower than every baseline run");
  const std::string table = bench_table(now, &c, 0.10);
  CHECK(table.find("FAIL") != std::string::npos);
  CHECK(table.find("a: ns/event +100 %") != std::string::npos);
}

TEST_CASE("bench: a slowdown within the spreads, or overlapping the baseline, passes and says so", "[tools][bench]") {
  const BenchResult base = result_of({scenario("a", 1000, {1e-4, 1e-4, 1.3e-4})});
  auto c = compare(base, result_of({scenario("a", 1000, {1.2e-4, 1.2e-4, 1.2e-4})}), 0.10);
  REQUIRE(c.size() == 1);
  CHECK(c[0].verdict == Verdict::kPass);
  CHECK(c[0].note ==
        "ns/event +20 % (120.0 against 100.0) beyond the 10 % threshold but not beyond it plus the spreads of the runs "
        "(baseline 30 %, now 0 %: 40 % allowed)");
  c = compare(base, result_of({scenario("a", 1000, {1.25e-4, 2e-4, 2e-4})}), 0.10);
  CHECK(c[0].verdict == Verdict::kPass);
  CHECK(c[0].note ==
        "ns/event +100 % (200.0 against 100.0) beyond the 10 % threshold plus the spreads of the runs (baseline 30 %, "
        "now 37.5 %: 77.5 % allowed), but the fastest run now (125.0) is not slower than the slowest baseline run "
        "(130.0)");
}

TEST_CASE("bench: when the work differs the runs compare per event, and the note says so", "[tools][bench]") {
  // Twice the events in twice the time: the same speed.
  const BenchResult base = result_of({scenario("a", 1000, {1e-3, 1e-3, 1e-3})});
  const BenchResult same_speed = result_of({scenario("a", 2000, {2e-3, 2e-3, 2e-3})});
  auto c = compare(base, same_speed, 0.10);
  REQUIRE(c.size() == 1);
  CHECK(c[0].verdict == Verdict::kPass);
  CHECK(c[0].ratio == Approx(1.0));
  CHECK(c[0].work_differs);
  CHECK(c[0].note ==
        "the work differs from the baseline's (events 1000, placements 250, tasks 125 then, events 2000, placements "
        "500, tasks 250 now): compared per event");
  // Twice the events in four times the time: twice as slow per event.
  const BenchResult slower = result_of({scenario("a", 2000, {4e-3, 4e-3, 4e-3})});
  c = compare(base, slower, 0.10);
  CHECK(c[0].verdict == Verdict::kFail);
  CHECK(c[0].ratio == Approx(2.0));
}

TEST_CASE("bench: scenarios in only one of the baseline and the run are named, not failed", "[tools][bench]") {
  const BenchResult base = result_of({scenario("a", 10, {1, 1}), scenario("old", 10, {1, 1})});
  const BenchResult now = result_of({scenario("a", 10, {1, 1}), scenario("fresh", 10, {9, 9})});
  const auto c = compare(base, now, 0.10);
  REQUIRE(c.size() == 3);
  CHECK(c[0].name == "a");
  CHECK(c[0].verdict == Verdict::kPass);
  CHECK(c[1].name == "fresh");
  CHECK(c[1].verdict == Verdict::kNew);
  CHECK(c[1].note == "not in the baseline");
  CHECK(c[2].name == "old");
  CHECK(c[2].verdict == Verdict::kNotRun);
  CHECK(c[2].note == "in the baseline but not run now");
}

TEST_CASE("bench: a saved result reads back as it was", "[tools][bench]") {
  BenchResult r = result_of({scenario("a", 1000, {0.5, 0.25, 0.75}), scenario("b", 7, {1e-6, 2e-6, 3e-6})});
  r.scenarios[0].wall_seconds = {0.6, 0.3, 0.8};
  r.scenarios[0].peak_rss_mib = 52;
  r.host.hostname = "box";
  r.host.logical_cpus = 2;
  const std::string text = bench_json(r);
  const nlohmann::json j = nlohmann::json::parse(text);
  CHECK(j["format"] == "ecsim-bench/1");
  CHECK(j["scenarios"][0]["cpuMedianSeconds"] == 0.5);
  CHECK(j["scenarios"][0]["wallMaxSeconds"] == 0.8);
  CHECK(j["scenarios"][0]["nsPerEvent"] == 500000.0);
  CHECK(j["scenarios"][0]["nsPerPlacement"] == 2000000.0);
  const BenchResult back = parse_bench_json(text, "saved.json");
  REQUIRE(back.scenarios.size() == 2);
  CHECK(back.ecsim_version == "0.1.0");
  CHECK(back.host.hostname == "box");
  CHECK(back.host.logical_cpus == 2);
  CHECK(back.scenarios[0].name == "a");
  CHECK(back.scenarios[0].file == "a.json");
  CHECK(back.scenarios[0].events == 1000);
  CHECK(back.scenarios[0].placements == 250);
  CHECK(back.scenarios[0].tasks == 125);
  CHECK(back.scenarios[0].cpu_seconds == std::vector<double>{0.5, 0.25, 0.75});
  CHECK(back.scenarios[0].wall_seconds == std::vector<double>{0.6, 0.3, 0.8});
  CHECK(back.scenarios[0].peak_rss_mib == 52);
  CHECK(back.scenarios[1].cpu_seconds == std::vector<double>{1e-6, 2e-6, 3e-6});
  CHECK(error_of(kValid) == "no error");
}

TEST_CASE("bench: a malformed baseline names the file, the JSON pointer and what was expected", "[tools][bench]") {
  CHECK(error_of("[1]") == "base.json: /: expected an ecsim bench result (a JSON object), got [1]");
  CHECK(error_of(R"({"scenarios": []})") ==
        "base.json: /format: expected \"ecsim-bench/1\" (a file written by ecsim bench --save), got nothing");
  CHECK(error_of(R"({"format": "ecsim-bench/1"})") == "base.json: /scenarios: expected an array of scenarios, got nothing");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [{"name": "a", "file": "a.json", "events": -1}]})") ==
        "base.json: /scenarios/0/events: expected a count of events, got -1");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [
    {"name": "a", "file": "a.json", "events": 1, "placements": 1, "tasks": 1, "cpuSeconds": [1, "x"]}]})") ==
        "base.json: /scenarios/0/cpuSeconds/1: expected a positive number of seconds, got \"x\"");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [
    {"name": "a", "file": "a.json", "events": 1, "placements": 1, "tasks": 1, "cpuSeconds": [1, 0]}]})") ==
        "base.json: /scenarios/0/cpuSeconds/1: expected a positive number of seconds, got 0");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [
    {"name": "a", "file": "a.json", "events": 1, "placements": 1, "tasks": 1, "cpuSeconds": []}]})") ==
        "base.json: /scenarios/0/cpuSeconds: expected a non-empty array of seconds, one per run, got []");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [
    {"name": "a", "file": "a.json", "events": 1, "placements": 1, "tasks": 1, "cpuSeconds": [1, 2],
     "wallSeconds": [1]}]})") == "base.json: /scenarios/0/wallSeconds: expected as many samples as cpuSeconds (2), got 1");
  CHECK(error_of(R"({"format": "ecsim-bench/1", "scenarios": [
    {"name": "a", "file": "a.json", "events": 1, "placements": 1, "tasks": 1, "cpuSeconds": [1], "wallSeconds": [1]},
    {"name": "a"}]})") == "base.json: /scenarios/1/name: expected a name no earlier scenario of the file has, got \"a\"");
  CHECK(error_of("{").rfind("base.json: /: expected valid JSON, got a syntax error at line 1", 0) == 0);
}

TEST_CASE("bench: --threshold reads a percentage", "[tools][bench]") {
  CHECK(parse_threshold("10%", "--threshold") == Approx(0.10));
  CHECK(parse_threshold("7.5", "--threshold") == Approx(0.075));
  CHECK_THROWS_WITH(parse_threshold("0%", "--threshold"),
                    "--threshold: /: expected a percentage above 0 and at most 1000, such as 10%, got \"0%\"");
  CHECK_THROWS_AS(parse_threshold("ten", "--threshold"), ecsim::sim::InputError);
  CHECK_THROWS_AS(parse_threshold("%", "--threshold"), ecsim::sim::InputError);
}

TEST_CASE("bench: the bundled scenarios are looked for beside the installed binary, then under ./scenarios/bench",
          "[tools][bench]") {
  const auto dirs = bench_search_dirs("/opt/ecsim/bin/ecsim");
  REQUIRE(dirs.size() == 2);
  CHECK(dirs[0] == fs::path("/opt/ecsim/share/ecsim/scenarios/bench"));
  CHECK(dirs[1] == fs::path("scenarios/bench"));
  for (const auto& name : default_bench_files()) CHECK(fs::is_regular_file(kSource / "scenarios/bench" / name));
}

TEST_CASE("cli: bench against its own saved result passes, and against a doctored one exits 3 saying why",
          "[tools][bench]") {
  TempDir dir;
  // The example M/M/c queue over 2 days instead of 4 hours: about 10 ms a run, long enough for
  // the clocks, short enough for the suite.
  std::string text = ecsim::testing::read_file(kSource / "scenarios/examples/mmc-queue.json");
  const std::string four_hours = "\"duration\": \"4h\"";
  const std::size_t at = text.find(four_hours);
  REQUIRE(at != std::string::npos);
  text.replace(at, four_hours.size(), "\"duration\": \"2d\"");
  std::ofstream(dir.path() / "mmc.json") << text;
  const std::string scenario = "mmc.json";
  const auto saved = run_ecsim({"bench", "--scenario", scenario, "--runs", "3", "--save", "base.json"}, dir.path());
  INFO(saved.err);
  REQUIRE(saved.status == 0);
  REQUIRE(saved.out.find("ns/event") != std::string::npos);
  REQUIRE(fs::is_regular_file(dir.path() / "base.json"));
  const BenchResult base = read_bench_file((dir.path() / "base.json").string());
  REQUIRE(base.scenarios.size() == 1);
  REQUIRE(base.scenarios[0].cpu_seconds.size() == 3);
  REQUIRE(base.scenarios[0].events > 0);

  // Against itself. The threshold is generous because the suite may run beside other tests:
  // this checks the round trip; the rule's resistance to noise is checked above.
  const auto again =
      run_ecsim({"bench", "--scenario", scenario, "--runs", "3", "--baseline", "base.json", "--threshold", "50%"},
                dir.path());
  INFO(again.out << again.err);
  REQUIRE(again.status == 0);
  REQUIRE(again.out.find("pass") != std::string::npos);

  // The baseline's ns/event cut in half, with no spread.
  nlohmann::json doctored = nlohmann::json::parse(ecsim::testing::read_file(dir.path() / "base.json"));
  const double half = sample_stats(base.scenarios[0].cpu_seconds).median / 2;
  doctored["scenarios"][0]["cpuSeconds"] = std::vector<double>{half, half, half};
  std::ofstream(dir.path() / "doctored.json") << doctored.dump();
  const auto slow = run_ecsim({"bench", "--scenario", scenario, "--runs", "3", "--baseline", "doctored.json"}, dir.path());
  INFO(slow.out << slow.err);
  REQUIRE(slow.status == 3);
  REQUIRE(slow.err.find("ecsim bench: mmc-queue: FAIL: ns/event +") != std::string::npos);
  REQUIRE(slow.err.find("beyond the 10 % threshold plus the spreads of the runs (baseline 0 %, now ") != std::string::npos);
  REQUIRE(slow.out.find("FAIL") != std::string::npos);
}

TEST_CASE("cli: bench with a broken baseline or no bundled scenarios exits 2 naming what is wrong",
          "[tools][bench]") {
  TempDir dir;
  std::ofstream(dir.path() / "bad.json") << R"({"format": "ecsim-bench/1", "scenarios": 3})";
  const std::string scenario = (kSource / "scenarios/examples/mmc-queue.json").string();
  const auto bad = run_ecsim({"bench", "--scenario", scenario, "--baseline", "bad.json"}, dir.path());
  REQUIRE(bad.status == 2);
  REQUIRE(bad.err == "bad.json: /scenarios: expected an array of scenarios, got 3\n");

  // No scenarios/bench under this directory, and none installed beside the build's binary.
  const auto none = run_ecsim({"bench", "--runs", "1"}, dir.path());
  REQUIRE(none.status == 2);
  REQUIRE(none.err.find("bench.json, mmc-300k.json) are in none of") != std::string::npos);
  REQUIRE(none.err.find((fs::canonical(dir.path()) / "scenarios/bench").string()) != std::string::npos);
  REQUIRE(none.err.find("usage: ecsim bench") != std::string::npos);

  const auto runs = run_ecsim({"bench", "--scenario", scenario, "--runs", "0"}, dir.path());
  REQUIRE(runs.status == 2);
  REQUIRE(runs.err == "--runs: /: expected a number of runs from 1 to 1000, got \"0\"\n");
}

TEST_CASE("cli: bench --plugin loads the strategies a scenario names before reading it", "[tools][bench]") {
  TempDir dir;
  std::string text = ecsim::testing::read_file(kSource / "scenarios/examples/mmc-queue.json");
  // The job's strategy: the plugin's.
  const std::size_t job = text.find('{', text.find("\"jobs\": ["));
  REQUIRE(job != std::string::npos);
  text.insert(job + 1, "\"placementStrategy\": [{\"type\": \"fewestTasks\"}], ");
  std::ofstream(dir.path() / "plugged.json") << text;
  const auto without = run_ecsim({"bench", "--scenario", "plugged.json", "--runs", "1"}, dir.path());
  REQUIRE(without.status == 2);
  REQUIRE(without.err.rfind("plugged.json: /jobs/0/placementStrategy", 0) == 0);
  const auto with =
      run_ecsim({"bench", "--scenario", "plugged.json", "--runs", "1", "--plugin", ECSIM_EXAMPLE_PLUGIN}, dir.path());
  INFO(with.err);
  REQUIRE(with.status == 0);
  REQUIRE(with.out.find("mmc-queue") != std::string::npos);
}
