#include "scenarios/sweep_file.h"

#include <cstdint>
#include <filesystem>

#include "scenarios/json_cursor.h"
#include "scenarios/loader.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/text_files.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kMaxSeeds = 1000;
constexpr const char* kStrategyWhat =
    "a strategy: a name (\"binpack:memory\"), a preset, a comma list, \"scenario\" or an ECS placementStrategy list";

// One `strategies` item as compare's --strategy text, checked now so that a typo is named at its
// place in the sweep file rather than after the first runs.
std::string read_strategy(const JsonCursor& item) {
  std::string text;
  if (item.is_string()) {
    text = item.get_name(kStrategyWhat);
    if (text == "scenario") return text;
  } else if (item.is_array() || item.is_object()) {
    text = item.json().dump();
  } else {
    item.fail(kStrategyWhat);
  }
  try {
    (void)parse_strategy_override(text);
  } catch (const sim::InputError& e) {
    // The strategy text's own pointer ("/0/field") continues the item's.
    throw sim::InputError(item.file(), item.pointer() + (item.is_string() ? "" : e.pointer()), e.expected(), e.got());
  }
  return text;
}

}  // namespace

SweepFile load_sweep_text(const std::string& text, const std::string& label) {
  const auto doc = parse_json_document(text, label);
  const JsonCursor root(*doc);
  root.expect_object("a sweep object");
  root.check_keys(keys::kSweep);
  SweepFile sweep;
  sweep.label = label;
  const std::string scenario = root["scenario"].get_name("the scenario file's path (relative to the sweep file)");
  const std::filesystem::path path(scenario);
  sweep.scenario = path.is_absolute() ? scenario : (std::filesystem::path(label).parent_path() / path).string();
  std::uint64_t runs = 1;
  if (root.has("vary")) {
    sweep.vary = read_plan_dimensions(root["vary"]);
    for (const auto& d : sweep.vary) runs *= d.values.size();
  }
  if (root.has("strategies")) {
    const JsonCursor list = root["strategies"];
    list.expect_array("a non-empty list of strategies");
    if (list.size() == 0) list.fail("a non-empty list of strategies");
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string s = read_strategy(list.at(i));
      for (const auto& earlier : sweep.strategies) {
        if (earlier == s) list.at(i).fail("a strategy not listed before");
      }
      sweep.strategies.push_back(std::move(s));
    }
  } else {
    sweep.strategies.emplace_back("scenario");
  }
  if (root.has("sources")) {
    const JsonCursor list = root["sources"];
    list.expect_array("a non-empty list of job, service or trace names");
    if (list.size() == 0) list.fail("a non-empty list of job, service or trace names");
    for (std::size_t i = 0; i < list.size(); ++i) sweep.sources.push_back(list.at(i).get_name("a job, service or trace name"));
  }
  if (root.has("seeds")) sweep.seeds = root["seeds"].get_int(1, kMaxSeeds, "a number of seeds from 1 to 1000");
  if (root.has("firstSeed")) {
    sweep.first_seed = static_cast<std::uint64_t>(root["firstSeed"].get_int(0, INT64_MAX / 2, "a seed from 0 to 4611686018427387903"));
  }
  runs *= sweep.strategies.size() * static_cast<std::uint64_t>(sweep.seeds);
  if (runs > kMaxSweepRuns) {
    root.fail("at most 100000 runs (combinations x strategies x seeds)", std::to_string(runs) + " runs");
  }
  return sweep;
}

SweepFile load_sweep_file(const std::string& path) {
  std::string why;
  const auto text = read_text_file(path, why);
  if (!text) throw sim::InputError(path, "/", "a readable sweep file", why);
  return load_sweep_text(*text, path);
}

}  // namespace ecsim::scenarios
