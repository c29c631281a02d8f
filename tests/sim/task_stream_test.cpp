// The engine hands each task over once, when it is done with it (sim/engine.h TaskSink), and
// holds only the live tasks (sim/task_pages.h): what a sink receives is what the records say,
// and a run whose live tasks outgrow RunLimits stops with an input error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "placement/registry.h"
#include "scenario_builder.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "sim/task_pages.h"

using namespace ecsim;

namespace {

struct Collect final : sim::TaskSink {
  std::vector<sim::TaskRecord> records;
  bool picture = true;
  void task_done(const sim::TaskRecord& t, const sim::ClusterState&, const sim::RunResult&) override {
    records.push_back(t);
  }
  bool wants_cluster_picture() const override { return picture; }
};

bool same(const sim::TaskRecord& a, const sim::TaskRecord& b) {
  return a.number == b.number && a.source == b.source && a.family == b.family && a.revision == b.revision &&
         a.group == b.group && a.instance == b.instance && a.submitted_at == b.submitted_at &&
         a.placed_at == b.placed_at && a.started_at == b.started_at && a.stopped_at == b.stopped_at &&
         a.stop_code == b.stop_code && a.stop_reason == b.stop_reason && a.failure_reason == b.failure_reason &&
         a.rejected == b.rejected && a.cpu == b.cpu && a.memory_mib == b.memory_mib;
}

// The error that stops a run of `s` under `limits` (with because "a test"); "" when it completes.
std::string refusal(const sim::Scenario& s, sim::RunLimits limits) {
  limits.because = "a test";
  placement::EcsPlacerFactory factory;
  Collect sink;
  try {
    sim::run_scenario(s, factory, nullptr, nullptr, &sink, limits);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

// 20 one-slot instances at rho 0.95 for 3 hours: about 3,400 tasks over many pages, some still
// waiting or running at the end.
sim::Scenario busy() {
  sim::Scenario s = testing::slot_scenario(20);
  s.duration = 3 * sim::kHour;
  s.jobs.push_back(testing::poisson_job("q", 20 * 0.95 / 60.0, 60 * sim::kSecond));
  return s;
}

}  // namespace

TEST_CASE("task stream: the sink gets every task once, finished ones first, the records' very fields", "[sim]") {
  const sim::Scenario s = busy();
  placement::EcsPlacerFactory factory;
  const sim::RunResult kept = sim::run_scenario(s, factory);
  Collect sink;
  const sim::RunResult streamed = sim::run_scenario(s, factory, nullptr, nullptr, &sink);
  REQUIRE(kept.tasks.size() > 3 * sim::kTaskPageSize);
  CHECK(streamed.tasks.size() == 0);  // nothing kept
  REQUIRE(sink.records.size() == kept.tasks.size());
  std::vector<bool> seen(kept.tasks.size(), false);
  sim::SimTime last_stop = 0;
  bool at_end = false;  // the tasks alive at the end come last, by number
  std::uint64_t last_number = 0;
  for (const sim::TaskRecord& t : sink.records) {
    REQUIRE(t.number < seen.size());
    CHECK_FALSE(seen[t.number]);
    seen[t.number] = true;
    CHECK(same(t, sim::task_record(kept.tasks, t.number)));
    const bool final = t.stopped_at != sim::kNever || t.rejected;
    if (!final) {
      if (at_end) CHECK(t.number > last_number);
      at_end = true;
      last_number = t.number;
    } else {
      CHECK_FALSE(at_end);
      CHECK(t.stopped_at >= last_stop);  // in the order they finished
      last_stop = t.stopped_at;
    }
  }
  CHECK(at_end);
  // The figures are the same whichever way the records went.
  CHECK(streamed.task_stats.submitted == kept.task_stats.submitted);
  CHECK(streamed.task_stats.completed == kept.task_stats.completed);
  CHECK(streamed.task_stats.wait.total() == kept.task_stats.wait.total());
  CHECK(streamed.task_stats.wait.percentile(990) == kept.task_stats.wait.percentile(990));
  CHECK(streamed.events == kept.events);
}

// The same load split over `groups` jobs, each its own task group.
sim::Scenario busy_groups(std::size_t groups) {
  sim::Scenario s = testing::slot_scenario(20);
  s.duration = 3 * sim::kHour;
  for (std::size_t g = 0; g < groups; ++g) {
    char name[32];
    std::snprintf(name, sizeof name, "g%zu", g);
    sim::Job j = testing::poisson_job(name, 20 * 0.95 / 60.0 / static_cast<double>(groups), 60 * sim::kSecond);
    j.group = name;
    s.jobs.push_back(j);
  }
  return s;
}

// Few groups: the engine keeps the picture as tasks come and go; many (more than 64): it scans
// the live tasks at each new peak. Either way it is what the records show.
TEST_CASE("task stream: the engine's cluster picture is what the records show at the peak sample", "[sim]") {
  const std::size_t groups = GENERATE(std::size_t{1}, std::size_t{3}, std::size_t{70});
  CAPTURE(groups);
  const sim::Scenario s = busy_groups(groups);
  placement::EcsPlacerFactory factory;
  const sim::RunResult kept = sim::run_scenario(s, factory);
  Collect sink;
  const sim::RunResult streamed = sim::run_scenario(s, factory, nullptr, nullptr, &sink);
  const sim::ClusterPicture& p = streamed.picture;
  REQUIRE(p.at != sim::kNever);
  CHECK(kept.picture.at == sim::kNever);  // records kept: nothing captured
  REQUIRE(kept.groups.size() == groups);
  // From the records, at p.at: tasks placed by then and not stopped by then.
  std::vector<std::int64_t> cpu(kept.instances.size(), 0), memory(kept.instances.size(), 0);
  std::vector<sim::ClusterPicture::Held> held(kept.instances.size() * groups);
  std::int64_t tasks = 0;
  for (std::size_t k = 0; k < kept.tasks.size(); ++k) {
    if (kept.tasks.instance[k] == sim::kNoInstance || kept.tasks.placed_at[k] > p.at || kept.tasks.stopped_at[k] <= p.at) continue;
    const sim::InstanceIdx i = kept.tasks.instance[k];
    cpu[i] += kept.tasks.cpu[k];
    memory[i] += kept.tasks.memory_mib[k];
    sim::ClusterPicture::Held& h = held[i * groups + kept.tasks.group[k]];
    h.instance = i;
    h.group = kept.tasks.group[k];
    ++h.tasks;
    if (kept.tasks.started_at[k] > p.at) ++h.starting;
    ++tasks;
  }
  CHECK(tasks > 0);
  CHECK(p.cpu == cpu);
  CHECK(p.memory_mib == memory);
  std::vector<sim::ClusterPicture::Held> expected;
  for (const auto& h : held) {
    if (h.tasks > 0) expected.push_back(h);
  }
  REQUIRE(p.held.size() == expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(p.held[k].instance == expected[k].instance);
    CHECK(p.held[k].group == expected[k].group);
    CHECK(p.held[k].tasks == expected[k].tasks);
    CHECK(p.held[k].starting == expected[k].starting);
  }
}

TEST_CASE("task stream: a run whose live tasks outgrow its limit stops with an input error", "[sim]") {
  // Two one-slot instances, 100 tasks a minute of one minute each: the queue grows without end.
  sim::Scenario s = testing::slot_scenario(2);
  s.duration = sim::kHour;
  s.jobs.push_back(testing::poisson_job("flood", 100.0 / 60.0, 60 * sim::kSecond));
  sim::RunLimits limits;
  limits.max_live_tasks = 500;
  limits.file = "flood.json";
  const std::string what = refusal(s, limits);
  CHECK(what.rfind("flood.json: /: expected a run whose tasks waiting or holding an instance fit in memory (at most "
                   "500 at once: a test), got 501 at ", 0) == 0);
  // Without the limit the same run completes.
  placement::EcsPlacerFactory factory;
  Collect sink;
  CHECK(sim::run_scenario(s, factory, nullptr, nullptr, &sink).task_stats.submitted > 500);
}

TEST_CASE("task stream: live tasks that each keep a page of task numbers count their pages against the limit", "[sim]") {
  // One task a minute that runs all day among 300 a minute of one second: each long task keeps
  // its page of 256 task numbers (1 KiB) alive, so after about 80 minutes 80 long tasks hold
  // 80 pages: counted as 8 tasks each (1 KiB at 128 bytes a task), 80 + 640 passes 700, while the
  // live tasks alone (a few dozen) never would.
  sim::Scenario s = testing::slot_scenario(400);
  s.duration = 3 * sim::kHour;
  sim::Job long_job = testing::poisson_job("long", 0, 0);
  long_job.arrival.kind = sim::ArrivalSpec::Kind::kFixed;
  long_job.arrival.interval = sim::kMinute;
  long_job.runtime.kind = sim::RuntimeSpec::Kind::kConstant;
  long_job.runtime.value = sim::kDay;
  s.jobs.push_back(long_job);
  s.jobs.push_back(testing::poisson_job("short", 5.0, sim::kSecond));
  sim::RunLimits limits;
  limits.max_live_tasks = 700;
  limits.tasks_per_page = 8;
  limits.file = "pinned.json";
  const std::string what = refusal(s, limits);
  INFO(what);
  CHECK(what.rfind("pinned.json: /: expected a run whose tasks waiting or holding an instance fit in memory (at most "
                   "700 at once: a test), got ", 0) == 0);
  CHECK(what.find(" pages of task numbers (1 KiB each, as 8 tasks) = 701 at ") != std::string::npos);
  CHECK(what.find("long-lived tasks among many short ones keep a page of task numbers each") != std::string::npos);
  // Counting live tasks alone, the same run completes: its live tasks stay far below 700.
  limits.tasks_per_page = 0;
  placement::EcsPlacerFactory factory;
  Collect sink;
  CHECK(sim::run_scenario(s, factory, nullptr, nullptr, &sink, limits).task_stats.submitted > 50'000);
}
