#include "scenarios/trace_reader.h"

#include <algorithm>

#include "scenarios/text_files.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {

bool TraceSource::next(TraceRecord& out) {
  for (;;) {
    try {
      out = TraceRecord{};
      if (!read_one(out)) return false;
      ++read_;
      return true;
    } catch (const sim::InputError& e) {
      if (!options_.skip_bad_rows) throw;
      if (bad_rows_++ == 0) first_bad_row_ = e.what();
    }
  }
}

const std::vector<std::string>& trace_formats() {
  static const std::vector<std::string> kFormats = {"alibaba-dlrm-2025", "alibaba-gpu-2023", "generic", "google-2019",
                                                    "swf"};
  return kFormats;
}

std::unique_ptr<TraceSource> open_trace(std::string_view format, std::istream& in, const std::string& label,
                                        const TraceOptions& options) {
  using namespace trace_detail;
  if (format == "alibaba-dlrm-2025") return open_alibaba_dlrm_2025(in, label, options);
  if (format == "alibaba-gpu-2023") return open_alibaba_gpu_2023(in, label, options);
  if (format == "google-2019") return open_google_2019(in, label, options);
  if (format == "swf") return open_swf(in, label, options);
  return open_generic(in, label, options);
}

namespace trace_detail {

CsvTrace::CsvTrace(std::istream& in, const std::string& label) : csv_(in, label, {.comment = 0, .skip_blank = true}) {}

bool CsvTrace::read_header(const std::vector<std::string_view>& required, std::string_view expected) {
  if (!csv_.next()) return false;
  header_.clear();
  for (std::size_t k = 0; k < csv_.size(); ++k) header_.emplace_back(trim(csv_.field(k)));
  for (const std::string_view name : required) {
    if (std::find(header_.begin(), header_.end(), name) == header_.end()) {
      throw sim::InputError(label(), "line " + std::to_string(csv_.line()), std::string(expected),
                            sim::quote_for_message(csv_.joined()));
    }
  }
  return true;
}

int CsvTrace::column(std::initializer_list<std::string_view> names) const {
  for (const std::string_view name : names) {
    const auto it = std::find(header_.begin(), header_.end(), name);
    if (it != header_.end()) return static_cast<int>(it - header_.begin());
  }
  return -1;
}

bool CsvTrace::next_row() {
  if (!csv_.next()) return false;
  if (csv_.size() != header_.size()) {
    fail_row(std::to_string(header_.size()) + " fields, as in the header", std::to_string(csv_.size()) + " fields");
  }
  return true;
}

std::string_view CsvTrace::text(int k) const { return trim(csv_.field(static_cast<std::size_t>(k))); }

void CsvTrace::fail(int k, const std::string& expected) const {
  const auto i = static_cast<std::size_t>(k);
  throw sim::InputError(label(), "line " + std::to_string(csv_.line()), expected + " in field " + header_[i],
                        sim::quote_for_message(csv_.field(i)), csv_.column(i));
}

void CsvTrace::fail_row(const std::string& expected, const std::string& got) const {
  throw sim::InputError(label(), "line " + std::to_string(csv_.line()), expected, got);
}

std::int64_t CsvTrace::number_up(int k, std::int64_t num, std::int64_t den, std::int64_t hi, const char* expected) const {
  const auto v = parse_scaled_number(text(k), num, den, Rounding::kUp);
  if (!v || *v > hi) fail(k, expected);
  return *v;
}

sim::SimTime CsvTrace::seconds(int k, bool optional) const {
  const std::string_view t = text(k);
  if (optional && t.empty()) return -1;
  const auto v = parse_seconds_number(t);
  if (!v) fail(k, optional ? "a number of seconds (at least 0) or nothing" : "a number of seconds (at least 0)");
  return *v;
}

}  // namespace trace_detail
}  // namespace ecsim::scenarios
