#include "tools/validate_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>

#include "placement/query_language.h"
#include "reports/format.h"
#include "sim/input_error.h"
#include "sim/portable_math.h"
#include "sim/random.h"
#include "sim/run_setup.h"

namespace ecsim::tools {
namespace {

constexpr std::string_view kAttributePrefix = "attribute:";

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string td_name(const sim::TaskDefinition& td) { return td.family + ":" + std::to_string(td.revision); }

std::string figure(double v);
std::string figure_days(double seconds) { return figure(seconds / 86400.0) + "d"; }

// A duration for humans: "45s", "20m", "1h30m", "2d", "0.25s".
std::string duration_text(sim::SimTime t) {
  if (t % sim::kSecond != 0) return reports::format_seconds(t) + "s";
  std::int64_t s = t / sim::kSecond;
  if (s == 0) return "0s";
  std::string out;
  const std::int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  if (d > 0) out += std::to_string(d) + "d";
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (sec > 0) out += std::to_string(sec) + "s";
  return out;
}

// A mean duration in seconds, to the second: "24m26s". A heavy-tailed lognormal's mean may be
// beyond any SimTime; it is then given in days.
std::string mean_text(double seconds) {
  if (!(seconds < 1e12)) return figure_days(seconds);
  return duration_text(static_cast<sim::SimTime>(seconds + 0.5) * sim::kSecond);
}

// A time of the run as a scenario writes a clock time: "01:00", "26:30", "00:00:30".
std::string clock_text(sim::SimTime t) {
  const std::int64_t s = t / sim::kSecond;
  const auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  std::string out = two(s / 3600) + ":" + two(s / 60 % 60);
  if (s % 60 != 0 || t % sim::kSecond != 0) out += ":" + two(s % 60);
  return out;
}

// A figure for humans: whole numbers as they are, else one decimal from 1 up, two below 1,
// none from 100 up, trailing zeros trimmed ("40", "16.3", "0.4", "0.03", "17722").
std::string figure(double v) {
  const bool whole = !(v > -1e15 && v < 1e15) || v == static_cast<double>(static_cast<std::int64_t>(v));
  std::string s = reports::format_fixed(v, whole || v >= 100 ? 0 : v >= 1 ? 1 : 2);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string plural(std::int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

double mean_runtime_us(const sim::RuntimeSpec& r) {
  using K = sim::RuntimeSpec::Kind;
  switch (r.kind) {
    case K::kConstant: return static_cast<double>(r.value);
    case K::kExponential: return static_cast<double>(r.mean);
    case K::kLognormal: {
      // E[X] = exp(mu + sigma^2 / 2) = median x exp(sigma^2 / 2), sigma from the p90 as
      // sim::RandomStream::lognormal_median_p90 draws it.
      const double sigma = sim::portable_log(static_cast<double>(r.p90) / static_cast<double>(r.median)) / sim::kNormalQuantile90;
      return static_cast<double>(r.median) * sim::portable_exp(sigma * sigma / 2.0);
    }
    case K::kUniform: return (static_cast<double>(r.min) + static_cast<double>(r.max)) / 2.0;
    case K::kEmpirical: {
      double sum = 0;
      for (const sim::SimTime v : r.samples) sum += static_cast<double>(v);
      return r.samples.empty() ? 0.0 : sum / static_cast<double>(r.samples.size());
    }
  }
  return 0;
}

std::string_view network_mode_name(sim::NetworkMode m) {
  switch (m) {
    case sim::NetworkMode::kBridge: return "bridge";
    case sim::NetworkMode::kHost: return "host";
    case sim::NetworkMode::kAwsvpc: return "awsvpc";
    case sim::NetworkMode::kNone: return "none";
  }
  return "";
}

// What an instance of a group registers, as sim/run_setup.cpp create_instance computes it.
struct GroupCapacity {
  std::int64_t cpu = 0;
  std::int64_t memory_mib = 0;
  std::int32_t gpus = 0;
  std::int32_t enis = 0;
};

GroupCapacity capacity_of(const sim::Scenario& s, const sim::InstanceGroup& g) {
  const sim::InstanceType& t = s.instance_types[g.instance_type];
  return {static_cast<std::int64_t>(t.vcpu) * 1024, sim::os_memory_mib(t, g.os_type) - g.reserved_memory_mib, t.gpus,
          g.awsvpc_trunking ? t.trunked_awsvpc_tasks : std::max(0, t.max_enis - 1)};
}

// Whether a task reserving `need` and requiring `required` (runtimePlatform) can ever be placed
// on an empty instance of group g.
bool fits(const sim::Scenario& s, const sim::InstanceGroup& g, const sim::Resources& need,
          const std::vector<sim::Attribute>& required) {
  const GroupCapacity c = capacity_of(s, g);
  if (need.cpu > c.cpu || need.memory_mib > c.memory_mib || need.gpus > c.gpus || need.enis > c.enis) return false;
  for (const sim::Attribute& a : required) {
    if (a.name == "ecs.cpu-architecture" && a.value != s.instance_types[g.instance_type].architecture) return false;
    if (a.name == "ecs.os-type" && a.value != g.os_type) return false;
  }
  return true;
}

class Builder {
 public:
  Builder(const sim::Scenario& s, ValidateReport& r) : s_(s), r_(r) {}

  void build() {
    fleet();
    known_attributes();
    task_definitions();
    for (std::size_t i = 0; i < s_.services.size(); ++i) service(i);
    for (std::size_t i = 0; i < s_.jobs.size(); ++i) job(i);
    for (std::size_t i = 0; i < s_.traces.size(); ++i) trace(i);
    for (const SourceFigures& f : r_.sources) {
      if (!f.cpu_units) {
        ++r_.sources_unknown;
        continue;
      }
      r_.offered_cpu += *f.cpu_units;
      r_.offered_memory_mib += *f.memory_mib;
    }
    strategy_attributes(s_.default_strategy, "/placement/defaultStrategy");
    unused_task_definitions();
    unused_capacity_providers();
    late_events();
  }

 private:
  void warn(ValidateWarning::Kind kind, std::string file, std::string pointer, std::string message) {
    r_.warnings.push_back({kind, std::move(file), std::move(pointer), std::move(message)});
  }
  void warn(ValidateWarning::Kind kind, std::string pointer, std::string message) {
    warn(kind, s_.source_file, std::move(pointer), std::move(message));
  }

  // Groups whose instances exist during the run: static groups with instances, and the launch
  // templates of capacity providers.
  void fleet() {
    in_fleet_.assign(s_.cluster.instance_groups.size(), false);
    for (std::size_t g = 0; g < s_.cluster.instance_groups.size(); ++g) {
      const sim::InstanceGroup& group = s_.cluster.instance_groups[g];
      if (group.count <= 0) continue;
      in_fleet_[g] = true;
      const GroupCapacity c = capacity_of(s_, group);
      r_.fleet_instances += group.count;
      r_.static_instances += group.count;
      r_.fleet_cpu += group.count * c.cpu;
      r_.fleet_memory_mib += group.count * c.memory_mib;
    }
    for (const sim::CapacityProvider& cp : s_.capacity_providers) {
      for (const std::uint32_t g : cp.groups) in_fleet_[g] = true;
      r_.provider_max_instances += cp.max_size;
      if (cp.groups.empty() || cp.desired_capacity <= 0) continue;
      const GroupCapacity c = capacity_of(s_, s_.cluster.instance_groups[cp.groups.front()]);
      r_.fleet_instances += cp.desired_capacity;
      r_.fleet_cpu += cp.desired_capacity * c.cpu;
      r_.fleet_memory_mib += cp.desired_capacity * c.memory_mib;
    }
  }

  // The attributes instances have (sim/run_setup.cpp create_instance): the built-in ones, then
  // each fleet group's capabilities and custom attributes, and the capacity providers' own.
  void known_attributes() {
    attributes_ = {"ecs.availability-zone", "ecs.instance-type", "ecs.cpu-architecture", "ecs.os-type",
                   "ecs.os-family",         "ecs.ami-id",        "ecs.vpc-id",           "ecs.subnet-id"};
    const auto add = [&](const std::string& name) {
      if (std::find(attributes_.begin(), attributes_.end(), name) == attributes_.end()) attributes_.push_back(name);
    };
    for (std::size_t g = 0; g < s_.cluster.instance_groups.size(); ++g) {
      if (!in_fleet_[g]) continue;
      for (const std::string& c : s_.cluster.instance_groups[g].capabilities) add(c);
      for (const sim::Attribute& a : s_.cluster.instance_groups[g].attributes) add(a.name);
    }
    if (!s_.capacity_providers.empty()) add(sim::kCapacityProviderAttribute);
  }

  std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) const {
    const std::string best = sim::closest_spelling(word, candidates.data(), candidates.size());
    return best.empty() ? "" : " (did you mean " + quote(best) + "?)";
  }

  bool known_attribute(const std::string& name) const {
    return std::find(attributes_.begin(), attributes_.end(), name) != attributes_.end();
  }

  void strategy_attributes(const std::vector<sim::StrategySpec>& strategy, const std::string& at) {
    for (std::size_t k = 0; k < strategy.size(); ++k) {
      const sim::StrategySpec& spec = strategy[k];
      if (spec.type != "spread" || spec.field.rfind(kAttributePrefix, 0) != 0) continue;
      const std::string name = spec.field.substr(kAttributePrefix.size());
      if (known_attribute(name)) continue;
      warn(ValidateWarning::Kind::kUnknownAttribute, at + "/" + std::to_string(k) + "/field",
           "spread on attribute " + quote(name) + ", which no instance has" + did_you_mean(name, attributes_) +
               ": every instance looks alike to it");
    }
  }

  void expression_attributes(const std::string& expression, const std::string& file, const std::string& at) {
    for (const std::string& name : placement::tested_attributes(expression)) {
      if (known_attribute(name)) continue;
      warn(ValidateWarning::Kind::kUnknownAttribute, file, at,
           "memberOf tests attribute " + quote(name) + ", which no instance has" + did_you_mean(name, attributes_));
    }
  }

  void constraint_attributes(const std::vector<sim::ConstraintSpec>& constraints, const std::string& at) {
    for (std::size_t k = 0; k < constraints.size(); ++k) {
      if (constraints[k].type != "memberOf") continue;
      expression_attributes(constraints[k].expression, s_.source_file, at + "/" + std::to_string(k) + "/expression");
    }
  }

  // Where task definition i is: its own file, or its entry in the scenario.
  std::pair<std::string, std::string> td_location(std::size_t i) const {
    const sim::TaskDefinition& td = s_.task_definitions[i];
    if (td.source_file == s_.source_file) return {s_.source_file, "/taskDefinitions/" + std::to_string(i)};
    return {td.source_file, ""};
  }

  void task_definitions() {
    std::vector<std::string> image_names;
    for (const sim::Image& image : s_.images) image_names.push_back(image.name);
    const std::unordered_set<std::string> listed(image_names.begin(), image_names.end());
    for (std::size_t i = 0; i < s_.task_definitions.size(); ++i) {
      const sim::TaskDefinition& td = s_.task_definitions[i];
      TaskDefinitionFigures f;
      f.name = td_name(td);
      f.cpu = td.reserved.cpu;
      f.memory_mib = td.reserved.memory_mib;
      f.gpus = td.reserved.gpus;
      f.enis = td.reserved.enis;
      f.network_mode = std::string(network_mode_name(td.network_mode));
      f.tcp_ports = td.tcp_host_ports;
      f.udp_ports = td.udp_host_ports;
      std::int64_t per_container = 0;
      bool soft = false;
      for (const sim::ContainerDefinition& c : td.containers) {
        per_container += c.memory_reservation_mib > 0 ? c.memory_reservation_mib : c.memory_mib;
        f.memory_hard_mib += c.memory_mib;
        soft = soft || (c.memory_reservation_mib > 0 && c.memory_reservation_mib != c.memory_mib);
        if (td.network_mode == sim::NetworkMode::kBridge) {
          for (const sim::PortMapping& p : c.port_mappings) f.dynamic_ports += p.host_port == 0 ? 1 : 0;
        }
      }
      // Dev Guide "Task definition parameters": task-level memory when set, else per container
      // the soft limit when set, else the hard one (scenarios/task_definition.h).
      f.memory_basis = per_container != td.reserved.memory_mib ? "task" : soft ? "soft" : "hard";
      r_.task_definitions.push_back(std::move(f));

      const auto [file, base] = td_location(i);
      for (std::size_t k = 0; k < td.member_of.size(); ++k) {
        expression_attributes(td.member_of[k], file, base + "/placementConstraints/" + std::to_string(k) + "/expression");
      }
      // With no `images` at all, no pull is modelled on purpose; with some, a missing one is
      // most likely a typo or an oversight.
      if (s_.images.empty()) continue;
      for (std::size_t c = 0; c < td.containers.size(); ++c) {
        const std::string& image = td.containers[c].image;
        if (listed.count(image) != 0) continue;
        warn(ValidateWarning::Kind::kUnlistedImage, file, base + "/containerDefinitions/" + std::to_string(c) + "/image",
             "image " + quote(image) + " is not in \"images\"" + did_you_mean(image, image_names) +
                 ": taken as cached on every instance, no pull is modelled");
      }
    }
  }

  void demand(SourceFigures& f, double tasks, const sim::Resources& need) const {
    f.tasks_running = tasks;
    f.cpu_units = tasks * need.cpu;
    f.memory_mib = tasks * need.memory_mib;
  }

  // A job's or service's task that fits no instance it may be placed on.
  void never_fits(const sim::TaskDefinition& td, const sim::Resources& need,
                  const std::vector<sim::CapacityProviderStrategyItem>& providers, const std::string& at) {
    std::vector<std::uint32_t> groups;
    if (providers.empty()) {
      for (std::uint32_t g = 0; g < in_fleet_.size(); ++g) {
        if (in_fleet_[g]) groups.push_back(g);
      }
    } else {
      for (const auto& item : providers) {
        for (const std::uint32_t g : s_.capacity_providers[item.provider].groups) groups.push_back(g);
      }
    }
    if (groups.empty()) return;
    for (const std::uint32_t g : groups) {
      if (fits(s_, s_.cluster.instance_groups[g], need, td.required_attributes)) return;
    }
    warn(ValidateWarning::Kind::kNeverFits, at,
         "a task of " + quote(td_name(td)) + " (" + std::to_string(need.cpu) + " CPU units, " +
             std::to_string(need.memory_mib) + " MiB, " + std::to_string(need.gpus) + " GPUs" +
             (td.required_attributes.empty() ? "" : ", its runtimePlatform") + ") fits on no instance type " +
             (providers.empty() ? "of the fleet" : "of its capacity providers") + ": it can never be placed");
  }

  void service(std::size_t i) {
    const sim::Service& sv = s_.services[i];
    const sim::TaskDefinition& td = s_.task_definitions[sv.task_definition];
    const std::string at = "/services/" + std::to_string(i);
    SourceFigures f;
    f.kind = "service";
    f.name = sv.name;
    f.task_definition = td_name(td);
    sim::Resources need = td.reserved;
    if (sv.ebs_volume) need.ebs_volumes = 1;
    if (sv.scheduling_strategy == sim::SchedulingStrategy::kDaemon) {
      f.desired_count = static_cast<std::int32_t>(r_.fleet_instances);
      f.submits = "DAEMON, one task per instance (" + std::to_string(r_.fleet_instances) + " at the start)";
    } else {
      f.desired_count = sv.desired_count;
      f.submits = std::to_string(sv.desired_count) + " tasks desired";
    }
    if (sv.auto_scaling) {
      f.min_capacity = sv.auto_scaling->min_capacity;
      f.max_capacity = sv.auto_scaling->max_capacity;
      f.submits += ", auto scaling " + std::to_string(f.min_capacity) + "-" + std::to_string(f.max_capacity);
    }
    demand(f, f.desired_count, need);
    r_.sources.push_back(std::move(f));
    strategy_attributes(sv.strategy, at + "/placementStrategy");
    constraint_attributes(sv.constraints, at + "/placementConstraints");
    never_fits(td, need, sv.capacity_provider_strategy, at + "/taskDefinition");
  }

  void job(std::size_t i) {
    const sim::Job& j = s_.jobs[i];
    const sim::TaskDefinition& td = s_.task_definitions[j.task_definition];
    const sim::ArrivalSpec& a = j.arrival;
    const std::string at = "/jobs/" + std::to_string(i);
    SourceFigures f;
    f.kind = "job";
    f.name = j.name;
    f.task_definition = td_name(td);
    const sim::SimTime end = std::min(a.end, s_.duration);
    // The first arrival, and the rate while the job submits.
    sim::SimTime first = a.start;
    double per_hour = 0;
    std::string how;
    switch (a.kind) {
      case sim::ArrivalSpec::Kind::kPoisson:
        per_hour = a.rate_per_second * 3600.0;
        how = figure(per_hour) + " jobs/h (poisson)";
        break;
      case sim::ArrivalSpec::Kind::kFixed:
        per_hour = 3600.0 * static_cast<double>(sim::kSecond) / static_cast<double>(a.interval);
        how = "one job every " + duration_text(a.interval) + " (" + figure(per_hour) + " jobs/h)";
        break;
      case sim::ArrivalSpec::Kind::kList: {
        // sim/arrivals.cpp: listed times from `start`, before `end` and the run's end.
        std::int64_t n = 0;
        first = sim::kNever;
        for (const sim::SimTime t : a.at) {
          if (t < a.start || t >= end || (a.count >= 0 && n >= a.count)) continue;
          if (n == 0) first = t;
          ++n;
        }
        per_hour = static_cast<double>(n) * 3600.0 * static_cast<double>(sim::kSecond) / static_cast<double>(s_.duration);
        how = std::to_string(n) + " jobs at listed times (" + figure(per_hour) + " jobs/h over the run)";
        break;
      }
    }
    if (a.kind != sim::ArrivalSpec::Kind::kList) {
      if (a.start > 0) how += " from " + clock_text(a.start);
      if (a.end != sim::kNever) how += " to " + clock_text(a.end);
      if (a.count >= 0) how += ", at most " + std::to_string(a.count);
    }
    const double runtime_us = mean_runtime_us(j.runtime);
    f.jobs_per_hour = per_hour;
    f.mean_runtime_seconds = runtime_us / static_cast<double>(sim::kSecond);
    f.submits = how + ", mean runtime " + mean_text(runtime_us / static_cast<double>(sim::kSecond));
    sim::Resources need = td.reserved;
    if (j.ebs_volume) need.ebs_volumes = 1;
    // Little's law: tasks in the system = arrival rate x mean time in it.
    demand(f, per_hour / 3600.0 * (runtime_us / static_cast<double>(sim::kSecond)), need);
    r_.sources.push_back(std::move(f));
    if (first == sim::kNever || first >= end || a.count == 0) {
      warn(ValidateWarning::Kind::kNothingInRun, at + "/arrival",
           "submits no task during the run" +
               (first != sim::kNever && first >= s_.duration && a.count != 0
                    ? ": its first arrival (" + clock_text(first) + ") is at or after the run's end (" +
                          clock_text(s_.duration) + ")"
                    : std::string()));
    }
    strategy_attributes(j.strategy, at + "/placementStrategy");
    constraint_attributes(j.constraints, at + "/placementConstraints");
    never_fits(td, need, j.capacity_provider_strategy, at + "/taskDefinition");
  }

  void trace(std::size_t i) {
    const sim::Trace& t = s_.traces[i];
    const std::string at = "/traces/" + std::to_string(i);
    SourceFigures f;
    f.kind = "trace";
    f.name = t.file;
    f.records = t.records_read;
    // The sums the loader took over the records in submit order, and the fleet's fit of each
    // distinct need it counted (of each record, read again one at a time, past so many needs).
    const double runtime_s = t.runtime_seconds, cpu_s = t.cpu_unit_seconds, memory_s = t.memory_mib_seconds;
    std::int64_t unplaceable = 0;
    const auto fits_fleet = [&](const sim::Resources& need) {
      for (std::size_t g = 0; g < in_fleet_.size(); ++g) {
        if (in_fleet_[g] && fits(s_, s_.cluster.instance_groups[g], need, {})) return true;
      }
      return false;
    };
    if (t.needs_known) {
      for (const auto& [need, count] : t.needs) unplaceable += fits_fleet(need) ? 0 : count;
    } else {
      const std::unique_ptr<sim::TraceReader> reader = sim::open_trace_reader(t);
      sim::TraceTask task;
      sim::SimTime recorded_wait = -1;
      while (reader->next(task, recorded_wait)) unplaceable += fits_fleet(task.need) ? 0 : 1;
    }
    const sim::SimTime span = f.records == 0 ? 0 : t.last_submit - t.first_submit;
    f.span_seconds = sim::to_seconds(span);
    f.submits = std::to_string(f.records) + " records over " + duration_text(span);
    if (span > 0) {
      f.jobs_per_hour = static_cast<double>(f.records) * 3600.0 / f.span_seconds;
      f.mean_runtime_seconds = runtime_s / static_cast<double>(f.records);
      f.submits += " (" + figure(*f.jobs_per_hour) + " records/h), mean runtime " +
                   mean_text(*f.mean_runtime_seconds);
      f.tasks_running = runtime_s / f.span_seconds;
      f.cpu_units = cpu_s / f.span_seconds;
      f.memory_mib = memory_s / f.span_seconds;
    } else {
      f.unknown = f.records == 0 ? "no records" : "every record is submitted at one instant";
    }
    r_.sources.push_back(std::move(f));
    if (unplaceable > 0 && std::find(in_fleet_.begin(), in_fleet_.end(), true) != in_fleet_.end()) {
      warn(ValidateWarning::Kind::kTraceTasksNeverFit, at,
           std::to_string(unplaceable) + " of " + std::to_string(t.records_read) +
               " records need more CPU, memory or GPUs than any instance type of the fleet registers: they can never be placed");
    }
    strategy_attributes(t.strategy, at + "/placementStrategy");
  }

  // By family: older revisions of a family in use are history (a pasted describe-task-definition
  // series), not a mistake.
  void unused_task_definitions() {
    std::unordered_set<std::string> used;
    const auto mark = [&](std::uint32_t td) { used.insert(s_.task_definitions[td].family); };
    for (const sim::Service& sv : s_.services) mark(sv.task_definition);
    for (const sim::Job& j : s_.jobs) mark(j.task_definition);
    for (const sim::ScenarioEvent& e : s_.events) {
      if (e.type == sim::EventType::kDeploy) mark(e.task_definition);
    }
    for (std::size_t i = 0; i < s_.task_definitions.size(); ++i) {
      const std::string& family = s_.task_definitions[i].family;
      if (used.count(family) != 0) continue;
      const auto [file, base] = td_location(i);
      warn(ValidateWarning::Kind::kUnusedTaskDefinition, file, base.empty() ? "/" : base,
           "task definition " + quote(td_name(s_.task_definitions[i])) +
               ": no service, job or deploy event uses any revision of family " + quote(family));
    }
  }

  void unused_capacity_providers() {
    std::vector<bool> used(s_.capacity_providers.size(), false);
    const auto mark = [&](const std::vector<sim::CapacityProviderStrategyItem>& items) {
      for (const auto& item : items) used[item.provider] = true;
    };
    mark(s_.cluster.default_capacity_provider_strategy);
    for (const sim::Service& sv : s_.services) mark(sv.capacity_provider_strategy);
    for (const sim::Job& j : s_.jobs) mark(j.capacity_provider_strategy);
    for (std::size_t p = 0; p < used.size(); ++p) {
      if (used[p]) continue;
      warn(ValidateWarning::Kind::kUnusedCapacityProvider, "/capacityProviders/" + std::to_string(p),
           "capacity provider " + quote(s_.capacity_providers[p].name) +
               " is in no capacity provider strategy (a service's, a job's or the cluster's default): no task asks it for capacity");
    }
  }

  void late_events() {
    for (const sim::ScenarioEvent& e : s_.events) {
      if (e.at < s_.duration) continue;
      warn(ValidateWarning::Kind::kNothingInRun, "/events",
           "the " + quote(std::string(sim::event_type_name(e.type))) + " event at " + clock_text(e.at) +
               " is at or after the run's end (" + clock_text(s_.duration) + "): it never happens");
    }
  }

  const sim::Scenario& s_;
  ValidateReport& r_;
  std::vector<bool> in_fleet_;
  std::vector<std::string> attributes_;
};

std::string headline(const sim::Scenario& scenario, const std::string& file) {
  // Instances at the start: the groups' and the capacity providers' desired capacities.
  std::size_t instances = 0;
  for (const auto& g : scenario.cluster.instance_groups) instances += static_cast<std::size_t>(g.count);
  for (const auto& cp : scenario.capacity_providers) instances += static_cast<std::size_t>(cp.desired_capacity);
  const std::string providers =
      scenario.capacity_providers.empty() ? "" : ", " + std::to_string(scenario.capacity_providers.size()) + " capacity providers";
  return file + ": valid (" + std::to_string(instances) + " instances" + providers + ", " +
         std::to_string(scenario.task_definitions.size()) + " task definitions, " + std::to_string(scenario.services.size()) +
         " services, " + std::to_string(scenario.jobs.size()) + " jobs, " + std::to_string(scenario.traces.size()) + " traces)";
}

// "host ports 80/tcp,53/udp + 1 dynamic", "1 dynamic host port", "no host ports".
std::string ports_text(const TaskDefinitionFigures& f) {
  std::string out;
  const auto list = [&](const std::vector<std::uint16_t>& ports, const char* protocol) {
    for (const std::uint16_t p : ports) {
      if (!out.empty()) out += ',';
      out += std::to_string(p);
      out += '/';
      out += protocol;
    }
  };
  list(f.tcp_ports, "tcp");
  list(f.udp_ports, "udp");
  if (out.empty()) return f.dynamic_ports > 0 ? plural(f.dynamic_ports, "dynamic host port", "dynamic host ports") : "no host ports";
  out = "host ports " + out;
  if (f.dynamic_ports > 0) {
    out += " + ";
    out += std::to_string(f.dynamic_ports);
    out += " dynamic";
  }
  return out;
}

// "63 %" of a fraction, or "<1 %" for a small non-zero one.
std::string percent_text(double part, double whole) {
  const double pct = 100.0 * part / whole;
  if (pct > 0 && pct < 0.5) return "<1 %";
  return reports::format_fixed(pct, 0) + " %";
}

}  // namespace

std::string warning_kind_name(ValidateWarning::Kind kind) {
  switch (kind) {
    case ValidateWarning::Kind::kUnlistedImage: return "unlistedImage";
    case ValidateWarning::Kind::kUnknownAttribute: return "unknownAttribute";
    case ValidateWarning::Kind::kUnusedTaskDefinition: return "unusedTaskDefinition";
    case ValidateWarning::Kind::kNeverFits: return "neverFits";
    case ValidateWarning::Kind::kUnusedCapacityProvider: return "unusedCapacityProvider";
    case ValidateWarning::Kind::kNothingInRun: return "nothingInRun";
    case ValidateWarning::Kind::kTraceTasksNeverFit: return "traceTasksNeverFit";
  }
  return "";
}

ValidateReport build_validate_report(const sim::Scenario& scenario, const std::string& file) {
  ValidateReport r;
  r.file = file;
  r.headline = headline(scenario, file);
  Builder(scenario, r).build();
  return r;
}

std::string validate_text(const ValidateReport& r, bool quiet) {
  std::string out = r.headline + "\n";
  if (!quiet) {
    if (!r.task_definitions.empty()) out += "task definitions (what one task reserves):\n";
    for (const TaskDefinitionFigures& f : r.task_definitions) {
      out += "  " + f.name + ": " + std::to_string(f.cpu) + " CPU units, " + std::to_string(f.memory_mib) + " MiB";
      if (f.memory_basis == "task") out += " (task-level memory)";
      if (f.memory_basis == "soft") {
        out += " (soft limits";
        if (f.memory_hard_mib > 0) out += "; hard limits " + std::to_string(f.memory_hard_mib) + " MiB";
        out += ")";
      }
      if (f.gpus > 0) out += ", " + plural(f.gpus, "GPU", "GPUs");
      out += ", " + ports_text(f) + ", " + f.network_mode;
      if (f.enis > 0) out += " (" + std::to_string(f.enis) + " ENI)";
      out += "\n";
    }
    out += "fleet at the start: " + plural(r.fleet_instances, "instance", "instances") + ", " + std::to_string(r.fleet_cpu) +
           " CPU units, " + std::to_string(r.fleet_memory_mib) + " MiB registered";
    if (r.provider_max_instances > 0) {
      out += "; its capacity providers may grow it to " + plural(r.static_instances + r.provider_max_instances, "instance", "instances");
    }
    out += "\n";
    if (!r.sources.empty()) out += "sources (steady-state demand while each submits; the total takes them all at once):\n";
    for (const SourceFigures& f : r.sources) {
      out += "  " + f.kind + " " + f.name + (f.task_definition.empty() ? "" : " (" + f.task_definition + ")") + ": " +
             f.submits + "\n";
      if (f.cpu_units) {
        out += "    ~" + figure(*f.tasks_running) + " tasks running, " + figure(*f.cpu_units) + " CPU units, " +
               figure(*f.memory_mib) + " MiB";
        if (r.fleet_cpu > 0) out += " (" + percent_text(*f.cpu_units, static_cast<double>(r.fleet_cpu)) + " of the fleet's CPU)";
        out += "\n";
      } else {
        out += "    demand cannot be computed: " + f.unknown + "\n";
      }
    }
    if (r.sources.empty()) {
      out += "offered load: none (no service, job or trace)\n";
    } else if (r.fleet_cpu <= 0 || r.fleet_memory_mib <= 0) {
      out += "offered load: " + figure(r.offered_cpu) + " CPU units, " + figure(r.offered_memory_mib) +
             " MiB; no fraction: the fleet registers no capacity at the start\n";
    } else {
      out += "offered CPU ~ " + percent_text(r.offered_cpu, static_cast<double>(r.fleet_cpu)) +
             " of the fleet's registered CPU, memory ~ " +
             percent_text(r.offered_memory_mib, static_cast<double>(r.fleet_memory_mib)) + " of its registered memory";
      if (r.sources_unknown > 0) {
        out += " (leaving out " + std::to_string(r.sources_unknown) + " source" + (r.sources_unknown > 1 ? "s" : "") +
               " whose demand cannot be computed)";
      }
      out += "\n";
    }
  }
  for (const ValidateWarning& w : r.warnings) out += "warning: " + w.file + ": " + w.pointer + ": " + w.message + "\n";
  return out;
}

std::string validate_json(const ValidateReport& r) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["file"] = r.file;
  j["valid"] = true;
  ordered_json tds = ordered_json::array();
  for (const TaskDefinitionFigures& f : r.task_definitions) {
    tds.push_back({{"taskDefinition", f.name},
                   {"cpu", f.cpu},
                   {"memoryMiB", f.memory_mib},
                   {"memoryBasis", f.memory_basis},
                   {"memoryHardLimitMiB", f.memory_hard_mib},
                   {"gpus", f.gpus},
                   {"networkMode", f.network_mode},
                   {"enis", f.enis},
                   {"tcpHostPorts", f.tcp_ports},
                   {"udpHostPorts", f.udp_ports},
                   {"dynamicPorts", f.dynamic_ports}});
  }
  j["taskDefinitions"] = tds;
  j["fleet"] = {{"instances", r.fleet_instances},
                {"cpu", r.fleet_cpu},
                {"memoryMiB", r.fleet_memory_mib},
                {"capacityProvidersMaxInstances", r.provider_max_instances}};
  ordered_json sources = ordered_json::array();
  const auto opt = [](const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
  for (const SourceFigures& f : r.sources) {
    ordered_json s = {{"kind", f.kind}, {"name", f.name}};
    if (!f.task_definition.empty()) s["taskDefinition"] = f.task_definition;
    s["submits"] = f.submits;
    if (f.kind == "service") {
      s["desiredCount"] = f.desired_count;
      if (f.min_capacity >= 0) s["autoScaling"] = {{"minCapacity", f.min_capacity}, {"maxCapacity", f.max_capacity}};
    } else {
      s["jobsPerHour"] = opt(f.jobs_per_hour);
      s["meanRuntimeSeconds"] = opt(f.mean_runtime_seconds);
    }
    if (f.kind == "trace") {
      s["records"] = f.records;
      s["spanSeconds"] = f.span_seconds;
    }
    s["tasksRunning"] = opt(f.tasks_running);
    s["cpu"] = opt(f.cpu_units);
    s["memoryMiB"] = opt(f.memory_mib);
    if (!f.unknown.empty()) s["unknown"] = f.unknown;
    sources.push_back(std::move(s));
  }
  j["sources"] = sources;
  ordered_json offered = {{"cpu", r.offered_cpu}, {"memoryMiB", r.offered_memory_mib}};
  offered["cpuFraction"] = r.fleet_cpu > 0 ? ordered_json(r.offered_cpu / static_cast<double>(r.fleet_cpu)) : ordered_json(nullptr);
  offered["memoryFraction"] = r.fleet_memory_mib > 0
                                  ? ordered_json(r.offered_memory_mib / static_cast<double>(r.fleet_memory_mib))
                                  : ordered_json(nullptr);
  offered["sourcesLeftOut"] = r.sources_unknown;
  j["offered"] = offered;
  ordered_json warnings = ordered_json::array();
  for (const ValidateWarning& w : r.warnings) {
    warnings.push_back({{"kind", warning_kind_name(w.kind)}, {"file", w.file}, {"pointer", w.pointer}, {"message", w.message}});
  }
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

}  // namespace ecsim::tools
