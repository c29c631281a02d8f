// Service auto scaling: Application Auto Scaling's rules for one ECS service's desired count.
//
// The rules are small pure functions (the proportional rule, the step lookup, percent rounding,
// the alarm comparison), tested on their own like the k8s HPA's replica_calculator.go; the
// ServiceAutoScaler class keeps only the state those rules need (alarm windows, cooldown clocks,
// current min/max) and is driven by the caller:
//   - on_register once when the service starts (clamps desired into [min, max]);
//   - on_minute once per simulated minute with that minute's CloudWatch datapoints;
//   - on_scheduled at each time next_scheduled returns.
// It never touches the engine; the caller applies a Decision as an UpdateService desiredCount.
//
// What ecsim models (AWS doc page titles cited; the figures are the alarms Application Auto
// Scaling creates for a target tracking policy, which users cannot change):
//  1. Datapoints are one-minute averages of ECSServiceAverageCPUUtilization /
//     ECSServiceAverageMemoryUtilization (sim/service_load.h). A missing datapoint (no RUNNING
//     task) puts the alarm in INSUFFICIENT_DATA: no action ("Target tracking scaling policies for
//     Application Auto Scaling").
//  2. Target tracking: the high alarm fires when the metric is > target for 3 consecutive
//     datapoints, the low alarm when it is < 90 % of target for 15 consecutive datapoints.
//     Out: ceil(running × metric / target), at least running + 1. In: ceil(running × metric /
//     target), rounded up to protect availability; a low alarm whose proposal does not remove a
//     task does nothing ("How target tracking scaling for Application Auto Scaling works": it
//     scales out proportionally as fast as it can and scales in gradually).
//  3. Several policies: any policy may scale out, and the largest capacity wins. Target tracking
//     scales in only when every target tracking policy with scale-in enabled is ready to; a
//     disableScaleIn policy neither votes nor blocks. A step scaling policy's scale-in is not
//     blocked by target tracking (PutScalingPolicy: "if the step scaling policy initiates a
//     scale-in activity before the target tracking policy is ready to scale in, the scale-in
//     activity will not be blocked"). Largest capacity wins among scale-ins too.
//  4. Cooldowns (TargetTrackingScalingPolicyConfiguration, StepScalingPolicyConfiguration):
//     during a policy's scale-out cooldown it scales out again only to a capacity above the one
//     its last scale-out set (the capacity that scale-out added counts as already there; for a
//     step policy the step applies to the capacity before that scale-out); scale-in is blocked
//     until the policy's scale-in cooldown after its last scale-in ends; any scale-out cancels
//     every scale-in cooldown. Step scaling has one cooldown for both directions.
//  5. The starting point is the RUNNING count, not desired; a scale-out only ever raises
//     desired and a scale-in only ever lowers it ("Automatically scale your Amazon ECS service").
//     Scale-in is suspended while a deployment is in progress; scale-out continues (same page).
//  6. Step scaling: the alarm is in ALARM when at least datapoints_to_alarm of the last
//     evaluation_periods datapoints breach (a missing one does not breach); while it stays in
//     ALARM the policy acts every minute, subject to its cooldown ("Step scaling policies for
//     Application Auto Scaling"). The step is chosen by metric - threshold: lower bound
//     inclusive and upper exclusive above the threshold, the reverse below it (StepAdjustment).
//  7. Every capacity a policy or scheduled action sets is clamped to the current [min, max]. When
//     desired is outside [min, max] for another reason (an UpdateService by the scenario), it
//     stays there until a policy or scheduled action acts: Application Auto Scaling does not
//     watch desiredCount.
//
// Invariants: on_minute is O(policies) and allocates nothing (alarm windows are ring buffers
// sized at construction; Decision names point into the spec this object owns).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

// Target tracking's alarm shapes (the alarms Application Auto Scaling creates and manages).
constexpr std::int32_t kTargetTrackingHighDatapoints = 3;
constexpr std::int32_t kTargetTrackingLowDatapoints = 15;
constexpr double kTargetTrackingLowFraction = 0.9;

// ---- The rules, one pure function each ----

// Proportional scale-out: ceil(running × metric / target), at least running + 1, at most
// `limit`. REQUIRES: target > 0, metric > target, running >= 0.
std::int32_t target_tracking_scale_out(std::int32_t running, double metric, double target, std::int32_t limit);

// Proportional scale-in: ceil(running × metric / target), rounded up so the metric stays at or
// below target. The caller acts only when it is below the current capacity. REQUIRES: target > 0.
std::int32_t target_tracking_scale_in(std::int32_t running, double metric, double target);

// Whether one datapoint breaches a step scaling alarm's threshold.
bool breaches(ComparisonOperator op, double metric, double threshold);

// The step holding metric - threshold, or nullptr when none does.
const StepAdjustment* find_step(const std::vector<StepAdjustment>& steps, double metric_minus_threshold);

// PercentChangeInCapacity: `percent` % of `current` as a whole number of tasks. Values strictly
// between -1 and 1 (other than 0) become ±1, others are truncated toward zero; then a non-zero
// change smaller than `min_adjustment_magnitude` in size is raised to it ("Step scaling
// policies for Application Auto Scaling"; StepScalingPolicyConfiguration MinAdjustmentMagnitude:
// 25 % of 4 tasks with a magnitude of 2 adds 2).
std::int32_t percent_change(std::int32_t current, std::int32_t percent, std::int32_t min_adjustment_magnitude);

// The capacity a step scaling adjustment of `adjustment` asks for from `current`.
std::int32_t apply_adjustment(AdjustmentType type, std::int32_t current, std::int32_t adjustment,
                              std::int32_t min_adjustment_magnitude);

// ---- The controller ----

class ServiceAutoScaler {
 public:
  struct Decision {
    enum class Kind : std::uint8_t { kNone, kScaleOut, kScaleIn, kClamp };
    enum class Cause : std::uint8_t { kNone, kTargetTracking, kStepScaling, kScheduledAction, kRegistration };
    Kind kind = Kind::kNone;
    Cause cause = Cause::kNone;
    std::int32_t desired = 0;   // the desired count to set (the caller's own when kNone)
    std::int32_t previous = 0;  // the desired count before
    std::string_view policy;    // the deciding policy or scheduled action; empty for kNone
    double metric = 0;          // the datapoint that decided (policies only)

    bool changed() const { return kind != Kind::kNone; }
  };

  explicit ServiceAutoScaler(AutoScalingSpec spec);

  // Copies would alias nothing, but the names Decisions point into must outlive them: moves keep
  // the policy vectors' buffers (and so their strings) in place.
  ServiceAutoScaler(const ServiceAutoScaler&) = delete;
  ServiceAutoScaler& operator=(const ServiceAutoScaler&) = delete;
  ServiceAutoScaler(ServiceAutoScaler&&) = default;
  ServiceAutoScaler& operator=(ServiceAutoScaler&&) = default;

  std::int32_t min_capacity() const { return min_; }
  std::int32_t max_capacity() const { return max_; }

  // RegisterScalableTarget: clamps `desired` into [min, max] (a kClamp when it moves).
  Decision on_register(std::int32_t desired) const;

  // One minute's datapoints (std::nullopt: missing). `running` is the service's RUNNING count,
  // `desired` its current desired count. Each call is one datapoint of every alarm, so
  // REQUIRES: one call per simulated minute, `now` increasing; a minute with no RUNNING task is
  // passed as missing data, not skipped.
  Decision on_minute(SimTime now, std::optional<double> cpu_pct, std::optional<double> memory_pct,
                     std::int32_t running, std::int32_t desired, bool deployment_in_progress);

  // The first scheduled action occurrence at or after `from`, if any.
  std::optional<SimTime> next_scheduled(SimTime from) const;

  // Applies every scheduled action occurring exactly at `now`, in spec order (sorted by `at`,
  // then file order), then clamps `desired` into the new [min, max]. An action that leaves
  // min > max is resolved in its favour (it sets min: max rises to it; it sets max: min falls to
  // it), as ecsim's choice where the API would reject the action.
  Decision on_scheduled(SimTime now, std::int32_t desired);

 private:
  struct TrackingState {
    std::int32_t high_run = 0;  // consecutive datapoints > target
    std::int32_t low_run = 0;   // consecutive datapoints < 90 % of target
    SimTime last_scale_out = 0;
    std::int32_t last_scale_out_capacity = 0;
    SimTime last_scale_in = 0;
    bool cooling_out = false;   // last_scale_out is meaningful
    bool cooling_in = false;    // last_scale_in is meaningful (a scale-out clears it)
    std::int32_t vote = 0;      // this minute's proposal (scratch)
  };
  struct StepState {
    std::uint32_t window_offset = 0;  // into windows_, evaluation_periods slots
    std::uint32_t head = 0;           // next slot to overwrite
    std::int32_t breaching = 0;       // breaching slots in the window
    SimTime last_scale_out = 0;
    std::int32_t scale_out_base = 0;      // capacity before the scale-out that began the cooldown
    std::int32_t last_scale_out_capacity = 0;
    SimTime last_scale_in = 0;
    bool cooling_out = false;
    bool cooling_in = false;
    std::int32_t vote = 0;
    std::int8_t direction = 0;  // +1 out, -1 in, 0 none (scratch)
  };

  static std::optional<double> pick(ScalingMetric m, std::optional<double> cpu, std::optional<double> memory) {
    return m == ScalingMetric::kCpuUtilization ? cpu : memory;
  }
  std::int32_t clamp(std::int32_t v) const { return v < min_ ? min_ : (v > max_ ? max_ : v); }

  AutoScalingSpec spec_;
  std::int32_t min_ = 0;
  std::int32_t max_ = 0;
  std::vector<TrackingState> tracking_;
  std::vector<StepState> steps_;
  std::vector<std::uint8_t> windows_;  // every step policy's breach flags, ring buffers
};

// "target tracking policy \"cpu50\" at 90.0 %: desired 4 -> 8", for logs and reports.
std::string describe(const ServiceAutoScaler::Decision& d);

}  // namespace ecsim::sim
