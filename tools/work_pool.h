// Independent runs on a pool of threads: work item i runs on some worker, the results stay in
// item order, and the first error (in item order, not in time) is rethrown, so that what a
// command prints and writes does not depend on the number of workers. One run stays
// single-threaded; only whole runs are spread over the cores. RunProgress counts them on a terminal.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ecsim::tools {

// Workers for `requested` (0: one per core), never more than `items`, at least one.
inline std::size_t worker_count(std::size_t requested, std::size_t items) {
  std::size_t workers = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(workers, items));
}

// Calls fn(i) for every i in [0, items) on `workers` threads (the caller's thread when one).
template <class Fn>
void parallel_for(std::size_t items, std::size_t workers, Fn&& fn) {
  std::vector<std::exception_ptr> errors(items);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < items; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
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
