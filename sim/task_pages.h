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

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <vector>

namespace ecsim::sim {

inline constexpr unsigned kTaskPageShift = 8;
inline constexpr std::size_t kTaskPageSize = std::size_t{1} << kTaskPageShift;

// Where the pages come from: slabs of 64 KiB doubling up to 2 MiB, each a whole number of
// pages. A 2 MiB slab is aligned to 2 MiB and asks the kernel for a transparent huge page: the
// tasks a run touches are spread over all its live pages, and with 4 KiB pages nearly every task
// event would also miss the TLB.
class PageSlabs {
 public:
  PageSlabs() = default;
  PageSlabs(const PageSlabs&) = delete;
  PageSlabs& operator=(const PageSlabs&) = delete;
  ~PageSlabs() {
    for (void* slab : slabs_) std::free(slab);
  }
  // Room for one page of `page_bytes` (a multiple of 64), aligned to 64 bytes.
  void* allocate(std::size_t page_bytes) {
    if (left_ < page_bytes) new_slab(page_bytes);
    void* out = next_;
    next_ += page_bytes;
    left_ -= page_bytes;
    return out;
  }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  void new_slab(std::size_t page_bytes) {
    slab_bytes_ = slab_bytes_ == 0 ? std::size_t{64} << 10 : std::min(slab_bytes_ * 2, kHugePage);
    const std::size_t bytes = std::max(slab_bytes_, page_bytes);
    const std::size_t align = bytes >= kHugePage ? kHugePage : 64;
    void* slab = std::aligned_alloc(align, (bytes + align - 1) / align * align);
    if (slab == nullptr) throw std::bad_alloc();
    slabs_.push_back(slab);
#ifdef MADV_HUGEPAGE
    if (align == kHugePage) madvise(slab, bytes, MADV_HUGEPAGE);  // advice only: a refusal changes nothing
#endif
    next_ = static_cast<char*>(slab);
    left_ = bytes / page_bytes * page_bytes;
  }
  std::vector<void*> slabs_;
  std::size_t slab_bytes_ = 0;
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

// REQUIRES: T is trivially destructible (pages are reused and freed without destructors).
template <class T>
class PagedColumn {
  static_assert(std::is_trivially_destructible_v<T>);
  static constexpr std::size_t kPageBytes = (kTaskPageSize * sizeof(T) + 63) / 64 * 64;

 public:
  T& operator[](std::uint32_t task) { return pages_[task >> kTaskPageShift][task & (kTaskPageSize - 1)]; }
  const T& operator[](std::uint32_t task) const { return pages_[task >> kTaskPageShift][task & (kTaskPageSize - 1)]; }
  std::size_t size() const { return size_; }
  void push_back(const T& v) {
    if ((size_ & (kTaskPageSize - 1)) == 0) {
      if (spare_.empty()) {
        pages_.push_back(static_cast<T*>(slabs_.allocate(kPageBytes)));
      } else {
        pages_.push_back(spare_.back());
        spare_.pop_back();
      }
    }
    new (&pages_.back()[size_ & (kTaskPageSize - 1)]) T(v);
    ++size_;
  }
  // The page's memory is kept for a later page: a run allocates as many pages as it had alive at
  // once.
  void free_page(std::size_t page) {
    spare_.push_back(pages_[page]);
    pages_[page] = nullptr;
  }

 private:
  PageSlabs slabs_;
  std::vector<T*> pages_;
  std::vector<T*> spare_;
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
