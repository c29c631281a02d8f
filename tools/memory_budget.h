// Whether a run fits in this machine's memory: a run holds what is alive (tasks waiting or holding
// an instance, and instances: sim/engine.h TaskSink), so what it needs is known before it starts
// to within its live tasks.
//
//  - Up front (check_memory_budget): the tasks alive at once at the least, by Little's law per
//    source (a job's arrival rate while it submits times its mean runtime, never more than it
//    submits; a REPLICA service's desiredCount, a DAEMON's instances, a trace's concurrency over
//    its span: tools/validate_report.h's steady-state figures), times kBytesPerLiveTask. More than
//    the memory available is bad input (exit 2), naming the largest source and what it needs.
//  - During the run (RunLimits::max_live_tasks): the engine refuses to hold more live tasks than
//    the memory available holds (waiting tasks pile up when the cluster cannot keep up), with the
//    same exit status and nothing written.
// Memory available: the least of /proc/meminfo's MemAvailable, the cgroup's memory.max less its
// memory.current, and RLIMIT_AS; unknown (-1) when none can be read.
#pragma once

#include <cstdint>
#include <string>

#include "sim/engine.h"
#include "sim/model.h"

namespace ecsim::tools {

// What one live task costs a run (its engine state, its place in a wait queue or on an instance,
// a service's bookkeeping), measured: 93 bytes for a waiting job task; rounded up for the rest.
inline constexpr std::int64_t kBytesPerLiveTask = 128;

// Bytes of memory this process may still use; -1 when unknown.
std::int64_t available_memory_bytes();

// Throws sim::InputError (file `file`, the largest source's JSON path) when the scenario's live
// tasks at the least need more than `available` bytes (-1: no check). Returns the limit for the
// engine: the live tasks `available` holds, or -1.
std::int64_t check_memory_budget(const sim::Scenario& scenario, const std::string& file, std::int64_t available);

}  // namespace ecsim::tools
