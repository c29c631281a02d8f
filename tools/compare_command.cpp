#include "tools/compare_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "placement/plugin_loader.h"
#include "placement/registry.h"
#include "reports/atomic_file.h"
#include "reports/output_dir.h"
#include "reports/checks.h"
#include "reports/format.h"
#include "reports/summary.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "tools/command_line.h"
#include "tools/memory_budget.h"
#include "tools/work_pool.h"

namespace ecsim::tools {
namespace fs = std::filesystem;

namespace {

constexpr const char* kScenarioStrategy = "scenario";

constexpr std::string_view kCompareOptions =
    "  --strategies A,B,...  the strategies to compare, the first the reference: names\n"
    "                      (binpack:memory, random, spread:instanceId), presets\n"
    "                      (azBalancedBinpack) or \"scenario\" (the scenario's own)\n"
    "  --strategy S        (repeatable) one more strategy, a whole one: a comma list or an ECS\n"
    "                      JSON list ('[{\"type\":\"binpack\",\"field\":\"cpu\"}]')\n"
    "  --seeds N           seeds per strategy (default 10): S, S+1, ..., S+N-1\n"
    "  --seed S            the first seed (default: the scenario's)\n"
    "  --source NAME       (repeatable) change only the strategy of this job, service or trace\n"
    "                      (default: every one, and the scenario's default)\n"
    "  --metric PATH       (repeatable) the summary.json paths of the table (default: waits,\n"
    "                      failures, utilisation, cost, each job's p99 wait, each service's\n"
    "                      time below desired)\n"
    "  -o, --output DIR    output directory (default ./ecsim-compare): compare.json,\n"
    "                      compare.csv, compare.html and runs/STRATEGY/seed-N/summary.json\n"
    "  --jobs K            K runs at once (default: every core), each on its share of the\n"
    "                      memory; outputs do not depend on K\n"
    "  --set PATH=VALUE    (repeatable) change the scenario first, as for run\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n"
    "  --check EXPR        (repeatable) a check PATH OP NUMBER over compare.json, such as\n"
    "                      'paired.wait.p99.random.meanDiff <= 0' or\n"
    "                      'metrics.cost.total.binpack.mean < 900'; writes checks.json and\n"
    "                      checks.xml and exits 3 when one does not hold\n"
    "  --quiet             print nothing on success\n";

std::uint64_t parse_count(const std::string& text, const char* option, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < min || v > max) {
    throw sim::InputError(option, "", "an integer from " + std::to_string(min) + " to " + std::to_string(max),
                          "\"" + text + "\"");
  }
  return v;
}

// A directory name for a strategy: its position, then its text with anything but letters,
// digits, '.', '-' and '_' as '_'.
std::string strategy_dir(std::size_t index, const std::string& text) {
  std::string out = std::to_string(index + 1) + "-";
  for (const char c : text.substr(0, 60)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

reports::CompareRun compare_run(const sim::RunResult& result) {
  reports::CompareRun run;
  run.summary = nlohmann::ordered_json::parse(reports::summary_json(result));
  const auto pct = [](std::int64_t num, std::int64_t den) {
    return den > 0 ? 100.0 * static_cast<double>(num) / static_cast<double>(den) : 0.0;
  };
  for (const auto& s : result.samples) {
    run.time.push_back(sim::to_seconds(s.time));
    run.pending.push_back(static_cast<double>(s.pending));
    run.running.push_back(static_cast<double>(s.running));
    run.instances.push_back(static_cast<double>(s.instances));
    run.cpu_reserved_pct.push_back(pct(s.cpu_reserved, s.cpu_registered));
    run.memory_reserved_pct.push_back(pct(s.memory_reserved_mib, s.memory_registered_mib));
  }
  return run;
}


}  // namespace

void apply_strategy(sim::Scenario& scenario, const std::string& text, const std::vector<std::string>& sources) {
  if (text == kScenarioStrategy) return;
  scenarios::override_strategy(scenario, scenarios::parse_strategy_override(text), sources);
}

std::string_view compare_options_help() { return kCompareOptions; }

reports::CompareInput run_compare(const scenarios::ScenarioSource& source, const CompareOptions& options) {
  const sim::Scenario base = scenarios::load_scenario_source(source, options.overrides);
  reports::CompareInput input;
  input.scenario = base.name;
  input.strategies = options.strategies;
  const std::uint64_t first = options.first_seed ? *options.first_seed : base.seed;
  for (std::uint64_t k = 0; k < options.seeds; ++k) input.seeds.push_back(first + k);
  // Every strategy's scenario, checked before any run.
  std::vector<sim::Scenario> scenarios;
  for (const auto& text : options.strategies) {
    sim::Scenario s = base;
    apply_strategy(s, text, options.sources);
    scenarios.push_back(std::move(s));
  }
  const std::size_t strategies = scenarios.size();
  const std::size_t seeds = input.seeds.size();
  const std::size_t workers = worker_count(options.jobs, strategies * seeds);
  // Each of the runs at once on its share of the memory (tools/memory_budget.h), every
  // strategy's scenario checked before any run; a seed changes none of the figures the check
  // reads.
  const std::int64_t available = available_memory_bytes();
  std::vector<sim::RunLimits> limits;
  for (const auto& s : scenarios) limits.push_back(check_memory_budget(s, source.label, available, workers));
  input.runs.assign(strategies, std::vector<reports::CompareRun>(seeds));
  RunProgress progress("compare", strategies * seeds);
  // Seed-major, so that the first results of every strategy come early.
  parallel_for(strategies * seeds, workers, [&](std::size_t i, const WorkStop& stop) {
    const std::size_t seed = i / strategies, strategy = i % strategies;
    sim::Scenario scenario = scenarios[strategy];
    scenario.seed = input.seeds[seed];
    placement::EcsPlacerFactory factory;
    sim::DiscardTasks discard;  // summaries only: no task records kept
    StopAfterFailure stop_after(stop, i);
    input.runs[strategy][seed] =
        compare_run(sim::run_scenario(scenario, factory, &stop_after, nullptr, &discard, limits[strategy]));
    progress.done_one();
  });
  return input;
}

int cmd_compare(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("strategies", po::value<std::vector<std::string>>()->composing())(
      "strategy", po::value<std::vector<std::string>>()->composing())("seeds", po::value<std::string>())(
      "seed", po::value<std::string>())("source", po::value<std::vector<std::string>>()->composing())(
      "metric", po::value<std::vector<std::string>>()->composing())("output,o", po::value<std::string>())(
      "jobs", po::value<std::string>())("plugin", po::value<std::vector<std::string>>()->composing())(
      "quiet", po::bool_switch())("check", po::value<std::vector<std::string>>()->composing());
  add_set_option(desc);
  const po::variables_map vm = parse_args(args, desc, {"scenario"});
  if (vm.count("scenario") == 0) throw UsageError("missing SCENARIO");
  CompareOptions options;
  if (vm.count("strategies")) {
    for (const auto& list : vm["strategies"].as<std::vector<std::string>>()) {
      std::size_t pos = 0;
      while (pos <= list.size()) {
        const std::size_t comma = std::min(list.find(',', pos), list.size());
        const std::string item = list.substr(pos, comma - pos);
        if (item.empty()) throw sim::InputError("--strategies", "", "a comma-separated list of strategies", "\"" + list + "\"");
        options.strategies.push_back(item);
        pos = comma + 1;
      }
    }
  }
  if (vm.count("strategy")) {
    for (const auto& s : vm["strategy"].as<std::vector<std::string>>()) options.strategies.push_back(s);
  }
  if (options.strategies.empty()) throw UsageError("compare needs --strategies A,B,... (or --strategy S, repeated)");
  for (std::size_t i = 0; i < options.strategies.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (options.strategies[k] == options.strategies[i]) {
        throw sim::InputError("--strategies", "", "each strategy once", "\"" + options.strategies[i] + "\" twice");
      }
    }
  }
  if (vm.count("seeds")) options.seeds = parse_count(vm["seeds"].as<std::string>(), "--seeds", 1, 100000);
  if (vm.count("seed")) options.first_seed = parse_count(vm["seed"].as<std::string>(), "--seed", 0, UINT64_MAX / 2);
  if (vm.count("source")) options.sources = vm["source"].as<std::vector<std::string>>();
  if (vm.count("jobs")) options.jobs = parse_worker_count(vm["jobs"].as<std::string>(), "--jobs");
  if (vm.count("plugin")) {
    for (const auto& plugin : vm["plugin"].as<std::vector<std::string>>()) placement::load_plugin(plugin);
  }
  options.overrides = read_set_option(vm);
  const std::vector<std::string> metrics = vm.count("metric") ? vm["metric"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const std::string scenario_path = vm["scenario"].as<std::string>();
  const scenarios::ScenarioSource source = scenarios::read_scenario_source(scenario_path);

  const auto start = std::chrono::steady_clock::now();
  const reports::CompareInput input = run_compare(source, options);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const reports::CompareResult result = reports::compare_runs(input, metrics);
  const std::string compare_text = reports::compare_json(input, result);
  // Checks over compare.json, before anything is written (a bad path is exit 2).
  std::vector<reports::CheckResult> check_results;
  if (vm.count("check")) {
    std::vector<reports::CheckSpec> checks;
    for (const auto& text : vm["check"].as<std::vector<std::string>>()) checks.push_back(reports::parse_check(text, "--check", ""));
    check_results = reports::evaluate_checks(checks, nlohmann::json::parse(compare_text), "compare.json");
  }

  const fs::path dir(vm.count("output") ? vm["output"].as<std::string>() : "ecsim-compare");
  // Staged and swapped in whole (reports/output_dir.h), as ecsim run's directory.
  static const std::vector<std::string_view> kNames = {"compare.json", "compare.csv", "compare.html", "runs",
                                                       reports::kChecksJsonFile, reports::kChecksXmlFile};
  write_output_directory(dir, kNames, [&](const fs::path& staging) {
    for (std::size_t s = 0; s < input.strategies.size(); ++s) {
      for (std::size_t r = 0; r < input.seeds.size(); ++r) {
        const fs::path run_dir = staging / "runs" / strategy_dir(s, input.strategies[s]) / ("seed-" + std::to_string(input.seeds[r]));
        fs::create_directories(run_dir);
        reports::write_file_atomically(run_dir / "summary.json", input.runs[s][r].summary.dump(2) + "\n");
      }
    }
    reports::write_file_atomically(staging / "compare.json", compare_text);
    reports::write_checks(check_results, input.scenario, staging);
    reports::write_file_atomically(staging / "compare.csv", reports::compare_csv(input, result));
    reports::write_file_atomically(staging / "compare.html", reports::compare_html(input, result));
  });
  if (!vm["quiet"].as<bool>()) {
    std::fputs(reports::compare_table(input, result).c_str(), stdout);
    const std::size_t runs = input.strategies.size() * input.seeds.size();
    std::printf("\n  %zu runs in %.1f s (%.2f runs/s, %zu workers); wrote %s, %s, %s\n", runs, wall,
                wall > 0 ? static_cast<double>(runs) / wall : 0.0, worker_count(options.jobs, runs),
                (dir / "compare.json").string().c_str(), (dir / "compare.csv").string().c_str(),
                (dir / "compare.html").string().c_str());
  }
  bool all_hold = true;
  for (const auto& c : check_results) {
    if (c.passed) continue;
    all_hold = false;
    std::fprintf(stderr, "ecsim: check failed: %s (%s = %s)\n", c.check.text.c_str(), c.check.path.c_str(),
                 reports::format_double(c.value).c_str());
  }
  return all_hold ? 0 : static_cast<int>(sim::ExitCode::kCheckFailed);
}

}  // namespace ecsim::tools
