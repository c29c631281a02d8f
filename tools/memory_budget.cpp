#include "tools/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "reports/format.h"
#include "sim/input_error.h"
#include "sim/portable_math.h"
#include "sim/random.h"
#include "sim/task_pages.h"
#include "tools/validate_report.h"

namespace ecsim::tools {

static_assert(kBytesPerTaskPage == sim::kTaskPageSize * sizeof(std::uint32_t), "a page of task numbers (sim/task_pages.h)");

namespace {

// A number from a one-line file ("max" or unreadable: -1).
std::int64_t read_number_file(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return -1;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return -1;
  }
}

std::string gib(double bytes) {
  constexpr double kMiB = 1024.0 * 1024.0;
  if (bytes < 1024) return reports::format_fixed(bytes, 0) + " bytes";
  if (bytes < kMiB) return reports::format_fixed(bytes / 1024, 0) + " KiB";
  if (bytes < 10 * 1024 * kMiB) return reports::format_fixed(bytes / kMiB, 0) + " MiB";
  return reports::format_fixed(bytes / (1024 * kMiB), 1) + " GiB";
}

// ECSIM_MEMORY_AVAILABLE's value (parse_memory_size); -1 when unset.
std::int64_t memory_variable() {
  const char* value = std::getenv(kMemoryAvailableVariable);
  if (value == nullptr) return -1;
  const std::int64_t bytes = parse_memory_size(value);
  if (bytes < 0) {
    throw sim::InputError(kMemoryAvailableVariable, "", "a memory size in bytes, or with a K, M, G or T suffix (512M)",
                          "\"" + std::string(value) + "\"");
  }
  return bytes;
}

}  // namespace

std::int64_t parse_memory_size(std::string_view text) {
  std::int64_t number = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, number);
  int shift = 0;
  if (p + 1 == end) {
    switch (*p) {
      case 'K': case 'k': shift = 10; break;
      case 'M': case 'm': shift = 20; break;
      case 'G': case 'g': shift = 30; break;
      case 'T': case 't': shift = 40; break;
      default: shift = -1;
    }
  } else if (p != end) {
    shift = -1;
  }
  if (text.empty() || ec != std::errc() || shift < 0 || number < 0 || number > (std::numeric_limits<std::int64_t>::max() >> shift)) {
    return -1;
  }
  return number << shift;
}

std::int64_t cgroup_memory_headroom(const std::filesystem::path& root, std::string_view proc_self_cgroup) {
  // The cgroup v2 line, "0::/PATH" ("0::/" in a container's own cgroup namespace); the root when
  // there is none or it is odd.
  std::filesystem::path dir = root;
  std::size_t at = 0;
  while (at < proc_self_cgroup.size()) {
    std::size_t end = proc_self_cgroup.find('\n', at);
    if (end == std::string_view::npos) end = proc_self_cgroup.size();
    const std::string_view line = proc_self_cgroup.substr(at, end - at);
    at = end + 1;
    if (line.size() > 4 && line.substr(0, 4) == "0::/" && line[4] != '/' && line.find("/..") == std::string_view::npos) {
      dir = root / line.substr(4);
    }
  }
  if (!dir.has_filename()) dir = dir.parent_path();  // "a/b/": parent_path() walks up from "a/b"
  // Each cgroup from the process's up to the root: its limit less what it holds (an ancestor's
  // memory.current counts its descendants').
  std::int64_t best = -1;
  const std::filesystem::path top = root.has_filename() ? root : root.parent_path();
  for (;; dir = dir.parent_path()) {
    const std::int64_t max = read_number_file((dir / "memory.max").c_str());
    const std::int64_t current = read_number_file((dir / "memory.current").c_str());
    if (max >= 0) {
      const std::int64_t room = std::max<std::int64_t>(0, max - std::max<std::int64_t>(0, current));
      if (best < 0 || room < best) best = room;
    }
    if (dir.native().size() <= top.native().size()) break;  // at the root (dir is always under it)
  }
  return best;
}

std::int64_t available_memory_bytes() {
  std::int64_t best = -1;
  const auto take = [&](std::int64_t v) {
    if (v >= 0 && (best < 0 || v < best)) best = v;
  };
  {
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
      if (line.rfind("MemAvailable:", 0) != 0) continue;
      std::istringstream fields(line.substr(13));
      std::int64_t kib = -1;
      if (fields >> kib) take(kib * 1024);
    }
  }
  {
    std::ifstream in("/proc/self/cgroup");
    std::stringstream cgroups;
    cgroups << in.rdbuf();
    take(cgroup_memory_headroom("/sys/fs/cgroup", cgroups.str()));
  }
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY &&
      as.rlim_cur < static_cast<rlim_t>(std::numeric_limits<std::int64_t>::max())) {
    // Less the address space already in use (/proc/self/statm: pages).
    std::ifstream statm("/proc/self/statm");
    std::int64_t pages = 0;
    statm >> pages;
    take(std::max<std::int64_t>(0, static_cast<std::int64_t>(as.rlim_cur) - pages * sysconf(_SC_PAGESIZE)));
  }
  take(memory_variable());
  return best;
}

std::int64_t memory_share(std::int64_t available, std::size_t runs_at_once) {
  if (available < 0) return -1;
  return available / static_cast<std::int64_t>(std::max<std::size_t>(1, runs_at_once));
}

namespace {

// With several runs at once, ", shared by 4 runs at once (--jobs): 5.7 GiB each"; "" for one.
std::string shared_text(std::int64_t available, std::size_t runs_at_once) {
  if (runs_at_once <= 1) return "";
  std::string out = ", shared by ";
  out.append(std::to_string(runs_at_once)).append(" runs at once (--jobs): ");
  out.append(gib(static_cast<double>(memory_share(available, runs_at_once)))).append(" each");
  return out;
}

}  // namespace

sim::RunLimits memory_limits(const std::string& file, std::int64_t available, std::size_t runs_at_once) {
  sim::RunLimits limits;
  limits.file = file;
  if (available < 0) return limits;
  limits.max_live_tasks = memory_share(available, runs_at_once) / kBytesPerLiveTask;
  limits.tasks_per_page = kBytesPerTaskPage / kBytesPerLiveTask;
  limits.because = gib(static_cast<double>(available)) + " of memory available" + shared_text(available, runs_at_once) +
                   ", about " + std::to_string(kBytesPerLiveTask) + " bytes a task";
  return limits;
}

namespace {

// The fields of one job and of one trace in LiveTaskInputs::fields.
enum JobField : std::size_t {
  kArrivalKind, kRate, kInterval, kStart, kEnd, kCount, kListedInRun, kListed,
  kRuntimeKind, kValue, kMean, kMedian, kP90, kMin, kMax, kSamplesMean, kJobFields
};
enum TraceField : std::size_t { kConcurrency, kRecords, kTraceFields };

std::int64_t bits(double v) { return std::bit_cast<std::int64_t>(v); }
double real(std::int64_t v) { return std::bit_cast<double>(v); }

}  // namespace

LiveTaskInputs live_task_inputs(const sim::Scenario& scenario) {
  LiveTaskInputs in;
  in.groups = scenario.cluster.instance_groups.size();
  in.providers = scenario.capacity_providers.size();
  in.services = scenario.services.size();
  in.jobs = scenario.jobs.size();
  in.traces = scenario.traces.size();
  std::vector<std::int64_t>& f = in.fields;
  f.push_back(scenario.duration);
  // The fleet at the start, as tools/validate_report.h counts it (a DAEMON's tasks).
  for (const sim::InstanceGroup& g : scenario.cluster.instance_groups) f.push_back(std::max(0, g.count));
  for (const sim::CapacityProvider& cp : scenario.capacity_providers) {
    f.push_back(cp.groups.empty() ? 0 : std::max(0, cp.desired_capacity));
  }
  for (const sim::Service& sv : scenario.services) {
    f.push_back(sv.scheduling_strategy == sim::SchedulingStrategy::kDaemon ? 1 : 0);
    f.push_back(sv.desired_count);
  }
  for (const sim::Job& j : scenario.jobs) {
    const sim::ArrivalSpec& a = j.arrival;
    const std::size_t at = f.size();
    // Listed times within the run (sim/arrivals.cpp): from `start`, before `end` and the run's
    // end, at most `count`.
    std::int64_t listed_in_run = 0;
    const sim::SimTime end = std::min(a.end, scenario.duration);
    for (const sim::SimTime t : a.at) {
      if (t < a.start || t >= end || (a.count >= 0 && listed_in_run >= a.count)) continue;
      ++listed_in_run;
    }
    const double samples_mean = [&] {
      double sum = 0;
      for (const sim::SimTime v : j.runtime.samples) sum += static_cast<double>(v);
      return j.runtime.samples.empty() ? 0.0 : sum / static_cast<double>(j.runtime.samples.size());
    }();
    f.insert(f.end(), {static_cast<std::int64_t>(a.kind), bits(a.rate_per_second), a.interval, a.start, a.end, a.count,
                       listed_in_run, static_cast<std::int64_t>(a.at.size()), static_cast<std::int64_t>(j.runtime.kind),
                       j.runtime.value, j.runtime.mean, j.runtime.median, j.runtime.p90, j.runtime.min, j.runtime.max,
                       bits(samples_mean)});
    if (a.kind == sim::ArrivalSpec::Kind::kList) {
      std::vector<std::size_t> arrival = {0};  // the run's duration
      for (std::size_t k = kArrivalKind; k <= kListed; ++k) arrival.push_back(at + k);
      in.coupled.push_back(std::move(arrival));
    }
  }
  for (const sim::Trace& t : scenario.traces) {
    // tools/validate_report.h: the trace's runtime over its span, nothing for one instant.
    const sim::SimTime span = t.records_read == 0 ? 0 : t.last_submit - t.first_submit;
    const double concurrency = span > 0 ? t.runtime_seconds / sim::to_seconds(span) : 0.0;
    in.coupled.push_back({f.size() + kConcurrency, f.size() + kRecords});
    f.push_back(bits(concurrency));
    f.push_back(t.records_read);
  }
  return in;
}

LiveTaskNeed live_task_need(const LiveTaskInputs& in) {
  LiveTaskNeed need;
  const std::vector<std::int64_t>& f = in.fields;
  const sim::SimTime duration = f[0];
  std::size_t at = 1;
  std::int64_t fleet = 0;
  for (std::size_t k = 0; k < in.groups + in.providers; ++k) fleet += f[at++];
  std::size_t source = 0;
  const auto add = [&](double alive) {
    if (!std::isfinite(alive) || alive < 0) alive = 0;
    need.tasks += alive;
    if (alive > need.biggest) {
      need.biggest = alive;
      need.source = source;
    }
    ++source;
  };
  // A service: its desiredCount, a DAEMON one task per instance at the start.
  for (std::size_t s = 0; s < in.services; ++s, at += 2) {
    add(static_cast<double>(f[at] != 0 ? static_cast<std::int32_t>(fleet) : static_cast<std::int32_t>(f[at + 1])));
  }
  // A job: its arrival rate while it submits times its mean runtime, or times how long it
  // submits within the run when that is shorter (a task stays alive at least until it ends or the
  // run does); never more than it submits.
  for (std::size_t j = 0; j < in.jobs; ++j, at += kJobFields) {
    const std::int64_t* a = &f[at];
    double per_hour = 0;
    switch (static_cast<sim::ArrivalSpec::Kind>(a[kArrivalKind])) {
      case sim::ArrivalSpec::Kind::kPoisson: per_hour = real(a[kRate]) * 3600.0; break;
      case sim::ArrivalSpec::Kind::kFixed:
        per_hour = 3600.0 * static_cast<double>(sim::kSecond) / static_cast<double>(a[kInterval]);
        break;
      case sim::ArrivalSpec::Kind::kList:
        per_hour = static_cast<double>(a[kListedInRun]) * 3600.0 * static_cast<double>(sim::kSecond) / static_cast<double>(duration);
        break;
    }
    // The mean runtime as tools/validate_report.h computes it.
    double runtime_us = 0;
    switch (static_cast<sim::RuntimeSpec::Kind>(a[kRuntimeKind])) {
      case sim::RuntimeSpec::Kind::kConstant: runtime_us = static_cast<double>(a[kValue]); break;
      case sim::RuntimeSpec::Kind::kExponential: runtime_us = static_cast<double>(a[kMean]); break;
      case sim::RuntimeSpec::Kind::kLognormal: {
        const double sigma = sim::portable_log(static_cast<double>(a[kP90]) / static_cast<double>(a[kMedian])) / sim::kNormalQuantile90;
        runtime_us = static_cast<double>(a[kMedian]) * sim::portable_exp(sigma * sigma / 2.0);
        break;
      }
      case sim::RuntimeSpec::Kind::kUniform: runtime_us = (static_cast<double>(a[kMin]) + static_cast<double>(a[kMax])) / 2.0; break;
      case sim::RuntimeSpec::Kind::kEmpirical: runtime_us = real(a[kSamplesMean]); break;
    }
    const double mean_runtime = runtime_us / static_cast<double>(sim::kSecond);
    const sim::SimTime end = std::min<sim::SimTime>(a[kEnd], duration);
    const double window = end > a[kStart] ? sim::to_seconds(end - a[kStart]) : 0.0;
    double alive = per_hour / 3600.0 * std::min(mean_runtime, window);
    if (a[kCount] >= 0) alive = std::min(alive, static_cast<double>(a[kCount]));
    if (static_cast<sim::ArrivalSpec::Kind>(a[kArrivalKind]) == sim::ArrivalSpec::Kind::kList) {
      alive = std::min(alive, static_cast<double>(a[kListed]));
    }
    add(alive);
  }
  // A trace: its concurrency over its span, never more than its records.
  for (std::size_t t = 0; t < in.traces; ++t, at += kTraceFields) {
    double alive = real(f[at + kConcurrency]);
    if (f[at + kRecords] >= 0) alive = std::min(alive, static_cast<double>(f[at + kRecords]));
    add(alive);
  }
  return need;
}

std::int64_t run_memory_request(const sim::Scenario& scenario) {
  std::int64_t instances = 0;
  std::set<std::uint32_t> types;
  for (const sim::InstanceGroup& g : scenario.cluster.instance_groups) {
    instances += g.count;
    if (g.count > 0) types.insert(g.instance_type);
  }
  for (const sim::CapacityProvider& p : scenario.capacity_providers) {
    instances += std::max(p.max_size, p.desired_capacity);
    for (const std::uint32_t g : p.groups) types.insert(scenario.cluster.instance_groups.at(g).instance_type);
  }
  const std::int64_t series = static_cast<std::int64_t>(scenario.cluster.availability_zones.size() + types.size() +
                                                        scenario.services.size() + scenario.capacity_providers.size());
  const std::int64_t samples = scenario.duration / std::max<sim::SimTime>(1, scenario.sample_interval) + 2;
  const double live = live_task_need(live_task_inputs(scenario)).bytes();
  const double bytes = static_cast<double>(kRequestBaseBytes) + static_cast<double>(instances) * kRequestBytesPerInstance +
                       static_cast<double>(samples) * static_cast<double>(kRequestBytesPerSample + series * kRequestBytesPerSeriesSample) +
                       live * kRequestLiveTaskFactor;
  constexpr double kMiB = 1 << 20;
  constexpr double kMost = static_cast<double>(std::numeric_limits<std::int64_t>::max() >> 21) * kMiB;
  return static_cast<std::int64_t>(std::ceil(std::min(bytes, kMost) / kMiB)) << 20;
}

sim::RunLimits check_memory_budget(const sim::Scenario& scenario, const std::string& file, std::int64_t available,
                                   std::size_t runs_at_once) {
  sim::RunLimits limits = memory_limits(file, available, runs_at_once);
  if (available < 0) return limits;
  const std::int64_t share = memory_share(available, runs_at_once);
  const LiveTaskNeed need = live_task_need(live_task_inputs(scenario));
  if (need.bytes() <= static_cast<double>(share)) return limits;
  // Refused: the largest source named as `ecsim validate` describes it.
  const ValidateReport report = build_validate_report(scenario, file);
  const SourceFigures& f = report.sources.at(need.source);
  std::string pointer;
  if (need.source < scenario.services.size()) {
    pointer = "/services/" + std::to_string(need.source);
  } else if (need.source < scenario.services.size() + scenario.jobs.size()) {
    pointer = "/jobs/" + std::to_string(need.source - scenario.services.size());
  } else {
    pointer = "/traces/" + std::to_string(need.source - scenario.services.size() - scenario.jobs.size());
  }
  throw sim::InputError(
      file, pointer,
      "a scenario whose tasks alive at once fit in this machine's memory (" + gib(static_cast<double>(available)) +
          " available" + shared_text(available, runs_at_once) + ", about " + std::to_string(kBytesPerLiveTask) + " bytes a task: at most " +
          std::to_string(limits.max_live_tasks) + " tasks)",
      "one that needs at least " + gib(need.bytes()) + ": about " + reports::format_fixed(need.tasks, 0) +
          " tasks waiting or running at once, " + reports::format_fixed(need.biggest, 0) + " of them from " + f.kind + " " +
          f.name + " (" + f.submits + ")");
}

}  // namespace ecsim::tools
