#include "sim/task_timing.h"

#include <algorithm>
#include <vector>

namespace ecsim::sim {

SimTime dependency_start_delay(const TaskDefinition& td) {
  const std::size_t n = td.containers.size();
  std::vector<SimTime> start(n, -1);
  // Each pass settles every container whose dependencies are settled; acyclic: at most n passes.
  for (std::size_t pass = 0; pass < n; ++pass) {
    bool all = true;
    for (std::size_t c = 0; c < n; ++c) {
      if (start[c] >= 0) continue;
      SimTime at = 0;
      bool ready = true;
      for (const ContainerDependency& d : td.containers[c].depends_on) {
        const SimTime s = start[d.container];
        if (s < 0) {
          ready = false;
          break;
        }
        SimTime when = s;
        if (d.condition == DependencyCondition::kHealthy) {
          const auto& hc = td.containers[d.container].health_check;
          when += hc ? hc->interval : 0;
        }
        at = std::max(at, when);
      }
      if (ready) {
        start[c] = at;
      } else {
        all = false;
      }
    }
    if (all) break;
  }
  SimTime delay = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (td.containers[c].essential) delay = std::max(delay, std::max<SimTime>(0, start[c]));
  }
  return delay;
}

SimTime task_stop_timeout(const TaskDefinition& td, SimTime agent_default) {
  SimTime timeout = 0;
  for (const ContainerDefinition& c : td.containers) {
    timeout = std::max(timeout, c.stop_timeout >= 0 ? c.stop_timeout : agent_default);
  }
  return timeout;
}

}  // namespace ecsim::sim
