#include "reports/csv.h"

#include <catch2/catch.hpp>
#include <cstdio>

#include <string>
#include <vector>

#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

namespace {

// Splits CSV text into records of fields per RFC 4180 (quoted fields, doubled quotes), to check
// that what the writer quotes reads back as the original names.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("csv: tasks.csv header is the contract's columns, then cpu, memoryMiB, failedToPlace, stoppedReason and source last",
          "[reports]") {
  const std::string text = tasks_csv(RunResultBuilder().build());
  CHECK(text ==
        "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
        "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason,cpu,memoryMiB,failedToPlace,stoppedReason,source\n");
}

TEST_CASE("csv: timeseries.csv header starts with the contract's columns", "[reports]") {
  const std::string text = timeseries_csv(RunResultBuilder().build());
  CHECK(text ==
        "time,running,pending,instances,cpuReservedPct,memoryReservedPct,starting,submitted,completed,"
        "failedToPlace,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB,costPerHour\n");
}

TEST_CASE("csv: tasks.csv of a small run renders these exact bytes", "[reports]") {
  // t3 gave up (failedToPlace 1); t4 was still waiting at the end (0). web is a service, etl a job.
  CHECK(tasks_csv(small_run()) ==
        "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
        "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason,cpu,memoryMiB,failedToPlace,stoppedReason,source\n"
        "t1,web,3,service:web,general-1,us-east-1a,m5.xlarge,0,2,3.5,3603.5,EssentialContainerExited,,256,512,0,"
        "Essential container in task exited,web\n"
        "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,10,11,,,,256,512,0,,web\n"
        "t3,etl,1,family:etl,,,,20,,,,,RESOURCE:MEMORY,256,512,1,,etl\n"
        "t4,etl,1,family:etl,,,,30,,,,,RESOURCE:CPU,256,512,0,,etl\n"
        "t5,etl,1,family:etl,general-2,us-east-1b,m5.xlarge,40,100,,200,TaskFailedToStart,,256,512,0,,etl\n");
}

TEST_CASE("csv: tasks.csv leaves source empty when the result records no source", "[reports]") {
  sim::RunResult r = small_run();
  r.sources.clear();
  r.services.clear();
  r.tasks.source.clear();
  CHECK_THAT(tasks_csv(r), Catch::EndsWith("\nt5,etl,1,family:etl,general-2,us-east-1b,m5.xlarge,40,100,,200,"
                                           "TaskFailedToStart,,256,512,0,,\n"));
}

TEST_CASE("csv: timeseries.csv of a small run renders these exact bytes", "[reports]") {
  // 1024 / 3072 CPU = 33.33 %, 512 / 15500 MiB = 3.30 % (rounded to two places, zeros trimmed).
  // costPerHour: two m5.xlarge at $0.192 per hour are billed at both samples.
  CHECK(timeseries_csv(small_run()) ==
        "time,running,pending,instances,cpuReservedPct,memoryReservedPct,starting,submitted,completed,"
        "failedToPlace,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB,costPerHour\n"
        "0,0,1,2,0,0,0,1,0,0,0,8192,0,31000,0.384\n"
        "3600,1,1,2,33.33,3.3,0,5,0,1,1024,3072,512,15500,0.384\n");
}

TEST_CASE("csv: percentages are 0 when nothing is registered", "[reports]") {
  RunResultBuilder b;
  b.sample({.time = 1, .running = 0, .pending = 3});
  CHECK_THAT(timeseries_csv(b.build()), Catch::EndsWith("\n0.000001,0,3,0,0,0,0,0,0,0,0,0,0,0,0\n"));
}

TEST_CASE("csv: hostile names are quoted per RFC 4180 and read back unchanged", "[reports]") {
  RunResultBuilder b;
  b.zone("zone,a").instance("i\"1\"", "zone,a", "type\nnew", 0);
  b.task({.family = "we,b", .revision = 2, .group = "say \"hi\"", .instance = "i\"1\"", .submitted = 0,
          .placed = 1, .source = "job \"one\", really"});
  b.task({.family = "cr\rlf", .group = "plain", .submitted = 5 * kSecond, .cpu = 1024, .memory_mib = 3072});
  const std::string text = tasks_csv(b.build());
  CHECK(text.substr(text.find('\n') + 1) ==
        "t1,\"we,b\",2,\"say \"\"hi\"\"\",\"i\"\"1\"\"\",\"zone,a\",\"type\nnew\",0,0.000001,,,,,256,512,0,,"
        "\"job \"\"one\"\", really\"\n"
        "t2,\"cr\rlf\",1,plain,,,,5,,,,,,1024,3072,0,,default\n");
  const auto rows = parse_csv(text);
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) CHECK(row.size() == 18);
  CHECK(rows[1][17] == "job \"one\", really");
  CHECK(rows[1][1] == "we,b");
  CHECK(rows[1][3] == "say \"hi\"");
  CHECK(rows[1][4] == "i\"1\"");
  CHECK(rows[1][5] == "zone,a");
  CHECK(rows[1][6] == "type\nnew");
  CHECK(rows[2][1] == "cr\rlf");
}

TEST_CASE("csv: a row whose names pass the writer's reserve is written whole, between short rows", "[reports]") {
  // Each row is written in one stretch of the buffer unless its names are too long for it
  // (BufferedWriter::kMaxReserve): then it goes through a scratch buffer, with the same bytes.
  const std::string long_group(5000, 'g');
  const std::string long_instance(3000, 'i');
  RunResultBuilder b;
  b.zone("z").instance(long_instance, "z", "m5.large", 0);
  b.task({.family = "a", .group = "short", .submitted = 0});
  b.task({.family = "b", .group = long_group, .instance = long_instance, .submitted = kSecond, .placed = 2 * kSecond});
  b.task({.family = "c", .group = "short", .submitted = 3 * kSecond});
  const std::string text = tasks_csv(b.build());
  CHECK(text.substr(text.find('\n') + 1) ==
        "t1,a,1,short,,,,0,,,,,,256,512,0,,default\n"
        "t2,b,1," + long_group + "," + long_instance + ",z,m5.large,1,2,,,,,256,512,0,,default\n"
        "t3,c,1,short,,,,3,,,,,,256,512,0,,default\n");
}

TEST_CASE("csv: instances whose place fields are around one cache line, and beyond, in any order", "[reports]") {
  // ",ID,ZONE,TYPE" up to 63 bytes is kept in a line of its own, longer ones in the field table.
  RunResultBuilder b;
  b.zone("z");
  std::vector<std::string> ids;
  for (std::size_t n = 40; n <= 70; ++n) ids.push_back(std::string(n, static_cast<char>('a' + n % 26)));  // ",ID,z,t"
  ids.push_back("comma,id");  // quoted: two bytes more
  for (const std::string& id : ids) b.instance(id, "z", "t", 0);
  std::string want;
  for (std::size_t k = 0; k < 3 * ids.size(); ++k) {
    const std::string& id = ids[(k * 7) % ids.size()];  // instances out of order, each several times
    b.task({.family = "f", .group = "g", .instance = id, .submitted = 0, .placed = 1});
    char number[32];
    std::snprintf(number, sizeof number, "t%zu,f,1,g,", k + 1);
    want.append(number);
    if (id.find(',') != std::string::npos) {
      want.append("\"").append(id).append("\"");
    } else {
      want.append(id);
    }
    want.append(",z,t,0,0.000001,,,,,256,512,0,,default\n");
  }
  const std::string text = tasks_csv(b.build());
  CHECK(text.substr(text.find('\n') + 1) == want);
}

TEST_CASE("csv: a field is quoted only when it must be", "[reports]") {
  CHECK(csv_field("web") == "web");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a b;c") == "a b;c");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("\"") == "\"\"\"\"");
  CHECK(csv_field("x\ny") == "\"x\ny\"");
  CHECK(csv_field("x\ry") == "\"x\ry\"");
}

TEST_CASE("csv: streaming to a file and rendering to a string give the same bytes", "[reports]") {
  RunResultBuilder b;
  b.instance("general-1", "us-east-1a", "m5.xlarge");
  // Enough rows to cross the writer's buffer several times.
  for (int i = 0; i < 20'000; ++i) {
    const SimTime at = SimTime{i} * 1'234'567;
    if (i % 3 == 0) {
      b.task({.family = "batch,job", .submitted = at, .failure = FailureReason::kResourceGpu});
    } else {
      b.task({.instance = "general-1", .submitted = at, .placed = at + 7, .started = at + 1'000'001});
    }
    b.sample({.time = at, .running = i, .instances = 1, .cpu_reserved = i, .cpu_registered = 20'000});
  }
  const sim::RunResult r = b.build();
  ScratchDir dir;
  write_file_atomically(dir.path() / "tasks.csv", [&r](BufferedWriter& w) { write_tasks_csv(r, w); });
  write_file_atomically(dir.path() / "timeseries.csv", [&r](BufferedWriter& w) { write_timeseries_csv(r, w); });
  const std::string tasks = read_file(dir.path() / "tasks.csv");
  CHECK(tasks.size() > 4 * BufferedWriter::kBufferSize);
  CHECK(tasks == tasks_csv(r));
  CHECK(read_file(dir.path() / "timeseries.csv") == timeseries_csv(r));
  CHECK(parse_csv(tasks).size() == 20'001);
  CHECK_THAT(tasks, Catch::EndsWith("\nt20000,web,1,family:web,general-1,us-east-1a,m5.xlarge,"
                                    "24690.105433,24690.10544,24691.105434,,,,256,512,0,,default\n"));
}

TEST_CASE("csv: instances.csv of a small run renders these exact bytes", "[reports]") {
  sim::RunResult r = small_run();
  r.instances.market[1] = sim::Market::kSpot;
  r.instances.registered_at[1] = 90 * kSecond;
  // No Spot price recorded (a hand-built result): the Spot instance is billed at on-demand. One
  // ran 2 h, the other to the end of the 3 h run.
  CHECK(instances_csv(r) ==
        "instanceId,availabilityZone,instanceType,market,launchedAt,registeredAt,terminatedAt,"
        "cpuRegistered,memoryRegisteredMiB,pricePerHour,onDemandPricePerHour,billedSeconds,coveredSeconds,cost,capacityProvider\n"
        "general-1,us-east-1a,m5.xlarge,on-demand,0,0,7200,2048,7680,0.192,0.192,7200,0,0.384,\n"
        "general-2,us-east-1b,m5.xlarge,spot,0,90,,2048,7680,0.192,0.192,10800,0,0.576,\n");
  // With a Spot price: pricePerHour is the Spot price, onDemandPricePerHour the type's.
  r.spot_price_microdollars_per_hour = {65'280};
  CHECK_THAT(instances_csv(r), Catch::EndsWith("\ngeneral-2,us-east-1b,m5.xlarge,spot,0,90,,2048,7680,0.06528,0.192,10800,0,"
                                               "0.19584,\n"));
}

TEST_CASE("csv: instances.csv prints prices exactly and quotes hostile names", "[reports]") {
  RunResultBuilder b;
  b.instance_type("slot,big", 1'234'567'890'123).instance_type("free", 0).instance_type("tiny", 1);
  b.instance("a\"1", "z\n1", "slot,big").instance("b", "z2", "free").instance("c", "z2", "tiny");
  b.result().instances.registered_at[2] = kNever;
  const std::string text = instances_csv(b.build());
  CHECK(text.substr(text.find('\n') + 1) ==
        "\"a\"\"1\",\"z\n1\",\"slot,big\",on-demand,0,0,,2048,7680,1234567.890123,1234567.890123,3600,0,1234567.890123,\n"
        "b,z2,free,on-demand,0,0,,2048,7680,0,0,3600,0,0,\n"
        "c,z2,tiny,on-demand,0,,,2048,7680,0.000001,0.000001,3600,0,1e-06,\n");
  for (const auto& row : parse_csv(text)) CHECK(row.size() == 15);
}

TEST_CASE("csv: the series by zone and by type are in long form, one row per sample and name", "[reports]") {
  sim::RunResult r = small_run();
  // Nothing recorded (a hand-built result): the header alone.
  CHECK(zone_timeseries_csv(r) ==
        "time,availabilityZone,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n");
  CHECK(type_timeseries_csv(r) ==
        "time,instanceType,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n");
  // Two samples by two zones, row-major by sample.
  r.zone_cpu_reserved = {0, 1, 2, 3};
  r.zone_cpu_registered = {10, 11, 12, 13};
  r.zone_memory_reserved = {20, 21, 22, 23};
  r.zone_memory_registered = {30, 31, 32, 33};
  r.type_cpu_reserved = {5, 6};
  r.type_cpu_registered = {50, 60};
  CHECK(zone_timeseries_csv(r) ==
        "time,availabilityZone,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n"
        "0,us-east-1a,0,10,20,30\n"
        "0,us-east-1b,1,11,21,31\n"
        "3600,us-east-1a,2,12,22,32\n"
        "3600,us-east-1b,3,13,23,33\n");
  // A pair the run did not record is left empty.
  CHECK(type_timeseries_csv(r) ==
        "time,instanceType,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n"
        "0,m5.xlarge,5,50,,\n"
        "3600,m5.xlarge,6,60,,\n");
  // A series whose length does not match the samples is not written (report.html does not draw it).
  r.zone_cpu_reserved.pop_back();
  CHECK(zone_timeseries_csv(r) ==
        "time,availabilityZone,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n"
        "0,us-east-1a,,,20,30\n"
        "0,us-east-1b,,,21,31\n"
        "3600,us-east-1a,,,22,32\n"
        "3600,us-east-1b,,,23,33\n");
}

TEST_CASE("csv: instance-events.csv lists each event with the instance's id, in order, quoting reasons", "[reports]") {
  RunResultBuilder b;
  b.instance("i,1", "us-east-1a", "m5.large").instance("i-2", "us-east-1b", "m5.large");
  CHECK(instance_events_csv(b.build()) == "time,instanceId,event,reason\n");
  b.result().instance_events = {
      {.at = 0, .instance = 1, .kind = sim::InstanceEventKind::kRegistered},
      {.at = 90 * kSecond + 500'000, .instance = 0, .kind = sim::InstanceEventKind::kDisconnected,
       .reason = "azOutage \"a\", b"},
      {.at = kHour, .instance = 0, .kind = sim::InstanceEventKind::kReconnected, .reason = "azOutage ends"},
      {.at = kHour, .instance = 1, .kind = sim::InstanceEventKind::kInterruptionNotice, .reason = "spot"},
      {.at = 2 * kHour, .instance = 1, .kind = sim::InstanceEventKind::kTerminated, .reason = "spot interruption"}};
  CHECK(instance_events_csv(b.build()) ==
        "time,instanceId,event,reason\n"
        "0,i-2,registered,\n"
        "90.5,\"i,1\",disconnected,\"azOutage \"\"a\"\", b\"\n"
        "3600,\"i,1\",reconnected,azOutage ends\n"
        "3600,i-2,interruptionNotice,spot\n"
        "7200,i-2,terminated,spot interruption\n");
}
