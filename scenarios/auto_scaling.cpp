#include "scenarios/auto_scaling.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "scenarios/load_context.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/values.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
// API reference PutScalingPolicy / PutScheduledAction: names of 1 to 256 printable characters.
constexpr std::size_t kMaxNameChars = 256;
// CloudWatch PutMetricAlarm: EvaluationPeriods x Period at most one day; ecsim's alarms have
// one-minute periods.
constexpr std::int64_t kMaxEvaluationPeriods = 1440;
// Application Auto Scaling's default cooldown for ECS service policies.
constexpr sim::SimTime kDefaultCooldown = 300 * sim::kSecond;

const std::vector<std::string> kMetrics = {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"};

std::int32_t get_capacity(const JsonCursor& c, std::string_view name) {
  return static_cast<std::int32_t>(c.get_int(0, kMaxDesiredCount, "a " + std::string(name) + " from 0 to 5000"));
}

sim::ScalingMetric metric_of(std::size_t index) {
  return index == 0 ? sim::ScalingMetric::kCpuUtilization : sim::ScalingMetric::kMemoryUtilization;
}

// ALBRequestCountPerTarget is a real predefined metric, so it gets a reason rather than a
// did-you-mean.
sim::ScalingMetric get_metric(const JsonCursor& c, std::string_view kind) {
  if (c.is_string() && c.json().get_ref<const std::string&>() == "ALBRequestCountPerTarget") {
    c.fail("ECSServiceAverageCPUUtilization or ECSServiceAverageMemoryUtilization (ALBRequestCountPerTarget needs a "
           "load balancer, which ecsim does not model)");
  }
  return metric_of(choose(c, kind, kMetrics));
}

sim::SimTime get_cooldown(const JsonCursor& parent, std::string_view key) {
  return parent.has(key) ? get_duration(parent[key]) : kDefaultCooldown;
}

// Names a policy or action: the given name (unique among `taken`) or "<prefix>-<n>".
std::string name_of(const JsonCursor& item, std::string_view key, const std::string& fallback,
                    std::vector<std::string>& taken, std::string_view what) {
  std::string name = fallback;
  if (item.has(key)) {
    name = item[key].get_name("a " + std::string(what) + " name");
    if (name.size() > kMaxNameChars) item[key].fail("a " + std::string(what) + " name of at most 256 characters");
  }
  if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
    item[key].fail("a " + std::string(what) + " name not used before in this service", quote(name));
  }
  taken.push_back(name);
  return name;
}

sim::TargetTrackingPolicy read_target_tracking(const JsonCursor& p, std::size_t index, std::vector<std::string>& taken) {
  p.expect_object("a target tracking scaling policy object");
  p.check_keys(keys::kTargetTrackingPolicy);
  sim::TargetTrackingPolicy out;
  out.name = name_of(p, "policyName", "targetTracking-" + std::to_string(index + 1), taken, "policy");
  const JsonCursor spec = p["predefinedMetricSpecification"];
  spec.expect_object("a predefinedMetricSpecification object ({\"predefinedMetricType\": ...})");
  spec.check_keys(keys::kPredefinedMetric);
  out.metric = get_metric(spec["predefinedMetricType"], "predefinedMetricType");
  // Both metrics are percentages of what the service reserves.
  const JsonCursor target = p["targetValue"];
  const std::string expected = "a targetValue above 0 and at most 100 (a percentage)";
  out.target_value = target.get_number(expected);
  if (!(out.target_value > 0) || out.target_value > 100) target.fail(expected);
  out.scale_out_cooldown = get_cooldown(p, "scaleOutCooldown");
  out.scale_in_cooldown = get_cooldown(p, "scaleInCooldown");
  if (p.has("disableScaleIn")) out.disable_scale_in = p["disableScaleIn"].get_bool();
  return out;
}

std::optional<double> get_bound(const JsonCursor& step, std::string_view key) {
  if (!has_value(step, key)) return std::nullopt;
  return step[key].get_number("a number (a bound on the metric's distance from the threshold)");
}

// StepAdjustment's rules (API reference, Application Auto Scaling), checked on `list`.
std::vector<sim::StepAdjustment> read_steps(const JsonCursor& list, sim::AdjustmentType type) {
  list.expect_array("an array of step adjustments");
  if (list.size() == 0) list.fail("at least one step adjustment");
  struct Read {
    sim::StepAdjustment step;
    std::size_t index;
    bool lower_null, upper_null;
  };
  std::vector<Read> steps;
  const double inf = std::numeric_limits<double>::infinity();
  std::size_t null_lower = 0, null_upper = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor s = list.at(i);
    s.expect_object("a step adjustment object");
    s.check_keys(keys::kStepAdjustment);
    Read r{};
    r.index = i;
    const auto lower = get_bound(s, "metricIntervalLowerBound");
    const auto upper = get_bound(s, "metricIntervalUpperBound");
    r.lower_null = !lower;
    r.upper_null = !upper;
    r.step.lower_bound = lower.value_or(-inf);
    r.step.upper_bound = upper.value_or(inf);
    if (!lower && !upper) s.fail("a metricIntervalLowerBound or a metricIntervalUpperBound (not both null in one step)");
    if (lower && upper && !(*upper > *lower)) {
      s["metricIntervalUpperBound"].fail("an upper bound above the lower bound (" + format_double(*lower) + ")");
    }
    if (!lower && ++null_lower > 1) s.fail("a metricIntervalLowerBound (at most one step has a null lower bound)", "none");
    if (!upper && ++null_upper > 1) s.fail("a metricIntervalUpperBound (at most one step has a null upper bound)", "none");
    const std::int64_t lo = type == sim::AdjustmentType::kExactCapacity ? 0 : -kInt32Max;
    const std::string expected = type == sim::AdjustmentType::kExactCapacity
                                     ? "a scalingAdjustment of at least 0 (ExactCapacity)"
                                     : "an integer scalingAdjustment";
    r.step.scaling_adjustment = static_cast<std::int32_t>(s["scalingAdjustment"].get_int(lo, kInt32Max, expected));
    steps.push_back(r);
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Read& a, const Read& b) { return a.step.lower_bound < b.step.lower_bound; });
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const JsonCursor s = list.at(steps[k].index);
    if (k > 0) {
      const double previous_upper = steps[k - 1].step.upper_bound;
      if (steps[k].step.lower_bound < previous_upper) {
        s.fail("a step that does not overlap another (stepAdjustments/" + std::to_string(steps[k - 1].index) + " reaches " +
                   format_double(previous_upper) + ")",
               "a lower bound of " + format_double(steps[k].step.lower_bound));
      }
      if (steps[k].step.lower_bound > previous_upper) {
        s.fail("a step that leaves no gap after another (stepAdjustments/" + std::to_string(steps[k - 1].index) + " ends at " +
                   format_double(previous_upper) + ")",
               "a lower bound of " + format_double(steps[k].step.lower_bound));
      }
    }
    if (!steps[k].lower_null && steps[k].step.lower_bound < 0 && null_lower == 0) {
      s["metricIntervalLowerBound"].fail("a lower bound of at least 0, or a step with a null lower bound (needed with "
                                         "a negative lower bound)");
    }
    if (!steps[k].upper_null && steps[k].step.upper_bound > 0 && null_upper == 0) {
      s["metricIntervalUpperBound"].fail("an upper bound of at most 0, or a step with a null upper bound (needed with "
                                         "a positive upper bound)");
    }
  }
  std::vector<sim::StepAdjustment> out;
  for (const auto& r : steps) out.push_back(r.step);
  return out;
}

sim::StepScalingPolicy read_step_scaling(const JsonCursor& p, std::size_t index, std::vector<std::string>& taken) {
  p.expect_object("a step scaling policy object");
  p.check_keys(keys::kStepScalingPolicy);
  sim::StepScalingPolicy out;
  out.name = name_of(p, "policyName", "stepScaling-" + std::to_string(index + 1), taken, "policy");

  const JsonCursor alarm = p["alarm"];
  alarm.expect_object("an alarm object ({\"metric\", \"comparisonOperator\", \"threshold\", \"evaluationPeriods\"})");
  alarm.check_keys(keys::kAlarm);
  out.metric = get_metric(alarm["metric"], "alarm metric");
  static const sim::ComparisonOperator kOperators[] = {sim::ComparisonOperator::kGreaterOrEqual, sim::ComparisonOperator::kGreater,
                                                       sim::ComparisonOperator::kLessOrEqual, sim::ComparisonOperator::kLess};
  out.comparison = kOperators[choose(alarm["comparisonOperator"], "comparisonOperator",
                                     {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanOrEqualToThreshold",
                                      "LessThanThreshold"})];
  out.threshold = alarm["threshold"].get_number("a threshold (a percentage)");
  out.evaluation_periods = static_cast<std::int32_t>(
      alarm["evaluationPeriods"].get_int(1, kMaxEvaluationPeriods, "an evaluationPeriods from 1 to 1440 (minutes)"));
  out.datapoints_to_alarm = out.evaluation_periods;
  if (alarm.has("datapointsToAlarm")) {
    out.datapoints_to_alarm = static_cast<std::int32_t>(alarm["datapointsToAlarm"].get_int(
        1, out.evaluation_periods, "a datapointsToAlarm from 1 to the evaluationPeriods (" +
                                       std::to_string(out.evaluation_periods) + ")"));
  }

  const JsonCursor conf = p["stepScalingPolicyConfiguration"];
  conf.expect_object("a stepScalingPolicyConfiguration object");
  conf.check_keys(keys::kStepScalingConfiguration);
  static const sim::AdjustmentType kTypes[] = {sim::AdjustmentType::kChangeInCapacity, sim::AdjustmentType::kExactCapacity,
                                               sim::AdjustmentType::kPercentChangeInCapacity};
  out.adjustment_type = kTypes[choose(conf["adjustmentType"], "adjustmentType",
                                      {"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"})];
  out.steps = read_steps(conf["stepAdjustments"], out.adjustment_type);
  out.cooldown = get_cooldown(conf, "cooldown");
  if (conf.has("minAdjustmentMagnitude")) {
    if (out.adjustment_type != sim::AdjustmentType::kPercentChangeInCapacity) {
      conf["minAdjustmentMagnitude"].fail("no minAdjustmentMagnitude: it applies to PercentChangeInCapacity only");
    }
    out.min_adjustment_magnitude = static_cast<std::int32_t>(
        conf["minAdjustmentMagnitude"].get_int(1, kMaxDesiredCount, "a minAdjustmentMagnitude from 1 to 5000"));
  }
  return out;
}

sim::ScheduledAction read_scheduled(const JsonCursor& a, std::size_t index, std::vector<std::string>& taken) {
  a.expect_object("a scheduled action object");
  a.check_keys(keys::kScheduledAction);
  sim::ScheduledAction out;
  out.name = name_of(a, "scheduledActionName", "scheduledAction-" + std::to_string(index + 1), taken, "scheduled action");
  out.at = get_time(a["at"]);
  if (a.has("repeat")) out.repeat = get_positive_duration(a["repeat"]);
  const JsonCursor t = a["scalableTargetAction"];
  t.expect_object("a scalableTargetAction object ({\"minCapacity\": ..., \"maxCapacity\": ...})");
  t.check_keys(keys::kScalableTargetAction);
  if (!t.has("minCapacity") && !t.has("maxCapacity")) t.fail("a minCapacity or a maxCapacity");
  if (t.has("minCapacity")) out.min_capacity = get_capacity(t["minCapacity"], "minCapacity");
  if (t.has("maxCapacity")) out.max_capacity = get_capacity(t["maxCapacity"], "maxCapacity");
  if (out.min_capacity >= 0 && out.max_capacity >= 0 && out.max_capacity < out.min_capacity) {
    t["maxCapacity"].fail("a maxCapacity of at least the minCapacity (" + std::to_string(out.min_capacity) + ")");
  }
  return out;
}

}  // namespace

sim::AutoScalingSpec parse_auto_scaling(const JsonCursor& c) {
  c.expect_object("an autoScaling object");
  c.check_keys(keys::kAutoScaling);
  sim::AutoScalingSpec out;
  out.min_capacity = get_capacity(c["minCapacity"], "minCapacity");
  out.max_capacity = get_capacity(c["maxCapacity"], "maxCapacity");
  if (out.max_capacity < out.min_capacity) {
    c["maxCapacity"].fail("a maxCapacity of at least the minCapacity (" + std::to_string(out.min_capacity) + ")");
  }
  std::vector<std::string> policy_names;
  if (c.has("targetTrackingScalingPolicies")) {
    const JsonCursor list = c["targetTrackingScalingPolicies"];
    list.expect_array("an array of target tracking scaling policies");
    for (std::size_t i = 0; i < list.size(); ++i) out.target_tracking.push_back(read_target_tracking(list.at(i), i, policy_names));
  }
  if (c.has("stepScalingPolicies")) {
    const JsonCursor list = c["stepScalingPolicies"];
    list.expect_array("an array of step scaling policies");
    for (std::size_t i = 0; i < list.size(); ++i) out.step_scaling.push_back(read_step_scaling(list.at(i), i, policy_names));
  }
  if (c.has("scheduledActions")) {
    const JsonCursor list = c["scheduledActions"];
    list.expect_array("an array of scheduled actions");
    std::vector<std::string> action_names;
    for (std::size_t i = 0; i < list.size(); ++i) out.scheduled.push_back(read_scheduled(list.at(i), i, action_names));
    std::stable_sort(out.scheduled.begin(), out.scheduled.end(),
                     [](const sim::ScheduledAction& a, const sim::ScheduledAction& b) { return a.at < b.at; });
  }
  return out;
}

}  // namespace ecsim::scenarios
