// The typed scenario: what the loader (scenarios/) produces from JSON and the engine runs.
//
// Everything here is already validated and resolved: names are interned to indices, sizes are
// integer MiB, CPU is integer ECS units (1024 per vCPU), times are SimTime microseconds, prices
// are integer micro-dollars per hour. The engine never re-validates.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/pricing.h"
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
  // Spot (sim/pricing.h): savings against on-demand in percent and the interruption band, from the
  // bundled Spot Instance Advisor data or the scenario (-1 / kUnknown: no figure); the Spot price
  // per hour when the scenario gives one (-1: derived, see spot_price_microdollars_per_hour()).
  std::int32_t spot_savings_pct = -1;
  SpotInterruptionBand spot_interruption_band = SpotInterruptionBand::kUnknown;
  std::int64_t spot_price_override_microdollars_per_hour = -1;

  // What a Spot instance of this type is billed per hour (sim::spot_price_microdollars).
  std::int64_t spot_price_microdollars_per_hour() const {
    return spot_price_microdollars(price_microdollars_per_hour, spot_savings_pct, spot_price_override_microdollars_per_hour);
  }
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
  // ecs.os-family: "LINUX" for linux; for windows the AMI's family (WINDOWS_SERVER_2022_FULL, ...).
  std::string os_family = "LINUX";
  // ecs.ami-id; empty: ecsim's default for the OS family and architecture (sim/run_setup.h default_ami_id).
  std::string ami_id;
};

enum class ImagePullBehavior : std::uint8_t { kDefault, kAlways, kOnce, kPreferCached };

// The agent's settings (Agent README, configuration; Agent README config table).
struct AgentConfig {
  SimTime task_start_latency = 0;
  SimTime task_stop_latency = 0;
  SimTime heartbeat_interval = 30 * kSecond;
  ImagePullBehavior image_pull_behavior = ImagePullBehavior::kDefault;
  // ECS_CONTAINER_STOP_TIMEOUT: SIGTERM to SIGKILL, unless a container sets stopTimeout.
  SimTime container_stop_timeout = 30 * kSecond;
  // Since 2023 the control plane places as if a STOPPING task's resources were free and the
  // agent holds the new task in PENDING until they are released (AWS containers blog "Improvements to
  // Amazon ECS task launch behavior when tasks have prolonged shutdown"). true:
  // the behaviour before, where placement fails with RESOURCE:* while a task is stopping
  // (scenario key "stoppingTasksHoldResources").
  bool stopping_tasks_hold_resources = false;
  // ECS_ENABLE_SPOT_INSTANCE_DRAINING (default false): on a Spot interruption notice the agent
  // sets its instance DRAINING (Dev Guide "Spot Instance draining").
  bool spot_instance_draining = false;
  // Image cleanup (ECS_IMAGE_CLEANUP_INTERVAL, ECS_IMAGE_MINIMUM_CLEANUP_AGE,
  // ECS_NUM_IMAGES_DELETE_PER_CYCLE, ECS_DISABLE_IMAGE_CLEANUP).
  bool image_cleanup_enabled = true;
  SimTime image_cleanup_interval = 30 * kMinute;
  SimTime image_minimum_cleanup_age = kHour;
  std::int32_t images_deleted_per_cycle = 5;
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


// One item of a capacity provider strategy (Dev Guide "Amazon ECS capacity providers"): the first
// `base` tasks go to the provider that sets a base, the rest in proportion to the weights.
struct CapacityProviderStrategyItem {
  std::uint32_t provider = 0;  // index into Scenario::capacity_providers
  std::int32_t weight = 0;     // 0-1000; a provider of weight 0 gets no task beyond its base
  std::int32_t base = 0;       // 0-100000; at most one item sets it
};

// EC2 Auto Scaling's Spot allocation strategies (MixedInstancesPolicy InstancesDistribution).
enum class SpotAllocationStrategy : std::uint8_t { kLowestPrice, kCapacityOptimized, kPriceCapacityOptimized };

// An Auto Scaling group capacity provider (CreateCapacityProvider, EC2 Auto Scaling
// CreateAutoScalingGroup): the ASG's instances are launched and terminated during the run.
struct CapacityProvider {
  std::string name;
  // The ASG's launch template per instance type, in priority order (instanceTypes, or the
  // mixedInstancesPolicy's overrides): indices into Cluster::instance_groups, groups of count 0
  // that hold the instance settings (type, attributes, OS, ...). Instances are "<name>-<n>".
  std::vector<std::uint32_t> groups;
  std::vector<std::uint32_t> zones;  // the ASG's zones (indices into Cluster::availability_zones)
  std::int32_t min_size = 0;
  std::int32_t max_size = 0;
  std::int32_t desired_capacity = 0;  // at the start
  std::int32_t on_demand_base_capacity = 0;
  std::int32_t on_demand_percentage_above_base = 100;
  SpotAllocationStrategy spot_allocation = SpotAllocationStrategy::kLowestPrice;
  // managedScaling (API reference ManagedScaling, with its defaults).
  bool managed_scaling = false;
  std::int32_t target_capacity = 100;  // percent, 1-100
  std::int32_t minimum_scaling_step_size = 1;
  std::int32_t maximum_scaling_step_size = 10000;
  SimTime instance_warmup = 300 * kSecond;
  bool managed_termination_protection = false;
  // Launch to registration of an instance the group launches (ecsim's; AWS publishes no figure):
  // lognormal, median 90 s, p90 150 s unless the scenario says otherwise.
  RuntimeSpec launch_time{RuntimeSpec::Kind::kLognormal, 0, 0, 90 * kSecond, 150 * kSecond, 0, 0, {}};
};

struct Cluster {
  std::string name;
  std::vector<std::string> availability_zones;
  std::vector<InstanceGroup> instance_groups;
  AgentConfig agent;
  // Used by services and jobs that name neither a strategy nor launchType "EC2".
  std::vector<CapacityProviderStrategyItem> default_capacity_provider_strategy;
  // Tasks of a capacity provider waiting for capacity (PROVISIONING): at most this many in the
  // cluster (Dev Guide "Amazon ECS service quotas": 300), and each stops after this long unplaced.
  std::int32_t max_provisioning_tasks = 300;
  SimTime provisioning_timeout = 30 * kMinute;
  // ecs.vpc-id of every instance.
  std::string vpc_id = "vpc-ecsim";
  // ecs.subnet-id of the instances of each zone (index: availability_zones); a zone without an
  // entry (or an empty one) gets "subnet-<zone>" (sim/run_setup.h subnet_id).
  std::vector<std::string> subnets;
};

struct Registry {
  std::string name;
  std::int64_t pull_bytes_per_second = 0;  // > 0
  SimTime latency = 0;
  // Pull rate limit (Docker Hub's: 100 pulls per 6 hours for anonymous users): at most
  // `pull_limit` image pulls per `pull_limit_window`, sliding. 0: unlimited.
  std::int32_t pull_limit = 0;
  SimTime pull_limit_window = 6 * kHour;
};

// One image layer, shared by every image that lists its digest.
struct ImageLayer {
  std::string digest;        // "sha256:..." or any unique name
  std::int64_t size_mib = 0;
};

struct Image {
  std::string name;                 // "web:1.4", as containers reference it
  std::int64_t size_mib = 0;        // Σ of its layers' sizes when it lists layers
  std::uint32_t registry = 0;       // index into Scenario::registries
  // Indices into Scenario::layers, in image order. An image without `layers` has one layer of
  // its own (digest "<name>"), so every image is pulled layer by layer.
  std::vector<std::uint32_t> layers;
};

enum class NetworkMode : std::uint8_t { kBridge, kHost, kAwsvpc, kNone };

enum class Protocol : std::uint8_t { kTcp, kUdp };

struct PortMapping {
  std::int32_t container_port = 0;
  std::int32_t host_port = 0;  // 0: dynamic (bridge) or equal to container port (host/awsvpc)
  Protocol protocol = Protocol::kTcp;
};

// A container health check (RegisterTaskDefinition healthCheck; Dev Guide "Task definition parameters",
// container definitions).
struct HealthCheck {
  SimTime interval = 30 * kSecond;  // 5-300 s
  SimTime timeout = 5 * kSecond;    // 2-60 s
  std::int32_t retries = 3;         // 1-10
  SimTime start_period = 0;         // 0-300 s: failures do not count for this long
};

// dependsOn conditions (Dev Guide "Task definition parameters", container definitions).
enum class DependencyCondition : std::uint8_t { kStart, kComplete, kSuccess, kHealthy };

struct ContainerDependency {
  std::uint32_t container = 0;  // index into TaskDefinition::containers
  DependencyCondition condition = DependencyCondition::kStart;
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
  std::optional<HealthCheck> health_check;
  std::vector<ContainerDependency> depends_on;
  SimTime stop_timeout = -1;   // stopTimeout; -1: the agent's container_stop_timeout
  SimTime start_timeout = -1;  // startTimeout (dependsOn wait); -1: none
};

// What placement reserves for one task (Dev Guide "Task definition parameters", cpu and memory).
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

// ECS's placement for a REPLICA service on EC2 that names no strategy (Dev Guide "Amazon ECS services"): the
// zone with the fewest tasks of the service, then the instance with the fewest. Also the
// preset "serviceDefault" (placement/registry.h).
inline std::vector<StrategySpec> service_default_strategy() {
  return {{"spread", "attribute:ecs.availability-zone", {}}, {"spread", "instanceId", {}}};
}

// A strategy list as summary.json labels it: "spread(attribute:ecs.availability-zone),binpack(memory)",
// research strategies' parameters inside the parentheses ("x(alpha=0.5,k=3)").
std::string strategy_label(const std::vector<StrategySpec>& strategy);

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
  // Resolved: its own, else the cluster's default; empty: launch type EC2 (any instance).
  std::vector<CapacityProviderStrategyItem> capacity_provider_strategy;
};

enum class SchedulingStrategy : std::uint8_t { kReplica, kDaemon };

// How a service's tasks fail (scenario key "failures"); each draw comes from the service's own
// named streams, so a failure of one service shifts no other.
struct TaskFailureSpec {
  double crash_rate_per_task_hour = 0;        // RUNNING tasks exit (EssentialContainerExited), Poisson
  double start_failure_probability = 0;       // the task stops before RUNNING (TaskFailedToStart)
  double health_check_failure_probability = 0;  // the task never passes its container health check
};

// Requests per second over time: points linear between them, flat before the first and after
// the last; with `repeat` > 0 the curve repeats with that period (points in [0, repeat)).
struct LoadSpec {
  std::vector<std::pair<SimTime, double>> requests_per_second;  // sorted by time, >= 1 point
  SimTime repeat = 0;
  double cpu_milliseconds_per_request = 0;  // CPU time one request takes (1000 ms = 1 vCPU-second)
};

// Application Auto Scaling's predefined ECS metrics (percent of what the service reserves).
enum class ScalingMetric : std::uint8_t { kCpuUtilization, kMemoryUtilization };

struct TargetTrackingPolicy {
  std::string name;
  ScalingMetric metric = ScalingMetric::kCpuUtilization;
  double target_value = 0;                // percent
  SimTime scale_out_cooldown = 300 * kSecond;
  SimTime scale_in_cooldown = 300 * kSecond;
  bool disable_scale_in = false;
};

enum class AdjustmentType : std::uint8_t { kChangeInCapacity, kPercentChangeInCapacity, kExactCapacity };
enum class ComparisonOperator : std::uint8_t { kGreaterOrEqual, kGreater, kLess, kLessOrEqual };

// One step: applies when (metric - threshold) is in [lower, upper); bounds may be infinite.
struct StepAdjustment {
  double lower_bound = -std::numeric_limits<double>::infinity();
  double upper_bound = std::numeric_limits<double>::infinity();
  std::int32_t scaling_adjustment = 0;
};

// A step scaling policy with the CloudWatch alarm that drives it (one-minute periods).
struct StepScalingPolicy {
  std::string name;
  ScalingMetric metric = ScalingMetric::kCpuUtilization;
  ComparisonOperator comparison = ComparisonOperator::kGreaterOrEqual;
  double threshold = 0;                  // percent
  std::int32_t evaluation_periods = 1;   // minutes looked at
  std::int32_t datapoints_to_alarm = 1;  // of which this many must breach
  AdjustmentType adjustment_type = AdjustmentType::kChangeInCapacity;
  std::vector<StepAdjustment> steps;
  SimTime cooldown = 300 * kSecond;
  std::int32_t min_adjustment_magnitude = 0;  // PercentChangeInCapacity only
};

// A scheduled action: at `at` (and every `repeat` after it when > 0) sets min and/or max.
struct ScheduledAction {
  std::string name;
  SimTime at = 0;
  SimTime repeat = 0;
  std::int32_t min_capacity = -1;  // -1: unchanged
  std::int32_t max_capacity = -1;
};

struct AutoScalingSpec {
  std::int32_t min_capacity = 0;
  std::int32_t max_capacity = 0;
  std::vector<TargetTrackingPolicy> target_tracking;
  std::vector<StepScalingPolicy> step_scaling;
  std::vector<ScheduledAction> scheduled;  // sorted by `at`, then file order
};

// A service (Dev Guide "Amazon ECS services"): REPLICA keeps desired_count tasks; DAEMON one task per
// instance that meets its constraints.
struct Service {
  std::string name;
  std::uint32_t task_definition = 0;
  SchedulingStrategy scheduling_strategy = SchedulingStrategy::kReplica;
  std::int32_t desired_count = 0;          // 0 for a DAEMON
  std::vector<StrategySpec> strategy;      // empty: ECS's service default (spread AZ, then instance)
  std::vector<ConstraintSpec> constraints;
  std::int32_t minimum_healthy_percent = 100;  // DAEMON default 0
  std::int32_t maximum_percent = 200;          // DAEMON: 100
  bool circuit_breaker = false;                // deploymentCircuitBreaker.enable
  bool circuit_breaker_rollback = false;       // deploymentCircuitBreaker.rollback
  SimTime health_check_grace_period = 0;       // healthCheckGracePeriodSeconds
  // ecsim's: how long its containers take to exit after SIGTERM when the scheduler stops a
  // task (scale-in, deployment, unhealthy); cut short by the task's stop timeout.
  SimTime shutdown_time = 0;
  // availabilityZoneRebalancing, resolved: ENABLED by default unless the strategy binpacks.
  bool az_rebalancing = true;
  TaskFailureSpec failures;
  std::optional<LoadSpec> load;
  std::optional<AutoScalingSpec> auto_scaling;
  std::optional<EbsVolumeConfig> ebs_volume;  // volumeConfigurations
  std::vector<CapacityProviderStrategyItem> capacity_provider_strategy;  // as Job's
};

// One task of a replayed trace.
struct TraceTask {
  SimTime submit = 0;
  SimTime runtime = 0;
  Resources need;
  std::uint32_t family = 0;  // index into Trace::families
  std::uint32_t group = 0;   // index into Trace::groups
};

// Reads one trace's records in submit order (then file order), from the first: one reader per
// run, never shared (the runs of compare, plan and sweep may share a Scenario across threads).
class TraceReader {
 public:
  TraceReader() = default;
  virtual ~TraceReader() = default;
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;
  // The next record and the trace's own wait for it (-1: none); false after the last. Throws
  // InputError when the file no longer holds what the loader read.
  virtual bool next(TraceTask& task, SimTime& recorded_wait) = 0;
};

// A trace file the loader has read through once (scenarios/traces.cpp): found in submit
// order, each run replays it from the file; out of order and larger than a chunk, from its runs
// sorted into a temporary file (scenarios/trace_sort.h). Either way no run holds its records.
// Immutable and safe to open from several threads at once.
class TraceFile {
 public:
  virtual ~TraceFile() = default;
  virtual std::unique_ptr<TraceReader> open() const = 0;
};

struct Trace {
  std::string file;
  std::string format;
  std::vector<std::string> families;
  std::vector<std::string> groups;
  // Where the records come from: `stream` when set (a file already in submit order, or one out
  // of order sorted through a temporary file), else `tasks` (a file out of submit order small
  // enough to hold sorted; or a trace built in memory). Read them through open_trace_reader().
  std::shared_ptr<const TraceFile> stream;
  std::vector<TraceTask> tasks;  // sorted by submit time, then file order
  // Per task (in `tasks` order): the trace's own wait from submission to start, -1 when the
  // trace gives none. Empty when no record has one.
  std::vector<SimTime> recorded_waits;
  std::vector<StrategySpec> strategy;
  OnPlacementFailure on_failure = OnPlacementFailure::kWait;
  std::int64_t records_read = 0;
  std::int64_t records_skipped = 0;  // left out by the format's rules, and bad rows skipped
  // What the loader's pass found, over every record in submit order (filled by the loader;
  // zero for a trace built in memory): the first and last submit times, and Σ runtime, Σ
  // runtime × cpu and Σ runtime × memory in seconds (a runtime to the end counts as kNever).
  bool in_submit_order = true;  // the file's records were already in submit order
  SimTime first_submit = 0;
  SimTime last_submit = 0;
  double runtime_seconds = 0;
  double cpu_unit_seconds = 0;
  double memory_mib_seconds = 0;
  // The distinct needs (cpu, memory, gpus) of the records, in the order they first appear, with
  // how many records have each: what `ecsim validate` fits against the fleet without reading the
  // file again. Known (`needs_known`) while there are at most kMaxTraceNeeds of them.
  static constexpr std::size_t kMaxTraceNeeds = 4096;
  std::vector<std::pair<Resources, std::int64_t>> needs;
  bool needs_known = false;
};

// A reader of `trace`'s records from the first: over its file when it streams, else over its
// tasks. Each call gives an independent reader.
std::unique_ptr<TraceReader> open_trace_reader(const Trace& trace);

enum class EventType : std::uint8_t {
  // Every instance of `zone` disconnects at `at` for `duration` (kNever: to the end); its tasks
  // are lost and it registers again, empty, afterwards.
  kAzOutage,
  // A new deployment of `service`: to `task_definition`, or of the same one (forceNewDeployment).
  kDeploy,
  // UpdateService desiredCount of `service`.
  kScale,
  // `registry` refuses pulls for `duration`.
  kRegistryOutage,
  // Instances (ScenarioEvent::instances) fail: terminated at once, their tasks lost.
  kInstanceFailure,
  // Spot interruption of the instances: the two-minute notice, then termination.
  kSpotInterruption,
  // The instances' agents disconnect for `duration`.
  kAgentDisconnect,
  // The instances are set DRAINING (for `duration`, then ACTIVE again; kNever: for good).
  kDrain,
  // Launches of `instance_type` (or any type) in `zone` fail for `duration`.
  kInsufficientCapacity,
};

// Which instances an instance event hits: one by id, or the first `count` live instances (by
// creation order) of an instance group or capacity provider, optionally in one zone.
struct InstanceSelector {
  std::string instance_id;               // "" when selecting by group or provider
  std::int32_t group = -1;               // index into Cluster::instance_groups (static groups)
  std::int32_t capacity_provider = -1;   // index into Scenario::capacity_providers
  std::int32_t zone = -1;                // -1: any zone
  std::int32_t count = 1;
};

// "azOutage", "deploy", "scale", "registryOutage".
std::string_view event_type_name(EventType t);

// A scheduled disturbance or operation (scenario `events`).
struct ScenarioEvent {
  SimTime at = 0;
  EventType type = EventType::kAzOutage;
  std::uint32_t zone = 0;            // kAzOutage: index into Cluster::availability_zones
  SimTime duration = kNever;         // kAzOutage, kRegistryOutage
  std::uint32_t service = 0;         // kDeploy, kScale: index into Scenario::services
  std::uint32_t task_definition = 0; // kDeploy: index into Scenario::task_definitions (the
                                     // service's current one with forceNewDeployment)
  bool force_new_deployment = false; // kDeploy
  std::optional<TaskFailureSpec> failures;  // kDeploy: how the new deployment's tasks fail
  std::int32_t desired_count = 0;    // kScale
  std::uint32_t registry = 0;        // kRegistryOutage: index into Scenario::registries
  InstanceSelector instances;        // kInstanceFailure, kSpotInterruption, kAgentDisconnect, kDrain
  std::int32_t instance_type = -1;   // kInsufficientCapacity: index into Scenario::instance_types; -1: all
};

// Faults as seeded random processes (scenario "faults"); rates are per instance-hour, each
// instance drawing from its own named stream.
struct FaultSpec {
  double instance_failure_rate_per_hour = 0;
  // Spot interruptions: per instance type (Scenario::instance_types order); by default each
  // type's rate from its Spot Instance Advisor interruption band.
  bool spot_interruptions = true;
  std::vector<double> spot_interruption_rate_per_hour;  // empty: from the bands
  double agent_disconnect_rate_per_hour = 0;
  SimTime agent_disconnect_duration = 30 * kSecond;
};

// The scenario's `pricing` (sim/pricing.h).
struct Pricing {
  // pricing.spotDiscountPct, -1 when absent. Already applied by the loader: it is the
  // spot_savings_pct of every type without a Spot figure of the scenario's own.
  std::int32_t spot_discount_pct = -1;
  // Savings Plans / reserved capacity, in file order; their instance_types index
  // Scenario::instance_types.
  std::vector<SavingsPlanTerms> savings_plans;
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
  std::vector<ImageLayer> layers;  // every layer of every image, unique by digest
  std::vector<TaskDefinition> task_definitions;
  std::vector<Service> services;
  std::vector<Job> jobs;
  std::vector<Trace> traces;
  std::vector<ScenarioEvent> events;  // sorted by time, then file order
  std::vector<CapacityProvider> capacity_providers;
  FaultSpec faults;
  std::vector<StrategySpec> default_strategy;  // RunTask default: random
  std::string strategy_label;                  // what summary.json reports as `strategy`
  // The scenario's "checks" (sim/check_expression.h syntax, checked at load), evaluated on its
  // summary.json after the run by `ecsim run` (reports/checks.h).
  std::vector<std::string> checks;
  Pricing pricing;
};

}  // namespace ecsim::sim
