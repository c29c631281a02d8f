#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "trace_test_util.h"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
using testing::read_trace;
using testing::trace_error;

const std::string kPods =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
    "p0,12000,16384,1,1000,,LS,Running,0,12537496,0\n"
    "p1,6000,12288,1,460,,BE,Running,427061,12902960,427100\n"
    "p2,3152,1024,0,0,,LS,Pending,500,,\n"
    "p3,88,512,2,1000,V100M16|V100M32,Burstable,Succeeded,600,,700\n";

TEST_CASE("alibaba-gpu-2023: a pod becomes a task, GPU shares take a whole GPU", "[traces]") {
  const auto t = read_trace("alibaba-gpu-2023", kPods);
  REQUIRE(t.records.size() == 3);
  const TraceRecord& a = t.records[0];
  CHECK(a.cpu == 12288);  // 12 CPUs
  CHECK(a.memory_mib == 16384);
  CHECK(a.gpus == 1);
  CHECK(a.submit == 0);
  CHECK(a.runtime == 12537496 * sim::kSecond);
  CHECK(a.recorded_wait == 0);
  CHECK(a.family == "LS");
  const TraceRecord& b = t.records[1];
  CHECK(b.gpus == 1);  // gpu_milli 460: ECS has no fractional GPU
  CHECK(b.cpu == 6144);
  CHECK(b.recorded_wait == 39 * sim::kSecond);
  CHECK(b.runtime == (12902960 - 427100) * sim::kSecond);
  CHECK(b.family == "BE");
  const TraceRecord& c = t.records[2];
  CHECK(c.cpu == 91);  // 88 × 1.024 = 90.1, rounded up
  CHECK(c.gpus == 2);
  CHECK(c.runtime == sim::kNever);  // no deletion_time: runs to the end
  CHECK(t.skipped == 1);            // p2, never scheduled
}

TEST_CASE("alibaba-gpu-2023: a bad pod row names its line, column and field", "[traces]") {
  CHECK(trace_error("alibaba-gpu-2023",
                    "name,cpu_milli,memory_mib,num_gpu,creation_time,deletion_time,scheduled_time\np,1000,1,0,5,9,4\n") ==
        "t.csv: line 2: column 16: expected a time no earlier than creation_time in field scheduled_time, got \"4\"");
  CHECK(trace_error("alibaba-gpu-2023", "name,cpu_milli\n") ==
        "t.csv: line 1: expected a pod list header with cpu_milli, memory_mib, num_gpu, creation_time, deletion_time, "
        "scheduled_time, got \"name,cpu_milli\"");
}

const std::string kDlrm =
    "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,memory_request,"
    "memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,deletion_time\n"
    "i0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,\n"
    "i1,CN,app_22,64,64,0,0,1,1,320.0,320.0,544.0,640.0,-1,475.00000000000006,623.0,\n"
    "i2,CN,app_88,8,8,0,0,1,1,40.5,40.5,1,1,-1,610.0,683.0,91730.0\n"
    "i3,CN,app_88,8,8,0,0,1,1,40,40,1,1,-1,,,5000\n"
    "i4,CN,app_88,8,8,0,0,1,1,40,40,1,1,-1,700,,\n";

TEST_CASE("alibaba-dlrm-2025: instances become tasks, empty times lie outside the window", "[traces]") {
  const auto t = read_trace("alibaba-dlrm-2025", kDlrm);
  REQUIRE(t.records.size() == 4);
  // Before and after the window: submitted at the start, runs to the end, no wait of its own.
  CHECK(t.records[0].submit == 0);
  CHECK(t.records[0].runtime == sim::kNever);
  CHECK(t.records[0].recorded_wait == -1);
  CHECK(t.records[0].cpu == 12 * 1024);
  CHECK(t.records[0].memory_mib == 120 * 1024);
  CHECK(t.records[0].gpus == 1);
  CHECK(t.records[0].family == "app_0");
  CHECK(t.records[1].submit == 475 * sim::kSecond);
  CHECK(t.records[1].recorded_wait == 148 * sim::kSecond);
  CHECK(t.records[1].runtime == sim::kNever);
  CHECK(t.records[2].memory_mib == 41472);  // 40.5 GiB
  CHECK(t.records[2].runtime == (91730 - 683) * sim::kSecond);
  // Deleted in the window, created before it.
  CHECK(t.records[3].submit == 0);
  CHECK(t.records[3].runtime == 5000 * sim::kSecond);
  CHECK(t.skipped == 1);  // i4: created, never scheduled in the window
}

TEST_CASE("alibaba-gpu-2023-nodes: the node list grouped by shape, in first-seen order", "[traces]") {
  std::istringstream in(
      "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\nn1,96000,393216,8,G2\nn2,32000,262144,0,\n"
      "n3,96000,393216,8,G2\nn4,96000,393216,8,T4\n");
  const auto shapes = read_alibaba_gpu_2023_nodes(in, "nodes.csv");
  REQUIRE(shapes.size() == 3);
  CHECK(shapes[0].vcpu == 32);
  CHECK(shapes[0].memory_mib == 262144);
  CHECK(shapes[0].gpus == 0);
  CHECK(shapes[0].model.empty());
  CHECK(shapes[0].count == 2);
  CHECK(shapes[1].count == 2);
  CHECK(shapes[1].model == "G2");
  CHECK(shapes[2].model == "T4");
  std::istringstream bad("sn,cpu_milli,memory_mib,gpu,model\nn0,500,1,0,\n");
  CHECK_THROWS_WITH(read_alibaba_gpu_2023_nodes(bad, "nodes.csv"),
                    "nodes.csv: line 2: column 4: expected a number of milli-CPUs from 1000 to 4096000 in field "
                    "cpu_milli, got \"500\"");
}

// The published files, read in place (the project does not redistribute them): skipped when
// the shared data directory is absent, as in a user's clone.
const fs::path kData = fs::path(ECSIM_SHARED_DATA_DIR) / "traces";

TEST_CASE("alibaba traces: the published files read whole", "[traces]") {
  const fs::path pods = kData / "alibaba-gpu-v2023" / "openb_pod_list_default.csv";
  const fs::path nodes = kData / "alibaba-gpu-v2023" / "openb_node_list_all_node.csv";
  const fs::path dlrm = kData / "alibaba-gpu-v2025" / "disaggregated_DLRM_trace.csv";
  if (!fs::exists(pods) || !fs::exists(nodes) || !fs::exists(dlrm)) {
    WARN("skipped: the Alibaba trace files are not in " << kData.string());
    return;
  }
  auto count = [](const std::string& format, const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    const auto source = open_trace(format, in, p.string(), {});
    TraceRecord r;
    while (source->next(r)) {
    }
    return std::make_pair(source->read(), source->skipped());
  };
  const auto [pods_read, pods_skipped] = count("alibaba-gpu-2023", pods);
  CHECK(pods_read + pods_skipped == 8152);
  CHECK(pods_skipped == 897);  // pod_phase Pending: never scheduled
  const auto [dlrm_read, dlrm_skipped] = count("alibaba-dlrm-2025", dlrm);
  CHECK(dlrm_read + dlrm_skipped == 23871);
  std::ifstream in(nodes, std::ios::binary);
  std::int64_t total = 0;
  for (const NodeShape& s : read_alibaba_gpu_2023_nodes(in, nodes.string())) total += s.count;
  CHECK(total == 1523);
}

}  // namespace
}  // namespace ecsim::scenarios
