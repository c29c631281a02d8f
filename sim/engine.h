// Engine: runs one scenario with one seed and returns the RunResult.
//
// The engine is single-threaded and deterministic: the same Scenario, seed and PlacerFactory
// give the same RunResult, event for event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/model.h"
#include "sim/cluster_state.h"
#include "sim/placer.h"
#include "sim/run_result.h"

namespace ecsim::sim {

// Called now and then during a run (every few hundred thousand events) so that tools/ can print
// progress. Nothing it does may feed back into the run.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void progress(SimTime now, SimTime end, std::uint64_t events, std::uint64_t tasks) = 0;
};

// One placement attempt, for `ecsim run --explain`.
struct PlacementAttempt {
  enum class Kind : std::uint8_t {
    kPlacement,  // the placer ran: `explanation` says what it saw, `decision` what it chose
    kQueued,     // earlier tasks of the same shape and source were waiting: this one queues
                 // behind them without asking the placer (nothing can admit it either)
    kRetry,      // a waiting task placed on `decision.instance`, which had just gained room
  };
  Kind kind = Kind::kPlacement;
  SimTime time = 0;
  std::uint32_t task = 0;
  std::uint32_t family = 0;  // the task's: index into RunResult::families
  GroupIdx group = 0;        // the task's: index into ClusterState::group_names
  const PlacementRequest* request = nullptr;
  PlacementDecision decision;
  const PlacementExplanation* explanation = nullptr;  // kPlacement only
  std::uint32_t queue_head = 0;                       // kQueued: the oldest waiting task ahead
  std::size_t queue_length = 0;                       // kQueued: tasks waiting ahead of this one
};

// Receives every placement attempt in order. `result` is the run's result so far (zones,
// families; not yet groups); `cluster` the state the placer saw (instance ids, group_names).
// Nothing it does may feed back into the run: the run is the same with or without it.
class ExplainSink {
 public:
  virtual ~ExplainSink() = default;
  // Whether attempts of this task are wanted: the engine explains (slowly) only those.
  virtual bool wants(std::uint32_t /*task*/) const { return true; }
  virtual void attempt(const PlacementAttempt& a, const ClusterState& cluster, const RunResult& result) = 0;
};

// Receives each task's final record exactly once, when the engine is done with it: when it is
// STOPPED, when it gives up on placement (rejected), and, for the tasks still waiting or holding an
// instance when the run ends, at the end in task order. So records come in the order tasks
// finished, by event. `result` is the run's result so far (sources, zones, instance types,
// families, instances); `cluster` names the groups (group_names). Nothing it does may feed back
// into the run.
class TaskSink {
 public:
  virtual ~TaskSink() = default;
  virtual void task_done(const TaskRecord& t, const ClusterState& cluster, const RunResult& result) = 0;
  // A hint, given when a task on instance i begins to stop for good, some work before its
  // task_done: fetch what its row will read about i into the cache.
  virtual void prefetch_instance(InstanceIdx i) const { (void)i; }
  // Whether the engine should capture RunResult::picture (the records it would be drawn from go
  // to the sink only).
  virtual bool wants_cluster_picture() const { return false; }
};

// A TaskSink that keeps nothing: for runs whose task figures (RunResult::task_stats) are all the
// caller needs (compare, plan, sweep, bench), so that they too hold only what is alive.
class DiscardTasks final : public TaskSink {
 public:
  void task_done(const TaskRecord&, const ClusterState&, const RunResult&) override {}
};

// Limits a run must stay within, else it stops with sim::InputError (exit 2) naming `file`.
struct RunLimits {
  // At most this many tasks waiting or holding an instance at once (the run's memory grows with
  // them); -1: no limit.
  std::int64_t max_live_tasks = -1;
  // What each page of task numbers that still has a live task counts against max_live_tasks, in
  // tasks (a page is 1 KiB, sim/task_pages.h: tools/memory_budget.h counts 1 KiB / 128 bytes a
  // task = 8): live tasks spread one to a page (a long task among many short ones) cost their
  // pages too.
  std::int64_t tasks_per_page = 0;
  std::string file;     // the scenario file, as the user named it
  std::string because;  // why the limit, for the message ("12.3 GiB of memory available, ...")
};

// REQUIRES: `scenario` came from the loader (validated and resolved).
// Without `tasks`, every task's record is kept in RunResult::tasks (task order); with it, the sink
// alone receives them and RunResult::tasks stays empty, so the run holds what is alive: tasks
// waiting or holding an instance, and instances. RunResult::task_stats has the task figures
// either way.
RunResult run_scenario(const Scenario& scenario, PlacerFactory& placers, ProgressSink* progress = nullptr,
                       ExplainSink* explain = nullptr, TaskSink* tasks = nullptr, const RunLimits& limits = {});

}  // namespace ecsim::sim
