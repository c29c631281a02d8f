#include "reports/run_info.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "reports/json_writer.h"

namespace ecsim::reports {
namespace {

std::string read_cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::size_t begin = colon + 1;
    while (begin < line.size() && line[begin] == ' ') ++begin;
    return line.substr(begin);
  }
  return "";
}

std::string read_hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string compiler_name() {
  // __VERSION__ names clang itself ("Debian Clang 14.0.6"); gcc's is the bare number.
#if defined(__GNUC__) && !defined(__clang__)
  return std::string("gcc ") + __VERSION__;
#else
  return __VERSION__;
#endif
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ECSIM_REPORTS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(ECSIM_REPORTS_ASAN)
#define ECSIM_REPORTS_ASAN 1
#endif

std::string build_type() {
#if defined(ECSIM_BUILD_TYPE)
  std::string type = ECSIM_BUILD_TYPE;  // CMAKE_BUILD_TYPE, e.g. "Release"
#elif defined(NDEBUG)
  std::string type = "release";
#else
  std::string type = "debug";
#endif
#ifdef ECSIM_REPORTS_ASAN
  type += "+sanitizers";
#endif
  return type;
}

double per_second(std::uint64_t count, double wall_seconds) {
  return wall_seconds > 0 ? static_cast<double>(count) / wall_seconds : 0.0;
}

}  // namespace

double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    // "VmHWM:     31744 kB"
    const std::size_t digits = line.find_first_of("0123456789");
    long long kib = 0;
    if (digits == std::string::npos ||
        std::from_chars(line.data() + digits, line.data() + line.size(), kib).ec != std::errc()) {
      break;
    }
    return static_cast<double>(kib) / 1024.0;
  }
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

HostInfo host_info() {
  HostInfo h;
  h.hostname = read_hostname();
  h.cpu_model = read_cpu_model();
  h.logical_cpus = std::thread::hardware_concurrency();
  h.compiler = compiler_name();
  h.build_type = build_type();
  return h;
}

std::string run_json(const sim::RunResult& r, const RunStats& stats) { return run_json(r, stats, host_info()); }

std::string run_json(const sim::RunResult& r, const RunStats& stats, const HostInfo& host) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["strategy"] = r.strategy;
  j["ecsimVersion"] = ECSIM_VERSION;
  if (!stats.run_id.empty()) j["runId"] = stats.run_id;
  j["wallSeconds"] = stats.wall_seconds;
  j["events"] = stats.events;
  j["placements"] = stats.placements;
  j["eventsPerSecond"] = per_second(stats.events, stats.wall_seconds);
  j["placementsPerSecond"] = per_second(stats.placements, stats.wall_seconds);
  j["simulatedSecondsPerWallSecond"] =
      stats.wall_seconds > 0 ? sim::to_seconds(r.duration) / stats.wall_seconds : 0.0;
  j["peakRssMiB"] = stats.peak_rss_mib;
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  h["hostname"] = host.hostname;
  h["cpuModel"] = host.cpu_model;
  h["logicalCpus"] = host.logical_cpus;
  h["compiler"] = host.compiler;
  h["buildType"] = host.build_type;
  j["host"] = std::move(h);
  return json_text(j);
}

}  // namespace ecsim::reports
