// tools/validate_report: the figures and warnings `ecsim validate` prints, on small scenarios
// written here, on the bundled examples, and through the command line.
#include "tools/validate_report.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_ecsim.h"
#include "scenarios/loader.h"

namespace {

namespace fs = std::filesystem;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
using ecsim::tools::ValidateReport;
using ecsim::tools::ValidateWarning;
using Kind = ValidateWarning::Kind;

const fs::path kSource = ECSIM_SOURCE_DIR;

// A fleet of two "slot" instances (4 vCPU, 8192 MiB each: 8192 CPU units, 16384 MiB registered),
// attribute tier=web, and whatever `rest` adds (top-level keys, each followed by a comma).
std::string scenario(const std::string& rest, const std::string& extra_groups = "") {
  return R"({"name": "t", "duration": "10h",
    "instanceTypes": [{"name": "slot", "vcpu": 4, "memoryMiB": 8192, "enis": 3, "gpus": 0, "pricePerHour": 0.1}],
    "cluster": {"availabilityZones": ["z1", "z2"],
                "instanceGroups": [{"name": "g", "instanceType": "slot", "count": 2, "attributes": {"tier": "web"}})" +
         extra_groups + R"(]},
    )" + rest + "}";
}

ValidateReport report_of(const std::string& text, const std::string& base_dir = ".") {
  return ecsim::tools::build_validate_report(ecsim::scenarios::load_scenario_text(text, "t.json", base_dir), "t.json");
}

std::vector<std::string> warning_lines(const ValidateReport& r) {
  std::vector<std::string> out;
  for (const ValidateWarning& w : r.warnings) out.push_back(w.file + ": " + w.pointer + ": " + w.message);
  return out;
}

const std::string kApp = R"({"family": "app", "cpu": "1024",
    "containerDefinitions": [{"name": "a", "image": "app:1", "memory": 1024, "memoryReservation": 512,
                              "portMappings": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 9000}]}]})";
const std::string kVpc = R"({"family": "vpc", "networkMode": "awsvpc", "cpu": "512", "memory": "1024",
    "containerDefinitions": [{"name": "v", "image": "vpc:1", "memoryReservation": 256}]})";

TEST_CASE("validate report: a task definition's reservation, basis of its memory, ports and network mode",
          "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + "," + kVpc + R"(],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}],
      "jobs": [{"name": "j", "taskDefinition": "vpc", "arrival": {"type": "fixed", "interval": "1h"},
                "runtime": {"type": "constant", "value": "1m"}}])"));
  REQUIRE(r.task_definitions.size() == 2);
  const auto& app = r.task_definitions[0];
  CHECK(app.name == "app:1");
  CHECK(app.cpu == 1024);
  CHECK(app.memory_mib == 512);  // the soft limit is what ECS reserves
  CHECK(app.memory_basis == "soft");
  CHECK(app.memory_hard_mib == 1024);
  CHECK(app.network_mode == "bridge");
  CHECK(app.tcp_ports == std::vector<std::uint16_t>{80});
  CHECK(app.dynamic_ports == 1);
  CHECK(app.enis == 0);
  const auto& vpc = r.task_definitions[1];
  CHECK(vpc.memory_mib == 1024);  // task-level memory wins over the container's reservation
  CHECK(vpc.memory_basis == "task");
  CHECK(vpc.network_mode == "awsvpc");
  CHECK(vpc.enis == 1);
  const std::string text = ecsim::tools::validate_text(r, false);
  CHECK(text.find("  app:1: 1024 CPU units, 512 MiB (soft limits; hard limits 1024 MiB), host ports 80/tcp + 1 dynamic, bridge\n") !=
        std::string::npos);
  CHECK(text.find("  vpc:1: 512 CPU units, 1024 MiB (task-level memory), no host ports, awsvpc (1 ENI)\n") !=
        std::string::npos);
}

TEST_CASE("validate report: steady-state demand by Little's law against the fleet's registered capacity",
          "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + "," + kVpc + R"(],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 4,
                    "autoScaling": {"minCapacity": 2, "maxCapacity": 8}}],
      "jobs": [{"name": "batch", "taskDefinition": "vpc",
                "arrival": {"type": "poisson", "ratePerHour": 60, "start": "01:00", "end": "05:00"},
                "runtime": {"type": "constant", "value": "3m"}}])"));
  CHECK(r.fleet_instances == 2);
  CHECK(r.fleet_cpu == 8192);
  CHECK(r.fleet_memory_mib == 16384);
  REQUIRE(r.sources.size() == 2);
  const auto& web = r.sources[0];
  CHECK(web.kind == "service");
  CHECK(web.desired_count == 4);
  CHECK(web.min_capacity == 2);
  CHECK(web.max_capacity == 8);
  CHECK(*web.cpu_units == 4096);
  CHECK(*web.memory_mib == 2048);
  const auto& batch = r.sources[1];
  CHECK(*batch.jobs_per_hour == Approx(60));
  CHECK(*batch.mean_runtime_seconds == 180);
  CHECK(*batch.tasks_running == Approx(3));  // 60/h x 3 min
  CHECK(*batch.cpu_units == Approx(1536));
  CHECK(*batch.memory_mib == Approx(3072));
  CHECK(r.offered_cpu == Approx(5632));
  CHECK(r.sources_unknown == 0);
  const std::string text = ecsim::tools::validate_text(r, false);
  CHECK(text.find("  service web (app:1): 4 tasks desired, auto scaling 2-8\n"
                  "    ~4 tasks running, 4096 CPU units, 2048 MiB (50 % of the fleet's CPU)\n") != std::string::npos);
  CHECK(text.find("  job batch (vpc:1): 60 jobs/h (poisson) from 01:00 to 05:00, mean runtime 3m\n") != std::string::npos);
  CHECK(text.find("fleet at the start: 2 instances, 8192 CPU units, 16384 MiB registered\n") != std::string::npos);
  // 5632 / 8192 = 68.75 %; 5120 / 16384 = 31.25 %.
  CHECK(text.find("offered CPU ~ 69 % of the fleet's registered CPU, memory ~ 31 % of its registered memory\n") !=
        std::string::npos);
}

TEST_CASE("validate report: job rates and mean runtimes of every arrival and runtime kind", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "jobs": [{"name": "fixed", "taskDefinition": "app", "arrival": {"type": "fixed", "interval": "30m", "count": 5},
                "runtime": {"type": "lognormal", "median": "20m", "p90": "45m"}},
               {"name": "list", "taskDefinition": "app", "arrival": {"type": "list", "at": ["01:00", "02:00", "03:00", "04:00"]},
                "runtime": {"type": "uniform", "min": "5m", "max": "25m"}},
               {"name": "exp", "taskDefinition": "app", "arrival": {"type": "poisson", "ratePerSecond": 0.01},
                "runtime": {"type": "exponential", "mean": "90s"}}])"));
  REQUIRE(r.sources.size() == 3);
  CHECK(*r.sources[0].jobs_per_hour == Approx(2));
  // Lognormal mean = median x exp(sigma^2 / 2), sigma = ln(p90 / median) / 1.2816.
  CHECK(*r.sources[0].mean_runtime_seconds == Approx(1200 * 1.22165).epsilon(1e-4));
  CHECK(r.sources[0].submits == "one job every 30m (2 jobs/h), at most 5, mean runtime 24m26s");
  CHECK(*r.sources[1].jobs_per_hour == Approx(0.4));  // 4 over the 10 h run
  CHECK(*r.sources[1].mean_runtime_seconds == 900);
  CHECK(r.sources[1].submits == "4 jobs at listed times (0.4 jobs/h over the run), mean runtime 15m");
  CHECK(*r.sources[2].jobs_per_hour == Approx(36));
  CHECK(*r.sources[2].tasks_running == Approx(0.9));
}

TEST_CASE("validate report: a heavy-tailed lognormal's mean beyond any simulated time is given in days",
          "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "jobs": [{"name": "tail", "taskDefinition": "app", "arrival": {"type": "fixed", "interval": "1h"},
                "runtime": {"type": "lognormal", "median": "1s", "p90": "30d"}}])"));
  REQUIRE(r.sources.size() == 1);
  CHECK(*r.sources[0].mean_runtime_seconds > 1e18);
  CHECK(r.sources[0].submits.find("mean runtime ") != std::string::npos);
  CHECK(r.sources[0].submits.back() == 'd');
}

TEST_CASE("validate report: a trace's records, span and offered load, and a trace that has no steady state",
          "[tools][validate]") {
  TempDir dir;
  std::ofstream(dir.path() / "two.csv") << "submit,cpu,memoryMiB,runtime\n0,1024,1024,600\n3600,2048,1024,600\n";
  std::ofstream(dir.path() / "one.csv") << "submit,cpu,memoryMiB,runtime\n0,1024,1024,600\n";
  const ValidateReport r = report_of(scenario(R"("traces": [{"file": "two.csv", "format": "generic"},
                                                           {"file": "one.csv", "format": "generic"}])"),
                                     dir.path().string());
  REQUIRE(r.sources.size() == 2);
  const auto& two = r.sources[0];
  CHECK(two.kind == "trace");
  CHECK(two.records == 2);
  CHECK(two.span_seconds == 3600);
  CHECK(*two.jobs_per_hour == Approx(2));
  CHECK(*two.cpu_units == Approx(512));  // (1024 + 2048) x 600 s over 3600 s
  CHECK(*two.memory_mib == Approx(341.333).epsilon(1e-4));
  const auto& one = r.sources[1];
  CHECK_FALSE(one.cpu_units);
  CHECK(one.unknown == "every record is submitted at one instant");
  CHECK(r.sources_unknown == 1);
  const std::string text = ecsim::tools::validate_text(r, false);
  CHECK(text.find("    demand cannot be computed: every record is submitted at one instant\n") != std::string::npos);
  CHECK(text.find("(leaving out 1 source whose demand cannot be computed)") != std::string::npos);
  CHECK(r.warnings.empty());
}

TEST_CASE("validate report: a DAEMON service runs one task per instance at the start", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "services": [{"serviceName": "logs", "taskDefinition": "app", "schedulingStrategy": "DAEMON"}])"));
  REQUIRE(r.sources.size() == 1);
  CHECK(r.sources[0].desired_count == 2);
  CHECK(*r.sources[0].cpu_units == 2048);
  CHECK(r.sources[0].submits == "DAEMON, one task per instance (2 at the start)");
}

TEST_CASE("validate report: an image that images does not list is a warning with did you mean, none without images",
          "[tools][validate]") {
  const std::string rest = R"("registries": [{"name": "ecr", "pullBandwidth": "100MB/s"}],
      "images": [{"name": "app:1", "sizeMiB": 100, "registry": "ecr"}],
      "taskDefinitions": [{"family": "app", "containerDefinitions": [
          {"name": "a", "image": "app:1", "memory": 256}, {"name": "b", "image": "app:2", "memory": 256}]}],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}])";
  CHECK(warning_lines(report_of(scenario(rest))) ==
        std::vector<std::string>{"t.json: /taskDefinitions/0/containerDefinitions/1/image: image \"app:2\" is not in "
                                 "\"images\" (did you mean \"app:1\"?): taken as cached on every instance, no pull is modelled"});
  CHECK(report_of(scenario(rest)).warnings[0].kind == Kind::kUnlistedImage);
  // No `images` at all: the scenario models no pulls, on purpose.
  CHECK(report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}])"))
            .warnings.empty());
}

TEST_CASE("validate report: spread and memberOf on an attribute no instance has, with did you mean", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1,
                    "placementConstraints": [{"type": "distinctInstance"},
                                             {"type": "memberOf", "expression": "attribute:teir == web or attribute:gpu not_exists"}]}],
      "jobs": [{"name": "j", "taskDefinition": "app", "arrival": {"type": "fixed", "interval": "1h"},
                "runtime": {"type": "constant", "value": "1m"},
                "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zon"},
                                      {"type": "spread", "field": "attribute:tier"},
                                      {"type": "spread", "field": "attribute:ecs.instance-type"}]}])"));
  CHECK(warning_lines(r) ==
        std::vector<std::string>{
            "t.json: /services/0/placementConstraints/1/expression: memberOf tests attribute \"teir\", which no instance "
            "has (did you mean \"tier\"?)",
            "t.json: /jobs/0/placementStrategy/0/field: spread on attribute \"ecs.availability-zon\", which no instance has "
            "(did you mean \"ecs.availability-zone\"?): every instance looks alike to it"});
  for (const auto& w : r.warnings) CHECK(w.kind == Kind::kUnknownAttribute);
}

TEST_CASE("validate report: a family no source uses is a warning, an older revision of a used family is not",
          "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + "," + kVpc + R"(,
          {"family": "app", "containerDefinitions": [{"name": "a", "image": "app:2", "memory": 256}]},
          {"family": "app", "containerDefinitions": [{"name": "a", "image": "app:3", "memory": 256}]}],
      "services": [{"serviceName": "web", "taskDefinition": "app:1", "desiredCount": 1}],
      "events": [{"at": "1h", "type": "deploy", "service": "web", "taskDefinition": "app:2"}])"));
  CHECK(warning_lines(r) ==
        std::vector<std::string>{"t.json: /taskDefinitions/1: task definition \"vpc:1\": no service, job or deploy event uses any "
                                 "revision of family \"vpc\""});
  CHECK(r.warnings[0].kind == Kind::kUnusedTaskDefinition);
}

TEST_CASE("validate report: a task larger than every instance type it may use can never be placed", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [
          {"family": "big", "cpu": "8192", "memory": "1024", "containerDefinitions": [{"name": "b", "image": "b"}]},
          {"family": "fat", "cpu": "1024", "memory": "12000", "containerDefinitions": [{"name": "f", "image": "f"}]}],
      "services": [{"serviceName": "s", "taskDefinition": "fat", "desiredCount": 1}],
      "jobs": [{"name": "j", "taskDefinition": "big", "arrival": {"type": "fixed", "interval": "1h"},
                "runtime": {"type": "constant", "value": "1m"}}])",
                                              R"(, {"name": "large", "instanceType": "slot", "count": 0})"));
  CHECK(warning_lines(r) ==
        std::vector<std::string>{
            "t.json: /services/0/taskDefinition: a task of \"fat:1\" (1024 CPU units, 12000 MiB, 0 GPUs) fits on no "
            "instance type of the fleet: it can never be placed",
            "t.json: /jobs/0/taskDefinition: a task of \"big:1\" (8192 CPU units, 1024 MiB, 0 GPUs) fits on no instance "
            "type of the fleet: it can never be placed"});
  CHECK(r.warnings[0].kind == Kind::kNeverFits);
  // A group with instances that takes it: no warning.
  const ValidateReport ok = report_of(scenario(R"("taskDefinitions": [
          {"family": "big", "cpu": "8192", "memory": "1024", "containerDefinitions": [{"name": "b", "image": "b"}]}],
      "jobs": [{"name": "j", "taskDefinition": "big", "arrival": {"type": "fixed", "interval": "1h"},
                "runtime": {"type": "constant", "value": "1m"}}])",
                                               R"(, {"name": "large", "instanceType": "m5.4xlarge", "count": 1})"));
  CHECK(ok.warnings.empty());
}

TEST_CASE("validate report: trace records larger than every instance are a warning", "[tools][validate]") {
  TempDir dir;
  std::ofstream(dir.path() / "t.csv") << "submit,cpu,memoryMiB,runtime\n0,1024,1024,600\n60,65536,1024,600\n";
  const ValidateReport r = report_of(scenario(R"("traces": [{"file": "t.csv", "format": "generic"}])"),
                                     dir.path().string());
  CHECK(warning_lines(r) ==
        std::vector<std::string>{"t.json: /traces/0: 1 of 2 records need more CPU, memory or GPUs than any instance type "
                                 "of the fleet registers: they can never be placed"});
}

TEST_CASE("validate report: records no instance fits are counted past the distinct needs the loader keeps",
          "[tools][validate]") {
  // More distinct needs than sim::Trace keeps: the records are read again to fit them, in order
  // or not (held sorted), with the same count.
  for (const bool sorted : {true, false}) {
    TempDir dir;
    std::ofstream out(dir.path() / "t.csv");
    out << "submit,cpu,memoryMiB,runtime\n";
    const int n = static_cast<int>(ecsim::sim::Trace::kMaxTraceNeeds) + 100;
    for (int k = 0; k < n; ++k) {
      // Every fifth record needs more CPU than the 4096 units a slot registers; each need differs.
      out << (sorted ? k : n - k) << "," << (k % 5 == 0 ? 5000 + k : 1 + k % 1000) << "," << 1 + k / 1000 << ",600\n";
    }
    out.close();
    const auto s = ecsim::scenarios::load_scenario_text(scenario(R"("traces": [{"file": "t.csv", "format": "generic"}])"),
                                                        "t.json", dir.path().string());
    REQUIRE_FALSE(s.traces[0].needs_known);
    const ValidateReport r = ecsim::tools::build_validate_report(s, "t.json");
    CHECK(warning_lines(r) ==
          std::vector<std::string>{"t.json: /traces/0: " + std::to_string((n + 4) / 5) + " of " + std::to_string(n) +
                                   " records need more CPU, memory or GPUs than any instance type of the fleet "
                                   "registers: they can never be placed"});
  }
}

TEST_CASE("validate report: a capacity provider no strategy names", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "capacityProviders": [
        {"name": "used", "autoScalingGroup": {"instanceTypes": ["slot"], "minSize": 0, "maxSize": 4, "desiredCapacity": 1}},
        {"name": "spare", "autoScalingGroup": {"instanceTypes": ["slot"], "minSize": 0, "maxSize": 4, "desiredCapacity": 0}}],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1,
                    "capacityProviderStrategy": [{"capacityProvider": "used", "weight": 1}]}])"));
  CHECK(warning_lines(r) ==
        std::vector<std::string>{"t.json: /capacityProviders/1: capacity provider \"spare\" is in no capacity provider "
                                 "strategy (a service's, a job's or the cluster's default): no task asks it for capacity"});
  CHECK(r.fleet_instances == 3);  // 2 of the group, 1 desired of "used"
  CHECK(r.fleet_cpu == 3 * 4096);
  CHECK(r.provider_max_instances == 8);
  CHECK(ecsim::tools::validate_text(r, false).find(
            "fleet at the start: 3 instances, 12288 CPU units, 24576 MiB registered; its capacity providers may grow it to "
            "10 instances\n") != std::string::npos);
}

TEST_CASE("validate report: a job whose arrivals and an event that fall after the run's end", "[tools][validate]") {
  const ValidateReport r = report_of(scenario(R"("taskDefinitions": [)" + kApp + R"(],
      "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}],
      "jobs": [{"name": "late", "taskDefinition": "app", "arrival": {"type": "poisson", "ratePerHour": 5, "start": "11:00"},
                "runtime": {"type": "constant", "value": "1m"}}],
      "events": [{"at": "12h", "type": "scale", "service": "web", "desiredCount": 2}])"));
  CHECK(warning_lines(r) ==
        std::vector<std::string>{
            "t.json: /jobs/0/arrival: submits no task during the run: its first arrival (11:00) is at or after the run's end (10:00)",
            "t.json: /events: the \"scale\" event at 12:00 is at or after the run's end (10:00): it never happens"});
}

// The bundled scenarios: every warning they give is a true statement about them.
TEST_CASE("validate report: the bundled scenarios give only their expected warnings", "[tools][validate]") {
  // Images a container runs that the scenario's `images` leaves out are pulled by no instance;
  // the examples that list images leave out sidecars and, in three-tier-day, the image of the
  // deployment meant to fail.
  const std::string no_pull = " is not in \"images\": taken as cached on every instance, no pull is modelled";
  const std::string etl = "scenarios/taskdefs/etl.json: /containerDefinitions/";
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"scenarios/default.json",
       {etl + "1/image: image \"amazon/cloudwatch-agent:latest\"" + no_pull,
        "scenarios/default.json: /taskDefinitions/3/containerDefinitions/0/image: image \"thumbnail:1\"" + no_pull}},
      {"scenarios/examples/three-tier-day.json",
       {"scenarios/examples/three-tier-day.json: /taskDefinitions/3/containerDefinitions/0/image: image \"api:2-typo\"" +
            no_pull,
        "scenarios/examples/three-tier-day.json: /taskDefinitions/5/containerDefinitions/0/image: image \"fluent-bit:3\"" +
            no_pull}},
      {"scenarios/examples/web-and-etl.json",
       {etl + "0/image: image \"etl:2.3\"" + no_pull, etl + "1/image: image \"amazon/cloudwatch-agent:latest\"" + no_pull}},
  };
  std::vector<fs::path> files = {kSource / "scenarios/default.json"};
  for (const auto& entry : fs::directory_iterator(kSource / "scenarios/examples")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.find(".plan.") == std::string::npos) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string label = fs::relative(file, kSource).string();
    INFO(label);
    ecsim::scenarios::ScenarioSource source = ecsim::scenarios::read_scenario_source(file.string());
    source.label = label;
    const ValidateReport r = ecsim::tools::build_validate_report(ecsim::scenarios::load_scenario_source(source, {}), label);
    std::vector<std::string> want;
    for (const auto& [name, lines] : expected) {
      if (name == label) want = lines;
    }
    CHECK(warning_lines(r) == want);
  }
}

TEST_CASE("ecsim validate: the first line is unchanged, then figures, warnings on stdout, --quiet, --json, --strict",
          "[tools][validate]") {
  TempDir dir;
  const std::string file = (kSource / "scenarios/default.json").string();
  const auto r = run_ecsim({"validate", file}, dir.path());
  REQUIRE(r.status == 0);
  CHECK(r.out.find(file + ": valid (13 instances, 4 task definitions, 1 services, 4 jobs, 0 traces)\n") == 0);
  CHECK(r.out.find("\noffered CPU ~ ") != std::string::npos);
  CHECK(r.out.find("\nwarning: ") != std::string::npos);
  CHECK(r.err.empty());

  const auto quiet = run_ecsim({"validate", file, "--quiet"}, dir.path());
  REQUIRE(quiet.status == 0);
  CHECK(quiet.out.find(file + ": valid (") == 0);
  CHECK(quiet.out.find("offered") == std::string::npos);
  CHECK(quiet.out.find("\nwarning: ") != std::string::npos);

  const auto json = run_ecsim({"validate", file, "--json"}, dir.path());
  REQUIRE(json.status == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["valid"] == true);
  CHECK(doc["taskDefinitions"].size() == 4);
  CHECK(doc["sources"].size() == 5);
  CHECK(doc["fleet"]["instances"] == 13);
  REQUIRE(doc["warnings"].size() == 2);
  CHECK(doc["warnings"][1]["kind"] == "unlistedImage");
  CHECK(doc["warnings"][1]["file"] == file);
  CHECK(doc["warnings"][1]["pointer"] == "/taskDefinitions/3/containerDefinitions/0/image");

  CHECK(run_ecsim({"validate", file, "--strict"}, dir.path()).status == 3);
  const std::string clean = (kSource / "scenarios/examples/gpu-batch.json").string();
  CHECK(run_ecsim({"validate", clean, "--strict"}, dir.path()).status == 0);
  const auto bad = run_ecsim({"validate", file, "--seed", "3"}, dir.path());
  CHECK(bad.status == 2);
}

}  // namespace
