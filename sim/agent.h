// AgentLedgers: the container agent's own view of each instance (AWS containers blog "Improvements to
// Amazon ECS task launch behavior when tasks have prolonged shutdown"; Agent
// `agent/engine/host_resource_manager.go`, `docker_task_engine.go` waitingTaskQueue), in
// struct-of-arrays form indexed by InstanceIdx.
//
// Since 2023 the control plane places as if a STOPPING task's resources were free (AWS containers
// blog "Improvements to Amazon ECS task launch behavior when tasks have prolonged shutdown"). The
// agent keeps its own ledger of what the tasks it started hold (CPU, memory, GPUs, and the static
// host ports of its STOPPING tasks, whose sockets stay bound), and holds a task placed onto
// resources not yet released in PENDING, in a FIFO queue per instance, until they are.
//
// Invariants (per instance, when enabled):
//  - used_* is the sum of the needs of the tasks the agent started there and that have not
//    stopped (PENDING after start, RUNNING, STOPPING); used_* <= registered_* after every start.
//  - stopping_tcp/udp are the sorted multisets of the static host ports of its STOPPING tasks.
//  - queue lists the tasks placed there that the agent has not started, in placement order; the
//    head is the next to start and blocks those behind it (FIFO, as waitingTaskQueue).
// Disabled (stoppingTasksHoldResources: the behaviour before 2023), the control plane's ledger is
// the agent's: every placed task starts at once and nothing here is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"

namespace ecsim::sim {

// What the agent's ledger needs to know of a task.
struct AgentTask {
  const Resources* need;
  const std::vector<std::uint16_t>* tcp_ports;  // static host ports, sorted
  const std::vector<std::uint16_t>* udp_ports;
};

class AgentLedgers {
 public:
  void reset(std::size_t instances, bool enabled);
  // Room for instances created during the run, with empty ledgers.
  void grow(std::size_t instances);
  bool enabled() const { return enabled_; }

  // Whether the agent on i has room for t now. REQUIRES: enabled().
  bool fits(InstanceIdx i, const AgentTask& t, const ClusterState& cluster) const {
    const Used& u = used_[i];
    return u.cpu + t.need->cpu <= cluster.registered_cpu[i] &&
           u.memory_mib + t.need->memory_mib <= cluster.registered_memory_mib[i] &&
           u.gpus + t.need->gpus <= cluster.registered_gpus[i] &&
           (t.tcp_ports->empty() || !sorted_overlap(*t.tcp_ports, stopping_tcp_[i])) &&
           (t.udp_ports->empty() || !sorted_overlap(*t.udp_ports, stopping_udp_[i]));
  }

  // A task was placed on i. Returns true if the agent starts it now (nothing queued ahead and it
  // fits; its resources are then held), false if it queued it (it stays PENDING).
  bool accept(InstanceIdx i, std::uint32_t task, const AgentTask& t, const ClusterState& cluster) {
    if (!enabled_) return true;
    if (!queued(i) && fits(i, t, cluster)) {
      hold(i, *t.need);
      return true;
    }
    queue_[i].push_back(task);
    queued_[i / 64] |= std::uint64_t{1} << (i % 64);
    return false;
  }

  // Starts the queued tasks of i that now fit, head first, stopping at the first that does not:
  // holds each one's resources and calls start(task). `shape(task)` gives its AgentTask.
  // REQUIRES: start does not touch this ledger.
  template <class Shape, class Start>
  void drain(InstanceIdx i, const ClusterState& cluster, Shape&& shape, Start&& start) {
    if (!enabled_ || !queued(i)) return;
    auto& q = queue_[i];
    std::size_t started = 0;
    while (started < q.size()) {
      const AgentTask t = shape(q[started]);
      if (!fits(i, t, cluster)) break;
      hold(i, *t.need);
      start(q[started]);
      ++started;
    }
    q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(started));
    if (q.empty()) queued_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }

  // A started task's containers have stopped: its resources are free on the agent.
  void release(InstanceIdx i, const Resources& need) {
    if (!enabled_) return;
    Used& u = used_[i];
    u.cpu -= need.cpu;
    u.memory_mib -= need.memory_mib;
    u.gpus -= need.gpus;
  }
  // A queued task stopped before the agent started it. REQUIRES: enabled(), task queued on i.
  void cancel_queued(InstanceIdx i, std::uint32_t task);
  // A started task began STOPPING (its ports stay bound) / has stopped. REQUIRES: enabled().
  void stopping_begins(InstanceIdx i, const AgentTask& t);
  void stopping_ends(InstanceIdx i, const AgentTask& t);

 private:
  void hold(InstanceIdx i, const Resources& need) {
    Used& u = used_[i];
    u.cpu += need.cpu;
    u.memory_mib += need.memory_mib;
    u.gpus += need.gpus;
  }
  // Whether the agent on i has tasks queued (a bit per instance, so that the check is not a
  // cache miss on queue_[i] at every placement and every stop).
  bool queued(InstanceIdx i) const { return ((queued_[i / 64] >> (i % 64)) & 1) != 0; }

  // What the agent on an instance holds, in one place: fits() reads all three.
  struct Used {
    std::int32_t cpu = 0;
    std::int32_t memory_mib = 0;
    std::int32_t gpus = 0;
  };

  bool enabled_ = false;
  std::vector<Used> used_;
  std::vector<std::uint64_t> queued_;  // bit i: queue_[i] is not empty
  std::vector<std::vector<std::uint16_t>> stopping_tcp_, stopping_udp_;
  std::vector<std::vector<std::uint32_t>> queue_;
};

}  // namespace ecsim::sim
