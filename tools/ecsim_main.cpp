// The `ecsim` command line. The only place that links every module, catches errors and picks
// exit codes (sim/input_error.h ExitCode). The commands, their help and their handlers are one
// table, `commands()` below (tools/command_line.h).
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "placement/plugin_loader.h"
#include "placement/registry.h"
#include "reports/explain_writer.h"
#include "reports/format.h"
#include "reports/atomic_file.h"
#include "reports/csv.h"
#include "reports/checks.h"
#include "reports/graphviz.h"
#include "reports/output_dir.h"
#include "reports/outputs.h"
#include "reports/read_outputs.h"
#include "reports/run_info.h"
#include "reports/summary.h"
#include "reports/text_summary.h"
#include "scenarios/loader.h"
#include "scenarios/plan_file.h"
#include "scenarios/values.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "tools/bench_command.h"
#include "tools/command_line.h"
#include "tools/memory_budget.h"
#include "tools/compare_command.h"
#include "tools/diff_command.h"
#include "tools/import_command.h"
#include "tools/plan_report.h"
#include "tools/sweep_command.h"
#include "tools/planner.h"
#include "tools/validate_report.h"

namespace ecsim::tools {
namespace {

// Prints "simulated time, tasks, events/s, ETA" on one rewritten stderr line. Only used when
// stderr is a terminal.
class TerminalProgress final : public sim::ProgressSink {
 public:
  TerminalProgress() : start_(std::chrono::steady_clock::now()) {}
  void progress(sim::SimTime now, sim::SimTime end, std::uint64_t events, std::uint64_t tasks) override {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double done = end > 0 ? static_cast<double>(now) / static_cast<double>(end) : 1.0;
    const double eta = done > 0 ? wall * (1.0 - done) / done : 0.0;
    std::fprintf(stderr, "\r  %5.1f%%  simulated %.0fh  %llu tasks  %.2fM events/s  ETA %.0fs   ", done * 100.0,
                 sim::to_seconds(now) / 3600.0, static_cast<unsigned long long>(tasks),
                 wall > 0 ? static_cast<double>(events) / wall / 1e6 : 0.0, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  // Also when the run fails: the error is then printed on a line of its own.
  ~TerminalProgress() override { finish(); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;
  void finish() {
    if (shown_) std::fprintf(stderr, "\r%80s\r", "");
    shown_ = false;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  bool shown_ = false;
};

struct RunOptions {
  std::string scenario;
  std::string output = "ecsim-out";
  std::optional<std::uint64_t> seed;
  std::optional<std::string> duration;
  std::optional<std::string> strategy;
  bool quiet = false;
  bool html = true;
  bool explain = false;
  std::vector<reports::TaskRange> explain_tasks;  // empty: every task
  std::vector<std::string> plugins;
  std::vector<scenarios::Override> overrides;  // --set, in order
  std::vector<reports::CheckSpec> checks;      // --check, in order
  std::vector<std::string> sources;            // --source: --strategy for these only
};


RunOptions parse_run_options(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("output,o", po::value<std::string>())("seed", po::value<std::string>())(
      "duration", po::value<std::string>())("strategy", po::value<std::string>())("quiet", po::bool_switch())("no-html", po::bool_switch())("explain", po::value<std::string>()->implicit_value(""))(
      "plugin", po::value<std::vector<std::string>>()->composing())(
      "check", po::value<std::vector<std::string>>()->composing())(
      "source", po::value<std::vector<std::string>>()->composing());
  add_set_option(desc);
  const po::variables_map vm = parse_args(args, desc, {"scenario"});
  RunOptions o;
  if (vm.count("scenario") == 0) throw UsageError("missing SCENARIO");
  o.overrides = read_set_option(vm);
  if (vm.count("check")) {
    for (const auto& text : vm["check"].as<std::vector<std::string>>()) o.checks.push_back(reports::parse_check(text, "--check", ""));
  }
  o.scenario = vm["scenario"].as<std::string>();
  if (vm.count("output")) o.output = vm["output"].as<std::string>();
  if (vm.count("seed")) {
    const std::string text = vm["seed"].as<std::string>();
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end) {
      throw sim::InputError("--seed", "", "a non-negative integer", "\"" + text + "\"");
    }
    o.seed = v;
  }
  if (vm.count("duration")) o.duration = vm["duration"].as<std::string>();
  if (vm.count("strategy")) o.strategy = vm["strategy"].as<std::string>();
  if (vm.count("source")) {
    if (!o.strategy) throw UsageError("--source NAME goes with --strategy S: whose strategy S replaces");
    o.sources = vm["source"].as<std::vector<std::string>>();
  }
  o.quiet = vm["quiet"].as<bool>();
  if (vm.count("plugin")) o.plugins = vm["plugin"].as<std::vector<std::string>>();
  o.html = !vm["no-html"].as<bool>();
  o.explain = vm.count("explain") != 0;
  if (o.explain) o.explain_tasks = reports::parse_task_ranges(vm["explain"].as<std::string>());
  return o;
}

sim::Scenario load(const RunOptions& o) {
  // Plugins first: the scenario may name their strategies.
  for (const auto& plugin : o.plugins) placement::load_plugin(plugin);
  sim::Scenario scenario = scenarios::load_scenario(o.scenario, o.overrides);
  if (o.seed) scenario.seed = *o.seed;
  if (o.duration) {
    const auto d = scenarios::parse_duration_arg(*o.duration);
    if (!d || *d <= 0) {
      throw sim::InputError("--duration", "", std::string("a positive duration such as \"7d\", \"90m\" or 3600 (seconds), at most ") +
                                                 scenarios::kMaxDurationText,
                            "\"" + *o.duration + "\"");
    }
    if (*d / scenario.sample_interval > scenarios::kMaxSamples) {
      throw sim::InputError("--duration", "",
                            "at most " + std::to_string(scenarios::kMaxSamples) + " samples over the run (sampleInterval " +
                                reports::format_seconds(scenario.sample_interval) + " s): a duration of at most " +
                                reports::format_seconds(scenarios::kMaxSamples * scenario.sample_interval) + " s",
                            "\"" + *o.duration + "\"");
    }
    scenario.duration = *d;
  }
  if (o.strategy) {
    // One strategy for every job, service and trace and the default, or for the --source ones.
    scenarios::override_strategy(scenario, scenarios::parse_strategy_override(*o.strategy), o.sources);
  }
  return scenario;
}

// SCENARIO, --set and --plugin, read as every command that takes a scenario reads them.
RunOptions scenario_options(const po::variables_map& vm) {
  if (vm.count("scenario") == 0) throw UsageError("missing SCENARIO");
  RunOptions o;
  o.scenario = vm["scenario"].as<std::string>();
  o.overrides = read_set_option(vm);
  if (vm.count("plugin")) o.plugins = vm["plugin"].as<std::vector<std::string>>();
  return o;
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("plugin", po::value<std::vector<std::string>>()->composing())("quiet", po::bool_switch())(
      "json", po::bool_switch())("strict", po::bool_switch());
  add_set_option(desc);
  const po::variables_map vm = parse_args(args, desc, {"scenario"});
  const RunOptions o = scenario_options(vm);
  const sim::Scenario scenario = load(o);
  const ValidateReport report = build_validate_report(scenario, o.scenario);
  const std::string text = vm["json"].as<bool>() ? validate_json(report) : validate_text(report, vm["quiet"].as<bool>());
  std::fputs(text.c_str(), stdout);
  // --strict: a warning fails like a check the user asked for.
  if (vm["strict"].as<bool>() && !report.warnings.empty()) return static_cast<int>(sim::ExitCode::kCheckFailed);
  return 0;
}

int cmd_run(const std::vector<std::string>& args) {
  const RunOptions o = parse_run_options(args);
  // Validate everything before writing anything.
  const sim::Scenario scenario = load(o);
  placement::EcsPlacerFactory factory;
  const bool terminal = isatty(STDERR_FILENO) != 0;
  TerminalProgress progress;
  const std::filesystem::path dir(o.output);
  // Nothing named exists until the simulation has succeeded: placements.jsonl streams to an
  // unnamed file during the run and appears with the outputs.
  std::unique_ptr<reports::SpoolFile> explain_file;
  std::unique_ptr<reports::PlacementsJsonl> explain;
  if (o.explain) {
    try {
      explain_file = std::make_unique<reports::SpoolFile>(dir);
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
    explain = std::make_unique<reports::PlacementsJsonl>(explain_file->writer(),
                                                         o.explain_tasks);
  }
  // A run holds what is alive: one that cannot fit in memory is refused before it starts, or when
  // its live tasks outgrow what is available (tools/memory_budget.h).
  const sim::RunLimits limits = check_memory_budget(scenario, o.scenario, available_memory_bytes());
  // tasks.csv streams likewise as tasks finish: the run keeps no task records (sim::TaskSink).
  std::unique_ptr<reports::SpoolFile> tasks_file;
  try {
    tasks_file = std::make_unique<reports::SpoolFile>(dir);
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
  reports::TasksCsvStream tasks(tasks_file->writer());
  const auto start = std::chrono::steady_clock::now();
  sim::RunResult result;
  try {
    result = sim::run_scenario(scenario, factory, terminal ? &progress : nullptr, explain.get(), &tasks, limits);
  } catch (const reports::WriteError& e) {
    // tasks.csv or placements.jsonl could not be written while the run went on (a full disk):
    // the output directory's failure, as in the output phase; nothing named is written.
    throw OutputError(e.what());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();

  // Checks: the command line's, then the scenario's. A path this run's summary lacks is bad
  // input, found before anything is written.
  std::vector<reports::CheckSpec> checks = o.checks;
  for (std::size_t i = 0; i < scenario.checks.size(); ++i) {
    checks.push_back(reports::parse_check(scenario.checks[i], o.scenario, "/checks/" + std::to_string(i)));
  }
  std::vector<reports::CheckResult> check_results;
  if (!checks.empty()) {
    check_results = reports::evaluate_checks(checks, nlohmann::json::parse(reports::summary_json(result)));
  }

  reports::RunStats stats;
  stats.wall_seconds = wall;
  stats.events = result.events;
  stats.placements = result.placements;
  stats.peak_rss_mib = reports::peak_rss_mib();
  // Everything goes into a staging directory that replaces -o whole only once complete
  // (reports/output_dir.h): a failure or a kill leaves -o as it was.
  // The output directory is the user's input: an unwritable one is a usage error (OutputError).
  write_output_directory(dir, reports::kRunDirectoryNames, [&](const std::filesystem::path& staging) {
    reports::OutputManifest manifest;
    if (explain_file) manifest.add(reports::kPlacementsFile, explain_file->commit(staging / reports::kPlacementsFile));
    reports::write_checks(check_results, scenario.name, staging, &manifest);
    manifest.add(reports::kTasksFile, tasks_file->commit(staging / reports::kTasksFile));
    reports::write_outputs(result, stats, staging, o.html, std::move(manifest));
  });
  if (!o.quiet) std::fputs(reports::text_summary(result, dir.string(), o.html).c_str(), stdout);
  bool all_hold = true;
  for (const auto& c : check_results) {
    if (c.passed) continue;
    all_hold = false;
    std::fprintf(stderr, "ecsim: check failed: %s (%s = %s)\n", c.check.text.c_str(), c.check.path.c_str(),
                 reports::format_double(c.value).c_str());
  }
  if (!check_results.empty() && !o.quiet) {
    std::printf("checks: %zu of %zu hold (%s, %s)\n",
                static_cast<std::size_t>(std::count_if(check_results.begin(), check_results.end(),
                                                       [](const reports::CheckResult& c) { return c.passed; })),
                check_results.size(), (dir / reports::kChecksJsonFile).string().c_str(),
                (dir / reports::kChecksXmlFile).string().c_str());
  }
  return all_hold ? 0 : static_cast<int>(sim::ExitCode::kCheckFailed);
}

// `ecsim plan SCENARIO PLAN [-o DIR] [--jobs K] [--set PATH=VALUE] [--plugin LIB.so]`
// (tools/planner.h). Exit 0 with a best candidate, 3 without (the closest named on stderr).
int cmd_plan(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("output,o", po::value<std::string>())("jobs", po::value<std::string>())("quiet", po::bool_switch())(
      "plugin", po::value<std::vector<std::string>>()->composing())("check", po::value<std::vector<std::string>>()->composing());
  add_set_option(desc);
  const po::variables_map vm = parse_args(args, desc, {"scenario", "plan"});
  if (vm.count("scenario") == 0 || vm.count("plan") == 0) throw UsageError("plan takes SCENARIO and PLAN");
  tools::PlanOptions options;
  if (vm.count("jobs")) options.jobs = parse_worker_count(vm["jobs"].as<std::string>(), "--jobs");
  if (vm.count("plugin")) {
    for (const auto& plugin : vm["plugin"].as<std::vector<std::string>>()) placement::load_plugin(plugin);
  }
  const std::string scenario_path = vm["scenario"].as<std::string>();
  options.overrides = read_set_option(vm);
  const scenarios::ScenarioSource source = scenarios::read_scenario_source(scenario_path);
  scenarios::PlanFile plan = scenarios::load_plan_file(vm["plan"].as<std::string>());
  // The command line's checks and the scenario's own join the plan's SLOs.
  if (vm.count("check")) {
    for (const auto& text : vm["check"].as<std::vector<std::string>>()) {
      plan.slos.push_back({reports::parse_check(text, "--check", "").check, "", "--check"});
    }
  }
  {
    const sim::Scenario scenario = scenarios::load_scenario_source(source, options.overrides);
    for (std::size_t i = 0; i < scenario.checks.size(); ++i) {
      const std::string pointer = "/checks/" + std::to_string(i);
      plan.slos.push_back({reports::parse_check(scenario.checks[i], scenario_path, pointer).check, pointer, scenario_path});
    }
  }

  const tools::PlanResult result = tools::run_plan(source, plan, options);
  const std::string name = scenarios::load_scenario_source(source, options.overrides).name;
  const std::filesystem::path dir(vm.count("output") ? vm["output"].as<std::string>() : "ecsim-plan");
  tools::write_plan_outputs(plan, result, name, dir);  // OutputError when it cannot
  if (!vm["quiet"].as<bool>()) {
    std::fputs(tools::plan_table(plan, result).c_str(), stdout);
    std::printf("  wrote %s, %s, %s\n", (dir / tools::kPlanJsonFile).string().c_str(),
                (dir / tools::kPlanCsvFile).string().c_str(), (dir / tools::kPlanHtmlFile).string().c_str());
  }
  if (result.best) return 0;
  std::fprintf(stderr, "ecsim plan: no candidate meets every SLO; the closest:\n%s",
               tools::plan_closest_text(plan, result).c_str());
  return static_cast<int>(sim::ExitCode::kCheckFailed);
}

// `ecsim graph SCENARIO [-o FILE] [--plugin LIB.so]`: the scenario's structure (reports/graphviz.h)
// as SVG or DOT by FILE's extension, written whole. A broken scenario writes nothing.
int cmd_graph(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("output,o", po::value<std::string>())(
      "plugin", po::value<std::vector<std::string>>()->composing());
  add_set_option(desc);
  const po::variables_map vm = parse_args(args, desc, {"scenario"});
  const RunOptions o = scenario_options(vm);
  const std::filesystem::path file(vm.count("output") ? vm["output"].as<std::string>() : "ecsim-graph.svg");
  const std::string ext = file.extension().string();
  if (ext != ".svg" && ext != ".dot") {
    throw UsageError("graph: -o FILE must end in .svg or .dot, got \"" + file.string() + "\"");
  }
  const sim::Scenario scenario = load(o);
  const std::string text = ext == ".dot" ? reports::scenario_dot(scenario) : reports::scenario_svg(scenario);
  try {
    reports::write_file_atomically(file, text);
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
  std::printf("wrote %s\n", file.string().c_str());
  return 0;
}

// `ecsim report DIR [--quiet]`: report.html rebuilt from the outputs of a finished run
// (reports/read_outputs.h), without running it again. Missing or broken files exit 2 and
// write nothing.
int cmd_report(const std::vector<std::string>& args) {
  std::optional<std::string> dir_arg;
  bool quiet = false;
  reports::ClusterPictureOptions cluster;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "--quiet") {
      quiet = true;
    } else if (a == "--at") {
      // The instant the cluster pictures show, instead of the peak sample.
      if (k + 1 == args.size()) throw UsageError("report: --at takes a time such as \"6h\"");
      const std::string text = args[++k];
      const auto t = scenarios::parse_time_arg(text);
      if (!t || *t < 0) {
        throw sim::InputError("--at", "", "a time into the run such as \"6h\", \"02:30\" or 9000 (seconds)", "\"" + text + "\"");
      }
      cluster.at = *t;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("report: unknown option \"" + a + "\"");
    } else if (dir_arg) {
      throw UsageError("report takes one DIR");
    } else {
      dir_arg = a;
    }
  }
  if (!dir_arg) throw UsageError("missing DIR");
  const std::filesystem::path dir(*dir_arg);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) (void)reports::read_outputs(dir);  // throws, naming what DIR is
  // DIR is locked first, so that no run replaces it between reading and writing; its files are
  // linked into a staging directory beside the new pictures and page, which then replaces DIR
  // whole (reports/output_dir.h). Everything is read, and checked to be one run's, before
  // anything is written; a failure removes the staging directory and leaves DIR as it was.
  write_output_directory(
      dir, reports::kRunDirectoryNames,
      [&](const std::filesystem::path& staging) {
        const sim::RunResult result = reports::read_outputs(dir, &cluster.run_id);
        if (cluster.at != sim::kNever && cluster.at > result.duration) {
          throw sim::InputError("--at", "",
                                "a time within the run (at most " + reports::format_seconds(result.duration) + " s)",
                                reports::format_seconds(cluster.at) + " s");
        }
        reports::write_report(result, staging, cluster);
      },
      /*keep_existing=*/true);
  if (!quiet) std::printf("wrote %s\n", (dir / reports::kReportFile).string().c_str());
  return 0;
}

int cmd_strategies(const std::vector<std::string>& args) {
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (args[k] == "--plugin" && k + 1 < args.size()) {
      placement::load_plugin(args[++k]);
    } else {
      throw UsageError("strategies takes only --plugin LIB.so");
    }
  }
  std::printf("placement strategies (\"type\" in a placementStrategy item):\n");
  for (const auto& info : placement::strategy_infos()) {
    std::string name(info.name);
    if (!info.fields.empty()) name += " (" + std::string(info.fields) + ")";
    std::printf("  %-48s %.*s\n", name.c_str(), static_cast<int>(info.description.size()), info.description.data());
  }
  std::printf("\nstrategy presets (a name for a whole list: --strategy NAME, \"placementStrategy\": NAME):\n");
  for (const auto& preset : placement::strategy_presets()) {
    std::printf("  %-48.*s %.*s\n", static_cast<int>(preset.name.size()), preset.name.data(),
                static_cast<int>(preset.description.size()), preset.description.data());
  }
  std::printf("\nplacement constraints (\"type\" in a placementConstraints item):\n");
  for (const auto type : placement::constraint_types()) {
    std::printf("  %.*s\n", static_cast<int>(type.size()), type.data());
  }
  return 0;
}

constexpr std::string_view kRunOptions =
    "  -o, --output DIR    output directory (default ./ecsim-out)\n"
    "  --seed N            override the scenario's seed\n"
    "  --duration D        override the scenario's duration (\"7d\", \"90m\", seconds)\n"
    "  --strategy S        placement strategy for every job, service and trace: a name\n"
    "                      (random, binpack:memory, spread:attribute:ecs.availability-zone)\n"
    "                      or an ECS JSON list ('[{\"type\":\"binpack\",\"field\":\"cpu\"}]')\n"
    "  --source NAME       (repeatable) --strategy replaces only this job's, service's or\n"
    "                      trace's strategy\n"
    "  --plugin LIB.so     load a placement plugin (repeatable): its strategies join the\n"
    "                      built-in ones\n"
    "  --no-html           do not write report.html\n"
    "  --explain[=TASKS]   also write placements.jsonl: every placement attempt (or only\n"
    "                      those of TASKS: t12,t100-t200), the\n"
    "                      instances filtered out and why, the strategy keys, the choice\n"
    "  --quiet             print nothing on success\n"
    "  --check EXPR        (repeatable) a check PATH OP NUMBER over summary.json, such as\n"
    "                      'jobs.etl.wait.p99 <= 120' (OP: < <= == != >= >), added to the\n"
    "                      scenario's \"checks\"; writes checks.json and JUnit checks.xml and\n"
    "                      exits 3 when one does not hold\n"
    "  --set PATH=VALUE    (repeatable) change the scenario before it is checked: PATH\n"
    "                      dotted, a number indexes a list, a name picks the element with\n"
    "                      that name, serviceName or family\n"
    "                      (cluster.instanceGroups.general.count=9); VALUE is JSON, a bare\n"
    "                      word a string\n";

constexpr std::string_view kValidateOptions =
    "  --quiet             print only the first line (\"FILE: valid (...)\") and the warnings\n"
    "  --json              print the report as one JSON document (figures and warnings)\n"
    "  --strict            exit 3 when there is a warning (a valid scenario still exits 0\n"
    "                      without it); warnings are \"warning: FILE: POINTER: ...\" lines on\n"
    "                      stdout\n"
    "  --set PATH=VALUE    (repeatable) change the scenario before it is checked, as for run\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n";

constexpr std::string_view kGraphOptions =
    "  -o, --output FILE   .svg or .dot (default ecsim-graph.svg)\n"
    "  --set PATH=VALUE    (repeatable) change the scenario first, as for run\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n";

constexpr std::string_view kPlanOptions =
    "  -o, --output DIR    output directory (default ./ecsim-plan): plan.json, plan.csv,\n"
    "                      plan.html\n"
    "  --jobs K            K runs at once (default: every core), each on its share of the\n"
    "                      memory; the answer does not depend on K\n"
    "  --set PATH=VALUE    (repeatable) change the scenario first, as for run\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n"
    "  --check EXPR        (repeatable) one more SLO, as a plan file's \"slos\" item; the\n"
    "                      scenario's own \"checks\" are SLOs too\n"
    "  --quiet             print nothing on success\n";

constexpr std::string_view kReportOptions =
    "  --at T              the cluster pictures at time T, not at the peak: \"6h\",\n"
    "                      \"02:30\" or seconds\n"
    "  --quiet             print nothing on success\n";

int cmd_help(const std::vector<std::string>& args);

// Every command, in the order `--help` lists them.
const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "SCENARIO", "simulate the scenario and write its outputs", kRunOptions, cmd_run},
      {"validate", "SCENARIO",
       "check the scenario (exit 0 valid, 2 not); print what its task definitions reserve, what "
       "each source submits against the fleet, and warnings",
       kValidateOptions, cmd_validate},
      {"report", "DIR",
       "rebuild DIR/report.html from the other outputs of a finished run, without running it again",
       kReportOptions, cmd_report},
      {"graph", "SCENARIO", "draw the scenario's structure (sources, task definitions, images, fleet)",
       kGraphOptions, cmd_graph},
      {"plan", "SCENARIO PLAN",
       "the cheapest candidate of the plan file meeting every SLO on every run; exit 3 when none does",
       kPlanOptions, cmd_plan},
      {"compare", "SCENARIO --strategies A,B,...",
       "every strategy on the same seeds with common random numbers: each metric's mean and 95 % interval, "
       "the paired difference against the first strategy; writes compare.json, compare.csv, compare.html",
       compare_options_help(), cmd_compare},
      {"sweep", "SPEC [-o DIR] [--jobs K] [--index N] [--emit slurm] | merge DIR",
       "a sweep file's runs (parameters x strategies x seeds) here, one of them (--index, an array job's "
       "element) or as a Slurm array job (--emit slurm); merge gathers the finished runs into sweep.json, sweep.csv",
       sweep_options_help(), cmd_sweep},
      {"diff", "OLD NEW",
       "compare two runs' outputs (or two directories of runs, with a t-test) metric by metric; exit 3 "
       "when one got worse beyond its tolerance; writes diff.json",
       diff_options_help(), cmd_diff},
      {"bench", "[--scenario FILE]... [--runs N] [--baseline FILE]",
       "time the benchmark scenarios (CPU ns per event, wall time); with --baseline, exit 3 on a slowdown beyond "
       "the threshold and the run-to-run spread",
       bench::kBenchOptions, bench::cmd_bench},
      {"import", "FORMAT FILE",
       "convert a trace (alibaba-dlrm-2025, alibaba-gpu-2023, generic, google-2019, swf) to generic CSV",
       import_options_help(), cmd_import},
      {"strategies", "", "list the placement strategies, presets and constraints",
       "  --plugin LIB.so     load a placement plugin first (repeatable)\n", cmd_strategies},
      {"help", "[COMMAND]", "this text, or a command's options", "", cmd_help},
  };
  return table;
}

int cmd_help(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fputs(usage_text(commands()).c_str(), stdout);
    return 0;
  }
  if (args.size() > 1) throw UsageError("help takes at most one COMMAND");
  const Command* c = find_command(commands(), args[0]);
  if (c == nullptr) throw UsageError(unknown_command_message(commands(), args[0]));
  std::fputs(command_help(*c).c_str(), stdout);
  return 0;
}

// Runs the command; a usage error prints its message and the command's help (the general help
// when there is no command), exit 2.
int dispatch(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const Command* command = nullptr;
  try {
    if (args.empty()) throw UsageError("missing command");
    const std::string name = args[0];
    args.erase(args.begin());
    if (name == "-h" || name == "--help") return cmd_help({});
    if (name == "--version" || name == "version") {
      std::printf("ecsim %s\n", ECSIM_VERSION);
      return 0;
    }
    command = find_command(commands(), name);
    if (command == nullptr) throw UsageError(unknown_command_message(commands(), name));
    for (const auto& a : args) {
      if (a == "-h" || a == "--help") {
        std::fputs(command_help(*command).c_str(), stdout);
        return 0;
      }
    }
    return command->run(args);
  } catch (const UsageError& e) {
    const std::string help = command != nullptr ? command_help(*command) : usage_text(commands());
    std::fprintf(stderr, "ecsim: %s\n\n%s", sim::printable(e.what()).c_str(), help.c_str());
    return static_cast<int>(sim::ExitCode::kInput);
  }
}

}  // namespace
}  // namespace ecsim::tools

int main(int argc, char** argv) {
  using ecsim::sim::ExitCode;
  // SIGINT, SIGTERM and SIGHUP remove what a run has staged before ending it.
  ecsim::reports::install_output_signal_handlers();
  try {
    return ecsim::tools::dispatch(argc, argv);
  } catch (const ecsim::placement::PluginError& e) {
    std::fprintf(stderr, "ecsim: %s\n", ecsim::sim::printable(e.what()).c_str());
    return static_cast<int>(ExitCode::kInput);
  } catch (const ecsim::tools::OutputError& e) {
    std::fprintf(stderr, "ecsim: cannot write outputs: %s\n", ecsim::sim::printable(e.what()).c_str());
    return static_cast<int>(ExitCode::kInput);
  } catch (const ecsim::sim::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return static_cast<int>(ExitCode::kInput);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ecsim: internal error: %s\n", ecsim::sim::printable(e.what()).c_str());
    return static_cast<int>(ExitCode::kInternal);
  }
}
