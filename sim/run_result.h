// RunResult: everything a finished run leaves for the reports. reports/ depends only on this
// header (and sim/), so writers can be tested on hand-built results.
//
// All times are SimTime; kNever marks "did not happen". Vectors of per-task fields are indexed by
// task number (submission order) and all have the same length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/placer.h"
#include "sim/pricing.h"
#include "sim/task_stats.h"
#include "sim/time.h"

namespace ecsim::sim {

struct InstanceRecords {
  std::vector<std::string> id;
  std::vector<std::uint32_t> zone;  // index into RunResult::zones
  std::vector<std::uint32_t> type;  // index into RunResult::instance_types
  std::vector<Market> market;
  std::vector<SimTime> launched_at;
  std::vector<SimTime> registered_at;
  std::vector<SimTime> terminated_at;  // kNever when alive at the end
  std::vector<std::int32_t> cpu_registered;         // CPU units the agent registers
  std::vector<std::int32_t> memory_registered_mib;  // memory MiB the agent registers

  std::size_t size() const { return id.size(); }
};

// What happened to a container instance, as instance-events.csv lists it (capacity issue).
enum class InstanceEventKind : std::uint8_t {
  kLaunched,           // launched during the run by an Auto Scaling group (instances.csv has every launch)
  kRegistered,         // the agent registered it: ACTIVE and connected
  kDisconnected,       // its agent lost the connection (zone outage, agent disconnect): placement fails with AGENT
  kReconnected,        // back after a disconnect
  kDraining,           // set DRAINING (an event, or the agent on a Spot interruption notice)
  kActive,             // set ACTIVE again after DRAINING
  kInterruptionNotice, // EC2's two-minute Spot interruption notice
  kTerminated,         // gone: scaled in, failed, interrupted, or lost with its zone for good
  kAgentDisconnected,  // its agent alone disconnected: its tasks run on, its capacity counts, placement
                       // there fails with AGENT until kAgentReconnected
  kAgentReconnected,
  kCount,
};

// "launched", "registered", "disconnected", "reconnected", "draining", "active",
// "interruptionNotice", "terminated", "agentDisconnected", "agentReconnected".
std::string_view instance_event_name(InstanceEventKind k);

struct InstanceEvent {
  SimTime at = 0;
  std::uint32_t instance = 0;  // index into RunResult::instances
  InstanceEventKind kind = InstanceEventKind::kLaunched;
  std::string reason;          // why, in a few words ("azOutage us-east-1b", "scale-in", "spot interruption")
};

// One row of timeseries.csv.
struct Sample {
  SimTime time = 0;
  std::int64_t running = 0;       // tasks RUNNING
  std::int64_t pending = 0;       // tasks waiting to be placed (PROVISIONING)
  std::int64_t starting = 0;      // placed, not yet RUNNING (PENDING)
  std::int64_t instances = 0;     // registered, schedulable instances
  std::int64_t cpu_reserved = 0, cpu_registered = 0;
  std::int64_t memory_reserved_mib = 0, memory_registered_mib = 0;
  std::int64_t submitted = 0;     // cumulative
  std::int64_t completed = 0;     // cumulative
  std::int64_t failed_to_place = 0;  // cumulative
};

// Reserved/registered over time, time-weighted. Fractions in [0, 1].
struct UtilizationStats {
  double mean = 0;
  double p95 = 0;
  double max = 0;
};

struct ResourceUtilization {
  UtilizationStats overall;
  std::vector<UtilizationStats> by_zone;  // index: RunResult::zones
  std::vector<UtilizationStats> by_type;  // index: RunResult::instance_types
};

struct TraceStats {
  std::string file;
  std::string format;
  std::int64_t records_read = 0;
  std::int64_t records_skipped = 0;
  double offered_cpu_unit_seconds = 0;  // Σ cpu × runtime, runtimes clipped to the run
  // The trace's own waits of its records submitted within the run, gathered as the run replays
  // them (exact figures up to 65,536 waits, then a bounded histogram: sim/duration_distribution.h).
  DurationDistribution recorded_waits;
};

enum class RolloutState : std::uint8_t { kInProgress, kCompleted, kFailed };

// "IN_PROGRESS", "COMPLETED", "FAILED" (ECS's rolloutState).
std::string_view rollout_state_name(RolloutState s);

// One deployment of a service (ECS Deployment): the first one at service creation, then one
// per deploy event and per circuit-breaker rollback.
struct DeploymentRecord {
  std::string task_definition;  // "family:revision"
  SimTime started_at = 0;
  SimTime completed_at = kNever;  // COMPLETED or FAILED; kNever while IN_PROGRESS at the end
  RolloutState rollout_state = RolloutState::kInProgress;
  bool rollback = false;          // started by the circuit breaker to roll back
  std::int32_t failed_tasks = 0;  // the circuit breaker's count for this deployment
};

// What one service did over the run (summary.json `services.NAME` beyond the per-source task
// figures, which reports compute from the task records).
struct ServiceResult {
  std::uint32_t source = 0;       // index into RunResult::sources
  bool daemon = false;
  std::int32_t desired_count = 0;  // at the end of the run (a DAEMON: instances it should run on)
  std::int32_t running_min = 0;    // RUNNING tasks, over the run
  std::int32_t running_max = 0;
  double running_mean = 0;         // time-weighted
  SimTime below_desired = 0;       // time with fewer RUNNING tasks than desired
  std::int32_t min_healthy = 0;    // lowest count of healthy tasks seen after the first steady state
  std::int64_t replacements = 0;   // tasks started to replace ones that stopped or failed
  std::int64_t throttled_launches = 0;  // launches delayed by the start-failure throttle or the rate limit
  std::vector<DeploymentRecord> deployments;
  std::int64_t scale_outs = 0;
  std::int64_t scale_ins = 0;
  bool has_load = false;
  SimTime overloaded = 0;          // time with demand above what RUNNING tasks reserve
  double requests = 0;             // Σ requests offered
  double unserved_requests = 0;    // Σ requests beyond what RUNNING tasks could serve
  // Spells with fewer RUNNING tasks than desired after the first steady state, each from when it
  // began to when RUNNING reached desired again (kNever: not by the end of the run).
  std::vector<std::pair<SimTime, SimTime>> below_desired_spells;
};

// What one capacity provider's Auto Scaling group did (summary.json `capacityProviders.NAME`).
struct CapacityProviderResult {
  std::string name;
  std::int64_t launched = 0;        // instances launched (the initial ones included)
  std::int64_t scaled_in = 0;       // instances terminated by scale-in
  std::int64_t lost = 0;            // instances lost otherwise (failure, interruption, zone)
  std::int64_t failed_launches = 0; // launches refused (insufficient capacity, no zone up)
  std::int64_t scale_outs = 0;      // scaling activities that raised the desired capacity
  std::int64_t scale_ins = 0;
  std::int32_t instances_min = 0;   // live instances over the run
  std::int32_t instances_max = 0;
  double instances_mean = 0;        // time-weighted
  std::int32_t desired_at_end = 0;
};

// A moment worth marking on time charts.
enum class MarkerKind : std::uint8_t {
  kScenarioEvent,        // an outage or other scenario event (label: its type and target)
  kDeploymentStarted,
  kDeploymentCompleted,
  kDeploymentFailed,
  kScaleOut,
  kScaleIn,
};

// "event", "deployment", "deploymentCompleted", "deploymentFailed", "scaleOut", "scaleIn".
std::string_view marker_kind_name(MarkerKind k);

struct Marker {
  SimTime at = 0;
  MarkerKind kind = MarkerKind::kScenarioEvent;
  std::uint32_t service = 0xFFFFFFFFu;  // index into RunResult::services, or none
  std::string label;                    // "azOutage us-east-1b", "web -> web:4", "web 4 -> 6"
};

// A service event message, as ECS shows in the service's event log.
struct ServiceEvent {
  SimTime at = 0;
  std::uint32_t service = 0;  // index into RunResult::services
  std::string message;
};

// What the instances held at one instant, for the cluster picture (reports/graphviz.h): each
// instance's CPU units and memory MiB held by tasks (PENDING, RUNNING or STOPPING) and, per
// instance and task group, how many tasks and how many of them not yet RUNNING. The engine
// captures it at the peak sample (the highest CPU reserved of registered; ties: the earliest),
// after every event of that instant, when its TaskSink asks (the records are then not kept to
// compute it from); `at` is kNever otherwise.
struct ClusterPicture {
  struct Held {
    std::uint32_t instance = 0;  // index into RunResult::instances
    std::uint32_t group = 0;     // index into RunResult::groups
    std::int32_t tasks = 0;
    std::int32_t starting = 0;   // placed, not yet RUNNING
  };
  SimTime at = kNever;
  std::vector<std::int64_t> cpu, memory_mib;  // per instance (RunResult::instances)
  std::vector<Held> held;                     // by instance, then group
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  std::string strategy;
  SimTime duration = 0;
  SimTime sample_interval = 0;

  std::vector<std::string> zones;
  std::vector<std::string> instance_types;                 // names of types used by the cluster
  std::vector<std::int64_t> price_microdollars_per_hour;   // per instance_types entry
  std::vector<std::string> families;
  std::vector<std::string> groups;

  // Per task, in submission order: filled for hand-built and read-back results only. The engine
  // hands each task over when it is done with it and keeps only task_stats (and tasks.csv, when
  // a TaskSink writes it): reports use task_stats when it is not empty, else compute it from
  // `tasks` (reports/summary.h task_stats_of).
  TaskRecords tasks;
  TaskStats task_stats;
  ClusterPicture picture;
  InstanceRecords instances;
  std::vector<Sample> samples;
  // CPU units and memory MiB, reserved and registered, per zone and per instance type at each
  // sample, row-major: [sample * zones.size() + zone], [sample * instance_types.size() + type].
  // Empty when the engine did not record them (hand-built results).
  std::vector<std::int64_t> zone_cpu_reserved, zone_cpu_registered, zone_memory_reserved, zone_memory_registered;
  std::vector<std::int64_t> type_cpu_reserved, type_cpu_registered, type_memory_reserved, type_memory_registered;
  ResourceUtilization cpu;
  ResourceUtilization memory;
  std::int64_t placement_failures[static_cast<std::size_t>(FailureReason::kCount)] = {};
  std::vector<TraceStats> traces;

  std::vector<SourceInfo> sources;       // services, then jobs, then traces, in scenario order
  std::vector<ServiceResult> services;   // scenario order
  // Per sample and service, row-major [sample * services.size() + service]: RUNNING tasks,
  // healthy tasks, desired count, CPU units demanded by the load and CPU units the RUNNING
  // tasks reserve (both 0 without a load). Empty when the engine did not record them.
  std::vector<std::int64_t> service_running, service_healthy, service_desired, service_demand_cpu,
      service_capacity_cpu;
  std::vector<Marker> markers;           // by time, then in the order they happened
  std::vector<ServiceEvent> service_events;  // by time, then in the order they happened
  // Every change of an instance's state after creation, by time, then in the order they happened.
  // An instance is down (not schedulable, its capacity not counted) between kDisconnected and
  // kReconnected, and after kTerminated.
  std::vector<InstanceEvent> instance_events;
  std::vector<CapacityProviderResult> capacity_providers;  // scenario order
  // Per instance (RunResult::instances order): index into capacity_providers, or 0xFFFFFFFF for
  // an instance group's. Empty when there are no capacity providers.
  std::vector<std::uint32_t> instance_capacity_provider;
  // Per sample and provider, row-major [sample * capacity_providers.size() + provider]: live
  // instances, desired capacity, and CapacityProviderReservation (percent, the last datapoint).
  std::vector<std::int64_t> provider_instances, provider_desired;
  std::vector<double> provider_reservation;

  std::uint64_t events = 0;      // events processed by the engine
  std::uint64_t placements = 0;  // placement decisions made (successful or not)

  // What a Spot instance of each instance_types entry is billed per hour (sim/pricing.h). Empty:
  // Spot instances are billed at the on-demand price (hand-built results).
  std::vector<std::int64_t> spot_price_microdollars_per_hour;
  // Savings Plans / reserved capacity the scenario gives, in its order; their instance_types index
  // RunResult::instance_types (types of the scenario that the cluster does not use are dropped).
  std::vector<SavingsPlanTerms> savings_plans;
};

// r.task_stats when not empty (the engine's), else `scratch` filled from r.tasks (a hand-built or
// read-back result).
const TaskStats& task_stats_of(const RunResult& r, TaskStats& scratch);

}  // namespace ecsim::sim
