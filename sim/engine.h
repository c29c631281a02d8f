// Engine: runs one scenario with one seed and returns the RunResult.
//
// The engine is single-threaded and deterministic: the same Scenario, seed and PlacerFactory
// give the same RunResult, event for event.
#pragma once

#include <cstdint>

#include "sim/model.h"
#include "sim/placer.h"
#include "sim/run_result.h"

namespace ecsim::sim {

// Called now and then during a run (every few hundred thousand events) so that tools/ can print
// progress. Nothing it does may feed back into the run.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void progress(SimTime now, SimTime end, std::uint64_t events, std::uint64_t tasks) = 0;
};

// REQUIRES: `scenario` came from the loader (validated and resolved).
RunResult run_scenario(const Scenario& scenario, PlacerFactory& placers, ProgressSink* progress = nullptr);

}  // namespace ecsim::sim
