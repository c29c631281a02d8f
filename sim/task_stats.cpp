#include "sim/task_stats.h"

#include <algorithm>

#include "sim/run_result.h"

namespace ecsim::sim {

TaskRecord task_record(const TaskRecords& t, std::size_t k) {
  TaskRecord r;
  r.number = k;
  r.source = t.source.empty() ? TaskRecord::kNoSource : t.source[k];
  r.family = t.family[k];
  r.revision = t.revision[k];
  r.group = t.group[k];
  r.instance = t.instance[k];
  r.submitted_at = t.submitted_at[k];
  r.placed_at = t.placed_at[k];
  r.started_at = t.started_at[k];
  r.stopped_at = t.stopped_at[k];
  r.stop_code = t.stop_code[k];
  r.stop_reason = t.stop_reason[k];
  r.failure_reason = t.failure_reason[k];
  r.rejected = t.rejected[k] != 0;
  r.cpu = t.cpu[k];
  r.memory_mib = t.memory_mib[k];
  return r;
}

SimTime alive_within_run(SimTime begin, SimTime end, SimTime duration) {
  if (begin == kNever) return 0;
  const SimTime stop = std::min(end == kNever ? duration : end, duration);
  return stop > begin ? stop - begin : 0;
}

void TaskStats::add(const TaskRecord& t) {
  ++submitted;
  SourceTaskStats* src = nullptr;
  if (t.source != TaskRecord::kNoSource) {
    if (by_source.size() <= t.source) by_source.resize(t.source + 1);
    src = &by_source[t.source];
    ++src->submitted;
  }
  if (by_group.size() <= t.group) by_group.resize(t.group + 1);
  GroupTaskStats& g = by_group[t.group];
  ++g.submitted;
  const bool was_placed = t.placed_at != kNever;
  if (was_placed) {
    const SimTime w = t.placed_at - t.submitted_at;
    ++placed;
    wait.add(w);
    placed_wait.add(w);
    ++g.placed;
    g.placed_wait.add(w);
    if (src != nullptr) {
      ++src->placed;
      src->wait.add(w);
    }
  } else if (t.rejected) {
    ++failed_to_place;
    ++g.rejected;
    if (src != nullptr) ++src->failed_to_place;
  } else {
    // Still waiting at the end: it waited at least until then (a censored wait).
    const SimTime w = std::max<SimTime>(duration_ - t.submitted_at, 0);
    ++pending_at_end;
    wait.add(w);
    ++g.pending;
    if (src != nullptr) {
      ++src->pending_at_end;
      src->wait.add(w);
    }
  }
  const bool started = t.started_at != kNever;
  const bool stopped_now = t.stopped_at != kNever;
  if (started) {
    start_latency.add(t.started_at - t.placed_at);
    task_running_us += alive_within_run(t.started_at, t.stopped_at, duration_);
  }
  if (stopped_now && t.stop_code != StopCode::kNone) ++stopped[static_cast<std::size_t>(t.stop_code)];
  if (started && stopped_now && t.stop_code == StopCode::kEssentialContainerExited) {
    ++completed;
    ++g.completed;
  }
  if (src != nullptr && was_placed && t.instance != kNoInstance) {
    const SimTime h = alive_within_run(t.placed_at, t.stopped_at, duration_);
    if (h > 0) add_held(t.source, t.instance, h, t.cpu, t.memory_mib);
  }
}

const TaskStats& task_stats_of(const RunResult& r, TaskStats& scratch) {
  if (!r.task_stats.empty()) return r.task_stats;
  scratch = TaskStats(r.duration, r.sources.size());
  scratch.add_all(r.tasks);
  return scratch;
}

void TaskStats::add_held(std::uint32_t source, InstanceIdx i, SimTime h, std::int32_t cpu, std::int32_t memory_mib) {
  const DurationSum cpu_us = DurationSum{h} * cpu, memory_us = DurationSum{h} * memory_mib;
  if (flat_sources_ > 0 && source < flat_sources_) {
    const std::size_t k = std::size_t{i} * flat_sources_ + source;
    if (held_low_.size() <= k) held_low_.resize(std::max((std::size_t{i} + 1) * flat_sources_, held_low_.size() * 2));
    // 128-bit sums as two 64-bit words; the high word is touched only when it changes.
    __extension__ typedef unsigned __int128 U128;
    const auto add = [&](std::uint64_t& low, std::uint64_t HeldWords::*high, DurationSum v) {
      const auto u = static_cast<U128>(v);
      const auto v_low = static_cast<std::uint64_t>(u);
      low += v_low;
      const std::uint64_t carry = (low < v_low ? 1 : 0) + static_cast<std::uint64_t>(u >> 64);
      if (carry == 0) return;
      if (held_high_.size() < held_low_.size()) held_high_.resize(held_low_.size());
      held_high_[k].*high += carry;
    };
    add(held_low_[k].cpu, &HeldWords::cpu, cpu_us);
    add(held_low_[k].memory, &HeldWords::memory, memory_us);
    return;
  }
  if (held_.size() <= i) held_.resize(std::size_t{i} + 1);
  std::vector<HeldOnInstance>& on = held_[i];
  auto it = std::find_if(on.begin(), on.end(), [&](const HeldOnInstance& x) { return x.source == source; });
  if (it == on.end()) it = on.insert(on.end(), HeldOnInstance{source, 0, 0});
  it->cpu_us += cpu_us;
  it->memory_us += memory_us;
}

void TaskStats::add_all(const TaskRecords& t) {
  for (std::size_t k = 0; k < t.size(); ++k) add(task_record(t, k));
}

}  // namespace ecsim::sim
