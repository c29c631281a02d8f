#include "sim/fleet_faults.h"

#include <string>

#include "sim/portable_math.h"
#include "sim/random.h"

namespace ecsim::sim {

SimTime fault_gap(std::uint64_t seed, std::string_view instance_id, FaultKind kind, std::uint64_t draw,
                  double rate_per_hour) {
  std::string name = "fault:";
  name += instance_id;
  name += kind == FaultKind::kFailure ? "/failure#" : kind == FaultKind::kSpotInterruption ? "/spot#" : "/disconnect#";
  name += std::to_string(draw);
  const std::uint64_t bits = stream_seed(seed, name);
  // 53 bits to a uniform in (0, 1], then the exponential's inverse.
  const double u = (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53;
  const double hours = -portable_log(u) / rate_per_hour;
  const double us = hours * static_cast<double>(kHour);
  return us >= 9.0e18 ? kNever : static_cast<SimTime>(us);
}

}  // namespace ecsim::sim
