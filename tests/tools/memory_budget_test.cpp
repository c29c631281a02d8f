// Whether runs fit in memory (tools/memory_budget.h) for every command that runs a scenario: the
// memory divided among the runs at once, a scenario refused up front (exit 2, nothing written),
// a queue that grows without end stopped by the engine's limit, and the other workers stopping
// when one run fails (tools/work_pool.h).
#include "tools/memory_budget.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "placement/registry.h"
#include "run_ecsim.h"
#include "scenarios/loader.h"
#include "scenarios/overrides.h"
#include "sim/input_error.h"
#include "tools/work_pool.h"

using ecsim::testing::EnvVar;
using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;
namespace sim = ecsim::sim;
namespace tools = ecsim::tools;

namespace {

// 60,000 tasks an hour of one minute each: some 1,000 alive at once (125 KiB at 128 bytes a
// task), on 50 instances of 32 slots that keep up with them; 10,000 tasks in ten minutes.
constexpr const char* kWide = R"({"name": "wide", "duration": "10m",
  "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 50}]},
  "taskDefinitions": [{"family": "w", "containerDefinitions": [{"name": "app", "image": "img:1", "cpu": 128, "memory": 128, "essential": true}]}],
  "jobs": [{"name": "wide", "taskDefinition": "w", "arrival": {"type": "poisson", "ratePerHour": 60000},
            "runtime": {"type": "constant", "value": "1m"}}]})";

// 100 tasks a minute of one minute each on two one-slot instances: some 100 alive at once by
// Little's law, but the queue grows by 98 a minute without end.
constexpr const char* kGrowing = R"({"name": "growing", "duration": "2h",
  "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 2}]},
  "taskDefinitions": [{"family": "w", "containerDefinitions": [{"name": "app", "image": "img:1", "cpu": 4096, "memory": 512, "essential": true}]}],
  "jobs": [{"name": "flood", "taskDefinition": "w", "arrival": {"type": "poisson", "ratePerHour": 6000},
            "runtime": {"type": "constant", "value": "1m"}}]})";

// 200 KiB: the wide scenario's 1,000 tasks fit one run (1,600 tasks), not two at once (800 each).
const std::vector<EnvVar> kFitsOneRun = {{"ECSIM_MEMORY_AVAILABLE", "200K"}};
// 100 KiB: not even one run (800 tasks).
const std::vector<EnvVar> kFitsNone = {{"ECSIM_MEMORY_AVAILABLE", "100K"}};

constexpr const char* kWideRefused =
    "wide.json: /jobs/0: expected a scenario whose tasks alive at once fit in this machine's memory (";

void write_inputs(const fs::path& dir) {
  std::ofstream(dir / "wide.json") << kWide;
  std::ofstream(dir / "growing.json") << kGrowing;
  std::ofstream(dir / "wide.plan.json") << R"({"vary": [{"set": "cluster.instanceGroups.g.count", "values": [50, 60]}],
    "slos": ["cost.total < 1000000"]})";
  std::ofstream(dir / "wide.sweep.json") << R"({"scenario": "wide.json", "strategies": ["binpack:cpu"], "seeds": 2})";
  std::ofstream(dir / "growing.sweep.json") << R"({"scenario": "growing.json", "strategies": ["binpack:cpu"], "seeds": 4})";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

sim::Scenario wide_scenario() { return ecsim::scenarios::load_scenario_text(kWide, "wide.json", "."); }

// Sets an environment variable for the life of the object, then puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("memory budget: runs at once share the memory, each checked and limited on its share", "[tools][memory]") {
  CHECK(tools::memory_share(1000, 1) == 1000);
  CHECK(tools::memory_share(1000, 4) == 250);
  CHECK(tools::memory_share(1000, 3) == 333);
  CHECK(tools::memory_share(1000, 0) == 1000);  // no runs at once counts as one
  CHECK(tools::memory_share(-1, 4) == -1);      // unknown stays unknown

  const sim::Scenario wide = wide_scenario();
  constexpr std::int64_t kAvailable = 200 * 1024;  // 1,600 tasks; the scenario needs some 1,000
  const sim::RunLimits one = tools::check_memory_budget(wide, "wide.json", kAvailable);
  CHECK(one.max_live_tasks == 1600);
  CHECK(one.file == "wide.json");
  CHECK(one.because == "200 KiB of memory available, about 128 bytes a task");
  try {
    tools::check_memory_budget(wide, "wide.json", kAvailable, 2);
    FAIL("two runs at once were not refused");
  } catch (const sim::InputError& e) {
    CHECK(std::string(e.what()) ==
          std::string(kWideRefused) +
              "200 KiB available, shared by 2 runs at once (--jobs): 100 KiB each, about 128 bytes a task: at most 800 tasks), "
              "got one that needs at least 125 KiB: about 1000 tasks waiting or running at once, 1000 of them from job wide "
              "(60000 jobs/h (poisson), mean runtime 1m)");
  }
  // The engine's limit for each of 4 runs at once: a quarter of the tasks, and why.
  const sim::RunLimits quarter = tools::memory_limits("wide.json", 4 * kAvailable, 4);
  CHECK(quarter.max_live_tasks == 1600);
  CHECK(quarter.because == "800 KiB of memory available, shared by 4 runs at once (--jobs): 200 KiB each, about 128 bytes a task");
  CHECK(tools::check_memory_budget(wide, "wide.json", 4 * kAvailable, 4).max_live_tasks == 1600);
  // Unknown memory: no check, no limit.
  CHECK(tools::check_memory_budget(wide, "wide.json", -1, 4).max_live_tasks == -1);
}

TEST_CASE("memory budget: ECSIM_MEMORY_AVAILABLE lowers the memory available, and a bad value is refused", "[tools][memory]") {
  {
    ScopedEnv env("ECSIM_MEMORY_AVAILABLE", "3M");
    CHECK(tools::available_memory_bytes() == 3 * 1024 * 1024);
  }
  {
    ScopedEnv env("ECSIM_MEMORY_AVAILABLE", "4096");
    CHECK(tools::available_memory_bytes() == 4096);
  }
  for (const char* bad : {"", "lots", "3X", "-1", "1.5G", "99999999999T"}) {
    INFO(bad);
    ScopedEnv env("ECSIM_MEMORY_AVAILABLE", bad);
    try {
      (void)tools::available_memory_bytes();
      FAIL("accepted");
    } catch (const sim::InputError& e) {
      CHECK(std::string(e.what()) == "ECSIM_MEMORY_AVAILABLE: /: expected a memory size in bytes, or with a K, M, G or T "
                                     "suffix (512M), got \"" + std::string(bad) + "\"");
    }
  }
}

TEST_CASE("work pool: once an item fails no new item starts, and the error is the first in item order", "[tools][memory]") {
  // One worker: the items after the failed one never run.
  std::vector<int> ran;
  try {
    tools::parallel_for(10, 1, [&](std::size_t i) {
      ran.push_back(static_cast<int>(i));
      if (i == 2 || i == 5) throw std::runtime_error("item " + std::to_string(i));
    });
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "item 2");
  }
  CHECK(ran == std::vector<int>{0, 1, 2});

  // Whatever the workers, the error is the first in item order, never a later one's.
  for (const std::size_t workers : {2u, 3u, 8u}) {
    INFO(workers);
    try {
      tools::parallel_for(40, workers, [&](std::size_t i) {
        if (i % 7 == 3) throw std::runtime_error("item " + std::to_string(i));
      });
      FAIL("no error");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "item 3");
    }
  }
}

TEST_CASE("work pool: a run under way after a failed item stops at its next progress report", "[tools][memory]") {
  // Item 0 fails once item 1's run has reported progress; item 1's run, which would take some
  // 60 million tasks, ends at a later report, and item 0's error is the one rethrown.
  sim::Scenario wide = wide_scenario();
  wide.duration = 1000 * sim::kHour;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> stopped{false};
  // Item 1's progress: says it started, then asks whether to stop.
  class Started final : public sim::ProgressSink {
   public:
    Started(std::atomic<bool>& started, sim::ProgressSink& next) : started_(started), next_(next) {}
    void progress(sim::SimTime now, sim::SimTime end, std::uint64_t events, std::uint64_t tasks) override {
      started_ = true;
      next_.progress(now, end, events, tasks);
    }

   private:
    std::atomic<bool>& started_;
    sim::ProgressSink& next_;
  };
  try {
    tools::parallel_for(2, 2, [&](std::size_t i, const tools::WorkStop& stop) {
      if (i == 0) {
        while (!started) std::this_thread::yield();
        throw std::runtime_error("item 0");
      }
      tools::StopAfterFailure stop_after(stop, i);
      Started progress(started, stop_after);
      ecsim::placement::EcsPlacerFactory factory;
      sim::DiscardTasks discard;
      try {
        (void)sim::run_scenario(wide, factory, &progress, nullptr, &discard);
      } catch (const tools::WorkStopped&) {
        stopped = true;
        throw;
      }
      finished = true;
    });
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "item 0");
  }
  CHECK(stopped);
  CHECK_FALSE(finished);
}

TEST_CASE("cli: every command that runs a scenario refuses one that cannot fit, each run on its share, exit 2, nothing written",
          "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  const auto refused = [&](const std::vector<std::string>& args, const std::vector<EnvVar>& env, const std::string& share) {
    INFO(args[0]);
    const auto r = run_ecsim(args, dir.path(), env);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind(kWideRefused + share + ", about 128 bytes a task: at most ", 0) == 0);
    CHECK(r.err.find("about 1000 tasks waiting or running at once, 1000 of them from job wide") != std::string::npos);
    CHECK(count(r.err, "\n") == 1);
  };
  const std::string two = "200 KiB available, shared by 2 runs at once (--jobs): 100 KiB each";
  refused({"run", "wide.json", "-o", "out"}, kFitsNone, "100 KiB available");
  refused({"compare", "wide.json", "--strategies", "binpack:cpu,random", "--seeds", "1", "-o", "out", "--jobs", "2"},
          kFitsOneRun, two);
  refused({"plan", "wide.json", "wide.plan.json", "-o", "out", "--jobs", "2"}, kFitsOneRun, two);
  refused({"sweep", "wide.sweep.json", "-o", "out", "--jobs", "2"}, kFitsOneRun, two);
  refused({"sweep", "wide.sweep.json", "-o", "out", "--index", "1"}, kFitsNone, "100 KiB available");
  refused({"bench", "--scenario", "wide.json", "--runs", "1", "--save", "out"}, kFitsNone, "100 KiB available");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 5);  // the inputs only

  // One run at a time, the same memory is enough.
  const auto compare = run_ecsim({"compare", "wide.json", "--strategies", "binpack:cpu", "--seeds", "2", "-o", "compare",
                                  "--jobs", "1", "--quiet"},
                                 dir.path(), kFitsOneRun);
  INFO(compare.err);
  CHECK(compare.status == 0);
  CHECK(run_ecsim({"plan", "wide.json", "wide.plan.json", "-o", "plan", "--jobs", "1", "--quiet"}, dir.path(), kFitsOneRun)
            .status == 0);
  CHECK(run_ecsim({"sweep", "wide.sweep.json", "-o", "sweep", "--jobs", "1", "--quiet"}, dir.path(), kFitsOneRun).status == 0);
  CHECK(run_ecsim({"sweep", "wide.sweep.json", "-o", "one", "--index", "1", "--quiet"}, dir.path(), kFitsOneRun).status == 0);
  CHECK(run_ecsim({"bench", "--scenario", "wide.json", "--runs", "1", "--quiet"}, dir.path(), kFitsOneRun).status == 0);
}

TEST_CASE("cli: plan checks every candidate of its grid before any run, naming the one that needs the most, nothing written",
          "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  // Each value with the others at their first fits the 800 tasks of 100 KiB (100, 500 or 400
  // tasks), but 30000 jobs/h of 4 minutes need 2,000. The first candidate would run (its queue
  // outgrowing the 800 during its run, with another message) if the grid were checked candidate
  // by candidate: the refusal up front names the largest of the 3 candidates (one per count)
  // that do not fit, before any run.
  std::ofstream(dir.path() / "both.plan.json") << R"({"vary": [
      {"set": "cluster.instanceGroups.g.count", "range": [1, 3]},
      {"set": "jobs.flood.arrival.ratePerHour", "values": [6000, 30000]},
      {"set": "jobs.flood.runtime.value", "values": ["1m", "4m"]}],
    "slos": ["cost.total < 1000000"]})";
  const auto r = run_ecsim({"plan", "growing.json", "both.plan.json", "-o", "out", "--jobs", "1"}, dir.path(), kFitsNone);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "growing.json: /jobs/0: expected a scenario whose tasks alive at once fit in this machine's memory (100 KiB available, "
        "about 128 bytes a task: at most 800 tasks) for every candidate of the plan; 3 of its 12 candidates do not, the one "
        "that needs the most: cluster.instanceGroups.g.count=1, jobs.flood.arrival.ratePerHour=30000, "
        "jobs.flood.runtime.value=4m, got one that needs at least 250 KiB: about 2000 tasks waiting or running at once, 2000 "
        "of them from job flood (30000 jobs/h (poisson), mean runtime 4m)\n");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 6);  // the inputs only
}

TEST_CASE("cli: plan's grid check counts a large grid without building each candidate", "[tools][memory]") {
  TempDir dir;
  // A DAEMON service: one task per instance, the two groups' counts added. 500 tasks fit in
  // 62.5 KiB (64,000 bytes): the 4,851 pairs of counts above 500 in all do not, twice (the two
  // instance types change no figure of the check), of 180,000 candidates.
  std::ofstream(dir.path() / "agents.json") << R"({"name": "agents", "duration": "10m",
    "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [
      {"name": "a", "instanceType": "m5.large", "count": 1}, {"name": "b", "instanceType": "m5.large", "count": 1}]},
    "taskDefinitions": [{"family": "agent", "containerDefinitions": [{"name": "c", "image": "i", "cpu": 128, "memory": 128}]}],
    "services": [{"serviceName": "agent", "taskDefinition": "agent", "schedulingStrategy": "DAEMON"}]})";
  std::ofstream(dir.path() / "agents.plan.json") << R"({"vary": [
      {"set": "cluster.instanceGroups.a.instanceType", "values": ["m5.large", "m5.xlarge"]},
      {"set": "cluster.instanceGroups.a.count", "range": [0, 299]},
      {"set": "cluster.instanceGroups.b.count", "range": [0, 299]}],
    "slos": ["cost.total < 1000000"]})";
  const auto r = run_ecsim({"plan", "agents.json", "agents.plan.json", "-o", "out", "--jobs", "1"}, dir.path(),
                           {{"ECSIM_MEMORY_AVAILABLE", "64000"}});
  CHECK(r.status == 2);
  CHECK(r.err ==
        "agents.json: /services/0: expected a scenario whose tasks alive at once fit in this machine's memory (62 KiB "
        "available, about 128 bytes a task: at most 500 tasks) for every candidate of the plan; 9702 of its 180000 candidates "
        "do not, the one that needs the most: cluster.instanceGroups.a.instanceType=m5.large, "
        "cluster.instanceGroups.a.count=299, cluster.instanceGroups.b.count=299, got one that needs at least 75 KiB: about "
        "598 tasks waiting or running at once, 598 of them from service agent (DAEMON, one task per instance (598 at the "
        "start))\n");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("cli: plan's grid check varies together the settings that count a listed arrival's times", "[tools][memory]") {
  TempDir dir;
  // 600 listed times, one a second over the ten minutes, each task an hour: 600 alive at once
  // from the start, 150 from 5 minutes in (300 times over the run's 600 s, for 300 s), none with
  // a count of 0. At the others' first value, `start` changes no count (there are none), so only
  // loading start and count together finds that 5 minutes in with a count of 1000 needs 150 (a
  // merge of each one's changes alone would say 300): one candidate of four does not fit 200.
  std::string times;
  for (int t = 0; t < 600; ++t) times += (t > 0 ? ", " : "") + std::to_string(t);
  std::ofstream(dir.path() / "listed.json") << R"({"name": "listed", "duration": "10m",
    "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 1}]},
    "taskDefinitions": [{"family": "w", "containerDefinitions": [{"name": "c", "image": "i", "cpu": 128, "memory": 128}]}],
    "jobs": [{"name": "listed", "taskDefinition": "w", "arrival": {"type": "list", "at": [)" + times + R"(]},
              "runtime": {"type": "constant", "value": "1h"}}]})";
  std::ofstream(dir.path() / "listed.plan.json") << R"({"vary": [
      {"set": "jobs.listed.arrival.count", "values": [0, 1000]},
      {"set": "jobs.listed.arrival.start", "values": ["0s", "5m"]}],
    "slos": ["cost.total < 1000000"]})";
  const auto r = run_ecsim({"plan", "listed.json", "listed.plan.json", "-o", "out", "--jobs", "1"}, dir.path(),
                           {{"ECSIM_MEMORY_AVAILABLE", "25600"}});
  CHECK(r.status == 2);
  CHECK(r.err.find("for every candidate of the plan; the only one of its 4 candidates that does not: "
                   "jobs.listed.arrival.count=1000, jobs.listed.arrival.start=0s, got one that needs at least 75 KiB: about 600 "
                   "tasks") != std::string::npos);
  INFO(r.err);
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("cli: plan's grid check falls back to each value alone when a dimension adds or removes sources",
          "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  // `jobs` set whole: no job, or the wide job at twice its rate (2,000 tasks, more than 1,600).
  std::ofstream(dir.path() / "jobs.plan.json") << R"({"vary": [
      {"set": "cluster.instanceGroups.g.count", "values": [50, 60]},
      {"set": "jobs", "values": [[], [{"name": "wide", "taskDefinition": "w", "arrival": {"type": "poisson", "ratePerHour": 120000},
                                      "runtime": {"type": "constant", "value": "1m"}}]]}],
    "slos": ["cost.total < 1000000"]})";
  const auto r = run_ecsim({"plan", "wide.json", "jobs.plan.json", "-o", "out", "--jobs", "1"}, dir.path(), kFitsOneRun);
  CHECK(r.status == 2);
  CHECK(r.err.rfind(std::string(kWideRefused) + "200 KiB available, about 128 bytes a task: at most 1600 tasks) for every "
                    "candidate of the plan; this one does not, the other dimensions at their first value: "
                    "cluster.instanceGroups.g.count=50, jobs=[",
                    0) == 0);
  CHECK(r.err.find("got one that needs at least 250 KiB: about 2000 tasks") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("cli: a plan that fits writes the same whatever the memory counted on", "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  for (const auto& [out, env] : std::vector<std::pair<std::string, std::vector<EnvVar>>>{{"machine", {}}, {"budget", kFitsOneRun}}) {
    INFO(out);
    const auto r = run_ecsim({"plan", "wide.json", "wide.plan.json", "-o", out, "--jobs", "1", "--quiet"}, dir.path(), env);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "machine")) {
    INFO(entry.path());
    ++files;
    CHECK(read_file(entry.path()) == read_file(dir.path() / "budget" / entry.path().filename()));
  }
  CHECK(files >= 3);
}

TEST_CASE("cli: sweep --emit slurm checks every run on this machine's memory, one run an element, before writing",
          "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  // 30,000 jobs/h fit in 100 KiB (500 of 800 tasks), 60,000 do not (1,000).
  std::ofstream(dir.path() / "rates.sweep.json") << R"({"scenario": "wide.json", "strategies": ["binpack:cpu", "random"],
    "vary": [{"set": "jobs.wide.arrival.ratePerHour", "values": [30000, 60000]}], "seeds": 2})";
  const auto r = run_ecsim({"sweep", "rates.sweep.json", "-o", "out", "--emit", "slurm"}, dir.path(), kFitsNone);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        std::string(kWideRefused) +
            "100 KiB available, about 128 bytes a task: at most 800 tasks) for every run of the sweep; combination 1 "
            "(jobs.wide.arrival.ratePerHour=60000) with strategy binpack:cpu does not (runs 4 to 5), got one that needs at "
            "least 125 KiB: about 1000 tasks waiting or running at once, 1000 of them from job wide (60000 jobs/h (poisson), "
            "mean runtime 1m)\n");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  // Each element runs one run: --jobs K (elements at once, on their own nodes) shares nothing,
  // where K runs at once here would.
  const auto emit = run_ecsim({"sweep", "wide.sweep.json", "-o", "slurm", "--emit", "slurm", "--jobs", "2", "--quiet"},
                              dir.path(), kFitsOneRun);
  INFO(emit.err);
  CHECK(emit.status == 0);
  CHECK(fs::is_regular_file(dir.path() / "slurm/sweep.sbatch"));
}

TEST_CASE("cli: a queue that grows without end stops every command with exit 2, reported once, nothing written",
          "[tools][memory]") {
  TempDir dir;
  write_inputs(dir.path());
  // Two runs at once on 100 KiB: 400 live tasks each; Little's law says 100, the queue outgrows it.
  const std::vector<EnvVar> env = {{"ECSIM_MEMORY_AVAILABLE", "100K"}};
  const std::string expected =
      "growing.json: /: expected a run whose tasks waiting or holding an instance fit in memory (at most 400 at once: "
      "100 KiB of memory available, shared by 2 runs at once (--jobs): 50 KiB each, about 128 bytes a task), got ";
  // What is compared with the limit: the live tasks, and their pages of task numbers (1 KiB, as 8
  // tasks, each: sim/task_pages.h), one more than the limit.
  const auto stopped = [&](const std::vector<std::string>& args, const std::string& limit) {
    INFO(args[0]);
    const auto r = run_ecsim(args, dir.path(), env);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind(limit, 0) == 0);
    const std::string held = limit.find("at most 400") != std::string::npos ? "= 401 at " : "= 801 at ";
    CHECK(r.err.find(" pages of task numbers (1 KiB each, as 8 tasks) " + held) != std::string::npos);
    CHECK(count(r.err, "\n") == 1);
    CHECK(r.err.find("(tasks arrive faster than the cluster places and runs them)\n") != std::string::npos);
  };
  stopped({"run", "growing.json", "-o", "out"},
          "growing.json: /: expected a run whose tasks waiting or holding an instance fit in memory (at most 800 at once: "
          "100 KiB of memory available, about 128 bytes a task), got ");
  stopped({"compare", "growing.json", "--strategies", "binpack:cpu,random", "--seeds", "2", "-o", "out", "--jobs", "2"}, expected);
  std::ofstream(dir.path() / "growing.plan.json") << R"({"vary": [{"set": "cluster.instanceGroups.g.count", "values": [1, 2, 3]}],
    "slos": ["cost.total < 1000000"]})";
  stopped({"plan", "growing.json", "growing.plan.json", "-o", "out", "--jobs", "2"}, expected);
  stopped({"bench", "--scenario", "growing.json", "--runs", "1", "--save", "out"},
          "growing.json: /: expected a run whose tasks waiting or holding an instance fit in memory (at most 800 at once: "
          "100 KiB of memory available, about 128 bytes a task), got ");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  // A sweep writes each run's directory whole as it finishes: the run that stopped wrote none,
  // and there is no merged table.
  stopped({"sweep", "growing.sweep.json", "-o", "sweep", "--jobs", "2"}, expected);
  CHECK(fs::exists(dir.path() / "sweep/spec.json"));
  CHECK_FALSE(fs::exists(dir.path() / "sweep/sweep.json"));
  CHECK_FALSE(fs::exists(dir.path() / "sweep/runs"));
}

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// One-slot instances ("slot.small") and one task definition, as scenarios/bench/mmc-c2000.json.
std::string slot_scenario_json(const std::string& duration, const std::string& sample_interval, int instances,
                               const std::string& jobs) {
  return R"({"name": "sized", "seed": 7, "duration": ")" + duration + R"(", "sampleInterval": ")" + sample_interval +
         R"(",
  "instanceTypes": [{"name": "slot.small", "vcpu": 1, "memoryMiB": 1024, "enis": 2, "gpus": 0, "pricePerHour": 0.01}],
  "cluster": {"name": "queue", "availabilityZones": ["us-east-1a", "us-east-1b"],
              "instanceGroups": [{"name": "slot", "instanceType": "slot.small", "count": )" +
         std::to_string(instances) + R"(, "reservedPorts": []}]},
  "taskDefinitions": [{"family": "work", "cpu": "1024", "memory": "1024",
                       "containerDefinitions": [{"name": "work", "image": "busybox", "essential": true}]}],
  "jobs": [)" + jobs + "]}";
}

}  // namespace

TEST_CASE("memory request: a run's peak resident memory stays within what sweep --emit slurm requests for it",
          "[tools][memory]") {
  if (kAddressSanitizer) {
    WARN("skipped: AddressSanitizer's shadow memory is not the release build's");
    return;
  }
  // Each grows one term of the estimate: instances, samples, waiting tasks, running tasks, and
  // long tasks among short ones (each keeping its page of task numbers), plus the bundled bench.
  TempDir dir;
  const std::string work = R"({"name": "w", "taskDefinition": "work", "onPlacementFailure": "wait", )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"instances", slot_scenario_json("3h30m", "5m", 100'000,
                                       work + R"("arrival": {"type": "poisson", "ratePerHour": 100000, "count": 1000}, "runtime": {"type": "exponential", "mean": "60s"}})")},
      {"samples", slot_scenario_json("30d", "10s", 100,
                                     work + R"("arrival": {"type": "poisson", "ratePerHour": 100, "count": 100000}, "runtime": {"type": "exponential", "mean": "60s"}})")},
      {"waiting", slot_scenario_json("3h30m", "5m", 10,
                                     work + R"("arrival": {"type": "poisson", "ratePerHour": 1e8, "count": 1000000}, "runtime": {"type": "exponential", "mean": "60s"}})")},
      {"running", slot_scenario_json("1h", "5m", 200'000,
                                     work + R"("arrival": {"type": "poisson", "ratePerHour": 1e8, "count": 200000}, "runtime": {"type": "exponential", "mean": "10h"}})")},
      {"pinned", slot_scenario_json("1h", "5m", 20'000,
                                    work + R"("arrival": {"type": "fixed", "interval": "1s"}, "runtime": {"type": "constant", "value": "30d"}}, )" +
                                        R"({"name": "s", "taskDefinition": "work", "arrival": {"type": "poisson", "ratePerHour": 918000}, )" +
                                        R"("runtime": {"type": "exponential", "mean": "1s"}})")},
  };
  std::vector<std::string> files;
  for (const auto& [name, text] : cases) {
    std::ofstream(dir.path() / (name + ".json")) << text;
    files.push_back((dir.path() / (name + ".json")).string());
  }
  files.push_back(std::string(ECSIM_SOURCE_DIR) + "/scenarios/bench/bench.json");
  for (const std::string& file : files) {
    INFO(file);
    const std::int64_t request = tools::run_memory_request(ecsim::scenarios::load_scenario(file));
    const auto r = run_ecsim({"run", file, "-o", (dir.path() / "out").string(), "--quiet"}, dir.path());
    REQUIRE(r.status == 0);
    // run.json's peak (VmHWM: from ecsim's start; the child's ru_maxrss would count this test
    // process's memory too, up to the exec), taken when the run is over and its outputs are
    // about to be written. Whole processes, outputs included, measured from a small shell (README,
    // "Memory"): 31 / 39 / 103 / 109 / 389 / 988 MiB against requests of 55 / 64 / 179 / 277 /
    // 619 / 1,741 MiB.
    const auto run_json = nlohmann::json::parse(read_file(dir.path() / "out" / "run.json"));
    const auto peak = static_cast<std::int64_t>(run_json.at("peakRssMiB").get<double>() * (1 << 20));
    INFO("peak " << (peak >> 20) << " MiB, request " << (request >> 20) << " MiB");
    CHECK(peak * 5 / 4 <= request);           // at least a quarter of headroom
    CHECK(request <= 3 * peak + (32 << 20));  // and not wildly more
  }
}

TEST_CASE("memory request: sweep --emit slurm asks for the most any run needs, or what --mem says", "[tools][memory]") {
  TempDir dir;
  std::ofstream(dir.path() / "sized.json")
      << slot_scenario_json("1h", "5m", 1000,
                            R"({"name": "w", "taskDefinition": "work", "arrival": {"type": "poisson", "ratePerHour": 3600}, "runtime": {"type": "exponential", "mean": "60s"}})");
  std::ofstream(dir.path() / "sized.sweep.json")
      << R"({"scenario": "sized.json", "vary": [{"set": "cluster.instanceGroups.slot.count", "values": [1000, 300000, 2000]}],
             "strategies": ["random"], "seeds": 2})";
  const auto request_of = [&](int count) {
    return tools::run_memory_request(ecsim::scenarios::load_scenario(
        (dir.path() / "sized.json").string(), {ecsim::scenarios::parse_override("cluster.instanceGroups.slot.count=" + std::to_string(count))}));
  };
  // 300,000 instances: 32 MiB + 300,000 x 1.5 KiB (439.5 MiB) + 14 samples x (512 + 3 series x 48
  // bytes) + 2 x 60 live tasks x 128 bytes, rounded up: 472 MiB, the most of the three.
  const std::int64_t most = request_of(300'000);
  CHECK(most > request_of(2000));
  CHECK(most == std::int64_t{472} << 20);
  const auto sbatch = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"sweep", "sized.sweep.json", "-o", "s", "--emit", "slurm", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_ecsim(args, dir.path());
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string text = read_file(dir.path() / "s/sweep.sbatch");
    fs::remove_all(dir.path() / "s");
    return text;
  };
  CHECK(sbatch({}).find("#SBATCH --cpus-per-task=1\n#SBATCH --mem=472\n") != std::string::npos);
  CHECK(sbatch({"--mem", "auto"}).find("#SBATCH --mem=472\n") != std::string::npos);
  CHECK(sbatch({"--mem", "2G"}).find("#SBATCH --mem=2048\n") != std::string::npos);
  CHECK(sbatch({"--mem", "1500000"}).find("#SBATCH --mem=2\n") != std::string::npos);  // MiB, rounded up
  CHECK(sbatch({"--mem", "none"}).find("--mem") == std::string::npos);
  const auto bad = run_ecsim({"sweep", "sized.sweep.json", "-o", "s", "--emit", "slurm", "--mem", "lots"}, dir.path());
  CHECK(bad.status == 2);
  CHECK(bad.err ==
        "--mem: /: expected auto, none or a memory size (bytes, or with a K, M, G or T suffix: 512M), got \"lots\"\n");
  CHECK_FALSE(fs::exists(dir.path() / "s"));
  CHECK(run_ecsim({"sweep", "sized.sweep.json", "-o", "s", "--mem", "2G"}, dir.path()).status == 2);  // not without --emit
  CHECK_FALSE(fs::exists(dir.path() / "s"));
}

TEST_CASE("memory: the room of the process's cgroup is the least over it and every cgroup above it", "[tools][memory]") {
  // A Slurm job's limit (--mem under ConstrainRAMSpace) sits on the job's cgroup, above the step's
  // where the process runs, and the root has no memory.max at all.
  TempDir dir;
  const fs::path root = dir.path() / "cgroup";
  const auto put = [&](const fs::path& d, const std::string& max, const std::string& current) {
    fs::create_directories(d);
    if (!max.empty()) std::ofstream(d / "memory.max") << max << "\n";
    std::ofstream(d / "memory.current") << current << "\n";
  };
  put(root, "", "900000000");
  put(root / "system.slice", "max", "800000000");
  put(root / "system.slice" / "job_7", "1073741824", "300000000");  // 1 GiB, 300 MB held
  put(root / "system.slice" / "job_7" / "step_0", "max", "200000000");
  const std::string text = "12:memory:/ignored\n0::/system.slice/job_7/step_0\n";
  CHECK(tools::cgroup_memory_headroom(root, text) == 1073741824 - 300000000);
  // A lower limit further down wins; one that is over its limit has no room.
  put(root / "system.slice" / "job_7" / "step_0", "250000000", "200000000");
  CHECK(tools::cgroup_memory_headroom(root, text) == 50000000);
  put(root / "system.slice" / "job_7" / "step_0", "150000000", "200000000");
  CHECK(tools::cgroup_memory_headroom(root, text) == 0);
  // In a container's own namespace ("0::/"), or without a v2 line, only the root counts: here
  // it has no limit. A path that climbs out is taken as the root.
  CHECK(tools::cgroup_memory_headroom(root, "0::/\n") == -1);
  CHECK(tools::cgroup_memory_headroom(root, "4:memory:/x\n") == -1);
  CHECK(tools::cgroup_memory_headroom(root, "0::/system.slice/../../etc\n") == -1);
  put(root, "2000000000", "900000000");
  CHECK(tools::cgroup_memory_headroom(root, "0::/\n") == 1100000000);
  CHECK(tools::cgroup_memory_headroom(root, "0:://system.slice/job_7\n") == 1100000000);  // not a path under the root
  // A cgroup that is not there reads as no limit, its ancestors still count.
  CHECK(tools::cgroup_memory_headroom(root, "0::/system.slice/job_7/gone\n") == 1073741824 - 300000000);
}
