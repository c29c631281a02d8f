#include "reports/result_check.h"

#include <catch2/catch.hpp>

#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

TEST_CASE("result_check: a consistent result passes", "[reports]") {
  CHECK_NOTHROW(check_run_result(small_run()));
  CHECK_NOTHROW(check_run_result(RunResultBuilder().build()));
}

TEST_CASE("result_check: errors name the first offending field", "[reports]") {
  sim::RunResult r = small_run();
  SECTION("a per-task vector of the wrong length") {
    r.tasks.rejected.clear();
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.rejected has 0 entries, expected 5 (one per task)");
  }
  SECTION("a price missing for an instance type") {
    r.price_microdollars_per_hour.clear();
    CHECK_THROWS_WITH(check_run_result(r),
                      "RunResult: price_microdollars_per_hour has 0 entries, expected 1 (one per instance type)");
  }
  SECTION("placed without an instance") {
    r.tasks.instance[1] = sim::kNoInstance;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.placed_at[1] and tasks.instance[1] disagree on "
                                           "whether it was placed");
  }
  SECTION("an instance index out of range") {
    r.tasks.instance[0] = 7;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.instance[0] is not an instance");
  }
  SECTION("time running backwards") {
    r.tasks.started_at[0] = kSecond;  // placed at 2 s
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.started_at[0] is before tasks.placed_at[0]");
  }
  SECTION("started but never placed") {
    r.tasks.started_at[3] = kHour;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.started_at[3] is set on a task never placed");
  }
  SECTION("utilization by zone of the wrong length") {
    r.memory.by_zone.pop_back();
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: memory.by_zone has 1 entries, expected 2 (one per zone)");
  }
  SECTION("a utilization figure that is not a number") {
    r.cpu.by_type[0].p95 = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: cpu.by_type[0] is not finite");
  }
  SECTION("an instance terminated before its launch") {
    r.instances.launched_at[0] = 3 * kHour;
    CHECK_THROWS_WITH(check_run_result(r),
                      "RunResult: instances.terminated_at[0] is before instances.launched_at[0]");
  }
}

TEST_CASE("result_check: sources, services, series and markers are checked", "[reports]") {
  sim::RunResult r = small_run();
  SECTION("a task's source out of range") {
    r.tasks.source[2] = 9;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.source[2] is not a source index");
  }
  SECTION("task sources missing while there are sources") {
    r.tasks.source.clear();
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: tasks.source has 0 entries, expected 5 (one per task)");
  }
  SECTION("no source at all is allowed (an engine that records none)") {
    r.tasks.source.clear();
    r.sources.clear();
    r.services.clear();
    CHECK_NOTHROW(check_run_result(r));
  }
  SECTION("a job before a service") {
    std::swap(r.sources[0], r.sources[1]);
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: sources[1] is out of order (services, jobs, traces)");
  }
  SECTION("two sources of one name") {
    r.sources[1].name = "web";
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: sources[1].name \"web\" is also the name of sources[0]");
  }
  SECTION("a service result pointing at a job") {
    r.services[0].source = 1;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: services[0].source is not a service source");
  }
  SECTION("a service source with no result") {
    r.services.clear();
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: sources has 1 services, expected 0 (one per services entry)");
  }
  SECTION("a trace without its source") {
    r.traces.push_back(sim::TraceStats{"t.csv", "generic", 1, 0, 1.0, {}});
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: sources has 0 traces, expected 1 (one per traces entry)");
  }
  SECTION("a per-service series of the wrong length") {
    r.service_running.assign(3, 1);  // 2 samples x 1 service
    CHECK_THROWS_WITH(check_run_result(r),
                      "RunResult: service_running has 3 entries, expected 2 (one per sample and service)");
    r.service_running.assign(2, 1);
    CHECK_NOTHROW(check_run_result(r));
  }
  SECTION("markers out of time order") {
    r.markers.push_back({.at = kHour, .kind = sim::MarkerKind::kScenarioEvent, .label = "azOutage us-east-1a"});
    r.markers.push_back({.at = kMinute, .kind = sim::MarkerKind::kScaleOut, .service = 0, .label = "web 2 -> 3"});
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: markers[1] is before markers[0]");
  }
  SECTION("a marker of no service") {
    r.markers.push_back({.at = kHour, .kind = sim::MarkerKind::kScaleOut, .service = 1, .label = "x"});
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: markers[0].service is not a service");
  }
  SECTION("a service event of no service") {
    r.service_events.push_back({.at = kHour, .service = 3, .message = "x"});
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: service_events[0].service is not a service");
  }
  SECTION("a deployment completed while in progress") {
    r.services[0].deployments[0].rollout_state = sim::RolloutState::kInProgress;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: services[0].deployments[0].completed_at disagrees with "
                                           "rollout_state (set exactly when not IN_PROGRESS)");
  }
  SECTION("running min above max") {
    r.services[0].running_min = 3;
    CHECK_THROWS_WITH(check_run_result(r), "RunResult: services[0] has running min > max or a negative count");
  }
}
