// The scenario's "traces" section: each entry replays a trace file (scenarios/trace_reader.h has
// the formats and their mapping to ECS units) as tasks submitted at the trace's times.
#pragma once

#include "scenarios/json_cursor.h"
#include "scenarios/load_context.h"

namespace ecsim::scenarios {

// Keys of a trace entry: file, format, absoluteTime, limit, onPlacementFailure,
// placementStrategy, skipBadRows; swf adds defaultMemoryMiB; google-2019 adds machineCpus and
// machineMemoryMiB. REQUIRES: jobs and services are loaded (a trace's file must not be a job's
// or service's name).
void load_traces(LoadContext& ctx, const JsonCursor& list);

}  // namespace ecsim::scenarios
