#include "reports/text_summary.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "reports/format.h"
#include "reports/graphviz.h"
#include "reports/outputs.h"
#include "reports/result_check.h"
#include "reports/summary.h"

namespace ecsim::reports {
namespace {

void append(std::string& s, std::initializer_list<std::string_view> parts) {
  for (const std::string_view part : parts) s += part;
}

std::string percent(double fraction) {
  std::string s = format_fixed(fraction * 100, 1);
  s += '%';
  return s;
}

std::string dollars(double amount, int decimals = 2) {
  std::string s = "$";
  s += format_fixed(amount, decimals);
  return s;
}

}  // namespace

std::string text_summary(const sim::RunResult& r, const std::filesystem::path& dir, bool html) {
  check_run_result(r);
  const SummaryFigures f = compute_summary(r);
  // Built by appending piece by piece: chains of operator+ trip gcc 12's -Wrestrict false
  // positive (GCC bug 105651).
  std::string s;
  append(s, {"ecsim ", ECSIM_VERSION, ": scenario ", r.scenario, ", seed ", std::to_string(r.seed), ", strategy ",
             r.strategy, ", ", format_seconds(r.duration), " s simulated\n"});
  append(s, {"tasks: ", std::to_string(f.submitted), " submitted, ", std::to_string(f.placed), " placed, ",
             std::to_string(f.completed), " completed, ", std::to_string(f.failed_to_place), " failed to place, ",
             std::to_string(f.pending_at_end), " pending at end\n"});
  // A person reads these: milliseconds are precision enough (summary.json keeps microseconds).
  append(s, {"wait: mean ", format_fixed(f.wait.mean_seconds(), 3), " s, p99 ", format_fixed(sim::to_seconds(f.wait.p99), 3),
             " s, max ", format_fixed(sim::to_seconds(f.wait.max), 3), " s"});
  if (f.wait.censored > 0) {
    append(s, {" (", std::to_string(f.wait.censored), " still waiting at the end, counted until then)"});
  }
  s += '\n';
  append(s, {"utilization: cpu mean ", percent(r.cpu.overall.mean), ", max ", percent(r.cpu.overall.max),
             "; memory mean ", percent(r.memory.overall.mean), ", max ", percent(r.memory.overall.max), "\n"});
  append(s, {"instances: ", std::to_string(f.instances_launched), " launched, ",
             std::to_string(f.instances_terminated), " terminated, ", format_fixed(f.instance_hours(), 1),
             " instance-hours\n"});
  append(s, {"cost: ", dollars(f.cost_total_dollars()), " total, ", dollars(f.cost_per_task_hour(), 4),
             " per task-hour, "});
  if (r.duration > 0) {
    const double per_month = f.cost_per_month(r.duration);
    append(s, {dollars(per_month), " per month at this rate\n"});
  } else {
    s += "no monthly rate (nothing simulated)\n";
  }
  for (const sim::CapacityProviderResult& p : r.capacity_providers) {
    append(s, {"capacity provider ", p.name, ": instances ", std::to_string(p.instances_min), " to ",
               std::to_string(p.instances_max), " (mean ", format_fixed(p.instances_mean, 2), "), ",
               std::to_string(p.launched), " launched, ", std::to_string(p.scaled_in), " scaled in, ",
               std::to_string(p.lost), " lost, ", std::to_string(p.failed_launches), " failed launches; desired ",
               std::to_string(p.desired_at_end), " at the end\n"});
  }
  for (const sim::ServiceResult& svc : r.services) {
    const SourceFigures& sf = f.by_source[svc.source];
    append(s, {"service ", r.sources[svc.source].name, " (", scheduling_strategy_name(svc), ", ",
               r.sources[svc.source].strategy, "): running mean ", format_fixed(svc.running_mean, 2), " of ",
               std::to_string(svc.desired_count), " desired, ", format_fixed(sim::to_seconds(svc.below_desired), 1),
               " s below"});
    // The longest time it took to get back to desired (the loss of a zone, say).
    sim::SimTime longest = 0;
    for (const auto& [from, to] : svc.below_desired_spells) {
      if (to != sim::kNever) longest = std::max(longest, to - from);
    }
    if (longest > 0) append(s, {" (longest recovery ", format_fixed(sim::to_seconds(longest), 1), " s)"});
    append(s, {"; wait p99 ", format_fixed(sim::to_seconds(sf.wait.p99), 3), " s (",
               std::to_string(sf.wait.censored), " censored); ", std::to_string(svc.deployments.size()),
               svc.deployments.size() == 1 ? " deployment" : " deployments"});
    if (!svc.deployments.empty()) {
      const sim::DeploymentRecord& last = svc.deployments.back();
      append(s, {", last ", last.task_definition, " ", sim::rollout_state_name(last.rollout_state)});
    }
    s += '\n';
  }
  for (std::size_t k = 0; k < f.by_source.size(); ++k) {
    if (r.sources[k].kind != sim::SourceKind::kJob) continue;
    const SourceFigures& sf = f.by_source[k];
    append(s, {"job ", r.sources[k].name, " (", r.sources[k].strategy, "): ", std::to_string(sf.submitted),
               " submitted, ", std::to_string(sf.placed), " placed, ", std::to_string(sf.failed_to_place),
               " failed to place, ", std::to_string(sf.pending_at_end), " pending at end; wait p99 ",
               format_fixed(sim::to_seconds(sf.wait.p99), 3), " s (", std::to_string(sf.wait.censored),
               " censored)\n"});
  }
  if (!r.traces.empty()) {
    std::int64_t read = 0;
    std::int64_t skipped = 0;
    for (const sim::TraceStats& t : r.traces) {
      read += t.records_read;
      skipped += t.records_skipped;
    }
    append(s, {"traces: ", std::to_string(read), " records read, ", std::to_string(skipped), " skipped\n"});
  }
  append(s, {"outputs in ", dir.string(), ": ", kSummaryFile, ", ", kRunFile, ", ", kTasksFile, ", ", kInstancesFile,
             ", ", kTimeseriesFile, " (and by zone, type, service and capacity provider), ", kServiceEventsFile, ", ",
             kMarkersFile, ", ", kInstanceEventsFile, ", ", kClusterSvgFile, ", ", kClusterDotFile,
             html ? std::string(", ") + std::string(kReportFile) : std::string(), "\n"});
  return s;
}

}  // namespace ecsim::reports
