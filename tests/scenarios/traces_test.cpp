// The scenario's "traces" entries: each format's records become the trace's tasks, with the
// entry's options and the counts the summary reports.
#include "scenarios/traces.h"

#include <catch2/catch.hpp>

#include "scenarios/loader.h"

namespace ecsim::scenarios {
namespace {

const std::string kBrokenDir = std::string(ECSIM_SOURCE_DIR) + "/tests/scenarios/broken";

sim::Scenario load_traces_json(const std::string& traces) {
  const std::string text = R"({"cluster": {"availabilityZones": ["us-east-1a"],
      "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 1}]},
      "traces": )" + traces + "}";
  return load_scenario_text(text, "s.json", kBrokenDir);
}

TEST_CASE("traces: an SWF entry's jobs become tasks with the trace's own waits", "[traces]") {
  const auto s = load_traces_json(R"([{"file": "files/jobs.swf", "format": "swf", "defaultMemoryMiB": 1024}])");
  REQUIRE(s.traces.size() == 1);
  const sim::Trace& t = s.traces[0];
  CHECK(t.format == "swf");
  CHECK(t.records_read == 1);
  REQUIRE(t.tasks.size() == 1);
  CHECK(t.tasks[0].need.cpu == 2048);
  CHECK(t.tasks[0].need.memory_mib == 2048);  // 1024 MiB per processor
  CHECK(t.recorded_waits == std::vector<sim::SimTime>{5 * sim::kSecond});
  CHECK(t.groups == std::vector<std::string>{"user:1"});
}

TEST_CASE("traces: skipBadRows counts the skipped rows with the format's skips", "[traces]") {
  const auto s = load_traces_json(R"([{"file": "files/bad-jobs.swf", "format": "swf", "skipBadRows": true},
                                      {"file": "files/bad-trace.csv", "format": "generic", "skipBadRows": true}])");
  CHECK(s.traces[0].records_read == 1);
  CHECK(s.traces[0].records_skipped == 1);
  CHECK(s.traces[1].records_read == 1);
  CHECK(s.traces[1].records_skipped == 1);
}

TEST_CASE("traces: a google-2019 entry scales requests by its machine size", "[traces]") {
  const auto s = load_traces_json(
      R"([{"file": "files/events.csv", "format": "google-2019", "machineCpus": 10, "machineMemoryMiB": 1000}])");
  const sim::Trace& t = s.traces[0];
  REQUIRE(t.tasks.size() == 1);
  CHECK(t.tasks[0].need.cpu == 103);  // 0.01 × 10 × 1024 = 102.4, rounded up
  CHECK(t.tasks[0].need.memory_mib == 10);
  CHECK(t.tasks[0].runtime == sim::kNever);  // still running at the end of the file
  CHECK(t.recorded_waits == std::vector<sim::SimTime>{sim::kSecond});
}

}  // namespace
}  // namespace ecsim::scenarios
