#include "sim/auto_scaling.h"
#include "sim/invariant.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace ecsim::sim {

namespace {

// running × metric / target is a product of doubles: 4 × 75 / 50 may come out a hair above 6,
// and ceil would then add a task nobody asked for. Anything within 1e-9 of an integer is it.
constexpr double kCeilSlack = 1e-9;
constexpr double kMaxTasks = 1e9;  // keeps a huge ratio inside int32 before the [min, max] clamp

std::int32_t ceil_tasks(double x) {
  if (x > kMaxTasks) return static_cast<std::int32_t>(kMaxTasks);
  if (x <= 0) return 0;
  return static_cast<std::int32_t>(std::ceil(x - kCeilSlack));
}

bool in_cooldown(bool cooling, SimTime last, SimTime cooldown, SimTime now) {
  return cooling && now < last + cooldown;
}

}  // namespace

std::int32_t target_tracking_scale_out(std::int32_t running, double metric, double target, std::int32_t limit) {
  ECSIM_CHECK(target > 0, "a target tracking policy with a target of 0 or less");
  std::int32_t want = ceil_tasks(static_cast<double>(running) * metric / target);
  if (want < running + 1) want = running + 1;
  return want > limit ? limit : want;
}

std::int32_t target_tracking_scale_in(std::int32_t running, double metric, double target) {
  ECSIM_CHECK(target > 0, "a target tracking policy with a target of 0 or less");
  return ceil_tasks(static_cast<double>(running) * metric / target);
}

bool breaches(ComparisonOperator op, double metric, double threshold) {
  switch (op) {
    case ComparisonOperator::kGreaterOrEqual: return metric >= threshold;
    case ComparisonOperator::kGreater: return metric > threshold;
    case ComparisonOperator::kLess: return metric < threshold;
    case ComparisonOperator::kLessOrEqual: return metric <= threshold;
  }
  return false;
}

const StepAdjustment* find_step(const std::vector<StepAdjustment>& steps, double diff) {
  // StepAdjustment: "If the metric value is above the breach threshold, the lower bound is
  // inclusive and the upper bound is exclusive. If the metric value is below the breach
  // threshold, the lower bound is exclusive and the upper bound is inclusive."
  for (const StepAdjustment& s : steps) {
    const bool hit = diff >= 0 ? (diff >= s.lower_bound && diff < s.upper_bound)
                               : (diff > s.lower_bound && diff <= s.upper_bound);
    if (hit) return &s;
  }
  return nullptr;
}

std::int32_t percent_change(std::int32_t current, std::int32_t percent, std::int32_t min_adjustment_magnitude) {
  // Integer arithmetic: the product is exact, so "exactly 3 tasks" never becomes 2.9999.
  const std::int64_t scaled = static_cast<std::int64_t>(current) * percent;
  std::int64_t change = scaled / 100;  // truncates toward zero
  if (change == 0 && scaled != 0) change = scaled > 0 ? 1 : -1;
  const std::int64_t magnitude = change < 0 ? -change : change;
  if (change != 0 && magnitude < min_adjustment_magnitude) {
    change = change > 0 ? min_adjustment_magnitude : -static_cast<std::int64_t>(min_adjustment_magnitude);
  }
  return static_cast<std::int32_t>(change);
}

std::int32_t apply_adjustment(AdjustmentType type, std::int32_t current, std::int32_t adjustment,
                              std::int32_t min_adjustment_magnitude) {
  std::int64_t v = current;
  switch (type) {
    case AdjustmentType::kChangeInCapacity: v += adjustment; break;
    case AdjustmentType::kPercentChangeInCapacity:
      v += percent_change(current, adjustment, min_adjustment_magnitude);
      break;
    case AdjustmentType::kExactCapacity: v = adjustment; break;
  }
  if (v < 0) v = 0;
  if (v > static_cast<std::int64_t>(kMaxTasks)) v = static_cast<std::int64_t>(kMaxTasks);
  return static_cast<std::int32_t>(v);
}

ServiceAutoScaler::ServiceAutoScaler(AutoScalingSpec spec)
    : spec_(std::move(spec)), min_(spec_.min_capacity), max_(spec_.max_capacity) {
  tracking_.resize(spec_.target_tracking.size());
  steps_.resize(spec_.step_scaling.size());
  std::uint32_t slots = 0;
  for (std::size_t j = 0; j < steps_.size(); ++j) {
    const std::int32_t n = spec_.step_scaling[j].evaluation_periods;
    steps_[j].window_offset = slots;
    slots += static_cast<std::uint32_t>(n > 0 ? n : 1);
  }
  windows_.assign(slots, 0);
}

ServiceAutoScaler::Decision ServiceAutoScaler::on_register(std::int32_t desired) const {
  Decision d;
  d.desired = d.previous = desired;
  const std::int32_t c = clamp(desired);
  if (c != desired) {
    d.kind = Decision::Kind::kClamp;
    d.cause = Decision::Cause::kRegistration;
    d.desired = c;
  }
  return d;
}

// The minute, in order: (1) every alarm takes its datapoint, whatever happens next, as CloudWatch
// evaluates alarms whether or not scaling acts; (2) every policy in alarm proposes a capacity,
// cooldowns filtering; (3) any scale-out wins, largest first, and cancels scale-in cooldowns;
// (4) otherwise, unless a deployment is in progress, the scale-ins: target tracking's only if
// all its scale-in-enabled policies agree, step scaling's on their own; the largest wins.
ServiceAutoScaler::Decision ServiceAutoScaler::on_minute(SimTime now, std::optional<double> cpu_pct,
                                                         std::optional<double> memory_pct, std::int32_t running,
                                                         std::int32_t desired, bool deployment_in_progress) {
  Decision d;
  d.desired = d.previous = desired;

  // (1) Alarms.
  for (std::size_t i = 0; i < tracking_.size(); ++i) {
    const TargetTrackingPolicy& p = spec_.target_tracking[i];
    TrackingState& s = tracking_[i];
    const std::optional<double> m = pick(p.metric, cpu_pct, memory_pct);
    const bool high = m && *m > p.target_value;
    const bool low = m && *m < p.target_value * kTargetTrackingLowFraction;
    // Capped so a month of steady load cannot overflow the counters.
    s.high_run = high ? (s.high_run < kTargetTrackingHighDatapoints ? s.high_run + 1 : s.high_run) : 0;
    s.low_run = low ? (s.low_run < kTargetTrackingLowDatapoints ? s.low_run + 1 : s.low_run) : 0;
  }
  for (std::size_t j = 0; j < steps_.size(); ++j) {
    const StepScalingPolicy& p = spec_.step_scaling[j];
    StepState& s = steps_[j];
    const std::optional<double> m = pick(p.metric, cpu_pct, memory_pct);
    const std::uint8_t flag = (m && breaches(p.comparison, *m, p.threshold)) ? 1 : 0;
    std::uint8_t& slot = windows_[s.window_offset + s.head];
    s.breaching += static_cast<std::int32_t>(flag) - static_cast<std::int32_t>(slot);
    slot = flag;
    const std::uint32_t n = static_cast<std::uint32_t>(p.evaluation_periods > 0 ? p.evaluation_periods : 1);
    s.head = s.head + 1 == n ? 0 : s.head + 1;
  }

  // (2) Proposals.
  bool any_out_alarm = false;
  std::int32_t best_out = -1;
  Decision::Cause out_cause = Decision::Cause::kNone;
  std::string_view out_policy;
  double out_metric = 0;
  for (std::size_t i = 0; i < tracking_.size(); ++i) {
    const TargetTrackingPolicy& p = spec_.target_tracking[i];
    TrackingState& s = tracking_[i];
    s.vote = -1;
    const std::optional<double> m = pick(p.metric, cpu_pct, memory_pct);
    if (!m || s.high_run < kTargetTrackingHighDatapoints) continue;
    any_out_alarm = true;
    const std::int32_t want = clamp(target_tracking_scale_out(running, *m, p.target_value, max_));
    const bool cooling = in_cooldown(s.cooling_out, s.last_scale_out, p.scale_out_cooldown, now);
    if (cooling && want <= s.last_scale_out_capacity) continue;
    s.vote = want;
    if (want > best_out) {
      best_out = want;
      out_cause = Decision::Cause::kTargetTracking;
      out_policy = p.name;
      out_metric = *m;
    }
  }
  for (std::size_t j = 0; j < steps_.size(); ++j) {
    const StepScalingPolicy& p = spec_.step_scaling[j];
    StepState& s = steps_[j];
    s.vote = -1;
    s.direction = 0;
    const std::optional<double> m = pick(p.metric, cpu_pct, memory_pct);
    if (!m || s.breaching < p.datapoints_to_alarm) continue;
    const StepAdjustment* step = find_step(p.steps, *m - p.threshold);
    if (step == nullptr) continue;
    const bool out = p.adjustment_type == AdjustmentType::kExactCapacity ? step->scaling_adjustment > running
                                                                         : step->scaling_adjustment > 0;
    const bool in = p.adjustment_type == AdjustmentType::kExactCapacity ? step->scaling_adjustment < running
                                                                        : step->scaling_adjustment < 0;
    if (out) {
      any_out_alarm = true;
      // StepScalingPolicyConfiguration Cooldown: while it runs, the capacity the initiating
      // scale-out added counts as already there: +2 then +3 adds only 1 more.
      const bool cooling = in_cooldown(s.cooling_out, s.last_scale_out, p.cooldown, now);
      const std::int32_t base = cooling ? s.scale_out_base : running;
      const std::int32_t want =
          clamp(apply_adjustment(p.adjustment_type, base, step->scaling_adjustment, p.min_adjustment_magnitude));
      if (cooling && want <= s.last_scale_out_capacity) continue;
      s.vote = want;
      s.direction = 1;
      if (want > best_out) {
        best_out = want;
        out_cause = Decision::Cause::kStepScaling;
        out_policy = p.name;
        out_metric = *m;
      }
    } else if (in) {
      if (in_cooldown(s.cooling_in, s.last_scale_in, p.cooldown, now)) continue;
      s.vote = clamp(
          apply_adjustment(p.adjustment_type, running, step->scaling_adjustment, p.min_adjustment_magnitude));
      s.direction = -1;
    }
  }

  // (3) Scale out.
  if (any_out_alarm) {
    if (best_out <= desired) return d;  // already there (or cooling down): no activity
    for (std::size_t i = 0; i < tracking_.size(); ++i) {
      TrackingState& s = tracking_[i];
      if (s.vote >= 0) {
        s.cooling_out = true;
        s.last_scale_out = now;
        s.last_scale_out_capacity = best_out;
      }
      s.cooling_in = false;  // "the scale-in cooldown period stops and doesn't complete"
    }
    for (std::size_t j = 0; j < steps_.size(); ++j) {
      const StepScalingPolicy& p = spec_.step_scaling[j];
      StepState& s = steps_[j];
      if (s.direction > 0) {
        if (!in_cooldown(s.cooling_out, s.last_scale_out, p.cooldown, now)) s.scale_out_base = running;
        s.cooling_out = true;
        s.last_scale_out = now;
        s.last_scale_out_capacity = best_out;
      }
      s.cooling_in = false;
    }
    d.kind = Decision::Kind::kScaleOut;
    d.cause = out_cause;
    d.desired = best_out;
    d.policy = out_policy;
    d.metric = out_metric;
    return d;
  }

  // (4) Scale in.
  if (deployment_in_progress) return d;
  std::int32_t best_in = -1;
  Decision::Cause in_cause = Decision::Cause::kNone;
  std::string_view in_policy;
  double in_metric = 0;
  std::int32_t enabled = 0;
  std::int32_t ready = 0;
  std::int32_t tracking_in = -1;
  std::size_t tracking_winner = 0;
  for (std::size_t i = 0; i < tracking_.size(); ++i) {
    const TargetTrackingPolicy& p = spec_.target_tracking[i];
    TrackingState& s = tracking_[i];
    s.vote = -1;
    if (p.disable_scale_in) continue;
    ++enabled;
    const std::optional<double> m = pick(p.metric, cpu_pct, memory_pct);
    if (!m || s.low_run < kTargetTrackingLowDatapoints) continue;
    if (in_cooldown(s.cooling_in, s.last_scale_in, p.scale_in_cooldown, now)) continue;
    const std::int32_t want = clamp(target_tracking_scale_in(running, *m, p.target_value));
    if (want >= desired) continue;
    s.vote = want;
    ++ready;
    if (want > tracking_in) {
      tracking_in = want;
      tracking_winner = i;
    }
  }
  const bool tracking_agrees = enabled > 0 && ready == enabled;
  if (tracking_agrees) {
    best_in = tracking_in;
    in_cause = Decision::Cause::kTargetTracking;
    in_policy = spec_.target_tracking[tracking_winner].name;
    in_metric = *pick(spec_.target_tracking[tracking_winner].metric, cpu_pct, memory_pct);
  }
  for (std::size_t j = 0; j < steps_.size(); ++j) {
    const StepScalingPolicy& p = spec_.step_scaling[j];
    const StepState& s = steps_[j];
    if (s.direction >= 0 || s.vote >= desired) continue;
    if (s.vote > best_in) {
      best_in = s.vote;
      in_cause = Decision::Cause::kStepScaling;
      in_policy = p.name;
      in_metric = *pick(p.metric, cpu_pct, memory_pct);
    }
  }
  if (best_in < 0 || best_in >= desired) return d;
  if (tracking_agrees) {
    for (TrackingState& s : tracking_) {
      if (s.vote < 0) continue;
      s.cooling_in = true;
      s.last_scale_in = now;
    }
  }
  for (StepState& s : steps_) {
    if (s.direction >= 0 || s.vote >= desired) continue;
    s.cooling_in = true;
    s.last_scale_in = now;
  }
  d.kind = Decision::Kind::kScaleIn;
  d.cause = in_cause;
  d.desired = best_in;
  d.policy = in_policy;
  d.metric = in_metric;
  return d;
}

std::optional<SimTime> ServiceAutoScaler::next_scheduled(SimTime from) const {
  std::optional<SimTime> best;
  for (const ScheduledAction& a : spec_.scheduled) {
    SimTime t = a.at;
    if (t < from) {
      if (a.repeat <= 0) continue;
      const SimTime periods = (from - a.at + a.repeat - 1) / a.repeat;
      t = a.at + periods * a.repeat;
    }
    if (!best || t < *best) best = t;
  }
  return best;
}

ServiceAutoScaler::Decision ServiceAutoScaler::on_scheduled(SimTime now, std::int32_t desired) {
  Decision d;
  d.desired = d.previous = desired;
  for (const ScheduledAction& a : spec_.scheduled) {
    const bool occurs = a.at == now || (a.repeat > 0 && now > a.at && (now - a.at) % a.repeat == 0);
    if (!occurs) continue;
    if (a.min_capacity >= 0) {
      min_ = a.min_capacity;
      if (max_ < min_) max_ = min_;
    }
    if (a.max_capacity >= 0) {
      max_ = a.max_capacity;
      if (min_ > max_) min_ = max_;
    }
    d.cause = Decision::Cause::kScheduledAction;
    d.policy = a.name;
  }
  if (d.cause == Decision::Cause::kNone) return d;
  const std::int32_t c = clamp(desired);
  if (c != desired) {
    d.kind = Decision::Kind::kClamp;
    d.desired = c;
  } else {
    d.policy = {};
    d.cause = Decision::Cause::kNone;
  }
  return d;
}

std::string describe(const ServiceAutoScaler::Decision& d) {
  using Cause = ServiceAutoScaler::Decision::Cause;
  std::string out;
  switch (d.cause) {
    case Cause::kNone: out = "no scaling"; break;
    case Cause::kTargetTracking: out = "target tracking policy "; break;
    case Cause::kStepScaling: out = "step scaling policy "; break;
    case Cause::kScheduledAction: out = "scheduled action "; break;
    case Cause::kRegistration: out = "scalable target min/max"; break;
  }
  if (d.cause == Cause::kNone) return out;
  if (!d.policy.empty()) {
    out += '"';
    out += d.policy;
    out += '"';
  }
  if (d.cause == Cause::kTargetTracking || d.cause == Cause::kStepScaling) {
    // One decimal, as the CloudWatch console shows a percentage.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d.metric, std::chars_format::fixed, 1);
    out += " at ";
    out.append(buf, r.ptr);
    out += " %";
  }
  out += ": desired ";
  out += std::to_string(d.previous);
  out += " -> ";
  out += std::to_string(d.desired);
  return out;
}

}  // namespace ecsim::sim
