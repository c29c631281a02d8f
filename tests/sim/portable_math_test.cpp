#include "sim/portable_math.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/random.h"

using ecsim::sim::portable_exp;
using ecsim::sim::portable_log;

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
  if (a == b) return 0;
  return std::fabs(a - b) / std::fabs(std::nextafter(b, a) - b);
}

}  // namespace

TEST_CASE("portable_math: log agrees with the C library within 2 ulp", "[sim]") {
  ecsim::sim::RandomStream r(1, "log");
  for (int i = 0; i < 200000; ++i) {
    // Uniform in (0, 1] (what the distributions feed it) and spread over many binades.
    const double u = r.uniform01_open_low();
    const double x = i % 2 == 0 ? u : std::ldexp(u, static_cast<int>(r.uniform_index(200)) - 100);
    INFO("x = " << x);
    REQUIRE(ulps(portable_log(x), std::log(x)) <= 2);
  }
  REQUIRE(portable_log(1.0) == 0.0);
  REQUIRE(portable_log(0x1.0p-53) == Approx(-36.7368005696771));
}

TEST_CASE("portable_math: exp agrees with the C library within 2 ulp", "[sim]") {
  ecsim::sim::RandomStream r(2, "exp");
  for (int i = 0; i < 200000; ++i) {
    const double x = r.uniform(-700.0, 700.0) / (i % 3 == 0 ? 1.0 : 100.0);
    INFO("x = " << x);
    REQUIRE(ulps(portable_exp(x), std::exp(x)) <= 2);
  }
  REQUIRE(portable_exp(0.0) == 1.0);
  REQUIRE(std::isinf(portable_exp(710.0)));
  REQUIRE(portable_exp(-746.0) == 0.0);
}
