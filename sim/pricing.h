// EC2 prices and billing: the Spot market's figures per instance type, the Savings Plan terms a
// scenario gives, and the billing rules the reports apply (reports/cost.h). Prices are integer
// micro-dollars per hour, times SimTime microseconds.
//
// Spot price. The bundled Spot Instance Advisor data (scenarios/catalog/spot-advisor-us-east-1.csv)
// gives each type's savings against on-demand in integer percent; a Spot instance is billed
//     spot price = on-demand price x (100 - savings) / 100, rounded half up to a micro-dollar
// (spot_price_from_savings). A type with no savings figure (missing from the advisor data, or
// defined by the scenario) is billed at its on-demand price on Spot, unless the scenario gives
// one (scenarios/catalog.h: spotPricePerHour, spotSavingsPct, pricing.spotDiscountPct).
//
// Interruption rate. The advisor gives each type a band of "frequency of interruption" (the
// share of Spot instances of the type that AWS interrupted over the trailing month). ecsim turns
// a band into a rate with a modelling choice of its own, not an AWS figure: the band's midpoint
// per month, p = 2.5 % (<5%), 7.5 % (5-10%), 12.5 % (10-15%), 17.5 % (15-20%), 25 % (>20%), taken
// as the probability that an instance running a whole month (730 hours) is interrupted, so that
// with a constant hazard the rate per instance-hour is -ln(1 - p) / 730.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace ecsim::sim {

// The Spot Instance Advisor's interruption-frequency bands, in its order (the feed's index
// 0..4), then kUnknown for a type the advisor does not list.
enum class SpotInterruptionBand : std::uint8_t { kUnder5, k5To10, k10To15, k15To20, kOver20, kUnknown };

// The advisor's label: "<5%", "5-10%", "10-15%", "15-20%", ">20%"; "" for kUnknown.
std::string_view spot_interruption_band_label(SpotInterruptionBand band);

// The band a label names, or nullopt.
std::optional<SpotInterruptionBand> spot_interruption_band_named(std::string_view label);

// Interruptions per instance-hour: -ln(1 - p) / 730 with p the band's midpoint per month (see
// above); <5% gives about 3.47e-5, >20% about 3.94e-4. 0 for kUnknown. Computed with
// portable_log, so the same on every machine.
double spot_interruption_rate_per_hour(SpotInterruptionBand band);

// price x (100 - percent) / 100, rounded half up to a micro-dollar. REQUIRES: 0 <= percent <= 100,
// price >= 0.
std::int64_t discounted_price_microdollars(std::int64_t price_microdollars, std::int32_t percent);

// The Spot price per hour of a type: `spot_price` when >= 0 (given by the scenario), else the
// on-demand price less `spot_savings_pct` when >= 0, else the on-demand price.
std::int64_t spot_price_microdollars(std::int64_t on_demand_price, std::int32_t spot_savings_pct,
                                     std::int64_t spot_price);

// EC2 per-second billing (AWS "Amazon EC2 On-Demand Pricing": Linux instances are billed per
// second, "a minimum of 60 seconds"): the time billed for an instance that ran `alive`, rounded up
// to a whole second and at least a minute.
inline constexpr SimTime kMinimumBilledTime = kMinute;
SimTime billed_time(SimTime alive);

// A Savings Plan or reserved capacity: a discount on covered instance-hours. At every moment,
// the first `covered_instances` on-demand instances (in instance order, i.e. launch order) that
// are being billed, are of a covered type, and are not covered by an earlier plan of the list, are
// billed at the on-demand price less `discount_pct` (discounted_price_microdollars). Spot
// instances are never covered.
struct SavingsPlanTerms {
  std::int32_t discount_pct = 0;        // 0..100
  std::int32_t covered_instances = 0;   // >= 1
  bool all_types = true;                // covers every type; else only `instance_types`
  std::vector<std::uint32_t> instance_types;  // sorted indices into the owner's instance type list
};

}  // namespace ecsim::sim
