// PagedColumn and TaskPages: the engine's per-task state, stored by task number in pages of
// kPageSize tasks, so that a run holds what is alive, not every task that ever ran.
//
// Task numbers stay what they are (submission order, dense from 0): every queue, list and order
// that names tasks by number is unchanged. A page is freed once every task on it is done with
// (STOPPED, or gave up on placement) and handed over to the run's figures; a freed page's tasks
// must not be read again, and the engine checks TaskPages::freed() before it looks at the task of
// an event that may have outlived it. Memory: as many pages as had a live task at once (a freed
// page is reused), plus 8 bytes per column and 3 more per kPageSize tasks ever submitted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ecsim::sim {

inline constexpr unsigned kTaskPageShift = 8;
inline constexpr std::size_t kTaskPageSize = std::size_t{1} << kTaskPageShift;

template <class T>
class PagedColumn {
 public:
  T& operator[](std::uint32_t task) { return pages_[task >> kTaskPageShift][task & (kTaskPageSize - 1)]; }
  const T& operator[](std::uint32_t task) const { return pages_[task >> kTaskPageShift][task & (kTaskPageSize - 1)]; }
  std::size_t size() const { return size_; }
  void push_back(const T& v) {
    if ((size_ & (kTaskPageSize - 1)) == 0) {
      if (spare_.empty()) {
        pages_.push_back(std::make_unique<T[]>(kTaskPageSize));
      } else {
        pages_.push_back(std::move(spare_.back()));
        spare_.pop_back();
      }
    }
    pages_.back()[size_ & (kTaskPageSize - 1)] = v;
    ++size_;
  }
  // The page's memory is kept for a later page: a run allocates as many pages as it had alive at
  // once, and the allocator never has to find (aligned) room again.
  void free_page(std::size_t page) { spare_.push_back(std::move(pages_[page])); }

 private:
  std::vector<std::unique_ptr<T[]>> pages_;
  std::vector<std::unique_ptr<T[]>> spare_;
  std::size_t size_ = 0;
};

// Which pages may be freed: the count of tasks done with per page.
class TaskPages {
 public:
  // A task was submitted (numbers in order).
  void added(std::uint32_t task) {
    if ((task & (kTaskPageSize - 1)) == 0) {
      done_.push_back(0);
      freed_.push_back(0);
    }
  }
  // `task` is done with; true when every task of its page is (a page is done only once its last
  // task was submitted): the caller frees it after the current event, when nothing refers to
  // its tasks any more.
  bool done(std::uint32_t task) { return ++done_[task >> kTaskPageShift] == kTaskPageSize; }
  void mark_freed(std::size_t page) { freed_[page] = 1; }
  bool freed(std::uint32_t task) const { return freed_[task >> kTaskPageShift] != 0; }
  bool page_freed(std::size_t page) const { return freed_[page] != 0; }
  std::size_t pages() const { return done_.size(); }

 private:
  std::vector<std::uint16_t> done_;
  std::vector<std::uint8_t> freed_;
};

}  // namespace ecsim::sim
