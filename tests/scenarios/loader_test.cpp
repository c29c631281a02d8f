#include "scenarios/loader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "error_text.h"
#include "placement/registry.h"
#include "scenarios/catalog.h"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
using testing::error_text;

const std::string kSourceDir = ECSIM_SOURCE_DIR;
const std::string kBrokenDir = kSourceDir + "/tests/scenarios/broken";

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small valid scenario; `extra` adds top-level keys.
std::string minimal(const std::string& extra = "") {
  return R"({"cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"],
               "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 2}]},
             "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "c", "image": "i", "memory": 256}]}])" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

sim::Scenario load_text(const std::string& text) { return load_scenario_text(text, "s.json", kBrokenDir); }
std::string load_error(const std::string& text) {
  return error_text([&] { load_text(text); });
}

TEST_CASE("loader: a minimal scenario gets the documented defaults", "[scenarios]") {
  const sim::Scenario s = load_text(minimal());
  CHECK(s.name == "s");
  CHECK(s.seed == 0);
  CHECK(s.duration == sim::kDay);
  CHECK(s.sample_interval == sim::kMinute);
  CHECK(s.region == "us-east-1");
  CHECK(s.cluster.name == "default");
  REQUIRE(s.cluster.instance_groups.size() == 1);
  const auto& g = s.cluster.instance_groups[0];
  CHECK(s.instance_types[g.instance_type].name == "m5.large");
  CHECK(g.zones == std::vector<std::uint32_t>{0, 1});
  CHECK(g.market == sim::Market::kOnDemand);
  CHECK(g.reserved_memory_mib == 0);
  CHECK(s.cluster.agent.task_start_latency == 0);
  CHECK(s.cluster.agent.heartbeat_interval == 30 * sim::kSecond);
  REQUIRE(s.default_strategy.size() == 1);
  CHECK(s.default_strategy[0].type == "random");
  CHECK(s.strategy_label == "random");
  CHECK(s.task_definitions.size() == 1);
  CHECK(s.task_definitions[0].revision == 1);
}

TEST_CASE("loader: the contract's example error reads exactly as documented", "[scenarios]") {
  const std::string text = minimal(R"("jobs": [{"name": "j", "taskDefinition": "app", "arrival": {"type": "fixed", "interval": "1m"},
      "runtime": {"type": "lognormal", "median": "fast", "p90": "1h"}}])");
  CHECK(error_text([&] { load_scenario_text(text, "scenario.json", kBrokenDir); }) ==
        "scenario.json: /jobs/0/runtime/median: expected a duration, got \"fast\"");
}

TEST_CASE("loader: a scenario path that cannot be read is an input error naming it", "[scenarios]") {
  CHECK(error_text([] { load_scenario("/nonexistent/ecsim/scenario.json"); }) ==
        "/nonexistent/ecsim/scenario.json: /: expected a readable scenario file, got not found");
  CHECK(error_text([] { load_scenario(kBrokenDir); }) ==
        kBrokenDir + ": /: expected a readable scenario file, got not a regular file");
}

TEST_CASE("loader: instances reserve the Linux default ports unless told otherwise", "[ecs][scenarios]") {
  // Agent README, ECS_RESERVED_PORTS: default [22, 2375, 2376, 51678, 51679] on Linux.
  CHECK(load_text(minimal()).cluster.instance_groups[0].reserved_tcp_ports ==
        std::vector<std::uint16_t>{22, 2375, 2376, 51678, 51679});
  const auto s = load_text(R"({"cluster": {"availabilityZones": ["z"], "instanceGroups": [
      {"name": "a", "instanceType": "m5.large", "count": 1, "reservedPorts": [8080, 22]},
      {"name": "w", "instanceType": "m5.large", "count": 1, "osType": "windows"}]}})");
  CHECK(s.cluster.instance_groups[0].reserved_tcp_ports == std::vector<std::uint16_t>{22, 8080});
  CHECK(s.cluster.instance_groups[1].reserved_tcp_ports ==
        std::vector<std::uint16_t>{53, 135, 139, 445, 2375, 2376, 3389, 5985, 5986, 51678, 51679});
}

TEST_CASE("loader: ECS_RESERVED_MEMORY must stay below what the instance registers", "[ecs][scenarios]") {
  // Agent: registration fails when the reserve is not below the instance's memory.
  CHECK(load_error(R"({"cluster": {"availabilityZones": ["z"], "instanceGroups": [
      {"name": "a", "instanceType": "m4.large", "count": 1, "reservedMemoryMiB": 7985}]}})") ==
        "s.json: /cluster/instanceGroups/0/reservedMemoryMiB: expected less than the 7985 MiB a m4.large registers, got "
        "7985");
  const auto s = load_text(R"({"cluster": {"availabilityZones": ["z"], "instanceGroups": [
      {"name": "a", "instanceType": "m4.large", "count": 1, "reservedMemoryMiB": 256}]}})");
  const auto& g = s.cluster.instance_groups[0];
  CHECK(registered_memory_mib(s.instance_types[g.instance_type], g.reserved_memory_mib) == 7729);
}

TEST_CASE("loader: task definition references resolve to the latest or the named revision", "[scenarios]") {
  const auto s = load_text(minimal(R"("services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 2,
      "cluster": "ignored", "loadBalancers": []}],
      "jobs": [{"name": "j", "taskDefinition": "app:1", "arrival": {"type": "fixed", "interval": "1m"},
                "runtime": {"type": "constant", "value": "30s"}}])"));
  CHECK(s.services[0].task_definition == 0);
  CHECK(s.services[0].strategy.empty());
  CHECK(s.services[0].minimum_healthy_percent == 100);
  CHECK(s.services[0].maximum_percent == 200);
  CHECK(s.jobs[0].group == "family:app");
  CHECK(s.jobs[0].on_failure == sim::OnPlacementFailure::kWait);
  CHECK(s.jobs[0].arrival.kind == sim::ArrivalSpec::Kind::kFixed);
  CHECK(s.jobs[0].arrival.interval == sim::kMinute);
  CHECK(s.jobs[0].arrival.end == sim::kNever);
  CHECK(s.jobs[0].arrival.count == -1);
}

TEST_CASE("loader: a name given as another JSON type is reported with the right article", "[scenarios]") {
  CHECK(load_error(minimal(R"("jobs": [{"name": "j", "taskDefinition": "app", "arrival": {"type": 3}}])")) ==
        "s.json: /jobs/0/arrival/type: expected an arrival type, got 3");
  CHECK(load_error(minimal(R"("services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementStrategy": [{"type": null}]}])")) ==
        "s.json: /services/0/placementStrategy/0/type: expected a placement strategy type, got null");
}

TEST_CASE("loader: arrivals and runtimes of every kind", "[scenarios]") {
  const auto s = load_text(minimal(R"("jobs": [
      {"name": "p", "taskDefinition": "app", "arrival": {"type": "poisson", "ratePerHour": 120, "start": "01:00", "end": "05:00", "count": 10},
       "runtime": {"type": "lognormal", "median": "20m", "p90": "45m"}},
      {"name": "q", "taskDefinition": "app", "arrival": {"type": "poisson", "ratePerSecond": 0.5},
       "runtime": {"type": "exponential", "mean": "90s"}},
      {"name": "l", "taskDefinition": "app", "arrival": {"type": "list", "at": ["02:00", "30m", 10]},
       "runtime": {"type": "uniform", "min": "1m", "max": "2m"}},
      {"name": "e", "taskDefinition": "app", "arrival": {"type": "fixed", "interval": 60},
       "runtime": {"type": "empirical", "file": "files/runtimes.txt"}}])"));
  const auto& p = s.jobs[0];
  CHECK(p.arrival.kind == sim::ArrivalSpec::Kind::kPoisson);
  CHECK(p.arrival.rate_per_second == Approx(120.0 / 3600.0));
  CHECK(p.arrival.start == sim::kHour);
  CHECK(p.arrival.end == 5 * sim::kHour);
  CHECK(p.arrival.count == 10);
  CHECK(p.runtime.median == 20 * sim::kMinute);
  CHECK(p.runtime.p90 == 45 * sim::kMinute);
  CHECK(s.jobs[1].arrival.rate_per_second == 0.5);
  CHECK(s.jobs[1].runtime.mean == 90 * sim::kSecond);
  CHECK(s.jobs[2].arrival.at == std::vector<sim::SimTime>{10 * sim::kSecond, 30 * sim::kMinute, 2 * sim::kHour});
  CHECK(s.jobs[2].runtime.min == sim::kMinute);
  CHECK(s.jobs[3].runtime.samples == std::vector<sim::SimTime>{45 * sim::kSecond, 70 * sim::kSecond, 2500 * sim::kMillisecond});
}

TEST_CASE("loader: strategies are checked and rendered compactly", "[scenarios]") {
  const auto s = load_text(minimal(R"("placement": {"defaultStrategy": [
      {"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]})"));
  CHECK(s.strategy_label == "spread(attribute:ecs.availability-zone),binpack(memory)");
  CHECK(strategy_label({{"x", "", {{"alpha", 0.5}, {"k", 3}}}}) == "x(alpha=0.5,k=3)");
}

TEST_CASE("loader: placement limits follow ECS: 5 strategies, 10 constraints, distinctInstance has no expression", "[ecs][scenarios]") {
  // Dev Guide "Amazon ECS task placement": at most 5 strategies and 10 constraints per task.
  std::string six = "[";
  for (int i = 0; i < 6; ++i) six += std::string(i ? "," : "") + R"({"type": "random"})";
  six += "]";
  CHECK(load_error(minimal(R"("placement": {"defaultStrategy": )" + six + "}")) ==
        "s.json: /placement/defaultStrategy: expected at most 5 placement strategies, got 6");
  std::string eleven = "[";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? "," : "") + R"({"type": "distinctInstance"})";
  eleven += "]";
  CHECK(load_error(minimal(R"("services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementConstraints": )" + eleven + "}]")) ==
        "s.json: /services/0/placementConstraints: expected at most 10 placement constraints, got 11");
  CHECK(load_error(minimal(R"("services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementConstraints": [{"type": "distinctInstance", "expression": "x"}]}])")) ==
        "s.json: /services/0/placementConstraints/0/expression: expected no expression: distinctInstance takes none, "
        "got \"x\"");
}

TEST_CASE("loader: memberOf needs a valid expression of at most 2000 characters", "[ecs][scenarios]") {
  // Dev Guide "Amazon ECS task placement constraints": memberOf takes a cluster query language
  // expression, at most 2000 characters.
  const auto service = [](const std::string& constraint) {
    return minimal(R"("services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
      "placementConstraints": [{"type": "distinctInstance"}, )" + constraint + "]}]");
  };
  CHECK(load_text(service(R"({"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"})"))
            .services[0]
            .constraints[1]
            .expression == "attribute:ecs.instance-type =~ t2.*");
  CHECK(load_error(service(R"({"type": "memberOf"})")) ==
        "s.json: /services/0/placementConstraints/1/expression: expected a cluster query language expression, got nothing");
  CHECK(load_error(service(R"({"type": "memberOf", "expression": ")" + std::string(2001, 'x') + R"("})")) ==
        "s.json: /services/0/placementConstraints/1/expression: expected an expression of at most 2000 characters, got "
        "2001 characters");
  // Syntax errors are caught at load time, with their column in the expression.
  CHECK(load_error(service(R"({"type": "memberOf", "expression": "attribute:ecs.availability-zone in"})")) ==
        "s.json: /services/0/placementConstraints/1/expression: column 35: expected a list of values such as [a, b] "
        "after 'in', got the end of the expression");
}

TEST_CASE("loader: a task definition's memberOf expressions are checked and kept", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters": placementConstraints takes memberOf only.
  const auto with = [](const std::string& expression) {
    return R"({"cluster": {"availabilityZones": ["us-east-1a"]},
               "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "c", "image": "i", "memory": 256}],
                                    "placementConstraints": [{"type": "memberOf", "expression": ")" +
           expression + R"("}]}]})";
  };
  CHECK(load_text(with("attribute:ecs.os-type == linux")).task_definitions[0].member_of ==
        std::vector<std::string>{"attribute:ecs.os-type == linux"});
  CHECK(load_error(with("agentVersion >= latest")) ==
        "s.json: /taskDefinitions/0/placementConstraints/0/expression: column 17: expected an agent version such as "
        "1.14.5 after '>=', got \"latest\"");
}

TEST_CASE("loader: a task group name has at most 255 characters", "[ecs][scenarios]") {
  // Dev Guide "Task groups": "The task group name ... can be up to 255 characters".
  const auto job = [](const std::string& group) {
    return minimal(R"("jobs": [{"name": "j", "taskDefinition": "app", "group": ")" + group +
                   R"(", "arrival": {"type": "fixed", "interval": "1m"}, "runtime": {"type": "constant", "value": 1}}])");
  };
  CHECK(load_text(job(std::string(255, 'g'))).jobs[0].group.size() == 255);
  CHECK(load_error(job(std::string(256, 'g'))) ==
        "s.json: /jobs/0/group: expected a task group name of at most 255 characters, got \"" + std::string(56, 'g') + "...");
}

TEST_CASE("loader: --strategy takes names, name:field lists and ECS JSON", "[scenarios]") {
  auto one = parse_strategy_override("binpack:memory");
  REQUIRE(one.size() == 1);
  CHECK(one[0].type == "binpack");
  CHECK(one[0].field == "memory");
  CHECK(strategy_label(parse_strategy_override("random")) == "random");
  CHECK(strategy_label(parse_strategy_override("spread:attribute:ecs.availability-zone, binpack:cpu")) ==
        "spread(attribute:ecs.availability-zone),binpack(cpu)");
  CHECK(strategy_label(parse_strategy_override(R"([{"type":"binpack","field":"cpu"}])")) == "binpack(cpu)");
  CHECK(strategy_label(parse_strategy_override(R"({"type":"spread","field":"instanceId"})")) == "spread(instanceId)");
  CHECK(error_text([] { parse_strategy_override("binpak:cpu"); }) ==
        "--strategy: /0/type: expected a known placement strategy type (did you mean \"binpack\"? valid: bestFitDrf, "
        "binpack, firstFit, leastAllocated, mostAllocated, powerOfTwoChoices, random, spread, tetris, worstFit), got "
        "\"binpak\"");
  CHECK(error_text([] { parse_strategy_override("binpack"); }) ==
        "--strategy: /0/field: expected a binpack field: cpu or memory, got nothing");
  CHECK(error_text([] { parse_strategy_override("[{\"type\": }]"); }) ==
        "--strategy: /: expected valid JSON, got a syntax error at line 1, column 11 (syntax error while parsing value - "
        "unexpected '}'; expected '[', '{', or a literal)");
  CHECK(error_text([] { parse_strategy_override(""); }) == "--strategy: /: expected a strategy name or an ECS JSON strategy list, got nothing");
}

TEST_CASE("loader: research strategies load from scenarios and --strategy, without a field", "[scenarios]") {
  const auto s = load_text(minimal(R"("placement": {"defaultStrategy": [{"type": "tetris"}]},
      "services": [{"serviceName": "a", "taskDefinition": "app", "desiredCount": 1,
                    "placementStrategy": [{"type": "powerOfTwoChoices"}, {"type": "firstFit"}]}])"));
  REQUIRE(s.default_strategy.size() == 1);
  CHECK(s.default_strategy[0].type == "tetris");
  CHECK(s.strategy_label == "tetris");
  CHECK(strategy_label(s.services[0].strategy) == "powerOfTwoChoices,firstFit");
  CHECK(strategy_label(parse_strategy_override("tetris")) == "tetris");
  CHECK(strategy_label(parse_strategy_override("spread:attribute:ecs.availability-zone, bestFitDrf")) ==
        "spread(attribute:ecs.availability-zone),bestFitDrf");
  CHECK(strategy_label(parse_strategy_override(R"({"type": "worstFit"})")) == "worstFit");
  CHECK(error_text([] { parse_strategy_override("tetris:cpu"); }) ==
        "--strategy: /0/field: expected no field for tetris, got \"cpu\"");
  CHECK(error_text([] { parse_strategy_override("tetrs"); }) ==
        "--strategy: /0/type: expected a known placement strategy type (did you mean \"tetris\"? valid: bestFitDrf, "
        "binpack, firstFit, leastAllocated, mostAllocated, powerOfTwoChoices, random, spread, tetris, worstFit), got "
        "\"tetrs\"");
}

TEST_CASE("loader: a generic trace becomes tasks relative to its first record", "[scenarios]") {
  const auto s = load_text(minimal(R"("traces": [{"file": "files/trace.csv", "format": "generic", "limit": 3}])"));
  REQUIRE(s.traces.size() == 1);
  const auto& t = s.traces[0];
  CHECK(t.records_read == 3);
  std::vector<sim::TraceTask> tasks;
  const auto reader = sim::open_trace_reader(t);
  sim::TraceTask task;
  sim::SimTime wait = -1;
  while (reader->next(task, wait)) tasks.push_back(task);
  REQUIRE(tasks.size() == 3);
  CHECK(tasks[0].submit == 0);
  CHECK(tasks[0].need.cpu == 512);
  CHECK(tasks[0].need.memory_mib == 1024);
  CHECK(tasks[0].runtime == 60 * sim::kSecond);
  CHECK(tasks[1].submit == 500 * sim::kMillisecond);
  CHECK(tasks[2].submit == 5 * sim::kSecond);
  CHECK(tasks[2].need.gpus == 1);
  CHECK(t.families == std::vector<std::string>{"etl", "ml"});
  CHECK(t.groups == std::vector<std::string>{"family:etl", "team-a"});
  CHECK(tasks[2].group == 1);
}

TEST_CASE("loader: events are parsed and sorted by time", "[scenarios]") {
  const auto s = load_text(minimal(R"("events": [{"at": "6h", "type": "azOutage", "zone": "us-east-1b", "duration": "30m"},
                                                 {"at": "01:00", "type": "azOutage", "zone": "us-east-1a"}])"));
  REQUIRE(s.events.size() == 2);
  CHECK(s.events[0].type == sim::EventType::kAzOutage);
  CHECK(s.events[0].at == sim::kHour);
  CHECK(s.events[0].zone == 0);
  CHECK(s.events[0].duration == sim::kNever);
  CHECK(s.events[1].zone == 1);
  CHECK(s.events[1].duration == 30 * sim::kMinute);
}

TEST_CASE("loader: every bundled scenario loads", "[scenarios]") {
  for (const char* rel : {"scenarios/default.json", "scenarios/examples/mmc-queue.json",
                          "scenarios/examples/gpu-batch.json", "scenarios/examples/web-and-etl.json"}) {
    INFO(rel);
    const sim::Scenario s = load_scenario(kSourceDir + "/" + rel);
    CHECK(!s.cluster.instance_groups.empty());
    CHECK(!s.task_definitions.empty());
  }
}

TEST_CASE("loader: the default scenario uses catalog types, a file task definition and every arrival kind", "[scenarios]") {
  const sim::Scenario s = load_scenario(kSourceDir + "/scenarios/default.json");
  CHECK(s.duration == sim::kDay);
  CHECK(s.cluster.availability_zones.size() == 3);
  const auto web = std::find_if(s.task_definitions.begin(), s.task_definitions.end(), [](const auto& d) { return d.family == "web"; });
  REQUIRE(web != s.task_definitions.end());
  CHECK(web->revision == 3);
  CHECK(web->source_file == kSourceDir + "/scenarios/taskdefs/web.json");
  std::vector<sim::ArrivalSpec::Kind> kinds;
  for (const auto& j : s.jobs) kinds.push_back(j.arrival.kind);
  CHECK(std::count(kinds.begin(), kinds.end(), sim::ArrivalSpec::Kind::kPoisson) >= 1);
  CHECK(std::count(kinds.begin(), kinds.end(), sim::ArrivalSpec::Kind::kFixed) >= 1);
  CHECK(std::count(kinds.begin(), kinds.end(), sim::ArrivalSpec::Kind::kList) >= 1);
}

TEST_CASE("loader: the mmc-queue example defines one-slot synthetic servers", "[scenarios]") {
  const sim::Scenario s = load_scenario(kSourceDir + "/scenarios/examples/mmc-queue.json");
  const auto& g = s.cluster.instance_groups.at(0);
  const auto& t = s.instance_types[g.instance_type];
  CHECK(t.name == "slot.small");
  CHECK(t.os_memory_mib == 1024);
  CHECK(s.task_definitions[0].reserved.cpu == 1024);
  CHECK(s.task_definitions[0].reserved.memory_mib == 1024);
  CHECK(g.reserved_tcp_ports.empty());
}

TEST_CASE("loader: every shared ECS task definition sample loads in a scenario", "[scenarios]") {
  const std::string dir = std::string(ECSIM_SHARED_DATA_DIR) + "/taskdefs";
  std::string defs;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 4);
  for (const auto& n : names) defs += std::string(defs.empty() ? "" : ", ") + R"({"file": ")" + n + R"("})";
  const sim::Scenario s = load_scenario_text(
      R"({"cluster": {"availabilityZones": ["z"]}, "taskDefinitions": [)" + defs + "]}", "shared.json", dir);
  CHECK(s.task_definitions.size() == names.size());
}

TEST_CASE("loader: a scenario's checks are kept as written, trimmed, their syntax checked at load", "[scenarios][checks]") {
  const sim::Scenario s = load_text(minimal(R"("checks": [" wait.p99 <= 5 ", "cost.total<100"])"));
  CHECK(s.checks == std::vector<std::string>{"wait.p99 <= 5", "cost.total<100"});
  CHECK(load_error(minimal(R"("checks": "wait.p99 <= 5")")) ==
        "s.json: /checks: expected an array of check expressions, got \"wait.p99 <= 5\"");
}

// The broken corpus: each tests/scenarios/broken/*.json fails to load with exactly the message
// in its .expected sidecar. Run with ECSIM_UPDATE_BROKEN=1 to rewrite the sidecars (then read
// every diff before committing).
TEST_CASE("loader: each broken scenario fails with its pinned message", "[scenarios]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kBrokenDir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 40);
  const bool update = std::getenv("ECSIM_UPDATE_BROKEN") != nullptr;
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    INFO(name);
    const std::string message =
        error_text([&] { load_scenario_text(read_all(f), name, kBrokenDir); });
    fs::path expected_path = f;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << message << "\n";
      continue;
    }
    REQUIRE(fs::exists(expected_path));
    std::string expected = read_all(expected_path);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    CHECK(message == expected);
  }
}

TEST_CASE("loader: a strategy preset name stands for its list, in JSON and in --strategy", "[scenarios][ecs]") {
  // Dev Guide "Amazon ECS services": a service without a strategy spreads over zones, then instances; the
  // preset "serviceDefault" is that list, and the console's strategy templates are presets too.
  const auto* preset = placement::find_strategy_preset("serviceDefault");
  REQUIRE(preset != nullptr);
  REQUIRE(preset->strategy.size() == 2);
  CHECK(preset->strategy[0].field == "attribute:ecs.availability-zone");
  CHECK(preset->strategy[1].type == "spread");
  CHECK(preset->strategy[1].field == "instanceId");
  const sim::Scenario s = load_text(minimal(R"("jobs": [{"name": "j", "taskDefinition": "app",
      "arrival": {"type": "fixed", "interval": "1m"}, "runtime": {"type": "constant", "value": "1m"},
      "placementStrategy": "azBalancedBinpack"}])"));
  REQUIRE(s.jobs[0].strategy.size() == 2);
  CHECK(s.jobs[0].strategy[1].type == "binpack");
  CHECK(s.jobs[0].strategy[1].field == "memory");
  const auto o = parse_strategy_override("serviceDefault");
  REQUIRE(o.size() == 2);
  CHECK(o[0].field == "attribute:ecs.availability-zone");
  CHECK(load_error(minimal(R"("jobs": [{"name": "j", "taskDefinition": "app",
      "arrival": {"type": "fixed", "interval": "1m"}, "runtime": {"type": "constant", "value": "1m"},
      "placementStrategy": "serviceDefualt"}])")) ==
        "s.json: /jobs/0/placementStrategy: expected a known strategy preset (did you mean \"serviceDefault\"? "
        "valid: azBalancedBinpack, azBalancedSpread, binpackMemory, runTaskDefault, serviceDefault), got "
        "\"serviceDefualt\"");
}

TEST_CASE("loader: image layers are interned by digest, an image without layers is its own layer", "[scenarios]") {
  const auto s = load_text(minimal(R"("registries": [{"name": "ecr", "pullBandwidth": "100MB/s"}],
      "images": [{"name": "web:1", "registry": "ecr", "layers": [{"digest": "sha256:base", "sizeMiB": 80},
                                                              {"digest": "sha256:web1", "sizeMiB": "20MiB"}]},
                 {"name": "api:1", "registry": "ecr", "sizeMiB": 110, "layers": [{"digest": "sha256:base", "sizeMiB": 80},
                                                                              {"digest": "sha256:api1", "sizeMiB": 30}]},
                 {"name": "busybox", "registry": "ecr", "sizeMiB": 5}])"));
  REQUIRE(s.layers.size() == 4);
  CHECK(s.layers[0].digest == "sha256:base");
  CHECK(s.layers[0].size_mib == 80);
  CHECK(s.layers[1].digest == "sha256:web1");
  CHECK(s.layers[2].digest == "sha256:api1");
  CHECK(s.layers[3].digest == "busybox");
  CHECK(s.layers[3].size_mib == 5);
  CHECK(s.images[0].size_mib == 100);
  CHECK(s.images[0].layers == std::vector<std::uint32_t>{0, 1});
  CHECK(s.images[1].size_mib == 110);
  CHECK(s.images[1].layers == std::vector<std::uint32_t>{0, 2});
  CHECK(s.images[2].layers == std::vector<std::uint32_t>{3});
  CHECK(load_error(minimal(R"("registries": [{"name": "ecr", "pullBandwidth": "100MB/s"}],
      "images": [{"name": "web:1", "registry": "ecr", "layers": []}])")) ==
        "s.json: /images/0/layers: expected at least one layer, got []");
  CHECK(load_error(minimal(R"("registries": [{"name": "ecr", "pullBandwidth": "100MB/s"}],
      "images": [{"name": "web:1", "registry": "ecr", "layers": [{"digest": "a", "sizeMiB": 1}, {"digest": "a", "sizeMiB": 1}]}])")) ==
        "s.json: /images/0/layers/1/digest: expected a layer digest not listed before in this image, got \"a\"");
  CHECK(load_error(minimal(R"("registries": [{"name": "ecr", "pullBandwidth": "100MB/s"}],
      "images": [{"name": "web:1", "registry": "ecr"}])")) ==
        "s.json: /images/0/sizeMiB: expected a size (MiB, or a string like \"512MiB\" or \"2GiB\"), got nothing");
}

TEST_CASE("loader: a registry's pull rate limit defaults to a 6-hour window", "[scenarios]") {
  // Docker Hub: 100 pulls per 6 hours for anonymous users.
  const auto s = load_text(minimal(R"("registries": [{"name": "hub", "pullBandwidth": "50MB/s", "pullRateLimit": {"pulls": 100}},
      {"name": "quay", "pullBandwidth": "50MB/s", "pullRateLimit": {"pulls": 10, "per": "1h"}},
      {"name": "ecr", "pullBandwidth": "1GB/s"}])"));
  CHECK(s.registries[0].pull_limit == 100);
  CHECK(s.registries[0].pull_limit_window == 6 * sim::kHour);
  CHECK(s.registries[1].pull_limit == 10);
  CHECK(s.registries[1].pull_limit_window == sim::kHour);
  CHECK(s.registries[2].pull_limit == 0);
  CHECK(load_error(minimal(R"("registries": [{"name": "hub", "pullBandwidth": "50MB/s", "pullRateLimit": {"pulls": 1, "per": 0}}])")) ==
        "s.json: /registries/0/pullRateLimit/per: expected a positive duration, got 0");
}

TEST_CASE("loader: the agent's stop timeout, image cleanup and stopping-task behaviour", "[ecs][scenarios]") {
  // Agent README config table: ECS_CONTAINER_STOP_TIMEOUT 30s (min 1s), ECS_IMAGE_CLEANUP_INTERVAL
  // 30m (min 10m), ECS_IMAGE_MINIMUM_CLEANUP_AGE 1h, ECS_NUM_IMAGES_DELETE_PER_CYCLE 5.
  const auto defaults = load_text(minimal()).cluster.agent;
  CHECK(defaults.container_stop_timeout == 30 * sim::kSecond);
  CHECK_FALSE(defaults.stopping_tasks_hold_resources);
  CHECK(defaults.image_cleanup_enabled);
  CHECK(defaults.image_cleanup_interval == 30 * sim::kMinute);
  CHECK(defaults.image_minimum_cleanup_age == sim::kHour);
  CHECK(defaults.images_deleted_per_cycle == 5);
  const auto set = load_text(R"({"cluster": {"availabilityZones": ["z"], "agent": {"containerStopTimeout": "1s",
      "stoppingTasksHoldResources": true,
      "imageCleanup": {"enabled": false, "interval": "10m", "minimumAge": 0, "imagesPerCycle": 1}}}})").cluster.agent;
  CHECK(set.container_stop_timeout == sim::kSecond);
  CHECK(set.stopping_tasks_hold_resources);
  CHECK_FALSE(set.image_cleanup_enabled);
  CHECK(set.image_cleanup_interval == 10 * sim::kMinute);
  CHECK(set.image_minimum_cleanup_age == 0);
  CHECK(set.images_deleted_per_cycle == 1);
  CHECK(load_error(R"({"cluster": {"availabilityZones": ["z"], "agent": {"imageCleanup": {"imagesPerCycle": 0}}}})") ==
        "s.json: /cluster/agent/imageCleanup/imagesPerCycle: expected an imagesPerCycle of at least 1, got 0");
}

// A three-tier service scenario (web, api, a DAEMON log agent) with everything the services
// issue adds, loaded into the typed model.
TEST_CASE("loader: a three-tier scenario loads with every service, event, image and agent value typed", "[scenarios]") {
  const sim::Scenario s = load_text(R"({
    "name": "three-tier", "duration": "1d",
    "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
                "instanceGroups": [{"name": "general", "instanceType": "m5.xlarge", "count": 6}],
                "agent": {"containerStopTimeout": "45s", "stoppingTasksHoldResources": false,
                          "imageCleanup": {"interval": "1h", "minimumAge": "3h", "imagesPerCycle": 10}}},
    "registries": [{"name": "ecr", "pullBandwidth": "200MB/s", "latency": "100ms"},
                   {"name": "hub", "pullBandwidth": "50MB/s", "pullRateLimit": {"pulls": 100, "per": "6h"}}],
    "images": [{"name": "web:1", "registry": "ecr", "layers": [{"digest": "sha256:node", "sizeMiB": 300}, {"digest": "sha256:web1", "sizeMiB": 40}]},
               {"name": "web:2", "registry": "ecr", "layers": [{"digest": "sha256:node", "sizeMiB": 300}, {"digest": "sha256:web2", "sizeMiB": 45}]},
               {"name": "api:7", "registry": "ecr", "sizeMiB": 500},
               {"name": "fluent-bit", "registry": "hub", "sizeMiB": 90}],
    "taskDefinitions": [
      {"family": "web", "containerDefinitions": [{"name": "web", "image": "web:1", "cpu": 512, "memory": 1024,
        "portMappings": [{"containerPort": 8080}],
        "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health"], "interval": 10, "retries": 2, "startPeriod": 30}}]},
      {"family": "web", "containerDefinitions": [{"name": "web", "image": "web:2", "cpu": 512, "memory": 1024, "stopTimeout": 60,
        "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health"]}}]},
      {"family": "api", "requiresCompatibilities": ["EC2", "FARGATE"], "networkMode": "awsvpc", "cpu": "1 vCPU", "memory": "2GB",
       "containerDefinitions": [{"name": "migrate", "image": "api:7", "essential": false},
                                {"name": "api", "image": "api:7", "startTimeout": 120,
                                 "dependsOn": [{"containerName": "migrate", "condition": "SUCCESS"}]}]},
      {"family": "log-agent", "containerDefinitions": [{"name": "fluent-bit", "image": "fluent-bit", "cpu": 128, "memoryReservation": 64}]}],
    "services": [
      {"serviceName": "web", "taskDefinition": "web:1", "desiredCount": 6, "healthCheckGracePeriodSeconds": 60,
       "placementStrategy": "serviceDefault",
       "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 150,
                                   "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
       "load": {"requestsPerSecond": [["00:00", 50], ["09:00", 400], ["18:00", 100]], "repeat": "1d", "cpuMillisecondsPerRequest": 4},
       "autoScaling": {"minCapacity": 3, "maxCapacity": 30,
         "targetTrackingScalingPolicies": [{"policyName": "cpu60", "targetValue": 60,
           "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}}],
         "scheduledActions": [{"scheduledActionName": "night", "at": "22:00", "repeat": "1d", "scalableTargetAction": {"minCapacity": 3}},
                              {"scheduledActionName": "day", "at": "07:00", "repeat": "1d", "scalableTargetAction": {"minCapacity": 10}}]}},
      {"serviceName": "api", "taskDefinition": "api", "desiredCount": 4, "placementStrategy": "azBalancedBinpack",
       "failures": {"crashRatePerTaskHour": 0.01, "startFailureProbability": 0.02},
       "autoScaling": {"minCapacity": 2, "maxCapacity": 12, "stepScalingPolicies": [{"policyName": "mem-out",
         "alarm": {"metric": "ECSServiceAverageMemoryUtilization", "comparisonOperator": "GreaterThanThreshold", "threshold": 80,
                   "evaluationPeriods": 5, "datapointsToAlarm": 3},
         "stepScalingPolicyConfiguration": {"adjustmentType": "ChangeInCapacity", "cooldown": "2m",
           "stepAdjustments": [{"metricIntervalLowerBound": 0, "metricIntervalUpperBound": 10, "scalingAdjustment": 1},
                               {"metricIntervalLowerBound": 10, "scalingAdjustment": 3}]}}]}},
      {"serviceName": "log-agent", "taskDefinition": "log-agent", "schedulingStrategy": "DAEMON"}],
    "events": [
      {"at": "12h", "type": "deploy", "service": "web", "taskDefinition": "web:2",
       "failures": {"healthCheckFailureProbability": 0.3}},
      {"at": "14h", "type": "deploy", "service": "api", "forceNewDeployment": true},
      {"at": "16h", "type": "scale", "service": "api", "desiredCount": 8},
      {"at": "06:00", "type": "registryOutage", "registry": "hub", "duration": "30m"},
      {"at": "20h", "type": "azOutage", "zone": "us-east-1c", "duration": "1h"}]})");
  CHECK(s.name == "three-tier");
  CHECK(s.cluster.agent.container_stop_timeout == 45 * sim::kSecond);
  CHECK(s.cluster.agent.image_cleanup_interval == sim::kHour);
  CHECK(s.cluster.agent.image_minimum_cleanup_age == 3 * sim::kHour);
  CHECK(s.cluster.agent.images_deleted_per_cycle == 10);
  CHECK(s.registries[1].pull_limit == 100);
  REQUIRE(s.layers.size() == 5);
  CHECK(s.images[1].layers == std::vector<std::uint32_t>{0, 2});
  CHECK(s.images[1].size_mib == 345);
  CHECK(s.images[3].layers == std::vector<std::uint32_t>{4});

  REQUIRE(s.task_definitions.size() == 4);
  const auto& web1 = s.task_definitions[0];
  CHECK(web1.revision == 1);
  REQUIRE(web1.containers[0].health_check.has_value());
  CHECK(web1.containers[0].health_check->interval == 10 * sim::kSecond);
  CHECK(web1.containers[0].health_check->retries == 2);
  CHECK(web1.containers[0].health_check->start_period == 30 * sim::kSecond);
  CHECK(s.task_definitions[1].revision == 2);
  CHECK(s.task_definitions[1].containers[0].stop_timeout == 60 * sim::kSecond);
  const auto& api = s.task_definitions[2];
  REQUIRE(api.containers[1].depends_on.size() == 1);
  CHECK(api.containers[1].depends_on[0].container == 0);
  CHECK(api.containers[1].depends_on[0].condition == sim::DependencyCondition::kSuccess);
  CHECK(api.containers[1].start_timeout == 120 * sim::kSecond);

  REQUIRE(s.services.size() == 3);
  const auto& web = s.services[0];
  CHECK(web.task_definition == 0);
  CHECK(web.desired_count == 6);
  CHECK(web.health_check_grace_period == sim::kMinute);
  CHECK(web.minimum_healthy_percent == 50);
  CHECK(web.maximum_percent == 150);
  CHECK(web.circuit_breaker);
  CHECK(web.circuit_breaker_rollback);
  CHECK(web.az_rebalancing);
  REQUIRE(web.load.has_value());
  CHECK(web.load->requests_per_second.size() == 3);
  CHECK(web.load->requests_per_second[1] == std::pair<sim::SimTime, double>{9 * sim::kHour, 400});
  CHECK(web.load->repeat == sim::kDay);
  CHECK(web.load->cpu_milliseconds_per_request == 4);
  REQUIRE(web.auto_scaling.has_value());
  CHECK(web.auto_scaling->min_capacity == 3);
  CHECK(web.auto_scaling->target_tracking.at(0).name == "cpu60");
  REQUIRE(web.auto_scaling->scheduled.size() == 2);
  CHECK(web.auto_scaling->scheduled[0].name == "day");
  CHECK(web.auto_scaling->scheduled[1].at == 22 * sim::kHour);

  const auto& api_service = s.services[1];
  CHECK(api_service.task_definition == 2);
  CHECK_FALSE(api_service.az_rebalancing);  // azBalancedBinpack binpacks
  CHECK(api_service.failures.crash_rate_per_task_hour == 0.01);
  CHECK(api_service.failures.start_failure_probability == 0.02);
  const auto& step = api_service.auto_scaling->step_scaling.at(0);
  CHECK(step.name == "mem-out");
  CHECK(step.metric == sim::ScalingMetric::kMemoryUtilization);
  CHECK(step.comparison == sim::ComparisonOperator::kGreater);
  CHECK(step.datapoints_to_alarm == 3);
  CHECK(step.cooldown == 2 * sim::kMinute);
  CHECK(step.steps.size() == 2);

  const auto& agent = s.services[2];
  CHECK(agent.scheduling_strategy == sim::SchedulingStrategy::kDaemon);
  CHECK(agent.desired_count == 0);
  CHECK(agent.maximum_percent == 100);
  CHECK(agent.minimum_healthy_percent == 0);
  CHECK_FALSE(agent.az_rebalancing);
  CHECK_FALSE(agent.auto_scaling.has_value());

  REQUIRE(s.events.size() == 5);
  std::vector<sim::EventType> types;
  for (const auto& e : s.events) types.push_back(e.type);
  CHECK(types == std::vector<sim::EventType>{sim::EventType::kRegistryOutage, sim::EventType::kDeploy, sim::EventType::kDeploy,
                                             sim::EventType::kScale, sim::EventType::kAzOutage});
  CHECK(s.events[0].at == 6 * sim::kHour);
  CHECK(s.events[0].registry == 1);
  CHECK(s.events[1].task_definition == 1);
  CHECK(s.events[1].failures->health_check_failure_probability == 0.3);
  CHECK(s.events[2].force_new_deployment);
  CHECK(s.events[2].service == 1);
  CHECK(s.events[2].task_definition == 2);
  CHECK(s.events[3].desired_count == 8);
  CHECK(s.events[4].zone == 2);
}

}  // namespace
}  // namespace ecsim::scenarios
