// Reading back the outputs of a finished run, for `ecsim report DIR`: summary.json, tasks.csv,
// instances.csv, timeseries.csv, timeseries-by-zone.csv, timeseries-by-type.csv,
// timeseries-by-service.csv, service-events.csv, markers.csv and instance-events.csv, as
// write_outputs (reports/outputs.h) wrote them, rebuilt into the sim::RunResult they came from,
// so that html_report(read_outputs(dir)) is byte for byte the report.html the run wrote.
// run.json and report.html are not read.
//
// Where each part comes from:
// - scenario, seed, strategy, placement failures by reason, trace statistics, engine events and
//   the utilisation figures: summary.json (its doubles are printed in their shortest round-trip
//   form, so they read back exactly); the duration: engine.simulatedSeconds, which must be a
//   whole number of microseconds;
// - sources and services (sim::ServiceResult): summary.json's `services` (in order), `jobs`, and
//   the `strategy` of each `trace.files` entry (present exactly when the run recorded sources);
//   each task's source: the `source` column of tasks.csv, by name; per-service series:
//   timeseries-by-service.csv; service events: service-events.csv; markers: markers.csv;
//   instance events: instance-events.csv, each naming an instance of instances.csv;
// - tasks (families and groups in order of first use): tasks.csv; instances, their market,
//   registered resources, the on-demand price of their type (onDemandPricePerHour) and the Spot
//   price of a type with a Spot instance (pricePerHour of its Spot rows; a type without one gets
//   its on-demand price): instances.csv, whose billedSeconds and coveredSeconds must be what
//   reports/cost.h computes from the rest; Savings Plans: summary.json's cost.savings.plans
//   (a type they name that no file lists had no instance and is left out); samples:
//   timeseries.csv (costPerHour is derived, checked for form only);
//   per-zone and per-type series: timeseries-by-zone.csv, timeseries-by-type.csv;
// - zones (instance types), in the run's order: the keys of summary.json's
//   utilization.cpu.byAvailabilityZone (byInstanceType), then the names of the series file,
//   then those of instances.csv, each name once.
// What report.html does not use and the files do not hold is not rebuilt: placements is 0,
// sample_interval is the gap between the first two samples (the duration when there are fewer),
// families and groups that no task used, zones and types that appear in no file, and the price
// of a type that no instance has (0) are missing.
//
// The files are untrusted: every field is parsed with bounds (std::from_chars, times and prices
// below 10^10 s or dollars, integers in their type's range), names are kept as they are, and the
// result is checked (reports/result_check.h) before it is returned. Anything missing, broken or
// inconsistent throws sim::InputError naming the file and the place, e.g.
//   out/tasks.csv: line 7: column "placedAt": expected a time in seconds, got "x"
//   out/summary.json: /utilization/cpu/mean: expected a number, got "high"
//   out/instances.csv: /: expected a file written by ecsim run, got no such file
#pragma once

#include <filesystem>
#include <string>

#include "sim/run_result.h"

namespace ecsim::reports {

// The files are first checked against summary.json's `outputs` list (verify_outputs); `run_id`,
// if given, receives the run identity.
sim::RunResult read_outputs(const std::filesystem::path& dir, std::string* run_id = nullptr);

// How much of a directory verify_outputs requires.
enum class Verify {
  kComplete,      // `ecsim report`: summary.json lists the files, and every one is there
  kFilesPresent,  // `ecsim diff`: the files that are there (summary.json alone is kept as a
                  // baseline; a compare or sweep run's summary.json lists none)
};

// Checks that the files of `dir` are those of the run its summary.json describes: each file
// `outputs.files` lists has that size and XXH3-64 hash, `outputs.runId` is the identity of that
// list, and run.json, when present, names the same runId. Returns the runId ("" when summary.json
// lists no files and `verify` is kFilesPresent). Throws sim::InputError naming the file that does
// not belong, e.g. out/tasks.csv: /: expected the file of run 58d749d96f185f85 (379660 bytes,
// ...), got ...: the directory mixes the outputs of two runs, or the file was changed since.
std::string verify_outputs(const std::filesystem::path& dir, Verify verify);

// read_outputs without the identity check: for the fuzzer, which replaces the files one by one.
sim::RunResult read_outputs_unverified(const std::filesystem::path& dir);

}  // namespace ecsim::reports
