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
