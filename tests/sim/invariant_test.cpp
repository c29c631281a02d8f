#include "sim/invariant.h"

#include <catch2/catch.hpp>

#include "sim/auto_scaling.h"
#include "sim/capacity_providers.h"

using namespace ecsim::sim;

TEST_CASE("invariant: an ECSIM_CHECK holds in every build and names its place and what broke", "[sim]") {
  CHECK_NOTHROW([] { ECSIM_CHECK(1 + 1 == 2, "arithmetic"); }());
  try {
    [] { ECSIM_CHECK(1 + 1 == 3, "arithmetic broke"); }();
    FAIL("no exception, so the check is compiled out");
  } catch (const InvariantError& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("tests/sim/invariant_test.cpp:"));
    CHECK_THAT(e.what(), Catch::EndsWith(": arithmetic broke"));
  }
}

TEST_CASE("invariant: a REQUIRES the loader ensures is still checked in a Release build", "[sim]") {
  // Formerly asserts, compiled out by NDEBUG: a target of 0 divided by zero, an empty strategy
  // read past its end.
  CHECK_THROWS_WITH(target_tracking_scale_out(4, 50.0, 0.0, 10),
                    Catch::StartsWith("sim/auto_scaling.cpp:") &&
                        Catch::EndsWith(": a target tracking policy with a target of 0 or less"));
  CHECK_THROWS_AS(provider_for({}, {}), InvariantError);
}
