#include "tools/bench_command.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "placement/plugin_loader.h"
#include "placement/registry.h"
#include "reports/atomic_file.h"
#include "reports/format.h"
#include "reports/json_writer.h"
#include "scenarios/json_cursor.h"
#include "scenarios/loader.h"
#include "scenarios/text_files.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "tools/command_line.h"
#include "tools/memory_budget.h"

namespace ecsim::tools::bench {

namespace {

constexpr std::string_view kFormat = "ecsim-bench/1";

double median_of_sorted(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

// Seconds of CPU time this process has used (every thread; a run is one thread).
double process_cpu_seconds() {
  timespec ts{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) throw std::runtime_error("clock_gettime failed");
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// "12.3" for 12.34; "10" for 10.0 (a threshold the user typed as 10%).
std::string percent_text(double percent) {
  std::string s = reports::format_fixed(percent, 1);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

// "+23.4 %" or "-5 %": how far `ratio` is from 1.
std::string change_text(double ratio) {
  const double change = (ratio - 1.0) * 100.0;
  return (change >= 0 ? "+" : "") + percent_text(change) + " %";
}

std::string ns_text(double ns) { return reports::format_fixed(ns, 1); }
std::string seconds_text(double s) { return reports::format_fixed(s, 3); }

nlohmann::ordered_json stats_json(const std::vector<double>& samples, const char* prefix) {
  const SampleStats s = sample_stats(samples);
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  const std::string p(prefix);
  j[p + "MedianSeconds"] = s.median;
  j[p + "MinSeconds"] = s.min;
  j[p + "MaxSeconds"] = s.max;
  j[p + "MadSeconds"] = s.mad;
  return j;
}

std::vector<double> read_samples(const scenarios::JsonCursor& c) {
  if (!c.is_array() || c.size() == 0) c.fail("a non-empty array of seconds, one per run");
  std::vector<double> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const scenarios::JsonCursor e = c.at(i);
    const double v = e.get_number("a positive number of seconds");
    if (!(v > 0)) e.fail("a positive number of seconds");
    out.push_back(v);
  }
  return out;
}

std::string optional_string(const scenarios::JsonCursor& c) { return c.is_string() ? c.json().get<std::string>() : ""; }

std::string work_text(const ScenarioBench& s) {
  return "events " + std::to_string(s.events) + ", placements " + std::to_string(s.placements) + ", tasks " +
         std::to_string(s.tasks);
}

// A table with its first column left-aligned and the others right-aligned.
std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], row[k].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k > 0) line.append("  ");
      const std::size_t pad = width[k] - row[k].size();
      if (k == 0) {
        line.append(row[k]).append(pad, ' ');
      } else {
        line.append(pad, ' ').append(row[k]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.append(line).append("\n");
  }
  return out;
}

std::uint64_t parse_runs(const std::string& text) {
  unsigned v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v == 0 || v > 1000) {
    throw sim::InputError("--runs", "", "a number of runs from 1 to 1000", "\"" + text + "\"");
  }
  return v;
}

// The scenarios to run: the ones named, else the bundled ones from the first directory holding
// them all.
std::vector<std::string> scenario_paths(const po::variables_map& vm) {
  if (vm.count("scenario")) return vm["scenario"].as<std::vector<std::string>>();
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::vector<std::filesystem::path> dirs = bench_search_dirs(ec ? std::filesystem::path() : exe);
  std::string tried;
  for (const auto& dir : dirs) {
    std::vector<std::string> paths;
    for (const auto& name : default_bench_files()) {
      const std::filesystem::path p = dir / name;
      if (std::filesystem::is_regular_file(p, ec)) paths.push_back(p.string());
    }
    if (paths.size() == default_bench_files().size()) return paths;
    if (!tried.empty()) tried += ", ";
    tried += std::filesystem::absolute(dir, ec).lexically_normal().string();
  }
  std::string names;
  for (const auto& name : default_bench_files()) names += (names.empty() ? "" : ", ") + name;
  throw UsageError("bench: the bundled benchmark scenarios (" + names + ") are in none of " + tried +
                   "; name scenarios with --scenario FILE");
}

}  // namespace

SampleStats sample_stats(std::span<const double> samples) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  SampleStats s;
  s.median = median_of_sorted(sorted);
  s.min = sorted.front();
  s.max = sorted.back();
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (const double v : sorted) deviations.push_back(std::abs(v - s.median));
  std::sort(deviations.begin(), deviations.end());
  s.mad = median_of_sorted(deviations);
  return s;
}

std::vector<double> ns_per_event(const ScenarioBench& s) {
  const double work = static_cast<double>(std::max<std::uint64_t>(s.events, 1));
  std::vector<double> out;
  out.reserve(s.cpu_seconds.size());
  for (const double seconds : s.cpu_seconds) out.push_back(seconds * 1e9 / work);
  return out;
}

std::string bench_json(const BenchResult& result) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["format"] = kFormat;
  j["ecsimVersion"] = result.ecsim_version;
  j["runs"] = result.runs;
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  h["hostname"] = result.host.hostname;
  h["cpuModel"] = result.host.cpu_model;
  h["logicalCpus"] = result.host.logical_cpus;
  h["compiler"] = result.host.compiler;
  h["buildType"] = result.host.build_type;
  j["host"] = std::move(h);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& s : result.scenarios) {
    nlohmann::ordered_json e = nlohmann::ordered_json::object();
    e["name"] = s.name;
    e["file"] = s.file;
    e["events"] = s.events;
    e["placements"] = s.placements;
    e["tasks"] = s.tasks;
    e["cpuSeconds"] = s.cpu_seconds;
    e["wallSeconds"] = s.wall_seconds;
    for (const auto& stats : {stats_json(s.cpu_seconds, "cpu"), stats_json(s.wall_seconds, "wall")}) {
      for (const auto& item : stats.items()) e[item.key()] = item.value();
    }
    const double cpu_median = sample_stats(s.cpu_seconds).median;
    e["nsPerEvent"] = sample_stats(ns_per_event(s)).median;
    e["nsPerPlacement"] = s.placements > 0 ? cpu_median * 1e9 / static_cast<double>(s.placements) : 0.0;
    e["peakRssMiB"] = s.peak_rss_mib;
    list.push_back(std::move(e));
  }
  j["scenarios"] = std::move(list);
  return reports::json_text(j);
}

BenchResult parse_bench_json(std::string_view text, const std::string& file) {
  const auto doc = scenarios::parse_json_document(text, file);
  const scenarios::JsonCursor root(*doc);
  root.expect_object("an ecsim bench result (a JSON object)");
  const scenarios::JsonCursor format = root["format"];
  if (!format.is_string() || format.json().get<std::string>() != kFormat) {
    format.fail("\"" + std::string(kFormat) + "\" (a file written by ecsim bench --save)");
  }
  BenchResult r;
  r.ecsim_version = optional_string(root["ecsimVersion"]);
  const scenarios::JsonCursor host = root["host"];
  r.host.hostname = optional_string(host["hostname"]);
  r.host.cpu_model = optional_string(host["cpuModel"]);
  r.host.compiler = optional_string(host["compiler"]);
  if (host["logicalCpus"].is_number()) r.host.logical_cpus = host["logicalCpus"].json().get<unsigned>();
  r.host.build_type = optional_string(host["buildType"]);
  const scenarios::JsonCursor list = root["scenarios"];
  list.expect_array("an array of scenarios");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const scenarios::JsonCursor c = list.at(i);
    c.expect_object("a scenario's result (an object)");
    ScenarioBench s;
    s.name = c["name"].get_name("a scenario name");
    for (const auto& earlier : r.scenarios) {
      if (earlier.name == s.name) c["name"].fail("a name no earlier scenario of the file has");
    }
    s.file = c["file"].get_string("the scenario's file");
    s.events = c["events"].get_uint64("a count of events");
    s.placements = c["placements"].get_uint64("a count of placements");
    s.tasks = c["tasks"].get_uint64("a count of tasks");
    s.cpu_seconds = read_samples(c["cpuSeconds"]);
    s.wall_seconds = read_samples(c["wallSeconds"]);
    if (s.wall_seconds.size() != s.cpu_seconds.size()) {
      c["wallSeconds"].fail("as many samples as cpuSeconds (" + std::to_string(s.cpu_seconds.size()) + ")",
                            std::to_string(s.wall_seconds.size()));
    }
    if (c["peakRssMiB"].is_number()) s.peak_rss_mib = c["peakRssMiB"].json().get<double>();
    r.runs = std::max(r.runs, static_cast<unsigned>(s.cpu_seconds.size()));
    r.scenarios.push_back(std::move(s));
  }
  return r;
}

BenchResult read_bench_file(const std::string& path) {
  std::string why;
  const auto text = scenarios::read_text_file(path, why);
  if (!text) throw sim::InputError(path, "/", "a readable ecsim bench result", why);
  return parse_bench_json(*text, path);
}

SlowdownTest test_slowdown(std::span<const double> baseline_ns, std::span<const double> now_ns, double threshold) {
  const SampleStats base = sample_stats(baseline_ns);
  const SampleStats now = sample_stats(now_ns);
  SlowdownTest t;
  t.ratio = now.median / base.median;
  t.baseline_spread = (base.max - base.min) / base.median;
  t.now_spread = (now.max - now.min) / now.median;
  t.allowed = threshold + t.baseline_spread + t.now_spread;
  t.disjoint = now.min > base.max;
  t.slowdown = t.ratio - 1.0 > t.allowed && t.disjoint;
  return t;
}

bool is_slowdown(std::span<const double> baseline_ns, std::span<const double> now_ns, double threshold) {
  return test_slowdown(baseline_ns, now_ns, threshold).slowdown;
}

std::vector<Comparison> compare(const BenchResult& baseline, const BenchResult& now, double threshold) {
  std::vector<Comparison> out;
  for (const auto& s : now.scenarios) {
    Comparison c;
    c.name = s.name;
    const auto base = std::find_if(baseline.scenarios.begin(), baseline.scenarios.end(),
                                   [&](const ScenarioBench& b) { return b.name == s.name; });
    if (base == baseline.scenarios.end()) {
      c.verdict = Verdict::kNew;
      c.note = "not in the baseline";
      out.push_back(std::move(c));
      continue;
    }
    const std::vector<double> base_ns = ns_per_event(*base);
    const std::vector<double> now_ns = ns_per_event(s);
    c.baseline_ns = sample_stats(base_ns);
    c.now_ns = sample_stats(now_ns);
    c.ratio = c.now_ns.median / c.baseline_ns.median;
    c.work_differs = base->events != s.events || base->placements != s.placements || base->tasks != s.tasks;
    c.test = test_slowdown(base_ns, now_ns, threshold);
    const std::string threshold_text = "the " + percent_text(threshold * 100.0) + " % threshold";
    const std::string spreads = "the spreads of the runs (baseline " + percent_text(c.test.baseline_spread * 100.0) +
                                " %, now " + percent_text(c.test.now_spread * 100.0) + " %: " +
                                percent_text(c.test.allowed * 100.0) + " % allowed)";
    const std::string change = "ns/event " + change_text(c.ratio) + " (" + ns_text(c.now_ns.median) + " against " +
                               ns_text(c.baseline_ns.median) + ")";
    if (c.test.slowdown) {
      c.verdict = Verdict::kFail;
      c.note = change + " beyond " + threshold_text + " plus " + spreads + ", and every run now is slower than every "
               "baseline run";
    } else if (c.ratio - 1.0 > c.test.allowed) {
      c.note = change + " beyond " + threshold_text + " plus " + spreads + ", but the fastest run now (" +
               ns_text(c.now_ns.min) + ") is not slower than the slowest baseline run (" + ns_text(c.baseline_ns.max) + ")";
    } else if (c.ratio - 1.0 > threshold) {
      c.note = change + " beyond " + threshold_text + " but not beyond it plus " + spreads;
    }
    if (c.work_differs) {
      if (!c.note.empty()) c.note += "; ";
      c.note += "the work differs from the baseline's (" + work_text(*base) + " then, " + work_text(s) +
                " now): compared per event";
    }
    out.push_back(std::move(c));
  }
  for (const auto& b : baseline.scenarios) {
    const bool run = std::any_of(now.scenarios.begin(), now.scenarios.end(),
                                 [&](const ScenarioBench& s) { return s.name == b.name; });
    if (run) continue;
    Comparison c;
    c.name = b.name;
    c.verdict = Verdict::kNotRun;
    c.note = "in the baseline but not run now";
    out.push_back(std::move(c));
  }
  return out;
}

std::string bench_table(const BenchResult& now, const std::vector<Comparison>* comparisons, double threshold) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"scenario", "events", "placements", "tasks", "wall median s", "wall min-max s",
                                   "cpu median s", "ns/event", "ns/event min-max", "spread", "MAD", "ns/placement",
                                   "peak RSS MiB"};
  if (comparisons != nullptr) {
    for (const char* h : {"baseline ns/event", "ratio", "verdict"}) head.emplace_back(h);
  }
  rows.push_back(head);
  for (const auto& s : now.scenarios) {
    const SampleStats wall = sample_stats(s.wall_seconds);
    const SampleStats cpu = sample_stats(s.cpu_seconds);
    const SampleStats ns = sample_stats(ns_per_event(s));
    std::vector<std::string> row = {
        s.name,
        std::to_string(s.events),
        std::to_string(s.placements),
        std::to_string(s.tasks),
        seconds_text(wall.median),
        seconds_text(wall.min) + "-" + seconds_text(wall.max),
        seconds_text(cpu.median),
        ns_text(ns.median),
        ns_text(ns.min) + "-" + ns_text(ns.max),
        percent_text((ns.max - ns.min) / ns.median * 100.0) + " %",
        percent_text(ns.mad / ns.median * 100.0) + " %",
        s.placements > 0 ? ns_text(cpu.median * 1e9 / static_cast<double>(s.placements)) : "-",
        reports::format_fixed(s.peak_rss_mib, 0)};
    if (comparisons != nullptr) {
      const auto c = std::find_if(comparisons->begin(), comparisons->end(),
                                  [&](const Comparison& x) { return x.name == s.name; });
      if (c == comparisons->end() || c->verdict == Verdict::kNew) {
        for (const char* cell : {"-", "-", "new"}) row.emplace_back(cell);
      } else {
        row.push_back(ns_text(c->baseline_ns.median));
        row.push_back(reports::format_fixed(c->ratio, 3));
        row.emplace_back(c->verdict == Verdict::kFail ? "FAIL" : "pass");
      }
    }
    rows.push_back(std::move(row));
  }
  std::string out = render_table(rows);
  if (comparisons != nullptr) {
    for (const auto& c : *comparisons) {
      if (!c.note.empty()) out += "  " + c.name + ": " + c.note + "\n";
    }
    out += "  verdict: FAIL when the median ns/event is beyond the baseline's by more than the " +
           percent_text(threshold * 100.0) + " % threshold\n  plus both spreads (max - min over median) and every run is "
           "slower than every baseline run\n";
  }
  return out;
}

double parse_threshold(const std::string& text, const char* option) {
  std::string_view digits(text);
  if (digits.ends_with("%")) digits.remove_suffix(1);
  double v = 0;
  const char* end = digits.data() + digits.size();
  const auto [p, ec] = std::from_chars(digits.data(), end, v);
  if (digits.empty() || ec != std::errc() || p != end || !(v > 0) || v > 1000) {
    throw sim::InputError(option, "", "a percentage above 0 and at most 1000, such as 10%", "\"" + text + "\"");
  }
  return v / 100.0;
}

const std::vector<std::string>& default_bench_files() {
  static const std::vector<std::string> files = {"bench.json", "mmc-300k.json"};
  return files;
}

std::vector<std::filesystem::path> bench_search_dirs(const std::filesystem::path& exe) {
  std::vector<std::filesystem::path> dirs;
  if (!exe.empty()) dirs.push_back(exe.parent_path().parent_path() / "share/ecsim/scenarios/bench");
  dirs.emplace_back("scenarios/bench");
  return dirs;
}

const std::string_view kBenchOptions =
    "  --scenario FILE     a scenario to time (repeatable); default: the bundled\n"
    "                      bench.json (10,000 instances, 1,000,000 tasks, 7 days) and\n"
    "                      mmc-300k.json (an M/M/c queue of 300,000 jobs), from\n"
    "                      PREFIX/share/ecsim/scenarios/bench beside the installed binary\n"
    "                      (PREFIX/bin/ecsim), else ./scenarios/bench\n"
    "  --runs N            runs of each scenario, one at a time (default 5)\n"
    "  --save FILE         write the result as JSON (the baseline of a later --baseline)\n"
    "  --baseline FILE     compare with a saved result, scenario by scenario (by name)\n"
    "  --threshold PCT%    the slowdown a FAIL needs (default 10%)\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n"
    "  --quiet             print nothing but failures\n"
    "\n"
    "  Each run is timed around the simulation alone (nothing is written), by CPU time and\n"
    "  wall time. ns/event is CPU time per engine event, so runs of different work compare.\n"
    "  The events, placements and tasks of every run must be equal (else exit 1). With\n"
    "  --baseline, a scenario FAILs (exit 3) when BOTH its median ns/event is slower than the\n"
    "  baseline's by more than the threshold plus the spreads of both sets of runs (a spread\n"
    "  is max - min over the median), AND every run is slower than every baseline run.\n"
    "  Noise widens the spreads: it can hide a slowdown but rarely invent one.\n";

int cmd_bench(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("scenario", po::value<std::vector<std::string>>()->composing())(
      "runs", po::value<std::string>())("save", po::value<std::string>())("baseline", po::value<std::string>())(
      "threshold", po::value<std::string>())("quiet", po::bool_switch())(
      "plugin", po::value<std::vector<std::string>>()->composing());
  const po::variables_map vm = parse_args(args, desc, {});
  const bool quiet = vm["quiet"].as<bool>();
  const std::uint64_t runs = vm.count("runs") ? parse_runs(vm["runs"].as<std::string>()) : 5;
  const double threshold = vm.count("threshold") ? parse_threshold(vm["threshold"].as<std::string>(), "--threshold") : 0.10;
  if (vm.count("threshold") && !vm.count("baseline")) throw UsageError("bench: --threshold needs --baseline FILE");

  // Everything is read and checked before the first run.
  std::optional<BenchResult> baseline;
  if (vm.count("baseline")) baseline = read_bench_file(vm["baseline"].as<std::string>());
  std::optional<std::filesystem::path> save;
  if (vm.count("save")) {
    save = vm["save"].as<std::string>();
    const std::filesystem::path parent = save->parent_path().empty() ? "." : save->parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(parent, ec)) {
      throw OutputError(save->string() + ": the directory " + parent.string() + " does not exist");
    }
  }
  // Plugins first: the scenarios may name their strategies.
  if (vm.count("plugin")) {
    for (const auto& plugin : vm["plugin"].as<std::vector<std::string>>()) placement::load_plugin(plugin);
  }
  const std::vector<std::string> paths = scenario_paths(vm);
  std::vector<sim::Scenario> loaded;
  std::map<std::string, std::string> files_by_name;
  for (const auto& path : paths) {
    loaded.push_back(scenarios::load_scenario(path));
    const auto [it, inserted] = files_by_name.emplace(loaded.back().name, path);
    if (!inserted) {
      throw UsageError("bench: " + path + " and " + it->second + " are both named \"" + loaded.back().name +
                       "\": a baseline matches scenarios by name");
    }
  }

  // One run at a time, on the whole of the memory (tools/memory_budget.h): every scenario is
  // checked before the first run.
  const std::int64_t available = available_memory_bytes();
  std::vector<sim::RunLimits> limits;
  for (std::size_t k = 0; k < loaded.size(); ++k) limits.push_back(check_memory_budget(loaded[k], paths[k], available));

  BenchResult result;
  result.ecsim_version = ECSIM_VERSION;
  result.runs = static_cast<unsigned>(runs);
  result.host = reports::host_info();
  const bool terminal = !quiet && isatty(STDERR_FILENO) != 0;
  placement::EcsPlacerFactory factory;
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    ScenarioBench s;
    s.name = loaded[k].name;
    s.file = paths[k];
    for (std::uint64_t run = 0; run < runs; ++run) {
      if (terminal) {
        std::fprintf(stderr, "\r  %s: run %llu of %llu   ", s.name.c_str(), static_cast<unsigned long long>(run + 1),
                     static_cast<unsigned long long>(runs));
        std::fflush(stderr);
      }
      const double cpu_start = process_cpu_seconds();
      const auto wall_start = std::chrono::steady_clock::now();
      sim::DiscardTasks discard;  // figures only: no task records kept
      const sim::RunResult r = sim::run_scenario(loaded[k], factory, nullptr, nullptr, &discard, limits[k]);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      const double cpu = process_cpu_seconds() - cpu_start;
      const auto tasks = static_cast<std::uint64_t>(r.task_stats.submitted);
      if (run == 0) {
        s.events = r.events;
        s.placements = r.placements;
        s.tasks = tasks;
      } else if (r.events != s.events || r.placements != s.placements || tasks != s.tasks) {
        ScenarioBench again = s;
        again.events = r.events;
        again.placements = r.placements;
        again.tasks = tasks;
        throw std::runtime_error("bench: " + s.name + ": run " + std::to_string(run + 1) + " did other work than run 1 (" +
                                 work_text(again) + " against " + work_text(s) + "): the simulation is not deterministic");
      }
      // A run shorter than the clocks' resolution still counts as some time.
      s.cpu_seconds.push_back(std::max(cpu, 1e-9));
      s.wall_seconds.push_back(std::max(wall, 1e-9));
    }
    s.peak_rss_mib = reports::peak_rss_mib();
    result.scenarios.push_back(std::move(s));
  }
  if (terminal) std::fprintf(stderr, "\r%80s\r", "");

  std::vector<Comparison> comparisons;
  if (baseline) comparisons = compare(*baseline, result, threshold);
  if (save) {
    try {
      reports::write_file_atomically(*save, bench_json(result));
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
  }
  if (!quiet) {
    std::printf("ecsim bench: %zu scenario%s, %llu run%s each, one at a time (%s)\n", result.scenarios.size(),
                result.scenarios.size() == 1 ? "" : "s", static_cast<unsigned long long>(runs), runs == 1 ? "" : "s",
                result.host.build_type.c_str());
    std::fputs(bench_table(result, baseline ? &comparisons : nullptr, threshold).c_str(), stdout);
    if (save) std::printf("  wrote %s\n", save->string().c_str());
  }
  bool failed = false;
  for (const auto& c : comparisons) {
    if (c.verdict != Verdict::kFail) continue;
    failed = true;
    std::fprintf(stderr, "ecsim bench: %s: FAIL: %s\n", c.name.c_str(), c.note.c_str());
  }
  return failed ? static_cast<int>(sim::ExitCode::kCheckFailed) : 0;
}

}  // namespace ecsim::tools::bench
