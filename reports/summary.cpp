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
constexpr Int128 kHoursPerMonth = 730;  // AWS's convention for monthly prices

DurationStats duration_stats(const sim::DurationDistribution& d, std::int64_t censored = 0) {
  DurationStats s;
  s.censored = censored;
  if (d.empty()) return s;
  s.count = d.count();
  s.total_us = d.total();
  s.p50 = d.percentile(500);
  s.p90 = d.percentile(900);
  s.p99 = d.percentile(990);
  s.max = d.max();
  return s;
}

using sim::alive_within_run;

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

ordered_json wait_json(const DurationStats& w) {
  ordered_json j = ordered_json::object();
  j["mean"] = w.mean_seconds();
  j["p50"] = sim::to_seconds(w.p50);
  j["p90"] = sim::to_seconds(w.p90);
  j["p99"] = sim::to_seconds(w.p99);
  j["max"] = sim::to_seconds(w.max);
  j["censored"] = w.censored;
  return j;
}

// The task figures every source has.
void task_figures_json(ordered_json& j, const SourceFigures& f) {
  j["submitted"] = f.submitted;
  j["placed"] = f.placed;
  j["failedToPlace"] = f.failed_to_place;
  j["pendingAtEnd"] = f.pending_at_end;
  j["wait"] = wait_json(f.wait);
}

ordered_json service_json(const sim::RunResult& r, const sim::ServiceResult& s, const SourceFigures& f) {
  ordered_json out = ordered_json::object();
  out["schedulingStrategy"] = scheduling_strategy_name(s);
  out["strategy"] = r.sources[s.source].strategy;
  out["desiredCount"] = s.desired_count;
  task_figures_json(out, f);
  ordered_json running = ordered_json::object();
  running["min"] = s.running_min;
  running["mean"] = s.running_mean;
  running["max"] = s.running_max;
  out["running"] = std::move(running);
  out["belowDesiredSeconds"] = sim::to_seconds(s.below_desired);
  if (!s.daemon) {
    // How long the service took to get back to its desired count each time it fell below it
    // (a task lost with its instance, a zone, a failed start), after its first steady state.
    ordered_json recovery = ordered_json::object();
    std::int64_t recovered = 0;
    SimTime total = 0, longest = -1, longest_from = 0;
    bool unrecovered = false;
    for (const auto& [from, to] : s.below_desired_spells) {
      if (to == kNever) {
        unrecovered = true;
        continue;
      }
      ++recovered;
      total += to - from;
      if (to - from > longest) {
        longest = to - from;
        longest_from = from;
      }
    }
    recovery["spells"] = static_cast<std::int64_t>(s.below_desired_spells.size());
    recovery["meanSeconds"] = recovered > 0 ? sim::to_seconds(total) / static_cast<double>(recovered) : 0.0;
    recovery["maxSeconds"] = longest >= 0 ? sim::to_seconds(longest) : 0.0;
    recovery["longestFrom"] = longest >= 0 ? ordered_json(sim::to_seconds(longest_from)) : ordered_json(nullptr);
    recovery["unrecoveredAtEnd"] = unrecovered;
    out["recovery"] = std::move(recovery);
  }
  out["minHealthy"] = s.min_healthy;
  out["replacements"] = s.replacements;
  out["throttledLaunches"] = s.throttled_launches;
  ordered_json deployments = ordered_json::array();
  for (const sim::DeploymentRecord& d : s.deployments) {
    ordered_json one = ordered_json::object();
    one["taskDefinition"] = d.task_definition;
    one["startedAt"] = sim::to_seconds(d.started_at);
    one["completedAt"] = d.completed_at == kNever ? ordered_json(nullptr) : ordered_json(sim::to_seconds(d.completed_at));
    one["rolloutState"] = sim::rollout_state_name(d.rollout_state);
    one["rollback"] = d.rollback;
    one["failedTasks"] = d.failed_tasks;
    deployments.push_back(std::move(one));
  }
  out["deployments"] = std::move(deployments);
  out["scaleOuts"] = s.scale_outs;
  out["scaleIns"] = s.scale_ins;
  if (s.has_load) {
    ordered_json load = ordered_json::object();
    load["overloadedSeconds"] = sim::to_seconds(s.overloaded);
    load["unservedFraction"] = s.requests > 0 ? s.unserved_requests / s.requests : 0.0;
    load["requests"] = s.requests;
    load["unservedRequests"] = s.unserved_requests;
    out["load"] = std::move(load);
  }
  return out;
}

}  // namespace

std::string_view scheduling_strategy_name(const sim::ServiceResult& s) { return s.daemon ? "DAEMON" : "REPLICA"; }

double DurationStats::mean_seconds() const { return ratio_to_double(total_us, Int128{count} * sim::kSecond); }

double SummaryFigures::instance_hours() const { return ratio_to_double(instance_alive_us, sim::kHour); }

double SummaryFigures::cost_total_dollars() const {
  return ratio_to_double(cost_microdollar_us_per_hour, kMicrodollarsPerDollar * sim::kHour);
}

double SummaryFigures::cost_per_month(sim::SimTime duration) const {
  // (S / (1e6 × 3.6e9)) / (duration / 3.6e9) × 730 = S × 730 / (duration × 1e6).
  if (duration <= 0) return 0;
  return ratio_to_double(cost_microdollar_us_per_hour * kHoursPerMonth, Int128{duration} * kMicrodollarsPerDollar);
}

double SummaryFigures::cost_per_task_hour() const {
  // (Σ µs × µ$/h / (3.6e9 µs/h × 1e6 µ$/$)) / (Σ task µs / 3.6e9 µs/h) = S / (Σ task µs × 1e6).
  if (task_running_us == 0) return 0;
  return ratio_to_double(cost_microdollar_us_per_hour, task_running_us * kMicrodollarsPerDollar);
}

SummaryFigures compute_summary(const sim::RunResult& r) {
  SummaryFigures f;
  sim::TaskStats scratch;
  const sim::TaskStats& t = sim::task_stats_of(r, scratch);
  f.submitted = t.submitted;
  f.placed = t.placed;
  f.completed = t.completed;
  f.failed_to_place = t.failed_to_place;
  f.pending_at_end = t.pending_at_end;
  f.stopped = t.stopped;
  f.task_running_us = t.task_running_us;
  f.wait = duration_stats(t.wait, t.pending_at_end);
  f.start_latency = duration_stats(t.start_latency);
  if (!r.sources.empty()) {
    f.by_source.resize(r.sources.size());
    for (std::size_t s = 0; s < r.sources.size() && s < t.by_source.size(); ++s) {
      const sim::SourceTaskStats& from = t.by_source[s];
      SourceFigures& to = f.by_source[s];
      to.submitted = from.submitted;
      to.placed = from.placed;
      to.failed_to_place = from.failed_to_place;
      to.pending_at_end = from.pending_at_end;
      to.wait = duration_stats(from.wait, from.pending_at_end);
    }
  }

  const sim::InstanceRecords& in = r.instances;
  for (std::size_t i = 0; i < in.size(); ++i) {
    ++f.instances_launched;
    if (in.terminated_at[i] != kNever) ++f.instances_terminated;
    f.instance_alive_us += alive_within_run(in.launched_at[i], in.terminated_at[i], r.duration);
  }
  f.cost = compute_cost(r, t);
  f.cost_microdollar_us_per_hour = f.cost.total;
  return f;
}

std::string summary_json(const sim::RunResult& r, const OutputManifest* outputs) {
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

  j["wait"] = wait_json(f.wait);

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
  cost["perMonth"] = f.cost_per_month(r.duration);
  ordered_json by_market = ordered_json::object();
  by_market["onDemand"] = CostFigures::dollars(f.cost.on_demand);
  by_market["spot"] = CostFigures::dollars(f.cost.spot);
  cost["byMarket"] = std::move(by_market);
  ordered_json cost_by_source = ordered_json::object();
  for (std::size_t k = 0; k < f.cost.by_source.size(); ++k) cost_by_source[r.sources[k].name] = f.cost.by_source[k];
  cost["bySource"] = std::move(cost_by_source);
  cost["unallocated"] = f.cost.unallocated;
  const bool any_spot = std::find(r.instances.market.begin(), r.instances.market.end(), sim::Market::kSpot) !=
                        r.instances.market.end();
  if (any_spot || !r.savings_plans.empty()) {
    ordered_json savings = ordered_json::object();
    savings["spot"] = CostFigures::dollars(f.cost.spot_saved);
    Int128 plans_saved = 0;
    ordered_json plans = ordered_json::array();
    for (std::size_t p = 0; p < r.savings_plans.size(); ++p) {
      const sim::SavingsPlanTerms& terms = r.savings_plans[p];
      plans_saved += f.cost.plan_saved[p];
      ordered_json one = ordered_json::object();
      one["discountPct"] = terms.discount_pct;
      one["coveredInstances"] = terms.covered_instances;
      if (!terms.all_types) {
        ordered_json types = ordered_json::array();
        for (const std::uint32_t t : terms.instance_types) types.push_back(r.instance_types[t]);
        one["instanceTypes"] = std::move(types);
      }
      one["coveredInstanceHours"] = ratio_to_double(f.cost.plan_covered[p], sim::kHour);
      one["saved"] = CostFigures::dollars(f.cost.plan_saved[p]);
      plans.push_back(std::move(one));
    }
    savings["savingsPlans"] = CostFigures::dollars(plans_saved);
    savings["plans"] = std::move(plans);
    cost["savings"] = std::move(savings);
  }
  j["cost"] = std::move(cost);

  ordered_json engine = ordered_json::object();
  engine["events"] = r.events;
  engine["simulatedSeconds"] = sim::to_seconds(r.duration);
  j["engine"] = std::move(engine);

  // Per source, in scenario order (sources and services are).
  const bool by_source = !r.sources.empty();
  ordered_json services = ordered_json::object();
  for (const sim::ServiceResult& s : r.services) {
    services[r.sources[s.source].name] = service_json(r, s, f.by_source[s.source]);
  }
  j["services"] = std::move(services);
  if (!r.capacity_providers.empty()) {
    ordered_json providers = ordered_json::object();
    for (const sim::CapacityProviderResult& p : r.capacity_providers) {
      ordered_json one = ordered_json::object();
      one["launched"] = p.launched;
      one["scaledIn"] = p.scaled_in;
      one["lost"] = p.lost;
      one["failedLaunches"] = p.failed_launches;
      one["scaleOuts"] = p.scale_outs;
      one["scaleIns"] = p.scale_ins;
      ordered_json live = ordered_json::object();
      live["min"] = p.instances_min;
      live["mean"] = p.instances_mean;
      live["max"] = p.instances_max;
      one["instances"] = std::move(live);
      one["desiredAtEnd"] = p.desired_at_end;
      providers[p.name] = std::move(one);
    }
    j["capacityProviders"] = std::move(providers);
  }
  ordered_json jobs = ordered_json::object();
  std::size_t first_trace = r.sources.size();
  for (std::size_t k = 0; k < r.sources.size() && by_source; ++k) {
    if (r.sources[k].kind == sim::SourceKind::kTrace) first_trace = std::min(first_trace, k);
    if (r.sources[k].kind != sim::SourceKind::kJob) continue;
    ordered_json one = ordered_json::object();
    one["strategy"] = r.sources[k].strategy;
    task_figures_json(one, f.by_source[k]);
    jobs[r.sources[k].name] = std::move(one);
  }
  j["jobs"] = std::move(jobs);

  if (!r.traces.empty()) {
    // Offered load: the CPU work the traces offered over the CPU the cluster registered during
    // the run (Σ registered CPU units × seconds from registration to termination or the end).
    double registered = 0;
    for (std::size_t i = 0; i < r.instances.size(); ++i) {
      registered += static_cast<double>(r.instances.cpu_registered[i]) *
                    sim::to_seconds(alive_within_run(r.instances.registered_at[i], r.instances.terminated_at[i], r.duration));
    }
    auto load = [&](double offered) { return registered > 0 ? offered / registered : 0.0; };
    // Totals first, then one entry per trace in scenario order (floats summed in that order).
    std::int64_t read = 0;
    std::int64_t skipped = 0;
    double offered = 0;
    ordered_json files = ordered_json::array();
    for (std::size_t k = 0; k < r.traces.size(); ++k) {
      const sim::TraceStats& tr = r.traces[k];
      read += tr.records_read;
      skipped += tr.records_skipped;
      offered += tr.offered_cpu_unit_seconds;
      ordered_json one = ordered_json::object();
      one["file"] = tr.file;
      one["format"] = tr.format;
      one["recordsRead"] = tr.records_read;
      one["recordsSkipped"] = tr.records_skipped;
      one["offeredCpuUnitSeconds"] = tr.offered_cpu_unit_seconds;
      one["offeredLoad"] = load(tr.offered_cpu_unit_seconds);
      // Trace sources follow the jobs, one per trace in order (check_run_result).
      if (by_source) {
        one["strategy"] = r.sources[first_trace + k].strategy;
        task_figures_json(one, f.by_source[first_trace + k]);
      }
      if (!tr.recorded_waits.empty()) {
        // The trace's own waits, beside the simulated `wait` above (gathered as the run went).
        const DurationStats w = duration_stats(tr.recorded_waits);
        ordered_json trace_wait = ordered_json::object();
        trace_wait["count"] = w.count;
        trace_wait["mean"] = w.mean_seconds();
        trace_wait["p50"] = sim::to_seconds(w.p50);
        trace_wait["p99"] = sim::to_seconds(w.p99);
        one["traceWait"] = std::move(trace_wait);
      }
      files.push_back(std::move(one));
    }
    ordered_json trace = ordered_json::object();
    trace["recordsRead"] = read;
    trace["recordsSkipped"] = skipped;
    trace["offeredCpuUnitSeconds"] = offered;
    trace["offeredLoad"] = load(offered);
    trace["files"] = std::move(files);
    j["trace"] = std::move(trace);
  }
  if (outputs != nullptr) {
    ordered_json o = ordered_json::object();
    o["runId"] = outputs->run_id();
    o["hash"] = "xxh3-64";
    ordered_json files = ordered_json::object();
    for (const auto& [name, digest] : outputs->files) {
      ordered_json file = ordered_json::object();
      file["bytes"] = digest.bytes;
      file["hash"] = hash_hex(digest.hash);
      files[name] = std::move(file);
    }
    o["files"] = std::move(files);
    j["outputs"] = std::move(o);
  }
  return json_text(j);
}

}  // namespace ecsim::reports
