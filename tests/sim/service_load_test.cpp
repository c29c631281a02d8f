#include "sim/service_load.h"

#include <catch2/catch.hpp>

using ecsim::sim::cpu_utilization_percent;
using ecsim::sim::demand_cpu_units;
using ecsim::sim::integrate_load;
using ecsim::sim::kHour;
using ecsim::sim::kMinute;
using ecsim::sim::kSecond;
using ecsim::sim::LoadSpec;
using ecsim::sim::memory_utilization_percent;
using ecsim::sim::requests_between;
using ecsim::sim::requests_per_second;
using ecsim::sim::servable_requests_per_second;
using ecsim::sim::SimTime;

namespace {

LoadSpec curve(std::vector<std::pair<SimTime, double>> points, SimTime repeat = 0, double cpu_ms = 0) {
  LoadSpec s;
  s.requests_per_second = std::move(points);
  s.repeat = repeat;
  s.cpu_milliseconds_per_request = cpu_ms;
  return s;
}

// Midpoint Riemann sum of the rate over [a, b) in `steps` slices, in requests.
double riemann(const LoadSpec& s, SimTime a, SimTime b, SimTime step) {
  double sum = 0;
  for (SimTime t = a; t < b; t += step) {
    const SimTime end = t + step < b ? t + step : b;
    sum += requests_per_second(s, t + (end - t) / 2) * (static_cast<double>(end - t) / 1e6);
  }
  return sum;
}

}  // namespace

TEST_CASE("Load: linear between points and flat outside them", "[load]") {
  const LoadSpec s = curve({{10 * kSecond, 100}, {20 * kSecond, 300}, {40 * kSecond, 100}});
  REQUIRE(requests_per_second(s, 0) == 100);
  REQUIRE(requests_per_second(s, 10 * kSecond) == 100);
  REQUIRE(requests_per_second(s, 15 * kSecond) == 200);
  REQUIRE(requests_per_second(s, 20 * kSecond) == 300);
  REQUIRE(requests_per_second(s, 30 * kSecond) == 200);
  REQUIRE(requests_per_second(s, 40 * kSecond) == 100);
  REQUIRE(requests_per_second(s, 10 * kHour) == 100);
}

TEST_CASE("Load: a single point is a constant rate", "[load]") {
  const LoadSpec s = curve({{5 * kSecond, 42}});
  REQUIRE(requests_per_second(s, 0) == 42);
  REQUIRE(requests_per_second(s, kHour) == 42);
  REQUIRE(requests_between(s, 0, 10 * kSecond) == Approx(420));
  const LoadSpec r = curve({{5 * kSecond, 42}}, kMinute);
  REQUIRE(requests_per_second(r, 3 * kMinute + 1) == 42);
  REQUIRE(requests_between(r, 0, 10 * kMinute) == Approx(42.0 * 600));
}

TEST_CASE("Load: a repeating curve wraps from its last point to its first one period later", "[load]") {
  // A day: 100 rps at 06:00, 500 at 18:00. Midnight lies halfway along the 12 h wrap from 18:00
  // to 06:00 next day, so the rate there is 300 and the curve is continuous over it.
  const LoadSpec s = curve({{6 * kHour, 100}, {18 * kHour, 500}}, 24 * kHour);
  REQUIRE(requests_per_second(s, 0) == Approx(300));
  REQUIRE(requests_per_second(s, 24 * kHour) == Approx(300));
  REQUIRE(requests_per_second(s, 24 * kHour - 1) == Approx(300).epsilon(1e-6));
  REQUIRE(requests_per_second(s, 3 * kHour) == Approx(200));
  REQUIRE(requests_per_second(s, 21 * kHour) == Approx(400));
  REQUIRE(requests_per_second(s, 12 * kHour) == Approx(300));
  REQUIRE(requests_per_second(s, 6 * kHour + 3 * 24 * kHour) == Approx(100));
  // Before the run's start the curve is the same modulo the period.
  REQUIRE(requests_per_second(s, -3 * kHour) == Approx(400));
}

TEST_CASE("Load: a repeating curve whose first point is at 0 has no wrap knot of its own", "[load]") {
  const LoadSpec s = curve({{0, 0}, {30 * kSecond, 60}}, kMinute);
  REQUIRE(requests_per_second(s, 0) == 0);
  REQUIRE(requests_per_second(s, 15 * kSecond) == Approx(30));
  REQUIRE(requests_per_second(s, 45 * kSecond) == Approx(30));
  // Each minute is a triangle of height 60 over 60 s: 1800 requests.
  REQUIRE(requests_between(s, 0, kMinute) == Approx(1800));
  REQUIRE(requests_between(s, 0, 100 * kMinute) == Approx(180000));
}

TEST_CASE("Load: requests_between matches a fine Riemann sum", "[load]") {
  const LoadSpec flat_ends = curve({{7 * kSecond, 3}, {11 * kSecond, 50}, {13 * kSecond, 10}, {29 * kSecond, 80}});
  const LoadSpec daily = curve({{1 * kHour, 20}, {9 * kHour, 400}, {13 * kHour, 150}, {20 * kHour, 600}}, 24 * kHour);
  SECTION("no repeat, across every piece and both flat ends") {
    REQUIRE(requests_between(flat_ends, 0, 40 * kSecond) ==
            Approx(riemann(flat_ends, 0, 40 * kSecond, kSecond / 1000)).epsilon(1e-9));
    REQUIRE(requests_between(flat_ends, 12 * kSecond, 12 * kSecond + 334) ==
            Approx(riemann(flat_ends, 12 * kSecond, 12 * kSecond + 334, 2)).epsilon(1e-9));
  }
  SECTION("repeat, starting mid-period and ending mid-period several days later") {
    const SimTime a = 17 * kHour + 123;
    const SimTime b = 4 * 24 * kHour + 5 * kHour;
    REQUIRE(requests_between(daily, a, b) == Approx(riemann(daily, a, b, kSecond)).epsilon(1e-9));
  }
  SECTION("repeat, a long span is whole periods times one period") {
    const double one_day = requests_between(daily, 0, 24 * kHour);
    REQUIRE(one_day == Approx(riemann(daily, 0, 24 * kHour, kSecond)).epsilon(1e-9));
    REQUIRE(requests_between(daily, 0, 365 * 24 * kHour) == Approx(365 * one_day).epsilon(1e-12));
    // Shifting a whole number of periods changes nothing.
    REQUIRE(requests_between(daily, 3 * kHour + 7 * 24 * kHour, 5 * kHour + 30 * 24 * kHour) ==
            Approx(requests_between(daily, 3 * kHour, 5 * kHour + 23 * 24 * kHour)).epsilon(1e-12));
  }
  SECTION("additive over adjacent intervals") {
    const SimTime m = 10 * kHour + 17;
    REQUIRE(requests_between(daily, 2 * kHour, m) + requests_between(daily, m, 50 * kHour) ==
            Approx(requests_between(daily, 2 * kHour, 50 * kHour)).epsilon(1e-12));
  }
  REQUIRE(requests_between(daily, 5 * kHour, 5 * kHour) == 0);
}

TEST_CASE("Load: demand converts requests to CPU units at cpu ms x 1.024", "[load]") {
  // 1000 rps × 10 ms = 10 vCPU = 10,240 units.
  const LoadSpec s = curve({{0, 1000}}, 0, 10);
  REQUIRE(demand_cpu_units(s, 0) == Approx(10240));
  REQUIRE(servable_requests_per_second(s, 1024) == Approx(100));
  REQUIRE(servable_requests_per_second(s, 0) == 0);
  REQUIRE(servable_requests_per_second(curve({{0, 5}}), 512) == std::numeric_limits<double>::infinity());
}

TEST_CASE("Load: overload time and unserved requests are exact across a crossing", "[load]") {
  // Rate rises from 0 to 200 rps over 100 s, then stays at 200. A request costs 1/1.024 ms,
  // so one CPU unit serves exactly 1 rps and capacity 100 serves 100 rps.
  const LoadSpec s = curve({{0, 0}, {100 * kSecond, 200}}, 0, 1.0 / 1.024);
  REQUIRE(servable_requests_per_second(s, 100) == Approx(100));
  // Over [0, 150 s): demand crosses 100 rps at 50 s. Overloaded 50..150 = 100 s. Excess: a
  // triangle 50 s × 100 rps / 2 = 2500, then 50 s × 100 rps = 5000: 7500 unserved. Requests:
  // 100 s × 100 average = 10000, then 50 s × 200 = 10000.
  const auto slice = integrate_load(s, 0, 150 * kSecond, 100);
  REQUIRE(slice.requests == Approx(20000));
  REQUIRE(slice.overloaded_us == 100 * kSecond);
  REQUIRE(slice.unserved_requests == Approx(7500));
  // Falling side: a curve going 200 -> 0 over 100 s is overloaded for its first 50 s.
  const LoadSpec down = curve({{0, 200}, {100 * kSecond, 0}}, 0, 1.0 / 1.024);
  const auto d = integrate_load(down, 0, 100 * kSecond, 100);
  REQUIRE(d.overloaded_us == 50 * kSecond);
  REQUIRE(d.unserved_requests == Approx(2500));
  REQUIRE(d.requests == Approx(10000));
  // Exactly at capacity is not overloaded.
  const auto at = integrate_load(curve({{0, 100}}, 0, 1.0 / 1.024), 0, kMinute, 100);
  REQUIRE(at.overloaded_us == 0);
  REQUIRE(at.unserved_requests == 0);
}

TEST_CASE("Load: overload over many repeat periods is one period's times their number", "[load]") {
  // Each minute: 0 -> 60 rps over 30 s, back to 0 by 60 s; capacity 30 rps. Overloaded for the
  // middle 30 s of each minute; excess a triangle 30 s × 30 rps / 2 = 450 requests.
  const LoadSpec s = curve({{0, 0}, {30 * kSecond, 60}}, kMinute, 1.0 / 1.024);
  const auto slice = integrate_load(s, 0, 1000 * kMinute, 30);
  REQUIRE(slice.overloaded_us == 1000 * 30 * kSecond);
  REQUIRE(slice.unserved_requests == Approx(1000 * 450.0));
  REQUIRE(slice.requests == Approx(1000 * 1800.0));
}

TEST_CASE("Load: no capacity leaves every request unserved", "[load]") {
  const LoadSpec s = curve({{0, 10}, {kMinute, 0}}, 0, 5);
  const auto slice = integrate_load(s, 0, 2 * kMinute, 0);
  REQUIRE(slice.requests == Approx(300));
  REQUIRE(slice.unserved_requests == Approx(300));
  REQUIRE(slice.overloaded_us == kMinute);  // the flat zero after the last point is not overloaded
}

TEST_CASE("Load: requests that cost no CPU never overload running tasks", "[load]") {
  const LoadSpec s = curve({{0, 1e6}});
  const auto slice = integrate_load(s, 0, kMinute, 1);
  REQUIRE(slice.overloaded_us == 0);
  REQUIRE(slice.unserved_requests == 0);
  REQUIRE(cpu_utilization_percent(s, 0, kMinute, 1024) == 0.0);
}

TEST_CASE("Load: CPU utilization is served demand over reservation, capped at 100", "[load]") {
  // 1 unit serves 1 rps (see above). 2 tasks × 256 units = 512 reserved.
  const double per_unit_ms = 1.0 / 1.024;
  SECTION("below the reservation") {
    const auto pct = cpu_utilization_percent(curve({{0, 256}}, 0, per_unit_ms), 0, kMinute, 512);
    REQUIRE(pct.has_value());
    REQUIRE(*pct == Approx(50));
  }
  SECTION("a ramp averages over the minute") {
    // 0 -> 512 rps over the minute: average 256 rps on 512 units = 50 %.
    const auto pct = cpu_utilization_percent(curve({{0, 0}, {kMinute, 512}}, 0, per_unit_ms), 0, kMinute, 512);
    REQUIRE(*pct == Approx(50));
  }
  SECTION("demand beyond the reservation is unserved, not utilization") {
    const auto pct = cpu_utilization_percent(curve({{0, 2048}}, 0, per_unit_ms), 0, kMinute, 512);
    REQUIRE(*pct == Approx(100));
    // Half the minute at 1024 rps (capped to 512), half at 0: 50 %.
    const LoadSpec step = curve({{0, 1024}, {30 * kSecond, 1024}, {30 * kSecond + 1, 0}}, 0, per_unit_ms);
    REQUIRE(*cpu_utilization_percent(step, 0, kMinute, 512) == Approx(50).epsilon(1e-4));
  }
  SECTION("no running task: no datapoint") {
    REQUIRE_FALSE(cpu_utilization_percent(curve({{0, 10}}, 0, 1), 0, kMinute, 0).has_value());
    REQUIRE_FALSE(memory_utilization_percent(40, 0).has_value());
    REQUIRE(memory_utilization_percent(40, 3) == 40.0);
  }
}
