// Format `generic`: ecsim's own CSV, and what `ecsim import` writes. Header
// submit,cpu,memoryMiB,runtime then any of gpus, family, group, wait, each at most once:
//  - submit, runtime, wait: seconds in any ordinary notation ("12", "0.25", "1.00062e+06"),
//    rounded half up to a microsecond; an empty runtime runs to the end of the run, an empty
//    wait is none (wait is the trace's own, summary.json compares it with the simulated one);
//  - cpu (CPU units), memoryMiB, gpus: whole numbers, in any notation ("1e3", "1024.0");
//  - family: a name (default "trace"); group: the task group (default "family:" + family).
#include <algorithm>
#include <limits>

#include "scenarios/text_files.h"
#include "scenarios/trace_reader.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios::trace_detail {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::string_view kHeaderExpected =
    "a header submit,cpu,memoryMiB,runtime followed by any of gpus, family, group, wait";

enum Column { kSubmit, kCpu, kMemory, kRuntime, kGpus, kFamily, kGroup, kWait };
constexpr std::string_view kNames[] = {"submit", "cpu", "memoryMiB", "runtime", "gpus", "family", "group", "wait"};
constexpr int kColumns = 8;

class GenericTrace final : public TraceSource {
 public:
  GenericTrace(std::istream& in, const std::string& label, const TraceOptions& options)
      : TraceSource(options), csv_(in, label) {
    if (!csv_.read_header({}, kHeaderExpected)) throw sim::InputError(label, "line 1", std::string(kHeaderExpected), "an empty file");
    const auto& header = csv_.header();
    for (std::size_t k = 0; k < header.size(); ++k) {
      const auto* it = std::find(std::begin(kNames), std::end(kNames), header[k]);
      const int c = static_cast<int>(it - std::begin(kNames));
      const bool ok = c < kColumns && (k >= 4 ? c >= 4 : c == static_cast<int>(k)) &&
                      std::find(columns_.begin(), columns_.end(), c) == columns_.end();
      if (!ok) csv_.fail_row(std::string(kHeaderExpected), csv_.quoted_record());
      columns_.push_back(c);
    }
    if (columns_.size() < 4) csv_.fail_row(std::string(kHeaderExpected), csv_.quoted_record());
  }

 protected:
  bool read_one(TraceRecord& out) override {
    if (!csv_.next_row()) return false;
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      const int i = static_cast<int>(k);
      switch (columns_[k]) {
        case kSubmit: out.submit = csv_.seconds(i, false); break;
        case kCpu: out.cpu = static_cast<std::int32_t>(whole(i, kInt32Max)); break;
        case kMemory: out.memory_mib = static_cast<std::int32_t>(whole(i, kInt32Max)); break;
        case kRuntime: {
          const sim::SimTime r = csv_.seconds(i, true);
          out.runtime = r < 0 ? sim::kNever : r;
          break;
        }
        case kGpus: out.gpus = static_cast<std::int32_t>(whole(i, 1024)); break;
        case kFamily:
          if (csv_.text(i).empty()) csv_.fail(i, "a family name");
          out.family = std::string(csv_.text(i));
          break;
        case kGroup: out.group = std::string(csv_.text(i)); break;
        default: out.recorded_wait = csv_.seconds(i, true); break;
      }
    }
    return true;
  }

 private:
  std::int64_t whole(int k, std::int64_t hi) const {
    const auto v = parse_scaled_number(csv_.text(k), 1, 1, Rounding::kExact);
    if (!v || *v > hi) csv_.fail(k, "an integer from 0 to " + std::to_string(hi));
    return *v;
  }

  CsvTrace csv_;
  std::vector<int> columns_;
};

}  // namespace

std::unique_ptr<TraceSource> open_generic(std::istream& in, const std::string& label, const TraceOptions& options) {
  return std::make_unique<GenericTrace>(in, label, options);
}

}  // namespace ecsim::scenarios::trace_detail
