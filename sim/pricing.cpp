#include "sim/pricing.h"

#include <algorithm>
#include <array>

#include "sim/portable_math.h"

namespace ecsim::sim {
namespace {

constexpr std::array<std::string_view, 5> kBandLabels = {"<5%", "5-10%", "10-15%", "15-20%", ">20%"};
// Each band's midpoint, in percent per month (the top band, open-ended, is taken as 25 %).
constexpr std::array<double, 5> kBandMidpointPct = {2.5, 7.5, 12.5, 17.5, 25.0};
constexpr double kHoursPerMonth = 730.0;

}  // namespace

std::string_view spot_interruption_band_label(SpotInterruptionBand band) {
  const auto k = static_cast<std::size_t>(band);
  return k < kBandLabels.size() ? kBandLabels[k] : std::string_view();
}

std::optional<SpotInterruptionBand> spot_interruption_band_named(std::string_view label) {
  for (std::size_t k = 0; k < kBandLabels.size(); ++k) {
    if (kBandLabels[k] == label) return static_cast<SpotInterruptionBand>(k);
  }
  return std::nullopt;
}

double spot_interruption_rate_per_hour(SpotInterruptionBand band) {
  const auto k = static_cast<std::size_t>(band);
  if (k >= kBandMidpointPct.size()) return 0;
  return -portable_log(1.0 - kBandMidpointPct[k] / 100.0) / kHoursPerMonth;
}

std::int64_t discounted_price_microdollars(std::int64_t price_microdollars, std::int32_t percent) {
  // In 128 bits: a price read back from files may be up to 10^16 µ$/h, and hand-built ones more.
  __extension__ typedef __int128 Wide;
  return static_cast<std::int64_t>((Wide{price_microdollars} * (100 - percent) + 50) / 100);
}

std::int64_t spot_price_microdollars(std::int64_t on_demand_price, std::int32_t spot_savings_pct,
                                     std::int64_t spot_price) {
  if (spot_price >= 0) return spot_price;
  if (spot_savings_pct >= 0) return discounted_price_microdollars(on_demand_price, spot_savings_pct);
  return on_demand_price;
}

SimTime billed_time(SimTime alive) {
  const SimTime whole_seconds = (std::max<SimTime>(alive, 0) + kSecond - 1) / kSecond * kSecond;
  return std::max(whole_seconds, kMinimumBilledTime);
}

}  // namespace ecsim::sim
