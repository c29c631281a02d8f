#include "sim/cluster_utilization.h"

namespace ecsim::sim {

void ClusterUtilization::record(RunResult& result) const {
  for (std::size_t z = 0; z < zones_; ++z) {
    result.zone_cpu_reserved.push_back(cpu_[1 + z].reserved());
    result.zone_cpu_registered.push_back(cpu_[1 + z].registered());
    result.zone_memory_reserved.push_back(memory_[1 + z].reserved());
    result.zone_memory_registered.push_back(memory_[1 + z].registered());
  }
  for (std::size_t k = 1 + zones_; k < cpu_.size(); ++k) {
    result.type_cpu_reserved.push_back(cpu_[k].reserved());
    result.type_cpu_registered.push_back(cpu_[k].registered());
    result.type_memory_reserved.push_back(memory_[k].reserved());
    result.type_memory_registered.push_back(memory_[k].registered());
  }
}

void ClusterUtilization::finish(SimTime end, RunResult& result) {
  result.cpu.overall = cpu_[0].finish(end);
  result.memory.overall = memory_[0].finish(end);
  for (std::size_t z = 0; z < zones_; ++z) {
    result.cpu.by_zone.push_back(cpu_[1 + z].finish(end));
    result.memory.by_zone.push_back(memory_[1 + z].finish(end));
  }
  for (std::size_t k = 1 + zones_; k < cpu_.size(); ++k) {
    result.cpu.by_type.push_back(cpu_[k].finish(end));
    result.memory.by_type.push_back(memory_[k].finish(end));
  }
}

}  // namespace ecsim::sim
