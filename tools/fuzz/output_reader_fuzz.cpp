// libFuzzer target: `ecsim report`'s readers (reports/read_outputs.h) on arbitrary bytes. At start
// it runs a small scenario and writes its outputs into a private directory; each input then
// replaces one of those files (the input's first byte picks which) and the directory is read
// back. Bad files must come back as an InputError; anything else (a crash, a sanitizer report,
// another exception) is a bug.
//
// Build: CC=clang CXX=clang++ cmake -DECSIM_FUZZ=ON ...; run: output_reader_fuzz tools/fuzz/corpus/output_reader
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#include "placement/registry.h"
#include "reports/outputs.h"
#include "reports/read_outputs.h"
#include "reports/run_info.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "sim/input_error.h"

namespace {

namespace fs = std::filesystem;

// A run with services, jobs and an outage, so that every file has rows.
constexpr std::string_view kScenario = R"({
  "name": "fuzz", "seed": 3, "duration": "2h", "sampleInterval": "5m",
  "instanceTypes": [{"name": "box", "vcpu": 2, "memoryMiB": 4096, "enis": 3, "gpus": 0, "pricePerHour": 0.1}],
  "cluster": {"name": "c", "availabilityZones": ["a", "b"],
              "instanceGroups": [{"name": "g", "instanceType": "box", "count": 4}]},
  "taskDefinitions": [{"family": "w", "cpu": "256", "memory": "512",
                       "containerDefinitions": [{"name": "w", "image": "busybox", "essential": true}]}],
  "services": [{"serviceName": "web", "taskDefinition": "w", "desiredCount": 3}],
  "jobs": [{"name": "batch", "taskDefinition": "w", "arrival": {"type": "poisson", "ratePerHour": 60},
            "runtime": {"type": "exponential", "mean": "5m"}}],
  "events": [{"at": "1h", "type": "azOutage", "zone": "b", "duration": "10m"}]
})";

constexpr const char* kFiles[] = {"summary.json", "tasks.csv", "instances.csv", "timeseries.csv",
                                  "timeseries-by-zone.csv", "timeseries-by-type.csv", "timeseries-by-service.csv",
                                  "timeseries-by-capacity-provider.csv", "service-events.csv", "markers.csv",
                                  "instance-events.csv"};

struct Outputs {
  fs::path dir;
  std::string original[std::size(kFiles)];
};

Outputs& outputs() {
  static Outputs o = [] {
    Outputs out;
    out.dir = fs::temp_directory_path() / ("ecsim-output-reader-fuzz-" + std::to_string(getpid()));
    const ecsim::sim::Scenario scenario = ecsim::scenarios::load_scenario_text(kScenario, "fuzz.json", "/nonexistent");
    ecsim::placement::EcsPlacerFactory factory;
    const ecsim::sim::RunResult result = ecsim::sim::run_scenario(scenario, factory);
    ecsim::reports::write_outputs(result, ecsim::reports::RunStats{}, out.dir, /*html=*/false);
    for (std::size_t k = 0; k < std::size(kFiles); ++k) {
      std::ifstream in(out.dir / kFiles[k], std::ios::binary);
      out.original[k].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  // Registered once `o` is whole, so it runs before `o` is destroyed.
  static const bool cleanup = [] {
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(outputs().dir, ec);
    });
    return true;
  }();
  (void)cleanup;
  return o;
}

void write(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Outputs& o = outputs();
  if (size == 0) return 0;
  const std::size_t k = data[0] % std::size(kFiles);
  write(o.dir / kFiles[k], std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  // The identity check (summary.json's `outputs` against the files), then the readers past it.
  try {
    (void)ecsim::reports::verify_outputs(o.dir, ecsim::reports::Verify::kComplete);
  } catch (const ecsim::sim::InputError&) {
    // Expected for bad input.
  }
  try {
    (void)ecsim::reports::read_outputs_unverified(o.dir);
  } catch (const ecsim::sim::InputError&) {
    // Expected for bad input.
  }
  write(o.dir / kFiles[k], o.original[k]);
  return 0;
}
