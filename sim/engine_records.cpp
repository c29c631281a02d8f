// The engine's task records: handing each over when the task is done with (task_done), the slots
// that hold them (sim/task_pages.h), and the cluster picture captured from the live tasks when
// the records are not kept (RunResult::picture).
#include <algorithm>

#include "sim/engine_internal.h"
#include "sim/input_error.h"

namespace ecsim::sim::engine_detail {

// The task's record is final (STOPPED, rejected, or the run is over): it joins the run's task
// figures and goes to the sink.
void Engine::task_done(std::uint32_t task) {
  const TaskFields& f = rec_[task];
  const Resources& need = task_need_[task];
  const Source& s = sources_[f.source];
  TaskRecord r;
  r.number = task;
  r.source = s.result_source;
  r.family = f.family;
  r.revision = f.revision;
  r.group = s.group;
  r.instance = f.instance;
  r.submitted_at = f.submitted;
  r.placed_at = f.placed;
  r.started_at = f.started;
  r.stopped_at = f.stopped;
  r.stop_code = f.stop_code;
  r.stop_reason = f.stop_reason;
  r.failure_reason = f.failure;
  r.rejected = f.rejected != 0;
  r.cpu = need.cpu;
  r.memory_mib = need.memory_mib;
  result_.task_stats.add(r);
  if (task_sink_ != nullptr) {
    task_sink_->task_done(r, cluster_, result_);
  } else {
    keep_record(r);
  }
  --live_;
  // The slot is freed after the current event: code after this call may still read the task.
  slots_to_free_.push_back(task);
}

void Engine::too_many_live_tasks() const {
  // The figure compared with the limit: the tasks, and their pages of task numbers when they count.
  const std::int64_t pages_as_tasks = held_as_tasks() - live_;
  const auto live_and_pages = [&] {
    if (pages_as_tasks == 0) return std::to_string(live_);
    return std::to_string(live_) + " tasks and " + std::to_string(slots_.live_pages()) +
           " pages of task numbers (" + std::to_string(Slots::kMapPageBytes / 1024) + " KiB each, as " +
           std::to_string(limits_.tasks_per_page) + " tasks) = " +
           std::to_string(held_as_tasks());
  };
  // Why: the queue grows, or (when pages count for more than a tenth) long tasks hold pages.
  const bool pages = pages_as_tasks * 10 > live_;
  const std::string why = pages ? "long-lived tasks among many short ones keep a page of task numbers each"
                                : "tasks arrive faster than the cluster places and runs them";
  throw InputError(limits_.file, "",
                   "a run whose tasks waiting or holding an instance fit in memory (at most " +
                       std::to_string(limits_.max_live_tasks) + " at once: " + limits_.because + ")",
                   live_and_pages() + " at " + std::to_string(now_ / kSecond) + " s into the run (" + why +
                       ")");
}

void Engine::keep_record(const TaskRecord& r) {
  TaskRecords& t = result_.tasks;
  const std::size_t k = r.number;
  if (t.size() <= k) {
    const std::size_t n = slots_.size();
    t.source.resize(n);
    t.family.resize(n);
    t.revision.resize(n);
    t.group.resize(n);
    t.instance.resize(n);
    t.submitted_at.resize(n);
    t.placed_at.resize(n);
    t.started_at.resize(n);
    t.stopped_at.resize(n);
    t.stop_code.resize(n);
    t.stop_reason.resize(n);
    t.failure_reason.resize(n);
    t.rejected.resize(n);
    t.cpu.resize(n);
    t.memory_mib.resize(n);
  }
  t.source[k] = r.source;
  t.family[k] = r.family;
  t.revision[k] = r.revision;
  t.group[k] = r.group;
  t.instance[k] = r.instance;
  t.submitted_at[k] = r.submitted_at;
  t.placed_at[k] = r.placed_at;
  t.started_at[k] = r.started_at;
  t.stopped_at[k] = r.stopped_at;
  t.stop_code[k] = r.stop_code;
  t.stop_reason[k] = r.stop_reason;
  t.failure_reason[k] = r.failure_reason;
  t.rejected[k] = r.rejected ? 1 : 0;
  t.cpu[k] = r.cpu;
  t.memory_mib[k] = r.memory_mib;
}

void Engine::free_done_slots() {
  for (const std::uint32_t task : slots_to_free_) slots_.free(task);
  slots_to_free_.clear();
}

void Engine::note_peak(const Sample& s) {
  // Highest reserved/registered, compared as fractions in integers; ties keep the earliest (as
  // reports/graphviz.h cluster_picture_time picks the peak sample).
  const Wide num = s.cpu_registered > 0 ? s.cpu_reserved : 0;
  const Wide den = s.cpu_registered > 0 ? s.cpu_registered : 1;
  if (peak_den_ != 0 && num * peak_den_ <= peak_num_ * den) return;
  peak_num_ = num;
  peak_den_ = den;
  picture_due_ = s.time;  // captured once every event of this instant has happened
}

void Engine::grow_picture() {
  if (picture_groups_ == 0) return;
  const std::size_t n = cluster_.size();
  held_now_.resize(n);
  held_at_peak_.resize(n);
  counts_now_.resize(n * picture_groups_);
  counts_at_peak_.resize(n * picture_groups_);
  picture_dirty_.resize(n, 0);
}

void Engine::capture_picture() {
  result_.picture.at = picture_due_;
  picture_due_ = kNever;
  if (picture_groups_ == 0) {
    scan_picture();
    return;
  }
  // The instances whose tasks changed since the last capture: the rest are as captured.
  fold_picture();
  picture_instances_ = result_.instances.size();
  const std::size_t groups = picture_groups_;
  for (const InstanceIdx i : picture_dirty_list_) {
    held_at_peak_[i] = held_now_[i];
    std::copy_n(counts_now_.begin() + static_cast<std::ptrdiff_t>(i * groups), groups,
                counts_at_peak_.begin() + static_cast<std::ptrdiff_t>(i * groups));
    picture_dirty_[i] = 0;
  }
  picture_dirty_list_.clear();
}

void Engine::fold_picture() {
  const std::size_t groups = picture_groups_;
  for (const PictureDelta& d : picture_journal_) {
    const InstanceIdx i = d.instance;
    held_now_[i].cpu += d.cpu;
    held_now_[i].memory_mib += d.memory_mib;
    PictureCount& c = counts_now_[i * groups + d.group];
    c.tasks += d.tasks;
    c.starting += d.starting;
    if (picture_dirty_[i] == 0) {
      picture_dirty_[i] = 1;
      picture_dirty_list_.push_back(i);
    }
  }
  picture_journal_.clear();
}

void Engine::finish_picture() {
  if (picture_groups_ == 0 || result_.picture.at == kNever) return;
  ClusterPicture& p = result_.picture;
  const std::size_t n = picture_instances_, groups = picture_groups_;
  p.cpu.resize(n);
  p.memory_mib.resize(n);
  p.held.clear();
  for (std::size_t i = 0; i < n; ++i) {
    p.cpu[i] = held_at_peak_[i].cpu;
    p.memory_mib[i] = held_at_peak_[i].memory_mib;
    for (std::size_t g = 0; g < groups; ++g) {
      const PictureCount& c = counts_at_peak_[i * groups + g];
      if (c.tasks == 0) continue;
      p.held.push_back(ClusterPicture::Held{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(g), c.tasks,
                                            c.starting});
    }
  }
}

void Engine::scan_picture() {
  ClusterPicture& p = result_.picture;
  const std::size_t n = result_.instances.size();
  p.cpu.assign(n, 0);
  p.memory_mib.assign(n, 0);
  p.held.clear();
  // (instance, group) -> tasks, starting: a flat table when it is small, else sorted pairs.
  const std::size_t groups = cluster_.group_names.size();
  std::vector<std::pair<std::uint64_t, std::uint8_t>> pairs;
  const bool flat = n * groups <= (std::size_t{1} << 22);
  if (flat) {
    picture_tasks_.assign(n * groups, 0);
    picture_starting_.assign(n * groups, 0);
  }
  const std::size_t submitted = slots_.size();
  for (std::size_t page = 0; page < slots_.pages(); ++page) {
    if (slots_.page_freed(page)) continue;
    const std::size_t end = std::min(submitted, (page + 1) * kTaskPageSize);
    for (auto task = static_cast<std::uint32_t>(page * kTaskPageSize); task < end; ++task) {
      if (slots_.freed(task)) continue;
      const TaskState st = rec_[task].state;
      if (st != TaskState::kPending && st != TaskState::kRunning && st != TaskState::kStopping) continue;
      const InstanceIdx i = rec_[task].instance;
      p.cpu[i] += task_need_[task].cpu;
      p.memory_mib[i] += task_need_[task].memory_mib;
      const GroupIdx g = group_of(task);
      const bool starting = st == TaskState::kPending;
      if (flat) {
        ++picture_tasks_[i * groups + g];
        if (starting) ++picture_starting_[i * groups + g];
      } else {
        pairs.emplace_back(std::uint64_t{i} << 32 | g, starting ? 1 : 0);
      }
    }
  }
  if (flat) {
    for (std::size_t k = 0; k < picture_tasks_.size(); ++k) {
      if (picture_tasks_[k] == 0) continue;
      p.held.push_back(ClusterPicture::Held{static_cast<std::uint32_t>(k / groups),
                                            static_cast<std::uint32_t>(k % groups), picture_tasks_[k],
                                            picture_starting_[k]});
    }
    return;
  }
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [key, starting] : pairs) {
    const auto i = static_cast<std::uint32_t>(key >> 32);
    const auto g = static_cast<std::uint32_t>(key & 0xFFFFFFFFu);
    if (p.held.empty() || p.held.back().instance != i || p.held.back().group != g) {
      p.held.push_back(ClusterPicture::Held{i, g, 0, 0});
    }
    ++p.held.back().tasks;
    p.held.back().starting += starting;
  }
}

}  // namespace ecsim::sim::engine_detail
