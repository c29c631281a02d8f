// Faults of the fleet as seeded random processes (scenario "faults"): each instance, once
// registered, fails at a rate per instance-hour, a Spot instance is interrupted at its type's
// rate, and its agent disconnects at a rate per instance-hour for a set time. Each is a Poisson
// process whose gaps are exponential draws keyed by (run seed, instance id, fault, draw number),
// so one instance's faults never shift another's, and a run with the same seed meets the same
// faults whatever the placement strategy (common random numbers).
//
// Spot interruption rates come, by default, from the Spot Instance Advisor's interruption band of
// the type (sim/pricing.h spot_interruption_rate_per_hour: ecsim's mapping of a band to a rate).
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

enum class FaultKind : std::uint8_t { kFailure, kSpotInterruption, kAgentDisconnect };

// The gap to an instance's `draw`-th fault of `kind`, for a rate per hour (> 0): exponential,
// from a hash of (seed, id, kind, draw). Deterministic and portable.
SimTime fault_gap(std::uint64_t seed, std::string_view instance_id, FaultKind kind, std::uint64_t draw,
                  double rate_per_hour);

}  // namespace ecsim::sim
