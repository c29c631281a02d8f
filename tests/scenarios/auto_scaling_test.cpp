#include "scenarios/auto_scaling.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

sim::AutoScalingSpec parse_text(const std::string& json) {
  auto doc = parse_json_document(json, "as.json");
  return parse_auto_scaling(JsonCursor(*doc));
}

std::string as_error(const std::string& json) {
  return error_text([&] { parse_text(json); });
}

// A step scaling policy on CPU >= 70 with the given stepAdjustments and adjustmentType.
std::string step_policy(const std::string& steps, const std::string& type = "ChangeInCapacity") {
  return R"({"minCapacity": 1, "maxCapacity": 10, "stepScalingPolicies": [{"alarm": {"metric": "ECSServiceAverageCPUUtilization",
      "comparisonOperator": "GreaterThanOrEqualToThreshold", "threshold": 70, "evaluationPeriods": 3},
      "stepScalingPolicyConfiguration": {"adjustmentType": ")" +
         type + R"(", "stepAdjustments": )" + steps + "}}]}";
}

TEST_CASE("auto_scaling: a target tracking policy gets Application Auto Scaling's defaults", "[ecs][scenarios]") {
  // Dev Guide "Target tracking scaling policies" (Amazon ECS): cooldowns default to 300 s for
  // ECS services; scale-in is enabled unless disableScaleIn.
  const auto a = parse_text(R"({"minCapacity": 2, "maxCapacity": 20, "targetTrackingScalingPolicies": [
      {"targetValue": 60, "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}},
      {"policyName": "memory", "targetValue": 75.5, "scaleOutCooldown": 60, "scaleInCooldown": "10m", "disableScaleIn": true,
       "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageMemoryUtilization"}}]})");
  CHECK(a.min_capacity == 2);
  CHECK(a.max_capacity == 20);
  REQUIRE(a.target_tracking.size() == 2);
  CHECK(a.target_tracking[0].name == "targetTracking-1");
  CHECK(a.target_tracking[0].metric == sim::ScalingMetric::kCpuUtilization);
  CHECK(a.target_tracking[0].target_value == 60);
  CHECK(a.target_tracking[0].scale_out_cooldown == 300 * sim::kSecond);
  CHECK(a.target_tracking[0].scale_in_cooldown == 300 * sim::kSecond);
  CHECK_FALSE(a.target_tracking[0].disable_scale_in);
  CHECK(a.target_tracking[1].name == "memory");
  CHECK(a.target_tracking[1].metric == sim::ScalingMetric::kMemoryUtilization);
  CHECK(a.target_tracking[1].target_value == 75.5);
  CHECK(a.target_tracking[1].scale_out_cooldown == sim::kMinute);
  CHECK(a.target_tracking[1].scale_in_cooldown == 10 * sim::kMinute);
  CHECK(a.target_tracking[1].disable_scale_in);
  CHECK(a.step_scaling.empty());
  CHECK(a.scheduled.empty());
}

TEST_CASE("auto_scaling: capacities are 0 to 5000 with min at most max, both required", "[ecs][scenarios]") {
  // API reference RegisterScalableTarget: MinCapacity and MaxCapacity for a new target.
  CHECK(parse_text(R"({"minCapacity": 0, "maxCapacity": 5000})").max_capacity == 5000);
  CHECK(parse_text(R"({"minCapacity": 3, "maxCapacity": 3})").min_capacity == 3);
  CHECK(as_error(R"({"minCapacity": 1})") == "as.json: /maxCapacity: expected a maxCapacity from 0 to 5000, got nothing");
  CHECK(as_error(R"({"minCapacity": 1, "maxCapacity": 5001})") ==
        "as.json: /maxCapacity: expected a maxCapacity from 0 to 5000, got 5001");
  CHECK(as_error(R"({"minCapacity": 1, "maxCapacity": 2, "targetTracking": []})") ==
        "as.json: /targetTracking: expected a known key of autoScaling (valid: maxCapacity, minCapacity, scheduledActions, stepScalingPolicies, targetTrackingScalingPolicies), got "
        "\"targetTracking\"");
}

TEST_CASE("auto_scaling: a step scaling policy keeps its alarm and its steps sorted by lower bound", "[ecs][scenarios]") {
  // API reference StepAdjustment: bounds are relative to the alarm threshold; a null bound is
  // infinite; ranges must not overlap or leave a gap.
  const auto a = parse_text(step_policy(R"([{"metricIntervalLowerBound": 20, "scalingAdjustment": 3},
      {"metricIntervalLowerBound": 0, "metricIntervalUpperBound": 20, "scalingAdjustment": 1}])"));
  REQUIRE(a.step_scaling.size() == 1);
  const auto& p = a.step_scaling[0];
  CHECK(p.name == "stepScaling-1");
  CHECK(p.metric == sim::ScalingMetric::kCpuUtilization);
  CHECK(p.comparison == sim::ComparisonOperator::kGreaterOrEqual);
  CHECK(p.threshold == 70);
  CHECK(p.evaluation_periods == 3);
  CHECK(p.datapoints_to_alarm == 3);
  CHECK(p.adjustment_type == sim::AdjustmentType::kChangeInCapacity);
  CHECK(p.cooldown == 300 * sim::kSecond);
  CHECK(p.min_adjustment_magnitude == 0);
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].lower_bound == 0);
  CHECK(p.steps[0].upper_bound == 20);
  CHECK(p.steps[0].scaling_adjustment == 1);
  CHECK(p.steps[1].lower_bound == 20);
  CHECK(std::isinf(p.steps[1].upper_bound));
  CHECK(p.steps[1].scaling_adjustment == 3);
  // Scale-in below the threshold, percent with a minimum magnitude.
  const auto in = parse_text(R"({"minCapacity": 1, "maxCapacity": 10, "stepScalingPolicies": [{"policyName": "in",
      "alarm": {"metric": "ECSServiceAverageMemoryUtilization", "comparisonOperator": "LessThanThreshold", "threshold": 30,
                "evaluationPeriods": 15, "datapointsToAlarm": 10},
      "stepScalingPolicyConfiguration": {"adjustmentType": "PercentChangeInCapacity", "minAdjustmentMagnitude": 2, "cooldown": "2m",
                                         "stepAdjustments": [{"metricIntervalUpperBound": -10, "scalingAdjustment": -30},
                                                             {"metricIntervalLowerBound": -10, "metricIntervalUpperBound": 0,
                                                              "scalingAdjustment": -10}]}}]})").step_scaling.at(0);
  CHECK(in.comparison == sim::ComparisonOperator::kLess);
  CHECK(in.datapoints_to_alarm == 10);
  CHECK(in.adjustment_type == sim::AdjustmentType::kPercentChangeInCapacity);
  CHECK(in.min_adjustment_magnitude == 2);
  CHECK(in.cooldown == 2 * sim::kMinute);
  CHECK(std::isinf(in.steps[0].lower_bound));
  CHECK(in.steps[0].lower_bound < 0);
  CHECK(in.steps[0].scaling_adjustment == -30);
}

TEST_CASE("auto_scaling: step adjustments follow PutScalingPolicy's rules", "[ecs][scenarios]") {
  // API reference StepAdjustment: "At most one step adjustment can have a null lower bound. If one
  // step adjustment has a negative lower bound, then there must be a step adjustment with a null
  // lower bound." Likewise for upper bounds; both cannot be null in one step.
  CHECK(as_error(step_policy(R"([{"metricIntervalUpperBound": 0, "scalingAdjustment": -1},
      {"metricIntervalUpperBound": 10, "metricIntervalLowerBound": 0, "scalingAdjustment": 1},
      {"metricIntervalUpperBound": 5, "scalingAdjustment": 1}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/2: expected a metricIntervalLowerBound "
        "(at most one step has a null lower bound), got none");
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 0, "scalingAdjustment": 1},
      {"metricIntervalLowerBound": 10, "scalingAdjustment": 2}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/1: expected a metricIntervalUpperBound "
        "(at most one step has a null upper bound), got none");
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": -10, "metricIntervalUpperBound": 0, "scalingAdjustment": -1}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/0/metricIntervalLowerBound: expected "
        "a lower bound of at least 0, or a step with a null lower bound (needed with a negative lower bound), got -10");
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 0, "metricIntervalUpperBound": 10, "scalingAdjustment": 1}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/0/metricIntervalUpperBound: expected "
        "an upper bound of at most 0, or a step with a null upper bound (needed with a positive upper bound), got 10");
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 10, "metricIntervalUpperBound": 10, "scalingAdjustment": 1}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/0/metricIntervalUpperBound: expected "
        "an upper bound above the lower bound (10), got 10");
  CHECK(as_error(step_policy(R"([])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments: expected at least one step "
        "adjustment, got []");
  // API reference StepAdjustment: "For exact capacity, you must specify a non-negative value."
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 0, "scalingAdjustment": -1}])", "ExactCapacity")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/0/scalingAdjustment: expected a "
        "scalingAdjustment of at least 0 (ExactCapacity), got -1");
  CHECK(parse_text(step_policy(R"([{"metricIntervalLowerBound": 0, "scalingAdjustment": 4}])", "ExactCapacity"))
            .step_scaling[0]
            .adjustment_type == sim::AdjustmentType::kExactCapacity);
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 0, "scalingAdjustment": 1.5}])")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/stepAdjustments/0/scalingAdjustment: expected an "
        "integer scalingAdjustment, got 1.5");
  CHECK(as_error(step_policy(R"([{"metricIntervalLowerBound": 0, "scalingAdjustment": 1}])", "ChangeCapacity")) ==
        "as.json: /stepScalingPolicies/0/stepScalingPolicyConfiguration/adjustmentType: expected a known adjustmentType (did "
        "you mean \"ChangeInCapacity\"? valid: ChangeInCapacity, ExactCapacity, PercentChangeInCapacity), got "
        "\"ChangeCapacity\"");
}

TEST_CASE("auto_scaling: scheduled actions are sorted by time, file order among equals", "[ecs][scenarios]") {
  // Application Auto Scaling PutScheduledAction: an action sets MinCapacity and/or MaxCapacity.
  const auto a = parse_text(R"({"minCapacity": 1, "maxCapacity": 10, "scheduledActions": [
      {"scheduledActionName": "evening", "at": "18:00", "repeat": "1d", "scalableTargetAction": {"maxCapacity": 4}},
      {"scheduledActionName": "morning", "at": "08:00", "repeat": "1d", "scalableTargetAction": {"minCapacity": 6, "maxCapacity": 20}},
      {"at": "08:00", "scalableTargetAction": {"minCapacity": 2}}]})");
  REQUIRE(a.scheduled.size() == 3);
  CHECK(a.scheduled[0].name == "morning");
  CHECK(a.scheduled[0].at == 8 * sim::kHour);
  CHECK(a.scheduled[0].repeat == sim::kDay);
  CHECK(a.scheduled[0].min_capacity == 6);
  CHECK(a.scheduled[0].max_capacity == 20);
  CHECK(a.scheduled[1].name == "scheduledAction-3");
  CHECK(a.scheduled[1].repeat == 0);
  CHECK(a.scheduled[1].max_capacity == -1);
  CHECK(a.scheduled[2].name == "evening");
  CHECK(a.scheduled[2].min_capacity == -1);
  CHECK(as_error(R"({"minCapacity": 1, "maxCapacity": 10, "scheduledActions": [
      {"scheduledActionName": "x", "at": "1h", "scalableTargetAction": {"minCapacity": 1}},
      {"scheduledActionName": "x", "at": "2h", "scalableTargetAction": {"minCapacity": 2}}]})") ==
        "as.json: /scheduledActions/1/scheduledActionName: expected a scheduled action name not used before in this service, "
        "got \"x\"");
  CHECK(as_error(R"({"minCapacity": 1, "maxCapacity": 10, "scheduledActions": [
      {"at": "1h", "scalableTargetAction": {"minCapacity": 5, "maxCapacity": 2}}]})") ==
        "as.json: /scheduledActions/0/scalableTargetAction/maxCapacity: expected a maxCapacity of at least the minCapacity "
        "(5), got 2");
}

}  // namespace
}  // namespace ecsim::scenarios
