#include "sim/portable_math.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <utility>

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

TEST_CASE("portable_math: log at and beside every table interval's edges, in many binades", "[sim]") {
  // The table covers [0.70703125, 1.41796875) in 91 steps of 1/128; 1 +- 1/32 goes to the series.
  for (int j = 0; j <= 91; ++j) {
    const double edge = 0.70703125 + j / 128.0;
    for (const double m : {std::nextafter(edge, 0.0), edge, std::nextafter(edge, 2.0)}) {
      for (const int e : {-1074 + 60, -300, -1, 0, 1, 700}) {
        const double x = std::ldexp(m, e);
        INFO("x = " << x);
        REQUIRE(ulps(portable_log(x), std::log(x)) <= 2);
      }
    }
  }
  for (const double x : {1.0 - 1.0 / 32, 1.0 + 1.0 / 32, std::nextafter(1.0 - 1.0 / 32, 0.0), std::nextafter(1.0 + 1.0 / 32, 2.0),
                         std::sqrt(2.0), std::nextafter(std::sqrt(2.0), 0.0), 0x1p-1022, 0x1.fffffffffffffp+1023}) {
    INFO("x = " << x);
    REQUIRE(ulps(portable_log(x), std::log(x)) <= 2);
  }
  REQUIRE(ulps(portable_log(0x1p-1074), std::log(0x1p-1074)) <= 2);  // subnormal: the series path
}

TEST_CASE("portable_math: exp at the ends of its range and of the table's", "[sim]") {
  for (const double x : {-708.0, std::nextafter(-708.0, 0.0), std::nextafter(-708.0, -709.0), -707.5, 709.0, 709.5, 709.78,
                         std::log(0x1.fffffffffffffp+1023) - 1e-13, -1e-300, 1e-300, 0.0027, -0.0027}) {
    INFO("x = " << x);
    REQUIRE(std::isfinite(portable_exp(x)));
    REQUIRE(ulps(portable_exp(x), std::exp(x)) <= 2);
  }
  for (int j = -256; j <= 256; ++j) {  // on and between the points (k + j / 128) ln 2
    const double x = j * 0.6931471805599453 / 128;
    for (const double y : {x, std::nextafter(x, -1.0), std::nextafter(x, 1.0), x + 0.6931471805599453 / 256}) {
      INFO("x = " << y);
      REQUIRE(ulps(portable_exp(y), std::exp(y)) <= 2);
    }
  }
}

TEST_CASE("portable_math: pinned results do not drift between compilers, flags or machines", "[sim]") {
  // Computed once; identical under GCC and Clang at -O0 and -O2. If these change, draws change.
  const std::pair<double, double> logs[] = {
      {0x1p-53, -0x1.25e4f7b2737fap+5},
      {0x1p-2, -0x1.62e42fefa39efp+0},
      {0x1.6a0902de00d1bp-1, -0x1.62e6b3842a25ep-2},
      {0x1.8p-1, -0x1.269621134db92p-2},
      {0x1.f5c28f5c28f5cp-1, -0x1.4b004bce0abf7p-6},
      {0x1.fae147ae147aep-1, -0x1.495453e6fd4bcp-7},
      {0x1.00000004p+0, 0x1.fffffffcp-31},
      {0x1.8p+0, 0x1.9f323ecbf984cp-2},
      {0x1p+1, 0x1.62e42fefa39efp-1},
      {0x1.4p+3, 0x1.26bb1bbb55516p+1},
      {0x1.7e43c8800759cp+996, 0x1.5963447f87fb5p+9},
  };
  for (const auto& [x, want] : logs) {
    INFO("log " << x);
    REQUIRE(portable_log(x) == want);
  }
  const std::pair<double, double> exps[] = {
      {-0x1.62p+9, 0x1.7c8ab2288c9abp-1022},
      {-0x1.5e4p+9, 0x1.4ff475c68ca02p-1011},
      {-0x1.4p+3, 0x1.7cd79b5647c9ap-15},
      {-0x1.0624dd2f1a9fcp-10, 0x1.ff7cfe56f1a9ep-1},
      {0x1p-30, 0x1.00000004p+0},
      {0x1p-1, 0x1.a61298e1e069cp+0},
      {0x1p+0, 0x1.5bf0a8b145769p+1},
      {0x1.d99999999999ap+1, 0x1.4394144eeec81p+5},
      {0x1.9p+6, 0x1.3494a9b171bf4p+144},
      {0x1.62d999999999ap+9, 0x1.d75ae7a50ee14p+1023},
  };
  for (const auto& [x, want] : exps) {
    INFO("exp " << x);
    REQUIRE(portable_exp(x) == want);
  }
}
