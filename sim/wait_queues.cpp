#include "sim/wait_queues.h"

#include <algorithm>

namespace ecsim::sim {

std::uint32_t WaitQueues::queue_for(std::uint32_t source, const Resources& need) {
  const auto key = std::make_tuple(source, need.cpu, need.memory_mib, need.gpus, need.enis, need.ebs_volumes);
  const auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(queues_.size());
  queues_.push_back(WaitQueue{source, need, {}, FailureReason::kNone});
  index_.emplace(key, id);
  return id;
}

void WaitQueues::remove(std::uint32_t q, std::uint32_t task) {
  WaitQueue& wq = queues_[q];
  const bool head = wq.tasks.front() == task;
  // A queue is in submission order (task numbers ascending).
  wq.tasks.erase(std::lower_bound(wq.tasks.begin(), wq.tasks.end(), task));
  if (head) replace_head(q, task);
  --waiting_;
}

void WaitQueues::replace_head(std::uint32_t q, std::uint32_t old) {
  const WaitQueue& wq = queues_[q];
  const auto it = heads_.find(shape_key(wq.shape));
  it->second.erase({old, q});
  if (!wq.tasks.empty()) {
    it->second.emplace(wq.tasks.front(), q);
  } else if (it->second.empty()) {
    heads_.erase(it);
  }
}

}  // namespace ecsim::sim
