#include <charconv>
#include <string>
#include <vector>

#include "sim/model.h"
#include "sim/placer.h"
#include "sim/run_result.h"

namespace ecsim::sim {

std::string_view failure_reason_name(FailureReason r) {
  switch (r) {
    case FailureReason::kNone: return "";
    case FailureReason::kAgent: return "AGENT";
    case FailureReason::kResourceCpu: return "RESOURCE:CPU";
    case FailureReason::kResourceMemory: return "RESOURCE:MEMORY";
    case FailureReason::kResourcePorts: return "RESOURCE:PORTS";
    case FailureReason::kResourceEni: return "RESOURCE:ENI";
    case FailureReason::kResourceGpu: return "RESOURCE:GPU";
    case FailureReason::kResourceEbs: return "RESOURCE:EBS";
    case FailureReason::kAttribute: return "ATTRIBUTE";
    case FailureReason::kLocation: return "LOCATION";
    case FailureReason::kDistinctInstance: return "DistinctInstance";
    case FailureReason::kMemberOf: return "MemberOf";
    case FailureReason::kMissing: return "MISSING";
    case FailureReason::kCount: break;
  }
  return "";
}

std::string_view stop_code_name(StopCode c) {
  switch (c) {
    case StopCode::kNone: return "";
    case StopCode::kTaskFailedToStart: return "TaskFailedToStart";
    case StopCode::kEssentialContainerExited: return "EssentialContainerExited";
    case StopCode::kUserInitiated: return "UserInitiated";
    case StopCode::kServiceSchedulerInitiated: return "ServiceSchedulerInitiated";
    case StopCode::kSpotInterruption: return "SpotInterruption";
    case StopCode::kTerminationNotice: return "TerminationNotice";
    case StopCode::kCount: break;
  }
  return "";
}

std::string strategy_label(const std::vector<StrategySpec>& strategy) {
  std::string out;
  for (const auto& s : strategy) {
    if (!out.empty()) out += ',';
    out += s.type;
    std::string inside = s.field;
    for (const auto& [key, value] : s.params) {
      if (!inside.empty()) inside += ',';
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, value);
      inside += key + "=" + std::string(buf, r.ptr);
    }
    if (!inside.empty()) out += "(" + inside + ")";
  }
  return out;
}

std::string_view stop_reason_text(StopReason r) {
  switch (r) {
    case StopReason::kNone: return "";
    case StopReason::kEssentialContainerExited: return "Essential container in task exited";
    case StopReason::kScalingActivity: return "Scaling activity initiated by the service scheduler";
    case StopReason::kUnhealthy: return "Task failed container health checks";
    case StopReason::kCannotPullContainer:
      return "CannotPullContainerError: failed to pull the image: the registry did not answer";
    case StopReason::kPullRateLimited:
      return "CannotPullContainerError: toomanyrequests: You have reached your pull rate limit.";
    case StopReason::kCannotStartContainer: return "CannotStartContainerError: the essential container failed to start";
    case StopReason::kInstanceLost: return "Container instance lost: its Availability Zone is out";
    case StopReason::kInstanceFailed: return "Host EC2 instance terminated: the instance failed";
    case StopReason::kInstanceScaledIn: return "Host EC2 instance terminated: Auto Scaling scale-in";
    case StopReason::kSpotInterrupted: return "Host EC2 instance terminated: Spot interruption";
    case StopReason::kProvisioningTimeout: return "Capacity unavailable: the task timed out in PROVISIONING";
    case StopReason::kProvisioningQuota: return "Capacity unavailable: too many tasks in PROVISIONING";
    case StopReason::kCount: break;
  }
  return "";
}

std::string_view event_type_name(EventType t) {
  switch (t) {
    case EventType::kAzOutage: return "azOutage";
    case EventType::kDeploy: return "deploy";
    case EventType::kScale: return "scale";
    case EventType::kRegistryOutage: return "registryOutage";
    case EventType::kInstanceFailure: return "instanceFailure";
    case EventType::kSpotInterruption: return "spotInterruption";
    case EventType::kAgentDisconnect: return "agentDisconnect";
    case EventType::kDrain: return "drain";
    case EventType::kInsufficientCapacity: return "insufficientCapacity";
  }
  return "";
}

std::string_view source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::kService: return "service";
    case SourceKind::kJob: return "job";
    case SourceKind::kTrace: return "trace";
  }
  return "";
}

std::string_view rollout_state_name(RolloutState s) {
  switch (s) {
    case RolloutState::kInProgress: return "IN_PROGRESS";
    case RolloutState::kCompleted: return "COMPLETED";
    case RolloutState::kFailed: return "FAILED";
  }
  return "";
}

std::string_view marker_kind_name(MarkerKind k) {
  switch (k) {
    case MarkerKind::kScenarioEvent: return "event";
    case MarkerKind::kDeploymentStarted: return "deployment";
    case MarkerKind::kDeploymentCompleted: return "deploymentCompleted";
    case MarkerKind::kDeploymentFailed: return "deploymentFailed";
    case MarkerKind::kScaleOut: return "scaleOut";
    case MarkerKind::kScaleIn: return "scaleIn";
  }
  return "";
}

std::string_view instance_event_name(InstanceEventKind k) {
  switch (k) {
    case InstanceEventKind::kLaunched: return "launched";
    case InstanceEventKind::kRegistered: return "registered";
    case InstanceEventKind::kDisconnected: return "disconnected";
    case InstanceEventKind::kReconnected: return "reconnected";
    case InstanceEventKind::kDraining: return "draining";
    case InstanceEventKind::kActive: return "active";
    case InstanceEventKind::kInterruptionNotice: return "interruptionNotice";
    case InstanceEventKind::kTerminated: return "terminated";
    case InstanceEventKind::kAgentDisconnected: return "agentDisconnected";
    case InstanceEventKind::kAgentReconnected: return "agentReconnected";
    case InstanceEventKind::kCount: break;
  }
  return "";
}

}  // namespace ecsim::sim
