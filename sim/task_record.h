// What a run records of each task: the per-task columns (TaskRecords, one entry per task in
// submission order, kept for hand-built and read-back results) and one task's record as the
// engine hands it over when the task is done with (TaskRecord).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/placer.h"
#include "sim/time.h"

namespace ecsim::sim {

enum class StopCode : std::uint8_t {
  kNone = 0,
  kTaskFailedToStart,
  kEssentialContainerExited,
  kUserInitiated,
  kServiceSchedulerInitiated,
  kSpotInterruption,
  kTerminationNotice,
  kCount,
};

// "EssentialContainerExited", ... ("" for kNone).
std::string_view stop_code_name(StopCode c);

// Why a task stopped, as the task's stoppedReason says it (Dev Guide "Amazon ECS task lifecycle"; texts
// fixed, so
// that outputs compare byte for byte).
enum class StopReason : std::uint8_t {
  kNone = 0,
  kEssentialContainerExited,  // its runtime ended, or it crashed
  kScalingActivity,           // the service scheduler stopped it (scale-in, deployment, rebalancing)
  kUnhealthy,                 // its container health check failed
  kCannotPullContainer,       // its registry did not answer (an outage)
  kPullRateLimited,           // its registry's pull rate limit
  kCannotStartContainer,      // it failed to start (a service's startFailureProbability)
  kInstanceLost,              // its container instance went away (an Availability Zone outage)
  kInstanceFailed,            // its instance failed (an instanceFailure)
  kInstanceScaledIn,          // its instance was terminated by its Auto Scaling group's scale-in
  kSpotInterrupted,           // its Spot instance was interrupted
  kProvisioningTimeout,       // it waited for a capacity provider's capacity longer than the time-out
  kProvisioningQuota,         // the cluster already had the most tasks PROVISIONING that ECS allows
  kCount,
};

// "Essential container in task exited", "CannotPullContainerError: ...", ... ("" for kNone).
std::string_view stop_reason_text(StopReason r);

// Who submitted a task: a service, a job or a trace (one entry per scenario service, job and
// trace file).
enum class SourceKind : std::uint8_t { kService, kJob, kTrace };

// "service", "job", "trace".
std::string_view source_kind_name(SourceKind k);

struct SourceInfo {
  std::string name;      // serviceName, job name, or the trace's file name
  SourceKind kind = SourceKind::kJob;
  std::string strategy;  // its placement strategy, as summary.json's `strategy` labels one
};

struct TaskRecords {
  std::vector<std::uint32_t> source;    // index into RunResult::sources
  std::vector<std::uint32_t> family;    // index into RunResult::families
  std::vector<std::int32_t> revision;
  std::vector<std::uint32_t> group;     // index into RunResult::groups
  std::vector<InstanceIdx> instance;    // kNoInstance when never placed
  std::vector<SimTime> submitted_at;
  std::vector<SimTime> placed_at;       // kNever when not placed
  std::vector<SimTime> started_at;      // RUNNING; kNever when not reached
  std::vector<SimTime> stopped_at;      // STOPPED; kNever when not reached
  std::vector<StopCode> stop_code;
  std::vector<StopReason> stop_reason;
  std::vector<FailureReason> failure_reason;  // why it was not placed (fail) or first failed attempt
  // 1 when the task gave up on placement (onPlacementFailure "fail", like a RunTask failure) and
  // will never be placed; 0 otherwise. A task never placed and not rejected was still waiting at
  // the end of the run (pendingAtEnd). REQUIRES: rejected[i] implies placed_at[i] == kNever.
  std::vector<std::uint8_t> rejected;
  std::vector<std::int32_t> cpu;         // CPU units the task reserves (task definition, resolved)
  std::vector<std::int32_t> memory_mib;  // memory MiB the task reserves

  std::size_t size() const { return submitted_at.size(); }
};

// One task's final record: the TaskRecords columns of one task, and its number (submission
// order, tasks.csv's taskId t<number>). source is kNoSource when the result records no source.
struct TaskRecord {
  static constexpr std::uint32_t kNoSource = 0xFFFFFFFFu;
  std::uint64_t number = 0;
  std::uint32_t source = kNoSource;
  std::uint32_t family = 0;
  std::int32_t revision = 0;
  std::uint32_t group = 0;
  InstanceIdx instance = kNoInstance;
  SimTime submitted_at = 0;
  SimTime placed_at = kNever;
  SimTime started_at = kNever;
  SimTime stopped_at = kNever;
  StopCode stop_code = StopCode::kNone;
  StopReason stop_reason = StopReason::kNone;
  FailureReason failure_reason = FailureReason::kNone;
  bool rejected = false;
  std::int32_t cpu = 0;
  std::int32_t memory_mib = 0;
};

// Row k of `t` (REQUIRES: k < t.size(); t.source empty or full).
TaskRecord task_record(const TaskRecords& t, std::size_t k);

}  // namespace ecsim::sim
