#include "sim/random.h"

#include <cmath>

#include "sim/portable_math.h"

namespace ecsim::sim {

std::uint64_t stream_seed(std::uint64_t run_seed, std::string_view name) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  std::uint64_t seed_state = run_seed;
  std::uint64_t mixed_state = splitmix64_next(seed_state) ^ h;
  return splitmix64_next(mixed_state);
}

double RandomStream::uniform01() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double RandomStream::uniform01_open_low() {
  return static_cast<double>((engine_() >> 11) + 1) * 0x1.0p-53;
}

double RandomStream::exponential(double mean) { return -mean * portable_log(uniform01_open_low()); }

double RandomStream::standard_normal() {
  // Marsaglia's polar method: no trigonometry, only log and sqrt (sqrt is exactly rounded by
  // IEEE 754). Rejection keeps a point of the unit disc; one normal per accepted point.
  for (;;) {
    const double u = 2.0 * uniform01() - 1.0;
    const double v = 2.0 * uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    return u * std::sqrt(-2.0 * portable_log(s) / s);
  }
}

double RandomStream::lognormal_median_p90(double median, double p90) {
  if (!(median == lognormal_median_ && p90 == lognormal_p90_)) {
    lognormal_median_ = median;
    lognormal_p90_ = p90;
    lognormal_mu_ = portable_log(median);
    lognormal_sigma_ = portable_log(p90 / median) / kNormalQuantile90;
  }
  return portable_exp(lognormal_mu_ + lognormal_sigma_ * standard_normal());
}

double RandomStream::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

}  // namespace ecsim::sim
