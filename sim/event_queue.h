// EventQueue: the future event list.
//
// Invariants:
//  - Events pop in (time, seq) order; seq is a 64-bit counter stamped at insertion, so events at
//    the same time pop in the order they were scheduled (FIFO). This is what makes a run
//    reproducible: the order never depends on heap layout or addresses.
//  - Events are small PODs held by value in one std::vector (a 4-ary heap); scheduling and popping allocate only
//    when the vector grows, never per event.
//  - Cancellation is lazy: an event carries its target's generation at scheduling time, and the
//    caller drops an event whose generation no longer matches (see Engine).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace ecsim::sim {

struct Event {
  SimTime time;
  std::uint64_t seq;
  std::uint32_t target;      // index of the task, instance, job... the kind says which
  std::uint16_t kind;        // the engine's EventKind
  std::uint16_t generation;  // target's generation when scheduled (lazy cancellation)
};

class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::uint64_t scheduled() const { return next_seq_; }

  // REQUIRES: !empty().
  const Event& top() const { return heap_.front(); }

  void push(SimTime time, std::uint16_t kind, std::uint32_t target, std::uint16_t generation = 0) {
    heap_.push_back(Event{time, next_seq_++, target, kind, generation});
    sift_up(heap_.size() - 1);
  }

  // REQUIRES: !empty().
  Event pop() {
    const Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return out;
  }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  // A 4-ary heap: half the levels of a binary heap, and the four children of a node share a
  // cache line or two, which matters once the heap outgrows the caches (1M pending events).
  static constexpr std::size_t kArity = 4;

  void sift_up(std::size_t i) {
    const Event e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Places `e` (the former last element) starting from the root: the hole moves down along
  // the smallest child until `e` fits.
  void sift_down(const Event& e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = kArity * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t last = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace ecsim::sim
