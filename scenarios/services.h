// Services (scenario `services`, ECS CreateService input) and what ecsim adds to them: how their
// tasks fail (`failures`) and the load they serve (`load`). Auto scaling is read by
// auto_scaling.h.
//
// A pasted CreateService request may carry fields ecsim does not model (cluster, loadBalancers,
// networkConfiguration, ...): they are ignored, as the contract says. Those that would change
// what the service is are refused rather than silently dropped (launchType other than EC2, a
// capacityProviderStrategy). ecsim's own objects (failures, load) refuse unknown keys.
//
// Scheduling strategies (Dev Guide "Amazon ECS services"; API reference CreateService):
//  - REPLICA (default): desiredCount required, 0 to 5000; deploymentConfiguration defaults
//    minimumHealthyPercent 100, maximumPercent 200.
//  - DAEMON: no desiredCount, no placementStrategy, no autoScaling; maximumPercent 100 (the
//    default), minimumHealthyPercent default 0. Refused with ECS's own answers.
// availabilityZoneRebalancing (Dev Guide "Balancing an Amazon ECS service across Availability
// Zones"): ENABLED by default unless the service's strategy binpacks; DISABLED for a DAEMON.
#pragma once

#include "scenarios/json_cursor.h"
#include "scenarios/load_context.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// Reads `list` (the scenario's `services`) into ctx.scenario.services.
// REQUIRES: task definitions and placement defaults are loaded.
void load_services(LoadContext& ctx, const JsonCursor& list);

// {"crashRatePerTaskHour": >= 0, "startFailureProbability": [0, 1],
//  "healthCheckFailureProbability": [0, 1]}, each optional (default 0); other keys are errors.
sim::TaskFailureSpec parse_task_failures(const JsonCursor& c);

// {"requestsPerSecond": [[time, value], ...] or {"file": F}, "repeat": duration,
//  "cpuMillisecondsPerRequest": > 0}. Times strictly increase and, with `repeat`, stay below it.
// F is a CSV file with the header `time,requestsPerSecond`, times in seconds, durations or clock
// times; blank lines and lines starting with '#' are skipped; errors name its line.
sim::LoadSpec parse_load(const LoadContext& ctx, const JsonCursor& c);

}  // namespace ecsim::scenarios
