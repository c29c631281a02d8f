// Reading workload traces: each format's reader (scenarios/trace_*.cpp) is a TraceSource that
// streams records, in ECS units, from an istream a line at a time, so a trace of any size is
// read without holding its text. The scenario loader (a trace entry of "traces") and
// `ecsim import` (any format to `generic` CSV) both read through open_trace().
//
// Mapping to ECS units (README "Traces" has the table users see):
//  - cpu: CPU units, 1024 per vCPU; memory: MiB; gpus: whole GPUs (ECS has no fractional GPU).
//    Fractions of a unit are rounded up: a task never reserves less than its trace asked for.
//  - times: microseconds (sim::SimTime) on the trace's own clock; the loader makes them
//    relative to the first record unless absoluteTime.
//  - runtime sim::kNever: the task runs to the end of the run (it outlived the trace's window).
//  - recorded_wait: the trace's own wait from submission to start, kept to be compared with the
//    simulated one (summary.json trace.files[].traceWait); -1 when the trace has none.
//
// Rows: a malformed row throws InputError naming the file, the line and the character column
// (`trace.csv: line 3: column 5: expected ..., got "x"`). With skip_bad_rows the source counts
// it (bad_rows()) and reads on. Records a format's rules leave out (an SWF job that never ran, a
// pod never scheduled) are counted in skipped() and are not errors.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/csv_reader.h"
#include "sim/time.h"

namespace ecsim::scenarios {

struct TraceRecord {
  sim::SimTime submit = 0;
  sim::SimTime runtime = 0;  // sim::kNever: to the end of the run
  std::int32_t cpu = 0;      // CPU units
  std::int32_t memory_mib = 0;
  std::int32_t gpus = 0;
  std::string family = "trace";
  std::string group;  // empty: "family:" + family
  sim::SimTime recorded_wait = -1;
};

struct TraceOptions {
  bool skip_bad_rows = false;
  // swf: memory per processor when a job gives neither used (field 7) nor requested (field 10)
  // memory; 0 refuses such a job as a bad row.
  std::int64_t default_memory_mib = 2048;
  // google-2019: the largest machine, which the trace's normalized requests are fractions of.
  std::int64_t machine_cpus = 96;
  std::int64_t machine_memory_mib = 393216;
};

// The `;` header comments of an SWF log that size or place it; -1 / empty when absent.
struct SwfHeader {
  std::int64_t max_procs = -1;
  std::int64_t max_nodes = -1;
  std::int64_t unix_start_time = -1;
  std::string time_zone;  // TimeZoneString
};

class TraceSource {
 public:
  explicit TraceSource(const TraceOptions& options) : options_(options) {}
  virtual ~TraceSource() = default;
  TraceSource(const TraceSource&) = delete;
  TraceSource& operator=(const TraceSource&) = delete;

  // The next record; false at the end. Throws InputError for a malformed row unless the options
  // skip bad rows.
  bool next(TraceRecord& out);

  std::int64_t read() const { return read_; }          // records produced
  std::int64_t skipped() const { return skipped_; }    // left out by the format's rules
  std::int64_t bad_rows() const { return bad_rows_; }  // malformed, skipped (skip_bad_rows)
  const std::string& first_bad_row() const { return first_bad_row_; }  // its message
  const SwfHeader& swf_header() const { return swf_header_; }

 protected:
  // The next record, or false at the end; throws InputError for a malformed row. Increments
  // skipped_ for records the format leaves out.
  virtual bool read_one(TraceRecord& out) = 0;

  TraceOptions options_;
  std::int64_t skipped_ = 0;
  SwfHeader swf_header_;

 private:
  std::int64_t read_ = 0;
  std::int64_t bad_rows_ = 0;
  std::string first_bad_row_;
};

// The record formats, sorted: alibaba-dlrm-2025, alibaba-gpu-2023, generic, google-2019, swf.
const std::vector<std::string>& trace_formats();

// REQUIRES: `format` is one of trace_formats(); `in` outlives the source. Reads the header (if
// the format has one) at once: throws InputError for a bad one, whatever the options.
std::unique_ptr<TraceSource> open_trace(std::string_view format, std::istream& in, const std::string& label,
                                        const TraceOptions& options);

// One shape of node of a node list (alibaba-gpu-2023-nodes), and how many nodes have it.
struct NodeShape {
  std::int32_t vcpu = 0;  // cpu_milli / 1000, rounded down (a node offers no partial vCPU)
  std::int64_t memory_mib = 0;
  std::int32_t gpus = 0;
  std::string model;  // GPU model, empty for a CPU-only node
  std::int32_t count = 0;
};

// The Alibaba cluster-trace-gpu-v2023 node list (header sn,cpu_milli,memory_mib,gpu,model)
// grouped by identical shape, in the order each shape first appears.
std::vector<NodeShape> read_alibaba_gpu_2023_nodes(std::istream& in, const std::string& label);

// --- for the readers (scenarios/trace_*.cpp) ---
namespace trace_detail {

// A CSV trace with a header naming its columns: columns are found by name, in any order; the
// helpers below throw row errors naming the line, the character column and the field.
class CsvTrace {
 public:
  CsvTrace(std::istream& in, const std::string& label);

  // Reads the header; throws when one of `required` is missing. Returns false for an empty file.
  bool read_header(const std::vector<std::string_view>& required, std::string_view expected);
  // The index of the column named `name` (or of one of its aliases); -1 when absent.
  int column(std::initializer_list<std::string_view> names) const;

  // The next data row (blank lines skipped); false at the end. Throws when it has not as many
  // fields as the header.
  bool next_row();
  // Trimmed field text.
  std::string_view text(int k) const;
  [[noreturn]] void fail(int k, const std::string& expected) const;
  [[noreturn]] void fail_row(const std::string& expected, const std::string& got) const;
  // A non-negative number × num / den rounded up to an integer at most `hi`.
  std::int64_t number_up(int k, std::int64_t num, std::int64_t den, std::int64_t hi, const char* expected) const;
  // Seconds (any notation) to µs; -1 when the field is empty and `optional`.
  sim::SimTime seconds(int k, bool optional) const;
  const std::string& label() const { return csv_.label(); }
  std::size_t line() const { return csv_.line(); }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t size() const { return csv_.size(); }
  // The current record as one line, in quotes, for messages.
  std::string quoted_record() const { return sim::quote_for_message(csv_.joined()); }

 private:
  sim::CsvReader csv_;
  std::vector<std::string> header_;
};

std::unique_ptr<TraceSource> open_generic(std::istream& in, const std::string& label, const TraceOptions& options);
std::unique_ptr<TraceSource> open_swf(std::istream& in, const std::string& label, const TraceOptions& options);
std::unique_ptr<TraceSource> open_alibaba_gpu_2023(std::istream& in, const std::string& label, const TraceOptions& options);
std::unique_ptr<TraceSource> open_alibaba_dlrm_2025(std::istream& in, const std::string& label,
                                                    const TraceOptions& options);
std::unique_ptr<TraceSource> open_google_2019(std::istream& in, const std::string& label, const TraceOptions& options);

}  // namespace trace_detail
}  // namespace ecsim::scenarios
