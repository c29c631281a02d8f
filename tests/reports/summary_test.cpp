#include "reports/summary.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

namespace {

const char* const kSmallRunSummary = R"j({
  "scenario": "small",
  "seed": 42,
  "strategy": "spread(attribute:ecs.availability-zone),binpack(memory)",
  "ecsimVersion": ")j" ECSIM_VERSION R"j(",
  "tasks": {
    "submitted": 5,
    "placed": 3,
    "completed": 1,
    "failedToPlace": 1,
    "stopped": {
      "TaskFailedToStart": 1,
      "EssentialContainerExited": 1
    },
    "pendingAtEnd": 1
  },
  "wait": {
    "mean": 2708,
    "p50": 2,
    "p90": 10770,
    "p99": 10770,
    "max": 10770,
    "censored": 1
  },
  "startLatency": {
    "mean": 1.25,
    "p50": 1,
    "p99": 1.5
  },
  "placementFailures": {
    "RESOURCE:CPU": 3,
    "RESOURCE:MEMORY": 1
  },
  "utilization": {
    "cpu": {
      "mean": 0.25,
      "p95": 0.5,
      "max": 0.75,
      "byAvailabilityZone": {
        "us-east-1a": {
          "mean": 0.5,
          "p95": 0.75,
          "max": 1
        },
        "us-east-1b": {
          "mean": 0.125,
          "p95": 0.25,
          "max": 0.375
        }
      },
      "byInstanceType": {
        "m5.xlarge": {
          "mean": 0.25,
          "p95": 0.5,
          "max": 0.75
        }
      }
    },
    "memory": {
      "mean": 0.1,
      "p95": 0.2,
      "max": 0.3,
      "byAvailabilityZone": {
        "us-east-1a": {
          "mean": 0.2,
          "p95": 0.3,
          "max": 0.4
        },
        "us-east-1b": {
          "mean": 0,
          "p95": 0,
          "max": 0
        }
      },
      "byInstanceType": {
        "m5.xlarge": {
          "mean": 0.1,
          "p95": 0.2,
          "max": 0.3
        }
      }
    }
  },
  "instances": {
    "launched": 2,
    "terminated": 1,
    "instanceHours": 5
  },
  "cost": {
    "total": 0.96,
    "perTaskHour": 0.24018347348669122,
    "perMonth": 233.6,
    "byMarket": {
      "onDemand": 0.96,
      "spot": 0
    },
    "bySource": {
      "web": 0.07355655555555556,
      "etl": 0.0005111111111111112
    },
    "unallocated": 0.8859323333333333
  },
  "engine": {
    "events": 1234,
    "simulatedSeconds": 10800
  },
  "services": {
    "web": {
      "schedulingStrategy": "REPLICA",
      "strategy": "spread(attribute:ecs.availability-zone),binpack(memory)",
      "desiredCount": 2,
      "submitted": 2,
      "placed": 2,
      "failedToPlace": 0,
      "pendingAtEnd": 0,
      "wait": {
        "mean": 1,
        "p50": 0,
        "p90": 2,
        "p99": 2,
        "max": 2,
        "censored": 0
      },
      "running": {
        "min": 0,
        "mean": 1.25,
        "max": 2
      },
      "belowDesiredSeconds": 3611,
      "recovery": {
        "spells": 0,
        "meanSeconds": 0,
        "maxSeconds": 0,
        "longestFrom": null,
        "unrecoveredAtEnd": false
      },
      "minHealthy": 1,
      "replacements": 0,
      "throttledLaunches": 0,
      "deployments": [
        {
          "taskDefinition": "web:3",
          "startedAt": 0,
          "completedAt": 11,
          "rolloutState": "COMPLETED",
          "rollback": false,
          "failedTasks": 0
        }
      ],
      "scaleOuts": 0,
      "scaleIns": 0
    }
  },
  "jobs": {
    "etl": {
      "strategy": "binpack(cpu)",
      "submitted": 3,
      "placed": 1,
      "failedToPlace": 1,
      "pendingAtEnd": 1,
      "wait": {
        "mean": 5415,
        "p50": 60,
        "p90": 10770,
        "p99": 10770,
        "max": 10770,
        "censored": 1
      }
    }
  }
}
)j";

nlohmann::json parse(const sim::RunResult& r) { return nlohmann::json::parse(summary_json(r)); }

}  // namespace

TEST_CASE("summary: a small run renders these exact bytes", "[reports]") {
  // wait over tasks not rejected {2 s, 0 s, 60 s} and t4, still waiting at the end of 3 h since
  // 30 s (10770 s, censored); the service web waited {2 s, 0 s}, the job etl {60 s, 10770 s}; start latency {1.5 s, 1 s}; instances alive 2 h + 3 h
  // at $0.192/h = $0.96; tasks RUNNING 3600 s + 10789 s, so perTaskHour = 0.96 / (14389 / 3600).
  CHECK(summary_json(small_run()) == kSmallRunSummary);
}

TEST_CASE("summary: two renders of one result are byte-identical", "[reports]") {
  const sim::RunResult r = small_run();
  const std::string first = summary_json(r);
  CHECK(summary_json(r) == first);
  CHECK(summary_json(small_run()) == first);
}

TEST_CASE("summary: submitted = placed + failedToPlace + pendingAtEnd", "[reports]") {
  RunResultBuilder b;
  b.instance("i-1", "us-east-1a", "m5.large");
  // 97 tasks in a fixed mix of end states.
  for (int i = 0; i < 97; ++i) {
    const SimTime at = i * kSecond;
    switch (i % 4) {
      case 0: b.task({.instance = "i-1", .submitted = at, .placed = at + kSecond}); break;
      case 1: b.task({.submitted = at, .failure = FailureReason::kResourceCpu, .rejected = true}); break;
      case 2: b.task({.submitted = at, .failure = FailureReason::kMemberOf}); break;
      default:
        b.task({.instance = "i-1", .submitted = at, .placed = at, .started = at + 1, .stopped = at + 2,
                .stop_code = StopCode::kEssentialContainerExited});
    }
  }
  const nlohmann::json tasks = parse(b.build())["tasks"];
  CHECK(tasks["submitted"] == 97);
  CHECK(tasks["placed"] == 49);
  CHECK(tasks["failedToPlace"] == 24);
  CHECK(tasks["pendingAtEnd"] == 24);
  CHECK(tasks["completed"] == 24);
  CHECK(tasks["submitted"].get<int>() ==
        tasks["placed"].get<int>() + tasks["failedToPlace"].get<int>() + tasks["pendingAtEnd"].get<int>());
}

TEST_CASE("summary: wait percentiles use nearest rank over placed and still-waiting tasks", "[reports]") {
  RunResultBuilder b;
  b.duration(1000 * kSecond);
  b.instance("i-1", "z", "t");
  // Placed tasks wait 100, 99, ..., 1 s (submission order is not wait order).
  for (int w = 100; w >= 1; --w) b.task({.instance = "i-1", .submitted = 0, .placed = w * kSecond});
  // A rejected task gave up: it has no wait.
  b.task({.submitted = 0, .failure = FailureReason::kResourceMemory, .rejected = true});
  const nlohmann::json wait = parse(b.build())["wait"];
  CHECK(wait["mean"].get<double>() == 50.5);
  CHECK(wait["p50"].get<double>() == 50);
  CHECK(wait["p90"].get<double>() == 90);
  CHECK(wait["p99"].get<double>() == 99);
  CHECK(wait["max"].get<double>() == 100);
  CHECK(wait["censored"] == 0);
}

TEST_CASE("summary: a task never placed waits until the end of the run and is counted as censored", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour);
  b.instance("i-1", "z", "t");
  b.task({.instance = "i-1", .submitted = 0, .placed = 10 * kSecond});
  b.task({.submitted = 600 * kSecond, .failure = FailureReason::kResourceCpu});   // waited 3000 s by the end
  b.task({.submitted = kHour, .failure = FailureReason::kResourceCpu});           // submitted at the end: 0 s
  const SummaryFigures f = compute_summary(b.build());
  CHECK(f.wait.count == 3);
  CHECK(f.wait.censored == 2);
  CHECK(f.wait.max == 3000 * kSecond);
  CHECK(f.wait.total_us == 3010 * kSecond);
  const nlohmann::json wait = parse(b.build())["wait"];
  CHECK(wait["censored"] == 2);
  CHECK(wait["max"].get<double>() == 3000);
}

TEST_CASE("summary: an overloaded run whose tasks mostly never get placed has a large p99 wait", "[reports]") {
  // 1000 tasks one per second over the first 1000 s of a 2 h run; only the first 50 were placed,
  // at once. Over placed tasks only the p99 would be 0; the waiting ones push it to hours.
  RunResultBuilder b;
  b.duration(2 * kHour);
  b.instance("i-1", "z", "t");
  for (int i = 0; i < 1000; ++i) {
    const SimTime at = i * kSecond;
    if (i < 50) {
      b.task({.instance = "i-1", .submitted = at, .placed = at});
    } else {
      b.task({.submitted = at, .failure = FailureReason::kResourceCpu});
    }
  }
  const nlohmann::json wait = parse(b.build())["wait"];
  CHECK(wait["censored"] == 950);
  // Waits: 50 of 0, then 7200 - 999 = 6201 s up to 7200 - 50 = 7150 s. Nearest rank 990 of 1000
  // is index 989: 6201 + 939 = 7140 s.
  CHECK(wait["p99"].get<double>() == 7140);
  CHECK(wait["p50"].get<double>() > 6000);
  CHECK(wait["max"].get<double>() == 7200 - 50);
}

TEST_CASE("summary: per-source figures add up to the totals", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour);
  b.instance("i-1", "z", "t");
  b.service("web", {.desired_count = 3}).service("api", {.daemon = true}).job("etl", "binpack(cpu)").job("idle");
  b.trace("t.csv", "generic", 3, 0, 1.0);
  const char* const names[] = {"web", "api", "etl", "t.csv"};
  for (int i = 0; i < 200; ++i) {
    const SimTime at = i * kSecond;
    const std::string source = names[(i * 7) % 4];
    switch (i % 3) {
      case 0: b.task({.instance = "i-1", .submitted = at, .placed = at + i * 1000, .source = source}); break;
      case 1: b.task({.submitted = at, .rejected = true, .source = source}); break;
      default: b.task({.submitted = at, .source = source});
    }
  }
  const sim::RunResult r = b.build();
  const nlohmann::json j = parse(r);
  std::int64_t submitted = 0, placed = 0, failed = 0, pending = 0, censored = 0;
  const auto add = [&](const nlohmann::json& s) {
    submitted += s["submitted"].get<std::int64_t>();
    placed += s["placed"].get<std::int64_t>();
    failed += s["failedToPlace"].get<std::int64_t>();
    pending += s["pendingAtEnd"].get<std::int64_t>();
    censored += s["wait"]["censored"].get<std::int64_t>();
    CHECK(s["wait"]["max"].get<double>() <= j["wait"]["max"].get<double>());
  };
  for (const auto& [name, s] : j["services"].items()) add(s);
  for (const auto& [name, s] : j["jobs"].items()) add(s);
  for (const auto& s : j["trace"]["files"]) add(s);
  CHECK(submitted == j["tasks"]["submitted"].get<std::int64_t>());
  CHECK(placed == j["tasks"]["placed"].get<std::int64_t>());
  CHECK(failed == j["tasks"]["failedToPlace"].get<std::int64_t>());
  CHECK(pending == j["tasks"]["pendingAtEnd"].get<std::int64_t>());
  CHECK(censored == j["wait"]["censored"].get<std::int64_t>());
  // Scenario order, every source listed even when it submitted nothing.
  CHECK(nlohmann::ordered_json::parse(summary_json(r))["services"].begin().key() == "web");
  CHECK(j["services"]["api"]["schedulingStrategy"] == "DAEMON");
  CHECK(j["services"]["web"]["schedulingStrategy"] == "REPLICA");
  CHECK(j["services"]["web"]["desiredCount"] == 3);
  CHECK(j["jobs"]["etl"]["strategy"] == "binpack(cpu)");
  CHECK(j["jobs"]["idle"]["submitted"] == 0);
  CHECK(j["jobs"]["idle"]["wait"]["p99"] == 0);
  CHECK(j["trace"]["files"][0]["strategy"] == "binpack(memory)");
  // Each source's percentiles are over its own tasks: the compute_summary figures agree.
  const SummaryFigures f = compute_summary(r);
  REQUIRE(f.by_source.size() == r.sources.size());
  for (std::size_t s = 0; s < r.sources.size(); ++s) {
    std::vector<SimTime> waits;
    for (std::size_t i = 0; i < r.tasks.size(); ++i) {
      if (r.tasks.source[i] != s || r.tasks.rejected[i]) continue;
      waits.push_back(r.tasks.placed_at[i] != kNever ? r.tasks.placed_at[i] - r.tasks.submitted_at[i]
                                                     : r.duration - r.tasks.submitted_at[i]);
    }
    std::sort(waits.begin(), waits.end());
    INFO("source " << r.sources[s].name);
    CHECK(f.by_source[s].wait.count == static_cast<std::int64_t>(waits.size()));
    CHECK(f.by_source[s].wait.p90 == (waits.empty() ? 0 : waits[nearest_rank_index(waits.size(), 900)]));
  }
}

TEST_CASE("summary: a service's deployments, load and figures as the engine recorded them", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour);
  b.service("web", {.desired_count = 4, .running_min = 1, .running_max = 6, .running_mean = 3.5,
                    .below_desired = 90 * kSecond, .min_healthy = 2, .replacements = 3, .throttled_launches = 7,
                    .deployments = {{.task_definition = "web:1", .started_at = 0, .completed_at = 60 * kSecond,
                                     .rollout_state = sim::RolloutState::kCompleted},
                                    {.task_definition = "web:2", .started_at = 600 * kSecond,
                                     .completed_at = 900 * kSecond, .rollout_state = sim::RolloutState::kFailed,
                                     .failed_tasks = 10},
                                    {.task_definition = "web:1", .started_at = 900 * kSecond, .rollback = true}},
                    .scale_outs = 2, .scale_ins = 1, .has_load = true, .overloaded = 120 * kSecond,
                    .requests = 1000, .unserved_requests = 250,
                    .below_desired_spells = {{100 * kSecond, 130 * kSecond},
                                             {6 * kHour / 6, 6 * kHour / 6 + 90 * kSecond},
                                             {3000 * kSecond, kNever}}});
  b.service("worker", {.desired_count = 1});
  const nlohmann::json j = parse(b.build())["services"];
  const nlohmann::json& web = j["web"];
  CHECK(web["running"] == nlohmann::json::parse(R"({"min": 1, "mean": 3.5, "max": 6})"));
  CHECK(web["belowDesiredSeconds"] == 90);
  CHECK(web["minHealthy"] == 2);
  CHECK(web["replacements"] == 3);
  CHECK(web["throttledLaunches"] == 7);
  CHECK(web["scaleOuts"] == 2);
  CHECK(web["scaleIns"] == 1);
  REQUIRE(web["deployments"].size() == 3);
  CHECK(web["deployments"][1]["rolloutState"] == "FAILED");
  CHECK(web["deployments"][1]["failedTasks"] == 10);
  CHECK(web["deployments"][2]["completedAt"].is_null());
  CHECK(web["deployments"][2]["rolloutState"] == "IN_PROGRESS");
  CHECK(web["deployments"][2]["rollback"] == true);
  // Two spells recovered (30 s and 90 s, the longest from 3600 s), one still open at the end.
  CHECK(web["recovery"] == nlohmann::json::parse(
                               R"({"spells": 3, "meanSeconds": 60, "maxSeconds": 90, "longestFrom": 3600,
                                   "unrecoveredAtEnd": true})"));
  CHECK(web["load"] == nlohmann::json::parse(
                           R"({"overloadedSeconds": 120, "unservedFraction": 0.25, "requests": 1000,
                               "unservedRequests": 250})"));
  CHECK_FALSE(j["worker"].contains("load"));
}

TEST_CASE("summary: a result with no sources has empty services and jobs", "[reports]") {
  sim::RunResult r = small_run();
  r.sources.clear();
  r.services.clear();
  r.tasks.source.clear();
  const nlohmann::json j = parse(r);
  CHECK(j["services"] == nlohmann::json::object());
  CHECK(j["jobs"] == nlohmann::json::object());
  CHECK(j["wait"]["censored"] == 1);
}

TEST_CASE("summary: start latency counts only tasks that reached RUNNING", "[reports]") {
  RunResultBuilder b;
  b.instance("i-1", "z", "t");
  b.task({.instance = "i-1", .submitted = 0, .placed = 0, .started = 4 * kSecond});
  b.task({.instance = "i-1", .submitted = 0, .placed = 0, .started = 2 * kSecond});
  b.task({.instance = "i-1", .submitted = 0, .placed = 0});  // placed, pulling at the end
  b.task({.instance = "i-1", .submitted = 0, .placed = 0, .stopped = kMinute,
          .stop_code = StopCode::kTaskFailedToStart});
  const nlohmann::json s = parse(b.build())["startLatency"];
  CHECK(s["mean"].get<double>() == 3);
  CHECK(s["p50"].get<double>() == 2);
  CHECK(s["p99"].get<double>() == 4);
}

TEST_CASE("summary: an empty run has zero figures and empty objects", "[reports]") {
  RunResultBuilder b;
  b.duration(0);
  const std::string text = summary_json(b.build());
  const nlohmann::json j = nlohmann::json::parse(text);
  CHECK(j["tasks"]["submitted"] == 0);
  CHECK(j["tasks"]["stopped"] == nlohmann::json::object());
  CHECK(j["wait"]["mean"] == 0);
  CHECK(j["wait"]["p99"] == 0);
  CHECK(j["startLatency"]["mean"] == 0);
  CHECK(j["placementFailures"] == nlohmann::json::object());
  CHECK(j["utilization"]["cpu"]["byAvailabilityZone"] == nlohmann::json::object());
  CHECK(j["cost"]["total"] == 0);
  CHECK(j["cost"]["perTaskHour"] == 0);
  CHECK(j["instances"]["instanceHours"] == 0);
  CHECK_FALSE(j.contains("trace"));
}

TEST_CASE("summary: cost of 2 instances for 3 h at $0.192/h is exactly $1.152", "[reports]") {
  RunResultBuilder b;
  b.duration(3 * kHour).instance_type("m5.xlarge", 192'000);
  b.instance("a-1", "z", "m5.xlarge", 0).instance("a-2", "z", "m5.xlarge", 0);
  const SummaryFigures f = compute_summary(b.build());
  CHECK(f.cost_microdollar_us_per_hour == Int128{2} * 3 * kHour * 192'000);
  CHECK(f.cost_total_dollars() == 1.152);
  CHECK(f.instance_hours() == 6.0);
  const nlohmann::json cost = parse(b.build())["cost"];
  CHECK(summary_json(b.build()).find("\"total\": 1.152,\n") != std::string::npos);
  CHECK(cost["perTaskHour"] == 0);  // no task ran
}

TEST_CASE("summary: instances are charged from launch to termination, or to the end of the run", "[reports]") {
  RunResultBuilder b;
  b.duration(10 * kHour).instance_type("c", 1'000'000).instance_type("d", 250'000);
  b.instance("late", "z", "c", 4 * kHour);                  // 6 h × $1
  b.instance("short", "z", "c", kHour, 90 * kMinute);       // 0.5 h × $1
  b.instance("cheap", "z", "d", 0, 2 * kHour);              // 2 h × $0.25
  b.instance("beyond", "z", "d", 9 * kHour, 12 * kHour);    // clipped to 1 h × $0.25
  const SummaryFigures f = compute_summary(b.build());
  CHECK(f.instances_launched == 4);
  CHECK(f.instances_terminated == 3);
  CHECK(f.instance_hours() == 9.5);
  CHECK(f.cost_total_dollars() == 7.25);
}

TEST_CASE("summary: cost per task-hour divides by time in RUNNING up to the end of the run", "[reports]") {
  RunResultBuilder b;
  b.duration(4 * kHour).instance_type("t", 500'000).instance("i", "z", "t");  // 4 h × $0.5 = $2
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 0, .stopped = kHour,
          .stop_code = StopCode::kEssentialContainerExited});                      // 1 h
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 3 * kHour});  // 1 h, to the end
  b.task({.instance = "i", .submitted = 0, .placed = 0});                        // never RUNNING
  const SummaryFigures f = compute_summary(b.build());
  CHECK(f.task_running_us == 2 * kHour);
  CHECK(f.cost_total_dollars() == 2.0);
  CHECK(f.cost_per_task_hour() == 1.0);
}

TEST_CASE("summary: a year of a thousand $100/h instances adds up without overflow", "[reports]") {
  RunResultBuilder b;
  b.duration(365 * sim::kDay).instance_type("p4d", 100'000'000);
  for (int i = 0; i < 1000; ++i) b.instance("i-" + std::to_string(i), "z", "p4d");
  const SummaryFigures f = compute_summary(b.build());
  CHECK(f.cost_total_dollars() == 876'000'000.0);
  CHECK(f.instance_hours() == 8'760'000.0);
}

TEST_CASE("summary: stop codes and failure reasons list only those that occur, in enum order", "[reports]") {
  RunResultBuilder b;
  b.instance("i", "z", "t");
  b.task({.instance = "i", .submitted = 0, .placed = 0, .stopped = 5, .stop_code = StopCode::kSpotInterruption});
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 1, .stopped = 5,
          .stop_code = StopCode::kUserInitiated});
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 1, .stopped = 5,
          .stop_code = StopCode::kSpotInterruption});
  // A stop code on a task that has not reached STOPPED (still stopping at the end) is not counted.
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 1, .stop_code = StopCode::kUserInitiated});
  b.placement_failures(FailureReason::kMissing, 2).placement_failures(FailureReason::kResourcePorts, 7);
  const std::string text = summary_json(b.build());
  CHECK_THAT(text, Catch::Contains(R"j("stopped": {
      "UserInitiated": 1,
      "SpotInterruption": 2
    },)j"));
  CHECK_THAT(text, Catch::Contains(R"j("placementFailures": {
    "RESOURCE:PORTS": 7,
    "MISSING": 2
  },)j"));
  CHECK(nlohmann::json::parse(text)["tasks"]["completed"] == 0);
}

TEST_CASE("summary: a trace's offered load is over the registered CPU, its own waits beside the simulated ones",
          "[reports][traces]") {
  RunResultBuilder b;
  // One instance of 2048 CPU units for the whole hour, one for its second half: 1.5 × 2048 × 3600.
  b.instance("i-1", "us-east-1a", "m5.large").instance("i-2", "us-east-1a", "m5.large", 30 * kMinute);
  b.trace("a.csv", "generic", 4, 0, 0.25 * 2048 * 3600 * 1.5);
  for (const SimTime w : {4 * kSecond, 1 * kSecond, 2 * kSecond, 3 * kSecond}) b.result().traces[0].recorded_waits.add(w);
  const auto j = nlohmann::json::parse(summary_json(b.build()));
  const auto& file = j["trace"]["files"][0];
  CHECK(file["offeredLoad"] == 0.25);
  CHECK(j["trace"]["offeredLoad"] == 0.25);
  CHECK(file["traceWait"]["count"] == 4);
  CHECK(file["traceWait"]["mean"] == 2.5);
  CHECK(file["traceWait"]["p50"] == 2);
  CHECK(file["traceWait"]["p99"] == 4);
  CHECK(file.contains("wait"));
  b.result().traces[0].recorded_waits = {};
  CHECK_FALSE(nlohmann::json::parse(summary_json(b.build()))["trace"]["files"][0].contains("traceWait"));
}

TEST_CASE("summary: trace statistics appear only when traces ran, totals first, each file with its task figures", "[reports]") {
  RunResultBuilder b;
  b.trace("a.csv", "generic", 100, 3, 1.5e6).trace("b.swf", "swf", 50, 7, 0.25e6);
  const std::string text = summary_json(b.build());
  CHECK_THAT(text, Catch::EndsWith(R"j(  "trace": {
    "recordsRead": 150,
    "recordsSkipped": 10,
    "offeredCpuUnitSeconds": 1750000,
    "offeredLoad": 0,
    "files": [
      {
        "file": "a.csv",
        "format": "generic",
        "recordsRead": 100,
        "recordsSkipped": 3,
        "offeredCpuUnitSeconds": 1500000,
        "offeredLoad": 0,
        "strategy": "binpack(memory)",
        "submitted": 0,
        "placed": 0,
        "failedToPlace": 0,
        "pendingAtEnd": 0,
        "wait": {
          "mean": 0,
          "p50": 0,
          "p90": 0,
          "p99": 0,
          "max": 0,
          "censored": 0
        }
      },
      {
        "file": "b.swf",
        "format": "swf",
        "recordsRead": 50,
        "recordsSkipped": 7,
        "offeredCpuUnitSeconds": 250000,
        "offeredLoad": 0,
        "strategy": "binpack(memory)",
        "submitted": 0,
        "placed": 0,
        "failedToPlace": 0,
        "pendingAtEnd": 0,
        "wait": {
          "mean": 0,
          "p50": 0,
          "p90": 0,
          "p99": 0,
          "max": 0,
          "censored": 0
        }
      }
    ]
  }
}
)j"));
}

TEST_CASE("summary: user names are escaped as JSON strings", "[reports]") {
  RunResultBuilder b;
  b.scenario("we\"ird\\name\n").zone("zone \"q\"").instance("i", "zone \"q\"", "t");
  b.result().cpu.by_zone = {{0.5, 0.5, 0.5}};
  const std::string text = summary_json(b.build());
  CHECK_THAT(text, Catch::StartsWith("{\n  \"scenario\": \"we\\\"ird\\\\name\\n\",\n"));
  const nlohmann::json j = nlohmann::json::parse(text);
  CHECK(j["scenario"] == "we\"ird\\name\n");
  CHECK(j["utilization"]["cpu"]["byAvailabilityZone"]["zone \"q\""]["mean"] == 0.5);
}

TEST_CASE("summary: an inconsistent result is a logic error, not a summary", "[reports]") {
  sim::RunResult r = small_run();
  r.tasks.rejected.pop_back();
  CHECK_THROWS_AS(summary_json(r), std::logic_error);
}
