#include "sim/arrivals.h"

#include <cmath>

#include <catch2/catch.hpp>

using namespace ecsim::sim;

TEST_CASE("Arrivals: a fixed arrival starts at start and repeats every interval until end", "[sim]") {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kFixed;
  a.start = 10 * kSecond;
  a.interval = 5 * kSecond;
  a.end = 20 * kSecond;
  RandomStream rng(1, "job:x/arrival");
  std::uint64_t cursor = 0;
  REQUIRE(next_arrival(a, -1, 0, cursor, kHour, rng) == 10 * kSecond);
  REQUIRE(next_arrival(a, 10 * kSecond, 1, cursor, kHour, rng) == 15 * kSecond);
  // Arrivals happen at times < end.
  REQUIRE(next_arrival(a, 15 * kSecond, 2, cursor, kHour, rng) == kNever);
}

TEST_CASE("Arrivals: count caps the arrivals and the run's duration ends them", "[sim]") {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kFixed;
  a.interval = kMinute;
  a.count = 2;
  RandomStream rng(1, "job:x/arrival");
  std::uint64_t cursor = 0;
  REQUIRE(next_arrival(a, kMinute, 1, cursor, kHour, rng) == 2 * kMinute);
  REQUIRE(next_arrival(a, 2 * kMinute, 2, cursor, kHour, rng) == kNever);
  REQUIRE(next_arrival(a, kMinute, 1, cursor, 2 * kMinute, rng) == kNever);
}

TEST_CASE("Arrivals: a list skips times before start and advances its cursor", "[sim]") {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kList;
  a.at = {1 * kSecond, 3 * kSecond, 7 * kSecond};
  a.start = 2 * kSecond;
  RandomStream rng(1, "job:x/arrival");
  std::uint64_t cursor = 0;
  REQUIRE(next_arrival(a, -1, 0, cursor, kHour, rng) == 3 * kSecond);
  REQUIRE(cursor == 2);
  REQUIRE(next_arrival(a, 3 * kSecond, 1, cursor, kHour, rng) == 7 * kSecond);
  REQUIRE(next_arrival(a, 7 * kSecond, 2, cursor, kHour, rng) == kNever);
}

TEST_CASE("Arrivals: a Poisson gap is the stream's exponential draw rounded to the microsecond", "[sim]") {
  ArrivalSpec a;
  a.kind = ArrivalSpec::Kind::kPoisson;
  a.rate_per_second = 2.0;
  a.start = kSecond;
  RandomStream rng(7, "job:x/arrival");
  RandomStream same(7, "job:x/arrival");
  std::uint64_t cursor = 0;
  const double gap_s = same.exponential(0.5);
  const auto expected = kSecond + static_cast<SimTime>(std::llround(gap_s * 1e6));
  REQUIRE(next_arrival(a, -1, 0, cursor, kHour * 1000, rng) == expected);
}

TEST_CASE("Arrivals: runtimes are constant, drawn, or picked from samples, never negative", "[sim]") {
  RandomStream rng(3, "job:x/runtime");
  RuntimeSpec constant;
  constant.value = 42;
  REQUIRE(draw_runtime(constant, rng) == 42);
  RuntimeSpec uniform;
  uniform.kind = RuntimeSpec::Kind::kUniform;
  uniform.min = 10;
  uniform.max = 20;
  for (int n = 0; n < 100; ++n) {
    const SimTime t = draw_runtime(uniform, rng);
    REQUIRE(t >= 10);
    REQUIRE(t <= 20);
  }
  RuntimeSpec empirical;
  empirical.kind = RuntimeSpec::Kind::kEmpirical;
  empirical.samples = {5, 6};
  for (int n = 0; n < 20; ++n) {
    const SimTime t = draw_runtime(empirical, rng);
    REQUIRE((t == 5 || t == 6));
  }
}
