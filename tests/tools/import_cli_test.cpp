// `ecsim import FORMAT FILE [-o OUT.csv]`: a trace in any format becomes generic CSV, which a
// scenario replays exactly as it would the original; bad input exits 2 naming the row.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kSwf =
    "; MaxProcs: 16\n"
    "; UnixStartTime: 1104537600\n"
    "1 100 10 60 2 -1 1024 2 60 -1 1 3 1 -1 1 1 -1 -1\n"
    "2 1.005e2 -1 3.5e1 1 -1 -1 -1 60 -1 1 4 1 -1 1 1 -1 -1\n"
    "3 130 0 0 1 -1 -1 -1 60 -1 0 4 1 -1 1 1 -1 -1\n";

const std::string kGeneric =
    "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n"
    "100,2048,2,60,0,swf,user:3,10\n"
    "100.5,1024,2048,35,0,swf,user:4,\n";

std::string scenario(const std::string& file, const std::string& format) {
  return R"({"name": "imp", "duration": "1h",
  "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 1}]},
  "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "c", "image": "i", "memory": 256}]}],
  "traces": [{"file": ")" + file + R"(", "format": ")" + format + R"("}]})";
}

}  // namespace

TEST_CASE("ecsim import: an SWF log becomes generic CSV, the counts on stderr", "[traces]") {
  TempDir dir;
  std::ofstream(dir.path() / "jobs.swf") << kSwf;
  const auto r = run_ecsim({"import", "swf", "jobs.swf", "-o", "jobs.csv"}, dir.path());
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(read_file(dir.path() / "jobs.csv") == kGeneric);
  CHECK(r.err ==
        "ecsim import: jobs.swf: 2 records read, 1 skipped by the swf rules, 0 bad rows skipped\n"
        "  SWF header: MaxProcs 16, MaxNodes -1, UnixStartTime 1104537600, TimeZoneString -\n");
  // Without -o, the CSV goes to standard output.
  const auto s = run_ecsim({"import", "swf", "jobs.swf", "--default-memory-mib", "4096"}, dir.path());
  CHECK(s.status == 0);
  CHECK(s.out == "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n100,2048,2,60,0,swf,user:3,10\n"
                 "100.5,1024,4096,35,0,swf,user:4,\n");
}

TEST_CASE("ecsim import: the converted file replays as the original", "[traces]") {
  TempDir dir;
  std::ofstream(dir.path() / "jobs.swf") << kSwf;
  REQUIRE(run_ecsim({"import", "swf", "jobs.swf", "-o", "jobs.csv"}, dir.path()).status == 0);
  // Importing the generic file again gives it back byte for byte.
  const auto again = run_ecsim({"import", "generic", "jobs.csv"}, dir.path());
  CHECK(again.status == 0);
  CHECK(again.out == kGeneric);
  std::ofstream(dir.path() / "swf.json") << scenario("jobs.swf", "swf");
  std::ofstream(dir.path() / "csv.json") << scenario("jobs.csv", "generic");
  REQUIRE(run_ecsim({"run", "swf.json", "-o", "a"}, dir.path()).status == 0);
  REQUIRE(run_ecsim({"run", "csv.json", "-o", "b"}, dir.path()).status == 0);
  CHECK(read_file(dir.path() / "a" / "tasks.csv") ==
        [&] {
          // The source column names the trace file: the only difference.
          std::string t = read_file(dir.path() / "b" / "tasks.csv");
          for (std::size_t at = t.find("jobs.csv"); at != std::string::npos; at = t.find("jobs.csv", at)) {
            t.replace(at, 8, "jobs.swf");
          }
          return t;
        }());
  const auto sa = nlohmann::json::parse(read_file(dir.path() / "a" / "summary.json"));
  const auto sb = nlohmann::json::parse(read_file(dir.path() / "b" / "summary.json"));
  CHECK(sa["trace"]["files"][0]["traceWait"] == sb["trace"]["files"][0]["traceWait"]);
  CHECK(sa["trace"]["files"][0]["offeredLoad"] == sb["trace"]["files"][0]["offeredLoad"]);
  CHECK(sa["trace"]["recordsSkipped"] == 1);
  CHECK(sb["trace"]["recordsSkipped"] == 0);
}

TEST_CASE("ecsim import: a bad row exits 2 naming it and leaves the output alone, unless skipped", "[traces]") {
  TempDir dir;
  std::ofstream(dir.path() / "bad.csv") << "submit,cpu,memoryMiB,runtime\n0,1,1,1\n1,one,1,1\n2,1,1,1\n";
  std::ofstream(dir.path() / "out.csv") << "old\n";
  const auto r = run_ecsim({"import", "generic", "bad.csv", "-o", "out.csv"}, dir.path());
  CHECK(r.status == 2);
  CHECK(r.err == "bad.csv: line 3: column 3: expected an integer from 0 to 2147483647 in field cpu, got \"one\"\n");
  CHECK(read_file(dir.path() / "out.csv") == "old\n");
  const auto s = run_ecsim({"import", "generic", "bad.csv", "-o", "out.csv", "--skip-bad-rows"}, dir.path());
  CHECK(s.status == 0);
  CHECK(read_file(dir.path() / "out.csv") ==
        "submit,cpu,memoryMiB,runtime,gpus,family,group,wait\n0,1,1,1,0,trace,family:trace,\n2,1,1,1,0,trace,family:trace,\n");
  CHECK(s.err ==
        "ecsim import: bad.csv: 2 records read, 0 skipped by the generic rules, 1 bad rows skipped\n"
        "  first bad row: bad.csv: line 3: column 3: expected an integer from 0 to 2147483647 in field cpu, got \"one\"\n");
}

TEST_CASE("ecsim import: usage and input errors exit 2", "[traces]") {
  TempDir dir;
  const auto typo = run_ecsim({"import", "swff", "x"}, dir.path());
  CHECK(typo.status == 2);
  CHECK(typo.err.rfind("ecsim: unknown trace format \"swff\" (did you mean \"swf\"?); valid: alibaba-dlrm-2025, "
                       "alibaba-gpu-2023, generic, google-2019, swf", 0) == 0);
  const auto missing = run_ecsim({"import", "swf", "nope.swf"}, dir.path());
  CHECK(missing.status == 2);
  CHECK(missing.err == "nope.swf: /: expected a readable trace file, got not found\n");
  const auto no_file = run_ecsim({"import", "swf"}, dir.path());
  CHECK(no_file.status == 2);
  std::ofstream(dir.path() / "e.csv") << "time,type,collection_id,instance_index\n";
  const auto bad_option = run_ecsim({"import", "google-2019", "e.csv", "--machine-cpus", "0"}, dir.path());
  CHECK(bad_option.status == 2);
  CHECK(bad_option.err == "--machine-cpus: /: expected an integer from 1 to 4096, got \"0\"\n");
}

TEST_CASE("ecsim import: the published Alibaba files convert whole", "[traces]") {
  const fs::path data = fs::path(ECSIM_SHARED_DATA_DIR) / "traces";
  const fs::path pods = data / "alibaba-gpu-v2023" / "openb_pod_list_default.csv";
  const fs::path dlrm = data / "alibaba-gpu-v2025" / "disaggregated_DLRM_trace.csv";
  if (!fs::exists(pods) || !fs::exists(dlrm)) {
    WARN("skipped: the Alibaba trace files are not in " << data.string());
    return;
  }
  TempDir dir;
  const auto a = run_ecsim({"import", "alibaba-gpu-2023", pods.string(), "-o", "pods.csv"}, dir.path());
  CHECK(a.status == 0);
  CHECK(a.err.find(": 7255 records read, 897 skipped by the alibaba-gpu-2023 rules, 0 bad rows skipped") != std::string::npos);
  const auto b = run_ecsim({"import", "alibaba-dlrm-2025", dlrm.string(), "-o", "dlrm.csv"}, dir.path());
  CHECK(b.status == 0);
  CHECK(b.err.find(" skipped by the alibaba-dlrm-2025 rules, 0 bad rows skipped") != std::string::npos);
}
