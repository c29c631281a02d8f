#include "scenarios/values.h"

#include <cmath>
#include <limits>
#include <string>

namespace ecsim::scenarios {
namespace {

// 128-bit intermediates keep "mantissa x unit / 10^scale" exact for every input that fits the
// digit limit below. __extension__ silences -Wpedantic about the non-standard type.
__extension__ typedef __int128 Wide;

constexpr int kMaxDigits = 18;  // mantissa < 10^18 fits an int64 with room to spare
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// A decimal number read from text: value = mantissa / 10^scale.
struct Decimal {
  std::int64_t mantissa = 0;
  int scale = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void skip_spaces(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
}

// Reads digits[.digits] at pos. Leading zeros do not count against the digit limit.
std::optional<Decimal> read_decimal(std::string_view text, std::size_t& pos) {
  Decimal d;
  int digits = 0;
  bool any = false;
  auto take = [&](char c) {
    if (d.mantissa == 0 && c == '0') return true;
    if (++digits > kMaxDigits) return false;
    d.mantissa = d.mantissa * 10 + (c - '0');
    return true;
  };
  while (pos < text.size() && is_digit(text[pos])) {
    if (!take(text[pos])) return std::nullopt;
    any = true;
    ++pos;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    bool fraction = false;
    while (pos < text.size() && is_digit(text[pos])) {
      if (!take(text[pos])) return std::nullopt;
      ++d.scale;
      fraction = true;
      ++pos;
    }
    if (!fraction) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return d;
}

Wide pow10(int n) {
  Wide p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// mantissa x num / (10^scale x den), rounded half up; nullopt when above int64.
std::optional<std::int64_t> scale_round(Decimal d, std::int64_t num, std::int64_t den) {
  const Wide top = static_cast<Wide>(d.mantissa) * num;
  const Wide bottom = pow10(d.scale) * den;
  const Wide q = (top + bottom / 2) / bottom;
  if (q > kInt64Max) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

// As scale_round, but only when the division is exact.
std::optional<std::int64_t> scale_exact(Decimal d, std::int64_t num, std::int64_t den) {
  const Wide top = static_cast<Wide>(d.mantissa) * num;
  const Wide bottom = pow10(d.scale) * den;
  if (top % bottom != 0) return std::nullopt;
  const Wide q = top / bottom;
  if (q > kInt64Max) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

// A number in any ordinary notation (see parse_scaled_number): mantissa / 10^scale, where the
// scale may be negative (an exponent beyond the digits).
std::optional<Decimal> read_number(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && text[pos] == '+') ++pos;
  Decimal d;
  int digits = 0;
  bool any = false;
  auto take = [&](char c, bool fraction) {
    any = true;
    if (d.mantissa == 0 && c == '0') {
      if (fraction) ++d.scale;
      return;
    }
    if (digits == kMaxDigits) {
      if (!fraction) --d.scale;  // a dropped integer digit still counts its place
      return;
    }
    ++digits;
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (fraction) ++d.scale;
  };
  while (pos < text.size() && is_digit(text[pos])) take(text[pos++], false);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) take(text[pos++], true);
  }
  if (!any) return std::nullopt;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    if (pos == text.size()) return std::nullopt;
    int exponent = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (exponent < 100000) exponent = exponent * 10 + (text[pos] - '0');
      ++pos;
    }
    d.scale += negative ? exponent : -exponent;
  }
  if (pos != text.size()) return std::nullopt;
  if (d.mantissa == 0) d.scale = 0;
  return d;
}

// mantissa × num / (10^scale × den) as a quotient and a remainder over `bottom`; false when the
// value is beyond int64.
bool scaled_parts(Decimal d, std::int64_t num, std::int64_t den, Wide& q, Wide& rem, Wide& bottom) {
  // mantissa < 10^18 and num < 2^63: top fits 128 bits while 10^-scale <= 10^1; beyond, the
  // value is above int64 anyway unless the mantissa is 0 (scale 0 then).
  if (d.scale < -1) {
    Wide top = static_cast<Wide>(d.mantissa) * num;
    for (int i = d.scale; i < 0; ++i) {
      if (top > static_cast<Wide>(kInt64Max) * den) return false;
      top *= 10;
    }
    q = top / den;
    rem = top % den;
    bottom = den;
  } else if (d.scale > 30) {
    // Below 10^-18 × num / den: nothing left of it once rounded.
    q = 0;
    rem = 0;
    bottom = 1;
    return true;
  } else {
    const Wide top = d.scale < 0 ? static_cast<Wide>(d.mantissa) * num * 10 : static_cast<Wide>(d.mantissa) * num;
    bottom = pow10(d.scale < 0 ? 0 : d.scale) * den;
    q = top / bottom;
    rem = top % bottom;
  }
  return q <= kInt64Max;
}

struct Unit {
  std::string_view name;
  std::int64_t num;
  std::int64_t den;
};

// Longest match first, so that "ms" is not read as "m" followed by junk.
constexpr Unit kDurationUnits[] = {
    {"ms", sim::kMillisecond, 1}, {"us", 1, 1},           {"\xC2\xB5s", 1, 1},      {"d", sim::kDay, 1},
    {"h", sim::kHour, 1},         {"m", sim::kMinute, 1}, {"s", sim::kSecond, 1},
};

// Rank of a duration unit, largest first; "1h30m" must go down the ranks.
int duration_rank(std::string_view unit) {
  if (unit == "d") return 0;
  if (unit == "h") return 1;
  if (unit == "m") return 2;
  if (unit == "s") return 3;
  if (unit == "ms") return 4;
  return 5;  // us, µs
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Parses "<decimal>[ ]<unit>" with the whole text consumed; unit compared case-insensitively
// when `fold_case`.
std::optional<std::int64_t> number_with_unit(std::string_view text, const Unit* units, std::size_t n_units,
                                             bool fold_case, bool exact) {
  std::size_t pos = 0;
  skip_spaces(text, pos);
  auto d = read_decimal(text, pos);
  if (!d) return std::nullopt;
  skip_spaces(text, pos);
  std::string_view rest = text.substr(pos);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  for (std::size_t i = 0; i < n_units; ++i) {
    const bool match = fold_case ? iequals(rest, units[i].name) : rest == units[i].name;
    if (match) return exact ? scale_exact(*d, units[i].num, units[i].den) : scale_round(*d, units[i].num, units[i].den);
  }
  return std::nullopt;
}

constexpr std::int64_t kKi = 1024;
constexpr Unit kSizeUnits[] = {
    {"KiB", 1, kKi},        {"KB", 1, kKi},        {"MiB", 1, 1},   {"MB", 1, 1},
    {"GiB", kKi, 1},        {"GB", kKi, 1},        {"TiB", kKi * kKi, 1}, {"TB", kKi * kKi, 1},
};

constexpr Unit kRateUnits[] = {
    {"B/s", 1, 1},
    {"kB/s", 1000, 1},
    {"KB/s", 1000, 1},
    {"MB/s", 1000000, 1},
    {"GB/s", 1000000000, 1},
    {"KiB/s", 1024, 1},
    {"MiB/s", 1024 * 1024, 1},
    {"GiB/s", 1024 * 1024 * 1024, 1},
    {"bps", 1, 8},
    {"kbps", 1000, 8},
    {"Kbps", 1000, 8},
    {"Mbps", 1000000, 8},
    {"Gbps", 1000000000, 8},
};

constexpr Unit kVcpuUnits[] = {{"vcpu", 1024, 1}};

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

std::optional<std::int64_t> plain_integer(std::string_view text) {
  if (!all_digits(text) || text.size() > kMaxDigits) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<sim::SimTime> parse_duration_text(std::string_view text) {
  std::size_t pos = 0;
  skip_spaces(text, pos);
  if (pos == text.size()) return std::nullopt;
  Wide total = 0;
  int last_rank = -1;
  while (pos < text.size()) {
    auto d = read_decimal(text, pos);
    if (!d) return std::nullopt;
    skip_spaces(text, pos);
    const Unit* unit = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (text.substr(pos, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    pos += unit->name.size();
    const int rank = duration_rank(unit->name);
    if (rank <= last_rank) return std::nullopt;
    last_rank = rank;
    auto part = scale_round(*d, unit->num, unit->den);
    if (!part) return std::nullopt;
    total += *part;
    if (total > kInt64Max - 1) return std::nullopt;  // kNever stays reserved for "never"
    skip_spaces(text, pos);
  }
  return static_cast<sim::SimTime>(total);
}

std::optional<sim::SimTime> parse_clock_time_text(std::string_view text) {
  // HH:MM or HH:MM:SS; HH is 1 to 6 digits, MM and SS exactly two and below 60.
  const std::size_t c1 = text.find(':');
  if (c1 == std::string_view::npos || c1 == 0 || c1 > 6) return std::nullopt;
  auto hours = plain_integer(text.substr(0, c1));
  if (!hours) return std::nullopt;
  std::string_view rest = text.substr(c1 + 1);
  std::string_view mm = rest.substr(0, 2);
  if (mm.size() != 2 || !all_digits(mm)) return std::nullopt;
  const std::int64_t minutes = *plain_integer(mm);
  std::int64_t seconds = 0;
  rest = rest.substr(2);
  if (!rest.empty()) {
    if (rest.size() != 3 || rest[0] != ':' || !all_digits(rest.substr(1))) return std::nullopt;
    seconds = *plain_integer(rest.substr(1));
  }
  if (minutes >= 60 || seconds >= 60) return std::nullopt;
  return *hours * sim::kHour + minutes * sim::kMinute + seconds * sim::kSecond;
}

std::optional<std::int64_t> parse_size_mib_text(std::string_view text) {
  return number_with_unit(text, kSizeUnits, std::size(kSizeUnits), /*fold_case=*/false, /*exact=*/true);
}

std::optional<std::int64_t> parse_rate_text(std::string_view text) {
  return number_with_unit(text, kRateUnits, std::size(kRateUnits), /*fold_case=*/false, /*exact=*/false);
}

std::optional<std::int32_t> parse_task_cpu_text(std::string_view text) {
  std::optional<std::int64_t> v = plain_integer(text);
  if (!v) v = number_with_unit(text, kVcpuUnits, std::size(kVcpuUnits), /*fold_case=*/true, /*exact=*/true);
  if (!v || *v > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return static_cast<std::int32_t>(*v);
}

std::optional<std::int64_t> parse_task_memory_text(std::string_view text) {
  if (auto v = plain_integer(text)) return v;
  // ECS documents "1GB" and "1 GB"; lower-case spellings are taken too.
  static constexpr Unit kGb[] = {{"gb", kKi, 1}};
  if (auto v = number_with_unit(text, kGb, 1, /*fold_case=*/true, /*exact=*/true)) return v;
  return parse_size_mib_text(text);
}

std::optional<sim::SimTime> seconds_to_simtime(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  const double us = std::round(seconds * static_cast<double>(sim::kSecond));
  // 2^63 is exactly representable; anything at or above it does not fit.
  if (us >= 9.2e18) return std::nullopt;
  return static_cast<sim::SimTime>(us);
}

std::optional<sim::SimTime> parse_decimal_seconds(std::string_view text) {
  std::size_t pos = 0;
  auto d = read_decimal(text, pos);
  if (!d || pos != text.size()) return std::nullopt;
  auto v = scale_round(*d, sim::kSecond, 1);
  if (!v || *v == sim::kNever) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_scaled_number(std::string_view text, std::int64_t num, std::int64_t den,
                                                Rounding rounding) {
  const auto d = read_number(text);
  if (!d) return std::nullopt;
  Wide q = 0, rem = 0, bottom = 1;
  if (!scaled_parts(*d, num, den, q, rem, bottom)) return std::nullopt;
  switch (rounding) {
    case Rounding::kHalfUp:
      if (2 * rem >= bottom) ++q;
      break;
    case Rounding::kUp:
      if (rem != 0) ++q;
      break;
    case Rounding::kExact:
      if (rem != 0) return std::nullopt;
      break;
  }
  if (q > kInt64Max) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

std::optional<sim::SimTime> parse_seconds_number(std::string_view text) {
  auto v = parse_scaled_number(text, sim::kSecond, 1);
  if (!v || *v == sim::kNever) return std::nullopt;
  return v;
}

namespace {

sim::SimTime within_max_duration(const JsonCursor& c, sim::SimTime v) {
  if (v > kMaxDuration) c.fail(std::string("a duration of at most ") + kMaxDurationText);
  return v;
}

}  // namespace

sim::SimTime get_duration(const JsonCursor& c) {
  static const std::string kExpected = "a duration";
  if (c.is_number()) {
    auto v = seconds_to_simtime(c.json().get<double>());
    if (!v) c.fail(kExpected);
    return within_max_duration(c, *v);
  }
  if (!c.is_string()) c.fail(kExpected);
  auto v = parse_duration_text(c.json().get_ref<const std::string&>());
  if (!v) c.fail(kExpected);
  return within_max_duration(c, *v);
}

sim::SimTime get_positive_duration(const JsonCursor& c) {
  const sim::SimTime v = get_duration(c);
  if (v <= 0) c.fail("a positive duration");
  return v;
}

std::optional<sim::SimTime> parse_duration_arg(std::string_view text) {
  std::optional<sim::SimTime> v = parse_duration_text(text);
  if (!v) v = parse_decimal_seconds(text);
  if (v && *v > kMaxDuration) return std::nullopt;
  return v;
}

std::optional<sim::SimTime> parse_time_arg(std::string_view text) {
  if (auto v = parse_clock_time_text(text); v && *v <= kMaxDuration) return v;
  return parse_duration_arg(text);
}

sim::SimTime get_time(const JsonCursor& c) {
  static const std::string kExpected = "a time from the start of the run (a duration, or a clock time like \"01:30\")";
  if (c.is_string()) {
    const auto& s = c.json().get_ref<const std::string&>();
    if (auto v = parse_clock_time_text(s)) return within_max_duration(c, *v);
    if (auto v = parse_duration_text(s)) return within_max_duration(c, *v);
    c.fail(kExpected);
  }
  if (c.is_number()) {
    if (auto v = seconds_to_simtime(c.json().get<double>())) return within_max_duration(c, *v);
  }
  c.fail(kExpected);
}

std::int64_t get_size_mib(const JsonCursor& c) {
  static const std::string kExpected = "a size (MiB, or a string like \"512MiB\" or \"2GiB\")";
  if (c.is_number()) return c.get_int(0, kInt64Max, kExpected);
  if (!c.is_string()) c.fail(kExpected);
  auto v = parse_size_mib_text(c.json().get_ref<const std::string&>());
  if (!v) c.fail(kExpected);
  return *v;
}

std::int64_t get_rate_bytes_per_second(const JsonCursor& c) {
  static const std::string kExpected = "a positive rate (bytes per second, or a string like \"100MB/s\" or \"1Gbps\")";
  std::optional<std::int64_t> v;
  if (c.is_number()) {
    v = c.get_int(1, kInt64Max, kExpected);
  } else if (c.is_string()) {
    v = parse_rate_text(c.json().get_ref<const std::string&>());
  }
  if (!v || *v <= 0) c.fail(kExpected);
  return *v;
}

std::int32_t get_task_cpu(const JsonCursor& c) {
  static const std::string kExpected = "a task cpu (units like \"1024\", or vCPUs like \"1 vCPU\")";
  if (c.is_number()) return static_cast<std::int32_t>(c.get_int(0, std::numeric_limits<std::int32_t>::max(), kExpected));
  if (!c.is_string()) c.fail(kExpected);
  auto v = parse_task_cpu_text(c.json().get_ref<const std::string&>());
  if (!v) c.fail(kExpected);
  return *v;
}

std::int64_t get_task_memory_mib(const JsonCursor& c) {
  static const std::string kExpected = "a task memory (MiB like \"1024\", or GB like \"1 GB\")";
  if (c.is_number()) return c.get_int(0, kInt64Max, kExpected);
  if (!c.is_string()) c.fail(kExpected);
  auto v = parse_task_memory_text(c.json().get_ref<const std::string&>());
  if (!v) c.fail(kExpected);
  return *v;
}

}  // namespace ecsim::scenarios
