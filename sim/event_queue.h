// EventQueue: the future event list, a radix heap on simulated time.
//
// Invariants:
//  - Events pop in (time, seq) order; seq is a 64-bit counter stamped at insertion, so events at
//    the same time pop in the order they were scheduled (FIFO). This is what makes a run
//    reproducible: the order never depends on memory layout or addresses.
//  - Time is monotone: an event is never scheduled before the last popped event's time (a
//    discrete-event simulation never schedules into its past). REQUIRES of push().
//  - Events are small PODs held by value in per-bucket std::vectors; scheduling and popping
//    allocate only when a vector grows past its high-water mark, never per event.
//  - Cancellation is lazy: an event carries its target's generation at scheduling time, and the
//    caller drops an event whose generation no longer matches (see the engine).
//
// How it works (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster algorithms for the shortest path
// problem", J. ACM 1990, the radix heap): bucket 0 holds the events at exactly `last_` (the
// earliest pending time), sorted by seq; bucket b >= 1 holds events whose time differs from
// `last_` first in bit b-1. A push is an append. When bucket 0 runs dry, the lowest non-empty
// bucket is scanned for its earliest time, which becomes `last_`, and its events are spread
// into lower buckets; each event moves down at most 64 times in its life and usually once or
// twice. Unlike a binary heap, nothing walks a tree spread over the whole pending set, so a
// million pending events cost little more per operation than a thousand.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/time.h"
#include "sim/invariant.h"

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
  void reserve(std::size_t n) { buckets_[0].reserve(n); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::uint64_t scheduled() const { return next_seq_; }

  // REQUIRES: time >= the time of the last popped event.
  void push(SimTime time, std::uint16_t kind, std::uint32_t target, std::uint16_t generation = 0) {
    // A sum of times that wrapped would land in the past: every duration is bounded at load
    // (100 years), and this holds in every build.
    ECSIM_CHECK(time >= last_, "an event scheduled before the current time");
    const std::size_t b = bucket_of(time);
    buckets_[b].push_back(Event{time, next_seq_++, target, kind, generation});
    nonempty_ |= std::uint64_t{1} << b;
    ++size_;
  }

  // The earliest event. REQUIRES: !empty().
  const Event& top() {
    refill();
    return buckets_[0][head_];
  }

  // REQUIRES: !empty().
  Event pop() {
    refill();
    --size_;
    return buckets_[0][head_++];
  }
  // The events that pop next unless a push comes first: the next at this time, or the lowest
  // bucket's when it holds at most kSoon (else none): what the caller will need next, to
  // prefetch while it handles the one just popped.
  std::span<const Event> soon() const {
    const auto& zero = buckets_[0];
    if (head_ < zero.size()) return {zero.data() + head_, 1};
    const std::uint64_t rest = nonempty_ & ~std::uint64_t{1};
    if (rest == 0) return {};
    const auto& next = buckets_[static_cast<std::size_t>(std::countr_zero(rest))];
    return next.size() <= kSoon ? std::span<const Event>(next) : std::span<const Event>();
  }
  static constexpr std::size_t kSoon = 16;

 private:
  static constexpr std::size_t kBuckets = 65;

  std::size_t bucket_of(SimTime time) const {
    const auto diff = static_cast<std::uint64_t>(time) ^ static_cast<std::uint64_t>(last_);
    return static_cast<std::size_t>(std::bit_width(diff));
  }

  // Makes bucket 0 hold the earliest pending events, if it has run dry.
  void refill() {
    auto& zero = buckets_[0];
    if (head_ < zero.size()) return;
    zero.clear();
    head_ = 0;
    nonempty_ &= ~std::uint64_t{1};
    const auto b = static_cast<std::size_t>(std::countr_zero(nonempty_));  // size_ > 0: one is set
    auto& source = buckets_[b];
    nonempty_ &= ~(std::uint64_t{1} << b);
    if (source.size() == 1) {
      // Half the refills of a run find one event (bench.json: 2.0 M of 4.0 M): it is the earliest.
      last_ = source[0].time;
      zero.push_back(source[0]);
      source.clear();
      nonempty_ |= 1;
      return;
    }
    SimTime earliest = source[0].time;
    for (const Event& e : source) earliest = std::min(earliest, e.time);
    last_ = earliest;
    // Every event of this bucket lands in a lower one; those at `earliest` in bucket 0.
    for (const Event& e : source) {
      const std::size_t to = bucket_of(e.time);
      buckets_[to].push_back(e);
      nonempty_ |= std::uint64_t{1} << to;
    }
    source.clear();
    // Events at one time may have entered the source bucket out of seq order (a later-scheduled
    // one can arrive in a lower bucket first and be moved here with this one): restore FIFO.
    if (zero.size() > 1) {
      std::sort(zero.begin(), zero.end(), [](const Event& a, const Event& c) { return a.seq < c.seq; });
    }
  }

  std::array<std::vector<Event>, kBuckets> buckets_;
  std::size_t head_ = 0;  // next event of bucket 0
  // Bit b: buckets_[b] holds events (set at each push, cleared when refill empties it; bit 0
  // may stay set after bucket 0 is popped dry). Times are never negative, so two differ below
  // bit 63 and bucket 64 stays empty: 64 bits cover every bucket in use.
  std::size_t size_ = 0;
  SimTime last_ = 0;      // the earliest pending time, as of the last refill
  std::uint64_t next_seq_ = 0;
  std::uint64_t nonempty_ = 0;
};

}  // namespace ecsim::sim
