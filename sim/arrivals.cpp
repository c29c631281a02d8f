#include "sim/arrivals.h"

#include <algorithm>
#include <cmath>

namespace ecsim::sim {

SimTime next_arrival(const ArrivalSpec& a, SimTime after, std::int64_t submitted, std::uint64_t& cursor,
                     SimTime duration, RandomStream& rng) {
  if (a.count >= 0 && submitted >= a.count) return kNever;
  SimTime next = kNever;
  switch (a.kind) {
    case ArrivalSpec::Kind::kPoisson: {
      const SimTime base = after < 0 ? a.start : after;
      const double gap_s = rng.exponential(1.0 / a.rate_per_second);
      const double gap_us = std::round(gap_s * static_cast<double>(kSecond));
      // A gap beyond the run is as good as never.
      next = gap_us >= 9.0e18 - static_cast<double>(base) ? kNever : base + static_cast<SimTime>(gap_us);
      break;
    }
    case ArrivalSpec::Kind::kFixed:
      next = after < 0 ? a.start : after + a.interval;
      break;
    case ArrivalSpec::Kind::kList:
      while (cursor < a.at.size() && a.at[cursor] < a.start) ++cursor;
      if (cursor < a.at.size()) next = a.at[cursor++];
      break;
  }
  if (next == kNever || next >= a.end || next >= duration) return kNever;
  return next;
}

SimTime draw_runtime(const RuntimeSpec& spec, RandomStream& rng) {
  double us = 0;
  switch (spec.kind) {
    case RuntimeSpec::Kind::kConstant:
      return spec.value;
    case RuntimeSpec::Kind::kExponential:
      us = rng.exponential(static_cast<double>(spec.mean));
      break;
    case RuntimeSpec::Kind::kLognormal:
      us = rng.lognormal_median_p90(static_cast<double>(spec.median), static_cast<double>(spec.p90));
      break;
    case RuntimeSpec::Kind::kUniform:
      us = rng.uniform(static_cast<double>(spec.min), static_cast<double>(spec.max));
      break;
    case RuntimeSpec::Kind::kEmpirical:
      return spec.samples[rng.uniform_index(spec.samples.size())];
  }
  if (!(us < 9.0e18)) return kNever;
  return std::max<SimTime>(0, static_cast<SimTime>(std::round(us)));
}

}  // namespace ecsim::sim
