// tasks.csv, instances.csv, timeseries.csv, timeseries-by-zone.csv, timeseries-by-type.csv and the
// other CSV files of the output directory (reports/outputs.h).
// Together with summary.json they hold everything report.html is drawn from, so that
// `ecsim report DIR` can rebuild it (reports/read_outputs.h). Fields follow RFC 4180: a field holding a comma, a double quote,
// CR or LF is enclosed in double quotes with its quotes doubled (names come from users). Lines
// end with LF. Times are seconds (reports/format.h write_seconds), empty when the event did
// not happen. Numbers are written with std::to_chars straight into the writer's buffer, so a
// million rows take a fraction of a second and no string of the whole file is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/atomic_file.h"
#include "sim/engine.h"
#include "sim/run_result.h"

namespace ecsim::reports {

// The first thirteen columns are the contract's. cpu and memoryMiB are what the task reserves
// (CPU units, MiB); failedToPlace is 1 for a task that gave up on placement (onPlacementFailure
// "fail"), 0 otherwise: a task with no placedAt and failedToPlace 0 was still waiting at the end.
// stoppedReason is ECS's text for why the task stopped (sim::stop_reason_text; empty when it did
// not stop). source, last, is the name of the service, job or trace that submitted the task
// (empty when the result records no source).
inline constexpr std::string_view kTasksCsvHeader =
    "taskId,family,revision,group,instanceId,availabilityZone,instanceType,"
    "submittedAt,placedAt,startedAt,stoppedAt,stopCode,failureReason,cpu,memoryMiB,failedToPlace,stoppedReason,"
    "source";

// One row per instance ever launched, in creation order. market is "on-demand" or "spot";
// cpuRegistered and memoryRegisteredMiB are what the agent registers; pricePerHour is what the
// instance is billed per hour in its market (its type's on-demand price, or its Spot price), and
// onDemandPricePerHour its type's on-demand price, in dollars, exact (micro-dollar resolution,
// trailing zeros trimmed). registeredAt and terminatedAt are empty when the instance never
// registered / was alive at the end. billedSeconds: the whole seconds billed (EC2's per-second
// billing with its one-minute minimum, reports/cost.h); coveredSeconds: of those, the time a
// Savings Plan covered; cost: the instance's dollars, (billedSeconds - coveredSeconds) ×
// pricePerHour / 3600 plus the covered seconds at the plan's price (shortest round-trip double).
// capacityProvider: the capacity provider whose Auto Scaling group launched it; empty for an
// instance group's instance.
inline constexpr std::string_view kInstancesCsvHeader =
    "instanceId,availabilityZone,instanceType,market,launchedAt,registeredAt,terminatedAt,"
    "cpuRegistered,memoryRegisteredMiB,pricePerHour,onDemandPricePerHour,billedSeconds,coveredSeconds,cost,"
    "capacityProvider";

// The first six columns are the contract's; the rest come straight from sim::Sample, but
// costPerHour. Pct columns are 100 × reserved / registered rounded to two decimals (0 when
// nothing registered). costPerHour: dollars per hour of the instances being billed at the sample
// (reports/cost.h: launched at or before it, within their billing window or alive at the end),
// after Savings Plans, exact.
inline constexpr std::string_view kTimeseriesCsvHeader =
    "time,running,pending,instances,cpuReservedPct,memoryReservedPct,"
    "starting,submitted,completed,failedToPlace,"
    "cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB,costPerHour";

// Reserved and registered CPU units and memory MiB per availability zone / instance type at
// each sample, in long form: for every sample (in timeseries.csv's order) one row per zone (per
// type) in the run's zone (type) order. Integers, exact. A pair of columns (cpu*, memory*) is
// empty on every row when the run did not record it; the file is the header alone when it
// recorded neither (a hand-built result) or has no zone (type).
inline constexpr std::string_view kZoneTimeseriesCsvHeader =
    "time,availabilityZone,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB";
inline constexpr std::string_view kTypeTimeseriesCsvHeader =
    "time,instanceType,cpuReserved,cpuRegistered,memoryReservedMiB,memoryRegisteredMiB";

// Per sample (in timeseries.csv's order) one row per service in scenario order: RUNNING and
// healthy tasks, the desired count, CPU units the service's load demands and CPU units its
// RUNNING tasks reserve (both 0 without a load). Integers. A column is empty on every row when
// the run did not record that series; the file is the header alone when there is no service or
// it recorded none.
inline constexpr std::string_view kServiceTimeseriesCsvHeader =
    "time,service,running,healthy,desired,demandCpu,capacityCpu";

// One row per service event message, in time order: the service's name and the message as ECS
// would show it in the service's events.
inline constexpr std::string_view kServiceEventsCsvHeader = "time,service,message";

// One row per marker, in time order: kind is "event" (a scenario event such as an outage),
// "deployment", "deploymentCompleted", "deploymentFailed", "scaleOut" or "scaleIn"; service is
// the service's name, empty for a marker of the whole cluster; label is the short text drawn.
inline constexpr std::string_view kMarkersCsvHeader = "time,kind,service,label";

// One row per instance event (sim::InstanceEvent), in time order: the instance's id, the event
// (launched, registered, disconnected, reconnected, draining, active, interruptionNotice,
// terminated, agentDisconnected, agentReconnected) and why, in a few words (empty when the event
// needs no reason).
inline constexpr std::string_view kInstanceEventsCsvHeader = "time,instanceId,event,reason";

// "on-demand" or "spot", as scenarios spell the market.
std::string_view market_name(sim::Market m);

// Whether a per-zone (per-type) series pair holds one value per sample and name: `names`
// non-empty and both vectors of samples.size() × names.size() entries (report.html draws the
// pair's chart exactly then).
bool series_recorded(const sim::RunResult& r, const std::vector<std::string>& names,
                     const std::vector<std::int64_t>& reserved, const std::vector<std::int64_t>& registered);

// `field` as one CSV field: unchanged, or quoted with its quotes doubled when it holds a comma,
// a double quote, CR or LF.
std::string csv_field(std::string_view field);

// Writes tasks.csv rows, one per task record, quoting each name once (names never change once a
// run has them, so they are kept by index).
class TaskRowWriter {
 public:
  // `groups`: the group names (RunResult::groups, or the cluster's while the run goes).
  void row(const sim::TaskRecord& t, const sim::RunResult& r, const std::vector<std::string>& groups,
           BufferedWriter& out);
  // Fetches what a row of a task on instance i reads about it into the cache.
  void prefetch(sim::InstanceIdx i) const {
    if (i < places_.size()) __builtin_prefetch(&places_[i]);
  }

 private:
  // Every field the rows take from a name, as CSV text, one after another in text_, with kPad
  // bytes after the last: a field up to kPad long is copied in one fixed-size move.
  static constexpr std::size_t kPad = 64;
  struct Field {
    std::size_t at = 0;
    std::size_t size = 0;
  };
  Field add(std::string_view csv_text);
  char* put(char* p, Field f) const;
  // The field of names[k], added the first time it is asked for.
  Field name(std::vector<Field>& fields, const std::vector<std::string>& names, std::size_t k);

  std::string text_ = std::string(kPad, '\0');
  std::vector<Field> families_, groups_, sources_, codes_, failures_, reasons_;
  // By instance: ",ID,ZONE,TYPE" in one cache line of its own (so that prefetch() can fetch it
  // without reading anything first), or, when longer than kPlaceText, size kInTable and the
  // Field of its text in text_ held in the line's first bytes.
  static constexpr std::size_t kPlaceText = 63;
  static constexpr std::uint8_t kInTable = 0xFF;
  struct alignas(64) Place {
    char text[kPlaceText];
    std::uint8_t size;
  };
  static_assert(sizeof(Place) == 64 && kPlaceText < kInTable, "one line, text first");
  static_assert(sizeof(Field) <= kPlaceText, "a long place's Field fits in the line");
  std::vector<Place> places_;
  Field no_place_ = add(",,,");
  std::string scratch_;  // a row too long for BufferedWriter::reserve
};

// tasks.csv written as the run goes (a sim::TaskSink): the header at once, then one row per task
// when the engine is done with it, so rows come in the order tasks finished (stopped, or gave up
// on placement; ties in event order), then the tasks still waiting or holding an instance at the
// end, by task number. The run keeps no task records, so it asks the engine for the cluster
// picture (sim::RunResult::picture).
class TasksCsvStream final : public sim::TaskSink {
 public:
  explicit TasksCsvStream(BufferedWriter& out);
  void task_done(const sim::TaskRecord& t, const sim::ClusterState& cluster, const sim::RunResult& result) override;
  bool wants_cluster_picture() const override { return true; }
  void prefetch_instance(sim::InstanceIdx i) const override { rows_.prefetch(i); }

 private:
  BufferedWriter& out_;
  TaskRowWriter rows_;
};

// One row per task in task order: taskId is "t" + the 1-based task number; instance, zone and
// type are empty for a task never placed; stopCode and failureReason are empty for kNone.
// REQUIRES: check_run_result(r) passes (write_outputs checks it; the string forms check too).
void write_tasks_csv(const sim::RunResult& r, BufferedWriter& out);
std::string tasks_csv(const sim::RunResult& r);

// One row per instance, in instance order.
void write_instances_csv(const sim::RunResult& r, BufferedWriter& out);
std::string instances_csv(const sim::RunResult& r);

// One row per sample, in sample order.
void write_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string timeseries_csv(const sim::RunResult& r);

// timeseries-by-zone.csv and timeseries-by-type.csv.
void write_zone_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string zone_timeseries_csv(const sim::RunResult& r);
void write_type_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string type_timeseries_csv(const sim::RunResult& r);

// timeseries-by-service.csv, service-events.csv and markers.csv.
void write_service_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string service_timeseries_csv(const sim::RunResult& r);
void write_service_events_csv(const sim::RunResult& r, BufferedWriter& out);
std::string service_events_csv(const sim::RunResult& r);
void write_markers_csv(const sim::RunResult& r, BufferedWriter& out);
std::string markers_csv(const sim::RunResult& r);

// timeseries-by-capacity-provider.csv: for every sample one row per capacity provider, in the
// scenario's order: its live instances (launched, not terminated), its desired capacity and its
// last CapacityProviderReservation datapoint in percent (shortest round-trip double). The header
// alone when the scenario has no capacity provider.
inline constexpr std::string_view kProviderTimeseriesCsvHeader = "time,capacityProvider,instances,desired,reservationPct";
void write_provider_timeseries_csv(const sim::RunResult& r, BufferedWriter& out);
std::string provider_timeseries_csv(const sim::RunResult& r);

// instance-events.csv.
void write_instance_events_csv(const sim::RunResult& r, BufferedWriter& out);
std::string instance_events_csv(const sim::RunResult& r);

}  // namespace ecsim::reports
