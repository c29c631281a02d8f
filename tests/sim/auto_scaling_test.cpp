#include "sim/auto_scaling.h"

#include <catch2/catch.hpp>

using ecsim::sim::AdjustmentType;
using ecsim::sim::apply_adjustment;
using ecsim::sim::AutoScalingSpec;
using ecsim::sim::breaches;
using ecsim::sim::ComparisonOperator;
using ecsim::sim::find_step;
using ecsim::sim::kHour;
using ecsim::sim::kMinute;
using ecsim::sim::percent_change;
using ecsim::sim::ScalingMetric;
using ecsim::sim::ScheduledAction;
using ecsim::sim::ServiceAutoScaler;
using ecsim::sim::SimTime;
using ecsim::sim::StepAdjustment;
using ecsim::sim::StepScalingPolicy;
using ecsim::sim::target_tracking_scale_in;
using ecsim::sim::target_tracking_scale_out;
using ecsim::sim::TargetTrackingPolicy;
using Kind = ServiceAutoScaler::Decision::Kind;
using Cause = ServiceAutoScaler::Decision::Cause;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TargetTrackingPolicy tracking(std::string name, double target, ScalingMetric metric = ScalingMetric::kCpuUtilization) {
  TargetTrackingPolicy p;
  p.name = std::move(name);
  p.metric = metric;
  p.target_value = target;
  return p;
}

AutoScalingSpec spec_with(std::int32_t min, std::int32_t max) {
  AutoScalingSpec s;
  s.min_capacity = min;
  s.max_capacity = max;
  return s;
}

// Drives a scaler minute by minute the way the engine does, keeping desired as the scaler sets
// it and running as the test says.
struct Driver {
  ServiceAutoScaler scaler;
  SimTime now = 0;
  std::int32_t desired;
  bool deploying = false;

  Driver(AutoScalingSpec spec, std::int32_t initial) : scaler(std::move(spec)), desired(initial) {}

  ServiceAutoScaler::Decision minute(std::optional<double> cpu, std::int32_t running,
                                     std::optional<double> memory = std::nullopt) {
    now += kMinute;
    const auto d = scaler.on_minute(now, cpu, memory, running, desired, deploying);
    if (d.changed()) desired = d.desired;
    return d;
  }

  // Feeds `n` identical minutes; returns the minute number (1-based) of the first action, or 0.
  int until_action(int n, std::optional<double> cpu, std::int32_t running, std::optional<double> memory = std::nullopt) {
    for (int i = 1; i <= n; ++i) {
      if (minute(cpu, running, memory).changed()) return i;
    }
    return 0;
  }
};

StepScalingPolicy step_policy(std::string name, ComparisonOperator op, double threshold,
                              std::vector<StepAdjustment> steps,
                              AdjustmentType type = AdjustmentType::kChangeInCapacity) {
  StepScalingPolicy p;
  p.name = std::move(name);
  p.comparison = op;
  p.threshold = threshold;
  p.steps = std::move(steps);
  p.adjustment_type = type;
  return p;
}

}  // namespace

// ---- Pure rules ----

TEST_CASE("AutoScaling: target tracking scales out proportionally, rounding up", "[autoscaling]") {
  REQUIRE(target_tracking_scale_out(4, 90, 50, 100) == 8);   // 7.2 -> 8
  REQUIRE(target_tracking_scale_out(4, 75, 50, 100) == 6);   // exactly 6, no spurious 7th
  REQUIRE(target_tracking_scale_out(10, 70, 70.000001, 100) == 11);  // at least one more
  REQUIRE(target_tracking_scale_out(3, 50.1, 50, 100) == 4);
  REQUIRE(target_tracking_scale_out(4, 100, 10, 25) == 25);  // capped by the limit
}

TEST_CASE("AutoScaling: target tracking scale-in rounds up and may remove nothing", "[autoscaling]") {
  REQUIRE(target_tracking_scale_in(10, 44, 50) == 9);  // 8.8 -> 9: 44 x 10 / 9 = 48.9 <= 50
  REQUIRE(target_tracking_scale_in(10, 30, 50) == 6);
  REQUIRE(target_tracking_scale_in(5, 44, 50) == 5);   // 4.4 -> 5: removing one would exceed target
  REQUIRE(target_tracking_scale_in(4, 0, 50) == 0);
}

TEST_CASE("AutoScaling: PercentChangeInCapacity rounding and MinAdjustmentMagnitude", "[autoscaling][ecs]") {
  // "Step scaling policies for Application Auto Scaling": values greater than 1 are rounded
  // down (12.7 -> 12), between 0 and 1 rounded to 1, between 0 and -1 to -1, less than -1
  // rounded up (-6.67 -> -6).
  REQUIRE(percent_change(10, 127, 0) == 12);
  REQUIRE(percent_change(3, 22, 0) == 1);     // 0.66
  REQUIRE(percent_change(3, -22, 0) == -1);
  REQUIRE(percent_change(30, -22, 0) == -6);  // -6.6
  REQUIRE(percent_change(10, 30, 0) == 3);
  REQUIRE(percent_change(10, 0, 5) == 0);
  // StepScalingPolicyConfiguration MinAdjustmentMagnitude: "scale out an Amazon ECS service by
  // 25 percent ... MinAdjustmentMagnitude of 2. If the service has 4 tasks ... 25 percent of 4
  // is 1. However, because you specified a MinAdjustmentMagnitude of 2, Application Auto
  // Scaling scales out the service by 2 tasks."
  REQUIRE(percent_change(4, 25, 2) == 2);
  REQUIRE(percent_change(4, -25, 2) == -2);
  REQUIRE(percent_change(40, 25, 2) == 10);
  REQUIRE(apply_adjustment(AdjustmentType::kPercentChangeInCapacity, 4, 25, 2) == 6);
  REQUIRE(apply_adjustment(AdjustmentType::kChangeInCapacity, 4, -6, 0) == 0);
  REQUIRE(apply_adjustment(AdjustmentType::kExactCapacity, 4, 9, 0) == 9);
}

TEST_CASE("AutoScaling: step bounds are inclusive below on the high side and above on the low side", "[autoscaling][ecs]") {
  // StepAdjustment: above the threshold the lower bound is inclusive and the upper exclusive;
  // below it the lower bound is exclusive and the upper inclusive.
  const std::vector<StepAdjustment> steps = {
      {-kInf, -10, -2}, {-10, 0, -1}, {0, 10, 1}, {10, kInf, 3}};
  REQUIRE(find_step(steps, 0)->scaling_adjustment == 1);
  REQUIRE(find_step(steps, 9.99)->scaling_adjustment == 1);
  REQUIRE(find_step(steps, 10)->scaling_adjustment == 3);
  REQUIRE(find_step(steps, -10)->scaling_adjustment == -2);  // upper inclusive below threshold
  REQUIRE(find_step(steps, -9.99)->scaling_adjustment == -1);
  REQUIRE(find_step(steps, -0.01)->scaling_adjustment == -1);
  const std::vector<StepAdjustment> only_high = {{5, kInf, 1}};
  REQUIRE(find_step(only_high, 4) == nullptr);
}

TEST_CASE("AutoScaling: alarm comparisons", "[autoscaling]") {
  REQUIRE(breaches(ComparisonOperator::kGreaterOrEqual, 70, 70));
  REQUIRE_FALSE(breaches(ComparisonOperator::kGreater, 70, 70));
  REQUIRE(breaches(ComparisonOperator::kLessOrEqual, 70, 70));
  REQUIRE_FALSE(breaches(ComparisonOperator::kLess, 70, 70));
  REQUIRE(breaches(ComparisonOperator::kLess, 69.9, 70));
}

// ---- Target tracking ----

TEST_CASE("AutoScaling: a step in load scales out at the third high minute, proportionally", "[autoscaling][ecs]") {
  // "Target tracking scaling policies for Application Auto Scaling": the high alarm needs 3
  // datapoints above target; the scale-out is proportional to the metric.
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 4);
  REQUIRE(d.until_action(10, 40.0, 4) == 0);  // below target: nothing
  REQUIRE_FALSE(d.minute(90.0, 4).changed());
  REQUIRE_FALSE(d.minute(90.0, 4).changed());
  const auto third = d.minute(90.0, 4);
  REQUIRE(third.kind == Kind::kScaleOut);
  REQUIRE(third.cause == Cause::kTargetTracking);
  REQUIRE(third.policy == "cpu50");
  REQUIRE(third.previous == 4);
  REQUIRE(third.desired == 8);  // ceil(4 x 90 / 50) = ceil(7.2)
  REQUIRE(third.metric == 90.0);
  REQUIRE(describe(third) == "target tracking policy \"cpu50\" at 90.0 %: desired 4 -> 8");
}

TEST_CASE("AutoScaling: a missing datapoint restarts the alarm count", "[autoscaling][ecs]") {
  // Missing data puts the alarm in INSUFFICIENT_DATA: no scaling.
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 4);
  d.minute(90.0, 4);
  d.minute(90.0, 4);
  REQUIRE_FALSE(d.minute(std::nullopt, 4).changed());
  REQUIRE_FALSE(d.minute(90.0, 4).changed());
  REQUIRE_FALSE(d.minute(90.0, 4).changed());
  REQUIRE(d.minute(90.0, 4).kind == Kind::kScaleOut);
}

TEST_CASE("AutoScaling: the starting point is the running count, and scale-out never lowers desired", "[autoscaling][ecs]") {
  // "Automatically scale your Amazon ECS service": the running count is the starting point.
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 10);  // desired 10, only 4 running
  REQUIRE(d.until_action(5, 90.0, 4) == 0);  // wants 8 <= 10
  REQUIRE(d.desired == 10);
  const auto out = d.minute(90.0, 6);        // ceil(6 x 1.8) = 11
  REQUIRE(out.kind == Kind::kScaleOut);
  REQUIRE(out.desired == 11);
}

TEST_CASE("AutoScaling: during the scale-out cooldown only a larger scale-out happens", "[autoscaling][ecs]") {
  // TargetTrackingScalingPolicyConfiguration ScaleOutCooldown: "the capacity that has been added
  // by the previous scale out event that initiated the cooldown is calculated as part of the
  // desired capacity for the next scale out".
  AutoScalingSpec s = spec_with(1, 50);
  s.target_tracking.push_back(tracking("cpu50", 50));  // 300 s cooldowns by default
  Driver d(std::move(s), 4);
  REQUIRE(d.until_action(3, 90.0, 4) == 3);  // minute 3: 4 -> 8
  REQUIRE(d.desired == 8);
  // The new tasks are not running yet: the same datapoint asks for 8 again. Nothing.
  REQUIRE_FALSE(d.minute(90.0, 4).changed());
  // Five running at 100 % asks for 10 > 8: allowed inside the cooldown.
  const auto bigger = d.minute(100.0, 5);
  REQUIRE(bigger.kind == Kind::kScaleOut);
  REQUIRE(bigger.desired == 10);
  // With desired raised elsewhere, a proposal of 9 would still be held back by the cooldown
  // (9 <= 10), so nothing happens for 5 minutes even when desired drops below it.
  d.desired = 6;
  REQUIRE(d.until_action(4, 90.0, 5) == 0);  // ceil(5 x 1.8) = 9 <= 10, cooling down
  const auto after = d.minute(90.0, 5);      // 5 minutes after the scale-out at minute 5
  REQUIRE(after.kind == Kind::kScaleOut);
  REQUIRE(after.desired == 9);
}

TEST_CASE("AutoScaling: scale-in needs 15 low minutes and then waits for its cooldown", "[autoscaling][ecs]") {
  // Low alarm: < 90 % of target for 15 datapoints. ScaleInCooldown: "scale-in activities are
  // blocked until the cooldown period has expired".
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 10);
  REQUIRE(d.until_action(30, 46.0, 10) == 0);  // 46 >= 45: not low, never scales in
  const auto in = d.minute(30.0, 10);
  REQUIRE_FALSE(in.changed());
  REQUIRE(d.until_action(13, 30.0, 10) == 0);
  const auto fifteenth = d.minute(30.0, 10);
  REQUIRE(fifteenth.kind == Kind::kScaleIn);
  REQUIRE(fifteenth.desired == 6);  // ceil(10 x 30 / 50)
  // Still low with 6 running (20 % each): scale-in again only 300 s after the last one.
  REQUIRE(d.until_action(4, 20.0, 6) == 0);
  const auto again = d.minute(20.0, 6);
  REQUIRE(again.kind == Kind::kScaleIn);
  REQUIRE(again.desired == 3);  // ceil(6 x 20 / 50) = ceil(2.4)
}

TEST_CASE("AutoScaling: a low alarm that would push the metric over target removes nothing", "[autoscaling]") {
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 5);
  REQUIRE(d.until_action(40, 44.0, 5) == 0);  // ceil(5 x 0.88) = 5
}

TEST_CASE("AutoScaling: scale-in is suspended during a deployment, scale-out is not", "[autoscaling][ecs]") {
  // "Automatically scale your Amazon ECS service": scale-in processes are turned off while a
  // deployment is in progress; scale-out continues.
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 10);
  d.deploying = true;
  REQUIRE(d.until_action(30, 30.0, 10) == 0);
  d.deploying = false;
  const auto in = d.minute(30.0, 10);  // the alarm has stayed low all along
  REQUIRE(in.kind == Kind::kScaleIn);
  REQUIRE(in.desired == 6);
  d.deploying = true;
  REQUIRE(d.until_action(3, 95.0, 6) == 3);
  REQUIRE(d.desired == 12);  // ceil(6 x 1.9) = 11.4 -> 12
}

TEST_CASE("AutoScaling: two policies scale out if any asks and in only if all agree", "[autoscaling][ecs]") {
  // "Target tracking scaling policies for Application Auto Scaling": with several policies the
  // target scales out if any is ready to and in only if all (with scale-in enabled) are; the
  // policy giving the largest capacity wins.
  AutoScalingSpec s = spec_with(1, 40);
  s.target_tracking.push_back(tracking("cpu50", 50));
  s.target_tracking.push_back(tracking("mem60", 60, ScalingMetric::kMemoryUtilization));
  Driver d(std::move(s), 10);
  SECTION("memory alone high: out, by memory's proportion") {
    REQUIRE(d.until_action(5, 30.0, 10, 90.0) == 3);
    REQUIRE(d.desired == 15);  // memory: ceil(10 x 90 / 60)
  }
  SECTION("both high: the larger capacity wins") {
    d.minute(80.0, 10, 90.0);
    d.minute(80.0, 10, 90.0);
    const auto out = d.minute(80.0, 10, 90.0);
    REQUIRE(out.desired == 16);  // cpu: ceil(16), memory: 15
    REQUIRE(out.policy == "cpu50");
  }
  SECTION("cpu low but memory near its target: no scale-in") {
    REQUIRE(d.until_action(40, 10.0, 10, 58.0) == 0);
  }
  SECTION("both low: scale-in to the larger proposal") {
    REQUIRE(d.until_action(15, 20.0, 10, 45.0) == 15);
    REQUIRE(d.desired == 8);  // cpu ceil(4), memory ceil(7.5) = 8
  }
  SECTION("a policy with scale-in disabled neither votes nor blocks") {
    AutoScalingSpec t = spec_with(1, 40);
    t.target_tracking.push_back(tracking("cpu50", 50));
    t.target_tracking.push_back(tracking("mem60", 60, ScalingMetric::kMemoryUtilization));
    t.target_tracking[1].disable_scale_in = true;
    Driver e(std::move(t), 10);
    REQUIRE(e.until_action(15, 20.0, 10, 58.0) == 15);
    REQUIRE(e.desired == 4);
  }
}

TEST_CASE("AutoScaling: a scale-out cancels the scale-in cooldown", "[autoscaling][ecs]") {
  // ScaleInCooldown: "if another alarm triggers a scale-out activity during the scale-in
  // cooldown period, Application Auto Scaling scales out the target immediately. In this case,
  // the scale-in cooldown period stops and doesn't complete."
  AutoScalingSpec s = spec_with(1, 40);
  s.target_tracking.push_back(tracking("cpu50", 50));
  StepScalingPolicy burst = step_policy("mem-burst", ComparisonOperator::kGreaterOrEqual, 80, {{0, kInf, 1}});
  burst.metric = ScalingMetric::kMemoryUtilization;
  s.step_scaling.push_back(burst);
  Driver d(std::move(s), 10);
  REQUIRE(d.until_action(15, 30.0, 10, 50.0) == 15);  // scale-in to 6 at minute 15
  REQUIRE(d.desired == 6);
  const auto out = d.minute(40.0, 6, 85.0);  // memory step fires: +1, cancels the cooldown
  REQUIRE(out.kind == Kind::kScaleOut);
  REQUIRE(out.cause == Cause::kStepScaling);
  REQUIRE(out.desired == 7);
  // CPU stayed low (the 40 % minute was low too): without the cooldown, the next minute scales in.
  const auto in = d.minute(20.0, 7, 50.0);
  REQUIRE(in.kind == Kind::kScaleIn);
  REQUIRE(in.desired == 3);  // ceil(7 x 20 / 50) = ceil(2.8)
}

// ---- Step scaling ----

TEST_CASE("AutoScaling: a step alarm needs M of the last N datapoints and then acts every minute", "[autoscaling][ecs]") {
  // "Step scaling policies for Application Auto Scaling": the alarm's evaluation periods and
  // datapoints to alarm; the step is chosen by the breach size.
  AutoScalingSpec s = spec_with(1, 40);
  StepScalingPolicy p = step_policy("cpu-steps", ComparisonOperator::kGreaterOrEqual, 70, {{0, 10, 1}, {10, kInf, 3}});
  p.evaluation_periods = 3;
  p.datapoints_to_alarm = 2;
  p.cooldown = 0;
  s.step_scaling.push_back(p);
  Driver d(std::move(s), 4);
  REQUIRE_FALSE(d.minute(75.0, 4).changed());  // 1 of 3
  REQUIRE_FALSE(d.minute(50.0, 4).changed());  // 1 of 3
  const auto alarm = d.minute(85.0, 4);        // 2 of 3: ALARM, breach 15 -> +3
  REQUIRE(alarm.kind == Kind::kScaleOut);
  REQUIRE(alarm.desired == 7);
  // Window 50, 85, 72: still 2 of 3 in ALARM; breach 2 -> +1 from the 7 now running.
  const auto next = d.minute(72.0, 7);
  REQUIRE(next.desired == 8);
  // 85, 72, 40: still 2 of 3, but the latest datapoint is below the threshold: no step holds a
  // negative breach, so nothing happens.
  REQUIRE_FALSE(d.minute(40.0, 8).changed());
  // 72, 40, 40: OK.
  REQUIRE_FALSE(d.minute(40.0, 8).changed());
}

TEST_CASE("AutoScaling: during a step cooldown the earlier scale-out counts as already added", "[autoscaling][ecs]") {
  // StepScalingPolicyConfiguration Cooldown: "when an alarm triggers a step scaling policy to
  // increase the capacity by 2, the scaling activity completes successfully, and a cooldown
  // period starts. If the alarm triggers again during the cooldown period but at a more
  // aggressive step adjustment of 3, the previous increase of 2 is considered part of the
  // current capacity. Therefore, only 1 is added to the capacity."
  AutoScalingSpec s = spec_with(1, 40);
  s.step_scaling.push_back(
      step_policy("cpu-steps", ComparisonOperator::kGreaterOrEqual, 70, {{0, 10, 2}, {10, kInf, 3}}));
  Driver d(std::move(s), 10);
  const auto first = d.minute(75.0, 10);
  REQUIRE(first.desired == 12);
  REQUIRE_FALSE(d.minute(75.0, 12).changed());  // +2 again: not larger, cooling down
  const auto larger = d.minute(85.0, 12);
  REQUIRE(larger.kind == Kind::kScaleOut);
  REQUIRE(larger.desired == 13);  // only 1 added
  // An UpdateService lowers desired to 11 meanwhile: the +3 step again asks for 10 + 3 = 13,
  // not above the 13 the last scale-out set, so the cooldown holds it back.
  d.desired = 11;
  REQUIRE(d.until_action(4, 85.0, 11) == 0);
  REQUIRE(d.minute(85.0, 11).desired == 14);  // 5 minutes after the last scale-out: 11 running + 3
}

TEST_CASE("AutoScaling: a percent step scale-in waits for its cooldown", "[autoscaling][ecs]") {
  AutoScalingSpec s = spec_with(2, 40);
  s.step_scaling.push_back(step_policy("cpu-low", ComparisonOperator::kLess, 30, {{-kInf, 0, -25}},
                                       AdjustmentType::kPercentChangeInCapacity));
  s.step_scaling[0].min_adjustment_magnitude = 2;
  Driver d(std::move(s), 20);
  const auto first = d.minute(10.0, 20);
  REQUIRE(first.kind == Kind::kScaleIn);
  REQUIRE(first.desired == 15);  // -25 % of 20
  REQUIRE(d.until_action(4, 10.0, 15) == 0);
  REQUIRE(d.minute(10.0, 15).desired == 12);  // -3.75 -> -3
  REQUIRE(d.until_action(5, 10.0, 12) == 5);
  REQUIRE(d.desired == 9);
  REQUIRE(d.until_action(5, 10.0, 4) == 5);
  REQUIRE(d.desired == 2);  // -1 raised to the magnitude 2
  REQUIRE(d.until_action(20, 10.0, 2) == 0);  // at min
}

TEST_CASE("AutoScaling: a step scale-in is not blocked by target tracking", "[autoscaling][ecs]") {
  // PutScalingPolicy: "if the step scaling policy initiates a scale-in activity before the
  // target tracking policy is ready to scale in, the scale-in activity will not be blocked."
  AutoScalingSpec s = spec_with(1, 40);
  s.target_tracking.push_back(tracking("cpu50", 50));
  StepScalingPolicy low = step_policy("mem-low", ComparisonOperator::kLess, 20, {{-kInf, 0, -2}});
  low.metric = ScalingMetric::kMemoryUtilization;
  s.step_scaling.push_back(low);
  Driver d(std::move(s), 10);
  const auto in = d.minute(48.0, 10, 10.0);
  REQUIRE(in.kind == Kind::kScaleIn);
  REQUIRE(in.cause == Cause::kStepScaling);
  REQUIRE(in.desired == 8);
  // But a scale-out alarm anywhere holds every scale-in.
  AutoScalingSpec t = spec_with(1, 40);
  t.target_tracking.push_back(tracking("cpu50", 50));
  t.step_scaling.push_back(low);
  Driver e(std::move(t), 10);
  e.minute(60.0, 10, 10.0);  // the step policy scales in at once: 10 -> 8
  REQUIRE(e.desired == 8);
  e.minute(60.0, 8, 10.0);   // cooling down
  const auto out = e.minute(60.0, 8, 10.0);
  REQUIRE(out.kind == Kind::kScaleOut);
  REQUIRE(out.desired == 10);  // ceil(8 x 1.2)
  // The new tasks never start: 8 running at 60 % keep the high alarm on, asking for 10 again.
  // The step policy's cooldown was cancelled, yet it must not scale in while a policy wants out.
  REQUIRE(e.until_action(10, 60.0, 8, 10.0) == 0);
  REQUIRE(e.desired == 10);
}

TEST_CASE("AutoScaling: decisions stay within min and max", "[autoscaling]") {
  AutoScalingSpec s = spec_with(3, 6);
  s.target_tracking.push_back(tracking("cpu50", 50));
  Driver d(std::move(s), 4);
  REQUIRE(d.until_action(3, 100.0, 4) == 3);
  REQUIRE(d.desired == 6);                       // 8 capped at max
  REQUIRE(d.until_action(10, 100.0, 6) == 0);   // at max: nothing more
  REQUIRE(d.until_action(15, 5.0, 6) == 15);
  REQUIRE(d.desired == 3);                       // 1 raised to min
}

// ---- Scheduled actions and registration ----

TEST_CASE("AutoScaling: registration clamps desired into min and max", "[autoscaling]") {
  const ServiceAutoScaler a(spec_with(2, 5));
  REQUIRE(a.on_register(1).kind == Kind::kClamp);
  REQUIRE(a.on_register(1).desired == 2);
  REQUIRE(a.on_register(9).desired == 5);
  REQUIRE(a.on_register(3).kind == Kind::kNone);
}

TEST_CASE("AutoScaling: scheduled actions set min and max and clamp desired", "[autoscaling][ecs]") {
  // "Scheduled scaling for Application Auto Scaling": an action sets min and/or max; if desired
  // is below the new min it scales out to it, above the new max it scales in to it.
  AutoScalingSpec s = spec_with(1, 10);
  ScheduledAction morning;
  morning.name = "morning";
  morning.at = 8 * kHour;
  morning.repeat = 24 * kHour;
  morning.min_capacity = 6;
  ScheduledAction night;
  night.name = "night";
  night.at = 20 * kHour;
  night.repeat = 24 * kHour;
  night.min_capacity = 1;
  night.max_capacity = 3;
  s.scheduled = {morning, night};
  ServiceAutoScaler a(std::move(s));
  REQUIRE(a.next_scheduled(0) == 8 * kHour);
  REQUIRE(a.next_scheduled(8 * kHour) == 8 * kHour);
  REQUIRE(a.next_scheduled(8 * kHour + 1) == 20 * kHour);
  REQUIRE(a.next_scheduled(20 * kHour + 1) == 32 * kHour);
  REQUIRE(a.next_scheduled(30 * 24 * kHour + 9 * kHour) == 30 * 24 * kHour + 20 * kHour);

  const auto up = a.on_scheduled(8 * kHour, 2);
  REQUIRE(up.kind == Kind::kClamp);
  REQUIRE(up.cause == Cause::kScheduledAction);
  REQUIRE(up.policy == "morning");
  REQUIRE(up.desired == 6);
  REQUIRE(a.min_capacity() == 6);
  REQUIRE(a.max_capacity() == 10);

  const auto down = a.on_scheduled(20 * kHour, 8);
  REQUIRE(down.desired == 3);
  REQUIRE(a.min_capacity() == 1);
  REQUIRE(a.max_capacity() == 3);
  // The night's max 3 stays in force the next morning: min 6 raises max to 6 (ecsim's choice).
  const auto next_morning = a.on_scheduled(32 * kHour, 3);
  REQUIRE(next_morning.desired == 6);
  REQUIRE(a.max_capacity() == 6);
  // Inside the range nothing moves, but the range still changes.
  const auto quiet = a.on_scheduled(44 * kHour, 2);
  REQUIRE(quiet.kind == Kind::kNone);
  REQUIRE(a.max_capacity() == 3);
  REQUIRE(a.on_scheduled(45 * kHour, 2).kind == Kind::kNone);  // no action at 45 h
}

TEST_CASE("AutoScaling: policies clamp to the range a scheduled action set", "[autoscaling]") {
  AutoScalingSpec s = spec_with(1, 20);
  s.target_tracking.push_back(tracking("cpu50", 50));
  ScheduledAction cap;
  cap.name = "cap";
  cap.at = 0;
  cap.max_capacity = 5;
  s.scheduled = {cap};
  Driver d(std::move(s), 4);
  d.scaler.on_scheduled(0, 4);
  REQUIRE(d.until_action(3, 90.0, 4) == 3);
  REQUIRE(d.desired == 5);
}
