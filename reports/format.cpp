#include "reports/format.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

namespace ecsim::reports {
namespace {

constexpr std::uint64_t kPow10[] = {1,         10,         100,         1'000,         10'000,
                                    100'000,   1'000'000,  10'000'000,  100'000'000,   1'000'000'000};

// Writes `value` as `digits` decimal digits with leading zeros, then drops trailing zeros.
// Writes nothing (not even the point) when value == 0.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char* write_fraction(char* out, std::uint64_t value, int digits) {
  if (value == 0) return out;
  *out++ = '.';
  // Two digits at a time from the right (tasks.csv writes four times per row).
  int i = digits;
  for (; i >= 2; i -= 2) {
    std::memcpy(out + i - 2, kDigitPairs + 2 * (value % 100), 2);
    value /= 100;
  }
  if (i == 1) out[0] = static_cast<char>('0' + value % 10);
  out += digits;
  while (out[-1] == '0') --out;
  return out;
}

// x / 10^p in 32.32 fixed point is (x kFixedMult[p]) >> kFixedShift[p] for every x below 10^8:
// each further pair of digits is then the integer part of 100 times the fraction. Checked
// against std::to_chars for every x below 10^8 by the test tagged [exhaustive] (hidden: run it
// by its tag), and at every length's edges by the default tests.
constexpr int kFixedShift[7] = {0, 0, 0, 0, 0, 16, 16};
constexpr std::uint64_t fixed_point_mult(int p) {
  return ((std::uint64_t{1} << (32 + kFixedShift[p])) / kPow10[p]) + 1;
}
constexpr std::uint64_t kFixedMult[7] = {fixed_point_mult(0), fixed_point_mult(1), fixed_point_mult(2),
                                         fixed_point_mult(3), fixed_point_mult(4), fixed_point_mult(5),
                                         fixed_point_mult(6)};

// The next two digits of a 32.32 fixed-point fraction t, written at `at`.
inline void put_next_pair(std::uint64_t& t, char* at) {
  t = (t & 0xFFFFFFFFu) * 100;
  std::memcpy(at, kDigitPairs + 2 * (t >> 32), 2);
}

}  // namespace

char* write_uint(char* out, std::uint64_t v) {
  // tasks.csv writes eight numbers a row, nearly all below 10^8: their length from three or four
  // comparisons, then the digits from the left, a pair per multiplication (James Anhalt's
  // fixed-point method), instead of a division per pair from the right.
  if (v >= 100'000'000) return std::to_chars(out, out + kMaxNumberChars, v).ptr;
  const auto x = static_cast<std::uint32_t>(v);
  if (x < 100) {
    if (x < 10) {
      *out = static_cast<char>('0' + x);
      return out + 1;
    }
    std::memcpy(out, kDigitPairs + 2 * x, 2);
    return out + 2;
  }
  const int n = x < 10'000 ? (x < 1'000 ? 3 : 4) : (x < 1'000'000 ? (x < 100'000 ? 5 : 6) : (x < 10'000'000 ? 7 : 8));
  const int p = (n & 1) != 0 ? n - 1 : n - 2;  // digits after the leading one or two
  std::uint64_t t = (std::uint64_t{x} * kFixedMult[p]) >> kFixedShift[p];
  if ((n & 1) != 0) {
    *out++ = static_cast<char>('0' + (t >> 32));
  } else {
    std::memcpy(out, kDigitPairs + 2 * (t >> 32), 2);
    out += 2;
  }
  switch (p) {  // the remaining pairs, unrolled
    case 6:
      put_next_pair(t, out);
      out += 2;
      [[fallthrough]];
    case 4:
      put_next_pair(t, out);
      out += 2;
      [[fallthrough]];
    case 2:
      put_next_pair(t, out);
      out += 2;
      break;
    default:
      break;
  }
  return out;
}

char* write_int(char* out, std::int64_t v) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(v);
  if (v < 0) {
    *out++ = '-';
    magnitude = ~magnitude + 1;  // well defined for INT64_MIN too
  }
  return write_uint(out, magnitude);
}

char* write_seconds(char* out, sim::SimTime t) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(t);
  if (t < 0) {
    *out++ = '-';
    magnitude = ~magnitude + 1;  // well defined for INT64_MIN too
  }
  static_assert(sim::kSecond == 1'000'000, "six decimals");
  const auto per_second = static_cast<std::uint64_t>(sim::kSecond);
  out = write_uint(out, magnitude / per_second);
  // The six decimals as three pairs from micros / 10^4 in fixed point (as write_uint does).
  const auto micros = static_cast<std::uint32_t>(magnitude % per_second);
  if (micros == 0) return out;
  *out++ = '.';
  std::uint64_t f = std::uint64_t{micros} * kFixedMult[4];
  std::memcpy(out, kDigitPairs + 2 * (f >> 32), 2);
  put_next_pair(f, out + 2);
  put_next_pair(f, out + 4);
  out += 6;
  while (out[-1] == '0') --out;
  return out;
}

std::string format_seconds(sim::SimTime t) {
  char buf[kMaxNumberChars];
  return std::string(buf, write_seconds(buf, t));
}

char* write_double(char* out, double v) {
  assert(std::isfinite(v));
  return std::to_chars(out, out + kMaxNumberChars, v).ptr;
}

std::string format_double(double v) {
  char buf[kMaxNumberChars];
  return std::string(buf, write_double(buf, v));
}

char* write_fixed(char* out, double v, int decimals) {
  assert(decimals >= 0 && decimals <= 9);
  // |v| 10^d rounded half to even, from its exact value: hi + lo = |v| 10^d exactly (Dekker's
  // product: the build never contracts to FMA), hi rounded to the integer n by the 2^52 shift.
  // hi - n is exact; the rounding of hi differs from that of hi + lo only where hi lies halfway
  // between two integers (the integers' midpoints are doubles below 2^52), and then lo decides.
  const double scale = static_cast<double>(kPow10[decimals]);
  const double a = std::fabs(v);
  const double hi = a * scale;
  if (!(hi < 0x1p52)) [[unlikely]] {  // large, infinite or NaN
    const auto r = std::to_chars(out, out + kMaxFixedChars, v, std::chars_format::fixed, decimals);
    assert(r.ec == std::errc());
    return r.ptr;
  }
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ta = kSplit * a;
  const double a_hi = ta - (ta - a);
  const double a_lo = a - a_hi;
  const double ts = kSplit * scale;
  const double s_hi = ts - (ts - scale);
  const double s_lo = scale - s_hi;
  const double lo = ((a_hi * s_hi - hi) + a_hi * s_lo + a_lo * s_hi) + a_lo * s_lo;
  const double n = (hi + 0x1p52) - 0x1p52;
  auto units = static_cast<std::uint64_t>(n);
  const double off = hi - n;
  if (off == 0.5 && lo > 0) ++units;       // above the midpoint hi rounded down from
  if (off == -0.5 && lo < 0) --units;      // below the midpoint hi rounded up from
  if (std::signbit(v)) *out++ = '-';
  const std::uint64_t unit = kPow10[decimals];
  out = write_uint(out, units / unit);
  if (decimals == 0) return out;
  *out++ = '.';
  std::uint64_t frac = units % unit;
  for (int i = decimals - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return out + decimals;
}

std::string format_fixed(double v, int decimals) {
  if (decimals < 0 || decimals > 9) {
    std::string buf(kMaxFixedChars + static_cast<std::size_t>(std::max(decimals, 0)), '\0');
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
    assert(r.ec == std::errc());
    buf.resize(static_cast<std::size_t>(r.ptr - buf.data()));
    return buf;
  }
  char buf[kMaxFixedChars];
  return std::string(buf, write_fixed(buf, v, decimals));
}

char* write_percent(char* out, std::int64_t num, std::int64_t den, int decimals) {
  assert(decimals >= 0 && decimals <= 9);
  if (den <= 0 || num == 0) {
    *out++ = '0';
    return out;
  }
  Int128 magnitude = num;
  if (num < 0) {
    *out++ = '-';
    magnitude = -magnitude;
  }
  const auto scale = static_cast<Int128>(kPow10[decimals]);
  // round(100 * scale * |num| / den), half away from zero: floor((2x + den) / (2 den)).
  const Int128 scaled = (magnitude * 100 * scale * 2 + den) / (static_cast<Int128>(den) * 2);
  const auto whole = static_cast<std::uint64_t>(scaled / scale);
  const auto fraction = static_cast<std::uint64_t>(scaled % scale);
  out = write_uint(out, whole);
  return write_fraction(out, fraction, decimals);
}

std::string format_percent(std::int64_t num, std::int64_t den, int decimals) {
  char buf[kMaxNumberChars];
  return std::string(buf, write_percent(buf, num, den, decimals));
}

double ratio_to_double(Int128 num, Int128 den) {
  assert(num >= 0 && den >= 0);
  if (den == 0) return 0;
  // Below 2^53 both convert exactly and one division rounds once: 4.1472e15 / 3.6e15 is the
  // double nearest 1.152. Beyond, split so that the integer part stays exact.
  constexpr Int128 kExact = Int128{1} << 53;
  if (num < kExact && den < kExact) return static_cast<double>(num) / static_cast<double>(den);
  const Int128 whole = num / den;
  const Int128 rest = num % den;
  return static_cast<double>(whole) + static_cast<double>(rest) / static_cast<double>(den);
}

}  // namespace ecsim::reports
