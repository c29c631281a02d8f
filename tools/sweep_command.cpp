#include "tools/sweep_command.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "placement/plugin_loader.h"
#include "placement/registry.h"
#include "reports/atomic_file.h"
#include "reports/output_dir.h"
#include "reports/csv.h"
#include "reports/compare.h"
#include "reports/summary.h"
#include "scenarios/json_cursor.h"
#include "sim/engine.h"
#include "sim/input_error.h"
#include "tools/command_line.h"
#include "tools/compare_command.h"
#include "tools/memory_budget.h"
#include "tools/work_pool.h"

namespace ecsim::tools {
namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSpecFile = "spec.json";
constexpr const char* kSweepJsonFile = "sweep.json";
constexpr const char* kSweepCsvFile = "sweep.csv";
constexpr const char* kSbatchFile = "sweep.sbatch";
constexpr const char* kOrder = "combination (the first vary dimension outermost), then strategy, then seed";

constexpr std::string_view kSweepOptions =
    "  SPEC                a sweep file (scenarios/README.md, \"The sweep file\"): a scenario, the\n"
    "                      --set paths to vary, strategies, sources and seeds\n"
    "  -o, --output DIR    output directory (default ./ecsim-sweep): spec.json,\n"
    "                      runs/NNNNN/{summary.json,run.json}, sweep.json, sweep.csv\n"
    "  --jobs K            K runs at once (default: every core), each on its share of the\n"
    "                      memory; outputs do not depend on K.\n"
    "                      With --emit slurm: at most K array elements at once\n"
    "  --index N           run only run N (0-based; an array job's element) into DIR, no merge\n"
    "  --emit slurm        write DIR/sweep.sbatch, a Slurm array job of one element per run, and\n"
    "                      print how to submit it and merge after; runs nothing, checks\n"
    "                      each run's memory on this machine's (one run an element)\n"
    "  --mem M             with --emit slurm, what each element requests (#SBATCH --mem): auto\n"
    "                      (default: the most any run needs, estimated from its instances,\n"
    "                      samples and live tasks with measured headroom), none (the\n"
    "                      cluster's default), or a size (bytes, or with K, M, G, T: 2G)\n"
    "  --ecsim PATH        the ecsim binary the script runs (default: this one's absolute path)\n"
    "  --plugin LIB.so     load a placement plugin (repeatable), as for run\n"
    "  --quiet             print nothing on success\n"
    "\n"
    "ecsim sweep merge DIR [--quiet]: merge the runs finished in DIR into sweep.json and sweep.csv\n"
    "(each combination x strategy: every metric's mean, stddev, 95 % interval over the seeds, the\n"
    "paired difference against the first strategy); names the missing runs on stderr, exit 0.\n"
    "Runs are numbered combination by combination (the first vary dimension outermost), then\n"
    "strategy, then seed.\n";

std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// Shell single quotes: the text as one word, whatever it holds.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json settings_json(const SweepPlan& plan, const SweepRun& run) {
  Json settings = Json::object();
  for (std::size_t d = 0; d < plan.vary.size(); ++d) settings[plan.vary[d].set] = plan.vary[d].values[run.values[d]];
  return settings;
}

std::uint64_t parse_index(const std::string& text) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end) {
    throw sim::InputError("--index", "", "a run number from 0", "\"" + text + "\"");
  }
  return v;
}

}  // namespace

std::string_view sweep_options_help() { return kSweepOptions; }

std::size_t SweepPlan::combinations() const {
  std::size_t n = 1;
  for (const auto& d : vary) n *= d.values.size();
  return n;
}

SweepPlan expand_sweep(const scenarios::SweepFile& sweep, const scenarios::ScenarioSource& source) {
  const sim::Scenario base = scenarios::load_scenario_source(source, {});
  SweepPlan plan;
  plan.scenario = base.name;
  plan.vary = sweep.vary;
  plan.strategies = sweep.strategies;
  plan.sources = sweep.sources;
  const std::uint64_t first = sweep.first_seed ? *sweep.first_seed : base.seed;
  for (std::int64_t k = 0; k < sweep.seeds; ++k) plan.seeds.push_back(first + static_cast<std::uint64_t>(k));
  return plan;
}

SweepRun sweep_run(const SweepPlan& plan, std::size_t index) {
  SweepRun run;
  run.index = index;
  run.seed = index % plan.seeds.size();
  run.strategy = (index / plan.seeds.size()) % plan.strategies.size();
  run.combination = index / (plan.seeds.size() * plan.strategies.size());
  run.values.assign(plan.vary.size(), 0);
  std::size_t rest = run.combination;
  for (std::size_t d = plan.vary.size(); d-- > 0;) {
    run.values[d] = rest % plan.vary[d].values.size();
    rest /= plan.vary[d].values.size();
  }
  return run;
}

std::vector<scenarios::Override> sweep_overrides(const SweepPlan& plan, const SweepRun& run) {
  std::vector<scenarios::Override> out;
  for (std::size_t d = 0; d < plan.vary.size(); ++d) out.push_back(scenarios::plan_override(plan.vary[d], run.values[d]));
  return out;
}

std::int64_t check_sweep(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::int64_t available,
                         std::size_t runs_at_once) {
  std::int64_t request = 0;
  const std::size_t per_combination = plan.strategies.size() * plan.seeds.size();
  for (std::size_t c = 0; c < plan.combinations(); ++c) {
    const SweepRun run = sweep_run(plan, c * per_combination);
    const sim::Scenario scenario = scenarios::load_scenario_source(source, sweep_overrides(plan, run));
    for (const auto& strategy : plan.strategies) {
      sim::Scenario s = scenario;
      apply_strategy(s, strategy, plan.sources);
      // A seed changes none of the figures the memory check reads.
      request = std::max(request, run_memory_request(s));
      try {
        check_memory_budget(s, source.label, available, runs_at_once);
      } catch (const sim::InputError& e) {
        std::string settings;
        for (std::size_t d = 0; d < plan.vary.size(); ++d) {
          if (d > 0) settings += ", ";
          settings += scenarios::plan_override(plan.vary[d], run.values[d]).text;
        }
        const std::size_t first = run.index + static_cast<std::size_t>(&strategy - plan.strategies.data()) * plan.seeds.size();
        throw sim::InputError(e.file(), e.pointer(),
                              e.expected() + " for every run of the sweep; combination " + std::to_string(c) +
                                  (settings.empty() ? "" : " (" + settings + ")") + " with strategy " + strategy +
                                  " does not (runs " + std::to_string(first) +
                                  " to " + std::to_string(first + plan.seeds.size() - 1) + ")",
                              e.got());
      }
    }
  }
  return request;
}

std::string sweep_plan_json(const SweepPlan& plan) {
  Json j = Json::object();
  j["scenario"] = plan.scenario;
  Json vary = Json::array();
  for (const auto& d : plan.vary) {
    Json o = Json::object();
    o["set"] = d.set;
    o["values"] = d.values;
    vary.push_back(std::move(o));
  }
  j["vary"] = std::move(vary);
  j["strategies"] = plan.strategies;
  j["sources"] = plan.sources;
  j["seeds"] = plan.seeds;
  j["runs"] = plan.runs();
  j["order"] = kOrder;
  return j.dump(2) + "\n";
}

SweepPlan read_sweep_plan(const fs::path& dir) {
  const fs::path file = dir / kSpecFile;
  if (!fs::is_regular_file(file)) {
    throw sim::InputError(file.string(), "/", "the spec.json of a sweep directory (written by ecsim sweep)", "no such file");
  }
  const auto doc = scenarios::parse_json_document(read_whole(file), file.string());
  const scenarios::JsonCursor root(*doc);
  root.expect_object("a sweep spec object");
  SweepPlan plan;
  plan.scenario = root["scenario"].get_string("the scenario's name");
  const scenarios::JsonCursor vary = root["vary"];
  vary.expect_array("a list of dimensions");
  for (std::size_t i = 0; i < vary.size(); ++i) {
    scenarios::PlanDimension d;
    d.set = vary.at(i)["set"].get_name("a --set path");
    d.path = scenarios::parse_override(d.set + "=0").path;
    const scenarios::JsonCursor values = vary.at(i)["values"];
    values.expect_array("a non-empty list of values");
    if (values.size() == 0) values.fail("a non-empty list of values");
    for (std::size_t k = 0; k < values.size(); ++k) d.values.push_back(values.at(k).json());
    plan.vary.push_back(std::move(d));
  }
  const auto names = [](const scenarios::JsonCursor& list, std::vector<std::string>& out, bool non_empty) {
    list.expect_array(non_empty ? "a non-empty list of names" : "a list of names");
    if (non_empty && list.size() == 0) list.fail("a non-empty list of names");
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i).get_name("a name"));
  };
  names(root["strategies"], plan.strategies, true);
  names(root["sources"], plan.sources, false);
  const scenarios::JsonCursor seeds = root["seeds"];
  seeds.expect_array("a non-empty list of seeds");
  if (seeds.size() == 0) seeds.fail("a non-empty list of seeds");
  for (std::size_t i = 0; i < seeds.size(); ++i) plan.seeds.push_back(seeds.at(i).get_uint64("a seed"));
  if (root["runs"].get_uint64("the number of runs") != plan.runs()) {
    root["runs"].fail("combinations x strategies x seeds = " + std::to_string(plan.runs()));
  }
  return plan;
}

void write_sweep_plan(const SweepPlan& plan, const fs::path& dir) {
  const std::string text = sweep_plan_json(plan);
  const fs::path file = dir / kSpecFile;
  if (fs::exists(file)) {
    if (read_whole(file) == text) return;
    throw sim::InputError(file.string(), "/", "this sweep's spec (or a new directory: -o DIR)", "another sweep's");
  }
  try {
    fs::create_directories(dir);
    reports::write_file_atomically(file, text);
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
}

fs::path sweep_run_dir(const fs::path& dir, std::size_t index) {
  char name[16];
  std::snprintf(name, sizeof name, "%05zu", index);
  return dir / "runs" / name;
}

std::string sweep_run_json(const SweepPlan& plan, const SweepRun& run) {
  Json j = Json::object();
  j["index"] = run.index;
  j["combination"] = run.combination;
  j["settings"] = settings_json(plan, run);
  j["strategy"] = plan.strategies[run.strategy];
  j["seed"] = plan.seeds[run.seed];
  return j.dump(2) + "\n";
}

void run_sweep_element(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::size_t index,
                       const fs::path& dir, const sim::RunLimits& limits, sim::ProgressSink* progress) {
  const SweepRun run = sweep_run(plan, index);
  sim::Scenario scenario = scenarios::load_scenario_source(source, sweep_overrides(plan, run));
  apply_strategy(scenario, plan.strategies[run.strategy], plan.sources);
  scenario.seed = plan.seeds[run.seed];
  placement::EcsPlacerFactory factory;
  sim::DiscardTasks discard;  // summaries only: no task records kept
  const std::string summary =
      reports::summary_json(sim::run_scenario(scenario, factory, progress, nullptr, &discard, limits));
  const fs::path run_dir = sweep_run_dir(dir, index);
  // Each run directory is staged and swapped in whole (reports/output_dir.h): an element
  // killed part-way leaves no run directory, and one run again replaces it.
  static const std::vector<std::string_view> kNames = {"summary.json", "run.json"};
  write_output_directory(run_dir, kNames, [&](const fs::path& staging) {
    // run.json last: a run directory with run.json is a finished run.
    reports::write_file_atomically(staging / "summary.json", summary);
    reports::write_file_atomically(staging / "run.json", sweep_run_json(plan, run));
  });
}

void run_sweep_locally(const scenarios::ScenarioSource& source, const SweepPlan& plan, std::size_t jobs, const fs::path& dir,
                       std::int64_t available) {
  const std::size_t runs = plan.runs();
  const std::size_t workers = worker_count(jobs, runs);
  const sim::RunLimits limits = memory_limits(source.label, available, workers);
  RunProgress progress("sweep", runs);
  parallel_for(runs, workers, [&](std::size_t i, const WorkStop& stop) {
    StopAfterFailure stop_after(stop, i);
    run_sweep_element(source, plan, i, dir, limits, &stop_after);
    progress.done_one();
  });
}

SweepMerge merge_sweep(const fs::path& dir) {
  const SweepPlan plan = read_sweep_plan(dir);
  const std::size_t strategies = plan.strategies.size(), seeds = plan.seeds.size();
  SweepMerge merge;
  merge.runs = plan.runs();
  Json combinations = Json::array();
  Json directions = Json::object();
  std::string csv = "combination,";
  for (const auto& d : plan.vary) csv += reports::csv_field(d.set) + ",";
  csv += reports::compare_csv(reports::CompareInput{}, reports::CompareResult{});
  for (std::size_t c = 0; c < plan.combinations(); ++c) {
    // This combination's finished runs, [strategy][seed].
    std::vector<std::vector<std::optional<Json>>> summaries(strategies, std::vector<std::optional<Json>>(seeds));
    for (std::size_t s = 0; s < strategies; ++s) {
      for (std::size_t k = 0; k < seeds; ++k) {
        const std::size_t index = (c * strategies + s) * seeds + k;
        const fs::path run_dir = sweep_run_dir(dir, index);
        if (!fs::is_regular_file(run_dir / "run.json") || !fs::is_regular_file(run_dir / "summary.json")) {
          merge.missing.push_back(index);
          continue;
        }
        const fs::path run_file = run_dir / "run.json";
        const std::string expected = sweep_run_json(plan, sweep_run(plan, index));
        const std::string got = read_whole(run_file);
        if (got != expected) {
          // A run of another sweep (or a file edited by hand): merging it would mix sweeps.
          const Json parsed = Json::parse(got, nullptr, false);
          throw sim::InputError(run_file.string(), "/",
                                "run " + std::to_string(index) + " of " + (dir / kSpecFile).string() + ": " + Json::parse(expected).dump(),
                                parsed.is_discarded() ? "a file that is not JSON" : parsed.dump());
        }
        const fs::path summary_file = run_dir / "summary.json";
        try {
          summaries[s][k] = Json::parse(read_whole(summary_file));
        } catch (const nlohmann::json::exception& e) {
          throw sim::InputError(summary_file.string(), "/", "a summary.json written by ecsim", e.what());
        }
      }
    }
    const SweepRun first = sweep_run(plan, c * strategies * seeds);
    Json comb = Json::object();
    comb["combination"] = c;
    comb["settings"] = settings_json(plan, first);
    // The seeds every strategy finished: the paired differences stay paired.
    reports::CompareInput input;
    input.scenario = plan.scenario;
    input.strategies = plan.strategies;
    input.runs.assign(strategies, {});
    for (std::size_t k = 0; k < seeds; ++k) {
      bool all = true;
      for (std::size_t s = 0; s < strategies; ++s) all = all && summaries[s][k].has_value();
      if (!all) continue;
      input.seeds.push_back(plan.seeds[k]);
      for (std::size_t s = 0; s < strategies; ++s) {
        reports::CompareRun run;
        run.summary = std::move(*summaries[s][k]);
        input.runs[s].push_back(std::move(run));
      }
    }
    comb["seeds"] = input.seeds;
    if (input.seeds.empty()) {
      comb["metrics"] = Json::object();
      comb["paired"] = Json::object();
    } else {
      const reports::CompareResult result = reports::compare_runs(input);
      Json compared = Json::parse(reports::compare_json(input, result));
      comb["metrics"] = std::move(compared["metrics"]);
      comb["paired"] = std::move(compared["paired"]);
      for (auto& [path, direction] : compared["directions"].items()) {
        if (!directions.contains(path)) directions[path] = direction;
      }
      std::string prefix = std::to_string(c) + ",";
      for (std::size_t d = 0; d < plan.vary.size(); ++d) prefix += reports::csv_field(value_text(plan.vary[d].values[first.values[d]])) + ",";
      const std::string rows = reports::compare_csv(input, result);
      for (std::size_t at = rows.find('\n') + 1; at < rows.size();) {
        const std::size_t end = rows.find('\n', at);
        csv += prefix + rows.substr(at, end + 1 - at);
        at = end + 1;
      }
    }
    combinations.push_back(std::move(comb));
  }
  Json j = Json::object();
  j["scenario"] = plan.scenario;
  j["runs"] = merge.runs;
  j["finished"] = merge.runs - merge.missing.size();
  j["missing"] = merge.missing;
  j["vary"] = Json::parse(sweep_plan_json(plan))["vary"];
  j["strategies"] = plan.strategies;
  j["sources"] = plan.sources;
  j["seeds"] = plan.seeds;
  j["order"] = kOrder;
  j["confidence"] = reports::CompareResult{}.confidence;
  j["interval"] =
      "per combination, over the seeds every strategy finished: Student's t; paired differences against the first "
      "strategy, seed by seed";
  j["combinations"] = std::move(combinations);
  j["directions"] = std::move(directions);
  merge.json = j.dump(2) + "\n";
  merge.csv = std::move(csv);
  return merge;
}

void write_sweep_merge(const SweepMerge& merge, const fs::path& dir) {
  try {
    reports::write_file_atomically(dir / kSweepJsonFile, merge.json);
    reports::write_file_atomically(dir / kSweepCsvFile, merge.csv);
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
}

std::string sweep_sbatch(const SweepPlan& plan, const SlurmScript& script) {
  // Slurm expands %a, %j... in file names: a literal % is %%.
  const auto slurm_path = [](const std::string& path) {
    std::string out;
    for (const char c : path) out += c == '%' ? std::string("%%") : std::string(1, c);
    return out;
  };
  const std::size_t runs = plan.runs();
  std::string command = "exec " + shell_quote(script.ecsim) + " sweep " + shell_quote(script.spec) + " -o " + shell_quote(script.dir);
  for (const auto& p : script.plugins) command += " --plugin " + shell_quote(p);
  command += " --index \"$SLURM_ARRAY_TASK_ID\" --quiet\n";
  const std::string merge = shell_quote(script.ecsim) + " sweep merge " + shell_quote(script.dir);
  std::string out = "#!/bin/bash\n";
  out += "# ecsim sweep: " + std::to_string(runs) + " runs of " + plan.scenario + " (" + std::to_string(plan.combinations()) +
         " combinations x " + std::to_string(plan.strategies.size()) + " strategies x " + std::to_string(plan.seeds.size()) +
         " seeds), one per array element; element N writes " + script.dir + "/runs/NNNNN whole.\n";
  out += "# Generated by `ecsim sweep SPEC --emit slurm`. Submit it, then merge once every element has ended:\n";
  out += "#   jobid=$(sbatch --parsable " + shell_quote(script.dir + "/" + kSbatchFile) + ")\n";
  out += "#   sbatch --dependency=afterany:$jobid --output=" + shell_quote(script.dir + "/logs/merge.out") + " --wrap \"" + merge + "\"\n";
  out += "# merge names the runs missing (a failed element); run one again with --index N, or resubmit\n";
  out += "# with --array=N,M, then merge again. Slurm's MaxArraySize (default 1001) bounds the array.\n";
  out += "#SBATCH --job-name=ecsim-sweep\n";
  out += "#SBATCH --array=0-" + std::to_string(runs - 1) + (script.limit > 0 ? "%" + std::to_string(script.limit) : std::string()) + "\n";
  out += "#SBATCH --ntasks=1\n";
  out += "#SBATCH --cpus-per-task=1\n";
  if (script.memory >= 0) {
    // Slurm's --mem is in MiB without a suffix.
    out += "#SBATCH --mem=" + std::to_string((script.memory + (std::int64_t{1} << 20) - 1) >> 20) + "\n";
  }
  out += "#SBATCH --output=" + slurm_path(script.dir) + "/logs/run-%a.out\n";
  out += "#SBATCH --error=" + slurm_path(script.dir) + "/logs/run-%a.err\n";
  out += command;
  return out;
}

namespace {

int cmd_sweep_merge(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("quiet", po::bool_switch());
  const po::variables_map vm = parse_args(args, desc, {"dir"});
  if (vm.count("dir") == 0) throw UsageError("sweep merge takes DIR");
  const fs::path dir(vm["dir"].as<std::string>());
  const SweepMerge merge = merge_sweep(dir);
  write_sweep_merge(merge, dir);
  if (!merge.missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < merge.missing.size() && i < 50; ++i) list += (i > 0 ? ", " : "") + std::to_string(merge.missing[i]);
    if (merge.missing.size() > 50) list += ", ... (every one in sweep.json's \"missing\")";
    std::fprintf(stderr, "ecsim sweep merge: %zu of %zu runs missing: %s\n", merge.missing.size(), merge.runs, list.c_str());
  }
  if (!vm["quiet"].as<bool>()) {
    std::printf("merged %zu of %zu runs; wrote %s, %s\n", merge.runs - merge.missing.size(), merge.runs,
                (dir / kSweepJsonFile).string().c_str(), (dir / kSweepCsvFile).string().c_str());
  }
  return 0;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "merge") return cmd_sweep_merge(std::vector<std::string>(args.begin() + 1, args.end()));
  po::options_description desc;
  desc.add_options()("output,o", po::value<std::string>())("jobs", po::value<std::string>())("index", po::value<std::string>())(
      "emit", po::value<std::string>())("ecsim", po::value<std::string>())("mem", po::value<std::string>())(
      "plugin", po::value<std::vector<std::string>>()->composing())("quiet", po::bool_switch());
  const po::variables_map vm = parse_args(args, desc, {"spec"});
  if (vm.count("spec") == 0) throw UsageError("missing SPEC (or merge DIR)");
  if (vm.count("index") && vm.count("emit")) throw UsageError("--index and --emit exclude each other");
  if (vm.count("emit") && vm["emit"].as<std::string>() != "slurm") {
    throw sim::InputError("--emit", "", "a known scheduler (valid: slurm)", "\"" + vm["emit"].as<std::string>() + "\"");
  }
  if (vm.count("mem") && !vm.count("emit")) throw UsageError("--mem goes with --emit slurm");
  std::int64_t mem = -2;  // -2: each element's estimate (auto); -1: none
  if (vm.count("mem")) {
    const std::string text = vm["mem"].as<std::string>();
    if (text == "none") {
      mem = -1;
    } else if (text != "auto") {
      mem = parse_memory_size(text);
      if (mem <= 0) {
        throw sim::InputError("--mem", "", "auto, none or a memory size (bytes, or with a K, M, G or T suffix: 512M)",
                              "\"" + text + "\"");
      }
    }
  }
  std::vector<std::string> plugins;
  if (vm.count("plugin")) {
    for (const auto& plugin : vm["plugin"].as<std::vector<std::string>>()) {
      placement::load_plugin(plugin);
      plugins.push_back(fs::absolute(plugin).string());
    }
  }
  const std::size_t jobs = vm.count("jobs") ? parse_worker_count(vm["jobs"].as<std::string>(), "--jobs") : 0;
  const bool quiet = vm["quiet"].as<bool>();
  const std::string spec_path = vm["spec"].as<std::string>();
  const scenarios::SweepFile sweep = scenarios::load_sweep_file(spec_path);
  const scenarios::ScenarioSource source = scenarios::read_scenario_source(sweep.scenario);
  const SweepPlan plan = expand_sweep(sweep, source);
  const fs::path dir(vm.count("output") ? vm["output"].as<std::string>() : "ecsim-sweep");

  // What the runs here may hold (tools/memory_budget.h): each on its share, checked before
  // anything is written. --emit runs nothing here: every run is checked on this machine's memory
  // as a node's, one run at once (an element runs one); its script requests the most any run
  // needs (run_memory_request, or --mem), and each element checks again within its allocation.
  const std::int64_t available = available_memory_bytes();
  if (vm.count("index")) {
    const std::uint64_t index = parse_index(vm["index"].as<std::string>());
    if (index >= plan.runs()) {
      throw sim::InputError("--index", "", "a run number from 0 to " + std::to_string(plan.runs() - 1), std::to_string(index));
    }
    // One run here: the whole of the memory.
    const SweepRun run = sweep_run(plan, static_cast<std::size_t>(index));
    sim::Scenario scenario = scenarios::load_scenario_source(source, sweep_overrides(plan, run));
    apply_strategy(scenario, plan.strategies[run.strategy], plan.sources);
    const sim::RunLimits limits = check_memory_budget(scenario, source.label, available);
    write_sweep_plan(plan, dir);
    run_sweep_element(source, plan, static_cast<std::size_t>(index), dir, limits);
    if (!quiet) std::printf("run %llu of %zu: wrote %s\n", static_cast<unsigned long long>(index), plan.runs(), sweep_run_dir(dir, index).string().c_str());
    return 0;
  }
  const std::int64_t request = check_sweep(source, plan, available, vm.count("emit") ? 1 : worker_count(jobs, plan.runs()));
  if (vm.count("emit")) {
    SlurmScript script;
    if (vm.count("ecsim")) {
      script.ecsim = fs::absolute(vm["ecsim"].as<std::string>()).string();
    } else {
      std::error_code ec;
      script.ecsim = fs::read_symlink("/proc/self/exe", ec).string();
      if (ec) throw OutputError("cannot find this binary's path (/proc/self/exe): give --ecsim PATH");
    }
    script.spec = fs::absolute(spec_path).lexically_normal().string();
    script.dir = fs::absolute(dir).lexically_normal().string();
    if (!script.dir.empty() && script.dir.back() == '/') script.dir.pop_back();
    script.plugins = plugins;
    script.limit = jobs;
    script.memory = mem == -2 ? request : mem;
    write_sweep_plan(plan, dir);
    try {
      fs::create_directories(dir / "logs");
      reports::write_file_atomically(dir / kSbatchFile, sweep_sbatch(plan, script));
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
    if (plan.runs() > 1001) {
      std::fprintf(stderr, "ecsim sweep: note: indexes up to %zu; Slurm refuses those at or above its MaxArraySize (default 1001)\n",
                   plan.runs() - 1);
    }
    if (!quiet) {
      const std::string file = shell_quote(script.dir + "/" + kSbatchFile);
      std::printf("wrote %s: a Slurm array job of %zu elements (0-%zu), one run each\n", (dir / kSbatchFile).string().c_str(),
                  plan.runs(), plan.runs() - 1);
      std::printf("submit it from a node that sees %s, then merge after every element:\n", script.dir.c_str());
      std::printf("  jobid=$(sbatch --parsable %s)\n", file.c_str());
      std::printf("  sbatch --dependency=afterany:$jobid --output=%s --wrap \"%s sweep merge %s\"\n",
                  shell_quote(script.dir + "/logs/merge.out").c_str(), shell_quote(script.ecsim).c_str(),
                  shell_quote(script.dir).c_str());
    }
    return 0;
  }
  write_sweep_plan(plan, dir);
  const auto start = std::chrono::steady_clock::now();
  run_sweep_locally(source, plan, jobs, dir, available);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const SweepMerge merge = merge_sweep(dir);
  write_sweep_merge(merge, dir);
  if (!quiet) {
    std::printf("ecsim sweep: %s, %zu combinations x %zu strategies x %zu seeds = %zu runs in %.1f s (%zu workers)\n",
                plan.scenario.c_str(), plan.combinations(), plan.strategies.size(), plan.seeds.size(), plan.runs(), wall,
                worker_count(jobs, plan.runs()));
    std::printf("  wrote %s, %s and runs/NNNNN/\n", (dir / kSweepJsonFile).string().c_str(), (dir / kSweepCsvFile).string().c_str());
  }
  return 0;
}

}  // namespace ecsim::tools
