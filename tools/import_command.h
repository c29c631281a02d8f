// `ecsim import FORMAT FILE [-o OUT.csv] [--skip-bad-rows] [format options]`: reads a trace in
// any format (scenarios/trace_reader.h) and writes it as `generic` CSV, the format a scenario's
// trace entry replays as it is, with the trace's own waits kept in its `wait` column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/atomic_file.h"
#include "scenarios/trace_reader.h"

namespace ecsim::tools {

// The generic CSV header `ecsim import` writes.
constexpr std::string_view kGenericTraceHeader = "submit,cpu,memoryMiB,runtime,gpus,family,group,wait";

// One record as a generic CSV row (with its '\n'): times in exact seconds, an empty runtime for
// one that runs to the end, an empty wait for none, the group written out ("family:" + family
// when the record has none).
void write_generic_row(reports::BufferedWriter& out, const scenarios::TraceRecord& r);

int cmd_import(const std::vector<std::string>& args);
// The options part of `ecsim help import`.
std::string_view import_options_help();

}  // namespace ecsim::tools
