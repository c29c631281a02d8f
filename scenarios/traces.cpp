#include "scenarios/traces.h"

#include "scenarios/scenario_keys.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <unordered_map>

#include "scenarios/loader.h"
#include "scenarios/text_files.h"
#include "scenarios/trace_reader.h"
#include "scenarios/trace_sort.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// Names (families, task groups) to indices in the order they first appear in the file.
class Interner {
 public:
  std::uint32_t intern(std::vector<std::string>& names, const std::string& name) {
    const auto [it, added] = index_.try_emplace(name, static_cast<std::uint32_t>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  }
  // -1 when `name` was never interned.
  std::int64_t find(const std::string& name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? -1 : it->second;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> index_;
};

std::string group_name(const TraceRecord& rec) { return rec.group.empty() ? "family:" + rec.family : rec.group; }

// The task of a record, its submit time still on the trace's clock.
sim::TraceTask to_task(const TraceRecord& rec) {
  sim::TraceTask task;
  task.submit = rec.submit;
  // A runtime beyond the longest run (100 years) runs to the end: it could not end within one,
  // and a start time plus it might not fit the clock.
  task.runtime = rec.runtime > kMaxDuration ? sim::kNever : rec.runtime;
  task.need.cpu = rec.cpu;
  task.need.memory_mib = rec.memory_mib;
  task.need.gpus = rec.gpus;
  return task;
}

// The figures of sim::Trace over its records in submit order (`task.submit` relative).
void add_figures(sim::Trace& out, const sim::TraceTask& task, bool first) {
  if (first) out.first_submit = task.submit;
  out.last_submit = task.submit;
  const double r = sim::to_seconds(task.runtime);
  out.runtime_seconds += r;
  out.cpu_unit_seconds += r * task.need.cpu;
  out.memory_mib_seconds += r * task.need.memory_mib;
}

// Gathers sim::Trace::needs, one record at a time, in memory bounded by kMaxTraceNeeds.
class NeedCounter {
 public:
  void add(const sim::Resources& need) {
    if (overflow_) return;
    const Key key{need.cpu, need.memory_mib, need.gpus};
    const auto [it, added] = index_.try_emplace(key, needs_.size());
    if (added) {
      if (needs_.size() == sim::Trace::kMaxTraceNeeds) {
        overflow_ = true;
        needs_ = {};
        index_ = {};
        return;
      }
      needs_.emplace_back(need, 0);
    }
    ++needs_[it->second].second;
  }
  void fill(sim::Trace& out) {
    out.needs_known = !overflow_;
    out.needs = std::move(needs_);
  }

 private:
  struct Key {
    std::int32_t cpu, memory_mib, gpus;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.cpu)) << 32) ^
                                        static_cast<std::uint32_t>(k.memory_mib) ^
                                        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.gpus)) << 48));
    }
  };
  std::unordered_map<Key, std::size_t, KeyHash> index_;
  std::vector<std::pair<sim::Resources, std::int64_t>> needs_;
  bool overflow_ = false;
};

// What a replay of a trace file needs: where it is, how to read it, and what the loader's pass
// found (to read the same records and to notice a file changed since).
struct TraceFileSpec {
  std::string path;  // absolute: a run may start after the working directory changed
  std::string label;
  std::string format;
  TraceOptions options;
  std::int64_t records = 0;  // what the loader read, `limit` applied
  sim::SimTime origin = 0;   // subtracted from the trace's times
  Interner families;
  Interner groups;
};

// Large reads: a trace is read from start to end.
constexpr std::size_t kReadBuffer = std::size_t{1} << 16;

bool open_buffered(const std::string& path, std::ifstream& in, std::vector<char>& buffer, std::string& why) {
  buffer.resize(kReadBuffer);
  in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  return open_text_file(path, in, why);
}

class FileTraceReader final : public sim::TraceReader {
 public:
  explicit FileTraceReader(std::shared_ptr<const TraceFileSpec> spec) : spec_(std::move(spec)) {
    std::string why;
    if (!open_buffered(spec_->path, in_, buffer_, why)) changed(why);
    source_ = open_trace(spec_->format, in_, spec_->label, spec_->options);
  }

  bool next(sim::TraceTask& task, sim::SimTime& recorded_wait) override {
    if (read_ == spec_->records) return false;
    if (!source_->next(rec_)) {
      if (in_.bad()) changed("a read error");
      changed(std::to_string(read_) + " records, not the " + std::to_string(spec_->records) + " read at the load");
    }
    task = to_task(rec_);
    task.submit -= spec_->origin;
    const std::int64_t family = spec_->families.find(rec_.family);
    const std::int64_t group = spec_->groups.find(group_name(rec_));
    if (family < 0 || group < 0 || (read_ > 0 && task.submit < last_)) {
      changed("record " + std::to_string(read_ + 1) + " unlike the one read at the load");
    }
    task.family = static_cast<std::uint32_t>(family);
    task.group = static_cast<std::uint32_t>(group);
    recorded_wait = rec_.recorded_wait;
    last_ = task.submit;
    ++read_;
    return true;
  }

 private:
  // The file is not what the loader read: it changed (or went) between the check and the run.
  [[noreturn]] void changed(const std::string& got) const {
    throw sim::InputError(spec_->label, "", "the trace file as it was when the scenario was loaded", got);
  }

  std::shared_ptr<const TraceFileSpec> spec_;
  std::vector<char> buffer_;
  std::ifstream in_;
  std::unique_ptr<TraceSource> source_;
  TraceRecord rec_;
  std::int64_t read_ = 0;
  sim::SimTime last_ = 0;
};

class FileTrace final : public sim::TraceFile {
 public:
  explicit FileTrace(std::shared_ptr<const TraceFileSpec> spec) : spec_(std::move(spec)) {}
  std::unique_ptr<sim::TraceReader> open() const override { return std::make_unique<FileTraceReader>(spec_); }

 private:
  std::shared_ptr<const TraceFileSpec> spec_;
};

// Sorts `tasks` (and `waits` with them, when there are any) by submit time, stably, in place:
// a permutation (4 bytes a record) and no second copy. REQUIRES: fewer than 2^32 tasks.
void sort_in_place(std::vector<sim::TraceTask>& tasks, std::vector<sim::SimTime>& waits) {
  std::vector<std::uint32_t> order = submit_order(tasks);
  // Position j takes the record at order[j]: each cycle of the permutation in turn, a position
  // marked done (order[j] = j) once filled.
  const bool with_waits = !waits.empty();
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    const sim::TraceTask task = tasks[i];
    const sim::SimTime wait = with_waits ? waits[i] : -1;
    std::size_t j = i;
    for (;;) {
      const std::size_t k = order[j];
      order[j] = static_cast<std::uint32_t>(j);
      if (k == i) {
        tasks[j] = task;
        if (with_waits) waits[j] = wait;
        break;
      }
      tasks[j] = tasks[k];
      if (with_waits) waits[j] = waits[k];
      j = k;
    }
  }
}

// A trace out of submit order, read again and sorted (stably: file order among equal times):
// held in memory when it has no more records than a chunk (trace_sort_options()), else sorted a
// chunk at a time into runs in a temporary file that each replay merges (scenarios/trace_sort.h).
// Either way the figures are those of the records in sorted order.
sim::Trace load_sorted(const JsonCursor& t, sim::Trace out, const std::string& path, const std::string& format,
                       const std::string& label, const TraceOptions& options, bool absolute, std::int64_t limit) {
  out.families.clear();
  out.groups.clear();
  const TraceSortOptions sort = trace_sort_options();
  const auto chunk = static_cast<std::size_t>(
      std::clamp<std::int64_t>(sort.chunk_records, 1, std::numeric_limits<std::uint32_t>::max()));
  std::vector<char> buffer;
  std::ifstream in;
  std::string why;
  if (!open_buffered(path, in, buffer, why)) t["file"].fail("a readable file", quote(out.file) + " (" + why + ")");
  const std::unique_ptr<TraceSource> source = open_trace(format, in, label, options);
  Interner families;
  Interner groups;
  std::vector<sim::TraceTask>& tasks = out.tasks;  // the chunk
  std::vector<sim::SimTime>& waits = out.recorded_waits;  // only once a record of the chunk has a wait
  bool any_wait = false;
  std::shared_ptr<TraceRuns> runs;  // once a chunk is full
  const auto spill = [&] {
    try {
      if (!runs) runs = std::make_shared<TraceRuns>(sort.temp_dir);
      runs->add_run(tasks, waits);
    } catch (const TraceSortError& e) {
      t["file"].fail("a temporary file (in TMPDIR, else /tmp) to sort " + quote(out.file) +
                         "'s records in (they are out of submit order)",
                     e.what());
    }
    tasks.clear();
    waits.clear();
    any_wait = false;
  };
  std::int64_t n = 0;
  sim::SimTime earliest = std::numeric_limits<sim::SimTime>::max();
  TraceRecord rec;
  while ((limit < 0 || n < limit) && source->next(rec)) {
    if (tasks.size() == chunk) spill();  // a full chunk, and more records
    sim::TraceTask task = to_task(rec);
    task.family = families.intern(out.families, rec.family);
    task.group = groups.intern(out.groups, group_name(rec));
    earliest = std::min(earliest, task.submit);
    tasks.push_back(task);
    if (rec.recorded_wait >= 0 && !any_wait) {
      any_wait = true;
      waits.assign(tasks.size() - 1, -1);
    }
    if (any_wait) waits.push_back(rec.recorded_wait);
    ++n;
  }
  if (in.bad()) t["file"].fail("a readable file", quote(out.file) + " (a read error)");
  out.records_read = n;
  out.records_skipped = source->skipped() + source->bad_rows();
  out.runtime_seconds = out.cpu_unit_seconds = out.memory_mib_seconds = 0;
  NeedCounter needs;
  // Times are relative to the earliest record unless absoluteTime: never a negative time.
  const sim::SimTime origin = absolute || n == 0 ? 0 : earliest;
  if (!runs) {
    sort_in_place(tasks, waits);  // no more than a chunk: fewer than 2^32
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      tasks[i].submit -= origin;
      add_figures(out, tasks[i], i == 0);
      needs.add(tasks[i].need);
    }
    needs.fill(out);
    return out;
  }
  spill();
  tasks = {};  // the memory goes too
  waits = {};
  out.stream = sorted_trace_file(std::move(runs), origin, label);
  // The figures, over the records in submit order: one merge of the runs.
  const std::unique_ptr<sim::TraceReader> reader = out.stream->open();
  sim::TraceTask task;
  sim::SimTime wait = -1;
  for (bool first = true; reader->next(task, wait); first = false) {
    add_figures(out, task, first);
    needs.add(task.need);
  }
  needs.fill(out);
  return out;
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

  const std::string label = ctx.referenced_label(t["file"]);
  auto spec = std::make_shared<TraceFileSpec>();
  std::string file_path;
  spec->label = label;
  spec->format = format;
  spec->options = options;
  {
    // One pass over the file, holding one record at a time: every row is checked, the figures
    // gathered, and the file found in submit order (the usual case: it then streams at each
    // run) or not.
    std::vector<char> buffer;
    std::ifstream in;
    const ReferencedFile file = locate_referenced_file(ctx.label, ctx.base_dir, out.file);
    file_path = file.path;
    std::string why;
    if (!open_buffered(file.path, in, buffer, why)) t["file"].fail("a readable file", quote(out.file) + " (" + why + ")");
    const std::unique_ptr<TraceSource> source = open_trace(format, in, label, options);
    TraceRecord rec;
    NeedCounter needs;
    std::int64_t n = 0;
    sim::SimTime first = 0;
    sim::SimTime last = 0;
    while ((limit < 0 || n < limit) && source->next(rec)) {
      if (n > 0 && rec.submit < last) {
        out.in_submit_order = false;
        break;
      }
      sim::TraceTask task = to_task(rec);
      spec->families.intern(out.families, rec.family);
      spec->groups.intern(out.groups, group_name(rec));
      if (n == 0) first = rec.submit;
      last = rec.submit;
      task.submit -= absolute ? 0 : first;
      add_figures(out, task, n == 0);
      needs.add(task.need);
      ++n;
    }
    if (in.bad()) t["file"].fail("a readable file", quote(out.file) + " (a read error)");
    if (out.in_submit_order) {
      out.records_read = n;
      out.records_skipped = source->skipped() + source->bad_rows();
      spec->records = n;
      spec->origin = absolute ? 0 : first;
      spec->path = std::filesystem::absolute(file.path).string();
      out.stream = std::make_shared<FileTrace>(std::move(spec));
      needs.fill(out);
    }
  }
  if (!out.in_submit_order) {
    // Out of submit order (google-2019 gives a task when it ends): the records are read again
    // and sorted, in memory (56 bytes each with the trace's waits, 48 without) while they fit in
    // one chunk, else through a temporary file.
    out = load_sorted(t, std::move(out), file_path, format, label, options, absolute, limit);
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
