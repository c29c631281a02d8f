// WaitQueues: the tasks waiting to be placed (PROVISIONING, onPlacementFailure "wait"), one FIFO
// queue per (source, resource shape).
//
// Invariants:
//  - Tasks of one source with the same resource shape share a queue, in submission order (task
//    numbers ascending). Every task of a queue failed placement, or was queued behind one that
//    did: no instance admitted the head when it last tried, and the queue-mates have the same
//    shape and policy, so none admits them either (the engine's invariants say when that ends).
//  - nonempty() lists each queue holding tasks exactly once, in no particular order (the oldest
//    head is chosen by task number, never by position).
//  - waiting() is the number of tasks in all queues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <vector>

#include "sim/model.h"
#include "sim/placer.h"

namespace ecsim::sim {

struct WaitQueue {
  std::uint32_t source;
  Resources shape;
  std::deque<std::uint32_t> tasks;
  FailureReason last_reason = FailureReason::kNone;
};

class WaitQueues {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // The queue of `source` for tasks needing `need`, created empty if new.
  std::uint32_t queue_for(std::uint32_t source, const Resources& need);
  WaitQueue& operator[](std::uint32_t q) { return queues_[q]; }
  const WaitQueue& operator[](std::uint32_t q) const { return queues_[q]; }
  std::size_t size() const { return queues_.size(); }
  std::size_t waiting() const { return waiting_; }

  // Appends `task` to queue q.
  void push(std::uint32_t q, std::uint32_t task) {
    if (queues_[q].tasks.empty()) nonempty_.push_back(q);
    queues_[q].tasks.push_back(task);
    ++waiting_;
  }
  // Takes `task` out of queue q (the service scheduler cancelled it). REQUIRES: it is there.
  void remove(std::uint32_t q, std::uint32_t task);

  // The slot (for pop) of the oldest queue head h, over the non-empty queues q for which
  // eligible(q, h) holds; kNone if there is none. eligible is asked only about heads older than
  // the best found so far.
  template <class Eligible>
  std::size_t oldest_head(Eligible&& eligible) const {
    std::size_t best_slot = kNone;
    std::uint32_t best_task = 0xFFFFFFFFu;
    for (std::size_t slot = 0; slot < nonempty_.size(); ++slot) {
      const std::uint32_t q = nonempty_[slot];
      const std::uint32_t head = queues_[q].tasks.front();
      if (head >= best_task) continue;
      if (eligible(q, head)) {
        best_task = head;
        best_slot = slot;
      }
    }
    return best_slot;
  }
  std::uint32_t queue_at(std::size_t slot) const { return nonempty_[slot]; }
  // Removes and returns the head of the queue at `slot`. REQUIRES: slot from oldest_head, no
  // push or remove since.
  std::uint32_t pop(std::size_t slot) {
    WaitQueue& wq = queues_[nonempty_[slot]];
    const std::uint32_t task = wq.tasks.front();
    wq.tasks.pop_front();
    if (wq.tasks.empty()) {
      nonempty_[slot] = nonempty_.back();
      nonempty_.pop_back();
    }
    --waiting_;
    return task;
  }

 private:
  std::vector<WaitQueue> queues_;
  std::map<std::tuple<std::uint32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t>, std::uint32_t>
      index_;
  std::vector<std::uint32_t> nonempty_;  // queue ids with waiting tasks, unordered
  std::size_t waiting_ = 0;
};

}  // namespace ecsim::sim
