// Named, seeded random streams with portable distributions.
//
// Each stream is a std::mt19937_64 (whose output sequence the C++ standard fixes) seeded from a
// fixed 64-bit hash of (run seed, stream name), so that adding a job or a strategy never shifts
// the draws of another stream. std:: distributions are not used: their algorithms differ between
// standard libraries, and ours must give the same numbers under libstdc++ and libc++.
//
// The continuous distributions use our own log and exp (sim/portable_math.h) and IEEE sqrt, so
// draws are bit-identical whatever the C library or CPU.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>

namespace ecsim::sim {

// FNV-1a over the name, mixed with the seed through SplitMix64. Stable across platforms.
std::uint64_t stream_seed(std::uint64_t run_seed, std::string_view name);

class RandomStream {
 public:
  RandomStream() : RandomStream(0, "default") {}
  RandomStream(std::uint64_t run_seed, std::string_view name) : engine_(stream_seed(run_seed, name)) {}

  std::uint64_t next_u64() { return engine_(); }

  // Uniform integer in [0, n). REQUIRES: n > 0. Rejection sampling, never a biased modulo.
  std::uint64_t uniform_index(std::uint64_t n);

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();

  // Uniform double in (0, 1]: safe to take the log of.
  double uniform01_open_low();

  // Exponential with the given mean (> 0).
  double exponential(double mean);

  // Standard normal by Marsaglia's polar method (a variable number of uniform draws per call).
  double standard_normal();

  // Lognormal from its median and 90th percentile (p90 > median > 0):
  // mu = ln(median), sigma = ln(p90 / median) / z_0.9.
  double lognormal_median_p90(double median, double p90);

  // Uniform double in [lo, hi).
  double uniform(double lo, double hi);

  // One element of `values` chosen uniformly. REQUIRES: !values.empty().
  template <typename T>
  const T& pick(std::span<const T> values) {
    return values[uniform_index(values.size())];
  }

 private:
  std::mt19937_64 engine_;
};

// The 0.9 quantile of the standard normal distribution.
constexpr double kNormalQuantile90 = 1.2815515655446004;

}  // namespace ecsim::sim
