// Format `google-2019`: the instance_events table of Google's cluster-data 2019 (Borg, "Google
// cluster-usage traces v3"), as CSV with a header, e.g. exported from BigQuery with the nested
// request flattened. Columns by name: time (µs since the trace start), type (the EventType
// number or name: SUBMIT 0, QUEUE 1, ENABLE 2, SCHEDULE 3, EVICT 4, FAIL 5, FINISH 6, KILL 7,
// LOST 8, UPDATE_PENDING 9, UPDATE_RUNNING 10), collection_id, instance_index, and the request
// as resource_request.cpus and resource_request.memory (or resource_request_cpus / cpus, and
// resource_request_memory / memory); collection_type (1: an alloc set) and priority are read
// when present.
//
// A task is one run of one instance (collection_id, instance_index): submitted at its SUBMIT,
// started at its SCHEDULE, ended by its EVICT, FAIL, FINISH, KILL or LOST; runtime = end −
// SCHEDULE, the trace's wait = SCHEDULE − SUBMIT. An instance submitted again after it ended
// (Borg resubmits evicted and failed tasks) is a new task. The request is the last one given by
// SCHEDULE (SUBMIT, UPDATE_PENDING). Requests are normalized to the largest machine: cpu =
// cpus × machineCpus × 1024 and memory = memory × machineMemoryMiB, rounded up (defaults 96 vCPU
// and 393,216 MiB, an m5.24xlarge). A time of 2^63 − 1 (after the trace's end) is ignored.
// Skipped and counted: instances of alloc sets, instances that end before they are scheduled,
// and those still waiting at the end of the file; one still running at the end of the file runs
// to the end of the run. Records come out when their task ends (or at the end of the file), so
// not in submit order: the loader holds them sorted. Family "google", or "priority-N" with a priority
// column.
#include <limits>
#include <unordered_map>

#include "scenarios/trace_reader.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios::trace_detail {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::string_view kTypeNames[] = {"SUBMIT", "QUEUE",  "ENABLE", "SCHEDULE", "EVICT",          "FAIL",
                                           "FINISH", "KILL",   "LOST",   "UPDATE_PENDING", "UPDATE_RUNNING"};
enum Type { kSubmit = 0, kQueue, kEnable, kSchedule, kEvict, kFail, kFinish, kKill, kLost, kUpdatePending, kUpdateRunning };

struct Key {
  std::string collection;
  std::int64_t index;
  bool operator==(const Key& o) const { return index == o.index && collection == o.collection; }
};
struct KeyHash {
  std::size_t operator()(const Key& k) const { return std::hash<std::string>()(k.collection) * 31 + static_cast<std::size_t>(k.index); }
};

struct Open {
  sim::SimTime submitted = 0;
  sim::SimTime scheduled = -1;
  std::int32_t cpu = 0;
  std::int32_t memory_mib = 0;
  std::string family;
  std::uint64_t order = 0;  // file order of the SUBMIT, for a deterministic end-of-file flush
};

class Google2019 final : public TraceSource {
 public:
  Google2019(std::istream& in, const std::string& label, const TraceOptions& options)
      : TraceSource(options), csv_(in, label) {
    constexpr std::string_view kExpected = "an instance_events header with time, type, collection_id, instance_index";
    if (!csv_.read_header({"time", "type", "collection_id", "instance_index"}, kExpected)) {
      throw sim::InputError(label, "line 1", std::string(kExpected), "an empty file");
    }
    time_ = csv_.column({"time"});
    type_ = csv_.column({"type"});
    collection_ = csv_.column({"collection_id"});
    index_ = csv_.column({"instance_index"});
    cpus_ = csv_.column({"resource_request.cpus", "resource_request_cpus", "cpus"});
    memory_ = csv_.column({"resource_request.memory", "resource_request_memory", "memory"});
    collection_type_ = csv_.column({"collection_type"});
    priority_ = csv_.column({"priority"});
  }

 protected:
  bool read_one(TraceRecord& out) override {
    while (!at_end_) {
      if (!csv_.next_row()) {
        at_end_ = true;
        break;
      }
      if (event(out)) return true;
    }
    return flush(out);
  }

 private:
  // Applies one event; true when it ended a task, which is then in `out`.
  bool event(TraceRecord& out) {
    const std::string_view time_text = csv_.text(time_);
    if (time_text == "9223372036854775807") return false;  // after the trace's end
    const auto time = parse_scaled_number(time_text, 1, 1, Rounding::kExact);
    if (!time) csv_.fail(time_, "a time in microseconds");
    const int type = event_type();
    if (collection_type_ >= 0 && csv_.text(collection_type_) == "1") {
      if (type == kSubmit) ++skipped_;  // an alloc set's instance reserves, it does not run
      return false;
    }
    if (csv_.text(collection_).empty()) csv_.fail(collection_, "a collection id");
    const auto index = parse_scaled_number(csv_.text(index_), 1, 1, Rounding::kExact);
    if (!index) csv_.fail(index_, "an instance index (at least 0)");
    Key key{std::string(csv_.text(collection_)), *index};
    auto it = open_.find(key);
    switch (type) {
      case kSubmit:
        if (it == open_.end()) {
          Open o;
          o.submitted = *time;
          o.order = order_++;
          o.family = "google";
          if (priority_ >= 0 && !csv_.text(priority_).empty()) o.family = "priority-" + std::string(csv_.text(priority_));
          it = open_.emplace(std::move(key), std::move(o)).first;
        }
        request(it->second);
        return false;
      case kUpdatePending:
        if (it != open_.end() && it->second.scheduled < 0) request(it->second);
        return false;
      case kSchedule:
        if (it != open_.end() && it->second.scheduled < 0) {
          request(it->second);
          it->second.scheduled = *time;
        }
        return false;
      case kEvict:
      case kFail:
      case kFinish:
      case kKill:
      case kLost: {
        if (it == open_.end()) return false;  // began before the file: nothing to replay
        const Open o = std::move(it->second);
        open_.erase(it);
        if (o.scheduled < 0) {
          ++skipped_;  // ended while waiting
          return false;
        }
        fill(out, o, *time - o.scheduled);
        return true;
      }
      default: return false;  // QUEUE, ENABLE, UPDATE_RUNNING
    }
  }

  int event_type() const {
    const std::string_view t = csv_.text(type_);
    for (int k = 0; k < 11; ++k) {
      if (t == kTypeNames[k]) return k;
    }
    const auto v = parse_scaled_number(t, 1, 1, Rounding::kExact);
    if (!v || *v > 10) csv_.fail(type_, "an event type (0 to 10, or SUBMIT ... UPDATE_RUNNING)");
    return static_cast<int>(*v);
  }

  void request(Open& o) const {
    if (cpus_ >= 0 && !csv_.text(cpus_).empty()) {
      o.cpu = static_cast<std::int32_t>(csv_.number_up(cpus_, options_.machine_cpus * 1024, 1, kInt32Max,
                                                       "a normalized CPU request (a fraction of the largest machine)"));
    }
    if (memory_ >= 0 && !csv_.text(memory_).empty()) {
      o.memory_mib = static_cast<std::int32_t>(csv_.number_up(memory_, options_.machine_memory_mib, 1, kInt32Max,
                                                              "a normalized memory request (a fraction of the largest machine)"));
    }
  }

  static void fill(TraceRecord& out, const Open& o, sim::SimTime runtime) {
    out.submit = o.submitted;
    out.runtime = runtime;
    out.cpu = o.cpu;
    out.memory_mib = o.memory_mib;
    out.family = o.family;
    out.recorded_wait = o.scheduled - o.submitted;
  }

  // At the end of the file: running instances run to the end of the run, in SUBMIT order;
  // waiting ones are skipped.
  bool flush(TraceRecord& out) {
    if (!flushing_) {
      flushing_ = true;
      for (auto& [key, o] : open_) {
        if (o.scheduled < 0) {
          ++skipped_;
        } else {
          left_.push_back(std::move(o));
        }
      }
      open_.clear();
      std::sort(left_.begin(), left_.end(), [](const Open& a, const Open& b) { return a.order > b.order; });
    }
    if (left_.empty()) return false;
    fill(out, left_.back(), sim::kNever);
    left_.pop_back();
    return true;
  }

  CsvTrace csv_;
  int time_, type_, collection_, index_, cpus_, memory_, collection_type_, priority_;
  std::unordered_map<Key, Open, KeyHash> open_;
  std::vector<Open> left_;
  std::uint64_t order_ = 0;
  bool at_end_ = false;
  bool flushing_ = false;
};

}  // namespace

std::unique_ptr<TraceSource> open_google_2019(std::istream& in, const std::string& label, const TraceOptions& options) {
  return std::make_unique<Google2019>(in, label, options);
}

}  // namespace ecsim::scenarios::trace_detail
