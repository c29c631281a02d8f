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
  wq.tasks.erase(std::find(wq.tasks.begin(), wq.tasks.end(), task));
  if (wq.tasks.empty()) nonempty_.erase(std::find(nonempty_.begin(), nonempty_.end(), q));
  --waiting_;
}

}  // namespace ecsim::sim
