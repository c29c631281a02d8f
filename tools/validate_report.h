// What `ecsim validate` says about a loaded scenario beyond "valid": what each task definition
// reserves, what each source submits, the steady-state demand against the fleet's registered
// capacity at the start, and warnings about likely mistakes, each with its file and JSON path.
//
// Pure: built from a sim::Scenario the loader accepted, no file read, no clock, no randomness.
//
// The figures:
//  - Fleet at the start: every instance group's `count` instances, and every capacity provider's
//    desiredCapacity counted as instances of its first instance type (the launch template's, or
//    the first override: the On-Demand priority order). Registered CPU = 1024 units per vCPU;
//    registered memory = what the OS reports minus reservedMemoryMiB (Dev Guide "Container
//    Instance Memory Management").
//  - Demand (Little's law, L = lambda x W): a job's tasks running at once are its arrival rate
//    while it submits times its mean runtime; a REPLICA service's are its desiredCount; a DAEMON
//    service's one per instance at the start; a trace's are its offered CPU-seconds (and
//    MiB-seconds) over its span. Each source is taken at its steady state while it submits, and
//    the total adds them all, as if they were active at once. Sources whose rate or runtime is
//    not known in advance are listed by why, and the total says it leaves them out.
//  - Warnings only for certain mistakes (see ValidateWarning::Kind).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/model.h"

namespace ecsim::tools {

// One likely mistake. `file` and `pointer` name where it is (a task definition read from its
// own file is named by that file).
struct ValidateWarning {
  enum class Kind : std::uint8_t {
    kUnlistedImage,        // a container's image is not in `images` (which lists others): no pull
    kUnknownAttribute,     // spread or memberOf on an attribute no instance has
    kUnusedTaskDefinition, // no service, job or deploy event uses any revision of its family
    kNeverFits,            // a job's or service's task fits on no instance type it may use
    kUnusedCapacityProvider,  // no capacity provider strategy names it
    kNothingInRun,         // a job's arrivals or an event fall after the run's duration
    kTraceTasksNeverFit,   // trace records larger than every instance
  };
  Kind kind;
  std::string file;
  std::string pointer;
  std::string message;
};

// "unlistedImage", "unknownAttribute", ... for --json.
std::string warning_kind_name(ValidateWarning::Kind kind);

struct TaskDefinitionFigures {
  std::string name;  // family:revision
  std::int32_t cpu = 0;
  std::int32_t memory_mib = 0;          // the reservation
  std::string memory_basis;             // "task" (task-level memory), "soft" (memoryReservation), "hard"
  std::int64_t memory_hard_mib = 0;     // Σ containers' hard limits (memory), 0 when none sets one
  std::int32_t gpus = 0;
  std::string network_mode;             // "bridge", "host", "awsvpc", "none"
  std::int32_t enis = 0;
  std::vector<std::uint16_t> tcp_ports; // static host ports
  std::vector<std::uint16_t> udp_ports;
  std::int32_t dynamic_ports = 0;       // bridge mappings with no host port
};

struct SourceFigures {
  std::string kind;             // "service", "job", "trace"
  std::string name;             // serviceName, job name, trace file
  std::string task_definition;  // family:revision; empty for a trace
  std::string submits;          // for humans: "18 tasks desired", "40 jobs/h from 01:00 to 05:00"
  std::optional<double> jobs_per_hour;         // jobs, traces
  std::optional<double> mean_runtime_seconds;  // jobs, traces
  std::int32_t desired_count = -1;             // services (a DAEMON: instances at the start)
  std::int32_t min_capacity = -1;              // autoScaling, -1 without
  std::int32_t max_capacity = -1;
  std::int64_t records = -1;                   // traces
  double span_seconds = 0;                     // traces: first to last submission
  // Steady-state demand; nullopt with `unknown` saying why when it cannot be computed.
  std::optional<double> tasks_running;
  std::optional<double> cpu_units;
  std::optional<double> memory_mib;
  std::string unknown;
};

struct ValidateReport {
  std::string file;
  std::string headline;  // "<file>: valid (N instances, ...)", unchanged since the first release
  std::vector<TaskDefinitionFigures> task_definitions;
  std::vector<SourceFigures> sources;  // services, jobs, traces, each in scenario order
  std::int64_t fleet_instances = 0;
  std::int64_t fleet_cpu = 0;
  std::int64_t fleet_memory_mib = 0;
  std::int64_t static_instances = 0;        // of instance groups (fixed during the run)
  std::int64_t provider_max_instances = 0;  // Σ capacity providers' maxSize
  double offered_cpu = 0;         // Σ over sources whose demand is known
  double offered_memory_mib = 0;
  std::int32_t sources_unknown = 0;  // sources left out of the totals
  std::vector<ValidateWarning> warnings;
};

// The report for `scenario`, loaded from `file` (as the user named it).
ValidateReport build_validate_report(const sim::Scenario& scenario, const std::string& file);

// The text `ecsim validate` prints: the headline, then (unless `quiet`) the figures, then one
// "warning: FILE: POINTER: MESSAGE" line per warning. Ends with a newline.
std::string validate_text(const ValidateReport& report, bool quiet);

// The same as one JSON document (keys camelCase), ending with a newline.
std::string validate_json(const ValidateReport& report);

}  // namespace ecsim::tools
