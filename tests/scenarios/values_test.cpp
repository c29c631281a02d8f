#include "scenarios/values.h"

#include <catch2/catch.hpp>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;
using testing::error_text;

// Runs `getter` on the value `json_text` as the key "v" of a document named "s.json".
template <class G>
auto get_value(const std::string& json_text, G getter) {
  auto doc = parse_json_document("{\"v\": " + json_text + "}", "s.json");
  return getter(JsonCursor(*doc)["v"]);
}

template <class G>
std::string value_error(const std::string& json_text, G getter) {
  return error_text([&] {
    auto doc = parse_json_document("{\"v\": " + json_text + "}", "s.json");
    getter(JsonCursor(*doc)["v"]);
  });
}

TEST_CASE("values: durations take every documented unit", "[scenarios]") {
  CHECK(parse_duration_text("250ms") == 250 * kMillisecond);
  CHECK(parse_duration_text("30s") == 30 * kSecond);
  CHECK(parse_duration_text("5m") == 5 * kMinute);
  CHECK(parse_duration_text("2h") == 2 * kHour);
  CHECK(parse_duration_text("1d") == kDay);
  CHECK(parse_duration_text("7us") == 7);
  CHECK(parse_duration_text("7\xC2\xB5s") == 7);
  CHECK(parse_duration_text("0s") == 0);
}

TEST_CASE("values: durations accept unit combinations like 1h30m, largest unit first", "[scenarios]") {
  CHECK(parse_duration_text("1h30m") == 90 * kMinute);
  CHECK(parse_duration_text("1d2h3m4s5ms6us") == kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5 * kMillisecond + 6);
  CHECK(parse_duration_text("1h 30m") == 90 * kMinute);
  CHECK_FALSE(parse_duration_text("30m1h").has_value());
  CHECK_FALSE(parse_duration_text("1m1m").has_value());
}

TEST_CASE("values: duration fractions are exact to the microsecond", "[scenarios]") {
  CHECK(parse_duration_text("1.5h") == 90 * kMinute);
  CHECK(parse_duration_text("0.000001s") == 1);
  CHECK(parse_duration_text("0.0000004s") == 0);  // rounds half up: 0.4 us -> 0
  CHECK(parse_duration_text("0.0000005s") == 1);
  CHECK(parse_duration_text("2m30.25s") == 150 * kSecond + 250 * kMillisecond);
}

TEST_CASE("values: malformed or overflowing durations are rejected", "[scenarios]") {
  for (const char* bad : {"", "fast", "5", "5 minutes", "-5s", "1.s", ".s", "1h30", "s", "5x", "1e3s",
                          "99999999999999999999d", "300000000d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_text(bad).has_value());
  }
}

TEST_CASE("values: a JSON number is seconds rounded to the microsecond", "[scenarios]") {
  CHECK(get_value("90", get_duration) == 90 * kSecond);
  CHECK(get_value("0.0000016", get_duration) == 2);
  CHECK(get_value("\"1h30m\"", get_duration) == 90 * kMinute);
  CHECK(value_error("-1", get_duration) == "s.json: /v: expected a duration, got -1");
  CHECK(value_error("1e300", get_duration) == "s.json: /v: expected a duration, got 1e+300");
}

TEST_CASE("values: the contract's duration error reads as the contract shows it", "[scenarios]") {
  CHECK(value_error("\"fast\"", get_duration) == "s.json: /v: expected a duration, got \"fast\"");
  CHECK(value_error("true", get_duration) == "s.json: /v: expected a duration, got true");
  CHECK(value_error("\"0s\"", get_positive_duration) == "s.json: /v: expected a positive duration, got \"0s\"");
}

TEST_CASE("values: clock times of day are offsets from the start of the run", "[scenarios]") {
  CHECK(parse_clock_time_text("01:00") == kHour);
  CHECK(parse_clock_time_text("01:00:30") == kHour + 30 * kSecond);
  CHECK(parse_clock_time_text("00:05") == 5 * kMinute);
  CHECK(parse_clock_time_text("36:00") == 36 * kHour);  // the next day, at noon
  CHECK_FALSE(parse_clock_time_text("1:60").has_value());
  CHECK_FALSE(parse_clock_time_text("01:5").has_value());
  CHECK_FALSE(parse_clock_time_text("01:00:61").has_value());
  CHECK_FALSE(parse_clock_time_text(":30").has_value());
  CHECK(get_value("\"05:00\"", get_time) == 5 * kHour);
  CHECK(get_value("\"90m\"", get_time) == 90 * kMinute);
  CHECK(value_error("\"25:61\"", get_time) ==
        "s.json: /v: expected a time from the start of the run (a duration, or a clock time like \"01:30\"), got "
        "\"25:61\"");
}

TEST_CASE("values: sizes are MiB, and GB means 1024 MiB as in ECS", "[scenarios]") {
  CHECK(parse_size_mib_text("512MiB") == 512);
  CHECK(parse_size_mib_text("2GiB") == 2048);
  CHECK(parse_size_mib_text("2 GB") == 2048);
  CHECK(parse_size_mib_text("1.5GiB") == 1536);
  CHECK(parse_size_mib_text("1TiB") == 1024 * 1024);
  CHECK(parse_size_mib_text("2048KiB") == 2);
  CHECK_FALSE(parse_size_mib_text("1KiB").has_value());       // not a whole MiB
  CHECK_FALSE(parse_size_mib_text("1.0001GiB").has_value());  // not a whole MiB
  CHECK_FALSE(parse_size_mib_text("512").has_value());        // a string needs its unit
  CHECK_FALSE(parse_size_mib_text("-1GiB").has_value());
  CHECK(get_value("512", get_size_mib) == 512);
  CHECK(value_error("-5", get_size_mib) ==
        "s.json: /v: expected a size (MiB, or a string like \"512MiB\" or \"2GiB\"), got -5");
  CHECK(value_error("\"2 gallons\"", get_size_mib) ==
        "s.json: /v: expected a size (MiB, or a string like \"512MiB\" or \"2GiB\"), got \"2 gallons\"");
}

TEST_CASE("values: rates use decimal prefixes for MB/s and bits for Gbps", "[scenarios]") {
  CHECK(parse_rate_text("100MB/s") == 100'000'000);
  CHECK(parse_rate_text("10MiB/s") == 10 * 1024 * 1024);
  CHECK(parse_rate_text("1Gbps") == 125'000'000);
  CHECK(parse_rate_text("200Mbps") == 25'000'000);
  CHECK(parse_rate_text("1.5kB/s") == 1500);
  CHECK(parse_rate_text("1bps") == 0);  // 0.125 B/s rounds to 0; get_rate_bytes_per_second rejects it
  CHECK_FALSE(parse_rate_text("100MB").has_value());
  CHECK(get_value("\"1Gbps\"", get_rate_bytes_per_second) == 125'000'000);
  CHECK(value_error("\"1bps\"", get_rate_bytes_per_second) ==
        "s.json: /v: expected a positive rate (bytes per second, or a string like \"100MB/s\" or \"1Gbps\"), got "
        "\"1bps\"");
}

TEST_CASE("values: ECS task cpu strings convert vCPUs to 1024 units each", "[ecs][scenarios]") {
  // Dev Guide, task definition parameters: cpu "can be expressed ... as a string using vCPUs
  // (for example, 1 vCPU or 1 vcpu)" and is converted to an integer of CPU units.
  CHECK(parse_task_cpu_text("1024") == 1024);
  CHECK(parse_task_cpu_text("1 vCPU") == 1024);
  CHECK(parse_task_cpu_text("1 vcpu") == 1024);
  CHECK(parse_task_cpu_text("0.5 vcpu") == 512);
  CHECK(parse_task_cpu_text("0.25 vCPU") == 256);
  CHECK(parse_task_cpu_text("2vCPU") == 2048);
  CHECK_FALSE(parse_task_cpu_text("0.0001 vCPU").has_value());  // not a whole unit
  CHECK_FALSE(parse_task_cpu_text("1 CPU").has_value());
  CHECK_FALSE(parse_task_cpu_text("99999999999").has_value());  // above int32
  CHECK(get_value("256", get_task_cpu) == 256);
}

TEST_CASE("values: ECS task memory strings read GB as 1024 MiB", "[ecs][scenarios]") {
  // Dev Guide: memory "as a string using GB (for example, 1GB or 1 GB)", converted to MiB.
  CHECK(parse_task_memory_text("1024") == 1024);
  CHECK(parse_task_memory_text("1GB") == 1024);
  CHECK(parse_task_memory_text("1 GB") == 1024);
  CHECK(parse_task_memory_text("0.5GB") == 512);
  CHECK(parse_task_memory_text("2GiB") == 2048);
  CHECK_FALSE(parse_task_memory_text("lots").has_value());
  CHECK(value_error("\"lots\"", get_task_memory_mib) ==
        "s.json: /v: expected a task memory (MiB like \"1024\", or GB like \"1 GB\"), got \"lots\"");
}

TEST_CASE("values: decimal seconds in trace files are exact", "[scenarios]") {
  CHECK(parse_decimal_seconds("12") == 12 * kSecond);
  CHECK(parse_decimal_seconds("0.25") == 250 * kMillisecond);
  CHECK(parse_decimal_seconds("1.0000015") == kSecond + 2);
  CHECK_FALSE(parse_decimal_seconds("-1").has_value());
  CHECK_FALSE(parse_decimal_seconds("1s").has_value());
  CHECK_FALSE(parse_decimal_seconds("").has_value());
}

TEST_CASE("values: seconds_to_simtime rejects what a SimTime cannot hold", "[scenarios]") {
  CHECK(seconds_to_simtime(1.5) == 1'500'000);
  CHECK_FALSE(seconds_to_simtime(-0.5).has_value());
  CHECK_FALSE(seconds_to_simtime(1e13).has_value());
  CHECK_FALSE(seconds_to_simtime(std::numeric_limits<double>::infinity()).has_value());
  CHECK_FALSE(seconds_to_simtime(std::numeric_limits<double>::quiet_NaN()).has_value());
}

TEST_CASE("values: command-line times and durations read as a scenario writes them", "[scenarios]") {
    CHECK(parse_duration_arg("9000") == 9000 * kSecond);
  CHECK(parse_duration_arg("1.5") == 1500 * kMillisecond);
  CHECK(parse_duration_arg("2h30m") == 150 * kMinute);
  CHECK_FALSE(parse_duration_arg("02:30"));  // a clock time is a time, not a duration
  CHECK_FALSE(parse_duration_arg("-5"));
  CHECK_FALSE(parse_duration_arg("soon"));
  CHECK(parse_time_arg("02:30") == 150 * kMinute);
  CHECK(parse_time_arg("9000") == 9000 * kSecond);
  CHECK(parse_time_arg("6h") == 6 * kHour);
  CHECK_FALSE(parse_time_arg(""));
}

}  // namespace
}  // namespace ecsim::scenarios
