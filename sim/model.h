// The typed scenario: what the loader (scenarios/) produces from JSON and the engine runs.
//
// Everything here is already validated and resolved: names are interned to indices, sizes are
// integer MiB, CPU is integer ECS units (1024 per vCPU), times are SimTime microseconds, prices
// are integer micro-dollars per hour. The engine never re-validates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace ecsim::sim {

// One EC2 instance type: the bundled catalog's row, or the scenario's `instanceTypes` entry.
struct InstanceType {
  std::string name;                  // "m5.xlarge"
  std::int32_t vcpu = 0;             // registered CPU is vcpu * 1024 units
  std::int64_t memory_mib = 0;       // as EC2 advertises it
  std::int64_t os_memory_mib = 0;    // what the OS reports (MemTotal), i.e. what the agent registers
                                     // before ECS_RESERVED_MEMORY; see scenarios/catalog.h
  std::int32_t max_enis = 0;         // network interfaces, primary included
  std::int32_t trunked_awsvpc_tasks = 0;  // awsvpc task limit with ENI trunking; 0: not documented
  std::int32_t gpus = 0;
  // EBS volume attachments (EC2 "Amazon EBS volume limits"): Nitro types share 28 attachments
  // between network interfaces, EBS volumes (the root volume included) and NVMe instance store;
  // Xen types (m4, c4, r4, t2, p3) have their own EBS limit. See scenarios/catalog.h.
  std::int32_t max_ebs_attachments = 28;
  bool ebs_limit_shared = true;  // EbsInfo attachmentLimitType "shared"
  std::string architecture = "x86_64";
  std::int64_t price_microdollars_per_hour = 0;  // on-demand, us-east-1
};

enum class Market : std::uint8_t { kOnDemand, kSpot };

struct Attribute {
  std::string name;
  std::string value;  // may be empty: ECS attributes may have no value
};

struct InstanceGroup {
  std::string name;
  std::uint32_t instance_type = 0;          // index into Scenario::instance_types
  std::int32_t count = 0;
  Market market = Market::kOnDemand;
  std::vector<std::uint32_t> zones;         // indices into Cluster::availability_zones, round-robin
  std::vector<Attribute> attributes;        // custom attributes, sorted by name
  std::int64_t reserved_memory_mib = 0;     // ECS_RESERVED_MEMORY
  SimTime launch_time = 0;                  // launch to registration
  std::string os_type = "linux";
  // awsvpcTrunking opted in: the instance takes the type's trunked_awsvpc_tasks awsvpc tasks
  // instead of its ENI limit minus the primary (Dev Guide "Elastic network interface trunking").
  bool awsvpc_trunking = false;
  // Static host ports the instance keeps back (ECS_RESERVED_PORTS); Linux agent defaults.
  std::vector<std::uint16_t> reserved_tcp_ports = {22, 2375, 2376, 51678, 51679};
  // Capability attributes the agent registers (no value), sorted; see scenarios/agent_capabilities.h.
  std::vector<std::string> capabilities;
};

enum class ImagePullBehavior : std::uint8_t { kDefault, kAlways, kOnce, kPreferCached };

struct AgentConfig {
  SimTime task_start_latency = 0;
  SimTime task_stop_latency = 0;
  SimTime heartbeat_interval = 30 * kSecond;
  ImagePullBehavior image_pull_behavior = ImagePullBehavior::kDefault;
};

struct Cluster {
  std::string name;
  std::vector<std::string> availability_zones;
  std::vector<InstanceGroup> instance_groups;
  AgentConfig agent;
};

struct Registry {
  std::string name;
  std::int64_t pull_bytes_per_second = 0;  // > 0
  SimTime latency = 0;
};

struct Image {
  std::string name;                 // "web:1.4", as containers reference it
  std::int64_t size_mib = 0;
  std::uint32_t registry = 0;       // index into Scenario::registries
};

enum class NetworkMode : std::uint8_t { kBridge, kHost, kAwsvpc, kNone };

enum class Protocol : std::uint8_t { kTcp, kUdp };

struct PortMapping {
  std::int32_t container_port = 0;
  std::int32_t host_port = 0;  // 0: dynamic (bridge) or equal to container port (host/awsvpc)
  Protocol protocol = Protocol::kTcp;
};

struct ContainerDefinition {
  std::string name;
  std::string image;
  std::int32_t cpu = 0;                  // units; 0 when absent
  std::int64_t memory_mib = 0;           // hard limit; 0 when absent
  std::int64_t memory_reservation_mib = 0;  // soft limit; 0 when absent
  bool essential = true;
  std::int32_t gpus = 0;
  std::vector<PortMapping> port_mappings;
};

// What placement reserves for one task (ecs-semantics §2.1).
struct Resources {
  std::int32_t cpu = 0;         // ECS CPU units
  std::int32_t memory_mib = 0;
  std::int32_t gpus = 0;
  std::int32_t enis = 0;        // 1 in awsvpc mode
  std::int32_t ebs_volumes = 0; // task-attached EBS volumes (0 or 1)
};

// A task definition volume (RegisterTaskDefinition volumes[]). Bind mounts, Docker volumes, EFS
// and FSx need nothing from placement beyond the capabilities they require; a volume
// configuredAtLaunch is an EBS volume that the RunTask/CreateService call configures.
struct Volume {
  enum class Kind : std::uint8_t { kHost, kDocker, kEfs, kFsxWindows, kConfiguredAtLaunch };
  std::string name;
  Kind kind = Kind::kHost;
};

// A task-attached EBS volume (RunTask/CreateService volumeConfigurations[].managedEBSVolume).
struct EbsVolumeConfig {
  std::string name;                // the task definition's configuredAtLaunch volume
  std::int32_t size_gib = 0;
  std::string volume_type = "gp3";
  // ecsim: the zone the volume is bound to (a volume restored in one zone); its tasks are
  // placed there or fail with LOCATION. -1: created in the chosen instance's zone (ECS's way).
  std::int32_t zone = -1;
  SimTime attach_latency = 0;      // from placement until the volume is attached
};

struct TaskDefinition {
  std::string family;
  std::int32_t revision = 1;
  NetworkMode network_mode = NetworkMode::kBridge;
  std::vector<ContainerDefinition> containers;
  Resources reserved;                        // resolved as ECS does; see scenarios/task_definition.h
  std::vector<Volume> volumes;
  std::vector<std::uint16_t> tcp_host_ports;  // static host ports, sorted, unique; empty in awsvpc
  std::vector<std::uint16_t> udp_host_ports;
  std::vector<std::uint32_t> images;         // indices into Scenario::images that must be pulled
  std::vector<std::string> member_of;        // placementConstraints (memberOf expressions)
  std::vector<std::string> requires_compatibilities;
  // runtimePlatform, as instance attributes the task requires (placement fails with ATTRIBUTE
  // on instances without them): ecs.cpu-architecture x86_64|arm64, ecs.os-type linux|windows.
  std::vector<Attribute> required_attributes;
  std::string source_file;                   // where it was defined, for messages
};

// One placement strategy item, as in ECS: {"type": "binpack", "field": "memory"}.
// `params` keeps extra numeric fields of research strategies, sorted by key.
struct StrategySpec {
  std::string type;
  std::string field;
  std::vector<std::pair<std::string, double>> params;
};

// ECS's placement for a REPLICA service on EC2 that names no strategy (ecs-semantics §5.1): the
// zone with the fewest tasks of the service, then the instance with the fewest. Also the
// preset "serviceDefault" (placement/registry.h).
inline std::vector<StrategySpec> service_default_strategy() {
  return {{"spread", "attribute:ecs.availability-zone", {}}, {"spread", "instanceId", {}}};
}

struct ConstraintSpec {
  std::string type;        // "distinctInstance" | "memberOf"
  std::string expression;  // memberOf only
};

struct ArrivalSpec {
  enum class Kind : std::uint8_t { kPoisson, kFixed, kList };
  Kind kind = Kind::kFixed;
  double rate_per_second = 0;  // poisson
  SimTime interval = 0;        // fixed
  std::vector<SimTime> at;     // list, sorted ascending
  SimTime start = 0;
  SimTime end = kNever;        // arrivals happen at times < end
  std::int64_t count = -1;     // -1: unbounded
};

struct RuntimeSpec {
  enum class Kind : std::uint8_t { kConstant, kExponential, kLognormal, kUniform, kEmpirical };
  Kind kind = Kind::kConstant;
  SimTime value = 0;            // constant
  SimTime mean = 0;             // exponential
  SimTime median = 0, p90 = 0;  // lognormal
  SimTime min = 0, max = 0;     // uniform
  std::vector<SimTime> samples; // empirical, in file order
};

enum class OnPlacementFailure : std::uint8_t { kWait, kFail };

// Who submits tasks: a batch/ETL job, a service (long-running replicas) or a trace.
struct Job {
  std::string name;
  std::uint32_t task_definition = 0;  // index into Scenario::task_definitions
  std::string group;                  // "family:etl", "service:web" or custom
  ArrivalSpec arrival;
  RuntimeSpec runtime;
  std::vector<StrategySpec> strategy;      // empty: the scenario's default
  std::vector<ConstraintSpec> constraints;
  OnPlacementFailure on_failure = OnPlacementFailure::kWait;
  std::optional<EbsVolumeConfig> ebs_volume;  // volumeConfigurations
};

// A REPLICA service: keeps desired_count tasks, replacing any that stop.
struct Service {
  std::string name;
  std::uint32_t task_definition = 0;
  std::int32_t desired_count = 0;
  std::vector<StrategySpec> strategy;      // empty: ECS's service default (spread AZ, then instance)
  std::vector<ConstraintSpec> constraints;
  std::int32_t minimum_healthy_percent = 100;
  std::int32_t maximum_percent = 200;
  std::optional<EbsVolumeConfig> ebs_volume;  // volumeConfigurations
};

// One task of a replayed trace.
struct TraceTask {
  SimTime submit = 0;
  SimTime runtime = 0;
  Resources need;
  std::uint32_t family = 0;  // index into Trace::families
  std::uint32_t group = 0;   // index into Trace::groups
};

struct Trace {
  std::string file;
  std::string format;
  std::vector<std::string> families;
  std::vector<std::string> groups;
  std::vector<TraceTask> tasks;  // sorted by submit time, then file order
  std::vector<StrategySpec> strategy;
  OnPlacementFailure on_failure = OnPlacementFailure::kWait;
  std::int64_t records_read = 0;
  std::int64_t records_skipped = 0;
};

// A scheduled disturbance. type "azOutage": every instance of `zone` disconnects at `at` for
// `duration` (kNever: to the end); its tasks are lost and it registers again, empty, afterwards.
struct ScenarioEvent {
  SimTime at = 0;
  std::string type;
  std::uint32_t zone = 0;  // index into Cluster::availability_zones
  SimTime duration = kNever;
};

struct Scenario {
  std::string name;
  std::string source_file;
  std::uint64_t seed = 0;
  SimTime duration = kDay;
  SimTime sample_interval = kMinute;
  std::string region = "us-east-1";
  std::vector<InstanceType> instance_types;  // catalog + overrides, sorted by name
  Cluster cluster;
  std::vector<Registry> registries;
  std::vector<Image> images;
  std::vector<TaskDefinition> task_definitions;
  std::vector<Service> services;
  std::vector<Job> jobs;
  std::vector<Trace> traces;
  std::vector<ScenarioEvent> events;  // sorted by time, then file order
  std::vector<StrategySpec> default_strategy;  // RunTask default: random
  std::string strategy_label;                  // what summary.json reports as `strategy`
};

}  // namespace ecsim::sim
