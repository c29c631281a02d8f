// Whether a run fits in this machine's memory: a run holds what is alive (tasks waiting or holding
// an instance, and instances: sim/engine.h TaskSink), so what it needs is known before it starts
// to within its live tasks.
//
//  - Up front (check_memory_budget): the tasks alive at once at the least, by Little's law per
//    source (a job's arrival rate while it submits times its mean runtime, never more than it
//    submits; a REPLICA service's desiredCount, a DAEMON's instances, a trace's concurrency over
//    its span: tools/validate_report.h's steady-state figures), times kBytesPerLiveTask. More than
//    the memory available is bad input (exit 2), naming the largest source and what it needs.
//  - During the run (RunLimits::max_live_tasks): the engine refuses to hold more live tasks than
//    the memory available holds (waiting tasks pile up when the cluster cannot keep up; a page of
//    task numbers with a live task counts as kBytesPerTaskPage), with the same exit status and
//    nothing written.
// Memory available: the least of /proc/meminfo's MemAvailable, memory.max less memory.current of
// the process's cgroup (v2, /proc/self/cgroup) and of each cgroup above it (a batch scheduler's
// job limit: Slurm's --mem under ConstrainRAMSpace), RLIMIT_AS, and ECSIM_MEMORY_AVAILABLE (bytes, or with a K, M or G suffix: a
// lower budget on a shared machine, and the tests' seam); unknown (-1) when none can be read.
//
// Commands that run several simulations at once (compare, plan, sweep: tools/work_pool.h) give
// each run in flight its share, the memory available divided by the runs at once: the check up
// front and the engine's limit are those of the share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine.h"
#include "sim/model.h"

namespace ecsim::tools {

// What one live task costs a run (its engine state, its place in a wait queue or on an instance,
// a service's bookkeeping), measured: 100 bytes for a waiting job task; rounded up for the rest.
inline constexpr std::int64_t kBytesPerLiveTask = 128;
// What a page of task numbers (sim/task_pages.h) costs while one of its tasks is alive: during
// the run it counts as kBytesPerTaskPage / kBytesPerLiveTask tasks (sim::RunLimits::tasks_per_page).
inline constexpr std::int64_t kBytesPerTaskPage = 1024;

// The environment variable that lowers the memory available (see above).
inline constexpr const char* kMemoryAvailableVariable = "ECSIM_MEMORY_AVAILABLE";

// A memory size: bytes, or kibibytes, mebibytes, gibibytes, tebibytes with a K, M, G or T suffix
// ("512M"); -1 when `text` is not one.
std::int64_t parse_memory_size(std::string_view text);

// The least room (memory.max less memory.current) of the cgroup that `proc_self_cgroup` (the text
// of /proc/self/cgroup) names under `root` (/sys/fs/cgroup) and of each cgroup above it, up to
// `root`; -1 when none has a limit.
std::int64_t cgroup_memory_headroom(const std::filesystem::path& root, std::string_view proc_self_cgroup);

// Bytes of memory this process may still use; -1 when unknown. Throws sim::InputError (naming
// ECSIM_MEMORY_AVAILABLE) when that variable is set to something other than a size.
std::int64_t available_memory_bytes();

// One run's share when `runs_at_once` runs share `available` bytes (-1, unknown, stays -1).
std::int64_t memory_share(std::int64_t available, std::size_t runs_at_once);

// The engine's limits for one of `runs_at_once` runs sharing `available` bytes (-1: none): the
// live tasks its share holds, the scenario `file` and why, for the engine's message.
sim::RunLimits memory_limits(const std::string& file, std::int64_t available, std::size_t runs_at_once = 1);

// What the check up front reads of a scenario, one integer per field (a double's bits for a
// rate): the run's duration; per instance group its count; per capacity provider its
// desiredCapacity; per service whether it is a DAEMON and its desiredCount; per job its arrival
// (kind, rate, interval, start, end, count, the listed times it submits within the run and how
// many are listed) and its runtime distribution's parameters; per trace its concurrency and
// records. Each field comes from one setting of the scenario, except a listed arrival's times
// within the run (its times, start, end, count and the run's duration) and a trace's two (its
// file and options): `coupled` names those sets of fields, which `ecsim plan` varies together.
// Reading them is cheap (no trace file is read), and live_task_need computes the estimate from
// them alone, so a planner can estimate a candidate it never builds (tools/planner.cpp).
struct LiveTaskInputs {
  std::size_t groups = 0, providers = 0, services = 0, jobs = 0, traces = 0;
  std::vector<std::int64_t> fields;
  std::vector<std::vector<std::size_t>> coupled;
  bool same_shape(const LiveTaskInputs& o) const {
    return groups == o.groups && providers == o.providers && services == o.services && jobs == o.jobs && traces == o.traces;
  }
};
LiveTaskInputs live_task_inputs(const sim::Scenario& scenario);

// The tasks alive at once at the least (see above), and the source with the most of them:
// services, then jobs, then traces, each in scenario order (the first of equals).
struct LiveTaskNeed {
  double tasks = 0;
  double biggest = -1;
  std::size_t source = 0;
  double bytes() const { return tasks * static_cast<double>(kBytesPerLiveTask); }
};
LiveTaskNeed live_task_need(const LiveTaskInputs& inputs);

// What to ask a batch scheduler for to run the scenario once (`sweep --emit slurm`'s --mem), in
// bytes: kRequestBaseBytes, kRequestBytesPerInstance per instance at the most (those at the start
// and every capacity provider at its maxSize), kRequestBytesPerSample per sample (the run's
// duration over its sampleInterval) and kRequestBytesPerSeriesSample more per sample for each
// series of timeseries-by-*.csv (zones, instance types, services, capacity providers), and
// kRequestLiveTaskFactor times the live tasks' bytes at the least (live_task_need): a queue may
// grow beyond the steady state. The figures are peak RSS measured over runs of many sizes, rounded
// up (tests/tools/memory_budget_test.cpp runs scenarios and checks that none needs more). A run
// that needs more still ends cleanly: the element checks its own memory and stops with exit 2.
inline constexpr std::int64_t kRequestBaseBytes = std::int64_t{32} << 20;
inline constexpr std::int64_t kRequestBytesPerInstance = 1536;
inline constexpr std::int64_t kRequestBytesPerSample = 512;
inline constexpr std::int64_t kRequestBytesPerSeriesSample = 48;
inline constexpr std::int64_t kRequestLiveTaskFactor = 2;
std::int64_t run_memory_request(const sim::Scenario& scenario);

// Throws sim::InputError (file `file`, the largest source's JSON path) when the scenario's live
// tasks at the least need more than one run's share of `available` bytes (-1: no check).
// Returns memory_limits(file, available, runs_at_once).
sim::RunLimits check_memory_budget(const sim::Scenario& scenario, const std::string& file, std::int64_t available,
                                   std::size_t runs_at_once = 1);

}  // namespace ecsim::tools
