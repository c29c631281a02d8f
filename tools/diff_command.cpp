#include "tools/diff_command.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/read_outputs.h"
#include "sim/input_error.h"
#include "tools/command_line.h"

namespace ecsim::tools {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSummary = "summary.json";
constexpr const char* kDiffFile = "diff.json";

nlohmann::ordered_json read_summary(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw sim::InputError(file.string(), "", "a readable summary.json", "a file that cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw sim::InputError(file.string(), "", "the summary.json of an ecsim run (a JSON object)", "text that is not one");
  }
  return j;
}

void find_runs(const fs::path& dir, int depth, std::vector<fs::path>& out) {
  if (fs::is_regular_file(dir / kSummary)) {
    out.push_back(dir);
    return;
  }
  if (depth == 0) return;
  std::vector<fs::path> children;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory()) children.push_back(e.path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& child : children) find_runs(child, depth - 1, out);
}

double parse_level(const std::string& text) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || !(v > 0.0 && v < 0.5)) {
    throw sim::InputError("--level", "", "a significance level above 0 and below 0.5, such as 0.05", "\"" + text + "\"");
  }
  return v;
}

constexpr std::string_view kDiffOptions =
    "  --tolerance PATH=AMOUNT  (repeatable) how far PATH may move the wrong way: 5% of the old\n"
    "                      value, or 2 in the metric's unit; PATH covers what is under it (cost)\n"
    "                      and * matches anything (jobs.*.wait.p99, '*=1%'); default 0\n"
    "  --level P           significance level of the t-test when a side holds several runs\n"
    "                      (default 0.05)\n"
    "  --all               list every metric, not only those that differ\n"
    "  -o, --output DIR    where diff.json goes (default: the current directory)\n"
    "  --quiet             print nothing but failures\n";

}  // namespace

reports::DiffSide read_diff_side(const fs::path& dir) {
  if (!fs::is_directory(dir)) {
    throw sim::InputError(dir.string(), "", "an output directory of ecsim run, or a directory of them", "no such directory");
  }
  std::vector<fs::path> runs;
  find_runs(dir, 3, runs);
  if (runs.empty()) {
    throw sim::InputError(dir.string(), "", "summary.json in it or in directories below it (an ecsim run's outputs)",
                          "none found");
  }
  reports::DiffSide side;
  side.label = dir.string();
  for (const auto& run : runs) {
    const fs::path parent = run == dir ? dir : run.parent_path();
    side.run_groups.push_back(parent == dir ? std::string() : parent.lexically_relative(dir).generic_string());
    side.run_dirs.push_back(run.string());
    // A directory that mixes two runs' files is refused (reports/read_outputs.h); the list of
    // files and the run identity are not metrics.
    (void)reports::verify_outputs(run, reports::Verify::kFilesPresent);
    nlohmann::ordered_json summary = read_summary(run / kSummary);
    summary.erase("outputs");
    side.runs.push_back(std::move(summary));
  }
  return side;
}

std::string_view diff_options_help() { return kDiffOptions; }

int cmd_diff(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("tolerance", po::value<std::vector<std::string>>()->composing())("level", po::value<std::string>())(
      "all", po::bool_switch())("output,o", po::value<std::string>())("quiet", po::bool_switch());
  const po::variables_map vm = parse_args(args, desc, {"old", "new"});
  if (vm.count("old") == 0 || vm.count("new") == 0) throw UsageError("diff takes OLD and NEW (two output directories)");
  std::vector<reports::Tolerance> tolerances;
  if (vm.count("tolerance")) {
    for (const auto& text : vm["tolerance"].as<std::vector<std::string>>()) tolerances.push_back(reports::parse_tolerance(text));
  }
  const double level = vm.count("level") ? parse_level(vm["level"].as<std::string>()) : 0.05;
  const reports::DiffSide before = read_diff_side(vm["old"].as<std::string>());
  const reports::DiffSide after = read_diff_side(vm["new"].as<std::string>());
  const reports::DiffResult result = reports::diff_runs(before, after, std::move(tolerances), level);
  const fs::path file = fs::path(vm.count("output") ? vm["output"].as<std::string>() : ".") / kDiffFile;
  try {
    fs::create_directories(file.parent_path());
    reports::write_file_atomically(file, reports::diff_json(result, before, after));
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
  const std::size_t worse = result.count(reports::Verdict::kWorse);
  if (!vm["quiet"].as<bool>()) {
    std::fputs(reports::diff_table(result, before, after, vm["all"].as<bool>()).c_str(), stdout);
    std::printf("  wrote %s\n", file.string().c_str());
  }
  if (worse == 0) return 0;
  std::fprintf(stderr, "ecsim diff: %zu metric%s worse beyond tolerance:", worse, worse == 1 ? "" : "s");
  std::size_t named = 0;
  for (const auto& m : result.metrics) {
    if (m.verdict != reports::Verdict::kWorse) continue;
    if (named++ == 8) {
      std::fprintf(stderr, " and %zu more (diff.json lists them)", worse - 8);
      break;
    }
    std::fprintf(stderr, " %s", m.path.c_str());
  }
  std::fprintf(stderr, "\n");
  return static_cast<int>(sim::ExitCode::kCheckFailed);
}

}  // namespace ecsim::tools
