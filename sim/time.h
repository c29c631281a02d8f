// Simulated time: an integer count of microseconds since the start of the run.
//
// Invariant: every time and duration in the engine is a SimTime; doubles appear only when a
// report converts a figure to seconds for printing.
#pragma once

#include <cstdint>
#include <limits>

namespace ecsim::sim {

using SimTime = std::int64_t;

constexpr SimTime kMicrosecond = 1;
constexpr SimTime kMillisecond = 1000 * kMicrosecond;
constexpr SimTime kSecond = 1000 * kMillisecond;
constexpr SimTime kMinute = 60 * kSecond;
constexpr SimTime kHour = 60 * kMinute;
constexpr SimTime kDay = 24 * kHour;
constexpr SimTime kNever = std::numeric_limits<SimTime>::max();

// Seconds as a double, for reports only.
constexpr double to_seconds(SimTime t) { return static_cast<double>(t) / static_cast<double>(kSecond); }

}  // namespace ecsim::sim
