// The placement interface the engine calls; placement/ implements it (ECS strategies,
// constraints, research strategies and plugins).
//
// A Placer is built once per placement class (a job, a service, a trace): it knows the class's
// strategy list, constraints and task group. For each task the engine asks place(); the answer
// is an instance or the ECS reason why none was found. Failing to place is an outcome, not an
// error.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/random.h"

namespace ecsim::sim {

// ECS failure reasons (RunTask failures[].reason; API reference RunTask, failures). The order is the order in
// which the checks run, and the tie-break when reporting the reason of a failed attempt.
enum class FailureReason : std::uint8_t {
  kNone = 0,
  kAgent,        // the instance's agent is disconnected (ECS's AGENT, Dev Guide "Amazon ECS API failure reasons")
  kResourceCpu,
  kResourceMemory,
  kResourcePorts,
  kResourceEni,
  kResourceGpu,
  kResourceEbs,  // ecsim's name: no EBS attachment left (ECS documents no reason for it)
  kAttribute,
  kLocation,     // not in the zone the task's EBS volume is bound to
  kDistinctInstance,
  kMemberOf,
  kMissing,  // no registered, ACTIVE container instance in the cluster at all
  kCount,
};

// "RESOURCE:CPU", "MemberOf", ...
std::string_view failure_reason_name(FailureReason r);

// One task to place.
struct PlacementRequest {
  std::uint32_t task = 0;
  const Resources* need = nullptr;
  const std::vector<std::uint16_t>* tcp_ports = nullptr;  // static host ports
  const std::vector<std::uint16_t>* udp_ports = nullptr;
  GroupIdx group = 0;
};

// At most this many static host ports on one instance (Dev Guide "Container Instance Memory
// Management": the agent reserves at most 100 ports).
inline constexpr std::size_t kMaxStaticPortsPerInstance = 100;

// The resource checks placement makes on instance i for the request, in ECS's order (CPU,
// memory, ports, ENI, GPU, EBS attachments): bit (1 << FailureReason) set for each that fails,
// 0 when the instance has room. Every ECS placer's resource filter, and the engine's.
inline std::uint32_t resource_misses(const PlacementRequest& request, const ClusterState& cluster, InstanceIdx i) {
  const Resources& need = *request.need;
  const auto bit = [](FailureReason r) { return std::uint32_t{1} << static_cast<unsigned>(r); };
  const auto ports_fit = [](const std::vector<std::uint16_t>& used, const std::vector<std::uint16_t>* want) {
    if (want == nullptr || want->empty()) return true;
    if (used.size() + want->size() > kMaxStaticPortsPerInstance) return false;
    return !sorted_overlap(used, *want);
  };
  std::uint32_t misses = 0;
  if (cluster.free_cpu[i] < need.cpu) misses |= bit(FailureReason::kResourceCpu);
  if (cluster.free_memory_mib[i] < need.memory_mib) misses |= bit(FailureReason::kResourceMemory);
  if (!ports_fit(cluster.tcp_ports[i], request.tcp_ports) || !ports_fit(cluster.udp_ports[i], request.udp_ports)) {
    misses |= bit(FailureReason::kResourcePorts);
  }
  // An awsvpc task's ENI is also an attachment where the type's limit is shared (Nitro).
  if (cluster.free_enis[i] < need.enis || (cluster.eni_attachments[i] != 0 && cluster.free_attachments[i] < need.enis)) {
    misses |= bit(FailureReason::kResourceEni);
  }
  if (cluster.free_gpus[i] < need.gpus) misses |= bit(FailureReason::kResourceGpu);
  if (need.ebs_volumes > 0 && cluster.free_attachments[i] < cluster.attachments_needed(i, need)) {
    misses |= bit(FailureReason::kResourceEbs);
  }
  return misses;
}

struct PlacementDecision {
  InstanceIdx instance = kNoInstance;
  FailureReason reason = FailureReason::kNone;  // set when instance == kNoInstance
};

// Why a placement went as it did (`ecsim run --explain`): every schedulable instance with the
// first check it failed, and the strategy keys of those that passed, as the full scan computes
// them. Placer::explain fills it beside place(), never instead of it.
struct PlacementExplanation {
  // How place() searches: a full scan; an index: the free-resource index (same survivors and
  // same draw as the scan) or the spread buckets (a uniform draw over the scan's survivors); or
  // random probes first (a uniform draw over the instances that pass, whichever path).
  enum class Path : std::uint8_t { kScan, kIndexed, kRandomProbe };
  static constexpr std::int64_t kNoKey = std::numeric_limits<std::int64_t>::min();  // eliminated by an earlier strategy

  Path path = Path::kScan;
  std::vector<std::string> strategies;       // Strategy::describe(), in list order
  std::vector<InstanceIdx> considered;       // the schedulable instances, in InstanceIdx order
  std::vector<FailureReason> first_failure;  // per considered: first failed check; kNone = passed
  std::vector<std::int32_t> failed_checks;   // per considered: how many checks failed
  std::vector<InstanceIdx> passed;           // considered instances that passed every check
  // passed.size() x strategies.size(), row-major: the key each strategy gave each candidate
  // still in the running (lower is better); kNoKey when not scored: a strategy before it
  // eliminated the candidate, or only one candidate was left (place() stops scoring there too).
  std::vector<std::int64_t> keys;
  std::size_t tied = 0;  // candidates left after the last strategy: the final uniform draw's range
};

class Placer {
 public:
  virtual ~Placer() = default;

  // Chooses an instance for the request among cluster.schedulable_list, or says why none fits.
  // Draws only from `rng` (the run's "placement" stream) so that a run is reproducible.
  virtual PlacementDecision place(const PlacementRequest& request, const ClusterState& cluster,
                                  RandomStream& rng) = 0;

  // Whether instance i passes every filter (resources and constraints) for the request. The
  // engine uses it to retry waiting tasks on the one instance that just gained room: a waiting
  // task had no candidate anywhere, so that instance is its only possible candidate.
  virtual bool admits(const PlacementRequest& request, const ClusterState& cluster, InstanceIdx i) const = 0;

  // Fills `out` with the explanation of place(request) in this state. Draws only from `rng`, a
  // copy of the run's stream, so explaining never changes the run. Slow (a full scan that
  // counts every failed check); only `--explain` calls it.
  virtual void explain(const PlacementRequest& request, const ClusterState& cluster, RandomStream rng,
                       PlacementExplanation& out) = 0;
};

// What a placement class asks for.
struct PlacementPolicy {
  std::vector<StrategySpec> strategy;  // already defaulted by the caller: never empty
  std::vector<ConstraintSpec> constraints;
  std::vector<Attribute> required_attributes;  // from the task definition (runtimePlatform)
  std::string required_zone;                   // "" or the zone its EBS volume is bound to (LOCATION)
  GroupIdx group = 0;
};

class PlacerFactory {
 public:
  virtual ~PlacerFactory() = default;
  // Builds a placer; may register trackers on `cluster` (group counts, spread counters).
  virtual std::unique_ptr<Placer> make(const PlacementPolicy& policy, ClusterState& cluster) = 0;
};

}  // namespace ecsim::sim
