// The Alibaba GPU cluster traces (github.com/alibaba/clusterdata):
//
// `alibaba-gpu-2023` (cluster-trace-gpu-v2023, the pod list openb_pod_list_*.csv; Weng et al.,
// "Beware of Fragmentation", USENIX ATC '23): a pod is a task.
//   cpu = cpu_milli × 1024 / 1000 rounded up; memory = memory_mib; gpus = num_gpu, and a
//   GPU-sharing pod (gpu_milli < 1000) takes one whole GPU (ECS has no fractional GPUs);
//   submit = creation_time; runtime = deletion_time − scheduled_time, or to the end of the run
//   when it has no deletion_time; the trace's wait = scheduled_time − creation_time. A pod never
//   scheduled (no scheduled_time: pod_phase Pending) is skipped and counted. Family = its qos
//   (LS, BE, Burstable, Guaranteed).
//
// `alibaba-dlrm-2025` (cluster-trace-gpu-v2025, disaggregated_DLRM_trace.csv; Yang et al., NSDI
// '25): an inference instance is a task.
//   cpu = cpu_request vCPU × 1024; memory = memory_request GiB × 1024 MiB; gpus = gpu_request;
//   each rounded up. Times are empty when the event fell outside the trace window: an instance
//   created before it (no creation_time) is submitted at the trace's start (0) with no wait of
//   its own; one deleted after it (no deletion_time) runs to the end of the run; one created but
//   never scheduled is skipped and counted. Family = app_name (a service of many replicas).
//
// The v2023 node list (openb_node_list_all_node.csv) is a fleet, not tasks:
// read_alibaba_gpu_2023_nodes.
#include <limits>

#include "scenarios/trace_reader.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios::trace_detail {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

class AlibabaGpu2023 final : public TraceSource {
 public:
  AlibabaGpu2023(std::istream& in, const std::string& label, const TraceOptions& options)
      : TraceSource(options), csv_(in, label) {
    static const std::vector<std::string_view> kRequired = {"cpu_milli", "memory_mib", "num_gpu", "creation_time",
                                                            "deletion_time", "scheduled_time"};
    constexpr std::string_view kExpected =
        "a pod list header with cpu_milli, memory_mib, num_gpu, creation_time, deletion_time, scheduled_time";
    if (!csv_.read_header(kRequired, kExpected)) throw sim::InputError(label, "line 1", std::string(kExpected), "an empty file");
    cpu_ = csv_.column({"cpu_milli"});
    memory_ = csv_.column({"memory_mib"});
    gpus_ = csv_.column({"num_gpu"});
    gpu_milli_ = csv_.column({"gpu_milli"});
    qos_ = csv_.column({"qos"});
    created_ = csv_.column({"creation_time"});
    deleted_ = csv_.column({"deletion_time"});
    scheduled_ = csv_.column({"scheduled_time"});
  }

 protected:
  bool read_one(TraceRecord& out) override {
    for (;;) {
      if (!csv_.next_row()) return false;
      out.cpu = static_cast<std::int32_t>(csv_.number_up(cpu_, 1024, 1000, kInt32Max, "a number of milli-CPUs"));
      out.memory_mib = static_cast<std::int32_t>(csv_.number_up(memory_, 1, 1, kInt32Max, "a number of MiB"));
      out.gpus = static_cast<std::int32_t>(csv_.number_up(gpus_, 1, 1, 1024, "a number of GPUs from 0 to 1024"));
      if (gpu_milli_ >= 0 && !csv_.text(gpu_milli_).empty()) {
        const std::int64_t milli = csv_.number_up(gpu_milli_, 1, 1, kInt32Max, "a number of milli-GPUs");
        if (milli > 0 && out.gpus == 0) out.gpus = 1;  // a share of a GPU still takes one
      }
      if (qos_ >= 0 && !csv_.text(qos_).empty()) out.family = std::string(csv_.text(qos_));
      const sim::SimTime created = csv_.seconds(created_, false);
      const sim::SimTime scheduled = csv_.seconds(scheduled_, true);
      const sim::SimTime deleted = csv_.seconds(deleted_, true);
      if (scheduled < 0) {
        ++skipped_;
        continue;
      }
      if (scheduled < created) csv_.fail(scheduled_, "a time no earlier than creation_time");
      if (deleted >= 0 && deleted < scheduled) csv_.fail(deleted_, "a time no earlier than scheduled_time");
      out.submit = created;
      out.recorded_wait = scheduled - created;
      out.runtime = deleted < 0 ? sim::kNever : deleted - scheduled;
      return true;
    }
  }

 private:
  CsvTrace csv_;
  int cpu_, memory_, gpus_, gpu_milli_, qos_, created_, deleted_, scheduled_;
};

class AlibabaDlrm2025 final : public TraceSource {
 public:
  AlibabaDlrm2025(std::istream& in, const std::string& label, const TraceOptions& options)
      : TraceSource(options), csv_(in, label) {
    static const std::vector<std::string_view> kRequired = {"app_name", "cpu_request", "gpu_request", "memory_request",
                                                            "creation_time", "scheduled_time", "deletion_time"};
    constexpr std::string_view kExpected =
        "a header with app_name, cpu_request, gpu_request, memory_request, creation_time, scheduled_time, deletion_time";
    if (!csv_.read_header(kRequired, kExpected)) throw sim::InputError(label, "line 1", std::string(kExpected), "an empty file");
    app_ = csv_.column({"app_name"});
    cpu_ = csv_.column({"cpu_request"});
    gpus_ = csv_.column({"gpu_request"});
    memory_ = csv_.column({"memory_request"});
    created_ = csv_.column({"creation_time"});
    scheduled_ = csv_.column({"scheduled_time"});
    deleted_ = csv_.column({"deletion_time"});
  }

 protected:
  bool read_one(TraceRecord& out) override {
    for (;;) {
      if (!csv_.next_row()) return false;
      out.cpu = static_cast<std::int32_t>(csv_.number_up(cpu_, 1024, 1, kInt32Max, "a number of vCPUs"));
      out.memory_mib = static_cast<std::int32_t>(csv_.number_up(memory_, 1024, 1, kInt32Max, "a number of GiB"));
      out.gpus = static_cast<std::int32_t>(csv_.number_up(gpus_, 1, 1, 1024, "a number of GPUs from 0 to 1024"));
      if (csv_.text(app_).empty()) csv_.fail(app_, "an application name");
      out.family = std::string(csv_.text(app_));
      const sim::SimTime created = csv_.seconds(created_, true);
      const sim::SimTime scheduled = csv_.seconds(scheduled_, true);
      const sim::SimTime deleted = csv_.seconds(deleted_, true);
      if (created >= 0 && scheduled < 0) {
        ++skipped_;  // created in the window, never scheduled in it
        continue;
      }
      if (created >= 0 && scheduled < created) csv_.fail(scheduled_, "a time no earlier than creation_time");
      const sim::SimTime start = scheduled < 0 ? 0 : scheduled;
      if (deleted >= 0 && deleted < start) csv_.fail(deleted_, "a time no earlier than scheduled_time");
      out.submit = created < 0 ? 0 : created;
      out.recorded_wait = created < 0 ? -1 : scheduled - created;
      // Submitted at `submit`, so that a task placed at once runs from its trace start time.
      out.runtime = deleted < 0 ? sim::kNever : deleted - start;
      return true;
    }
  }

 private:
  CsvTrace csv_;
  int app_, cpu_, gpus_, memory_, created_, scheduled_, deleted_;
};

}  // namespace

std::unique_ptr<TraceSource> open_alibaba_gpu_2023(std::istream& in, const std::string& label, const TraceOptions& options) {
  return std::make_unique<AlibabaGpu2023>(in, label, options);
}

std::unique_ptr<TraceSource> open_alibaba_dlrm_2025(std::istream& in, const std::string& label,
                                                    const TraceOptions& options) {
  return std::make_unique<AlibabaDlrm2025>(in, label, options);
}

}  // namespace ecsim::scenarios::trace_detail

namespace ecsim::scenarios {

std::vector<NodeShape> read_alibaba_gpu_2023_nodes(std::istream& in, const std::string& label) {
  trace_detail::CsvTrace csv(in, label);
  constexpr std::string_view kExpected = "a node list header with cpu_milli, memory_mib, gpu";
  if (!csv.read_header({"cpu_milli", "memory_mib", "gpu"}, kExpected)) {
    throw sim::InputError(label, "line 1", std::string(kExpected), "an empty file");
  }
  const int cpu = csv.column({"cpu_milli"});
  const int memory = csv.column({"memory_mib"});
  const int gpus = csv.column({"gpu"});
  const int model = csv.column({"model"});
  std::vector<NodeShape> shapes;
  while (csv.next_row()) {
    NodeShape s;
    // Rounded down: a node offers no partial vCPU.
    const auto v = parse_scaled_number(csv.text(cpu), 1, 1, Rounding::kUp);
    if (!v || *v < 1000 || *v / 1000 > 4096) csv.fail(cpu, "a number of milli-CPUs from 1000 to 4096000");
    s.vcpu = static_cast<std::int32_t>(*v / 1000);
    s.memory_mib = csv.number_up(memory, 1, 1, std::int64_t{1} << 40, "a number of MiB");
    if (s.memory_mib == 0) csv.fail(memory, "a positive number of MiB");
    s.gpus = static_cast<std::int32_t>(csv.number_up(gpus, 1, 1, 1024, "a number of GPUs from 0 to 1024"));
    if (model >= 0) s.model = std::string(csv.text(model));
    bool found = false;
    for (NodeShape& o : shapes) {
      if (o.vcpu == s.vcpu && o.memory_mib == s.memory_mib && o.gpus == s.gpus && o.model == s.model) {
        ++o.count;
        found = true;
        break;
      }
    }
    if (!found) {
      s.count = 1;
      shapes.push_back(std::move(s));
    }
  }
  return shapes;
}

}  // namespace ecsim::scenarios
