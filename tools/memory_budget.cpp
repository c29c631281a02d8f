#include "tools/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "reports/format.h"
#include "sim/input_error.h"
#include "tools/validate_report.h"

namespace ecsim::tools {
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
  if (bytes < 10 * 1024 * kMiB) return reports::format_fixed(bytes / kMiB, 0) + " MiB";
  return reports::format_fixed(bytes / (1024 * kMiB), 1) + " GiB";
}

}  // namespace

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
  const std::int64_t max = read_number_file("/sys/fs/cgroup/memory.max");
  const std::int64_t current = read_number_file("/sys/fs/cgroup/memory.current");
  if (max >= 0) take(std::max<std::int64_t>(0, max - std::max<std::int64_t>(0, current)));
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY &&
      as.rlim_cur < static_cast<rlim_t>(std::numeric_limits<std::int64_t>::max())) {
    // Less the address space already in use (/proc/self/statm: pages).
    std::ifstream statm("/proc/self/statm");
    std::int64_t pages = 0;
    statm >> pages;
    take(std::max<std::int64_t>(0, static_cast<std::int64_t>(as.rlim_cur) - pages * sysconf(_SC_PAGESIZE)));
  }
  return best;
}

std::int64_t check_memory_budget(const sim::Scenario& scenario, const std::string& file, std::int64_t available) {
  if (available < 0) return -1;
  const std::int64_t max_live = available / kBytesPerLiveTask;
  // Each source's tasks alive at once at the least: its steady state (Little's law), never more
  // than it submits in all.
  const ValidateReport report = build_validate_report(scenario, file);
  double total = 0, biggest = -1;
  std::string pointer, what;
  std::size_t job = 0, service = 0, trace = 0;
  for (const SourceFigures& f : report.sources) {
    std::string at;
    double alive = f.tasks_running.value_or(0.0);
    if (f.kind == "service") {
      at = "/services/" + std::to_string(service++);
    } else if (f.kind == "job") {
      const sim::Job& j = scenario.jobs[job];
      at = "/jobs/" + std::to_string(job++);
      // Arrival rate times the mean runtime, or times how long it submits within the run when
      // that is shorter (a task stays alive at least until it ends or the run does).
      if (f.jobs_per_hour && f.mean_runtime_seconds) {
        const sim::SimTime end = std::min(j.arrival.end, scenario.duration);
        const double window = end > j.arrival.start ? sim::to_seconds(end - j.arrival.start) : 0.0;
        alive = *f.jobs_per_hour / 3600.0 * std::min(*f.mean_runtime_seconds, window);
      }
      if (j.arrival.count >= 0) alive = std::min(alive, static_cast<double>(j.arrival.count));
      if (j.arrival.kind == sim::ArrivalSpec::Kind::kList) alive = std::min(alive, static_cast<double>(j.arrival.at.size()));
    } else {
      at = "/traces/" + std::to_string(trace++);
      if (f.records >= 0) alive = std::min(alive, static_cast<double>(f.records));
    }
    if (!std::isfinite(alive) || alive < 0) alive = 0;
    total += alive;
    if (alive > biggest) {
      biggest = alive;
      pointer = at;
      what = f.kind + " " + f.name + " (" + f.submits + ")";
    }
  }
  const double need = total * static_cast<double>(kBytesPerLiveTask);
  if (need > static_cast<double>(available)) {
    throw sim::InputError(
        file, pointer,
        "a scenario whose tasks alive at once fit in this machine's memory (" + gib(static_cast<double>(available)) +
            " available, about " + std::to_string(kBytesPerLiveTask) + " bytes a task: at most " +
            std::to_string(max_live) + " tasks)",
        "one that needs at least " + gib(need) + ": about " + reports::format_fixed(total, 0) +
            " tasks waiting or running at once, " + reports::format_fixed(biggest, 0) + " of them from " + what);
  }
  return max_live;
}

}  // namespace ecsim::tools
