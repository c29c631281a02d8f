#include "tools/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
  if (bytes < 1024) return reports::format_fixed(bytes, 0) + " bytes";
  if (bytes < kMiB) return reports::format_fixed(bytes / 1024, 0) + " KiB";
  if (bytes < 10 * 1024 * kMiB) return reports::format_fixed(bytes / kMiB, 0) + " MiB";
  return reports::format_fixed(bytes / (1024 * kMiB), 1) + " GiB";
}

// ECSIM_MEMORY_AVAILABLE's value: bytes, or kibibytes, mebibytes, gibibytes, tebibytes with a
// K, M, G or T suffix; -1 when unset.
std::int64_t memory_variable() {
  const char* value = std::getenv(kMemoryAvailableVariable);
  if (value == nullptr) return -1;
  const std::string text = value;
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
    throw sim::InputError(kMemoryAvailableVariable, "", "a memory size in bytes, or with a K, M, G or T suffix (512M)",
                          "\"" + text + "\"");
  }
  return number << shift;
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
  limits.because = gib(static_cast<double>(available)) + " of memory available" + shared_text(available, runs_at_once) +
                   ", about " + std::to_string(kBytesPerLiveTask) + " bytes a task";
  return limits;
}

sim::RunLimits check_memory_budget(const sim::Scenario& scenario, const std::string& file, std::int64_t available,
                                   std::size_t runs_at_once) {
  sim::RunLimits limits = memory_limits(file, available, runs_at_once);
  if (available < 0) return limits;
  const std::int64_t share = memory_share(available, runs_at_once);
  const std::int64_t max_live = limits.max_live_tasks;
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
  if (need > static_cast<double>(share)) {
    throw sim::InputError(
        file, pointer,
        "a scenario whose tasks alive at once fit in this machine's memory (" + gib(static_cast<double>(available)) +
            " available" + shared_text(available, runs_at_once) + ", about " + std::to_string(kBytesPerLiveTask) + " bytes a task: at most " +
            std::to_string(max_live) + " tasks)",
        "one that needs at least " + gib(need) + ": about " + reports::format_fixed(total, 0) +
            " tasks waiting or running at once, " + reports::format_fixed(biggest, 0) + " of them from " + what);
  }
  return limits;
}

}  // namespace ecsim::tools
