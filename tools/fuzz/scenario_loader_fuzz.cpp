// libFuzzer target: feeds arbitrary bytes to the scenario loader. Bad input must come back as
// an InputError; anything else (a crash, a sanitizer report, another exception) is a bug.
//
// Build: CC=clang CXX=clang++ cmake -DECSIM_FUZZ=ON ...; run: scenario_loader_fuzz tools/fuzz/corpus/scenario_loader
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenarios/loader.h"
#include "sim/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // Referenced files resolve against the corpus-independent directory /nonexistent, so that
    // the fuzzer never reads the working tree; absolute paths still work, and the loader must
    // handle them too.
    (void)ecsim::scenarios::load_scenario_text(text, "fuzz.json", "/nonexistent");
  } catch (const ecsim::sim::InputError&) {
    // Expected for bad input.
  }
  try {
    (void)ecsim::scenarios::parse_strategy_override(text.substr(0, 256));
  } catch (const ecsim::sim::InputError&) {
  }
  return 0;
}
