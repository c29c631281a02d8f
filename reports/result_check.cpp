#include "reports/result_check.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ecsim::reports {
namespace {

using sim::kNever;
using sim::SimTime;

[[noreturn]] void fail(const std::string& what) { throw std::logic_error("RunResult: " + what); }

std::string at(const char* field, std::size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

template <class V>
void check_size(const V& v, std::size_t n, const char* field, const char* of) {
  if (v.size() != n) {
    fail(std::string(field) + " has " + std::to_string(v.size()) + " entries, expected " + std::to_string(n) +
         " (one per " + of + ")");
  }
}

void check_order(SimTime earlier, SimTime later, const char* earlier_name, const char* later_name, std::size_t i) {
  if (earlier != kNever && later != kNever && later < earlier) {
    fail(at(later_name, i) + " is before " + at(earlier_name, i));
  }
}

void check_stats(const sim::UtilizationStats& s, const std::string& where) {
  if (!std::isfinite(s.mean) || !std::isfinite(s.p95) || !std::isfinite(s.max)) {
    fail(where + " is not finite");
  }
}

void check_utilization(const sim::ResourceUtilization& u, const sim::RunResult& r, const char* name) {
  check_stats(u.overall, std::string(name) + ".overall");
  if (!u.by_zone.empty()) check_size(u.by_zone, r.zones.size(), (std::string(name) + ".by_zone").c_str(), "zone");
  if (!u.by_type.empty()) {
    check_size(u.by_type, r.instance_types.size(), (std::string(name) + ".by_type").c_str(), "instance type");
  }
  const std::string by_zone = std::string(name) + ".by_zone";
  const std::string by_type = std::string(name) + ".by_type";
  for (std::size_t i = 0; i < u.by_zone.size(); ++i) check_stats(u.by_zone[i], at(by_zone.c_str(), i));
  for (std::size_t i = 0; i < u.by_type.size(); ++i) check_stats(u.by_type[i], at(by_type.c_str(), i));
}

void check_sources(const sim::RunResult& r) {
  const sim::TaskRecords& t = r.tasks;
  if (!(t.source.empty() && r.sources.empty())) check_size(t.source, t.size(), "tasks.source", "task");
  for (std::size_t i = 0; i < t.source.size(); ++i) {
    if (t.source[i] >= r.sources.size()) fail(at("tasks.source", i) + " is not a source index");
  }
  std::unordered_map<std::string_view, std::size_t> names;
  std::size_t services = 0, traces = 0;
  for (std::size_t k = 0; k < r.sources.size(); ++k) {
    const sim::SourceInfo& s = r.sources[k];
    if (s.kind > sim::SourceKind::kTrace) fail(at("sources", k) + ".kind is out of range");
    if (k > 0 && s.kind < r.sources[k - 1].kind) fail(at("sources", k) + " is out of order (services, jobs, traces)");
    if (s.name.empty()) fail(at("sources", k) + ".name is empty");
    const auto [it, added] = names.try_emplace(s.name, k);
    if (!added) fail(at("sources", k) + ".name \"" + s.name + "\" is also the name of " + at("sources", it->second));
    services += s.kind == sim::SourceKind::kService ? 1 : 0;
    traces += s.kind == sim::SourceKind::kTrace ? 1 : 0;
  }
  if (!r.sources.empty()) {
    if (services != r.services.size()) {
      fail("sources has " + std::to_string(services) + " services, expected " + std::to_string(r.services.size()) +
           " (one per services entry)");
    }
    if (traces != r.traces.size()) {
      fail("sources has " + std::to_string(traces) + " traces, expected " + std::to_string(r.traces.size()) +
           " (one per traces entry)");
    }
  }
}

void check_services(const sim::RunResult& r) {
  for (std::size_t k = 0; k < r.services.size(); ++k) {
    const sim::ServiceResult& s = r.services[k];
    const std::string name = at("services", k);
    if (s.source >= r.sources.size() || r.sources[s.source].kind != sim::SourceKind::kService) {
      fail(name + ".source is not a service source");
    }
    if (k > 0 && s.source <= r.services[k - 1].source) fail(name + ".source is out of order");
    if (s.desired_count < 0 || s.running_min < 0 || s.running_min > s.running_max) {
      fail(name + " has running min > max or a negative count");
    }
    if (!std::isfinite(s.running_mean) || !std::isfinite(s.requests) || !std::isfinite(s.unserved_requests) ||
        s.running_mean < 0 || s.requests < 0 || s.unserved_requests < 0) {
      fail(name + " has a figure that is negative or not finite");
    }
    if (s.below_desired < 0 || s.below_desired == kNever || s.overloaded < 0 || s.overloaded == kNever) {
      fail(name + " has a duration that is not one");
    }
    for (std::size_t d = 0; d < s.deployments.size(); ++d) {
      const sim::DeploymentRecord& dep = s.deployments[d];
      const std::string where = name + "." + at("deployments", d);
      if (dep.rollout_state > sim::RolloutState::kFailed) fail(where + ".rollout_state is out of range");
      if (dep.started_at < 0 || dep.started_at == kNever) fail(where + ".started_at is not a time");
      if ((dep.completed_at == kNever) != (dep.rollout_state == sim::RolloutState::kInProgress)) {
        fail(where + ".completed_at disagrees with rollout_state (set exactly when not IN_PROGRESS)");
      }
      if (dep.completed_at != kNever && dep.completed_at < dep.started_at) fail(where + ".completed_at is before started_at");
    }
  }
  const std::size_t cells = r.samples.size() * r.services.size();
  const std::pair<const std::vector<std::int64_t>*, const char*> series[] = {
      {&r.service_running, "service_running"},
      {&r.service_healthy, "service_healthy"},
      {&r.service_desired, "service_desired"},
      {&r.service_demand_cpu, "service_demand_cpu"},
      {&r.service_capacity_cpu, "service_capacity_cpu"}};
  for (const auto& [v, field] : series) {
    if (!v->empty()) check_size(*v, cells, field, "sample and service");
  }
  const std::size_t provider_cells = r.samples.size() * r.capacity_providers.size();
  if (!r.provider_instances.empty()) check_size(r.provider_instances, provider_cells, "provider_instances", "sample and capacity provider");
  if (!r.provider_desired.empty()) check_size(r.provider_desired, provider_cells, "provider_desired", "sample and capacity provider");
  if (!r.provider_reservation.empty()) {
    check_size(r.provider_reservation, provider_cells, "provider_reservation", "sample and capacity provider");
  }
  for (std::size_t k = 0; k < r.markers.size(); ++k) {
    const sim::Marker& m = r.markers[k];
    if (m.kind > sim::MarkerKind::kScaleIn) fail(at("markers", k) + ".kind is out of range");
    if (m.at < 0 || m.at == kNever) fail(at("markers", k) + ".at is not a time");
    if (k > 0 && m.at < r.markers[k - 1].at) fail(at("markers", k) + " is before " + at("markers", k - 1));
    if (m.service != kNoService && m.service >= r.services.size()) fail(at("markers", k) + ".service is not a service");
  }
  for (std::size_t k = 0; k < r.service_events.size(); ++k) {
    const sim::ServiceEvent& e = r.service_events[k];
    if (e.at < 0 || e.at == kNever) fail(at("service_events", k) + ".at is not a time");
    if (k > 0 && e.at < r.service_events[k - 1].at) {
      fail(at("service_events", k) + " is before " + at("service_events", k - 1));
    }
    if (e.service >= r.services.size()) fail(at("service_events", k) + ".service is not a service");
  }
  for (std::size_t k = 0; k < r.instance_events.size(); ++k) {
    const sim::InstanceEvent& e = r.instance_events[k];
    if (e.at < 0 || e.at == kNever) fail(at("instance_events", k) + ".at is not a time");
    if (k > 0 && e.at < r.instance_events[k - 1].at) {
      fail(at("instance_events", k) + " is before " + at("instance_events", k - 1));
    }
    if (e.instance >= r.instances.size()) fail(at("instance_events", k) + ".instance is not an instance");
    if (e.kind >= sim::InstanceEventKind::kCount) fail(at("instance_events", k) + ".kind is out of range");
  }
}

}  // namespace

void check_run_result(const sim::RunResult& r) {
  if (r.duration < 0) fail("duration is negative");
  check_size(r.price_microdollars_per_hour, r.instance_types.size(), "price_microdollars_per_hour", "instance type");
  if (!r.spot_price_microdollars_per_hour.empty()) {
    check_size(r.spot_price_microdollars_per_hour, r.instance_types.size(), "spot_price_microdollars_per_hour",
               "instance type");
  }
  for (std::size_t t = 0; t < r.instance_types.size(); ++t) {
    if (r.price_microdollars_per_hour[t] < 0) fail(at("price_microdollars_per_hour", t) + " is negative");
    if (!r.spot_price_microdollars_per_hour.empty() && r.spot_price_microdollars_per_hour[t] < 0) {
      fail(at("spot_price_microdollars_per_hour", t) + " is negative");
    }
  }
  for (std::size_t p = 0; p < r.savings_plans.size(); ++p) {
    const sim::SavingsPlanTerms& plan = r.savings_plans[p];
    if (plan.discount_pct < 0 || plan.discount_pct > 100) fail(at("savings_plans", p) + ".discount_pct is not 0..100");
    if (plan.covered_instances < 1) fail(at("savings_plans", p) + ".covered_instances is below 1");
    for (std::size_t k = 0; k < plan.instance_types.size(); ++k) {
      if (plan.instance_types[k] >= r.instance_types.size()) {
        fail(at("savings_plans", p) + ".instance_types has a type out of range");
      }
      if (k > 0 && plan.instance_types[k] <= plan.instance_types[k - 1]) {
        fail(at("savings_plans", p) + ".instance_types is not sorted and unique");
      }
    }
  }

  const sim::TaskRecords& t = r.tasks;
  const std::size_t n = t.size();
  check_size(t.family, n, "tasks.family", "task");
  check_size(t.revision, n, "tasks.revision", "task");
  check_size(t.group, n, "tasks.group", "task");
  check_size(t.instance, n, "tasks.instance", "task");
  check_size(t.placed_at, n, "tasks.placed_at", "task");
  check_size(t.started_at, n, "tasks.started_at", "task");
  check_size(t.stopped_at, n, "tasks.stopped_at", "task");
  check_size(t.stop_code, n, "tasks.stop_code", "task");
  check_size(t.stop_reason, n, "tasks.stop_reason", "task");
  check_size(t.failure_reason, n, "tasks.failure_reason", "task");
  check_size(t.rejected, n, "tasks.rejected", "task");
  check_size(t.cpu, n, "tasks.cpu", "task");
  check_size(t.memory_mib, n, "tasks.memory_mib", "task");

  const sim::InstanceRecords& in = r.instances;
  const std::size_t m = in.size();
  check_size(in.zone, m, "instances.zone", "instance");
  check_size(in.type, m, "instances.type", "instance");
  check_size(in.market, m, "instances.market", "instance");
  check_size(in.launched_at, m, "instances.launched_at", "instance");
  check_size(in.registered_at, m, "instances.registered_at", "instance");
  check_size(in.terminated_at, m, "instances.terminated_at", "instance");
  check_size(in.cpu_registered, m, "instances.cpu_registered", "instance");
  check_size(in.memory_registered_mib, m, "instances.memory_registered_mib", "instance");

  for (std::size_t i = 0; i < n; ++i) {
    if (t.family[i] >= r.families.size()) fail(at("tasks.family", i) + " is not a family index");
    if (t.group[i] >= r.groups.size()) fail(at("tasks.group", i) + " is not a group index");
    if (t.instance[i] != sim::kNoInstance && t.instance[i] >= m) fail(at("tasks.instance", i) + " is not an instance");
    if (t.stop_code[i] >= sim::StopCode::kCount) fail(at("tasks.stop_code", i) + " is out of range");
    if (t.stop_reason[i] >= sim::StopReason::kCount) fail(at("tasks.stop_reason", i) + " is out of range");
    if (t.failure_reason[i] >= sim::FailureReason::kCount) fail(at("tasks.failure_reason", i) + " is out of range");
    if (t.submitted_at[i] == kNever || t.submitted_at[i] < 0) fail(at("tasks.submitted_at", i) + " is not a time");
    const bool placed = t.placed_at[i] != kNever;
    if (placed != (t.instance[i] != sim::kNoInstance)) {
      fail(at("tasks.placed_at", i) + " and " + at("tasks.instance", i) + " disagree on whether it was placed");
    }
    if (t.rejected[i] > 1) fail(at("tasks.rejected", i) + " is neither 0 nor 1");
    if (t.rejected[i] && placed) fail(at("tasks.rejected", i) + " is set on a placed task");
    if (t.started_at[i] != kNever && !placed) fail(at("tasks.started_at", i) + " is set on a task never placed");
    check_order(t.submitted_at[i], t.placed_at[i], "tasks.submitted_at", "tasks.placed_at", i);
    check_order(t.placed_at[i], t.started_at[i], "tasks.placed_at", "tasks.started_at", i);
    check_order(t.started_at[i], t.stopped_at[i], "tasks.started_at", "tasks.stopped_at", i);
    check_order(t.submitted_at[i], t.stopped_at[i], "tasks.submitted_at", "tasks.stopped_at", i);
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (in.zone[i] >= r.zones.size()) fail(at("instances.zone", i) + " is not a zone index");
    if (in.type[i] >= r.instance_types.size()) fail(at("instances.type", i) + " is not an instance type index");
    if (in.launched_at[i] == kNever || in.launched_at[i] < 0) fail(at("instances.launched_at", i) + " is not a time");
    check_order(in.launched_at[i], in.terminated_at[i], "instances.launched_at", "instances.terminated_at", i);
  }
  check_utilization(r.cpu, r, "cpu");
  check_utilization(r.memory, r, "memory");
  for (std::size_t i = 0; i < r.traces.size(); ++i) {
    if (!std::isfinite(r.traces[i].offered_cpu_unit_seconds)) fail(at("traces", i) + ".offered_cpu_unit_seconds is not finite");
  }
  check_sources(r);
  check_services(r);
}

}  // namespace ecsim::reports
