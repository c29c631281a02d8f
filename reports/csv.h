// tasks.csv and timeseries.csv. Fields follow RFC 4180: a field holding a comma, a double quote,
// CR or LF is enclosed in double quotes with its quotes doubled (names come from users). Lines
// end with LF. Times are seconds (reports/format.h write_seconds), empty when the event did
// not happen. Numbers are written with std::to_chars straight into the writer's buffer, so a
// million rows take a fraction of a second and no string of the whole file is built.
#pragma once

#include <string>
#include <string_view>

#include "reports/atomic_file.h"
#include "sim/run_result.h"

namespace ecsim::reports {

inline constexpr std::string_view kTasksCsvHeader =
    "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
    "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason";

// The first six columns are the contract's; the rest come straight from sim::Sample. Pct
// columns are 100 × reserved / registered rounded to two decimals (0 when nothing registered).
inline constexpr std::string_view kTimeseriesCsvHeader =
    "time,running,pending,instances,cpuReservedPct,memoryReservedPct,"
    "starting,submitted,completed,failedToPlace,"
    "cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB";

// `field` as one CSV field: unchanged, or quoted with its quotes doubled when it holds a comma,
// a double quote, CR or LF.
std::string csv_field(std::string_view field);

// One row per task in task order: taskId is "t" + the 1-based task number; instance, zone and
// type are empty for a task never placed; stopCode and failureReason are empty for kNone.
// REQUIRES: check_run_result(r) passes (write_outputs checks it; the string forms check too).
void write_tasks_csv(const sim::RunResult& r, BufferedWriter& out);
std::string tasks_csv(const sim::RunResult& r);

// One row per sample, in sample order.
void write_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string timeseries_csv(const sim::RunResult& r);

}  // namespace ecsim::reports
