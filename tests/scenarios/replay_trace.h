// The records a run replays from a loaded trace (sim::open_trace_reader), and the trace's own
// wait of each (-1: none): shared by the trace tests.
#pragma once

#include <vector>

#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::testing {

struct Replayed {
  std::vector<sim::TraceTask> tasks;
  std::vector<sim::SimTime> waits;
};

inline Replayed replay(const sim::Trace& t) {
  Replayed out;
  const auto reader = sim::open_trace_reader(t);
  sim::TraceTask task;
  sim::SimTime wait = -1;
  while (reader->next(task, wait)) {
    out.tasks.push_back(task);
    out.waits.push_back(wait);
  }
  return out;
}

}  // namespace ecsim::testing
