// Golden runs: every bundled scenario is run with the built `ecsim` and its outputs are
// byte-compared with the expectations checked in under tests/golden/<scenario>/. run.json is
// not compared (it holds wall-clock figures).
//
// Each run is also compared with `ecsim diff` against the golden summary.json, so that a change of
// behaviour fails with a table of the metrics that moved, not only with a byte mismatch.
//
// After an intended change of behaviour, regenerate with
//   ECSIM_UPDATE_GOLDEN=1 build/gcc/tests/ecsim_tests "[golden]"
// and review the diff like any other change.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
using ecsim::testing::bundled_scenarios;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ECSIM_SOURCE_DIR;
// What `ecsim diff` prints when no metric moved.
constexpr const char* kNoChange = " 0 worse, 0 better, 0 within tolerance, 0 changed, 0 added, 0 removed, ";


}  // namespace

TEST_CASE("golden: every bundled scenario reproduces its checked-in outputs byte for byte", "[tools][golden]") {
  const bool update = std::getenv("ECSIM_UPDATE_GOLDEN") != nullptr;
  const auto scenarios = bundled_scenarios();
  REQUIRE(scenarios.size() >= 4);
  for (const fs::path& scenario : scenarios) {
    const std::string name = scenario.stem().string();
    INFO("scenario " << scenario.string());
    TempDir dir;
    const auto r = run_ecsim({"run", scenario.string(), "-o", "out", "--quiet"}, dir.path());
    REQUIRE(r.err.empty());
    REQUIRE(r.status == 0);
    // The behaviour, as a reviewer reads it: `ecsim diff` of the golden summary against this
    // run's, a table of what moved (shown with any failure below, and printed when updating).
    const auto diff = run_ecsim({"diff", (kSource / "tests/golden" / name).string(), "out", "-o", "diff"}, dir.path());
    INFO("ecsim diff tests/golden/" << name << " (golden -> this build):\n" << diff.out << diff.err);
    if (update) {
      if (diff.out.find(kNoChange) == std::string::npos) WARN("golden " << name << " changes:\n" << diff.out);
    } else {
      CHECK(diff.status == 0);
      CHECK(diff.out.find(kNoChange) != std::string::npos);
    }
    for (const char* file : {"summary.json", "tasks.csv", "instances.csv", "timeseries.csv", "timeseries-by-zone.csv",
                             "timeseries-by-type.csv", "timeseries-by-capacity-provider.csv", "instance-events.csv",
                             "cluster.dot"}) {
      INFO("file " << file);
      const fs::path golden = kSource / "tests/golden" / name / file;
      const std::string got = read_file(dir.path() / "out" / file);
      if (update) {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << got;
      }
      REQUIRE(fs::exists(golden));
      // Compare sizes first so a mismatch does not print megabytes.
      const std::string want = read_file(golden);
      REQUIRE(got.size() == want.size());
      REQUIRE((got == want));
    }
  }
}

TEST_CASE("golden: conservation holds on every bundled scenario", "[tools][golden]") {
  // submitted = placed + failedToPlace + pendingAtEnd, and placed tasks are running, stopped or starting.
  for (const fs::path& scenario : bundled_scenarios()) {
    INFO("scenario " << scenario.string());
    TempDir dir;
    REQUIRE(run_ecsim({"run", scenario.string(), "-o", "out", "--quiet"}, dir.path()).status == 0);
    const auto s = nlohmann::json::parse(read_file(dir.path() / "out" / "summary.json"));
    const auto& t = s["tasks"];
    REQUIRE(t["submitted"].get<std::int64_t>() ==
            t["placed"].get<std::int64_t>() + t["failedToPlace"].get<std::int64_t>() +
                t["pendingAtEnd"].get<std::int64_t>());
    std::int64_t stopped = 0;
    for (const auto& [code, n] : t["stopped"].items()) stopped += n.get<std::int64_t>();
    // STOPPED tasks were placed, or gave up waiting (a capacity provider's PROVISIONING time-out,
    // a waiting service task cancelled): those count as failedToPlace too.
    REQUIRE(stopped <= t["placed"].get<std::int64_t>() + t["failedToPlace"].get<std::int64_t>());
    REQUIRE(t["completed"].get<std::int64_t>() <= stopped);
    for (const char* resource : {"cpu", "memory"}) {
      const double mean = s["utilization"][resource]["mean"].get<double>();
      REQUIRE(mean >= 0.0);
      REQUIRE(mean <= 1.0);
    }
  }
}
