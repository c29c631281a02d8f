#include "scenarios/task_definition.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

std::string read_shared(const std::string& name) {
  std::ifstream in(std::string(ECSIM_SHARED_DATA_DIR) + "/taskdefs/" + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

sim::TaskDefinition parse_text(const std::string& json, const std::vector<sim::Image>& images = {}) {
  auto doc = parse_json_document(json, "td.json");
  return parse_task_definition(JsonCursor(*doc), images);
}

std::string td_error(const std::string& json) {
  return error_text([&] { parse_text(json); });
}

// A minimal valid EC2 task definition with `extra` spliced into the container.
std::string one_container(const std::string& container_fields, const std::string& task_fields = "") {
  return R"({"family": "f", )" + task_fields + R"("containerDefinitions": [{"name": "c", "image": "i")" +
         (container_fields.empty() ? "" : ", " + container_fields) + "}]}";
}

TEST_CASE("task_definition: firelens-emf-bridge reserves 150 MiB of memoryReservation and no CPU", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters": with no task-level memory, memoryReservation is
  // what is subtracted from the instance; a task with no cpu anywhere reserves 0 units.
  const auto def = parse_text(read_shared("firelens-emf-bridge.json"));
  CHECK(def.family == "firelens-example-cloudwatch");
  CHECK(def.network_mode == sim::NetworkMode::kBridge);
  CHECK(def.containers.size() == 2);
  CHECK(def.reserved.memory_mib == 150);
  CHECK(def.reserved.cpu == 0);
  CHECK(def.reserved.gpus == 0);
  CHECK(def.reserved.enis == 0);
  // containerPort only in bridge mode: a dynamic host port, which the scheduler does not track.
  CHECK(def.tcp_host_ports.empty());
  CHECK(def.containers[0].port_mappings.size() == 1);
  CHECK(def.containers[0].port_mappings[0].host_port == 0);
}

TEST_CASE("task_definition: firelens-healthcheck reserves 150 MiB and no ports", "[ecs][scenarios]") {
  const auto def = parse_text(read_shared("firelens-healthcheck.json"));
  CHECK(def.reserved.memory_mib == 150);
  CHECK(def.reserved.cpu == 0);
  CHECK(def.tcp_host_ports.empty());
}

TEST_CASE("task_definition: the GPU sample reserves 2 GPUs, 100 units and 80 MiB", "[ecs][scenarios]") {
  // Dev Guide "Working with GPUs on Amazon ECS": resourceRequirements [{"type":"GPU","value":"2"}].
  const auto def = parse_text(read_shared("awsdocs-gpu-nvidia-smi.json"));
  CHECK(def.family == "example-ecs-gpu");
  CHECK(def.reserved.gpus == 2);
  CHECK(def.reserved.cpu == 100);
  CHECK(def.reserved.memory_mib == 80);
}

TEST_CASE("task_definition: the Fargate webserver reserves 256 units, 512 MiB and one ENI", "[ecs][scenarios]") {
  // awsvpc tasks consume no host ports (agent Task.ToHostResources) but one ENI each.
  const auto def = parse_text(read_shared("awsdocs-fargate-webserver.json"));
  CHECK(def.network_mode == sim::NetworkMode::kAwsvpc);
  CHECK(def.reserved.cpu == 256);
  CHECK(def.reserved.memory_mib == 512);
  CHECK(def.reserved.enis == 1);
  CHECK(def.tcp_host_ports.empty());
  CHECK(def.udp_host_ports.empty());
  CHECK(def.requires_compatibilities == std::vector<std::string>{"FARGATE"});
}

TEST_CASE("task_definition: the two firelens samples become revisions 1 and 2 of one family", "[ecs][scenarios]") {
  TaskDefinitionRegistry registry;
  auto doc = parse_json_document(R"(["web", "firelens-example-cloudwatch", "firelens-example-cloudwatch:1"])", "s.json");
  const JsonCursor refs(*doc);
  registry.add(parse_text(read_shared("firelens-emf-bridge.json")), refs);
  registry.add(parse_text(read_shared("firelens-healthcheck.json")), refs);
  CHECK(registry.definitions()[0].revision == 1);
  CHECK(registry.definitions()[1].revision == 2);
  CHECK(registry.resolve(refs.at(1)) == 1);  // the family alone: latest revision
  CHECK(registry.resolve(refs.at(2)) == 0);
  CHECK(error_text([&] { registry.resolve(refs.at(0)); }) ==
        "s.json: /0: expected a known task definition family (valid: firelens-example-cloudwatch), got \"web\"");
}

TEST_CASE("task_definition: describe-task-definition output keeps its revision", "[scenarios]") {
  const auto def = parse_text(R"({"taskDefinition": {"family": "web", "revision": 7, "status": "ACTIVE",
      "containerDefinitions": [{"name": "c", "image": "i", "memory": 128}]}, "tags": []})");
  CHECK(def.revision == 7);
  CHECK(def.family == "web");
  TaskDefinitionRegistry registry;
  auto doc = parse_json_document(R"(["web:8", "wbe"])", "s.json");
  const JsonCursor refs(*doc);
  registry.add(def, refs);
  registry.add(parse_text(one_container("\"memory\": 64")), refs);  // family f, revision 1
  sim::TaskDefinition next = def;
  next.revision = 0;
  registry.add(next, refs);
  CHECK(registry.definitions()[2].revision == 8);
  CHECK(error_text([&] { registry.add(def, refs.at(0)); }) ==
        "s.json: /0: expected a task definition revision not registered before, got \"web:7\"");
  CHECK(error_text([&] { registry.resolve(refs.at(1)); }) ==
        "s.json: /1: expected a known task definition family (did you mean \"web\"? valid: web, f), got \"wbe\"");
  auto bad = parse_json_document(R"("web:9")", "s.json");
  CHECK(error_text([&] { registry.resolve(JsonCursor(*bad)); }) ==
        "s.json: /: expected a registered revision of \"web\" (valid: 7, 8), got \"web:9\"");
}

TEST_CASE("task_definition: memory is the task's, else the sum of soft limits, else hard limits", "[ecs][scenarios]") {
  // Dev Guide: "If you specify memoryReservation, then that value is subtracted from the
  // available memory resources ... Otherwise, the value of memory is used."
  const auto def = parse_text(R"({"family": "f", "containerDefinitions": [
      {"name": "a", "image": "i", "memory": 512, "memoryReservation": 256, "cpu": 10},
      {"name": "b", "image": "i", "memory": 300, "cpu": 20}]})");
  CHECK(def.reserved.memory_mib == 556);
  CHECK(def.reserved.cpu == 30);
  const auto task_level = parse_text(one_container("\"memory\": 100, \"cpu\": 64", R"("cpu": "1 vCPU", "memory": "1 GB", )"));
  CHECK(task_level.reserved.cpu == 1024);
  CHECK(task_level.reserved.memory_mib == 1024);
}

TEST_CASE("task_definition: host ports per network mode", "[ecs][scenarios]") {
  // bridge: hostPort > 0 is static; 0 or absent is dynamic and not tracked.
  const auto bridge = parse_text(R"({"family": "f", "containerDefinitions": [{"name": "c", "image": "i", "memory": 64,
      "portMappings": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81},
                       {"containerPort": 53, "hostPort": 53, "protocol": "udp"}]}]})");
  CHECK(bridge.tcp_host_ports == std::vector<std::uint16_t>{8080});
  CHECK(bridge.udp_host_ports == std::vector<std::uint16_t>{53});
  // host: an absent hostPort means the containerPort.
  const auto host = parse_text(one_container("\"memory\": 64, \"portMappings\": [{\"containerPort\": 443}]",
                                             "\"networkMode\": \"host\", "));
  CHECK(host.tcp_host_ports == std::vector<std::uint16_t>{443});
  // awsvpc: ports live on the task's ENI.
  const auto awsvpc = parse_text(one_container("\"memory\": 64, \"portMappings\": [{\"containerPort\": 80, \"hostPort\": 80}]",
                                               "\"networkMode\": \"awsvpc\", "));
  CHECK(awsvpc.tcp_host_ports.empty());
  CHECK(awsvpc.reserved.enis == 1);
}

TEST_CASE("task_definition: images listed by the scenario are linked by index", "[scenarios]") {
  const std::vector<sim::Image> images = {{"web:1.4", 350, 0, {}}, {"nginx", 50, 0, {}}};
  const auto def = parse_text(read_shared("firelens-emf-bridge.json"), images);
  CHECK(def.images == std::vector<std::uint32_t>{1});
}

TEST_CASE("task_definition: a container needs memory or memoryReservation without task memory", "[ecs][scenarios]") {
  // ECS answer quoted in sil-org/ecs-deploy #59: "Invalid setting for container
  // 'my-container'. At least one of 'memory' or 'memoryReservation' must be specified."
  CHECK(td_error(one_container("")) ==
        "td.json: /containerDefinitions/0: expected a non-zero memory or memoryReservation, as the task sets no memory "
        "(ECS: Invalid setting for container 'c'. At least one of 'memory' or 'memoryReservation' must be specified.), "
        "got neither");
  CHECK(parse_text(one_container("", R"("memory": "512", )")).reserved.memory_mib == 512);
}

TEST_CASE("task_definition: memory may equal memoryReservation but not be below it", "[ecs][scenarios]") {
  CHECK(parse_text(one_container("\"memory\": 128, \"memoryReservation\": 128")).reserved.memory_mib == 128);
  CHECK(td_error(one_container("\"memory\": 128, \"memoryReservation\": 256")) ==
        "td.json: /containerDefinitions/0/memoryReservation: expected a memoryReservation no larger than the "
        "container's memory (128 MiB), got 256");
  CHECK(td_error(one_container("\"memory\": 4")) ==
        "td.json: /containerDefinitions/0/memory: expected a container memory in MiB: 0 (unset) or from 6 to "
        "2147483647, got 4");
}

TEST_CASE("task_definition: Fargate-compatible definitions must use a Fargate size and awsvpc", "[ecs][scenarios]") {
  // Dev Guide "Troubleshoot task definition invalid CPU or memory errors".
  const std::string fargate = R"("requiresCompatibilities": ["EC2", "FARGATE"], "networkMode": "awsvpc", )";
  CHECK(parse_text(one_container("", fargate + R"("cpu": "512", "memory": "4 GB", )")).reserved.memory_mib == 4096);
  CHECK(parse_text(one_container("", fargate + R"("cpu": "8 vCPU", "memory": "20GB", )")).reserved.cpu == 8192);
  CHECK(td_error(one_container("", fargate + R"("cpu": "256", "memory": "4096", )")) ==
        "td.json: /cpu: expected a Fargate cpu and memory pair (ECS: Invalid 'cpu' setting for task.), got cpu 256 with "
        "memory 4096");
  CHECK(td_error(one_container("", fargate + R"("cpu": "8192", "memory": "18432", )")) ==
        "td.json: /cpu: expected a Fargate cpu and memory pair (ECS: Invalid 'cpu' setting for task.), got cpu 8192 with "
        "memory 18432");
  CHECK(td_error(one_container("", R"("requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", )")) ==
        "td.json: /networkMode: expected networkMode awsvpc, which FARGATE requires (ECS: Fargate only supports network "
        "mode 'awsvpc'.), got nothing");
  CHECK(td_error(one_container("\"memory\": 64", fargate)) ==
        "td.json: /cpu: expected a task cpu, which FARGATE requires (ECS: Fargate requires that 'cpu' be defined at the "
        "task level.), got nothing");
}

TEST_CASE("task_definition: every row of the Fargate size table is accepted at its edges", "[ecs][scenarios]") {
  // Dev Guide "Troubleshoot task definition invalid CPU or memory errors", the cpu/memory table.
  const std::string fargate = R"("requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", )";
  auto ok = [&](int cpu, int memory) {
    const std::string sizes = "\"cpu\": \"" + std::to_string(cpu) + "\", \"memory\": \"" + std::to_string(memory) + "\", ";
    return td_error(one_container("", fargate + sizes)) == "<no InputError>";
  };
  const int G = 1024;
  CHECK(ok(256, 512));
  CHECK(ok(256, 2 * G));
  CHECK_FALSE(ok(256, 3 * G));
  CHECK(ok(512, 1 * G));
  CHECK(ok(512, 4 * G));
  CHECK_FALSE(ok(512, 5 * G));
  CHECK(ok(1024, 2 * G));
  CHECK(ok(1024, 8 * G));
  CHECK_FALSE(ok(1024, 1 * G));
  CHECK(ok(2048, 4 * G));
  CHECK(ok(2048, 16 * G));
  CHECK(ok(4096, 8 * G));
  CHECK(ok(4096, 30 * G));
  CHECK_FALSE(ok(4096, 31 * G));
  CHECK(ok(8192, 16 * G));
  CHECK(ok(8192, 60 * G));
  CHECK_FALSE(ok(8192, 17 * G));  // 4 GB steps
  CHECK(ok(16384, 32 * G));
  CHECK(ok(16384, 120 * G));
  CHECK_FALSE(ok(16384, 36 * G));  // 8 GB steps
  CHECK_FALSE(ok(384, 1 * G));
}

TEST_CASE("task_definition: EC2 task cpu is 128 to 196608 units", "[ecs][scenarios]") {
  CHECK(td_error(one_container("\"memory\": 64", R"("cpu": "64", )")) ==
        "td.json: /cpu: expected a task cpu from 128 to 196608 units (ECS: Invalid 'cpu' setting for task.), got \"64\"");
  CHECK(parse_text(one_container("\"memory\": 64", R"("cpu": "192 vCPU", )")).reserved.cpu == 196608);
}

TEST_CASE("task_definition: containers must fit inside the task's cpu and memory", "[ecs][scenarios]") {
  CHECK(td_error(one_container("\"memory\": 64, \"cpu\": 2048", R"("cpu": "1024", )")) ==
        "td.json: /cpu: expected a task cpu at least the containers' total (2048 units), got 1024");
  CHECK(td_error(one_container("\"memoryReservation\": 600", R"("memory": "512", )")) ==
        "td.json: /memory: expected a task memory at least the containers' total reservation (600 MiB), got 512");
}

TEST_CASE("task_definition: container list limits and essential containers", "[ecs][scenarios]") {
  CHECK(td_error(R"({"family": "f", "containerDefinitions": []})") ==
        "td.json: /containerDefinitions: expected at least one container definition (ECS: Container list cannot be "
        "empty.), got []");
  std::string eleven = R"({"family": "f", "containerDefinitions": [)";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? "," : "") + R"({"name": "c)" + std::to_string(i) + R"(", "image": "i", "memory": 8})";
  eleven += "]}";
  CHECK(td_error(eleven) ==
        "td.json: /containerDefinitions: expected at most 10 container definitions (ECS: Too many containers.), got 11");
  CHECK(td_error(one_container("\"memory\": 64, \"essential\": false")) ==
        "td.json: /containerDefinitions: expected at least one essential container (ECS rejects a task definition "
        "without one), got none");
}

TEST_CASE("task_definition: port mapping rules of awsvpc, host and none", "[ecs][scenarios]") {
  // ECS answer quoted in aws/amazon-ecs-cli #1014.
  CHECK(td_error(one_container("\"memory\": 64, \"portMappings\": [{\"containerPort\": 80, \"hostPort\": 8080}]",
                               "\"networkMode\": \"awsvpc\", ")) ==
        "td.json: /containerDefinitions/0/portMappings/0/hostPort: expected the containerPort (80) or no hostPort (ECS: "
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.), got 8080");
  CHECK(td_error(one_container("\"memory\": 64, \"portMappings\": [{\"containerPort\": 80, \"hostPort\": 8080}]",
                               "\"networkMode\": \"host\", ")) ==
        "td.json: /containerDefinitions/0/portMappings/0/hostPort: expected the containerPort (80) or no hostPort (ECS: "
        "When networkMode=host, the host ports and container ports in port mappings must match.), got 8080");
  CHECK(td_error(one_container("\"memory\": 64, \"portMappings\": [{\"containerPort\": 80}]",
                               "\"networkMode\": \"none\", ")) ==
        "td.json: /containerDefinitions/0/portMappings: expected no port mappings, as networkMode is none, got "
        "[{\"containerPort\":80}]");
}

TEST_CASE("task_definition: unknown ECS fields are ignored, unknown values are not", "[scenarios]") {
  CHECK(parse_text(one_container("\"memory\": 64, \"logConfiguration\": {\"logDriver\": \"awslogs\"}, \"links\": []",
                                 R"("taskRoleArn": "arn", "volumes": [], )"))
            .containers.size() == 1);
  CHECK(td_error(one_container("\"memory\": 64", R"("networkMode": "nat", )")) ==
        "td.json: /networkMode: expected a networkMode: awsvpc, bridge, host or none, got \"nat\"");
  CHECK(td_error(R"({"family": "my app", "containerDefinitions": []})") ==
        "td.json: /family: expected a family name of 1 to 255 letters, digits, hyphens and underscores, got \"my app\"");
  CHECK(td_error(one_container("\"memory\": 64, \"resourceRequirements\": [{\"type\": \"GPU\", \"value\": \"two\"}]")) ==
        "td.json: /containerDefinitions/0/resourceRequirements/0/value: expected a GPU count as a string of digits, "
        "like \"1\", got \"two\"");
}

TEST_CASE("task_definition: resolve_reservation follows the documented rule on hand-built definitions", "[scenarios]") {
  sim::TaskDefinition def;
  def.network_mode = sim::NetworkMode::kBridge;
  sim::ContainerDefinition a;
  a.memory_mib = 256;
  a.cpu = 128;
  a.gpus = 1;
  a.port_mappings = {{80, 8080, sim::Protocol::kTcp}, {81, 8080, sim::Protocol::kTcp}};
  def.containers = {a, a};
  resolve_reservation(def, -1, -1);
  CHECK(def.reserved.cpu == 256);
  CHECK(def.reserved.memory_mib == 512);
  CHECK(def.reserved.gpus == 2);
  CHECK(def.tcp_host_ports == std::vector<std::uint16_t>{8080});
  resolve_reservation(def, 2048, 4096);
  CHECK(def.reserved.cpu == 2048);
  CHECK(def.reserved.memory_mib == 4096);
}

TEST_CASE("task definition: mountPoints must name a declared volume, as ECS validates", "[ecs][scenarios][volumes]") {
  // RegisterTaskDefinition answers "Unknown volume 'NAME'." (quoted in ansible/ansible #35777).
  const auto error = [](const std::string& text) { return td_error(text); };
  CHECK(error(R"({"family": "f", "volumes": [{"name": "logs", "host": {"sourcePath": "/var/log"}}],
       "containerDefinitions": [{"name": "a", "image": "a", "memory": 64,
                                 "mountPoints": [{"sourceVolume": "data", "containerPath": "/d"}]}]})") ==
        "td.json: /containerDefinitions/0/mountPoints/0/sourceVolume: expected a volume declared in the task "
        "definition's volumes (ECS: Unknown volume 'data'.), got \"data\"");
  // Bind mounts, Docker-managed bind directories and Docker volumes are accepted.
  const auto td = parse_text(R"({"family": "f", "volumes": [
       {"name": "logs", "host": {"sourcePath": "/var/log"}}, {"name": "scratch"},
       {"name": "cache", "dockerVolumeConfiguration": {"scope": "task", "driver": "local"}}],
       "containerDefinitions": [{"name": "a", "image": "a", "memory": 64, "mountPoints": [
           {"sourceVolume": "logs", "containerPath": "/l"}, {"sourceVolume": "scratch", "containerPath": "/s"},
           {"sourceVolume": "cache", "containerPath": "/c", "readOnly": true}]},
         {"name": "b", "image": "b", "memory": 64, "volumesFrom": [{"sourceContainer": "a"}]}]})");
  REQUIRE(td.volumes.size() == 3);
  CHECK(td.volumes[2].kind == sim::Volume::Kind::kDocker);
  CHECK(td.required_attributes.empty());
  CHECK(error(R"({"family": "f", "containerDefinitions": [{"name": "a", "image": "a", "memory": 64,
       "volumesFrom": [{"sourceContainer": "z"}]}]})") ==
        "td.json: /containerDefinitions/0/volumesFrom/0/sourceContainer: expected a sourceContainer naming another "
        "container of the task definition, got \"z\"");
  // A third-party Docker volume driver, EFS and an EBS volume need the agent's capabilities.
  const auto needs = parse_text(R"({"family": "f", "volumes": [
       {"name": "rex", "dockerVolumeConfiguration": {"driver": "rexray/ebs"}},
       {"name": "shared", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}},
       {"name": "data", "configuredAtLaunch": true}],
       "containerDefinitions": [{"name": "a", "image": "a", "memory": 64}]})");
  std::vector<std::string> names;
  for (const auto& a : needs.required_attributes) names.push_back(a.name);
  CHECK(names == std::vector<std::string>{"ecs.capability.docker-volume-driver.rexray/ebs", "ecs.capability.efs",
                                          "ecs.capability.storage.ebs-task-volume-attach"});
  CHECK(error(R"({"family": "f", "volumes": [{"name": "a", "configuredAtLaunch": true}, {"name": "b", "configuredAtLaunch": true}],
       "containerDefinitions": [{"name": "a", "image": "a", "memory": 64}]})") ==
        "td.json: /volumes/1/configuredAtLaunch: expected one volume configuredAtLaunch (ECS attaches one EBS volume "
        "per task), got a second, \"b\"");
}

TEST_CASE("task definition: networkMode none allows no port mappings and reserves no port or ENI", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters", networkMode and portMappings: "none: no port mappings allowed".
  CHECK(td_error(R"({"family": "f", "networkMode": "none", "containerDefinitions": [{"name": "a", "image": "a",
       "memory": 64, "portMappings": [{"containerPort": 80}]}]})")
            .find("/containerDefinitions/0/portMappings: expected no port mappings, as networkMode is none") !=
        std::string::npos);
  const auto def = parse_text(R"({"family": "f", "networkMode": "none",
       "containerDefinitions": [{"name": "a", "image": "a", "memory": 64}]})");
  CHECK(def.reserved.enis == 0);
  CHECK(def.tcp_host_ports.empty());
}

TEST_CASE("task_definition: a container healthCheck gets ECS's defaults and ranges", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters", health check: interval 30 s (5-300), timeout 5 s
  // (2-60), retries 3 (1-10), startPeriod 0-300 s, command required.
  const auto plain = parse_text(one_container(R"("memory": 64, "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/"]})"));
  REQUIRE(plain.containers[0].health_check.has_value());
  CHECK(plain.containers[0].health_check->interval == 30 * sim::kSecond);
  CHECK(plain.containers[0].health_check->timeout == 5 * sim::kSecond);
  CHECK(plain.containers[0].health_check->retries == 3);
  CHECK(plain.containers[0].health_check->start_period == 0);
  // ECS adds the health check capability to requiresAttributes at registration.
  CHECK(plain.required_attributes.at(0).name == "ecs.capability.container-health-check");
  const auto set = parse_text(one_container(R"("memory": 64, "healthCheck": {"command": ["CMD", "true"], "interval": 300,
      "timeout": 60, "retries": 10, "startPeriod": 300})"));
  CHECK(set.containers[0].health_check->interval == 300 * sim::kSecond);
  CHECK(set.containers[0].health_check->timeout == 60 * sim::kSecond);
  CHECK(set.containers[0].health_check->retries == 10);
  CHECK(set.containers[0].health_check->start_period == 300 * sim::kSecond);
  CHECK_FALSE(parse_text(one_container(R"("memory": 64)")).containers[0].health_check.has_value());
  CHECK(td_error(one_container(R"("memory": 64, "healthCheck": {"command": ["CMD", "true"], "timeout": 61})")) ==
        "td.json: /containerDefinitions/0/healthCheck/timeout: expected a healthCheck timeout from 2 to 60 seconds, got 61");
  CHECK(td_error(one_container(R"("memory": 64, "healthCheck": {"command": ["CMD", "true"], "retries": 0})")) ==
        "td.json: /containerDefinitions/0/healthCheck/retries: expected a healthCheck retries from 1 to 10, got 0");
  CHECK(td_error(one_container(R"("memory": 64, "healthCheck": {"command": ["CMD", "true"], "startPeriod": 301})")) ==
        "td.json: /containerDefinitions/0/healthCheck/startPeriod: expected a healthCheck startPeriod from 0 to 300 seconds, "
        "got 301");
  CHECK(td_error(one_container(R"("memory": 64, "healthCheck": {"command": []})")) ==
        "td.json: /containerDefinitions/0/healthCheck/command: expected a healthCheck command: a non-empty array of strings "
        "such as [\"CMD-SHELL\", \"curl -f http://localhost/\"], got []");
}

TEST_CASE("task_definition: dependsOn names other containers by index with their condition", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters", container dependency: START, COMPLETE, SUCCESS,
  // HEALTHY; COMPLETE and SUCCESS cannot target an essential container; HEALTHY needs the
  // dependency's health check.
  const auto def = parse_text(R"({"family": "f", "containerDefinitions": [
      {"name": "app", "image": "i", "memory": 64, "dependsOn": [{"containerName": "init", "condition": "SUCCESS"},
                                                              {"containerName": "db", "condition": "HEALTHY"},
                                                              {"containerName": "log", "condition": "START"}]},
      {"name": "init", "image": "i", "memory": 64, "essential": false},
      {"name": "db", "image": "i", "memory": 64, "healthCheck": {"command": ["CMD", "true"]},
       "dependsOn": [{"containerName": "init", "condition": "COMPLETE"}]},
      {"name": "log", "image": "i", "memory": 64}]})");
  const auto& deps = def.containers[0].depends_on;
  REQUIRE(deps.size() == 3);
  CHECK(deps[0].container == 1);
  CHECK(deps[0].condition == sim::DependencyCondition::kSuccess);
  CHECK(deps[1].container == 2);
  CHECK(deps[1].condition == sim::DependencyCondition::kHealthy);
  CHECK(deps[2].container == 3);
  CHECK(deps[2].condition == sim::DependencyCondition::kStart);
  REQUIRE(def.containers[2].depends_on.size() == 1);
  CHECK(def.containers[2].depends_on[0].condition == sim::DependencyCondition::kComplete);
  CHECK(def.containers[3].depends_on.empty());
  // ECS adds the container ordering capability to requiresAttributes.
  CHECK(std::any_of(def.required_attributes.begin(), def.required_attributes.end(),
                    [](const sim::Attribute& a) { return a.name == "ecs.capability.container-ordering"; }));
  CHECK(td_error(R"({"family": "f", "containerDefinitions": [{"name": "a", "image": "i", "memory": 64},
      {"name": "b", "image": "i", "memory": 64, "dependsOn": [{"containerName": "a", "condition": "SUCCESS"}]}]})") ==
        "td.json: /containerDefinitions/1/dependsOn/0/condition: expected START or HEALTHY, as container \"a\" is essential "
        "(COMPLETE and SUCCESS cannot target an essential container), got \"SUCCESS\"");
  CHECK(td_error(R"({"family": "f", "containerDefinitions": [{"name": "a", "image": "i", "memory": 64},
      {"name": "b", "image": "i", "memory": 64, "dependsOn": [{"containerName": "a", "condition": "STARTED"}]}]})") ==
        "td.json: /containerDefinitions/1/dependsOn/0/condition: expected a known dependency condition (did you mean "
        "\"START\"? valid: COMPLETE, HEALTHY, START, SUCCESS), got \"STARTED\"");
  CHECK(td_error(R"({"family": "f", "containerDefinitions": [{"name": "a", "image": "i", "memory": 64},
      {"name": "b", "image": "i", "memory": 64, "dependsOn": [{"containerName": "a", "condition": "START"},
                                                            {"containerName": "a", "condition": "START"}]}]})") ==
        "td.json: /containerDefinitions/1/dependsOn/1/containerName: expected a container not named before in this "
        "dependsOn, got \"a\"");
}

TEST_CASE("task_definition: stopTimeout and startTimeout are whole seconds, unset by default", "[ecs][scenarios]") {
  // Dev Guide "Task definition parameters": on EC2 an unset stopTimeout means the agent's
  // ECS_CONTAINER_STOP_TIMEOUT; ECS gives no EC2 range, so any non-negative value is taken.
  const auto unset = parse_text(one_container(R"("memory": 64)"));
  CHECK(unset.containers[0].stop_timeout == -1);
  CHECK(unset.containers[0].start_timeout == -1);
  const auto set = parse_text(one_container(R"("memory": 64, "stopTimeout": 600, "startTimeout": 0)"));
  CHECK(set.containers[0].stop_timeout == 600 * sim::kSecond);
  CHECK(set.containers[0].start_timeout == 0);
  CHECK(td_error(one_container(R"("memory": 64, "stopTimeout": -1)")) ==
        "td.json: /containerDefinitions/0/stopTimeout: expected a stopTimeout: a number of seconds from 0 to 2147483647, got "
        "-1");
  CHECK(td_error(one_container(R"("memory": 64, "startTimeout": "2m")")) ==
        "td.json: /containerDefinitions/0/startTimeout: expected a startTimeout: a number of seconds from 0 to 2147483647, "
        "got \"2m\"");
}

TEST_CASE("task_definition: thousands of families and revisions resolve to the right definition", "[scenarios]") {
  // The registry indexes families (resolving was a scan of every definition per reference).
  const auto doc = parse_json_document(R"(["f-0", "f-1999", "f-7:3", "f-7", "f-7:03", "f-7:9"])", "refs.json");
  const JsonCursor refs(*doc);
  TaskDefinitionRegistry registry;
  for (int k = 0; k < 2000; ++k) {
    sim::TaskDefinition def = parse_text(one_container("\"memory\": 64"));
    def.family = "f-" + std::to_string(k);
    registry.add(def, refs);
  }
  for (int rev = 2; rev <= 4; ++rev) {  // f-7: revisions 1 to 4
    sim::TaskDefinition def = parse_text(one_container("\"memory\": 64"));
    def.family = "f-7";
    registry.add(def, refs);
  }
  CHECK(registry.resolve(refs.at(0)) == 0);
  CHECK(registry.resolve(refs.at(1)) == 1999);
  CHECK(registry.resolve(refs.at(2)) == 2001);  // f-7:3, the second added revision
  CHECK(registry.resolve(refs.at(3)) == 2002);  // f-7: the latest, 4
  CHECK(registry.definitions()[2002].revision == 4);
  CHECK(error_text([&] { registry.resolve(refs.at(4)); }) ==
        "refs.json: /4: expected a registered revision of \"f-7\" (valid: 1, 2, 3, 4), got \"f-7:03\"");
  CHECK(error_text([&] { registry.resolve(refs.at(5)); }) ==
        "refs.json: /5: expected a registered revision of \"f-7\" (valid: 1, 2, 3, 4), got \"f-7:9\"");
}

}  // namespace
}  // namespace ecsim::scenarios
