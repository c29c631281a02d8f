// Arrivals: when a job's next task arrives and how long a task runs, drawn from the job's own
// named streams (STYLE.md "Determinism" 3).
//
// Pure functions of the spec, the stream and the job's counters: the engine keeps the state
// (tasks submitted, list cursor) and schedules the arrival; these only compute it. A job's
// runtime is drawn at submission, so two strategies see the same tasks (common random numbers).
//
// Invariants:
//  - Each call draws at most one value from its stream (Poisson gap, or runtime): a job's
//    sequence of arrivals and runtimes depends only on the seed and the job's name.
//  - Times are integer µs; a draw beyond ~9e18 µs (292,000 years) is kNever.
#pragma once

#include <cstdint>

#include "sim/model.h"
#include "sim/random.h"
#include "sim/time.h"

namespace ecsim::sim {

// The time of a job's next arrival after the one at `after` (-1: the first), or kNever when there
// is none before min(a.end, duration). `submitted` is how many tasks arrived so far; `cursor` is
// the next entry of a `list` arrival (advanced here). A Poisson arrival draws its gap from `rng`.
SimTime next_arrival(const ArrivalSpec& a, SimTime after, std::int64_t submitted, std::uint64_t& cursor,
                     SimTime duration, RandomStream& rng);

// A runtime drawn from `spec` (exponential, lognormal and uniform rounded to the µs, never
// negative; kNever when a draw overflows).
SimTime draw_runtime(const RuntimeSpec& spec, RandomStream& rng);

}  // namespace ecsim::sim
