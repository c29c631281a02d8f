// Test helper: the what() of the InputError a call throws, or a marker when it throws none.
#pragma once

#include <string>

#include "sim/input_error.h"

namespace ecsim::scenarios::testing {

template <class F>
std::string error_text(F&& f) {
  try {
    f();
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "<no InputError>";
}

}  // namespace ecsim::scenarios::testing
