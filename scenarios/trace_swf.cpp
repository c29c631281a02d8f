// Format `swf`: the Standard Workload Format of the Parallel Workloads Archive. One job per
// line, 18 whitespace-separated fields, -1 for unknown; lines starting with ';' are header
// comments ("; MaxProcs: 128"), of which MaxProcs, MaxNodes, UnixStartTime and TimeZoneString
// are kept (TraceSource::swf_header). The fields used, numbered as the format defines them:
//   2 submit time (s), 3 wait time (s): the trace's own wait, 4 run time (s),
//   5 allocated processors, 7 used memory (KB per processor), 8 requested processors,
//   10 requested memory (KB per processor), 12 user id.
// A job is one task: cpu = 1024 × processors (field 5, else field 8); memory = used memory ×
// processors (field 7), else requested memory × processors (field 10), else
// defaultMemoryMiB × processors; KB are read as KiB (1024 bytes, as ECS reads "KB") and the
// total rounded up to a whole MiB. Jobs with an unknown submit time, a run time ≤ 0 or no
// processor count are skipped and counted (they never ran). Family "swf"; group "user:" + field
// 12 when known, else the family's.
#include <limits>

#include "scenarios/trace_reader.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios::trace_detail {
namespace {

__extension__ typedef __int128 Wide;  // -Wpedantic: GCC's 128-bit integer

constexpr std::int64_t kKibPerMib = 1024;
constexpr std::int64_t kMaxProcessors = std::numeric_limits<std::int32_t>::max() / 1024;
constexpr int kFields = 18;

constexpr std::string_view kFieldNames[kFields] = {
    "job number",        "submit time",        "wait time",           "run time",     "allocated processors",
    "average cpu time",  "used memory",        "requested processors", "requested time", "requested memory",
    "status",            "user id",            "group id",            "executable",   "queue",
    "partition",         "preceding job",      "think time"};

class SwfTrace final : public TraceSource {
 public:
  SwfTrace(std::istream& in, const std::string& label, const TraceOptions& options)
      : TraceSource(options), in_(in), label_(label) {
    // The header comments come first: read them now, so that swf_header() is known before the
    // first record.
    while (std::getline(in_, line_)) {
      ++line_no_;
      const std::size_t first = line_.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      if (line_[first] != ';') {
        pending_ = true;
        break;
      }
      header_comment(std::string_view(line_).substr(first + 1));
    }
  }

 protected:
  bool read_one(TraceRecord& out) override {
    for (;;) {
      if (!pending_) {
        if (!std::getline(in_, line_)) return false;
        ++line_no_;
      }
      pending_ = false;
      const std::size_t first = line_.find_first_not_of(" \t\r");
      if (first == std::string::npos || line_[first] == ';') continue;
      split();
      if (count_ != kFields) {
        throw sim::InputError(label_, "line " + std::to_string(line_no_), "18 fields (Standard Workload Format)",
                              std::to_string(count_) + " fields");
      }
      const sim::SimTime submit = seconds(1);
      const sim::SimTime wait = seconds(2);
      const sim::SimTime runtime = seconds(3);
      std::int64_t procs = integer(4);
      if (procs <= 0) procs = integer(7);
      const std::int64_t used_kib = integer(6);
      const std::int64_t requested_kib = integer(9);
      const std::int64_t user = integer(11);
      if (submit < 0 || runtime <= 0 || procs <= 0) {
        ++skipped_;
        continue;
      }
      if (procs > kMaxProcessors) fail(procs == integer(4) ? 4 : 7, "at most " + std::to_string(kMaxProcessors) + " processors");
      const std::int64_t per_proc_kib = used_kib > 0 ? used_kib : requested_kib > 0 ? requested_kib : -1;
      std::int64_t memory_mib = 0;
      if (per_proc_kib > 0) {
        const Wide total = static_cast<Wide>(per_proc_kib) * procs;
        const Wide mib = (total + kKibPerMib - 1) / kKibPerMib;
        if (mib > std::numeric_limits<std::int32_t>::max()) fail(used_kib > 0 ? 6 : 9, "a memory below 2^31 MiB in all");
        memory_mib = static_cast<std::int64_t>(mib);
      } else {
        if (options_.default_memory_mib <= 0) {
          throw sim::InputError(label_, "line " + std::to_string(line_no_),
                                "a used (field 7) or requested (field 10) memory, or a trace defaultMemoryMiB",
                                "neither");
        }
        memory_mib = options_.default_memory_mib * procs;
        if (memory_mib > std::numeric_limits<std::int32_t>::max()) fail(4, "a memory below 2^31 MiB in all");
      }
      out.submit = submit;
      out.runtime = runtime;
      out.cpu = static_cast<std::int32_t>(procs * 1024);
      out.memory_mib = static_cast<std::int32_t>(memory_mib);
      out.family = "swf";
      if (user >= 0) out.group = "user:" + std::to_string(user);
      out.recorded_wait = wait;
      return true;
    }
  }

 private:
  void header_comment(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view key = trim_view(text.substr(0, colon));
    const std::string_view value = trim_view(text.substr(colon + 1));
    auto number = [&]() -> std::int64_t {
      const auto v = parse_scaled_number(value, 1, 1, Rounding::kExact);
      return v ? *v : -1;
    };
    if (key == "MaxProcs") swf_header_.max_procs = number();
    if (key == "MaxNodes") swf_header_.max_nodes = number();
    if (key == "UnixStartTime") swf_header_.unix_start_time = number();
    if (key == "TimeZoneString") swf_header_.time_zone = std::string(value);
  }

  static std::string_view trim_view(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  }

  void split() {
    count_ = 0;
    std::size_t pos = 0;
    while (pos < line_.size()) {
      while (pos < line_.size() && (line_[pos] == ' ' || line_[pos] == '\t' || line_[pos] == '\r')) ++pos;
      if (pos >= line_.size()) break;
      const std::size_t end = line_.find_first_of(" \t\r", pos);
      const std::size_t stop = end == std::string::npos ? line_.size() : end;
      if (count_ < kFields) {
        field_[count_] = std::string_view(line_).substr(pos, stop - pos);
        start_[count_] = pos + 1;
      }
      ++count_;
      pos = stop;
    }
  }

  [[noreturn]] void fail(int k, const std::string& expected) const {
    throw sim::InputError(label_, "line " + std::to_string(line_no_),
                          expected + " in field " + std::to_string(k + 1) + " (" + std::string(kFieldNames[k]) + ")",
                          sim::quote_for_message(field_[k]), start_[k]);
  }

  // -1 (or any negative number) for unknown; a non-negative number otherwise.
  bool negative(int k) const { return !field_[k].empty() && field_[k][0] == '-'; }
  std::int64_t integer(int k) const {
    const std::string_view f = negative(k) ? field_[k].substr(1) : field_[k];
    const auto v = parse_scaled_number(f, 1, 1, Rounding::kHalfUp);
    if (!v) fail(k, "a number (-1 for unknown)");
    return negative(k) ? -1 : *v;
  }
  sim::SimTime seconds(int k) const {
    const std::string_view f = negative(k) ? field_[k].substr(1) : field_[k];
    const auto v = parse_seconds_number(f);
    if (!v) fail(k, "a number of seconds (-1 for unknown)");
    return negative(k) ? -1 : *v;
  }

  std::istream& in_;
  std::string label_;
  std::string line_;
  std::size_t line_no_ = 0;
  bool pending_ = false;
  std::string_view field_[kFields];
  std::size_t start_[kFields] = {};
  int count_ = 0;
};

}  // namespace

std::unique_ptr<TraceSource> open_swf(std::istream& in, const std::string& label, const TraceOptions& options) {
  return std::make_unique<SwfTrace>(in, label, options);
}

}  // namespace ecsim::scenarios::trace_detail
