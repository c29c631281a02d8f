// Scenario `events`: disturbances and operations at given times.
//
//   {"at", "type": "azOutage", "zone", "duration"?}
//   {"at", "type": "deploy", "service", "taskDefinition": "family[:rev]" | "forceNewDeployment": true,
//    "failures"?}
//   {"at", "type": "scale", "service", "desiredCount"}          (REPLICA services only)
//   {"at", "type": "registryOutage", "registry", "duration"?}
//
// A deploy names exactly one of taskDefinition and forceNewDeployment; a forced one redeploys the
// service's task definition as of that event (the last deploy before it, else the service's
// own). Its task definition must run on EC2, as the service's. Events come out sorted by `at`,
// file order among equal times; missing durations are sim::kNever (to the end of the run).
#pragma once

#include "scenarios/json_cursor.h"
#include "scenarios/load_context.h"

namespace ecsim::scenarios {

// Reads `list` into ctx.scenario.events. REQUIRES: services and registries are loaded.
void load_events(LoadContext& ctx, const JsonCursor& list);

}  // namespace ecsim::scenarios
