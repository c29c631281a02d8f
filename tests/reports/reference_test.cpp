// The references in the repository, held to the code: reports/README.md must name every file,
// CSV column and JSON key ecsim writes, and every exit status `ecsim help` lists;
// scenarios/README.md every key the loader accepts (scenarios/scenario_keys.h, the lists the
// loader checks keys against).
//
// Outputs come from running the built `ecsim` on bundled scenarios that together write every
// file: three-tier-day (services, deployments, load, auto scaling) with --explain and --check,
// capacity-day (capacity providers, Spot) with a Savings Plan and a trace added by --set, and
// `ecsim plan` with and without a passing candidate.
//
// JSON keys are checked as dotted paths (`services.NAME.wait.p99`): keys that are user names
// (services, jobs, zones, ...) or enum values (stop codes, failure reasons) are replaced by the
// placeholder the reference uses, `[]` stands for every element of a list of objects, and a
// list of scalars is one key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../tools/run_ecsim.h"
#include "placement/registry.h"
#include "scenarios/scenario_keys.h"
#include "sim/input_error.h"
#include "sim/model.h"
#include "sim/placer.h"
#include "sim/run_result.h"

namespace {

namespace fs = std::filesystem;
using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;

const fs::path kSource = ECSIM_SOURCE_DIR;

std::string backticked(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '`';
  out.append(name);
  out += '`';
  return out;
}

// The lines of `doc` from the heading that names `file` in backticks to the next heading.
std::string section_naming(const std::string& doc, const std::string& file) {
  std::istringstream in(doc);
  std::string line, out;
  bool inside = false;
  while (std::getline(in, line)) {
    const bool heading = line.rfind("#", 0) == 0;
    if (heading) {
      inside = line.find(backticked(file)) != std::string::npos || line.find(" " + file) != std::string::npos;
    }
    if (inside) out += line + "\n";
  }
  return out;
}

std::vector<std::string> csv_header(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> columns;
  std::istringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) columns.push_back(cell);
  return columns;
}

// Dotted paths of `j`'s leaves (and of its empty objects and lists). `placeholders` maps the
// path of an object keyed by names to the word that stands for them.
void flatten(const nlohmann::json& j, const std::string& path, const std::map<std::string, std::string>& placeholders,
             std::set<std::string>& out) {
  if (j.is_object() && !j.empty()) {
    const auto ph = placeholders.find(path);
    for (const auto& [key, value] : j.items()) {
      const std::string name = ph != placeholders.end() ? ph->second : key;
      flatten(value, path.empty() ? name : path + "." + name, placeholders, out);
    }
  } else if (j.is_array() && !j.empty() && j.front().is_object()) {
    for (const auto& item : j) flatten(item, path + "[]", placeholders, out);
  } else {
    out.insert(path);
  }
}

void require_paths_documented(const std::set<std::string>& paths, const std::string& doc, const std::string& what) {
  for (const std::string& p : paths) {
    INFO(what << " key " << p << " is not in reports/README.md");
    CHECK(doc.find(backticked(p)) != std::string::npos);
  }
}

const std::map<std::string, std::string> kSummaryPlaceholders = {
    {"tasks.stopped", "CODE"},
    {"outputs.files", "FILE"},
    {"placementFailures", "REASON"},
    {"utilization.cpu.byAvailabilityZone", "ZONE"},
    {"utilization.memory.byAvailabilityZone", "ZONE"},
    {"utilization.cpu.byInstanceType", "TYPE"},
    {"utilization.memory.byInstanceType", "TYPE"},
    {"cost.bySource", "NAME"},
    {"services", "NAME"},
    {"jobs", "NAME"},
    {"capacityProviders", "NAME"},
};

// The outputs of the runs described at the top, made once for every test case.
struct Runs {
  TempDir dir;
  fs::path tier;      // three-tier-day with --explain and --check
  fs::path capacity;  // capacity-day with a Savings Plan and a trace
  fs::path plan_best;
  fs::path plan_none;
  std::string help;
  Runs() {
    const fs::path examples = kSource / "scenarios/examples";
    tier = dir.path() / "tier";
    const auto a = run_ecsim({"run", (examples / "three-tier-day.json").string(), "-o", tier.string(), "--quiet",
                              "--no-html", "--explain=t1-t40", "--check", "tasks.submitted >= 1"},
                             dir.path());
    INFO(a.err);
    REQUIRE(a.status == 0);
    std::ofstream(dir.path() / "trace.csv") << "submit,cpu,memoryMiB,runtime,gpus,family,group\n0,256,512,60,0,tr,g\n"
                                               "30,512,1024,120,0,tr,g\n";
    capacity = dir.path() / "capacity";
    const auto b = run_ecsim(
        {"run", (examples / "capacity-day.json").string(), "-o", capacity.string(), "--quiet", "--no-html", "--set",
         R"(pricing={"savingsPlans": [{"discountPct": 20, "coveredInstances": 2, "instanceTypes": ["m5.large"]}]})",
         "--set", R"(traces=[{"file": ")" + (dir.path() / "trace.csv").string() + R"(", "format": "generic"}])"},
        dir.path());
    INFO(b.err);
    REQUIRE(b.status == 0);
    std::ofstream(dir.path() / "best.json")
        << R"({"vary": [{"set": "cluster.instanceGroups.fleet.count", "range": [9, 10]}],
        "slos": ["cost.total >= 0"], "surviveLossOf": "anyOneZone"})";
    std::ofstream(dir.path() / "none.json")
        << R"({"vary": [{"set": "cluster.instanceGroups.fleet.count", "values": [9]}],
        "slos": ["cost.total < 0"]})";
    const std::string plan_scenario = (examples / "plan-web-api-etl.json").string();
    plan_best = dir.path() / "plan-best";
    plan_none = dir.path() / "plan-none";
    const auto c = run_ecsim(
        {"plan", plan_scenario, "best.json", "-o", plan_best.string(), "--quiet", "--set", "duration=1h"}, dir.path());
    INFO(c.err);
    REQUIRE(c.status == 0);
    const auto d = run_ecsim(
        {"plan", plan_scenario, "none.json", "-o", plan_none.string(), "--quiet", "--set", "duration=1h"}, dir.path());
    INFO(d.err);
    REQUIRE(d.status == 3);
    const auto h = run_ecsim({"help"}, dir.path());
    REQUIRE(h.status == 0);
    help = h.out;
  }
};

const Runs& runs() {
  static const Runs r;
  return r;
}

const std::string& outputs_doc() {
  static const std::string doc = read_file(kSource / "reports/README.md");
  return doc;
}

const std::string& scenario_doc() {
  static const std::string doc = read_file(kSource / "scenarios/README.md");
  return doc;
}

}  // namespace

TEST_CASE("reference: every file ecsim run writes is named in reports/README.md", "[docs]") {
  REQUIRE(!outputs_doc().empty());
  for (const fs::path& dir : {runs().tier, runs().capacity}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      INFO("output file " << name << " is not in reports/README.md");
      CHECK(outputs_doc().find(backticked(name)) != std::string::npos);
    }
  }
  // Between them the runs wrote every optional file.
  CHECK(fs::exists(runs().tier / "placements.jsonl"));
  CHECK(fs::exists(runs().tier / "checks.xml"));
  CHECK(fs::exists(runs().plan_best / "plan.html"));
}

TEST_CASE("reference: every CSV column is in the section of reports/README.md for its file", "[docs]") {
  std::size_t files = 0;
  for (const fs::path& dir : {runs().tier, runs().capacity}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".csv") continue;
      const std::string name = entry.path().filename().string();
      const std::string section = section_naming(outputs_doc(), name);
      INFO("file " << name);
      REQUIRE(!section.empty());
      for (const std::string& column : csv_header(entry.path())) {
        INFO("column " << column << " is not in its file's section of reports/README.md");
        CHECK(section.find(backticked(column)) != std::string::npos);
      }
      ++files;
    }
  }
  CHECK(files >= 18);
}

TEST_CASE("reference: every summary.json key of a run is in reports/README.md", "[docs]") {
  std::set<std::string> paths;
  for (const fs::path& dir : {runs().tier, runs().capacity}) {
    flatten(nlohmann::json::parse(read_file(dir / "summary.json")), "", kSummaryPlaceholders, paths);
  }
  // The runs reach the optional parts: services with a load, capacity providers, Savings Plans, traces.
  CHECK(paths.count("services.NAME.load.unservedFraction") == 1);
  CHECK(paths.count("capacityProviders.NAME.desiredAtEnd") == 1);
  CHECK(paths.count("cost.savings.plans[].instanceTypes") == 1);
  CHECK(paths.count("trace.files[].wait.p99") == 1);
  require_paths_documented(paths, outputs_doc(), "summary.json");
}

TEST_CASE("reference: every stop code, placement failure reason and rollout state is in reports/README.md", "[docs]") {
  using namespace ecsim::sim;
  for (std::size_t c = 1; c < static_cast<std::size_t>(StopCode::kCount); ++c) {
    const std::string_view name = stop_code_name(static_cast<StopCode>(c));
    INFO("stop code " << name);
    CHECK(outputs_doc().find(backticked(name)) != std::string::npos);
  }
  for (std::size_t r = 1; r < static_cast<std::size_t>(FailureReason::kCount); ++r) {
    const std::string_view name = failure_reason_name(static_cast<FailureReason>(r));
    INFO("placement failure reason " << name);
    CHECK(outputs_doc().find(backticked(name)) != std::string::npos);
  }
  for (const RolloutState s : {RolloutState::kInProgress, RolloutState::kCompleted, RolloutState::kFailed}) {
    INFO("rollout state " << rollout_state_name(s));
    CHECK(outputs_doc().find(backticked(rollout_state_name(s))) != std::string::npos);
  }
}

TEST_CASE("reference: every key of run.json, checks.json and placements.jsonl is in reports/README.md", "[docs]") {
  std::set<std::string> run, checks, placements;
  flatten(nlohmann::json::parse(read_file(runs().tier / "run.json")), "", {}, run);
  require_paths_documented(run, outputs_doc(), "run.json");
  flatten(nlohmann::json::parse(read_file(runs().tier / "checks.json")), "", {}, checks);
  require_paths_documented(checks, outputs_doc(), "checks.json");
  std::istringstream lines(read_file(runs().tier / "placements.jsonl"));
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    flatten(nlohmann::json::parse(line), "", {{"filtered", "REASON"}}, placements);
  }
  REQUIRE(count > 0);
  require_paths_documented(placements, outputs_doc(), "placements.jsonl");
}

TEST_CASE("reference: every key of plan.json and every fixed column of plan.csv is in reports/README.md", "[docs]") {
  const std::map<std::string, std::string> placeholders = {
      {"best.settings", "PATH"},     {"best.margins", "SLO"},        {"frontier[].settings", "PATH"},
      {"frontier[].margins", "SLO"}, {"closest[].settings", "PATH"}, {"closest[].margins", "SLO"}};
  std::set<std::string> paths;
  for (const fs::path& dir : {runs().plan_best, runs().plan_none}) {
    flatten(nlohmann::json::parse(read_file(dir / "plan.json")), "", placeholders, paths);
  }
  CHECK(paths.count("best.margins.SLO") == 1);
  CHECK(paths.count("closest[].broke") == 1);
  require_paths_documented(paths, outputs_doc(), "plan.json");
  const std::string section = section_naming(outputs_doc(), "Plan outputs");
  REQUIRE(!section.empty());
  const std::vector<std::string> columns = csv_header(runs().plan_best / "plan.csv");
  REQUIRE(columns.size() == 5);  // the vary path, cost, the SLO, passed, runs
  for (std::size_t k = 1; k < columns.size(); ++k) {
    if (k == 2) continue;  // the SLO's own text
    INFO("plan.csv column " << columns[k]);
    CHECK(section.find(backticked(columns[k])) != std::string::npos);
  }
}

TEST_CASE("reference: the exit statuses of ecsim help are the table of reports/README.md", "[docs]") {
  const std::string& help = runs().help;
  const std::string prefix = "exit status: ";
  const std::size_t at = help.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::string line = help.substr(at + prefix.size(), help.find('\n', at) - at - prefix.size());
  // "0 done, 1 internal error, 2 bad input or usage, 3 a requested check failed"
  std::istringstream items(line);
  std::vector<int> statuses;
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    const std::size_t space = item.find(' ');
    REQUIRE(space != std::string::npos);
    const std::string status = item.substr(0, space);
    const std::string meaning = item.substr(space + 1);
    INFO("exit status " << status << " " << meaning << ": reports/README.md lacks the row | `" << status << "` | "
                        << meaning << " |");
    CHECK(outputs_doc().find("| `" + status + "` | " + meaning + " |") != std::string::npos);
    statuses.push_back(std::stoi(status));
  }
  CHECK(statuses == std::vector<int>{static_cast<int>(ecsim::sim::ExitCode::kOk),
                                     static_cast<int>(ecsim::sim::ExitCode::kInternal),
                                     static_cast<int>(ecsim::sim::ExitCode::kInput),
                                     static_cast<int>(ecsim::sim::ExitCode::kCheckFailed)});
}

TEST_CASE("reference: every key the loader accepts is in its object's row of scenarios/README.md", "[docs]") {
  REQUIRE(!scenario_doc().empty());
  for (const ecsim::scenarios::KeySet* set : ecsim::scenarios::keys::kAllKeySets) {
    INFO("object \"" << set->kind << "\": scenarios/README.md needs a row | " << set->kind << " | listing its keys");
    const std::string row_start = "| " + std::string(set->kind) + " |";
    const std::size_t at = scenario_doc().find(row_start);
    REQUIRE(at != std::string::npos);
    const std::string row = scenario_doc().substr(at, scenario_doc().find('\n', at) - at);
    for (const std::string_view key : set->keys) {
      INFO("key " << key);
      CHECK(row.find(backticked(key)) != std::string::npos);
    }
  }
}

TEST_CASE("reference: the loader's key lists are sorted and unique, as check_keys requires", "[docs]") {
  for (const ecsim::scenarios::KeySet* set : ecsim::scenarios::keys::kAllKeySets) {
    INFO(set->kind);
    CHECK(std::is_sorted(set->keys.begin(), set->keys.end()));
    CHECK(std::adjacent_find(set->keys.begin(), set->keys.end()) == set->keys.end());
  }
}

TEST_CASE("reference: every event type is in the events table of scenarios/README.md", "[docs]") {
  using ecsim::sim::EventType;
  const std::string section = section_naming(scenario_doc(), "events");
  REQUIRE(!section.empty());
  for (int t = 0; t <= static_cast<int>(EventType::kInsufficientCapacity); ++t) {
    const std::string_view name = ecsim::sim::event_type_name(static_cast<EventType>(t));
    INFO("event type " << name);
    CHECK(section.find("| " + backticked(name) + " |") != std::string::npos);
  }
}

namespace {

// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
std::string heading_anchor(std::string_view heading) {
  std::string out;
  for (const char ch : heading) {
    if (ch >= 'A' && ch <= 'Z') {
      out += static_cast<char>(ch - 'A' + 'a');
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') {
      out += ch;
    } else if (ch == ' ') {
      out += '-';
    }
  }
  return out;
}

std::set<std::string> anchors_of(const fs::path& doc) {
  std::set<std::string> out;
  std::istringstream in(read_file(doc));
  bool fenced = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced || line.rfind("#", 0) != 0) continue;
    const std::size_t text = line.find_first_not_of('#');
    if (text == std::string::npos || line[text] != ' ') continue;
    out.insert(heading_anchor(std::string_view(line).substr(text + 1)));
  }
  return out;
}

}  // namespace

TEST_CASE("reference: every relative link of the three READMEs names a file and a heading that exist", "[docs]") {
  std::size_t links = 0;
  for (const char* name : {"README.md", "scenarios/README.md", "reports/README.md"}) {
    const fs::path doc = kSource / name;
    const std::string text = read_file(doc);
    REQUIRE(!text.empty());
    for (std::size_t at = text.find("]("); at != std::string::npos; at = text.find("](", at + 2)) {
      const std::size_t end = text.find(')', at);
      REQUIRE(end != std::string::npos);
      const std::string target = text.substr(at + 2, end - at - 2);
      if (target.rfind("http", 0) == 0) continue;
      const std::size_t hash = target.find('#');
      const fs::path file = hash == 0 ? doc : doc.parent_path() / target.substr(0, hash);
      INFO(name << ": link (" << target << ")");
      REQUIRE(fs::exists(file));
      if (hash != std::string::npos) CHECK(anchors_of(file).count(target.substr(hash + 1)) == 1);
      ++links;
    }
  }
  CHECK(links >= 10);
}

TEST_CASE("reference: the loader checks keys only against the sets of scenario_keys.h, all of them listed", "[docs]") {
  // A list written at a call site, or a set left out of kAllKeySets, would escape the tests above.
  std::size_t calls = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".cpp" || entry.path().filename() == "json_cursor.cpp") continue;
    const std::string text = read_file(entry.path());
    for (std::size_t at = text.find(".check_keys("); at != std::string::npos; at = text.find(".check_keys(", at + 1)) {
      INFO(entry.path().filename().string() << ": " << text.substr(at, 60));
      CHECK(text.compare(at + 12, 7, "keys::k") == 0);
      ++calls;
    }
  }
  CHECK(calls >= std::size(ecsim::scenarios::keys::kAllKeySets));
  const std::string header = read_file(kSource / "scenarios/scenario_keys.h");
  std::size_t declared = 0;
  for (std::size_t at = header.find("inline constexpr KeySet "); at != std::string::npos;
       at = header.find("inline constexpr KeySet ", at + 1)) {
    ++declared;
  }
  CHECK(declared == std::size(ecsim::scenarios::keys::kAllKeySets));
}

TEST_CASE("reference: every field ecsim reads of a task definition or a service is in its section of scenarios/README.md",
          "[docs]") {
  // These objects are pasted from ECS and ignore what ecsim does not model, so there is no list
  // of accepted keys to hold the page to: the keys the reader names in its source are used
  // instead (c["cpu"], c.has("cpu"), has_value(c, "cpu")).
  const std::regex read_key(R"re((?:\[|has\(|has_value\(\w+, )"([a-zA-Z]+)")re");
  for (const auto& [file, heading] : {std::pair<const char*, const char*>{"task_definition.cpp", "taskDefinitions"},
                                      std::pair<const char*, const char*>{"services.cpp", "services"}}) {
    const std::string source = read_file(kSource / "scenarios" / file);
    const std::string section = section_naming(scenario_doc(), heading);
    REQUIRE(!section.empty());
    std::size_t keys = 0;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), read_key); it != std::sregex_iterator(); ++it) {
      const std::string key = (*it)[1].str();
      INFO(file << " reads " << key << ": not in the " << heading << " section of scenarios/README.md");
      CHECK(section.find(backticked(key)) != std::string::npos);
      ++keys;
    }
    CHECK(keys >= 20);
  }
}

TEST_CASE("reference: every built-in strategy type, preset and constraint type is in scenarios/README.md", "[docs]") {
  const std::string section = section_naming(scenario_doc(), "placement strategies and constraints");
  REQUIRE(!section.empty());
  for (const auto& info : ecsim::placement::strategy_infos()) {
    if (info.plugin != nullptr) continue;  // a plugin another test loaded
    INFO("strategy type " << info.name);
    CHECK(section.find(backticked(info.name)) != std::string::npos);
  }
  for (const auto& preset : ecsim::placement::strategy_presets()) {
    INFO("strategy preset " << preset.name);
    CHECK(section.find(backticked(preset.name)) != std::string::npos);
  }
  for (const std::string_view type : ecsim::placement::constraint_types()) {
    INFO("constraint type " << type);
    CHECK(section.find(backticked(type)) != std::string::npos);
  }
}

TEST_CASE("reference: every value the loader chooses among is in scenarios/README.md", "[docs]") {
  // Enumerated values are chosen by choose(cursor, "what", {"a", "b"}) with the list written at
  // the call (or a named list, which the tests above cover where it matters: event types,
  // strategies): read from the loader's source.
  const std::regex call(R"re(choose\([^;]*?,\s*"[^"]+",\s*\{([^}]*)\}\))re");
  const std::regex quoted(R"re("([^"]+)")re");
  std::size_t lists = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string source = read_file(entry.path());
    for (auto it = std::sregex_iterator(source.begin(), source.end(), call); it != std::sregex_iterator(); ++it) {
      const std::string values = (*it)[1].str();
      for (auto v = std::sregex_iterator(values.begin(), values.end(), quoted); v != std::sregex_iterator(); ++v) {
        INFO(entry.path().filename().string() << " chooses among " << values << ": " << (*v)[1].str()
                                              << " is not in scenarios/README.md");
        CHECK(scenario_doc().find(backticked((*v)[1].str())) != std::string::npos);
      }
      ++lists;
    }
  }
  CHECK(lists >= 10);
}

TEST_CASE("reference: every instance event and marker kind is in the section of its CSV file", "[docs]") {
  using namespace ecsim::sim;
  const std::string instance_events = section_naming(outputs_doc(), "instance-events.csv");
  REQUIRE(!instance_events.empty());
  for (std::size_t k = 0; k < static_cast<std::size_t>(InstanceEventKind::kCount); ++k) {
    const std::string_view name = instance_event_name(static_cast<InstanceEventKind>(k));
    INFO("instance event " << name);
    CHECK(instance_events.find(backticked(name)) != std::string::npos);
  }
  const std::string markers = section_naming(outputs_doc(), "markers.csv");
  REQUIRE(!markers.empty());
  for (int k = 0; k <= static_cast<int>(MarkerKind::kScaleIn); ++k) {
    const std::string_view name = marker_kind_name(static_cast<MarkerKind>(k));
    INFO("marker kind " << name);
    CHECK(markers.find(backticked(name)) != std::string::npos);
  }
}
