// How long a task's containers take to start and to stop, from its task definition (Dev Guide
// "Amazon ECS task definition parameters": dependsOn, stopTimeout). Pure functions; the engine
// adds them to the agent's latencies.
#pragma once

#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

// From the agent starting the task's first containers to the last essential container started:
// a container starts once its dependsOn conditions hold. START: the dependency has started.
// HEALTHY: it passed its first health check, `interval` after it started. COMPLETE and SUCCESS:
// it has exited; ecsim takes such containers (init or setup containers, never essential) to
// exit as soon as they start, as it has no runtime for them. 0 without dependsOn.
// REQUIRES: dependsOn is acyclic and names containers of td (the loader checks both).
SimTime dependency_start_delay(const TaskDefinition& td);

// The task's stop timeout: the longest stopTimeout of its containers, `agent_default`
// (ECS_CONTAINER_STOP_TIMEOUT) for those that set none.
SimTime task_stop_timeout(const TaskDefinition& td, SimTime agent_default);

// From SIGTERM to the containers stopped: the application's own shutdown time, cut short by
// SIGKILL at the stop timeout.
inline SimTime shutdown_duration(const TaskDefinition& td, SimTime shutdown_time, SimTime agent_default) {
  const SimTime timeout = task_stop_timeout(td, agent_default);
  return shutdown_time < timeout ? shutdown_time : timeout;
}

}  // namespace ecsim::sim
