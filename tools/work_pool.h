// Independent runs on a pool of threads: work item i runs on some worker, the results stay in
// item order, and the first error (in item order, not in time) is rethrown, so that what a
// command prints and writes does not depend on the number of workers. One run stays
// single-threaded; only whole runs are spread over the cores. RunProgress counts them on a terminal.
//
// Once an item fails the others stop: no worker takes a new item, and the items after the
// failed one that are under way end at their engine's next progress report (StopAfterFailure).
// The error rethrown is still the first in item order: items are taken in order, so every item
// before a failed one was taken, and runs to its end, before any worker stops.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/engine.h"

namespace ecsim::tools {

// What the items of parallel_for see of each other: the first item (in item order) that failed.
class WorkStop {
 public:
  // Whether item i's outcome no longer matters: an item before it failed, and that error (or an
  // earlier one) is what parallel_for rethrows.
  bool after_failure(std::size_t i) const noexcept { return first_failed_.load(std::memory_order_acquire) < i; }
  bool any_failed() const noexcept { return first_failed_.load(std::memory_order_acquire) != kNone; }
  void failed(std::size_t i) noexcept {
    std::size_t seen = first_failed_.load(std::memory_order_acquire);
    while (i < seen && !first_failed_.compare_exchange_weak(seen, i, std::memory_order_acq_rel)) {
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::atomic<std::size_t> first_failed_{kNone};
};

// What an item throws when it stops because an earlier one failed; parallel_for drops it.
class WorkStopped : public std::exception {
 public:
  const char* what() const noexcept override { return "stopped: an earlier run failed"; }
};

// The progress sink of item i's engine run (sim::run_scenario's `progress`): ends the run
// (WorkStopped) at its next report, every few hundred thousand events, once an item before it
// failed. Nothing else reaches the run, whose outcome would not be used.
class StopAfterFailure final : public sim::ProgressSink {
 public:
  StopAfterFailure(const WorkStop& stop, std::size_t item) : stop_(stop), item_(item) {}
  void progress(sim::SimTime, sim::SimTime, std::uint64_t, std::uint64_t) override {
    if (stop_.after_failure(item_)) throw WorkStopped();
  }

 private:
  const WorkStop& stop_;
  std::size_t item_;
};

// Workers for `requested` (0: one per core), never more than `items`, at least one.
inline std::size_t worker_count(std::size_t requested, std::size_t items) {
  std::size_t workers = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(workers, items));
}

// Calls fn(i), or fn(i, stop) when it takes a `const WorkStop&`, for every i in [0, items) on
// `workers` threads (the caller's thread when one), until one fails (see above).
template <class Fn>
void parallel_for(std::size_t items, std::size_t workers, Fn&& fn) {
  std::vector<std::exception_ptr> errors(items);
  std::atomic<std::size_t> next{0};
  WorkStop stop;
  const auto work = [&] {
    // Checked before an item is taken, never after: a taken item always runs.
    while (!stop.any_failed()) {
      const std::size_t i = next++;
      if (i >= items) break;
      try {
        if constexpr (std::is_invocable_v<Fn&, std::size_t, const WorkStop&>) {
          fn(i, std::as_const(stop));
        } else {
          fn(i);
        }
      } catch (const WorkStopped&) {
        errors[i] = std::current_exception();  // after the failed item, whose error comes first
      } catch (...) {
        errors[i] = std::current_exception();
        stop.failed(i);
      }
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// "  compare: 37/120 runs" on one rewritten stderr line, only on a terminal; done_one() may be
// called from any worker.
class RunProgress {
 public:
  RunProgress(const char* label, std::size_t total) : label_(label), total_(total), shown_(isatty(STDERR_FILENO) != 0) {}
  void done_one() {
    if (!shown_) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    std::fprintf(stderr, "\r  %s: %zu/%zu runs   ", label_, done_, total_);
    std::fflush(stderr);
  }
  ~RunProgress() {
    if (shown_ && done_ > 0) std::fprintf(stderr, "\r%40s\r", "");
  }
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

 private:
  const char* label_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool shown_;
  std::mutex mutex_;
};

}  // namespace ecsim::tools
