// ClusterUtilization: reserved and registered CPU and memory over the run, for the whole cluster,
// each availability zone and each instance type the cluster uses (UtilizationSeries each).
//
// Invariants:
//  - Series are laid out [0] overall, then zones, then instance types (RunResult order), one
//    vector for CPU and one for memory.
//  - Every change applies to three series: overall, the instance's zone, the instance's type.
//    The engine reports a change when an instance registers or leaves (registered) and when a
//    task's resources are taken or freed as the control plane counts them (reserved).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/run_result.h"
#include "sim/time.h"
#include "sim/utilization.h"

namespace ecsim::sim {

class ClusterUtilization {
 public:
  void reset(std::size_t zones, std::size_t types) {
    zones_ = zones;
    cpu_.assign(1 + zones + types, UtilizationSeries{});
    memory_.assign(cpu_.size(), UtilizationSeries{});
  }

  // `zone` indexes RunResult::zones, `type` RunResult::instance_types.
  void change_reserved(SimTime now, std::uint32_t zone, std::uint32_t type, std::int64_t cpu, std::int64_t memory_mib) {
    for (const std::size_t s : {std::size_t{0}, std::size_t{1} + zone, 1 + zones_ + type}) {
      cpu_[s].change(now, cpu, 0);
      memory_[s].change(now, memory_mib, 0);
    }
  }
  void change_registered(SimTime now, std::uint32_t zone, std::uint32_t type, std::int64_t cpu, std::int64_t memory_mib) {
    for (const std::size_t s : {std::size_t{0}, std::size_t{1} + zone, 1 + zones_ + type}) {
      cpu_[s].change(now, 0, cpu);
      memory_[s].change(now, 0, memory_mib);
    }
  }

  // The cluster's figures now (for a Sample).
  const UtilizationSeries& cpu() const { return cpu_[0]; }
  const UtilizationSeries& memory() const { return memory_[0]; }

  // Appends one row of per-zone and per-type figures to result's zone_* and type_* series.
  void record(RunResult& result) const;
  // Closes every series at `end` into result.cpu and result.memory.
  void finish(SimTime end, RunResult& result);

 private:
  std::size_t zones_ = 0;
  std::vector<UtilizationSeries> cpu_;
  std::vector<UtilizationSeries> memory_;
};

}  // namespace ecsim::sim
