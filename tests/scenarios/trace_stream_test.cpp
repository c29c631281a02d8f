// Traces as streams: the loader reads a trace file once and keeps no record of a file in submit
// order, each run reading the file again as it goes; a file out of order is held sorted. Either
// way a run must see exactly the records (and figures) a trace held in memory gives.
#include <algorithm>
#include <catch2/catch.hpp>

#include "replay_trace.h"
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "placement/registry.h"
#include "reports/csv.h"
#include "reports/summary.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "sim/run_result.h"
#include "../tools/run_ecsim.h"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;

using ecsim::testing::Replayed;
using ecsim::testing::replay;

// The same scenario with every trace held in memory, as the loader held them all before.
sim::Scenario in_memory(const sim::Scenario& s) {
  sim::Scenario m = s;
  for (sim::Trace& t : m.traces) {
    Replayed r = replay(t);
    t.stream = nullptr;
    t.tasks = std::move(r.tasks);
    t.recorded_waits = std::move(r.waits);
  }
  return m;
}

std::string scenario_text(const std::string& traces, const std::string& duration = "2h") {
  return R"({"name": "stream", "duration": ")" + duration + R"(",
      "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
                  "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 4},
                                     {"name": "gpu", "instanceType": "g5.12xlarge", "count": 2}]},
      "traces": )" + traces + "}";
}

struct Outputs {
  std::string summary;
  std::string tasks;
};

Outputs run(const sim::Scenario& s) {
  placement::EcsPlacerFactory factory;
  const sim::RunResult r = sim::run_scenario(s, factory);
  return {reports::summary_json(r), reports::tasks_csv(r)};
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

TEST_CASE("trace stream: a file in submit order streams, one out of order is held sorted", "[traces]") {
  testing::TempDir dir;
  write(dir.path() / "sorted.csv", "submit,cpu,memoryMiB,runtime,wait\n10,512,512,60,1\n10,256,256,60,\n12,1,1,1,3\n");
  write(dir.path() / "unsorted.csv", "submit,cpu,memoryMiB,runtime,wait\n12,512,512,60,1\n10,256,256,60,\n11,1,1,1,3\n");
  const sim::Scenario s = load_scenario_text(
      scenario_text(R"([{"file": "sorted.csv", "format": "generic"}, {"file": "unsorted.csv", "format": "generic"}])"),
      "s.json", dir.path().string());
  const sim::Trace& sorted = s.traces[0];
  CHECK(sorted.stream != nullptr);
  CHECK(sorted.in_submit_order);
  CHECK(sorted.tasks.empty());  // no record held
  CHECK(sorted.records_read == 3);
  CHECK(sorted.first_submit == 0);
  CHECK(sorted.last_submit == 2 * sim::kSecond);
  const Replayed a = replay(sorted);
  REQUIRE(a.tasks.size() == 3);
  CHECK(a.tasks[1].submit == 0);
  CHECK(a.tasks[1].need.cpu == 256);
  CHECK(a.tasks[2].submit == 2 * sim::kSecond);
  CHECK(a.waits == std::vector<sim::SimTime>{sim::kSecond, -1, 3 * sim::kSecond});

  const sim::Trace& unsorted = s.traces[1];
  CHECK(unsorted.stream == nullptr);
  CHECK_FALSE(unsorted.in_submit_order);
  CHECK(unsorted.records_read == 3);
  CHECK(unsorted.first_submit == 0);
  CHECK(unsorted.last_submit == 2 * sim::kSecond);
  const Replayed b = replay(unsorted);
  REQUIRE(b.tasks.size() == 3);
  CHECK(b.tasks[0].need.cpu == 256);  // submitted at 10 s: now first, at 0
  CHECK(b.tasks[2].need.cpu == 512);
  CHECK(b.waits == std::vector<sim::SimTime>{-1, 3 * sim::kSecond, sim::kSecond});
  // The figures are those of the records in submit order, whichever way they are held.
  CHECK(unsorted.runtime_seconds == 121.0);
  CHECK(sorted.cpu_unit_seconds == 512 * 60.0 + 256 * 60.0 + 1.0);
  CHECK(unsorted.needs_known);
  CHECK(unsorted.needs.size() == 3);
}

TEST_CASE("trace stream: limit stops the load and every replay at as many records", "[traces]") {
  testing::TempDir dir;
  write(dir.path() / "t.csv", "submit,cpu,memoryMiB,runtime\n1,1,1,1\n2,1,1,1\n3,1,1,1\nx,1,1,1\n");
  const sim::Scenario s = load_scenario_text(scenario_text(R"([{"file": "t.csv", "format": "generic", "limit": 2}])"),
                                             "s.json", dir.path().string());
  CHECK(s.traces[0].records_read == 2);
  CHECK(replay(s.traces[0]).tasks.size() == 2);
  // Without a limit the bad row is found in the loader's one pass, as before.
  CHECK_THROWS_WITH(load_scenario_text(scenario_text(R"([{"file": "t.csv", "format": "generic"}])"), "s.json",
                                       dir.path().string()),
                    "t.csv: line 5: column 1: expected a number of seconds (at least 0) in field submit, got \"x\"");
}

TEST_CASE("trace stream: readers of one trace are independent", "[traces]") {
  testing::TempDir dir;
  write(dir.path() / "t.csv", "submit,cpu,memoryMiB,runtime,family\n1,1,1,1,a\n2,2,1,1,b\n3,3,1,1,a\n");
  const sim::Scenario s = load_scenario_text(scenario_text(R"([{"file": "t.csv", "format": "generic"}])"), "s.json",
                                             dir.path().string());
  const auto one = sim::open_trace_reader(s.traces[0]);
  const auto two = sim::open_trace_reader(s.traces[0]);
  sim::TraceTask a, b;
  sim::SimTime w = -1;
  REQUIRE(one->next(a, w));
  REQUIRE(one->next(a, w));
  REQUIRE(two->next(b, w));
  CHECK(a.need.cpu == 2);
  CHECK(b.need.cpu == 1);
  CHECK(a.family == 1);
  REQUIRE(one->next(a, w));
  CHECK(a.family == 0);
  CHECK_FALSE(one->next(a, w));
}

TEST_CASE("trace stream: a file changed between the load and the run stops the run", "[traces]") {
  testing::TempDir dir;
  const fs::path file = dir.path() / "t.csv";
  write(file, "submit,cpu,memoryMiB,runtime\n1,1,1,1\n2,1,1,1\n3,1,1,1\n");
  const sim::Scenario s = load_scenario_text(scenario_text(R"([{"file": "t.csv", "format": "generic"}])"), "s.json",
                                             dir.path().string());
  write(file, "submit,cpu,memoryMiB,runtime\n1,1,1,1\n2,1,1,1\n");
  CHECK_THROWS_WITH(replay(s.traces[0]),
                    "t.csv: /: expected the trace file as it was when the scenario was loaded, got 2 records, not "
                    "the 3 read at the load");
  write(file, "submit,cpu,memoryMiB,runtime\n1,1,1,1\n0,1,1,1\n3,1,1,1\n");
  CHECK_THROWS_WITH(replay(s.traces[0]),
                    "t.csv: /: expected the trace file as it was when the scenario was loaded, got record 2 unlike the "
                    "one read at the load");
  fs::remove(file);
  placement::EcsPlacerFactory factory;
  CHECK_THROWS_AS(sim::run_scenario(s, factory), sim::InputError);
}

TEST_CASE("trace stream: a run replays a streamed trace as it would the same records in memory", "[traces]") {
  testing::TempDir dir;
  std::string text = "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n";
  for (int k = 0; k < 400; ++k) {
    // Past the run's end too: those records offer no work and their waits are not counted.
    text += std::to_string(k * 25) + "," + std::to_string(256 << (k % 4)) + "," + std::to_string(512 << (k % 3)) + "," +
            (k % 17 == 0 ? std::string() : std::to_string(60 + k % 900)) + "," + std::to_string(k % 11 == 0 ? 1 : 0) +
            ",fam" + std::to_string(k % 3) + ",grp" + std::to_string(k % 5) + "," +
            (k % 7 == 0 ? std::string() : std::to_string(k % 13) + ".5") + "\n";
  }
  write(dir.path() / "t.csv", text);
  const sim::Scenario s = load_scenario_text(
      scenario_text(R"([{"file": "t.csv", "format": "generic", "placementStrategy": [{"type": "binpack", "field": "cpu"}]}])"),
      "s.json", dir.path().string());
  REQUIRE(s.traces[0].stream != nullptr);
  const Outputs streamed = run(s);
  const Outputs held = run(in_memory(s));
  CHECK(streamed.summary == held.summary);
  CHECK(streamed.tasks == held.tasks);
  CHECK(streamed.summary.find("\"traceWait\"") != std::string::npos);
  // Runs on several threads share the scenario, each with its own readers.
  Outputs parallel[2];
  std::thread other([&] { parallel[0] = run(s); });
  parallel[1] = run(s);
  other.join();
  for (const Outputs& o : parallel) {
    CHECK(o.summary == streamed.summary);
    CHECK(o.tasks == streamed.tasks);
  }
}

TEST_CASE("trace stream: the published Alibaba traces replay as they did held in memory", "[traces]") {
  const fs::path data = fs::path(ECSIM_SHARED_DATA_DIR) / "traces";
  const fs::path pods = data / "alibaba-gpu-v2023" / "openb_pod_list_default.csv";
  const fs::path dlrm = data / "alibaba-gpu-v2025" / "disaggregated_DLRM_trace.csv";
  if (!fs::exists(pods) || !fs::exists(dlrm)) {
    WARN("skipped: the Alibaba trace files are not in " << data.string());
    return;
  }
  const sim::Scenario s =
      load_scenario_text(scenario_text(R"([{"file": "alibaba-gpu-v2023/openb_pod_list_default.csv", "format": "alibaba-gpu-2023"},
                                           {"file": "alibaba-gpu-v2025/disaggregated_DLRM_trace.csv", "format": "alibaba-dlrm-2025"}])",
                                       "1d"),
                         "s.json", data.string());
  CHECK(s.traces[0].stream != nullptr);  // the pod list is in creation order
  CHECK(s.traces[1].stream == nullptr);  // the DLRM instances are not
  const Outputs streamed = run(s);
  const Outputs held = run(in_memory(s));
  CHECK(streamed.summary == held.summary);
  CHECK(streamed.tasks == held.tasks);
}

}  // namespace
}  // namespace ecsim::scenarios

