// A service's `autoScaling`: Application Auto Scaling's scalable target (minCapacity,
// maxCapacity), its target tracking and step scaling policies and its scheduled actions, named
// as in that API (camelCase), flattened into one object per policy:
//
//   {"minCapacity": 2, "maxCapacity": 20,
//    "targetTrackingScalingPolicies": [{"policyName", "targetValue", "predefinedMetricSpecification":
//        {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}, "scaleOutCooldown",
//        "scaleInCooldown", "disableScaleIn"}],
//    "stepScalingPolicies": [{"policyName", "alarm": {"metric", "comparisonOperator", "threshold",
//        "evaluationPeriods", "datapointsToAlarm"}, "stepScalingPolicyConfiguration":
//        {"adjustmentType", "stepAdjustments": [{"metricIntervalLowerBound",
//        "metricIntervalUpperBound", "scalingAdjustment"}], "cooldown", "minAdjustmentMagnitude"}}],
//    "scheduledActions": [{"scheduledActionName", "at", "repeat", "scalableTargetAction":
//        {"minCapacity", "maxCapacity"}}]}
//
// Checks follow the API: capacities 0 to 5000 with min <= max; target values in (0, 100] for
// the two percent metrics (ALBRequestCountPerTarget is refused: ecsim models no load
// balancer); step adjustments as PutScalingPolicy validates them (StepAdjustment: no overlap
// and no gap, at most one null lower and one null upper bound, not both null in one step, a
// negative lower bound needs a step with a null lower bound, a positive upper bound one with
// a null upper bound); minAdjustmentMagnitude only with PercentChangeInCapacity. Cooldowns
// default to 300 s (Application Auto Scaling's default for ECS). Unnamed policies and actions
// are named "targetTracking-N", "stepScaling-N", "scheduledAction-N" (N from 1 in list order);
// names are unique within the service. A desiredCount outside [min, max] is accepted: ECS
// brings it inside at the first scaling activity.
#pragma once

#include "scenarios/json_cursor.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// Parses and validates one service's autoScaling. Scheduled actions come out sorted by `at`,
// file order among equal times; steps sorted by their lower bound.
sim::AutoScalingSpec parse_auto_scaling(const JsonCursor& c);

}  // namespace ecsim::scenarios
