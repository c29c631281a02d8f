// Sorting a trace file out of submit order (every google-2019 file: Borg gives a task when it
// ends) in bounded memory: an external merge sort. The loader (scenarios/traces.cpp) reads the
// file in chunks of TraceSortOptions::chunk_records records, sorts each chunk by submit time
// (stably: file order among equal times) and appends it to one unnamed temporary file as a
// sorted run of fixed-size binary records; each replay then merges the runs (a heap of run
// heads, ties to the earlier run, so to file order). The order is the one the loader gave when it
// held the whole file sorted in memory, and a file of one chunk or less is still held so.
//
// Memory: a chunk while loading (about 56 bytes a record with the trace's waits); a replay
// reads each run through a buffer of at most 64 KiB. The temporary file (48 bytes a record) has
// no name from the start (O_TMPFILE, else a file unlinked as soon as it is created), so it goes
// with the last reader or trace that holds it, or with the process, however it ends.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/model.h"

namespace ecsim::scenarios {

struct TraceSortOptions {
  // Records sorted in memory at once (at least 1, at most 2^32 - 1). The default, 2^20, holds
  // about 56 MiB of records while loading.
  std::int64_t chunk_records = std::int64_t{1} << 20;
  // Where the temporary file goes; empty: the system's temporary directory (TMPDIR, else /tmp).
  std::string temp_dir;
};

// The options every load in this process uses: the defaults unless set (tests and benchmarks
// set small chunks). Safe to call from several threads.
TraceSortOptions trace_sort_options();
void set_trace_sort_options(const TraceSortOptions& options);

// The temporary file could not be created or written (a full disk, a file size limit): the
// message names the directory and the system's reason.
class TraceSortError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The order of `tasks` by submit time, stably (file order among equal times): a permutation,
// 4 bytes a task. REQUIRES: fewer than 2^32 tasks.
std::vector<std::uint32_t> submit_order(const std::vector<sim::TraceTask>& tasks);

// Sorted runs of trace records in one unnamed temporary file. Written by one thread while
// loading; once complete, read (pread, no shared position) by any number of readers at once.
class TraceRuns {
 public:
  // Creates the file in `temp_dir` (empty: the system's). Throws TraceSortError.
  explicit TraceRuns(const std::string& temp_dir);
  ~TraceRuns();
  TraceRuns(const TraceRuns&) = delete;
  TraceRuns& operator=(const TraceRuns&) = delete;

  // Appends `tasks` as the next run, sorted by submit time, stably, each with its wait
  // (`waits[i]`, or -1 for every task when `waits` is empty). REQUIRES: tasks.size() < 2^32;
  // waits empty or as long as tasks. Throws TraceSortError when the file cannot be written.
  void add_run(const std::vector<sim::TraceTask>& tasks, const std::vector<sim::SimTime>& waits);

  std::size_t runs() const { return runs_.size(); }
  std::int64_t records() const { return records_; }
  const std::string& dir() const { return dir_; }

  // One run: its first record's index in the file and how many it has.
  struct Run {
    std::int64_t first = 0;
    std::int64_t count = 0;
  };
  const std::vector<Run>& run_list() const { return runs_; }
  int fd() const { return fd_; }

 private:
  [[noreturn]] void fail(const char* what, int err) const;
  void write_all(const char* data, std::size_t size);

  std::string dir_;
  int fd_ = -1;
  std::vector<Run> runs_;
  std::int64_t records_ = 0;
};

// The runs as a trace to replay: each reader gives every record of every run in submit order,
// then file order (ties to the earlier run, then the earlier record of a run), times less
// `origin`. A read error names `label` (sim::InputError).
std::shared_ptr<const sim::TraceFile> sorted_trace_file(std::shared_ptr<const TraceRuns> runs, sim::SimTime origin,
                                                        std::string label);

}  // namespace ecsim::scenarios
