// Traces out of submit order sorted through a temporary file (scenarios/trace_sort.h): with
// chunks of a few records the loader spills sorted runs and each replay merges them; the
// records, the loader's figures and every output must be those of the whole file sorted in
// memory, and the temporary file must go on every path.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../tools/run_ecsim.h"
#include "tests/reports/file_size_limit.h"
#include "placement/registry.h"
#include "replay_trace.h"
#include "reports/csv.h"
#include "reports/outputs.h"
#include "reports/run_info.h"
#include "reports/summary.h"
#include "scenarios/loader.h"
#include "scenarios/trace_reader.h"
#include "scenarios/trace_sort.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "sim/run_result.h"
#include "tools/validate_report.h"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;

using ecsim::testing::Replayed;
using ecsim::testing::replay;

// Sets the process's sort options for the scope, then restores them.
class SortOptions {
 public:
  explicit SortOptions(std::int64_t chunk, std::string temp_dir = {}) : saved_(trace_sort_options()) {
    TraceSortOptions o;
    o.chunk_records = chunk;
    o.temp_dir = std::move(temp_dir);
    set_trace_sort_options(o);
  }
  ~SortOptions() { set_trace_sort_options(saved_); }
  SortOptions(const SortOptions&) = delete;
  SortOptions& operator=(const SortOptions&) = delete;

 private:
  TraceSortOptions saved_;
};

std::size_t open_fds() {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator()));
}

bool empty_dir(const fs::path& dir) { return fs::directory_iterator(dir) == fs::directory_iterator(); }

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct Rng {  // xorshift64: the same file every time
  std::uint64_t x = 88172645463325252ULL;
  std::uint64_t next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
};

// A generic trace in no order, many records sharing a submit time; the runtime (k + 1 s) tells
// the records apart. Some have the trace's wait, and the first `no_wait` records none.
std::string shuffled_generic(int n, int no_wait = 0) {
  Rng rng;
  std::string text = "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n";
  for (int k = 0; k < n; ++k) {
    const std::uint64_t x = rng.next();
    text += std::to_string(50 + x % 40) + "." + std::to_string(x >> 8 & 1 ? 5 : 0) + "," +
            std::to_string(256 << (x >> 10 & 3)) + "," + std::to_string(512 << (x >> 12 & 3)) + "," +
            std::to_string(k + 1) + "," + std::to_string(x >> 14 & 7 ? 0 : 1) + ",fam" + std::to_string(x >> 16 & 3) +
            ",grp" + std::to_string(x >> 18 & 7) + "," +
            (k < no_wait || (x >> 20) % 5 == 0 ? std::string() : std::to_string(x >> 24 & 15)) + "\n";
  }
  return text;
}

// A google-2019 instance_events table (time order, as Google publishes it) of n instances:
// submitted at one of few instants (ties), scheduled within 30 s, ended by FINISH, KILL or EVICT
// or not at all. Its records come out as their tasks end: out of submit order.
std::string google_events(int n) {
  struct Event {
    std::int64_t time;
    int k;
    int type;
  };
  Rng rng;
  std::vector<Event> events;
  for (int k = 0; k < n; ++k) {
    const std::uint64_t x = rng.next();
    const std::int64_t submit = static_cast<std::int64_t>(x % 200) * 1000000;
    const std::int64_t schedule = submit + static_cast<std::int64_t>(x >> 8 & 31) * 1000000;
    events.push_back({submit, k, 0});
    events.push_back({schedule, k, 3});
    if ((x >> 13) % 10 != 0) {
      const int end = (x >> 17) % 3 == 0 ? 7 : (x >> 17) % 3 == 1 ? 6 : 4;
      events.push_back({schedule + 1 + static_cast<std::int64_t>((x >> 20) % 3000) * 1000000, k, end});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
  std::string text =
      "time,type,collection_id,priority,instance_index,collection_type,resource_request.cpus,resource_request.memory\n";
  for (const Event& e : events) {
    const int k = e.k;
    text += std::to_string(e.time) + "," + std::to_string(e.type) + "," + std::to_string(1000 + k / 10) + "," +
            std::to_string(k % 3 * 100) + "," + std::to_string(k % 10) + ",0," +
            (e.type == 0 ? "0.0" + std::to_string(1 + k % 9) + ",0.0" + std::to_string(1 + k % 7) : std::string(",")) +
            "\n";
  }
  return text;
}

std::string scenario_text(const std::string& traces, const std::string& duration = "2h") {
  return R"({"name": "sorted", "duration": ")" + duration + R"(",
      "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
                  "instanceGroups": [{"name": "g", "instanceType": "m5.4xlarge", "count": 6},
                                     {"name": "gpu", "instanceType": "g5.12xlarge", "count": 2}]},
      "traces": )" + traces + "}";
}

sim::Scenario load(const fs::path& dir, const std::string& traces, const std::string& duration = "2h") {
  return load_scenario_text(scenario_text(traces, duration), "s.json", dir.string());
}

// Everything the loader computes for a trace is the same.
void check_same_figures(const sim::Trace& a, const sim::Trace& b) {
  CHECK(a.families == b.families);
  CHECK(a.groups == b.groups);
  CHECK(a.records_read == b.records_read);
  CHECK(a.records_skipped == b.records_skipped);
  CHECK(a.in_submit_order == b.in_submit_order);
  CHECK(a.first_submit == b.first_submit);
  CHECK(a.last_submit == b.last_submit);
  CHECK(a.runtime_seconds == b.runtime_seconds);  // summed in the same order: exactly equal
  CHECK(a.cpu_unit_seconds == b.cpu_unit_seconds);
  CHECK(a.memory_mib_seconds == b.memory_mib_seconds);
  CHECK(a.needs_known == b.needs_known);
  CHECK(a.needs.size() == b.needs.size());
  for (std::size_t i = 0; i < std::min(a.needs.size(), b.needs.size()); ++i) {
    CHECK(a.needs[i].first.cpu == b.needs[i].first.cpu);
    CHECK(a.needs[i].first.memory_mib == b.needs[i].first.memory_mib);
    CHECK(a.needs[i].first.gpus == b.needs[i].first.gpus);
    CHECK(a.needs[i].second == b.needs[i].second);
  }
}

void check_same_records(const Replayed& a, const Replayed& b) {
  REQUIRE(a.tasks.size() == b.tasks.size());
  CHECK(a.waits == b.waits);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.tasks.size(); ++i) {
    const sim::TraceTask& x = a.tasks[i];
    const sim::TraceTask& y = b.tasks[i];
    differ += x.submit != y.submit || x.runtime != y.runtime || x.need.cpu != y.need.cpu ||
              x.need.memory_mib != y.need.memory_mib || x.need.gpus != y.need.gpus || x.family != y.family ||
              x.group != y.group;
  }
  CHECK(differ == 0);
}

// The records of `text` as the format's reader gives them, sorted by submit time, stably: the
// order a replay must give.
std::vector<TraceRecord> sorted_records(const std::string& format, const std::string& text,
                                       const TraceOptions& options = {}) {
  std::istringstream in(text);
  const auto source = open_trace(format, in, "t.csv", options);
  std::vector<TraceRecord> out;
  TraceRecord r;
  while (source->next(r)) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),
                   [](const TraceRecord& a, const TraceRecord& b) { return a.submit < b.submit; });
  return out;
}

// A replay against the records sorted: same records, same order, waits with their tasks.
void check_order(const sim::Trace& t, const Replayed& got, const std::vector<TraceRecord>& want) {
  REQUIRE(got.tasks.size() == want.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const sim::TraceTask& g = got.tasks[i];
    const TraceRecord& w = want[i];
    differ += g.submit != w.submit - want.front().submit || g.runtime != w.runtime || g.need.cpu != w.cpu ||
              g.need.memory_mib != w.memory_mib || t.families[g.family] != w.family || got.waits[i] != w.recorded_wait;
  }
  CHECK(differ == 0);
}

struct Outputs {
  std::string validate_text;
  std::string validate_json;
  std::vector<std::pair<std::string, std::string>> files;  // `ecsim run`'s output directory
};

// What `ecsim validate` prints and what `ecsim run` writes for the scenario.
Outputs outputs(const sim::Scenario& s) {
  Outputs o;
  const tools::ValidateReport report = tools::build_validate_report(s, "s.json");
  o.validate_text = tools::validate_text(report, false);
  o.validate_json = tools::validate_json(report);
  placement::EcsPlacerFactory factory;
  const sim::RunResult r = sim::run_scenario(s, factory);
  ecsim::testing::TempDir dir;
  reports::write_outputs(r, reports::RunStats{}, dir.path());
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir.path())) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const fs::path& p : paths) o.files.emplace_back(p.filename().string(), ecsim::testing::read_file(p));
  return o;
}

void check_same_outputs(const Outputs& a, const Outputs& b) {
  CHECK(a.validate_text == b.validate_text);
  CHECK(a.validate_json == b.validate_json);
  REQUIRE(a.files.size() == b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    INFO(a.files[i].first);
    CHECK(a.files[i].first == b.files[i].first);
    CHECK(a.files[i].second == b.files[i].second);
  }
}

TEST_CASE("trace sort: tiny chunks merge to the order of the whole file sorted, ties in file order", "[traces]") {
  ecsim::testing::TempDir dir;
  const std::string text = shuffled_generic(1000, 40);
  write(dir.path() / "t.csv", text);
  const std::string traces = R"([{"file": "t.csv", "format": "generic"}])";
  const sim::Scenario held = load(dir.path(), traces);
  REQUIRE(held.traces[0].stream == nullptr);  // one chunk: held in memory, as before
  REQUIRE_FALSE(held.traces[0].in_submit_order);
  const Replayed want = replay(held.traces[0]);
  check_order(held.traces[0], want, sorted_records("generic", text));
  for (const std::int64_t chunk : {1, 2, 7, 999, 1000}) {
    INFO("chunk " << chunk);
    const SortOptions sort(chunk);
    const sim::Scenario s = load(dir.path(), traces);
    const sim::Trace& t = s.traces[0];
    CHECK((t.stream != nullptr) == (chunk < 1000));  // 1,000 records fit in a chunk of 1,000
    CHECK(t.tasks.empty() == (chunk < 1000));
    CHECK(t.recorded_waits.empty() == (chunk < 1000));
    check_same_figures(t, held.traces[0]);
    check_same_records(replay(t), want);
  }
}

TEST_CASE("trace sort: limit, absoluteTime and a file of no wait", "[traces]") {
  ecsim::testing::TempDir dir;
  write(dir.path() / "t.csv", shuffled_generic(300));
  write(dir.path() / "nowait.csv", shuffled_generic(300, 300));
  const std::string traces = R"([{"file": "t.csv", "format": "generic", "limit": 251, "absoluteTime": true},
                                 {"file": "nowait.csv", "format": "generic"}])";
  const sim::Scenario held = load(dir.path(), traces);
  REQUIRE(held.traces[0].records_read == 251);
  CHECK(held.traces[0].first_submit > 0);  // absolute
  CHECK(held.traces[1].recorded_waits.empty());
  const SortOptions sort(10);
  const sim::Scenario s = load(dir.path(), traces);
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(s.traces[i].stream != nullptr);
    check_same_figures(s.traces[i], held.traces[i]);
    check_same_records(replay(s.traces[i]), replay(held.traces[i]));
  }
  CHECK(replay(s.traces[1]).waits == std::vector<sim::SimTime>(300, -1));
}

TEST_CASE("trace sort: a google-2019 table sorted in chunks validates and runs as held in memory", "[traces]") {
  ecsim::testing::TempDir dir;
  const std::string text = google_events(1500);
  write(dir.path() / "events.csv", text);
  const std::string traces = R"([{"file": "events.csv", "format": "google-2019", "machineCpus": 16,
                                  "machineMemoryMiB": 65536,
                                  "placementStrategy": [{"type": "binpack", "field": "cpu"}]}])";
  const sim::Scenario held = load(dir.path(), traces);
  REQUIRE(held.traces[0].stream == nullptr);
  const Outputs want = outputs(held);
  TraceOptions machine;
  machine.machine_cpus = 16;
  machine.machine_memory_mib = 65536;
  const std::vector<TraceRecord> sorted = sorted_records("google-2019", text, machine);
  check_order(held.traces[0], replay(held.traces[0]), sorted);
  for (const std::int64_t chunk : {3, 100}) {
    INFO("chunk " << chunk);
    const SortOptions sort(chunk);
    const sim::Scenario s = load(dir.path(), traces);
    REQUIRE(s.traces[0].stream != nullptr);
    check_same_figures(s.traces[0], held.traces[0]);
    check_order(s.traces[0], replay(s.traces[0]), sorted);
    check_same_outputs(outputs(s), want);
  }
}

TEST_CASE("trace sort: the published DLRM trace sorted in chunks validates and runs as held in memory", "[traces]") {
  const fs::path data = fs::path(ECSIM_SHARED_DATA_DIR) / "traces";
  const fs::path dlrm = data / "alibaba-gpu-v2025" / "disaggregated_DLRM_trace.csv";
  if (!fs::exists(dlrm)) {
    WARN("skipped: the Alibaba trace file is not in " << data.string());
    return;
  }
  const std::string traces =
      R"([{"file": "alibaba-gpu-v2025/disaggregated_DLRM_trace.csv", "format": "alibaba-dlrm-2025"}])";
  const sim::Scenario held = load(data, traces, "1d");
  REQUIRE(held.traces[0].stream == nullptr);
  REQUIRE_FALSE(held.traces[0].in_submit_order);
  const Replayed want = replay(held.traces[0]);
  check_order(held.traces[0], want,
              sorted_records("alibaba-dlrm-2025", ecsim::testing::read_file(dlrm)));
  {
    const SortOptions sort(1);  // a run a record
    const sim::Scenario s = load(data, traces, "1d");
    check_same_figures(s.traces[0], held.traces[0]);
    check_same_records(replay(s.traces[0]), want);
  }
  const SortOptions sort(1000);
  const sim::Scenario s = load(data, traces, "1d");
  REQUIRE(s.traces[0].stream != nullptr);
  check_same_figures(s.traces[0], held.traces[0]);
  check_same_outputs(outputs(s), outputs(held));
}

TEST_CASE("trace sort: readers of the runs are independent, also on several threads", "[traces]") {
  ecsim::testing::TempDir dir;
  write(dir.path() / "t.csv", shuffled_generic(400));
  const SortOptions sort(16);
  const sim::Scenario s = load(dir.path(), R"([{"file": "t.csv", "format": "generic"}])");
  const auto one = sim::open_trace_reader(s.traces[0]);
  const auto two = sim::open_trace_reader(s.traces[0]);
  sim::TraceTask a, b;
  sim::SimTime w = -1;
  REQUIRE(one->next(a, w));
  REQUIRE(one->next(a, w));
  REQUIRE(two->next(b, w));
  CHECK(b.submit == 0);
  CHECK(a.submit >= b.submit);
  const Replayed whole = replay(s.traces[0]);
  Replayed parallel[2];
  std::thread other([&] { parallel[0] = replay(s.traces[0]); });
  parallel[1] = replay(s.traces[0]);
  other.join();
  check_same_records(parallel[0], whole);
  check_same_records(parallel[1], whole);
}

TEST_CASE("trace sort: the temporary file has no name and goes with the trace, or with an error", "[traces]") {
  ecsim::testing::TempDir dir;
  ecsim::testing::TempDir temp;
  write(dir.path() / "t.csv", shuffled_generic(200));
  write(dir.path() / "bad.csv", shuffled_generic(200) + "x,1,1,1,0,f,g,\n");
  const SortOptions sort(8, temp.path().string());
  const std::size_t fds = open_fds();
  {
    const sim::Scenario s = load(dir.path(), R"([{"file": "t.csv", "format": "generic"}])");
    CHECK(empty_dir(temp.path()));
    CHECK(open_fds() == fds + 1);  // the runs' file, open while the trace is
    CHECK(replay(s.traces[0]).tasks.size() == 200);
    CHECK(open_fds() == fds + 1);
  }
  CHECK(open_fds() == fds);
  // A bad row after 24 runs were written: the row's error, and no file left.
  CHECK_THROWS_WITH(load(dir.path(), R"([{"file": "bad.csv", "format": "generic"}])"),
                    Catch::Contains("bad.csv: line 202: column 1: expected a number of seconds"));
  CHECK(open_fds() == fds);
  CHECK(empty_dir(temp.path()));
}

TEST_CASE("trace sort: a temporary file that cannot be written is bad input naming the trace", "[traces]") {
  ecsim::testing::TempDir dir;
  ecsim::testing::TempDir temp;
  write(dir.path() / "t.csv", shuffled_generic(2000));
  const std::string traces = R"([{"file": "t.csv", "format": "generic"}])";
  const std::size_t fds = open_fds();
  {
    // A full disk: the file may not pass 4 KiB (the runs need 96,000 bytes).
    const SortOptions sort(10, temp.path().string());
    const ecsim::testing::FileSizeLimit limit(4096);
    CHECK_THROWS_WITH(load(dir.path(), traces),
                      "s.json: /traces/0/file: expected a temporary file (in TMPDIR, else /tmp) to sort \"t.csv\"'s "
                      "records in (they are out of submit order), got cannot write a temporary file in " +
                          temp.path().string() + " (File too large)");
  }
  CHECK(open_fds() == fds);
  CHECK(empty_dir(temp.path()));
  {
    const SortOptions sort(10, (temp.path() / "gone").string());
    CHECK_THROWS_WITH(load(dir.path(), traces),
                      "s.json: /traces/0/file: expected a temporary file (in TMPDIR, else /tmp) to sort \"t.csv\"'s "
                      "records in (they are out of submit order), got cannot create a temporary file in " +
                          (temp.path() / "gone").string() + " (No such file or directory)");
  }
  CHECK(open_fds() == fds);
  // The file fits in one chunk: held in memory, no temporary file needed.
  const SortOptions sort(2000, (temp.path() / "gone").string());
  CHECK(load(dir.path(), traces).traces[0].records_read == 2000);
}

}  // namespace
}  // namespace ecsim::scenarios
