#include <catch2/catch.hpp>

#include "trace_test_util.h"

namespace ecsim::scenarios {
namespace {

using testing::read_trace;
using testing::trace_error;

// instance_events as exported from BigQuery with the request flattened; times in µs.
const std::string kEvents =
    "time,type,collection_id,priority,instance_index,collection_type,resource_request.cpus,resource_request.memory\n"
    "0,0,100,200,0,0,0.02,0.01\n"          // SUBMIT (before the window: time 0)
    "0,0,100,200,1,0,0.02,0.01\n"
    "1000000,9,100,200,1,0,0.5,0.25\n"     // UPDATE_PENDING: the request grows while it waits
    "2000000,3,100,200,0,0,,\n"            // SCHEDULE
    "2500000,SCHEDULE,100,200,1,0,,\n"
    "3000000,0,300,0,0,1,0.1,0.1\n"        // an alloc set's instance
    "4000000,0,200,0,0,0,1e-1,2.5e-1\n"
    "5000000,7,200,0,0,0,,\n"              // KILL while waiting
    "62000000,6,100,200,0,0,,\n"           // FINISH
    "70000000,4,100,200,1,0,,\n"           // EVICT
    "71000000,0,100,200,1,0,0.5,0.25\n"    // resubmitted: a new task
    "72000000,3,100,200,1,0,,\n"
    "73000000,0,400,0,0,0,0.1,0.1\n"       // still waiting at the end
    "9223372036854775807,6,100,200,1,0,,\n";  // after the trace's end: ignored

TEST_CASE("google-2019: an instance's SUBMIT, SCHEDULE and end make a task", "[traces]") {
  const auto t = read_trace("google-2019", kEvents);
  REQUIRE(t.records.size() == 3);
  // Records come out as their tasks end.
  const TraceRecord& a = t.records[0];
  CHECK(a.submit == 0);
  CHECK(a.recorded_wait == 2 * sim::kSecond);
  CHECK(a.runtime == 60 * sim::kSecond);
  CHECK(a.cpu == 1967);  // 0.02 × 96 vCPU × 1024, rounded up
  CHECK(a.memory_mib == 3933);  // 0.01 × 393216, rounded up
  CHECK(a.family == "priority-200");
  const TraceRecord& b = t.records[1];  // evicted: its runtime ends there
  CHECK(b.recorded_wait == 2500 * sim::kMillisecond);
  CHECK(b.runtime == 67500 * sim::kMillisecond);
  CHECK(b.cpu == 49152);
  CHECK(b.memory_mib == 98304);
  const TraceRecord& c = t.records[2];  // resubmitted, still running at the end of the file
  CHECK(c.submit == 71 * sim::kSecond);
  CHECK(c.runtime == sim::kNever);
  CHECK(c.recorded_wait == sim::kSecond);
  CHECK(t.skipped == 3);  // the alloc instance, the one killed while waiting, the one still waiting
}

TEST_CASE("google-2019: machineCpus and machineMemoryMiB scale the normalized requests", "[traces]") {
  TraceOptions o;
  o.machine_cpus = 32;
  o.machine_memory_mib = 131072;
  const auto t = read_trace("google-2019", kEvents, o);
  CHECK(t.records[1].cpu == 16384);
  CHECK(t.records[1].memory_mib == 32768);
}

TEST_CASE("google-2019: a bad event names its line, column and field", "[traces]") {
  CHECK(trace_error("google-2019", "time,type,collection_id,instance_index\n5,RUN,1,0\n") ==
        "t.csv: line 2: column 3: expected an event type (0 to 10, or SUBMIT ... UPDATE_RUNNING) in field type, got \"RUN\"");
  CHECK(trace_error("google-2019", "time,type\n") ==
        "t.csv: line 1: expected an instance_events header with time, type, collection_id, instance_index, got "
        "\"time,type\"");
  TraceOptions skip;
  skip.skip_bad_rows = true;
  const auto t = read_trace("google-2019", "time,type,collection_id,instance_index\n0,0,1,0\nx,3,1,0\n1,3,1,0\n2,6,1,0\n", skip);
  CHECK(t.bad_rows == 1);
  REQUIRE(t.records.size() == 1);
  CHECK(t.records[0].runtime == 1);  // µs
}

}  // namespace
}  // namespace ecsim::scenarios
