// ECS resource rules end to end: a scenario as a user writes it (loader, catalog, task
// definition resolution) run through the engine and the ECS placer.
#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "sim/input_error.h"

using namespace ecsim;

namespace {

// One instance of `type`, `count` tasks of the given task definition submitted at t = 0, each
// running an hour, and the job refusing to wait (so a failure is visible as a reason).
sim::RunResult run_tasks(const std::string& type, const std::string& task_definition, int count,
                         const std::string& group_extra = "") {
  std::string at = "[";
  for (int k = 0; k < count; ++k) at += std::string(k ? ", " : "") + "0";
  at += "]";
  const std::string text = R"({
    "name": "ecs-resources", "seed": 1, "duration": "2h",
    "cluster": {"name": "c", "availabilityZones": ["us-east-1a"],
                "instanceGroups": [{"name": "g", "instanceType": ")" + type + R"(", "count": 1)" + group_extra + R"(}]},
    "taskDefinitions": [)" + task_definition + R"(],
    "jobs": [{"name": "j", "taskDefinition": "t", "arrival": {"type": "list", "at": )" + at + R"(},
              "runtime": {"type": "constant", "value": "1h"}, "onPlacementFailure": "fail"}]
  })";
  const sim::Scenario s = scenarios::load_scenario_text(text, "ecs-resources.json", ".");
  placement::EcsPlacerFactory factory;
  return sim::run_scenario(s, factory);
}

std::vector<std::string> outcomes(const sim::RunResult& r) {
  std::vector<std::string> out;
  for (std::size_t t = 0; t < r.tasks.size(); ++t) {
    out.push_back(r.tasks.placed_at[t] != sim::kNever ? std::string("placed")
                                                        : std::string(sim::failure_reason_name(r.tasks.failure_reason[t])));
  }
  return out;
}

}  // namespace

TEST_CASE("ecs: a c5.large takes two awsvpc tasks, its ENI limit of 3 minus the primary", "[ecs][sim]") {
  // Dev Guide "Elastic network interface trunking": each awsvpc task needs its own ENI and the
  // primary ENI is not available to tasks; c5.large: limit 3 -> 2 awsvpc tasks.
  const auto r = run_tasks("c5.large", R"({"family": "t", "networkMode": "awsvpc",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})", 3);
  REQUIRE(outcomes(r) == std::vector<std::string>{"placed", "placed", "RESOURCE:ENI"});
}

TEST_CASE("ecs: host network mode allows one task of a port-mapped definition per instance", "[ecs][sim]") {
  // Task definition parameters, networkMode host: the container port is the host port, so a
  // second copy of the task cannot start on the same instance.
  const auto r = run_tasks("m5.large", R"({"family": "t", "networkMode": "host",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64,
                                "portMappings": [{"containerPort": 8080}]}]})", 2);
  REQUIRE(outcomes(r) == std::vector<std::string>{"placed", "RESOURCE:PORTS"});
}

TEST_CASE("ecs: bridge mode dynamic host ports are not tracked", "[ecs][sim]") {
  // Dev Guide "Task definition parameters", networkMode and portMappings: hostPort omitted or 0 in
  // bridge mode is dynamic; the scheduler does not
  // track dynamic ports, so any number of copies fit as far as ports go.
  const auto r = run_tasks("m5.large", R"({"family": "t",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64,
                                "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]})", 5);
  REQUIRE(outcomes(r) == std::vector<std::string>(5, "placed"));
}

TEST_CASE("ecs: the agent's default reserved ports block a static host port 22", "[ecs][sim]") {
  // Agent README: ECS_RESERVED_PORTS defaults to [22, 2375, 2376, 51678, 51679] on Linux.
  const auto r = run_tasks("m5.large", R"({"family": "t",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64,
                                "portMappings": [{"containerPort": 22, "hostPort": 22}]}]})", 1);
  REQUIRE(outcomes(r) == std::vector<std::string>{"RESOURCE:PORTS"});
}

TEST_CASE("ecs: an m4.large never fits a task asking its advertised 8192 MiB", "[ecs][sim]") {
  // Dev Guide "Container Instance Memory Management": an m4.large registers 7985 MiB.
  const auto r = run_tasks("m4.large", R"({"family": "t", "memory": "8192",
      "containerDefinitions": [{"name": "a", "image": "a"}]})", 1);
  REQUIRE(outcomes(r) == std::vector<std::string>{"RESOURCE:MEMORY"});
  const auto fits = run_tasks("m4.large", R"({"family": "t", "memory": "7985",
      "containerDefinitions": [{"name": "a", "image": "a"}]})", 1);
  REQUIRE(outcomes(fits) == std::vector<std::string>{"placed"});
}

TEST_CASE("ecs: whole GPUs are never shared between tasks", "[ecs][sim]") {
  // Dev Guide "Working with GPUs on Amazon ECS": a g4dn.12xlarge has 4 GPUs; two tasks of 2 GPUs
  // fit, a third does not.
  const auto r = run_tasks("g4dn.12xlarge", R"({"family": "t",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 100, "memory": 80,
                                "resourceRequirements": [{"type": "GPU", "value": "2"}]}]})", 3);
  REQUIRE(outcomes(r) == std::vector<std::string>{"placed", "placed", "RESOURCE:GPU"});
}

TEST_CASE("ecs: ENI trunking raises the awsvpc task limit to the documented figure", "[ecs][sim]") {
  // Dev Guide "Elastic network interface trunking", awsvpc tasks without -> with trunking:
  // c5.large/m5.large 2 -> 10, m5.xlarge 3 -> 20, m5.2xlarge 3 -> 40, m5.4xlarge 7 -> 60,
  // m5.24xlarge 14 -> 120, m6i.8xlarge 7 -> 90.
  const std::string awsvpc = R"({"family": "t", "networkMode": "awsvpc",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 1, "memory": 6}]})";
  struct Row {
    const char* type;
    int without;
    int with;
  };
  for (const Row row : {Row{"c5.large", 2, 10}, Row{"m5.large", 2, 10}, Row{"m5.xlarge", 3, 20},
                        Row{"m5.2xlarge", 3, 40}, Row{"m5.4xlarge", 7, 60}, Row{"m5.24xlarge", 14, 120},
                        Row{"m6i.8xlarge", 7, 90}}) {
    INFO(row.type);
    const auto count_placed = [](const sim::RunResult& r) {
      int n = 0;
      for (std::size_t t = 0; t < r.tasks.size(); ++t) n += r.tasks.placed_at[t] != sim::kNever ? 1 : 0;
      return n;
    };
    const auto plain = run_tasks(row.type, awsvpc, row.with + 1);
    REQUIRE(count_placed(plain) == row.without);
    REQUIRE(sim::failure_reason_name(plain.tasks.failure_reason.back()) == "RESOURCE:ENI");
    const auto trunked = run_tasks(row.type, awsvpc, row.with + 1, R"(, "awsvpcTrunking": true)");
    REQUIRE(count_placed(trunked) == row.with);
  }
}

TEST_CASE("ecs: families without trunking support and undocumented types are refused", "[ecs][scenarios]") {
  const auto load = [](const std::string& type) {
    const std::string text = R"({"name": "t", "duration": "1h", "cluster": {"name": "c", "availabilityZones": ["z"],
        "instanceGroups": [{"name": "g", "instanceType": ")" + type + R"(", "count": 1, "awsvpcTrunking": true}]}})";
    try {
      scenarios::load_scenario_text(text, "t.json", ".");
    } catch (const sim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  REQUIRE(load("g4dn.xlarge") ==
          "t.json: /cluster/instanceGroups/0/awsvpcTrunking: expected an instance type that supports ENI trunking "
          "(c5n, g4dn, i3, r5n and z1d do not), got \"g4dn.xlarge\"");
  REQUIRE(load("r6i.large").find("expected an instance type with a documented trunking limit") != std::string::npos);
  REQUIRE(load("m5.xlarge") == "loaded");
}

TEST_CASE("ecs: runtimePlatform's CPU architecture and OS family must match the instance", "[ecs][sim]") {
  // RegisterTaskDefinition runtimePlatform: cpuArchitecture X86_64 | ARM64, operatingSystemFamily
  // LINUX | WINDOWS_SERVER_...; an instance without the matching ecs.cpu-architecture /
  // ecs.os-type attribute fails with ATTRIBUTE ("required attribute missing", API reference RunTask,
  // failures).
  const std::string arm = R"({"family": "t", "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  REQUIRE(outcomes(run_tasks("m5.large", arm, 1)) == std::vector<std::string>{"ATTRIBUTE"});
  REQUIRE(outcomes(run_tasks("m6g.large", arm, 1)) == std::vector<std::string>{"placed"});
  const std::string windows = R"({"family": "t", "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_FULL"},
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  REQUIRE(outcomes(run_tasks("m5.large", windows, 1)) == std::vector<std::string>{"ATTRIBUTE"});
  // A resource shortage on the same instance is reported first: ATTRIBUTE is checked after GPU.
  const std::string arm_big = R"({"family": "t", "runtimePlatform": {"cpuArchitecture": "ARM64"},
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64000}]})";
  REQUIRE(outcomes(run_tasks("m5.large", arm_big, 1)) == std::vector<std::string>{"RESOURCE:MEMORY"});
}

TEST_CASE("ecs: awsvpc needs the agent's task-eni capability, else ATTRIBUTE", "[ecs][sim]") {
  // Dev Guide "Elastic network interface trunking": "Instance must carry ecs.capability.task-eni;
  // otherwise awsvpc placement
  // fails with ATTRIBUTE". The agent registers it by default; a group can model one that does not.
  const std::string td = R"({"family": "t", "networkMode": "awsvpc",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  REQUIRE(outcomes(run_tasks("c5.large", td, 1)) == std::vector<std::string>{"placed"});
  REQUIRE(outcomes(run_tasks("c5.large", td, 1, R"(, "withoutCapabilities": ["ecs.capability.task-eni"])")) ==
          std::vector<std::string>{"ATTRIBUTE"});
  // A bridge task does not need it.
  const std::string bridge = R"({"family": "t",
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  REQUIRE(outcomes(run_tasks("c5.large", bridge, 1, R"(, "withoutCapabilities": ["ecs.capability.task-eni"])")) ==
          std::vector<std::string>{"placed"});
}

TEST_CASE("ecs: requiresAttributes must all be held by the instance, else ATTRIBUTE", "[ecs][sim]") {
  // Task definition requiresAttributes (DescribeTaskDefinition): a name alone asks that the
  // attribute exists; with a value, that it has that value.
  const auto td = [](const std::string& required) {
    return R"({"family": "t", "requiresAttributes": )" + required +
           R"(, "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  };
  const std::string team = R"(, "attributes": {"team": "web"})";
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "com.amazonaws.ecs.capability.ecr-auth"}])"), 1)) ==
        std::vector<std::string>{"placed"});
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "ecs.capability.fsxWindowsFileServer"}])"), 1)) ==
        std::vector<std::string>{"ATTRIBUTE"});
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "team", "value": "web"}])"), 1, team)) ==
        std::vector<std::string>{"placed"});
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "team", "value": "batch"}])"), 1, team)) ==
        std::vector<std::string>{"ATTRIBUTE"});
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "team"}])"), 1, team)) == std::vector<std::string>{"placed"});
  CHECK(outcomes(run_tasks("m5.large", td(R"([{"name": "team"}])"), 1)) == std::vector<std::string>{"ATTRIBUTE"});
}

TEST_CASE("ecs: health checks and dependsOn need the agent capabilities ECS adds for them", "[ecs][sim]") {
  const std::string td = R"({"family": "t", "containerDefinitions": [
      {"name": "a", "image": "a", "cpu": 10, "memory": 64,
       "healthCheck": {"command": ["CMD-SHELL", "true"]}},
      {"name": "b", "image": "b", "cpu": 10, "memory": 64, "essential": false,
       "dependsOn": [{"containerName": "a", "condition": "START"}]}]})";
  CHECK(outcomes(run_tasks("m5.large", td, 1)) == std::vector<std::string>{"placed"});
  CHECK(outcomes(run_tasks("m5.large", td, 1, R"(, "withoutCapabilities": ["ecs.capability.container-health-check"])")) ==
        std::vector<std::string>{"ATTRIBUTE"});
  CHECK(outcomes(run_tasks("m5.large", td, 1, R"(, "withoutCapabilities": ["ecs.capability.container-ordering"])")) ==
        std::vector<std::string>{"ATTRIBUTE"});
}

TEST_CASE("ecs: capability attributes can be queried with memberOf", "[ecs][sim]") {
  const std::string td = R"({"family": "t", "placementConstraints": [{"type": "memberOf",
      "expression": "attribute:ecs.capability.execute-command exists"}],
      "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]})";
  CHECK(outcomes(run_tasks("m5.large", td, 1)) == std::vector<std::string>{"placed"});
  CHECK(outcomes(run_tasks("m5.large", td, 1, R"(, "withoutCapabilities": ["ecs.capability.execute-command"])")) ==
        std::vector<std::string>{"MemberOf"});
}

TEST_CASE("ecs: withoutCapabilities names capabilities the agent registers", "[ecs][scenarios]") {
  const std::string td = R"({"family": "t", "containerDefinitions": [{"name": "a", "image": "a", "memory": 64}]})";
  try {
    run_tasks("m5.large", td, 1, R"(, "withoutCapabilities": ["ecs.capability.task-enii"])");
    FAIL("no error");
  } catch (const sim::InputError& e) {
    CHECK(std::string(e.what()).find("/cluster/instanceGroups/0/withoutCapabilities/0: expected a known agent "
                                     "capability (did you mean \"ecs.capability.task-eni\"?") != std::string::npos);
  }
}
