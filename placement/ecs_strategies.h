// The placement strategies Amazon ECS offers (Dev Guide "Amazon ECS task placement strategies").
//
//  - binpack(cpu|memory): the instance with the least of that resource left after placing the
//    task. Key = free amount − task need.
//  - spread(instanceId|host|attribute:NAME): the value of the field with the fewest tasks of the
//    request's task group. Key = tasks of the group sharing the candidate's value. Instances that
//    lack the attribute count as one value of their own (ECS leaves this open; ecsim's choice).
//  - random: uniform among the candidates. Key = a fresh 63-bit draw per candidate.
#pragma once

#include <memory>

#include "placement/strategy.h"
#include "sim/model.h"

namespace ecsim::placement {

// Builds the ECS strategy for `spec`, registering the trackers it needs on `cluster` for the
// task group `group`. REQUIRES: check_strategy(spec) is "" and spec.type is an ECS type.
std::unique_ptr<Strategy> make_ecs_strategy(const sim::StrategySpec& spec, sim::GroupIdx group,
                                            sim::ClusterState& cluster);

}  // namespace ecsim::placement
