#include "scenarios/traces.h"

#include "scenarios/scenario_keys.h"

#include <algorithm>
#include <limits>

#include "scenarios/loader.h"
#include "scenarios/trace_reader.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

std::uint32_t intern(std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::uint32_t>(it - names.begin());
  names.push_back(name);
  return static_cast<std::uint32_t>(names.size() - 1);
}

void load_trace(LoadContext& ctx, const JsonCursor& t) {
  sim::Scenario& s = ctx.scenario;
  t.expect_object("a trace object");
  const std::vector<std::string>& formats = trace_formats();
  const std::string format = formats[choose(t["format"], "trace format", formats)];
  if (format == "swf") {
    t.check_keys(keys::kSwfTrace);
  } else if (format == "google-2019") {
    t.check_keys(keys::kGoogleTrace);
  } else if (format == "alibaba-gpu-2023") {
    t.check_keys(keys::kAlibabaGpuTrace);
  } else if (format == "alibaba-dlrm-2025") {
    t.check_keys(keys::kAlibabaDlrmTrace);
  } else {
    t.check_keys(keys::kGenericTrace);
  }

  sim::Trace out;
  out.format = format;
  out.file = t["file"].get_name("a trace file path relative to the scenario");
  // Outputs name a task's source by its name alone (tasks.csv `source`): a trace's is its file.
  const bool taken = ctx.trace_files.contains(out.file) || ctx.jobs.contains(out.file) || ctx.services.contains(out.file);
  if (taken) t["file"].fail("a trace file no other trace replays and no job or service is named after");
  if (t.has("placementStrategy")) out.strategy = parse_strategy_list(t["placementStrategy"]);
  if (t.has("onPlacementFailure")) {
    out.on_failure = choose(t["onPlacementFailure"], "onPlacementFailure", {"fail", "wait"}) == 0
                         ? sim::OnPlacementFailure::kFail
                         : sim::OnPlacementFailure::kWait;
  }
  const bool absolute = t.has("absoluteTime") && t["absoluteTime"].get_bool();
  const std::int64_t limit = t.has("limit") ? t["limit"].get_int(0, kInt64Max, "a record limit of at least 0") : -1;
  TraceOptions options;
  if (t.has("skipBadRows")) options.skip_bad_rows = t["skipBadRows"].get_bool();
  if (t.has("defaultMemoryMiB")) {
    options.default_memory_mib = t["defaultMemoryMiB"].get_int(0, kInt32Max, "a memory per processor in MiB (0: none)");
  }
  if (t.has("machineCpus")) options.machine_cpus = t["machineCpus"].get_int(1, 4096, "a number of vCPUs from 1 to 4096");
  if (t.has("machineMemoryMiB")) {
    options.machine_memory_mib = t["machineMemoryMiB"].get_int(1, kInt32Max, "a memory in MiB from 1 to 2147483647");
  }

  std::ifstream in = ctx.open_referenced(t["file"]);
  const std::string label = ctx.referenced_label(t["file"]);
  const std::unique_ptr<TraceSource> source = open_trace(format, in, label, options);
  struct Row {
    sim::SimTime submit;
    sim::TraceTask task;
    sim::SimTime recorded_wait;
  };
  std::vector<Row> rows;
  bool any_wait = false;
  TraceRecord rec;
  while ((limit < 0 || static_cast<std::int64_t>(rows.size()) < limit) && source->next(rec)) {
    Row row{};
    row.submit = rec.submit;
    // A runtime beyond the longest run (100 years) runs to the end: it could not end within one,
    // and a start time plus it might not fit the clock.
    row.task.runtime = rec.runtime > kMaxDuration ? sim::kNever : rec.runtime;
    row.task.need.cpu = rec.cpu;
    row.task.need.memory_mib = rec.memory_mib;
    row.task.need.gpus = rec.gpus;
    row.task.family = intern(out.families, rec.family);
    row.task.group = intern(out.groups, rec.group.empty() ? "family:" + rec.family : rec.group);
    row.recorded_wait = rec.recorded_wait;
    any_wait = any_wait || rec.recorded_wait >= 0;
    rows.push_back(row);
  }
  if (in.bad()) t["file"].fail("a readable file", quote(out.file) + " (a read error)");
  out.records_read = static_cast<std::int64_t>(rows.size());
  out.records_skipped = source->skipped() + source->bad_rows();
  // Times are relative to the earliest record unless absoluteTime: the first record of a
  // sorted trace, and never a negative time for an unsorted one.
  sim::SimTime origin = 0;
  if (!absolute && !rows.empty()) {
    origin = std::min_element(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.submit < b.submit; })->submit;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.submit < b.submit; });
  out.tasks.reserve(rows.size());
  for (auto& row : rows) {
    row.task.submit = row.submit - origin;
    out.tasks.push_back(row.task);
    if (any_wait) out.recorded_waits.push_back(row.recorded_wait);
  }
  ctx.trace_files.add(out.file);
  s.traces.push_back(std::move(out));
}

}  // namespace

void load_traces(LoadContext& ctx, const JsonCursor& list) {
  list.expect_array("an array of traces");
  for (std::size_t i = 0; i < list.size(); ++i) load_trace(ctx, list.at(i));
}

}  // namespace ecsim::scenarios
