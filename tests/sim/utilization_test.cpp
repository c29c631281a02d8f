#include "sim/utilization.h"

#include <catch2/catch.hpp>

using ecsim::sim::UtilizationSeries;

TEST_CASE("UtilizationSeries: mean is time-weighted, not averaged over changes", "[sim]") {
  UtilizationSeries s;
  s.change(0, 0, 100);   // 100 registered, nothing reserved
  s.change(10, 50, 0);   // 50 % from t=10
  s.change(90, 50, 0);   // 100 % from t=90 to 100
  const auto stats = s.finish(100);
  // 10 x 0 + 80 x 0.5 + 10 x 1.0 = 50 over 100.
  REQUIRE(stats.mean == Approx(0.5));
  REQUIRE(stats.max == 1.0);
  // 95 % of the time is at or below 0.5 only if 90 <= 95: the p95 is 1.0 here.
  REQUIRE(stats.p95 == 1.0);
}

TEST_CASE("UtilizationSeries: p95 ignores a short peak", "[sim]") {
  UtilizationSeries s;
  s.change(0, 25, 100);
  s.change(980, 75, 0);  // 100 % for the last 2 % of the time
  const auto stats = s.finish(1000);
  REQUIRE(stats.p95 == 0.25);
  REQUIRE(stats.max == 1.0);
  REQUIRE(stats.mean == Approx((980 * 0.25 + 20 * 1.0) / 1000));
}

TEST_CASE("UtilizationSeries: nothing registered counts as zero utilisation", "[sim]") {
  UtilizationSeries s;
  s.change(50, 0, 10);
  s.change(50, 10, 0);
  const auto stats = s.finish(100);
  REQUIRE(stats.mean == Approx(0.5));
  REQUIRE(stats.max == 1.0);
}
