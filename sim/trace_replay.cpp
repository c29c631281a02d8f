#include <memory>

#include "sim/model.h"

namespace ecsim::sim {
namespace {

// A trace held in memory: its sorted tasks and their waits.
class MemoryTraceReader final : public TraceReader {
 public:
  explicit MemoryTraceReader(const Trace& trace) : trace_(trace) {}

  bool next(TraceTask& task, SimTime& recorded_wait) override {
    if (next_ >= trace_.tasks.size()) return false;
    task = trace_.tasks[next_];
    recorded_wait = next_ < trace_.recorded_waits.size() ? trace_.recorded_waits[next_] : -1;
    ++next_;
    return true;
  }

 private:
  const Trace& trace_;
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<TraceReader> open_trace_reader(const Trace& trace) {
  if (trace.stream) return trace.stream->open();
  return std::make_unique<MemoryTraceReader>(trace);
}

}  // namespace ecsim::sim
