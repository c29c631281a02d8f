// `ecsim diff OLD NEW` as a CI pipeline uses it: identical runs pass, a worse strategy fails with
// exit 3 and a readable table, tolerances let chosen metrics move, bad input exits 2.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "fragmentation_scenario.h"
#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_scenario(const fs::path& dir) { std::ofstream(dir / "frag.json") << ecsim::testing::kFragmentation; }

void run(const fs::path& dir, const std::string& out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"run", "frag.json", "-o", out, "--quiet", "--no-html"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_ecsim(args, dir);
  REQUIRE(r.status == 0);
}

}  // namespace

TEST_CASE("cli diff: two identical runs diff clean (exit 0) and diff.json says so", "[tools][diff]") {
  TempDir dir;
  write_scenario(dir.path());
  run(dir.path(), "a");
  run(dir.path(), "b");
  const auto r = run_ecsim({"diff", "a", "b", "-o", "d"}, dir.path());
  REQUIRE(r.status == 0);
  REQUIRE(r.err.empty());
  REQUIRE(r.out.find("0 worse, 0 better") != std::string::npos);
  const auto j = nlohmann::json::parse(read_file(dir.path() / "d/diff.json"));
  REQUIRE(j["statistical"] == false);
  REQUIRE(j["counts"]["worse"] == 0);
  REQUIRE(j["counts"]["same"] == j["metrics"].size());
}

TEST_CASE("cli diff: a deliberately worse strategy fails the diff over several seeds (Welch's test), exit 3", "[tools][diff]") {
  TempDir dir;
  write_scenario(dir.path());
  for (const char* seed : {"1", "2", "3"}) {
    run(dir.path(), std::string("before/seed-") + seed, {"--seed", seed});
    run(dir.path(), std::string("after/seed-") + seed, {"--seed", seed, "--strategy", "spread:instanceId"});
  }
  const auto r = run_ecsim({"diff", "before", "after", "-o", "."}, dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.status == 3);
  REQUIRE(r.out.find("before (3 runs) -> after (3 runs); Welch's t-test, one-sided, at level 0.05") != std::string::npos);
  REQUIRE(r.err.find("ecsim diff: ") == 0);
  REQUIRE(r.err.find("jobs.whole.wait.mean") != std::string::npos);
  const auto j = nlohmann::json::parse(read_file(dir.path() / "diff.json"));
  REQUIRE(j["statistical"] == true);
  REQUIRE(j["old"]["seeds"] == nlohmann::json::array({1, 2, 3}));
  REQUIRE(j["counts"]["worse"].get<int>() >= 1);

  // The same runs the other way round: better, exit 0.
  const auto back = run_ecsim({"diff", "after", "before", "-o", "."}, dir.path());
  REQUIRE(back.status == 0);
  REQUIRE(back.out.find("jobs.whole.wait.mean") != std::string::npos);

  // A tolerance wide enough for the waits lets the build pass.
  const auto tolerated = run_ecsim({"diff", "before", "after", "-o", ".", "--tolerance", "wait=2000%", "--tolerance",
                                    "jobs.*.wait=2000%", "--quiet"},
                                   dir.path());
  REQUIRE(tolerated.status == 0);
  REQUIRE(tolerated.out.empty());
}

TEST_CASE("cli diff: bad input exits 2 naming it, and writes no diff.json", "[tools][diff]") {
  TempDir dir;
  write_scenario(dir.path());
  run(dir.path(), "a");
  fs::create_directories(dir.path() / "empty");
  const auto missing = run_ecsim({"diff", "a"}, dir.path());
  REQUIRE(missing.status == 2);
  REQUIRE(missing.err.find("usage: ecsim diff OLD NEW") != std::string::npos);
  const auto nodir = run_ecsim({"diff", "a", "nope"}, dir.path());
  REQUIRE(nodir.status == 2);
  REQUIRE(nodir.err.find("nope") != std::string::npos);
  const auto empty = run_ecsim({"diff", "a", "empty"}, dir.path());
  REQUIRE(empty.status == 2);
  REQUIRE(empty.err.rfind("empty: ", 0) == 0);
  REQUIRE(empty.err.find("expected summary.json in it or in directories below it") != std::string::npos);
  const auto typo = run_ecsim({"diff", "a", "a", "--tolerance", "jobs.whole.wait.p999=5%"}, dir.path());
  REQUIRE(typo.status == 2);
  REQUIRE(typo.err.find("did you mean \"jobs.whole.wait.p99\"") != std::string::npos);
  REQUIRE(run_ecsim({"diff", "a", "a", "--tolerance", "wait=five%"}, dir.path()).status == 2);
  REQUIRE(run_ecsim({"diff", "a", "a", "--level", "0.7"}, dir.path()).status == 2);
  std::ofstream(dir.path() / "empty/summary.json") << "{not json";
  const auto broken = run_ecsim({"diff", "a", "empty"}, dir.path());
  REQUIRE(broken.status == 2);
  REQUIRE(broken.err.find("summary.json") != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "diff.json"));
}
