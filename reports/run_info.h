// run.json: what differs from one run to the next (wall time, speed, memory, host). It is the
// one output that is not byte-identical across runs, so nothing deterministic is kept only here.
#pragma once

#include <cstdint>
#include <string>

#include "sim/run_result.h"

namespace ecsim::reports {

struct RunStats {
  double wall_seconds = 0;      // wall-clock time of the simulation (tools/ measures it)
  std::uint64_t events = 0;     // engine events processed
  std::uint64_t placements = 0; // placement decisions, successful or not
  double peak_rss_mib = 0;      // peak resident set size, e.g. from peak_rss_mib()
  std::string run_id;           // summary.json's outputs.runId (reports/outputs.h); "" leaves it out
};

// Peak resident set size of this process so far, in MiB: /proc/self/status's VmHWM, which counts
// from the program's start (getrusage's ru_maxrss, the fallback, also counts the memory of the
// process that forked it, up to its exec: a large parent, a test suite or a script's
// interpreter, would show as ecsim's); 0 when unavailable.
double peak_rss_mib();

// What run.json says about the machine.
struct HostInfo {
  std::string hostname;   // gethostname(); "" when unavailable
  std::string cpu_model;  // first "model name" of /proc/cpuinfo; "" when unavailable
  unsigned logical_cpus = 0;  // std::thread::hardware_concurrency()
  std::string compiler;   // "gcc 12.2.0", "clang 14.0.6"
  std::string build_type; // "release" (NDEBUG) or "debug", "+sanitizers" when built with them
};
HostInfo host_info();

// The whole run.json text, final newline included. Rates are 0 when wall_seconds <= 0.
// Besides wallSeconds, eventsPerSecond, placementsPerSecond, peakRssMiB and host it repeats the
// run's identity (scenario, seed, strategy, ecsimVersion) so that a lone run.json says what ran.
std::string run_json(const sim::RunResult& r, const RunStats& stats);
// Same, with the host given (tests pin its bytes).
std::string run_json(const sim::RunResult& r, const RunStats& stats, const HostInfo& host);

}  // namespace ecsim::reports
