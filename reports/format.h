// Deterministic number formatting for reports: the same value prints the same bytes on every
// machine and run. Times and ratios of integers use integer arithmetic only; doubles print in
// the shortest form that reads back to the same double (std::to_chars, no locale).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "sim/duration_distribution.h"
#include "sim/time.h"

namespace ecsim::reports {

__extension__ typedef __int128 Int128;

// Room write_seconds(), write_double() and write_percent() may need.
constexpr std::size_t kMaxNumberChars = 48;

// A SimTime as seconds, exact, trailing zeros trimmed: 12'500'000 µs -> "12.5", 1 -> "0.000001",
// 3'600'000'000 -> "3600", 0 -> "0", -1'500'000 -> "-1.5". kNever is not a time: callers print
// their own "none" (an empty CSV field).
std::string format_seconds(sim::SimTime t);
// Writes format_seconds(t) at out and returns one past the last char.
// REQUIRES: room for kMaxNumberChars.
char* write_seconds(char* out, sim::SimTime t);

// An integer in decimal, as std::to_chars writes it, faster for the values below 10^8 that
// tasks.csv is made of. Returns one past the last char. REQUIRES: room for kMaxNumberChars.
char* write_uint(char* out, std::uint64_t v);
char* write_int(char* out, std::int64_t v);

// Shortest round-trip form: 0.1 -> "0.1", 3600.0 -> "3600", 1e-6 -> "1e-06", -0.0 -> "-0".
// REQUIRES: v is finite (reports never produce NaN or infinities; they are a bug).
std::string format_double(double v);
char* write_double(char* out, double v);

// Fixed notation with `decimals` places, correctly rounded: (2.0/3, 1) -> "0.7". For humans.
std::string format_fixed(double v, int decimals);
// Room write_fixed() may need: fixed notation of DBL_MAX with 9 places is 320 chars.
constexpr std::size_t kMaxFixedChars = 330;
// Writes format_fixed(v, decimals) at out, the same bytes as std::to_chars(..., fixed,
// decimals), and returns one past the last char. Values below 2^52 / 10^decimals take an
// integer path (charts print hundreds of thousands of coordinates); others go to std::to_chars.
// REQUIRES: 0 <= decimals <= 9, room for kMaxFixedChars.
char* write_fixed(char* out, double v, int decimals);

// 100 * num / den rounded half away from zero to `decimals` places, trailing zeros trimmed:
// (1, 3, 2) -> "33.33", (1, 2, 2) -> "50", (2, 3, 2) -> "66.67". "0" when den <= 0 (nothing
// registered). REQUIRES: 0 <= decimals <= 9.
std::string format_percent(std::int64_t num, std::int64_t den, int decimals = 2);
char* write_percent(char* out, std::int64_t num, std::int64_t den, int decimals = 2);

// num / den as a double, for exact integer quantities too large for one rounding-free
// conversion: the integer part and the remainder are converted separately. 0 when den == 0.
// REQUIRES: num >= 0, den >= 0.
double ratio_to_double(Int128 num, Int128 den);

// Nearest-rank percentile: the p-th percentile of n sorted values is the value at 0-based index
// ceil(p * n) - 1 (index 0 for p = 0), so it is always one of the values, never interpolated.
// p is given in per mille (p50 = 500, p99 = 990, p99.9 = 999) so that the rank is computed in
// integers: ceil(0.07 * 100) in doubles is 8, not 7.
// REQUIRES: n > 0, 0 <= per_mille <= 1000.
using sim::nearest_rank_index;  // sim/duration_distribution.h

// The nearest-rank percentile of `sorted` (ascending); T{} when it is empty.
template <class T>
T percentile_nearest_rank(std::span<const T> sorted, int per_mille) {
  if (sorted.empty()) return T{};
  return sorted[nearest_rank_index(sorted.size(), per_mille)];
}

}  // namespace ecsim::reports
