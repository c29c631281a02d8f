#include "reports/format.h"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace ecsim;
using namespace ecsim::reports;

TEST_CASE("format: seconds are exact decimals with trailing zeros trimmed", "[reports]") {
  CHECK(format_seconds(0) == "0");
  CHECK(format_seconds(12'500'000) == "12.5");
  CHECK(format_seconds(1) == "0.000001");
  CHECK(format_seconds(3'600'000'000) == "3600");
  CHECK(format_seconds(1'000'010) == "1.00001");
  CHECK(format_seconds(999'999) == "0.999999");
  CHECK(format_seconds(86'400 * sim::kSecond + 250 * sim::kMillisecond) == "86400.25");
}

TEST_CASE("format: every microsecond of a second prints its six decimals, trailing zeros trimmed", "[reports]") {
  // Against a plain reference: whole seconds, a point, six zero-padded digits, zeros trimmed.
  std::uint64_t differ = 0;
  for (sim::SimTime micros = 0; micros < sim::kSecond; ++micros) {
    const sim::SimTime t = 7 * sim::kSecond + micros;
    std::string want = "7";
    if (micros != 0) {
      std::string digits = std::to_string(micros);
      digits.insert(0, 6 - digits.size(), '0');
      while (digits.back() == '0') digits.pop_back();
      want += "." + digits;
    }
    if (format_seconds(t) != want && ++differ <= 5) CHECK(format_seconds(t) == want);
  }
  CHECK(differ == 0);
}

TEST_CASE("format: negative seconds keep their sign, even the most negative time", "[reports]") {
  CHECK(format_seconds(-1'500'000) == "-1.5");
  CHECK(format_seconds(-1) == "-0.000001");
  CHECK(format_seconds(std::numeric_limits<sim::SimTime>::min()) == "-9223372036854.775808");
  CHECK(format_seconds(std::numeric_limits<sim::SimTime>::max()) == "9223372036854.775807");
}

TEST_CASE("format: doubles print in shortest round-trip form", "[reports]") {
  CHECK(format_double(0.0) == "0");
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(3600.0) == "3600");
  CHECK(format_double(1e-6) == "1e-06");
  CHECK(format_double(1.152) == "1.152");
  CHECK(format_double(2.0 / 3.0) == "0.6666666666666666");
}

TEST_CASE("format: fixed notation rounds correctly to the asked places", "[reports]") {
  CHECK(format_fixed(2.0 / 3.0, 1) == "0.7");
  CHECK(format_fixed(12.5, 3) == "12.500");
  CHECK(format_fixed(0.0, 2) == "0.00");
}

TEST_CASE("format: fixed notation is what std::to_chars writes, at midpoints, beside them and beyond 2^52",
          "[reports]") {
  const auto reference = [](double v, int d) {
    std::string buf(kMaxFixedChars + 16, '\0');
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, d);
    REQUIRE(r.ec == std::errc());
    return std::string(buf.data(), r.ptr);
  };
  const auto ours = [](double v, int d) {
    char buf[kMaxFixedChars];
    return std::string(buf, write_fixed(buf, v, d));
  };
  std::vector<double> values = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 2.675, 0.045, 1e-300,
                                4.35, 0x1p52, 0x1p52 - 1, 0x1p53, 1e15, 1e300, -1e300,
                                std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  // Every midpoint k + 1/2 at each scale that a double holds exactly (ties go to even), and the
  // doubles on either side of it (where the product's rounding alone would decide wrongly).
  for (int d = 0; d <= 9; ++d) {
    for (const double k : {0.0, 1.0, 2.0, 7.0, 12.0, 99.0, 4096.0, 123456.0}) {
      const double mid = (k + 0.5) / std::pow(10.0, d);
      values.push_back(mid);
      values.push_back(std::nextafter(mid, 0.0));
      values.push_back(std::nextafter(mid, 1e300));
    }
  }
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;  // pseudo-random doubles of every magnitude and sign
  for (int k = 0; k < 20000; ++k) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double unit = static_cast<double>(x >> 11) * 0x1p-53;
    values.push_back((k % 2 == 0 ? 1 : -1) * unit * std::pow(10.0, static_cast<int>(x % 40) - 20));
    // Short decimals like chart coordinates: n / 2^m, exact binary fractions with ties.
    values.push_back(static_cast<double>(x % 100000) / static_cast<double>(1u << (x % 11)));
  }
  int differ = 0;
  for (const double v : values) {
    for (int d = 0; d <= 9; ++d) {
      if (ours(v, d) != reference(v, d) && ++differ <= 10) {
        INFO(v << " with " << d << " places");
        CHECK(ours(v, d) == reference(v, d));
      }
    }
  }
  CHECK(differ == 0);
  CHECK(format_fixed(2.5, 0) == "2");       // a tie goes to even
  CHECK(format_fixed(0.125, 2) == "0.12");  // 0.125 is exact: a tie
  CHECK(format_fixed(1.005, 2) == "1.00");  // 1.005 is 1.00499999999999989...
  CHECK(format_fixed(-0.001, 2) == "-0.00");
  CHECK(format_fixed(0.5, 12) == "0.500000000000");  // beyond 9 places: std::to_chars
}

TEST_CASE("format: percentages of integers round half away from zero with zeros trimmed", "[reports]") {
  CHECK(format_percent(1, 3) == "33.33");
  CHECK(format_percent(2, 3) == "66.67");
  CHECK(format_percent(1, 2) == "50");
  CHECK(format_percent(1, 8) == "12.5");
  CHECK(format_percent(1, 80000) == "0");      // 0.00125 % rounds to 0.00
  CHECK(format_percent(1, 20000) == "0.01");   // 0.005 % rounds half up to 0.01
  CHECK(format_percent(1, 20001) == "0");      // just under 0.005 %
  CHECK(format_percent(5, 4) == "125");
  CHECK(format_percent(-1, 3) == "-33.33");
  CHECK(format_percent(7, 0) == "0");          // nothing registered
  CHECK(format_percent(1, 3, 0) == "33");
  CHECK(format_percent(1, 3, 4) == "33.3333");
  // No overflow for the largest resources.
  CHECK(format_percent(std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max()) == "100");
}

TEST_CASE("format: nearest-rank percentile is the element at ceil(p n) - 1", "[reports]") {
  CHECK(nearest_rank_index(1, 500) == 0);
  CHECK(nearest_rank_index(1, 990) == 0);
  CHECK(nearest_rank_index(3, 500) == 1);   // ceil(1.5) - 1
  CHECK(nearest_rank_index(4, 500) == 1);   // ceil(2) - 1
  CHECK(nearest_rank_index(100, 990) == 98);
  CHECK(nearest_rank_index(100, 70) == 6);  // ceil(0.07 * 100) is 7, though 0.07 * 100.0 > 7 in doubles
  CHECK(nearest_rank_index(1000, 999) == 998);
  CHECK(nearest_rank_index(10, 0) == 0);
  CHECK(nearest_rank_index(10, 1000) == 9);

  const std::vector<sim::SimTime> sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  CHECK(percentile_nearest_rank<sim::SimTime>(sorted, 500) == 50);
  CHECK(percentile_nearest_rank<sim::SimTime>(sorted, 900) == 90);
  CHECK(percentile_nearest_rank<sim::SimTime>(sorted, 950) == 100);
  CHECK(percentile_nearest_rank<sim::SimTime>(std::vector<sim::SimTime>{}, 500) == 0);
}

TEST_CASE("format: ratio of large integers keeps the integer part exact", "[reports]") {
  CHECK(ratio_to_double(4'147'200'000'000'000, 3'600'000'000'000'000) == 1.152);
  CHECK(ratio_to_double(7, 0) == 0.0);
  // 2^53 + 1 cannot convert exactly; split into whole + remainder it still divides right.
  const Int128 big = (Int128{1} << 60) * 3 + 1;
  CHECK(ratio_to_double(big, Int128{1} << 60) == 3.0);
  CHECK(ratio_to_double(Int128{1} << 100, Int128{1} << 99) == 2.0);
}

TEST_CASE("format: fractions of every width are the digits a plain division gives, zeros trimmed", "[reports]") {
  // The reference: the fraction's digits one division at a time.
  const auto reference = [](std::int64_t num, std::int64_t den, int decimals) {
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const Int128 scaled = static_cast<Int128>(num) * 100 * scale;
    const auto q = static_cast<std::int64_t>((scaled + den / 2) / den);  // half up (num, den > 0)
    std::string digits = std::to_string(q / scale);
    std::string fraction = decimals == 0 ? "" : std::to_string(q % scale);
    fraction.insert(0, static_cast<std::size_t>(decimals) - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    return fraction.empty() ? digits : digits + "." + fraction;
  };
  for (int decimals = 0; decimals <= 9; ++decimals) {
    for (const auto& [num, den] : {std::pair<std::int64_t, std::int64_t>{1, 3}, {2, 7}, {123456789, 1000000007},
                                   {5, 8}, {1, 1}, {999999, 1000000}, {17, 4096}}) {
      CAPTURE(decimals, num, den);
      CHECK(format_percent(num, den, decimals) == reference(num, den, decimals));
    }
  }
  for (sim::SimTime t = 0; t < 3 * sim::kSecond; t += 7919) {
    const std::string want = [&] {
      std::string f = std::to_string(t % sim::kSecond);
      f.insert(0, 6 - f.size(), '0');
      while (!f.empty() && f.back() == '0') f.pop_back();
      return f.empty() ? std::to_string(t / sim::kSecond) : std::to_string(t / sim::kSecond) + "." + f;
    }();
    CHECK(format_seconds(t) == want);
  }
}

TEST_CASE("format: every integer below 10^8 is what std::to_chars writes", "[.][exhaustive]") {
  // Hidden (about a second optimized): run with `ecsim_tests "[exhaustive]"` after changing write_uint.
  char ours[kMaxNumberChars], theirs[kMaxNumberChars];
  std::uint64_t differ = 0;
  for (std::uint64_t v = 0; v < 100'000'000; ++v) {
    const char* a = write_uint(ours, v);
    const char* b = std::to_chars(theirs, theirs + sizeof theirs, v).ptr;
    if (a - ours != b - theirs || std::memcmp(ours, theirs, static_cast<std::size_t>(b - theirs)) != 0) ++differ;
  }
  CHECK(differ == 0);
}

TEST_CASE("format: integers are what std::to_chars writes, at every length and its edges", "[reports]") {
  const auto to_chars = [](auto v) {
    char buf[kMaxNumberChars];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  };
  const auto unsigned_text = [](std::uint64_t v) {
    char buf[kMaxNumberChars];
    return std::string(buf, write_uint(buf, v));
  };
  const auto signed_text = [](std::int64_t v) {
    char buf[kMaxNumberChars];
    return std::string(buf, write_int(buf, v));
  };
  std::vector<std::uint64_t> values = {0, std::numeric_limits<std::uint64_t>::max()};
  for (std::uint64_t p = 1; p <= 10'000'000'000'000'000'000ULL; p *= 10) {
    for (const std::uint64_t v : {p - 1, p, p + 1, 2 * p - 1, 5 * p + 3, 9 * p + p - 1}) values.push_back(v);
    if (p > std::numeric_limits<std::uint64_t>::max() / 10) break;
  }
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;  // and pseudo-random ones of every magnitude
  for (int k = 0; k < 2000; ++k) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    values.push_back(x >> (k % 64));
  }
  for (const std::uint64_t v : values) {
    CAPTURE(v);
    CHECK(unsigned_text(v) == to_chars(v));
    const auto s = static_cast<std::int64_t>(v);
    CHECK(signed_text(s) == to_chars(s));
  }
  CHECK(signed_text(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(signed_text(-7) == "-7");
}
