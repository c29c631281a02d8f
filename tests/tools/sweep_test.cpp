// `ecsim sweep`: a sweep file expanded to numbered runs, run here or one by one as a cluster's
// array job elements, and merged into the same bytes either way.
#include "tools/sweep_command.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "fragmentation_scenario.h"
#include "run_ecsim.h"
#include "sim/input_error.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;
namespace tools = ecsim::tools;
namespace scenarios = ecsim::scenarios;

namespace {

// 2 arrival rates x 2 strategies x 2 seeds = 8 runs of the fragmentation scenario, 2 hours each.
constexpr const char* kSpec = R"({
  "scenario": "frag.json",
  "vary": [{"set": "jobs.whole.arrival.ratePerHour", "values": [30, 60]}],
  "strategies": ["binpack:cpu", "spread:instanceId"],
  "sources": ["small"],
  "seeds": 2, "firstSeed": 5
})";

void write_inputs(const fs::path& dir) {
  nlohmann::json scenario = nlohmann::json::parse(ecsim::testing::kFragmentation);
  scenario["duration"] = "2h";
  std::ofstream(dir / "frag.json") << scenario.dump(2);
  std::ofstream(dir / "frag-sweep.json") << kSpec;
}

struct Loaded {
  scenarios::SweepFile sweep;
  scenarios::ScenarioSource source;
  tools::SweepPlan plan;
};

Loaded load(const fs::path& dir) {
  Loaded l;
  l.sweep = scenarios::load_sweep_file((dir / "frag-sweep.json").string());
  l.source = scenarios::read_scenario_source(l.sweep.scenario);
  l.plan = tools::expand_sweep(l.sweep, l.source);
  return l;
}

std::string error_of(const std::string& text) {
  try {
    (void)scenarios::load_sweep_text(text, "sweep.json");
  } catch (const ecsim::sim::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep: runs are numbered by combination (first dimension outermost), then strategy, then seed",
          "[tools][sweep]") {
  tools::SweepPlan plan;
  plan.vary.resize(2);
  plan.vary[0].values = {1, 2, 3};
  plan.vary[1].values = {"a", "b"};
  plan.strategies = {"x", "y"};
  plan.seeds = {7, 8, 9, 10};
  REQUIRE(plan.combinations() == 6);
  REQUIRE(plan.runs() == 48);
  const tools::SweepRun r = tools::sweep_run(plan, 0);
  CHECK(r.values == std::vector<std::size_t>{0, 0});
  CHECK((r.strategy == 0 && r.seed == 0 && r.combination == 0));
  CHECK(tools::sweep_run(plan, 1).seed == 1);
  CHECK(tools::sweep_run(plan, 4).strategy == 1);
  CHECK(tools::sweep_run(plan, 4).seed == 0);
  const tools::SweepRun eight = tools::sweep_run(plan, 8);
  CHECK(eight.combination == 1);
  CHECK(eight.values == std::vector<std::size_t>{0, 1});  // the last dimension turns fastest
  const tools::SweepRun last = tools::sweep_run(plan, 47);
  CHECK((last.combination == 5 && last.strategy == 1 && last.seed == 3));
  CHECK(last.values == std::vector<std::size_t>{2, 1});
}

TEST_CASE("sweep file: defaults, the plan file's vary, and errors that name the sweep file and pointer", "[tools][sweep]") {
  const scenarios::SweepFile bare = scenarios::load_sweep_text(R"({"scenario": "s.json"})", "dir/sweep.json");
  CHECK(bare.scenario == "dir/s.json");  // relative to the sweep file
  CHECK(bare.vary.empty());
  CHECK(bare.strategies == std::vector<std::string>{"scenario"});
  CHECK(bare.seeds == 1);
  CHECK(!bare.first_seed);
  const scenarios::SweepFile ranged =
      scenarios::load_sweep_text(R"({"scenario": "s.json", "vary": [{"set": "a.b", "range": [2, 4]}],
                                     "strategies": ["random", [{"type": "binpack", "field": "cpu"}]]})",
                                 "sweep.json");
  REQUIRE(ranged.vary.size() == 1);
  CHECK(ranged.vary[0].values.size() == 3);
  CHECK(ranged.strategies[1] == R"([{"field":"cpu","type":"binpack"}])");

  CHECK(error_of(R"({"scenario": "s.json", "seed": 2})") ==
        R"(sweep.json: /seed: expected a known key of a sweep (did you mean "seeds"? valid: firstSeed, scenario, seeds, sources, strategies, vary), got "seed")");
  CHECK(error_of(R"({"scenario": "s.json", "vary": [{"set": "a", "values": [1]}, {"set": "a", "values": [2]}]})") ==
        R"(sweep.json: /vary/1/set: expected a path not varied before, got "a")");
  CHECK(error_of(R"({"scenario": "s.json", "strategies": ["random", "random"]})") ==
        R"(sweep.json: /strategies/1: expected a strategy not listed before, got "random")");
  CHECK(error_of(R"({"scenario": "s.json", "strategies": [[{"type": "binpack", "field": "disk"}]]})")
            .rfind("sweep.json: /strategies/0/0/field: expected", 0) == 0);
  CHECK(error_of(R"({"scenario": "s.json", "seeds": 1000, "strategies": ["random", "binpack:cpu"],
                     "vary": [{"set": "a", "range": [1, 100]}]})") ==
        "sweep.json: /: expected at most 100000 runs (combinations x strategies x seeds), got 200000 runs");
}

TEST_CASE("sweep: a local sweep, whatever --jobs, equals every element run alone then merged, byte for byte",
          "[tools][sweep]") {
  TempDir dir;
  write_inputs(dir.path());
  const Loaded l = load(dir.path());
  REQUIRE(l.plan.runs() == 8);
  CHECK(l.plan.seeds == std::vector<std::uint64_t>{5, 6});
  tools::check_sweep(l.source, l.plan);

  const auto merged = [](const fs::path& out) {
    tools::write_sweep_merge(tools::merge_sweep(out), out);
    return read_file(out / "sweep.json") + read_file(out / "sweep.csv");
  };
  const fs::path one = dir.path() / "one", two = dir.path() / "two", elements = dir.path() / "elements";
  for (const auto& [out, jobs] : {std::pair{one, std::size_t{1}}, std::pair{two, std::size_t{2}}}) {
    tools::write_sweep_plan(l.plan, out);
    tools::run_sweep_locally(l.source, l.plan, jobs, out);
  }
  tools::write_sweep_plan(l.plan, elements);
  // Out of order, and one element twice, as a cluster may run them.
  for (const std::size_t i : {7, 0, 3, 1, 2, 4, 6, 5, 3}) tools::run_sweep_element(l.source, l.plan, i, elements);
  const std::string local = merged(one);
  CHECK(merged(two) == local);
  CHECK(merged(elements) == local);
  CHECK(merged(elements) == local);  // merge is idempotent
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(read_file(tools::sweep_run_dir(one, i) / "summary.json") == read_file(tools::sweep_run_dir(elements, i) / "summary.json"));
  }

  const auto sweep = nlohmann::json::parse(read_file(one / "sweep.json"));
  CHECK(sweep["missing"].empty());
  CHECK(sweep["finished"] == 8);
  REQUIRE(sweep["combinations"].size() == 2);
  CHECK(sweep["combinations"][1]["settings"]["jobs.whole.arrival.ratePerHour"] == 60);
  CHECK(sweep["combinations"][0]["seeds"] == nlohmann::json::array({5, 6}));
  CHECK(sweep["combinations"][0]["metrics"]["wait.p99"]["binpack:cpu"]["n"] == 2);
  CHECK(sweep["combinations"][0]["paired"]["wait.p99"].contains("spread:instanceId"));
  const auto run3 = nlohmann::json::parse(read_file(tools::sweep_run_dir(one, 3) / "run.json"));
  CHECK(run3["strategy"] == "spread:instanceId");
  CHECK(run3["seed"] == 6);
  CHECK(run3["settings"]["jobs.whole.arrival.ratePerHour"] == 30);
  const auto summary3 = nlohmann::json::parse(read_file(tools::sweep_run_dir(one, 3) / "summary.json"));
  CHECK(summary3["seed"] == 6);
  CHECK(read_file(one / "sweep.csv").rfind("combination,jobs.whole.arrival.ratePerHour,metric,strategy,n,mean,", 0) == 0);

  SECTION("merge lists the missing runs and keeps the seeds every strategy finished") {
    fs::remove(tools::sweep_run_dir(elements, 5) / "run.json");  // killed before its last file
    fs::remove_all(tools::sweep_run_dir(elements, 6));
    const tools::SweepMerge partial = tools::merge_sweep(elements);
    CHECK(partial.missing == std::vector<std::size_t>{5, 6});
    const auto j = nlohmann::json::parse(partial.json);
    CHECK(j["finished"] == 6);
    CHECK(j["missing"] == nlohmann::json::array({5, 6}));
    CHECK(j["combinations"][0] == sweep["combinations"][0]);
    // Combination 1 lost seed 6 of binpack (run 5) and seed 5 of spread (run 6): no seed is paired.
    CHECK(j["combinations"][1]["seeds"].empty());
    CHECK(tools::merge_sweep(elements).json == partial.json);
    tools::run_sweep_element(l.source, l.plan, 5, elements);
    tools::run_sweep_element(l.source, l.plan, 6, elements);
    CHECK(merged(elements) == local);
  }
  SECTION("a run of another sweep in the directory is refused, not merged") {
    std::ofstream(tools::sweep_run_dir(elements, 2) / "run.json") << R"({"index": 2})";
    CHECK_THROWS_WITH(tools::merge_sweep(elements),
                      Catch::EndsWith("runs/00002/run.json: /: expected run 2 of " + (elements / "spec.json").string() +
                                      R"(: {"index":2,"combination":0,"settings":{"jobs.whole.arrival.ratePerHour":30},)"
                                      R"("strategy":"spread:instanceId","seed":5}, got {"index":2})"));
  }
  SECTION("a directory of another sweep is refused before any run") {
    tools::SweepPlan other = l.plan;
    other.seeds = {1, 2};
    CHECK_THROWS_WITH(tools::write_sweep_plan(other, one), Catch::EndsWith("spec.json: /: expected this sweep's spec (or a new directory: -o DIR), got another sweep's"));
  }
}

TEST_CASE("sweep: the command runs, runs one element, merges, and writes a Slurm array script", "[tools][sweep]") {
  TempDir dir;
  write_inputs(dir.path());
  {
    nlohmann::json spec = nlohmann::json::parse(kSpec);
    spec["vary"][0]["values"] = {60};
    spec["seeds"] = 1;
    std::ofstream(dir.path() / "small.json") << spec.dump();
  }
  const auto local = run_ecsim({"sweep", "small.json", "-o", "local", "--jobs", "2"}, dir.path());
  INFO(local.err);
  REQUIRE(local.status == 0);
  CHECK(local.out.find("1 combinations x 2 strategies x 1 seeds = 2 runs") != std::string::npos);
  // Run 0 is what `ecsim run` writes for its settings, strategy and seed.
  REQUIRE(run_ecsim({"run", "frag.json", "-o", "alone", "--quiet", "--no-html", "--seed", "5", "--strategy", "binpack:cpu",
                     "--source", "small", "--set", "jobs.whole.arrival.ratePerHour=60"},
                    dir.path())
              .status == 0);
  // Byte for byte, less the list of the files `ecsim run` wrote beside it.
  nlohmann::ordered_json alone = nlohmann::ordered_json::parse(read_file(dir.path() / "alone/summary.json"));
  REQUIRE(alone.erase("outputs") == 1);
  CHECK(read_file(dir.path() / "local/runs/00000/summary.json") == alone.dump(2) + "\n");
  for (const char* index : {"1", "0"}) {
    REQUIRE(run_ecsim({"sweep", "small.json", "-o", "cluster", "--index", index, "--quiet"}, dir.path()).status == 0);
  }
  const auto out_of_range = run_ecsim({"sweep", "small.json", "-o", "cluster", "--index", "2"}, dir.path());
  CHECK(out_of_range.status == 2);
  CHECK(out_of_range.err == "--index: /: expected a run number from 0 to 1, got 2\n");
  const auto merge = run_ecsim({"sweep", "merge", "cluster"}, dir.path());
  REQUIRE(merge.status == 0);
  CHECK(merge.out == "merged 2 of 2 runs; wrote cluster/sweep.json, cluster/sweep.csv\n");
  CHECK(read_file(dir.path() / "cluster/sweep.json") == read_file(dir.path() / "local/sweep.json"));
  CHECK(read_file(dir.path() / "cluster/sweep.csv") == read_file(dir.path() / "local/sweep.csv"));

  fs::remove_all(dir.path() / "cluster/runs/00001");
  const auto partial = run_ecsim({"sweep", "merge", "cluster", "--quiet"}, dir.path());
  CHECK(partial.status == 0);
  CHECK(partial.err == "ecsim sweep merge: 1 of 2 runs missing: 1\n");

  const auto emit = run_ecsim({"sweep", "frag-sweep.json", "-o", "slurm", "--emit", "slurm", "--jobs", "3", "--ecsim", "/opt/ecsim/bin/ecsim"},
                              dir.path());
  REQUIRE(emit.status == 0);
  CHECK(emit.out.find("sbatch --parsable") != std::string::npos);
  const std::string script = read_file(dir.path() / "slurm/sweep.sbatch");
  const std::string abs = fs::canonical(dir.path()).string();
  CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(script.find("\n#SBATCH --array=0-7%3\n") != std::string::npos);
  CHECK(script.find("\n#SBATCH --output=" + abs + "/slurm/logs/run-%a.out\n") != std::string::npos);
  CHECK(script.find("\nexec '/opt/ecsim/bin/ecsim' sweep '" + abs + "/frag-sweep.json' -o '" + abs +
                    "/slurm' --index \"$SLURM_ARRAY_TASK_ID\" --quiet\n") != std::string::npos);
  CHECK(script.find("sbatch --dependency=afterany:$jobid") != std::string::npos);
  CHECK(fs::is_directory(dir.path() / "slurm/logs"));
  CHECK(fs::is_regular_file(dir.path() / "slurm/spec.json"));
  CHECK(!fs::exists(dir.path() / "slurm/runs"));

  const auto bad = run_ecsim({"sweep", "frag-sweep.json", "--emit", "pbs"}, dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err == "--emit: /: expected a known scheduler (valid: slurm), got \"pbs\"\n");
}
