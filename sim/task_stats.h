// TaskStats: the task figures of a run, accumulated one final task record at a time, so that a
// run holds what is alive rather than every task that ever ran. The engine adds each task when
// it is done with it (STOPPED, or gave up on placement) and the rest (still waiting or holding an
// instance) at the end of the run; a hand-built or read-back result adds its TaskRecords rows.
//
// Definitions (reports/summary.h has the full ones): a placed task waited placed_at -
// submitted_at; a task neither placed nor rejected was still waiting at the end and counts as
// waiting until then (duration - submitted_at, a censored wait); a rejected task has no wait.
// Distributions are DurationDistribution: exact up to 65,536 values each, then within 0.05 %.
// Nothing depends on the order in which records are added.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/duration_distribution.h"
#include "sim/task_record.h"
#include "sim/time.h"

namespace ecsim::sim {

// The task figures of one source (service, job or trace file) or of all tasks.
struct SourceTaskStats {
  std::int64_t submitted = 0;
  std::int64_t placed = 0;
  std::int64_t failed_to_place = 0;
  std::int64_t pending_at_end = 0;  // also the censored waits
  DurationDistribution wait;        // placed and still-waiting tasks
};

// The figures of one task group (report.html's table).
struct GroupTaskStats {
  std::int64_t submitted = 0;
  std::int64_t placed = 0;
  std::int64_t completed = 0;
  std::int64_t rejected = 0;
  std::int64_t pending = 0;
  DurationDistribution placed_wait;  // placed tasks only
};

// Σ over one source's tasks on one instance of the time each held it within the run (placed_at
// to stopped_at or the end) times its CPU units, and times its memory MiB: the cost by source.
struct HeldOnInstance {
  std::uint32_t source = 0;
  DurationSum cpu_us = 0;
  DurationSum memory_us = 0;
};

class TaskStats {
 public:
  TaskStats() = default;
  // `sources`: how many sources the result has (RunResult::sources), when known: up to
  // kFlatSources, the held sums are one flat table (one cache line per task, not two).
  explicit TaskStats(SimTime duration, std::size_t sources = 0)
      : duration_(duration), flat_sources_(sources > 0 && sources <= kFlatSources ? sources : 0) {}
  static constexpr std::size_t kFlatSources = 64;

  void add(const TaskRecord& t);
  // Every row of `t`, in order. REQUIRES: t.source empty or full.
  void add_all(const TaskRecords& t);

  // Whether records were added (a result without tasks has none).
  bool empty() const { return submitted == 0; }
  SimTime duration() const { return duration_; }

  std::int64_t submitted = 0;
  std::int64_t placed = 0;
  std::int64_t completed = 0;       // RUNNING, then STOPPED with EssentialContainerExited
  std::int64_t failed_to_place = 0; // rejected
  std::int64_t pending_at_end = 0;  // neither placed nor rejected (= censored waits)
  std::array<std::int64_t, static_cast<std::size_t>(StopCode::kCount)> stopped{};
  DurationDistribution wait;           // placed and still waiting (censored) tasks
  DurationDistribution placed_wait;    // placed tasks only
  DurationDistribution start_latency;  // started_at - placed_at, tasks that reached RUNNING
  DurationSum task_running_us = 0;     // Σ time in RUNNING within the run
  std::vector<SourceTaskStats> by_source;  // index: RunResult::sources (grown as sources appear)
  std::vector<GroupTaskStats> by_group;    // index: RunResult::groups (grown as groups appear)
  // Calls f(instance, held) for each (source, instance) whose source's tasks held the instance
  // within the run (with sources only), instances in increasing order.
  template <class F>
  void for_each_held(F&& f) const {
    if (flat_sources_ > 0) {
      for (std::size_t k = 0; k < held_low_.size(); ++k) {
        HeldOnInstance h{static_cast<std::uint32_t>(k % flat_sources_), held_low_[k].cpu, held_low_[k].memory};
        if (k < held_high_.size()) {
          h.cpu_us += static_cast<DurationSum>(held_high_[k].cpu) << 64;
          h.memory_us += static_cast<DurationSum>(held_high_[k].memory) << 64;
        }
        if (h.cpu_us != 0 || h.memory_us != 0) f(k / flat_sources_, h);
      }
      return;
    }
    for (std::size_t i = 0; i < held_.size(); ++i) {
      for (const HeldOnInstance& h : held_[i]) f(i, h);
    }
  }
  // Asks the cache for the held sums a task of `source` on `i` will add to (a task's instance is
  // any of thousands: the engine calls this when the task begins to stop).
  void prefetch_held(std::uint32_t source, InstanceIdx i) const {
    const std::size_t k = std::size_t{i} * flat_sources_ + source;
    if (source < flat_sources_ && k < held_low_.size()) __builtin_prefetch(&held_low_[k], 1);
  }

 private:
  void add_held(std::uint32_t source, InstanceIdx i, SimTime h, std::int32_t cpu, std::int32_t memory_mib);

  SimTime duration_ = 0;
  std::size_t flat_sources_ = 0;
  // Up to kFlatSources sources, [instance * flat_sources_ + source]: the sums' low 64 bits, 16
  // bytes an entry so that 10,000 instances of a few sources stay in the cache, and their high
  // 64 bits, apart (a sum passes 2^64 µs·units only on a long run of a large instance).
  struct HeldWords {
    std::uint64_t cpu = 0, memory = 0;
  };
  std::vector<HeldWords> held_low_, held_high_;
  std::vector<std::vector<HeldOnInstance>> held_;      // otherwise: per instance, sources in first-use order
};

// Time in [begin, end or the end of the run), clipped to the run; 0 when it never began.
SimTime alive_within_run(SimTime begin, SimTime end, SimTime duration);

}  // namespace ecsim::sim
