#include "reports/csv.h"

#include <catch2/catch.hpp>

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

TEST_CASE("csv: tasks.csv header is exactly the contract's", "[reports]") {
  const std::string text = tasks_csv(RunResultBuilder().build());
  CHECK(text ==
        "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
        "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason\n");
}

TEST_CASE("csv: timeseries.csv header starts with the contract's columns", "[reports]") {
  const std::string text = timeseries_csv(RunResultBuilder().build());
  CHECK(text ==
        "time,running,pending,instances,cpuReservedPct,memoryReservedPct,starting,submitted,completed,"
        "failedToPlace,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n");
}

TEST_CASE("csv: tasks.csv of a small run renders these exact bytes", "[reports]") {
  CHECK(tasks_csv(small_run()) ==
        "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
        "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason\n"
        "t1,web,3,service:web,general-1,us-east-1a,m5.xlarge,0,2,3.5,3603.5,EssentialContainerExited,\n"
        "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,10,11,,,\n"
        "t3,etl,1,family:etl,,,,20,,,,,RESOURCE:MEMORY\n"
        "t4,etl,1,family:etl,,,,30,,,,,RESOURCE:CPU\n"
        "t5,etl,1,family:etl,general-2,us-east-1b,m5.xlarge,40,100,,200,TaskFailedToStart,\n");
}

TEST_CASE("csv: timeseries.csv of a small run renders these exact bytes", "[reports]") {
  // 1024 / 3072 CPU = 33.33 %, 512 / 15500 MiB = 3.30 % (rounded to two places, zeros trimmed).
  CHECK(timeseries_csv(small_run()) ==
        "time,running,pending,instances,cpuReservedPct,memoryReservedPct,starting,submitted,completed,"
        "failedToPlace,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB\n"
        "0,0,1,2,0,0,0,1,0,0,0,8192,0,31000\n"
        "3600,1,1,2,33.33,3.3,0,5,0,1,1024,3072,512,15500\n");
}

TEST_CASE("csv: percentages are 0 when nothing is registered", "[reports]") {
  RunResultBuilder b;
  b.sample({.time = 1, .running = 0, .pending = 3});
  CHECK_THAT(timeseries_csv(b.build()), Catch::EndsWith("\n0.000001,0,3,0,0,0,0,0,0,0,0,0,0,0\n"));
}

TEST_CASE("csv: hostile names are quoted per RFC 4180 and read back unchanged", "[reports]") {
  RunResultBuilder b;
  b.zone("zone,a").instance("i\"1\"", "zone,a", "type\nnew", 0);
  b.task({.family = "we,b", .revision = 2, .group = "say \"hi\"", .instance = "i\"1\"", .submitted = 0,
          .placed = 1});
  b.task({.family = "cr\rlf", .group = "plain", .submitted = 5 * kSecond});
  const std::string text = tasks_csv(b.build());
  CHECK(text.substr(text.find('\n') + 1) ==
        "t1,\"we,b\",2,\"say \"\"hi\"\"\",\"i\"\"1\"\"\",\"zone,a\",\"type\nnew\",0,0.000001,,,,\n"
        "t2,\"cr\rlf\",1,plain,,,,5,,,,,\n");
  const auto rows = parse_csv(text);
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) CHECK(row.size() == 13);
  CHECK(rows[1][1] == "we,b");
  CHECK(rows[1][3] == "say \"hi\"");
  CHECK(rows[1][4] == "i\"1\"");
  CHECK(rows[1][5] == "zone,a");
  CHECK(rows[1][6] == "type\nnew");
  CHECK(rows[2][1] == "cr\rlf");
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
                                    "24690.105433,24690.10544,24691.105434,,,\n"));
}
