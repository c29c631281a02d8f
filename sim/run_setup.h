// Run setup: the state a run starts from, built from a validated Scenario before the first event.
//
//  - build_instances creates every instance of the cluster's groups in ClusterState (registered
//    resources, attachments, attributes; not yet schedulable) and its record in RunResult, and
//    groups the instances by launch time: the engine registers each batch in one event.
//  - create_instance creates one instance of a group, the way build_instances does: the engine
//    calls it for instances it launches during the run.
//  - build_sources creates the sources of tasks (one per task definition a service may run, one
//    per job, one per task group of each trace), each with its placer, task group and named
//    random streams, and their RunResult::sources entries.
//
// Invariants:
//  - Setup's instances are numbered in group order, then count order (create_instance appends
//    later ones after them); a batch lists its instances in InstanceIdx order; batches are in
//    launch-time order.
//  - An instance has the same index in ClusterState and in RunResult::instances.
//  - Every task group is interned before any placer is built, in the order the sources take
//    them, so a memberOf `task:group =~ ...` compiled for one source sees the groups of all.
//  - Sources: services' (by service, then task definition index), then jobs', then traces'
//    (by trace, then group). RunResult sources: services, jobs, traces in scenario order.
//  - Nothing here draws a random number or schedules an event: the engine does, in a fixed
//    order, after setup.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/placer.h"
#include "sim/random.h"
#include "sim/run_result.h"
#include "sim/time.h"

namespace ecsim::sim {

// A source of tasks with one placement policy: a job, a service (for one of its task
// definitions) or a trace's task group.
struct Source {
  SourceKind kind;
  std::uint32_t index;  // into Scenario::jobs / services / traces
  std::uint32_t result_source = 0;        // into RunResult::sources
  std::unique_ptr<Placer> placer;
  GroupIdx group;
  OnPlacementFailure on_failure;
  const TaskDefinition* task_definition;  // null for traces
  std::uint32_t family;                   // into RunResult::families (jobs, services)
  RandomStream arrival_rng;
  RandomStream runtime_rng;
  std::int64_t submitted = 0;             // tasks submitted so far (arrival count)
  std::uint64_t cursor = 0;               // next arrival of a list
  Resources need;                         // per task (jobs, services): the task definition's, and its EBS volume
  SimTime attach_latency = 0;             // EBS volume attachment, overlapping image pulls
  SimTime start_delay = 0;                // dependsOn ordering of its containers (sim/task_timing.h)
  SimTime shutdown = 0;                   // a service's: SIGTERM to stopped, cut at the stop timeout
  const std::vector<std::uint16_t>* tcp_ports = &kNoPorts;  // static host ports of its tasks
  const std::vector<std::uint16_t>* udp_ports = &kNoPorts;
  static inline const std::vector<std::uint16_t> kNoPorts;
  // The capacity provider its tasks go to (index into Scenario::capacity_providers), or
  // kNoProvider for launch type EC2 (any instance); its item in the owner's strategy.
  static constexpr std::uint32_t kNoProvider = 0xFFFFFFFFu;
  std::uint32_t provider = kNoProvider;
  std::uint32_t provider_item = 0;
};

// The attribute every instance of a capacity provider carries (value: the provider's name), by
// which the provider's tasks are kept on its instances (ecsim's; ECS keeps them there itself).
inline constexpr const char* kCapacityProviderAttribute = "ecsim.capacity-provider";

// Family name -> its index in RunResult::families (the two kept together by intern_family).
using FamilyIndex = std::unordered_map<std::string, std::uint32_t>;

struct SourceTable {
  std::vector<Source> sources;
  // Per service, then one past the last: a service's sources are one per (task definition, item
  // of its capacity provider strategy), task definition major.
  std::vector<std::uint32_t> first_service_source;
  std::uint32_t first_job_source = 0;
  std::vector<std::uint32_t> job_first_source;      // per job (one source per strategy item), then one past the last
  std::vector<std::uint32_t> trace_first_source;    // per trace: its first group's source
  FamilyIndex family_index;                         // of RunResult::families, for the families traces add
};

// Instances launched to register at one instant.
struct RegistrationBatch {
  SimTime at = 0;
  std::vector<InstanceIdx> instances;
};

// Fills `cluster` with the scenario's instances and `result` with zones, the instance types
// the cluster uses (catalog order) and the instance records; `type_slot` maps a scenario
// instance type to its RunResult::instance_types index. Returns the registration batches.
std::vector<RegistrationBatch> build_instances(const Scenario& scenario, ClusterState& cluster, RunResult& result,
                                               std::vector<std::uint32_t>& type_slot);

// What the OS of an instance of `type` reports (floor(MemTotal / 2^20)), the memory the agent
// registers before ECS_RESERVED_MEMORY. "linux": the type's os_memory_mib (scenarios/catalog.h).
// "windows": the advertised memory minus 1 MiB. AWS documents one Windows figure only (Dev Guide
// "Container Instance Memory Management": an m4.large, 8192 MiB advertised, registers 8191 MiB on
// the Windows AMI, against 7985 on Linux); ecsim assumes that 1 MiB gap for every type.
std::int64_t os_memory_mib(const InstanceType& type, std::string_view os_type);

// The ecs.ami-id an instance of `group` registers when the group names none:
// "ami-ecsim-al2023-<architecture>" on Linux (Amazon Linux 2023, the ECS-optimized AMI's current
// base), "ami-ecsim-<family>-<architecture>" on Windows, the family in lower case with '-' for
// '_' ("ami-ecsim-windows-server-2022-full-x86_64"). Fictional ids, stable from run to run.
std::string default_ami_id(const InstanceGroup& group, const InstanceType& type);

// The ecs.subnet-id of the instances of zone `zone`: Cluster::subnets[zone], or "subnet-<zone
// name>" when it names none.
std::string subnet_id(const Cluster& cluster, std::uint32_t zone);

// Interns the built-in attributes (BuiltinAttribute order) in an empty `cluster`; a no-op when
// they are there. build_instances calls it.
void intern_builtin_attributes(ClusterState& cluster);

// Creates instance `id` of instance group `group` in zone `zone`, launched at `launched_at`:
// in `cluster` its registered resources (Dev Guide "Container Instance Memory Management"),
// reserved ports, attachment budget and attributes (the built-in ones of Dev Guide "Amazon ECS
// task placement constraints", the group's custom attributes and the agent's capabilities),
// not yet schedulable; in `result` its InstanceRecords row (registered_at and terminated_at
// kNever). Returns its index (the same in both). Registration is the engine's.
// REQUIRES: build_instances ran (built-in attributes interned, `type_slot` filled);
// group < cluster's groups; zone < its zones.
InstanceIdx create_instance(const Scenario& scenario, ClusterState& cluster, RunResult& result,
                            const std::vector<std::uint32_t>& type_slot, std::uint32_t group, std::uint32_t zone,
                            SimTime launched_at, std::string id);

// REQUIRES: build_instances ran on `cluster` (placers see its attributes).
SourceTable build_sources(const Scenario& scenario, ClusterState& cluster, PlacerFactory& factory, RunResult& result);

// The index of `family` in `families`, appended if new; O(1). REQUIRES: `index` holds every
// entry of `families` (both start empty and change only here).
std::uint32_t intern_family(std::vector<std::string>& families, FamilyIndex& index, const std::string& family);

}  // namespace ecsim::sim
