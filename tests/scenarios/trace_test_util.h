// Test helpers for the trace readers: a whole text read through open_trace.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "scenarios/trace_reader.h"
#include "sim/input_error.h"

namespace ecsim::scenarios::testing {

struct TraceRead {
  std::vector<TraceRecord> records;
  std::int64_t read = 0;
  std::int64_t skipped = 0;
  std::int64_t bad_rows = 0;
  std::string first_bad_row;
  SwfHeader swf;
};

inline TraceRead read_trace(const std::string& format, const std::string& text, const TraceOptions& options = {}) {
  std::istringstream in(text);
  const auto source = open_trace(format, in, "t.csv", options);
  TraceRead out;
  TraceRecord r;
  while (source->next(r)) out.records.push_back(r);
  out.read = source->read();
  out.skipped = source->skipped();
  out.bad_rows = source->bad_rows();
  out.first_bad_row = source->first_bad_row();
  out.swf = source->swf_header();
  return out;
}

inline std::string trace_error(const std::string& format, const std::string& text, const TraceOptions& options = {}) {
  try {
    read_trace(format, text, options);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "<no InputError>";
}

}  // namespace ecsim::scenarios::testing
