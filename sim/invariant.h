// Always-on checks of invariants: unlike assert, which Release builds compile out (NDEBUG), an
// ECSIM_CHECK stays in every build. It guards what input could reach if a check at load were
// ever missing (a REQUIRES of a function that the loader's validation is meant to ensure, a
// state the engine's bookkeeping keeps): instead of undefined behaviour or a wrong figure with
// exit 0, it throws InvariantError, which the command line reports as
//   ecsim: internal error: sim/engine.cpp:438: a task stops that is not running
// with exit 1 (a bug in ecsim: reports/README.md asks for a report). Cheap checks only: one
// comparison on a path that runs per task or per event at most.
#pragma once

#include <stdexcept>

namespace ecsim::sim {

class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws InvariantError("FILE:LINE: WHAT").
[[noreturn]] void invariant_failed(const char* file, int line, const char* what);

}  // namespace ecsim::sim

#define ECSIM_CHECK(condition, what)                                             \
  do {                                                                           \
    if (!(condition)) [[unlikely]] ::ecsim::sim::invariant_failed(__FILE__, __LINE__, what); \
  } while (false)
