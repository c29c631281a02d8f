// WaitQueues: the tasks waiting to be placed (PROVISIONING, onPlacementFailure "wait"), one FIFO
// queue per (source, resource shape).
//
// Invariants:
//  - Tasks of one source with the same resource shape share a queue, in submission order (task
//    numbers ascending). Every task of a queue failed placement, or was queued behind one that
//    did: no instance admitted the head when it last tried, and the queue-mates have the same
//    shape and policy, so none admits them either (the engine's invariants say when that ends).
//  - heads_ holds, per resource shape with tasks waiting, (head task, queue) for each queue of
//    that shape holding tasks, exactly once, by task number; a shape with none is not there. The
//    oldest eligible head is found per shape, skipping shapes that cannot fit (the caller's
//    test), asking heads in age order and stopping at the first eligible one or at one older
//    than the best found: a completion asks about the shapes that fit, not about every queue.
//  - waiting() is the number of tasks in all queues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <utility>
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

  // Appends `task` to queue q. REQUIRES: task is newer than every task in q.
  void push(std::uint32_t q, std::uint32_t task) {
    if (queues_[q].tasks.empty()) heads_[shape_key(queues_[q].shape)].emplace(task, q);
    queues_[q].tasks.push_back(task);
    ++waiting_;
  }
  // Takes `task` out of queue q (the service scheduler cancelled it). REQUIRES: it is there.
  void remove(std::uint32_t q, std::uint32_t task);

  // The queue of the oldest head h, over the non-empty queues q whose shape passes fits(shape)
  // and for which eligible(q, h) holds; kNone if there is none. fits must be a necessary
  // condition of eligible (say, the shape fits the instance's free CPU and memory); eligible is
  // asked about heads of a fitting shape in age order, only while older than the best found.
  template <class Fits, class Eligible>
  std::size_t oldest_head(Fits&& fits, Eligible&& eligible) const {
    std::uint32_t best_task = 0xFFFFFFFFu;
    std::size_t best = kNone;
    for (const auto& [shape, heads] : heads_) {
      if (!fits(queues_[heads.begin()->second].shape)) continue;
      for (const auto& [head, q] : heads) {
        if (head >= best_task) break;
        if (eligible(q, head)) {
          best_task = head;
          best = q;
          break;
        }
      }
    }
    return best;
  }
  template <class Eligible>
  std::size_t oldest_head(Eligible&& eligible) const {
    return oldest_head([](const Resources&) { return true; }, std::forward<Eligible>(eligible));
  }
  // Removes and returns the head of queue q. REQUIRES: q from oldest_head, no push or remove since.
  std::uint32_t pop(std::size_t q) {
    WaitQueue& wq = queues_[q];
    const std::uint32_t task = wq.tasks.front();
    wq.tasks.pop_front();
    replace_head(static_cast<std::uint32_t>(q), task);
    --waiting_;
    return task;
  }

 private:
  std::vector<WaitQueue> queues_;
  std::map<std::tuple<std::uint32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t>, std::uint32_t>
      index_;
  using ShapeKey = std::tuple<std::int32_t, std::int32_t, std::int32_t, std::int32_t, std::int32_t>;
  static ShapeKey shape_key(const Resources& r) { return {r.cpu, r.memory_mib, r.gpus, r.enis, r.ebs_volumes}; }
  // Queue q's head `old` left: its next task (if any) becomes its head.
  void replace_head(std::uint32_t q, std::uint32_t old);
  // Per shape with tasks waiting: (head task, queue) of each non-empty queue of that shape.
  std::map<ShapeKey, std::set<std::pair<std::uint32_t, std::uint32_t>>> heads_;
  std::size_t waiting_ = 0;
};

}  // namespace ecsim::sim
