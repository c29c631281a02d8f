#include "reports/result_check.h"

#include <cmath>
#include <stdexcept>
#include <string>

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

}  // namespace

void check_run_result(const sim::RunResult& r) {
  if (r.duration < 0) fail("duration is negative");
  check_size(r.price_microdollars_per_hour, r.instance_types.size(), "price_microdollars_per_hour", "instance type");

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
}

}  // namespace ecsim::reports
