// The scenario's "traces" entries: each format's records become the trace's tasks, with the
// entry's options and the counts the summary reports.
#include "scenarios/traces.h"

#include <catch2/catch.hpp>

#include "replay_trace.h"
#include <fstream>

#include "scenarios/loader.h"

namespace ecsim::scenarios {
namespace {

const std::string kBrokenDir = std::string(ECSIM_SOURCE_DIR) + "/tests/scenarios/broken";

using ecsim::testing::Replayed;
using ecsim::testing::replay;

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
  const Replayed r = replay(t);
  REQUIRE(r.tasks.size() == 1);
  CHECK(r.tasks[0].need.cpu == 2048);
  CHECK(r.tasks[0].need.memory_mib == 2048);  // 1024 MiB per processor
  CHECK(r.waits == std::vector<sim::SimTime>{5 * sim::kSecond});  // per task
  CHECK(t.groups == std::vector<std::string>{"user:1"});
}

TEST_CASE("traces: the trace's own waits follow their tasks into submit order", "[traces]") {
  const auto s = load_traces_json(R"([{"file": "files/waits.csv", "format": "generic"}])");
  const Replayed r = replay(s.traces[0]);
  REQUIRE(r.tasks.size() == 2);
  CHECK(r.tasks[0].submit == 0);
  CHECK(r.tasks[1].submit == 5 * sim::kSecond);
  CHECK(r.waits == std::vector<sim::SimTime>{2 * sim::kSecond, -1});
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
  const Replayed r = replay(s.traces[0]);
  REQUIRE(r.tasks.size() == 1);
  CHECK(r.tasks[0].need.cpu == 103);  // 0.01 × 10 × 1024 = 102.4, rounded up
  CHECK(r.tasks[0].need.memory_mib == 10);
  CHECK(r.tasks[0].runtime == sim::kNever);  // still running at the end of the file
  CHECK(r.waits == std::vector<sim::SimTime>{sim::kSecond});
}

}  // namespace
}  // namespace ecsim::scenarios

namespace ecsim::scenarios {
namespace {

TEST_CASE("traces: a node list becomes instance groups, one per node shape", "[traces]") {
  const std::string text = R"({"cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
      "instanceGroups": [{"name": "web", "instanceType": "m5.large", "count": 1},
                         {"name": "openb", "fromTrace": {"format": "alibaba-gpu-2023-nodes", "file": "files/nodes.csv"}}]}})";
  const sim::Scenario s = load_scenario_text(text, "s.json", kBrokenDir);
  const auto& groups = s.cluster.instance_groups;
  REQUIRE(groups.size() == 3);
  CHECK(groups[1].name == "openb-32vcpu-262144mib");
  CHECK(groups[1].count == 2);
  CHECK(groups[1].zones == std::vector<std::uint32_t>{0, 1});
  CHECK(groups[2].name == "openb-96vcpu-393216mib-8gpu-G2");
  CHECK(groups[2].count == 1);
  REQUIRE(groups[2].attributes.size() == 1);
  CHECK(groups[2].attributes[0].name == "gpuModel");
  CHECK(groups[2].attributes[0].value == "G2");
  const sim::InstanceType& type = s.instance_types[groups[2].instance_type];
  CHECK(type.vcpu == 96);
  CHECK(type.memory_mib == 393216);
  CHECK(type.os_memory_mib == 393216);
  CHECK(type.gpus == 8);
  CHECK(type.price_microdollars_per_hour == 0);
}

TEST_CASE("traces: the published v2023 node list is 1523 nodes", "[traces]") {
  const std::string nodes =
      std::string(ECSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2023/openb_node_list_all_node.csv";
  if (!std::ifstream(nodes)) {
    WARN("skipped: " << nodes << " is absent");
    return;
  }
  const std::string text = R"({"cluster": {"availabilityZones": ["us-east-1a"],
      "instanceGroups": [{"name": "openb", "fromTrace": {"format": "alibaba-gpu-2023-nodes", "file": ")" + nodes + R"("}}]}})";
  const sim::Scenario s = load_scenario_text(text, "s.json", kBrokenDir);
  std::int64_t total = 0;
  std::int64_t gpus = 0;
  for (const auto& g : s.cluster.instance_groups) {
    total += g.count;
    gpus += static_cast<std::int64_t>(g.count) * s.instance_types[g.instance_type].gpus;
  }
  CHECK(total == 1523);
  CHECK(s.cluster.instance_groups.size() == 27);
  CHECK(gpus == 6212);
}

}  // namespace
}  // namespace ecsim::scenarios
