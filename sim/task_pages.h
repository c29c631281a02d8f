// TaskSlots: the engine's per-task state, held only while a task is alive.
//
// Task numbers stay what they are (submission order, dense from 0): every queue, list and order
// that names tasks by number is unchanged. Each live task has a slot, and a slot has two parts:
// Fields (what every task event reads: one 64-byte line) and Extra (the rest), kept apart so
// that Fields stays line-aligned without padding Extra to a line. A task's slot is given back
// once it is done with (STOPPED, or gave up on placement) and handed over to the run's figures,
// and the next task submitted takes the slot given back last. So a run holds as many slots as
// tasks were alive at once: a month-long task among millions of one-second ones holds its own
// slot, not a page of its neighbours' (what pages of state indexed by task number cost: 256
// tasks' state, 22 KiB, for each long task among short ones).
//
// Task numbers map to slots through map pages of kTaskPageSize numbers (4 bytes each); a map page
// whose numbers are all freed is replaced by one shared page that says "freed" for all of them,
// and its memory serves a later page. A freed task must not be read again: the engine checks
// freed() before it looks at the task of an event that may have outlived it.
//
// Memory: sizeof(Fields) + sizeof(Extra) + 4 bytes per slot (the most tasks alive at once), 4
// bytes per task number on a map page that still has a live task (at most 1 KiB per live task,
// when each holds a map page alone), and 10 bytes per kTaskPageSize tasks ever submitted.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <vector>

#include "sim/invariant.h"

namespace ecsim::sim {

inline constexpr unsigned kTaskPageShift = 8;
inline constexpr std::size_t kTaskPageSize = std::size_t{1} << kTaskPageShift;

// Where the pages come from: slabs of 64 KiB doubling up to 2 MiB, each a whole number of
// pages. A 2 MiB slab is aligned to 2 MiB and asks the kernel for a transparent huge page, so that
// the live tasks' state sits under few TLB entries.
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

// Which slot holds each live task, by task number, and the slots. Slots live in pages of
// kTaskPageSize that never move, so a reference to a slot's part stays valid until its task is
// freed. REQUIRES: Fields and Extra are trivially copyable and destructible (slots are reused
// without destructors).
template <class Fields, class Extra>
class TaskSlots {
  static_assert(std::is_trivially_destructible_v<Fields> && std::is_trivially_copyable_v<Fields>);
  static_assert(std::is_trivially_destructible_v<Extra> && std::is_trivially_copyable_v<Extra>);
  static constexpr std::size_t kFieldsPageBytes = (kTaskPageSize * sizeof(Fields) + 63) / 64 * 64;
  static constexpr std::size_t kExtraPageBytes = (kTaskPageSize * sizeof(Extra) + 63) / 64 * 64;

 public:
  static constexpr std::size_t kMapPageBytes = kTaskPageSize * sizeof(std::uint32_t);
  static constexpr std::uint32_t kFreed = 0xFFFFFFFFu;  // slot() of a task done with

  TaskSlots() { freed_page_.fill(kFreed); }
  TaskSlots(const TaskSlots&) = delete;
  TaskSlots& operator=(const TaskSlots&) = delete;

  // Task number size() is submitted: returns its slot, the one given back last or a new one
  // (its parts are unspecified until written).
  std::uint32_t add() {
    const std::size_t task = size_++;
    if ((task & (kTaskPageSize - 1)) == 0) {
      std::uint32_t* page = nullptr;
      if (spare_maps_.empty()) {
        page = static_cast<std::uint32_t*>(map_slabs_.allocate(kMapPageBytes));
      } else {
        page = spare_maps_.back();
        spare_maps_.pop_back();
      }
      map_.push_back(page);
      done_.push_back(0);
      ++live_maps_;
    }
    std::uint32_t slot = 0;
    if (spare_.empty()) {
      ECSIM_CHECK(slots_ < kFreed, "more than 2^32 - 1 tasks alive at once");
      if ((slots_ & (kTaskPageSize - 1)) == 0) {
        fields_.push_back(static_cast<Fields*>(fields_slabs_.allocate(kFieldsPageBytes)));
        extra_.push_back(static_cast<Extra*>(extra_slabs_.allocate(kExtraPageBytes)));
      }
      slot = static_cast<std::uint32_t>(slots_++);
    } else {
      slot = spare_.back();
      spare_.pop_back();
    }
    map_.back()[task & (kTaskPageSize - 1)] = slot;
    return slot;
  }
  // The task's slot, or kFreed once it was freed. REQUIRES: task < size().
  std::uint32_t slot(std::uint32_t task) const { return map_[task >> kTaskPageShift][task & (kTaskPageSize - 1)]; }
  bool freed(std::uint32_t task) const { return slot(task) == kFreed; }
  // A slot's parts. REQUIRES: `slot` is not kFreed.
  Fields& fields(std::uint32_t slot) { return fields_[slot >> kTaskPageShift][slot & (kTaskPageSize - 1)]; }
  const Fields& fields(std::uint32_t slot) const { return fields_[slot >> kTaskPageShift][slot & (kTaskPageSize - 1)]; }
  Extra& extra(std::uint32_t slot) { return extra_[slot >> kTaskPageShift][slot & (kTaskPageSize - 1)]; }
  const Extra& extra(std::uint32_t slot) const { return extra_[slot >> kTaskPageShift][slot & (kTaskPageSize - 1)]; }
  // Gives back the task's slot: nothing may read the task after this. REQUIRES: !freed(task).
  void free(std::uint32_t task) {
    const std::size_t page = task >> kTaskPageShift;
    std::uint32_t& entry = map_[page][task & (kTaskPageSize - 1)];
    ECSIM_CHECK(entry != kFreed, "a task's slot given back twice");
    spare_.push_back(entry);
    entry = kFreed;
    if (++done_[page] == kTaskPageSize) {  // every number of the page submitted and freed
      spare_maps_.push_back(map_[page]);
      map_[page] = freed_page_.data();
      --live_maps_;
    }
  }
  std::size_t size() const { return size_; }    // tasks submitted
  std::size_t slots() const { return slots_; }  // slots made: the most tasks alive at once
  // Pages of task numbers, and whether all of a page's tasks are freed (to skip it whole).
  std::size_t pages() const { return map_.size(); }
  std::size_t live_pages() const { return live_maps_; }  // pages not freed: kMapPageBytes each
  bool page_freed(std::size_t page) const { return map_[page] == freed_page_.data(); }

 private:
  PageSlabs map_slabs_, fields_slabs_, extra_slabs_;  // one page size each
  std::vector<std::uint32_t*> map_;  // [page of task numbers]: their slots, or freed_page_
  std::vector<std::uint16_t> done_;  // [page of task numbers]: how many are freed
  std::vector<std::uint32_t*> spare_maps_;
  std::vector<Fields*> fields_;      // [page of slots]
  std::vector<Extra*> extra_;        // [page of slots]
  std::vector<std::uint32_t> spare_;  // slots given back, taken last first
  std::array<std::uint32_t, kTaskPageSize> freed_page_{};
  std::size_t size_ = 0;
  std::size_t slots_ = 0;
  std::size_t live_maps_ = 0;
};

}  // namespace ecsim::sim
