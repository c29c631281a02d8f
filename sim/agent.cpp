#include "sim/agent.h"

#include <algorithm>

namespace ecsim::sim {

void AgentLedgers::reset(std::size_t instances, bool enabled) {
  enabled_ = enabled;
  if (!enabled) return;
  used_.assign(instances, Used{});
  queued_.assign((instances + 63) / 64, 0);
  stopping_tcp_.assign(instances, {});
  stopping_udp_.assign(instances, {});
  queue_.assign(instances, {});
}

void AgentLedgers::grow(std::size_t instances) {
  if (!enabled_) return;
  used_.resize(instances);
  queued_.resize((instances + 63) / 64, 0);
  stopping_tcp_.resize(instances);
  stopping_udp_.resize(instances);
  queue_.resize(instances);
}

void AgentLedgers::cancel_queued(InstanceIdx i, std::uint32_t task) {
  auto& q = queue_[i];
  q.erase(std::find(q.begin(), q.end(), task));
  if (q.empty()) queued_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
}

void AgentLedgers::stopping_begins(InstanceIdx i, const AgentTask& t) {
  if (!t.tcp_ports->empty()) insert_sorted(stopping_tcp_[i], *t.tcp_ports);
  if (!t.udp_ports->empty()) insert_sorted(stopping_udp_[i], *t.udp_ports);
}

void AgentLedgers::stopping_ends(InstanceIdx i, const AgentTask& t) {
  if (!t.tcp_ports->empty()) erase_sorted(stopping_tcp_[i], *t.tcp_ports);
  if (!t.udp_ports->empty()) erase_sorted(stopping_udp_[i], *t.udp_ports);
}

}  // namespace ecsim::sim
