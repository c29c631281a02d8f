#include "sim/pricing.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace ecsim;
using sim::kSecond;
using sim::SpotInterruptionBand;

TEST_CASE("pricing: interruption bands read and print as the Spot Instance Advisor labels them", "[sim]") {
  for (const auto band : {SpotInterruptionBand::kUnder5, SpotInterruptionBand::k5To10, SpotInterruptionBand::k10To15,
                          SpotInterruptionBand::k15To20, SpotInterruptionBand::kOver20}) {
    CHECK(sim::spot_interruption_band_named(sim::spot_interruption_band_label(band)) == band);
  }
  CHECK(sim::spot_interruption_band_label(SpotInterruptionBand::kUnder5) == "<5%");
  CHECK(sim::spot_interruption_band_label(SpotInterruptionBand::kOver20) == ">20%");
  CHECK(sim::spot_interruption_band_label(SpotInterruptionBand::kUnknown).empty());
  CHECK_FALSE(sim::spot_interruption_band_named("20%").has_value());
}

TEST_CASE("pricing: a band's rate is -ln(1 - its monthly midpoint) / 730 per instance-hour", "[sim]") {
  const double midpoints[] = {0.025, 0.075, 0.125, 0.175, 0.25};
  double before = 0;
  for (int k = 0; k < 5; ++k) {
    const double rate = sim::spot_interruption_rate_per_hour(static_cast<SpotInterruptionBand>(k));
    CHECK(rate == Approx(-std::log(1 - midpoints[k]) / 730).epsilon(1e-12));
    CHECK(rate > before);
    before = rate;
  }
  // Over a 730-hour month at that rate, the midpoint's share of instances is interrupted.
  CHECK(1 - std::exp(-730 * sim::spot_interruption_rate_per_hour(SpotInterruptionBand::k10To15)) == Approx(0.125));
  CHECK(sim::spot_interruption_rate_per_hour(SpotInterruptionBand::kUnknown) == 0);
}

TEST_CASE("pricing: a discounted price rounds half up to a micro-dollar", "[sim]") {
  CHECK(sim::discounted_price_microdollars(96'000, 66) == 32'640);
  CHECK(sim::discounted_price_microdollars(5, 50) == 3);   // 2.5 -> 3
  CHECK(sim::discounted_price_microdollars(3, 50) == 2);   // 1.5 -> 2
  CHECK(sim::discounted_price_microdollars(7, 30) == 5);   // 4.9 -> 5
  CHECK(sim::discounted_price_microdollars(192'000, 0) == 192'000);
  CHECK(sim::discounted_price_microdollars(192'000, 100) == 0);
}

TEST_CASE("pricing: the Spot price is the scenario's, else on-demand less the savings, else on-demand", "[sim]") {
  CHECK(sim::spot_price_microdollars(96'000, 66, 40'000) == 40'000);
  CHECK(sim::spot_price_microdollars(96'000, 66, -1) == 32'640);
  CHECK(sim::spot_price_microdollars(96'000, -1, -1) == 96'000);
}

TEST_CASE("pricing: billed time is whole seconds rounded up, at least a minute", "[sim][ecs]") {
  // AWS "Amazon EC2 On-Demand Pricing": per-second billing with "a minimum of 60 seconds".
  CHECK(sim::billed_time(0) == 60 * kSecond);
  CHECK(sim::billed_time(59 * kSecond + 999'999) == 60 * kSecond);
  CHECK(sim::billed_time(60 * kSecond) == 60 * kSecond);
  CHECK(sim::billed_time(60 * kSecond + 1) == 61 * kSecond);
  CHECK(sim::billed_time(3600 * kSecond) == 3600 * kSecond);
}
