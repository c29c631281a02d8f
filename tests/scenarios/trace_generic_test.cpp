#include <catch2/catch.hpp>

#include "scenarios/values.h"
#include "trace_test_util.h"

namespace ecsim::scenarios {
namespace {

using testing::read_trace;
using testing::trace_error;

TEST_CASE("trace numbers: any ordinary notation, exact to the microsecond", "[traces]") {
  CHECK(parse_seconds_number("1.00062e+06") == 1'000'620 * sim::kSecond);
  CHECK(parse_seconds_number("12.") == 12 * sim::kSecond);
  CHECK(parse_seconds_number(".5") == 500 * sim::kMillisecond);
  CHECK(parse_seconds_number("+3") == 3 * sim::kSecond);
  CHECK(parse_seconds_number("2.5E-3") == 2500);
  CHECK(parse_seconds_number("475.00000000000006") == 475 * sim::kSecond);
  CHECK(parse_seconds_number("0.0000005") == 1);  // half a microsecond rounds up
  CHECK(parse_seconds_number("1e-30") == 0);
  for (const char* bad : {"", "-1", "-0", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "inf", "nan", "0x10", "1e99"}) {
    INFO(bad);
    CHECK_FALSE(parse_seconds_number(bad).has_value());
  }
}

TEST_CASE("trace numbers: scaled and rounded half up, up, or only when whole", "[traces]") {
  CHECK(parse_scaled_number("3152", 1024, 1000, Rounding::kUp) == 3228);      // 3227.648
  CHECK(parse_scaled_number("3152", 1024, 1000, Rounding::kHalfUp) == 3228);
  CHECK(parse_scaled_number("1000", 1024, 1000, Rounding::kExact) == 1024);
  CHECK(parse_scaled_number("1e3", 1, 1, Rounding::kExact) == 1000);
  CHECK(parse_scaled_number("1024.0", 1, 1, Rounding::kExact) == 1024);
  CHECK_FALSE(parse_scaled_number("1.5", 1, 1, Rounding::kExact).has_value());
  CHECK(parse_scaled_number("1.5", 1, 1, Rounding::kUp) == 2);
  CHECK(parse_scaled_number("1.25", 1, 1, Rounding::kHalfUp) == 1);
  CHECK(parse_scaled_number("0.02", 96 * 1024, 1, Rounding::kUp) == 1967);  // 1966.08
  CHECK(parse_scaled_number("922337203685477580", 10, 1, Rounding::kExact) == 9223372036854775800);
  CHECK_FALSE(parse_scaled_number("922337203685477581", 10, 1, Rounding::kExact).has_value());
  CHECK_FALSE(parse_scaled_number("1e19", 1, 1, Rounding::kExact).has_value());
  CHECK(parse_scaled_number("12345678901234567890123", 1, 1, Rounding::kHalfUp) == std::nullopt);
  // Digits past the 18th significant one are dropped.
  CHECK(parse_scaled_number("9223372036854775807", 1, 1, Rounding::kHalfUp) == 9223372036854775800);
  CHECK(parse_scaled_number("1.0000000000000000009", 1000, 1, Rounding::kUp) == 1000);
}

TEST_CASE("generic trace: records in ECS units with optional columns and e-notation", "[traces]") {
  const auto t = read_trace("generic",
                            "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n"
                            "1.5e1,1e3,2048.0,60,1,ml,team-a,2.5\n"
                            "\n"
                            "20,256,512,,0,etl,,\n");
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[0].submit == 15 * sim::kSecond);
  CHECK(t.records[0].cpu == 1000);
  CHECK(t.records[0].memory_mib == 2048);
  CHECK(t.records[0].runtime == 60 * sim::kSecond);
  CHECK(t.records[0].gpus == 1);
  CHECK(t.records[0].family == "ml");
  CHECK(t.records[0].group == "team-a");
  CHECK(t.records[0].recorded_wait == 2500 * sim::kMillisecond);
  CHECK(t.records[1].runtime == sim::kNever);  // empty: runs to the end of the run
  CHECK(t.records[1].group.empty());
  CHECK(t.records[1].recorded_wait == -1);
  CHECK(t.read == 2);
}

TEST_CASE("generic trace: a bad value names the line, the column and the field", "[traces]") {
  CHECK(trace_error("generic", "submit,cpu,memoryMiB,runtime\n0,512,1024,60\n1,-5,1024,60\n") ==
        "t.csv: line 3: column 3: expected an integer from 0 to 2147483647 in field cpu, got \"-5\"");
  CHECK(trace_error("generic", "submit,cpu,memoryMiB,runtime\n0,1.5,1024,60\n") ==
        "t.csv: line 2: column 3: expected an integer from 0 to 2147483647 in field cpu, got \"1.5\"");
  CHECK(trace_error("generic", "submit,cpu,memoryMiB,runtime\nsoon,1,1,1\n") ==
        "t.csv: line 2: column 1: expected a number of seconds (at least 0) in field submit, got \"soon\"");
  CHECK(trace_error("generic", "submit,cpu,memoryMiB,runtime\n0,1,1\n") ==
        "t.csv: line 2: expected 4 fields, as in the header, got 3 fields");
  CHECK(trace_error("generic", "submit,cpu,runtime,memoryMiB\n") ==
        "t.csv: line 1: expected a header submit,cpu,memoryMiB,runtime followed by any of gpus, family, group, wait, "
        "got \"submit,cpu,runtime,memoryMiB\"");
  CHECK(trace_error("generic", "\n\n") == "t.csv: line 1: expected a header submit,cpu,memoryMiB,runtime followed by "
                                         "any of gpus, family, group, wait, got an empty file");
}

TEST_CASE("generic trace: skipBadRows skips and counts malformed rows, the header still stops", "[traces]") {
  TraceOptions skip;
  skip.skip_bad_rows = true;
  const auto t = read_trace("generic",
                            "submit,cpu,memoryMiB,runtime\n0,512,1024,60\n1,x,1,1\n2,1,\"1\n3,\"a\"b,1,1\n4,1,1,1\n", skip);
  CHECK(t.read == 2);
  CHECK(t.bad_rows == 2);  // line 3, and lines 4-5 (an open quote runs on to the next line)
  CHECK(t.first_bad_row == "t.csv: line 3: column 3: expected an integer from 0 to 2147483647 in field cpu, got \"x\"");
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[1].submit == 4 * sim::kSecond);
  CHECK(trace_error("generic", "submit,cpu\n", skip).find("expected a header") != std::string::npos);
}

}  // namespace
}  // namespace ecsim::scenarios
