#include "reports/summary.h"

#include <algorithm>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/json_writer.h"
#include "reports/result_check.h"

namespace ecsim::reports {
namespace {

using nlohmann::ordered_json;
using sim::kNever;
using sim::SimTime;

constexpr Int128 kMicrodollarsPerDollar = 1'000'000;

DurationStats duration_stats(std::vector<SimTime>& values) {
  DurationStats s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.count = static_cast<std::int64_t>(values.size());
  for (const SimTime v : values) s.total_us += v;
  const std::span<const SimTime> sorted(values);
  s.p50 = percentile_nearest_rank(sorted, 500);
  s.p90 = percentile_nearest_rank(sorted, 900);
  s.p99 = percentile_nearest_rank(sorted, 990);
  s.max = sorted.back();
  return s;
}

// Time in [begin, end or the end of the run), clipped to the run; 0 when it never began.
SimTime alive_within_run(SimTime begin, SimTime end, SimTime duration) {
  if (begin == kNever) return 0;
  const SimTime stop = std::min(end == kNever ? duration : end, duration);
  return stop > begin ? stop - begin : 0;
}

ordered_json utilization_stats_json(const sim::UtilizationStats& s) {
  ordered_json j = ordered_json::object();
  j["mean"] = s.mean;
  j["p95"] = s.p95;
  j["max"] = s.max;
  return j;
}

ordered_json utilization_json(const sim::ResourceUtilization& u, const sim::RunResult& r) {
  ordered_json j = utilization_stats_json(u.overall);
  ordered_json by_zone = ordered_json::object();
  for (std::size_t z = 0; z < u.by_zone.size(); ++z) by_zone[r.zones[z]] = utilization_stats_json(u.by_zone[z]);
  ordered_json by_type = ordered_json::object();
  for (std::size_t t = 0; t < u.by_type.size(); ++t) {
    by_type[r.instance_types[t]] = utilization_stats_json(u.by_type[t]);
  }
  j["byAvailabilityZone"] = std::move(by_zone);
  j["byInstanceType"] = std::move(by_type);
  return j;
}

}  // namespace

double DurationStats::mean_seconds() const { return ratio_to_double(total_us, Int128{count} * sim::kSecond); }

double SummaryFigures::instance_hours() const { return ratio_to_double(instance_alive_us, sim::kHour); }

double SummaryFigures::cost_total_dollars() const {
  return ratio_to_double(cost_microdollar_us_per_hour, kMicrodollarsPerDollar * sim::kHour);
}

double SummaryFigures::cost_per_task_hour() const {
  // (Σ µs × µ$/h / (3.6e9 µs/h × 1e6 µ$/$)) / (Σ task µs / 3.6e9 µs/h) = S / (Σ task µs × 1e6).
  if (task_running_us == 0) return 0;
  return ratio_to_double(cost_microdollar_us_per_hour, task_running_us * kMicrodollarsPerDollar);
}

SummaryFigures compute_summary(const sim::RunResult& r) {
  SummaryFigures f;
  const sim::TaskRecords& t = r.tasks;
  std::vector<SimTime> waits;
  std::vector<SimTime> start_latencies;
  for (std::size_t i = 0; i < t.size(); ++i) {
    ++f.submitted;
    const bool placed = t.placed_at[i] != kNever;
    if (placed) {
      ++f.placed;
      waits.push_back(t.placed_at[i] - t.submitted_at[i]);
    } else if (t.rejected[i]) {
      ++f.failed_to_place;
    } else {
      ++f.pending_at_end;
    }
    const bool started = t.started_at[i] != kNever;
    const bool stopped = t.stopped_at[i] != kNever;
    if (started) {
      start_latencies.push_back(t.started_at[i] - t.placed_at[i]);
      f.task_running_us += alive_within_run(t.started_at[i], t.stopped_at[i], r.duration);
    }
    if (stopped && t.stop_code[i] != sim::StopCode::kNone) ++f.stopped[static_cast<std::size_t>(t.stop_code[i])];
    if (started && stopped && t.stop_code[i] == sim::StopCode::kEssentialContainerExited) ++f.completed;
  }
  f.wait = duration_stats(waits);
  f.start_latency = duration_stats(start_latencies);

  const sim::InstanceRecords& in = r.instances;
  for (std::size_t i = 0; i < in.size(); ++i) {
    ++f.instances_launched;
    if (in.terminated_at[i] != kNever) ++f.instances_terminated;
    const SimTime alive = alive_within_run(in.launched_at[i], in.terminated_at[i], r.duration);
    f.instance_alive_us += alive;
    f.cost_microdollar_us_per_hour += Int128{alive} * r.price_microdollars_per_hour[in.type[i]];
  }
  return f;
}

std::string summary_json(const sim::RunResult& r) {
  check_run_result(r);
  const SummaryFigures f = compute_summary(r);

  ordered_json j = ordered_json::object();
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["strategy"] = r.strategy;
  j["ecsimVersion"] = ECSIM_VERSION;

  ordered_json tasks = ordered_json::object();
  tasks["submitted"] = f.submitted;
  tasks["placed"] = f.placed;
  tasks["completed"] = f.completed;
  tasks["failedToPlace"] = f.failed_to_place;
  ordered_json stopped = ordered_json::object();
  for (std::size_t c = 1; c < f.stopped.size(); ++c) {
    if (f.stopped[c] != 0) stopped[std::string(sim::stop_code_name(static_cast<sim::StopCode>(c)))] = f.stopped[c];
  }
  tasks["stopped"] = std::move(stopped);
  tasks["pendingAtEnd"] = f.pending_at_end;
  j["tasks"] = std::move(tasks);

  ordered_json wait = ordered_json::object();
  wait["mean"] = f.wait.mean_seconds();
  wait["p50"] = sim::to_seconds(f.wait.p50);
  wait["p90"] = sim::to_seconds(f.wait.p90);
  wait["p99"] = sim::to_seconds(f.wait.p99);
  wait["max"] = sim::to_seconds(f.wait.max);
  j["wait"] = std::move(wait);

  ordered_json start = ordered_json::object();
  start["mean"] = f.start_latency.mean_seconds();
  start["p50"] = sim::to_seconds(f.start_latency.p50);
  start["p99"] = sim::to_seconds(f.start_latency.p99);
  j["startLatency"] = std::move(start);

  ordered_json failures = ordered_json::object();
  for (std::size_t reason = 1; reason < static_cast<std::size_t>(sim::FailureReason::kCount); ++reason) {
    if (r.placement_failures[reason] != 0) {
      failures[std::string(sim::failure_reason_name(static_cast<sim::FailureReason>(reason)))] =
          r.placement_failures[reason];
    }
  }
  j["placementFailures"] = std::move(failures);

  ordered_json utilization = ordered_json::object();
  utilization["cpu"] = utilization_json(r.cpu, r);
  utilization["memory"] = utilization_json(r.memory, r);
  j["utilization"] = std::move(utilization);

  ordered_json instances = ordered_json::object();
  instances["launched"] = f.instances_launched;
  instances["terminated"] = f.instances_terminated;
  instances["instanceHours"] = f.instance_hours();
  j["instances"] = std::move(instances);

  ordered_json cost = ordered_json::object();
  cost["total"] = f.cost_total_dollars();
  cost["perTaskHour"] = f.cost_per_task_hour();
  j["cost"] = std::move(cost);

  ordered_json engine = ordered_json::object();
  engine["events"] = r.events;
  engine["simulatedSeconds"] = sim::to_seconds(r.duration);
  j["engine"] = std::move(engine);

  if (!r.traces.empty()) {
    // Totals first, then one entry per trace in scenario order (floats summed in that order).
    std::int64_t read = 0;
    std::int64_t skipped = 0;
    double offered = 0;
    ordered_json files = ordered_json::array();
    for (const sim::TraceStats& tr : r.traces) {
      read += tr.records_read;
      skipped += tr.records_skipped;
      offered += tr.offered_cpu_unit_seconds;
      ordered_json one = ordered_json::object();
      one["file"] = tr.file;
      one["format"] = tr.format;
      one["recordsRead"] = tr.records_read;
      one["recordsSkipped"] = tr.records_skipped;
      one["offeredCpuUnitSeconds"] = tr.offered_cpu_unit_seconds;
      files.push_back(std::move(one));
    }
    ordered_json trace = ordered_json::object();
    trace["recordsRead"] = read;
    trace["recordsSkipped"] = skipped;
    trace["offeredCpuUnitSeconds"] = offered;
    trace["files"] = std::move(files);
    j["trace"] = std::move(trace);
  }
  return json_text(j);
}

}  // namespace ecsim::reports
