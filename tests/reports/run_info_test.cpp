#include "reports/run_info.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

namespace {

HostInfo fixed_host() {
  HostInfo h;
  h.hostname = "build-1";
  h.cpu_model = "Test CPU @ 2.0GHz";
  h.logical_cpus = 2;
  h.compiler = "gcc 12.2.0";
  h.build_type = "release";
  return h;
}

}  // namespace

TEST_CASE("run_info: run.json renders rates from wall time, with the host", "[reports]") {
  const RunStats stats{.wall_seconds = 2.0, .events = 1000, .placements = 500, .peak_rss_mib = 12.5};
  CHECK(run_json(small_run(), stats, fixed_host()) == R"j({
  "scenario": "small",
  "seed": 42,
  "strategy": "spread(attribute:ecs.availability-zone),binpack(memory)",
  "ecsimVersion": ")j" ECSIM_VERSION R"j(",
  "wallSeconds": 2,
  "events": 1000,
  "placements": 500,
  "eventsPerSecond": 500,
  "placementsPerSecond": 250,
  "simulatedSecondsPerWallSecond": 5400,
  "peakRssMiB": 12.5,
  "host": {
    "hostname": "build-1",
    "cpuModel": "Test CPU @ 2.0GHz",
    "logicalCpus": 2,
    "compiler": "gcc 12.2.0",
    "buildType": "release"
  }
}
)j");
}

TEST_CASE("run_info: rates are 0 when no wall time was measured", "[reports]") {
  const RunStats stats{.wall_seconds = 0, .events = 1000, .placements = 500, .peak_rss_mib = 1};
  const nlohmann::json j = nlohmann::json::parse(run_json(small_run(), stats, fixed_host()));
  CHECK(j["eventsPerSecond"] == 0);
  CHECK(j["placementsPerSecond"] == 0);
  CHECK(j["simulatedSecondsPerWallSecond"] == 0);
}

TEST_CASE("run_info: peak RSS of this process is positive and plausible", "[reports]") {
  const double rss = peak_rss_mib();
  CHECK(rss > 1.0);
  CHECK(rss < 64 * 1024.0);
}

TEST_CASE("run_info: the host names its compiler and build type", "[reports]") {
  const HostInfo h = host_info();
  CHECK_FALSE(h.compiler.empty());
#if defined(__GNUC__) && !defined(__clang__)
  CHECK_THAT(h.compiler, Catch::StartsWith("gcc "));
#else
  CHECK_THAT(h.compiler, Catch::Contains("lang"));
#endif
  // The library is built with CMAKE_BUILD_TYPE as ECSIM_BUILD_TYPE, and so are the tests.
  CHECK_THAT(h.build_type, Catch::StartsWith(ECSIM_BUILD_TYPE));
  // The live form carries the same keys.
  const nlohmann::json j = nlohmann::json::parse(run_json(small_run(), RunStats{}));
  CHECK(j["host"]["compiler"] == h.compiler);
  CHECK(j["host"]["cpuModel"] == h.cpu_model);
}
