// Scalar values of the scenario format: durations, times of day, sizes, rates and ECS task-size
// strings. Every result is an integer in the unit its name gives; nothing here rounds through a
// double except a JSON *number* of seconds, which is rounded to the nearest microsecond.
//
// Units (the contract leaves decimal vs binary open; ecsim picks the convention of each field's
// home):
//  - Durations: d, h, m, s, ms, us (also µs). Components may be combined, largest unit first,
//    each at most once: "1h30m", "2m30.5s". Numbers may have a fraction ("1.5h").
//  - Times: a duration from the start of the run, or a clock time "HH:MM" / "HH:MM:SS" that is
//    read as an offset from the start ("01:00" = 1h; hours may exceed 23 for later days).
//  - Sizes are MiB. Strings follow ECS, which reads "GB" in a task's memory as 1024 MiB: MB and
//    MiB both mean 2^20 bytes, GB and GiB 2^30, TB and TiB 2^40, KB and KiB 2^10. The result must
//    be a whole number of MiB ("1.5GiB" = 1536; "1.0001GiB" is an error).
//  - Rates are bytes per second. Strings follow networking usage: B/s with decimal prefixes
//    (kB/s = 10^3, MB/s = 10^6, GB/s = 10^9 bytes/s), binary prefixes KiB/s, MiB/s, GiB/s
//    (2^10, 2^20, 2^30), and bits per second bps, kbps, Mbps, Gbps (10^3k bits = 10^3k / 8
//    bytes; "1Gbps" = 125000000). The result is rounded half up to a whole byte per second.
//  - ECS task cpu: "1024" (units), "1 vCPU", "0.5 vcpu" (x 1024, must come out whole).
//    ECS task memory: "1024" (MiB), "1GB", "1 GB" (x 1024), or any size string above.
// Negative values and results beyond int64 (int32 for cpu) are rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "scenarios/json_cursor.h"
#include "sim/time.h"

namespace ecsim::scenarios {

// --- text parsers: nullopt when `text` is not of the form ---
std::optional<sim::SimTime> parse_duration_text(std::string_view text);
std::optional<sim::SimTime> parse_clock_time_text(std::string_view text);
std::optional<std::int64_t> parse_size_mib_text(std::string_view text);
std::optional<std::int64_t> parse_rate_text(std::string_view text);
std::optional<std::int32_t> parse_task_cpu_text(std::string_view text);
std::optional<std::int64_t> parse_task_memory_text(std::string_view text);

// A non-negative number of seconds rounded to the nearest microsecond; nullopt when it is
// negative, not finite or too large for a SimTime.
std::optional<sim::SimTime> seconds_to_simtime(double seconds);

// Exact decimal seconds ("12", "0.25", "1.000001"), as in trace files; rounded half up to a µs.
std::optional<sim::SimTime> parse_decimal_seconds(std::string_view text);

// Numbers in trace files, in any ordinary notation: "12", "+12", "12.", ".5", "1.5e3",
// "1.00062e+06" (digits with an optional point, then an optional exponent e/E with an optional
// sign). Signs other than a leading '+', "inf", "nan", hex and spaces are refused, and so is any
// negative number ("-1"; "-0" too). The value is exact: digits past the 18th significant one are
// dropped (below a microsecond for any time under 10^12 s).
// value × num / den as an integer: rounded half up, up, or only when whole (kExact: "1e3" gives
// 1000 with num = den = 1, "1.5" nothing); nullopt when malformed or beyond int64.
enum class Rounding : std::uint8_t { kHalfUp, kUp, kExact };
std::optional<std::int64_t> parse_scaled_number(std::string_view text, std::int64_t num, std::int64_t den,
                                                Rounding rounding = Rounding::kHalfUp);
// Seconds in that notation, rounded half up to a microsecond; never kNever.
std::optional<sim::SimTime> parse_seconds_number(std::string_view text);

// A duration or a time written on the command line as a scenario writes it: a number of seconds
// ("9000", "1.5"), a duration string ("2h30m"), and for a time also a clock time ("02:30", from
// the start of the run). nullopt otherwise.
// Both at most kMaxDuration (nullopt beyond).
std::optional<sim::SimTime> parse_duration_arg(std::string_view text);
std::optional<sim::SimTime> parse_time_arg(std::string_view text);

// The longest duration, and the latest time, a scenario or the command line may give: 100 years
// (36500d). Every time in a run is a sum of a few of them, far below SimTime's limit
// (292,000 years), so the engine adds times without overflow checks.
inline constexpr sim::SimTime kMaxDuration = 36500 * sim::kDay;
inline constexpr const char* kMaxDurationText = "36500d (100 years)";
// The most samples a run's time series may hold (duration / sampleInterval): ten million rows,
// about 1 GB of figures across the series.
inline constexpr std::int64_t kMaxSamples = 10'000'000;
// The largest container image (the sum of its layers): 1 TiB. Pulls are tracked in micro-bytes.
inline constexpr std::int64_t kMaxImageMiB = 1024 * 1024;

// --- JSON getters: throw InputError ("expected a duration, got "fast"") ---
// A number of seconds or a duration string, at most kMaxDuration.
sim::SimTime get_duration(const JsonCursor& c);
// As get_duration, and > 0 ("expected a positive duration").
sim::SimTime get_positive_duration(const JsonCursor& c);
// A duration or a clock time, both from the start of the run, at most kMaxDuration.
sim::SimTime get_time(const JsonCursor& c);
// A non-negative number of MiB or a size string.
std::int64_t get_size_mib(const JsonCursor& c);
// A positive number of bytes per second or a rate string; > 0.
std::int64_t get_rate_bytes_per_second(const JsonCursor& c);
// ECS task-level cpu (string or number of units).
std::int32_t get_task_cpu(const JsonCursor& c);
// ECS task-level memory (string or number of MiB).
std::int64_t get_task_memory_mib(const JsonCursor& c);

}  // namespace ecsim::scenarios
