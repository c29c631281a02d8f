#include <catch2/catch.hpp>

#include "trace_test_util.h"

namespace ecsim::scenarios {
namespace {

using testing::read_trace;
using testing::trace_error;

// Fields: job submit wait run procs avgcpu usedmem reqprocs reqtime reqmem status user group exe queue part prec think
const std::string kLog =
    "; Version: 2.2\n"
    "; Computer: Test machine\n"
    "; MaxNodes: 64\n"
    "; MaxProcs: 128\n"
    "; UnixStartTime: 1104537600\n"
    "; TimeZoneString: Europe/Berlin\n"
    ";\n"
    "    1      0    10   3600    4   -1   2048    4  7200   -1  1  7  1 -1 1 1 -1 -1\n"
    "    2     30     5    120   -1   -1     -1    2   600 1000  1  8  1 -1 1 1 -1 -1\n"
    "    3     60    -1     60    1   -1     -1   -1    60   -1  1 -1  1 -1 1 1 -1 -1\n"
    "    4     90     0      0    8   -1     -1    8    60   -1  0  7  1 -1 1 1 -1 -1\n"
    "    5    100     0     -1    8   -1     -1    8    60   -1  5  7  1 -1 1 1 -1 -1\n"
    "    6    110     0     30   -1   -1     -1   -1    60   -1  5  7  1 -1 1 1 -1 -1\n"
    "\t7 1.2e2 0.5 1.5e1 2 -1 100 2 60 -1 1 9 1 -1 1 1 -1 -1\r\n";

TEST_CASE("swf: the header comments size the machine", "[traces]") {
  const auto t = read_trace("swf", kLog);
  CHECK(t.swf.max_procs == 128);
  CHECK(t.swf.max_nodes == 64);
  CHECK(t.swf.unix_start_time == 1104537600);
  CHECK(t.swf.time_zone == "Europe/Berlin");
}

TEST_CASE("swf: a job becomes a task of 1024 CPU units per processor", "[traces]") {
  const auto t = read_trace("swf", kLog);
  REQUIRE(t.records.size() == 4);
  const TraceRecord& a = t.records[0];
  CHECK(a.submit == 0);
  CHECK(a.recorded_wait == 10 * sim::kSecond);
  CHECK(a.runtime == 3600 * sim::kSecond);
  CHECK(a.cpu == 4 * 1024);
  CHECK(a.memory_mib == 8);  // 2048 KB used per processor × 4
  CHECK(a.family == "swf");
  CHECK(a.group == "user:7");
  // Allocated unknown: requested processors; used memory unknown: requested (1000 KB × 2, up).
  const TraceRecord& b = t.records[1];
  CHECK(b.cpu == 2 * 1024);
  CHECK(b.memory_mib == 2);
  // No memory at all: defaultMemoryMiB per processor; no wait, no user.
  const TraceRecord& c = t.records[2];
  CHECK(c.memory_mib == 2048);
  CHECK(c.recorded_wait == -1);
  CHECK(c.group.empty());
  // E-notation, a fraction of a second, a tab and CRLF.
  const TraceRecord& d = t.records[3];
  CHECK(d.submit == 120 * sim::kSecond);
  CHECK(d.recorded_wait == 500 * sim::kMillisecond);
  CHECK(d.runtime == 15 * sim::kSecond);
  CHECK(d.memory_mib == 1);  // 200 KB, rounded up to a MiB
}

TEST_CASE("swf: jobs that never ran are skipped and counted", "[traces]") {
  const auto t = read_trace("swf", kLog);
  CHECK(t.read == 4);
  CHECK(t.skipped == 3);  // run time 0, run time unknown, no processor count
  CHECK(t.bad_rows == 0);
}

TEST_CASE("swf: defaultMemoryMiB sets the memory of jobs without one, 0 refuses them", "[traces]") {
  TraceOptions o;
  o.default_memory_mib = 512;
  CHECK(read_trace("swf", kLog, o).records[2].memory_mib == 512);
  o.default_memory_mib = 0;
  CHECK(trace_error("swf", kLog, o) ==
        "t.csv: line 10: expected a used (field 7) or requested (field 10) memory, or a trace defaultMemoryMiB, got neither");
}

TEST_CASE("swf: a malformed line names its line, column and field, or is skipped", "[traces]") {
  const std::string bad = "; MaxProcs: 8\n1 0 0 60 2 -1 -1 2 60 -1 1 1 1 -1 1 1 -1 -1\n2 5 0 6O 2 -1 -1 2 60 -1 1 1 1 -1 1 1 -1 -1\n"
                          "3 9 0 60 2\n4 9 0 60 2 -1 -1 2 60 -1 1 1 1 -1 1 1 -1 -1\n";
  CHECK(trace_error("swf", bad) ==
        "t.csv: line 3: column 7: expected a number of seconds (-1 for unknown) in field 4 (run time), got \"6O\"");
  TraceOptions skip;
  skip.skip_bad_rows = true;
  const auto t = read_trace("swf", bad, skip);
  CHECK(t.read == 2);
  CHECK(t.bad_rows == 2);
  CHECK(t.first_bad_row.find("line 3") != std::string::npos);
  CHECK(trace_error("swf", "3 9 0 60 2\n") == "t.csv: line 1: expected 18 fields (Standard Workload Format), got 5 fields");
}

}  // namespace
}  // namespace ecsim::scenarios
