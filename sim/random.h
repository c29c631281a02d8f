// Named, seeded random streams with portable distributions.
//
// Each stream is a xoshiro256** generator (Blackman and Vigna, "Scrambled linear pseudorandom
// number generators", ACM TOMS 2021; reference code xoshiro256starstar.c), written here so that
// its output is fixed bit for bit by this file alone. Its 256-bit state is filled, as the authors
// recommend, with four successive outputs of SplitMix64 started at a fixed 64-bit hash of
// (run seed, stream name), so that adding a job or a strategy never shifts the draws of another
// stream. std:: engines and distributions are not used: the distributions' algorithms differ
// between standard libraries, and ours must give the same numbers under libstdc++ and libc++.
//
// Invariants:
//  - The state is never all zero (the one state xoshiro never leaves): SplitMix64's output is a
//    bijection of its counter, and the four counters differ, so at most one word is zero.
//  - One next_u64() is one step of the generator; every distribution below is defined in terms of
//    next_u64() only, so a stream's draws depend on nothing but (run seed, name, call sequence).
//
// The continuous distributions use our own log and exp (sim/portable_math.h) and IEEE sqrt, so
// draws are bit-identical whatever the C library or CPU.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace ecsim::sim {

// FNV-1a over the name, mixed with the seed through SplitMix64. Stable across platforms.
std::uint64_t stream_seed(std::uint64_t run_seed, std::string_view name);

// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
// 2014; Vigna's splitmix64.c): advances `state` by the golden-ratio increment and returns its mix.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256**: 256 bits of state, period 2^256 - 1, every 64-bit output equidistributed.
class Xoshiro256StarStar {
 public:
  // The state from four SplitMix64 outputs started at `seed`.
  explicit constexpr Xoshiro256StarStar(std::uint64_t seed) : s_{} {
    for (auto& w : s_) w = splitmix64_next(seed);
  }
  // An explicit state (for tests against the reference outputs). REQUIRES: not all zero.
  explicit constexpr Xoshiro256StarStar(const std::array<std::uint64_t, 4>& state) : s_(state) {}

  constexpr std::uint64_t operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  constexpr const std::array<std::uint64_t, 4>& state() const { return s_; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> s_;
};

// Uniform integer in [0, n) from draws of `next` (unsigned words U; W holds a product of two):
// Lemire's nearly divisionless method ("Fast random integer generation in an interval", ACM
// TOMS 2019). The product x * n spreads the 2^w draws x over n results; those whose low word is
// below 2^w mod n are rejected and drawn again, which leaves exactly floor(2^w / n) draws per
// result: exact, not approximately, uniform. The division computing 2^w mod n only happens when
// the low word is below n (probability n / 2^w). REQUIRES: n > 0.
template <typename U, typename W, typename Next>
constexpr U bounded_index(U n, Next&& next) {
  constexpr int kBits = std::numeric_limits<U>::digits;
  U x = next();
  W m = static_cast<W>(static_cast<W>(x) * static_cast<W>(n));
  U low = static_cast<U>(m);
  if (low < n) {
    const U threshold = static_cast<U>(static_cast<U>(U{0} - n) % n);
    while (low < threshold) {
      x = next();
      m = static_cast<W>(static_cast<W>(x) * static_cast<W>(n));
      low = static_cast<U>(m);
    }
  }
  return static_cast<U>(m >> kBits);
}

// GCC and Clang both provide a 128-bit integer; __extension__ keeps -Wpedantic quiet.
__extension__ using Uint128 = unsigned __int128;

class RandomStream {
 public:
  RandomStream() : RandomStream(0, "default") {}
  RandomStream(std::uint64_t run_seed, std::string_view name) : engine_(stream_seed(run_seed, name)) {}

  std::uint64_t next_u64() { return engine_(); }

  // Uniform integer in [0, n). REQUIRES: n > 0. Lemire's nearly divisionless method: exact (every
  // value has the same number of accepted 64-bit draws), usually one draw and no division.
  std::uint64_t uniform_index(std::uint64_t n) {
    return bounded_index<std::uint64_t, Uint128>(n, [this] { return engine_(); });
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();

  // Uniform double in (0, 1]: safe to take the log of.
  double uniform01_open_low();

  // Exponential with the given mean (> 0).
  double exponential(double mean);

  // Standard normal by Marsaglia's polar method (a variable number of uniform draws per call).
  double standard_normal();

  // Lognormal from its median and 90th percentile (p90 > median > 0):
  // mu = ln(median), sigma = ln(p90 / median) / z_0.9. A stream draws one distribution again and
  // again (a job's runtimes): mu and sigma are kept for the last (median, p90).
  double lognormal_median_p90(double median, double p90);

  // Uniform double in [lo, hi).
  double uniform(double lo, double hi);

  // One element of `values` chosen uniformly. REQUIRES: !values.empty().
  template <typename T>
  const T& pick(std::span<const T> values) {
    return values[uniform_index(values.size())];
  }

 private:
  Xoshiro256StarStar engine_;
  // lognormal_median_p90's last parameters (NaN: none yet) and their mu and sigma.
  double lognormal_median_ = std::numeric_limits<double>::quiet_NaN();
  double lognormal_p90_ = std::numeric_limits<double>::quiet_NaN();
  double lognormal_mu_ = 0;
  double lognormal_sigma_ = 0;
};

// The 0.9 quantile of the standard normal distribution.
constexpr double kNormalQuantile90 = 1.2815515655446004;

}  // namespace ecsim::sim
