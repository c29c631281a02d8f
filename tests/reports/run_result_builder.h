// Builders and fakes for the reports tests: hand-built RunResults (no engine) and scratch
// directories.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/run_result.h"

// Tests write records with designated initializers and leave out what did not happen, relying
// on the default member initializers; gcc 12 warns about each omitted member anyway.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace ecsim::reports::testing {

using sim::FailureReason;
using sim::kHour;
using sim::kMinute;
using sim::kNever;
using sim::kSecond;
using sim::SimTime;
using sim::StopCode;

// One task record; fields left out did not happen.
struct TaskSpec {
  std::string family = "web";
  std::int32_t revision = 1;
  std::string group = "family:web";
  std::string instance;  // instance id; "" when never placed
  SimTime submitted = 0;
  SimTime placed = kNever;
  SimTime started = kNever;
  SimTime stopped = kNever;
  StopCode stop_code = StopCode::kNone;
  FailureReason failure = FailureReason::kNone;
  bool rejected = false;
  std::int32_t cpu = 256;
  std::int32_t memory_mib = 512;
  // The submitting service, job or trace: a source added with service(), job() or trace(), or
  // a job of that name added on first use (strategy: the run's).
  std::string source = "default";
};

class RunResultBuilder {
 public:
  RunResultBuilder() {
    r_.scenario = "test";
    r_.seed = 1;
    r_.strategy = "binpack(memory)";
    r_.duration = kHour;
    r_.sample_interval = kMinute;
  }

  RunResultBuilder& scenario(std::string name) { r_.scenario = std::move(name); return *this; }
  RunResultBuilder& seed(std::uint64_t s) { r_.seed = s; return *this; }
  RunResultBuilder& strategy(std::string s) { r_.strategy = std::move(s); return *this; }
  RunResultBuilder& duration(SimTime d) { r_.duration = d; return *this; }
  RunResultBuilder& events(std::uint64_t n) { r_.events = n; return *this; }

  RunResultBuilder& zone(const std::string& name) { intern(r_.zones, name); return *this; }

  RunResultBuilder& instance_type(const std::string& name, std::int64_t price_microdollars_per_hour) {
    r_.instance_types.push_back(name);
    r_.price_microdollars_per_hour.push_back(price_microdollars_per_hour);
    return *this;
  }

  // Zone and type are added on first use (a new type costs nothing).
  RunResultBuilder& instance(const std::string& id, const std::string& zone_name, const std::string& type_name,
                             SimTime launched = 0, SimTime terminated = kNever) {
    std::uint32_t type = find(r_.instance_types, type_name);
    if (type == r_.instance_types.size()) instance_type(type_name, 0);
    sim::InstanceRecords& in = r_.instances;
    in.id.push_back(id);
    in.zone.push_back(intern(r_.zones, zone_name));
    in.type.push_back(type);
    in.market.push_back(sim::Market::kOnDemand);
    in.launched_at.push_back(launched);
    in.registered_at.push_back(launched);
    in.terminated_at.push_back(terminated);
    in.cpu_registered.push_back(2048);
    in.memory_registered_mib.push_back(7680);
    return *this;
  }

  // Sources stay in the order services, jobs, traces: adding one shifts the later indices.
  RunResultBuilder& source(const std::string& name, sim::SourceKind kind, std::string strategy = "") {
    std::uint32_t at = 0;
    while (at < r_.sources.size() && r_.sources[at].kind <= kind) ++at;
    r_.sources.insert(r_.sources.begin() + at,
                      sim::SourceInfo{name, kind, strategy.empty() ? r_.strategy : std::move(strategy)});
    for (std::uint32_t& s : r_.tasks.source) s += s >= at ? 1 : 0;
    for (sim::ServiceResult& s : r_.services) s.source += s.source >= at ? 1 : 0;
    return *this;
  }
  RunResultBuilder& job(const std::string& name, std::string strategy = "") {
    return source(name, sim::SourceKind::kJob, std::move(strategy));
  }
  // A service source and its ServiceResult (whose `source` is set here).
  RunResultBuilder& service(const std::string& name, sim::ServiceResult s = {}, std::string strategy = "") {
    source(name, sim::SourceKind::kService, std::move(strategy));
    s.source = static_cast<std::uint32_t>(r_.services.size());  // services come first, in order
    r_.services.push_back(std::move(s));
    return *this;
  }
  RunResultBuilder& marker(const sim::Marker& m) { r_.markers.push_back(m); return *this; }
  RunResultBuilder& service_event(const sim::ServiceEvent& e) { r_.service_events.push_back(e); return *this; }

  RunResultBuilder& task(const TaskSpec& s) {
    sim::TaskRecords& t = r_.tasks;
    std::uint32_t source = 0;
    while (source < r_.sources.size() && r_.sources[source].name != s.source) ++source;
    if (source == r_.sources.size()) {
      job(s.source);
      source = 0;
      while (r_.sources[source].name != s.source) ++source;
    }
    t.source.push_back(source);
    t.family.push_back(intern(r_.families, s.family));
    t.revision.push_back(s.revision);
    t.group.push_back(intern(r_.groups, s.group));
    if (s.instance.empty()) {
      t.instance.push_back(sim::kNoInstance);
    } else {
      const std::uint32_t i = find(r_.instances.id, s.instance);
      if (i == r_.instances.id.size()) throw std::logic_error("builder: no instance " + s.instance);
      t.instance.push_back(i);
    }
    t.submitted_at.push_back(s.submitted);
    t.placed_at.push_back(s.placed);
    t.started_at.push_back(s.started);
    t.stopped_at.push_back(s.stopped);
    t.stop_code.push_back(s.stop_code);
    t.stop_reason.push_back(s.stop_code == StopCode::kEssentialContainerExited ? sim::StopReason::kEssentialContainerExited
                                                                                 : sim::StopReason::kNone);
    t.failure_reason.push_back(s.failure);
    t.rejected.push_back(s.rejected ? 1 : 0);
    t.cpu.push_back(s.cpu);
    t.memory_mib.push_back(s.memory_mib);
    return *this;
  }

  RunResultBuilder& sample(const sim::Sample& s) { r_.samples.push_back(s); return *this; }

  RunResultBuilder& placement_failures(FailureReason reason, std::int64_t count) {
    r_.placement_failures[static_cast<std::size_t>(reason)] = count;
    return *this;
  }

  RunResultBuilder& trace(std::string file, std::string format, std::int64_t read, std::int64_t skipped,
                          double offered) {
    source(file, sim::SourceKind::kTrace);
    r_.traces.push_back(sim::TraceStats{std::move(file), std::move(format), read, skipped, offered, {}});
    return *this;
  }

  // Direct access for what the builder does not cover (utilization figures, broken results).
  sim::RunResult& result() { return r_; }
  sim::RunResult build() const { return r_; }

 private:
  static std::uint32_t find(const std::vector<std::string>& names, const std::string& name) {
    std::uint32_t i = 0;
    while (i < names.size() && names[i] != name) ++i;
    return i;
  }
  static std::uint32_t intern(std::vector<std::string>& names, const std::string& name) {
    const std::uint32_t i = find(names, name);
    if (i == names.size()) names.push_back(name);
    return i;
  }

  sim::RunResult r_;
};

// A small run used by several golden tests: 3 h, two zones, two m5.xlarge instances at $0.192/h
// (one terminated at 2 h, one alive to the end), five tasks in every end state, from the
// service "web" (REPLICA, desired 2, one deployment of web:3 completed at 11 s) and the job "etl":
//   t1 web  completed: submitted 0, placed 2 s, RUNNING 3.5 s, stopped 1 h 3.5 s
//   t2 web  running at the end: submitted 10 s, placed 10 s, RUNNING 11 s
//   t3 etl  rejected (RESOURCE:MEMORY): submitted 20 s
//   t4 etl  still waiting at the end (first attempt RESOURCE:CPU): submitted 30 s
//   t5 etl  failed to start: submitted 40 s, placed 100 s, stopped 200 s
inline sim::RunResult small_run() {
  RunResultBuilder b;
  b.scenario("small").seed(42).strategy("spread(attribute:ecs.availability-zone),binpack(memory)")
      .duration(3 * kHour).events(1234)
      .zone("us-east-1a").zone("us-east-1b")
      .service("web", {.desired_count = 2, .running_min = 0, .running_max = 2, .running_mean = 1.25,
                       .below_desired = kHour + 11 * kSecond, .min_healthy = 1, .replacements = 0,
                       .deployments = {{.task_definition = "web:3", .started_at = 0, .completed_at = 11 * kSecond,
                                        .rollout_state = sim::RolloutState::kCompleted}}})
      .job("etl", "binpack(cpu)")
      .instance_type("m5.xlarge", 192'000)
      .instance("general-1", "us-east-1a", "m5.xlarge", 0, 2 * kHour)
      .instance("general-2", "us-east-1b", "m5.xlarge", 0)
      .task({.family = "web", .revision = 3, .group = "service:web", .instance = "general-1", .submitted = 0,
             .placed = 2 * kSecond, .started = 3'500'000, .stopped = kHour + 3'500'000,
             .stop_code = StopCode::kEssentialContainerExited, .source = "web"})
      .task({.family = "web", .revision = 3, .group = "service:web", .instance = "general-2",
             .submitted = 10 * kSecond, .placed = 10 * kSecond, .started = 11 * kSecond, .source = "web"})
      .task({.family = "etl", .group = "family:etl", .submitted = 20 * kSecond,
             .failure = FailureReason::kResourceMemory, .rejected = true, .source = "etl"})
      .task({.family = "etl", .group = "family:etl", .submitted = 30 * kSecond,
             .failure = FailureReason::kResourceCpu, .source = "etl"})
      .task({.family = "etl", .group = "family:etl", .instance = "general-2", .submitted = 40 * kSecond,
             .placed = 100 * kSecond, .stopped = 200 * kSecond, .stop_code = StopCode::kTaskFailedToStart,
             .source = "etl"})
      .placement_failures(FailureReason::kResourceCpu, 3)
      .placement_failures(FailureReason::kResourceMemory, 1)
      .sample({.time = 0, .running = 0, .pending = 1, .starting = 0, .instances = 2, .cpu_reserved = 0,
               .cpu_registered = 8192, .memory_reserved_mib = 0, .memory_registered_mib = 31000, .submitted = 1})
      .sample({.time = kHour, .running = 1, .pending = 1, .starting = 0, .instances = 2, .cpu_reserved = 1024,
               .cpu_registered = 3072, .memory_reserved_mib = 512, .memory_registered_mib = 15500,
               .submitted = 5, .completed = 0, .failed_to_place = 1});
  sim::RunResult& r = b.result();
  r.cpu.overall = {0.25, 0.5, 0.75};
  r.cpu.by_zone = {{0.5, 0.75, 1.0}, {0.125, 0.25, 0.375}};
  r.cpu.by_type = {{0.25, 0.5, 0.75}};
  r.memory.overall = {0.1, 0.2, 0.3};
  r.memory.by_zone = {{0.2, 0.3, 0.4}, {0, 0, 0}};
  r.memory.by_type = {{0.1, 0.2, 0.3}};
  return b.build();
}

// A fresh, empty directory under the system temp dir, removed with its contents at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ecsim-reports-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

  // Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::string text;
  FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) throw std::runtime_error("cannot open " + p.string());
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

}  // namespace ecsim::reports::testing
