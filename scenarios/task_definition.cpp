#include "scenarios/task_definition.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <tuple>

#include "placement/query_language.h"
#include "scenarios/agent_capabilities.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// ECS's own ClientException texts. Confirmed ones were found verbatim in AWS documentation
// or in user reports of the API's answer; the others are ecsim's wording in ECS's style, as no
// source giving the exact text was found.
// Confirmed: Dev Guide "Troubleshoot task definition invalid CPU or memory errors".
constexpr std::string_view kInvalidTaskCpu = "Invalid 'cpu' setting for task.";
// Confirmed: API answers quoted in aws/amazon-ecs-cli #184 and #951.
constexpr std::string_view kTooManyContainers = "Too many containers.";
// Confirmed: API answer quoted in awsdocs/aws-cloudformation-user-guide #454.
constexpr std::string_view kEmptyContainerList = "Container list cannot be empty.";
// Confirmed: API answer quoted in hashicorp/terraform #2888.
constexpr std::string_view kNoContainerName = "Container.name should not be null or empty.";
// Confirmed: API answers quoted in aws/amazon-ecs-cli #1014 and pulumi/pulumi-awsx #935.
constexpr std::string_view kAwsvpcPorts =
    "When networkMode=awsvpc, the host ports and container ports in port mappings must match.";
// Not confirmed (by analogy with the awsvpc message): host mode.
constexpr std::string_view kHostPorts =
    "When networkMode=host, the host ports and container ports in port mappings must match.";
// Not confirmed: wording recalled from ECS answers, no stored source.
constexpr std::string_view kFargateCpuRequired = "Fargate requires that 'cpu' be defined at the task level.";
constexpr std::string_view kFargateMemoryRequired = "Fargate requires that 'memory' be defined at the task level.";
constexpr std::string_view kFargateNetworkMode = "Fargate only supports network mode 'awsvpc'.";

std::string ecs_says(std::string_view expected, std::string_view ecs_message) {
  return std::string(expected) + " (ECS: " + std::string(ecs_message) + ")";
}

// "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be
// specified." Confirmed: API answers quoted in sil-org/ecs-deploy #59 and getmoto/moto #7280.
std::string memory_missing_message(const std::string& container) {
  return "Invalid setting for container '" + container +
         "'. At least one of 'memory' or 'memoryReservation' must be specified.";
}

bool valid_family(const std::string& family) {
  if (family.empty() || family.size() > 255) return false;
  for (char c : family) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The Fargate task size table (Dev Guide "Troubleshoot task definition invalid CPU or memory
// errors"): cpu units -> memory MiB from lo to hi in steps.
bool fargate_size_ok(std::int64_t cpu, std::int64_t memory) {
  struct Row {
    std::int64_t cpu, lo, hi, step;
  };
  constexpr std::int64_t G = 1024;
  constexpr Row kRows[] = {
      {512, 1 * G, 4 * G, G},         {1024, 2 * G, 8 * G, G},        {2048, 4 * G, 16 * G, G},
      {4096, 8 * G, 30 * G, G},       {8192, 16 * G, 60 * G, 4 * G},  {16384, 32 * G, 120 * G, 8 * G},
  };
  if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
  for (const Row& r : kRows) {
    if (r.cpu == cpu) return memory >= r.lo && memory <= r.hi && (memory - r.lo) % r.step == 0;
  }
  return false;
}

std::int32_t get_gpu_count(const JsonCursor& v) {
  static const std::string kExpected = "a GPU count as a string of digits, like \"1\"";
  if (v.is_number()) return static_cast<std::int32_t>(v.get_int(1, 1024, kExpected));
  if (!v.is_string()) v.fail(kExpected);
  const auto& s = v.json().get_ref<const std::string&>();
  if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    v.fail(kExpected);
  }
  const int n = std::stoi(s);
  if (n < 1 || n > 1024) v.fail(kExpected);
  return n;
}

// RegisterTaskDefinition healthCheck: command required; whole seconds in ECS's ranges
// (Dev Guide "Task definition parameters", health check).
sim::HealthCheck parse_health_check(const JsonCursor& hc) {
  hc.expect_object("a healthCheck object ({\"command\": [...], \"interval\": ...})");
  const JsonCursor cmd = hc["command"];
  const std::string kCommand = "a healthCheck command: a non-empty array of strings such as [\"CMD-SHELL\", \"curl -f http://localhost/\"]";
  cmd.expect_array(kCommand);
  if (cmd.size() == 0) cmd.fail(kCommand);
  for (std::size_t i = 0; i < cmd.size(); ++i) cmd.at(i).get_string("a command string");
  sim::HealthCheck out;
  const auto seconds = [&](std::string_view key, std::int64_t lo, std::int64_t hi, sim::SimTime& field) {
    if (!hc.has(key) || hc[key].json().is_null()) return;
    field = hc[key].get_int(lo, hi, "a healthCheck " + std::string(key) + " from " + std::to_string(lo) + " to " +
                                        std::to_string(hi) + " seconds") *
            sim::kSecond;
  };
  seconds("interval", 5, 300, out.interval);
  seconds("timeout", 2, 60, out.timeout);
  seconds("startPeriod", 0, 300, out.start_period);
  if (hc.has("retries") && !hc["retries"].json().is_null()) {
    out.retries = static_cast<std::int32_t>(hc["retries"].get_int(1, 10, "a healthCheck retries from 1 to 10"));
  }
  return out;
}

sim::ContainerDefinition parse_container(const JsonCursor& c, sim::NetworkMode mode) {
  c.expect_object("a container definition object");
  sim::ContainerDefinition out;
  const JsonCursor name = c["name"];
  if (!name.is_string() || name.json().get_ref<const std::string&>().empty()) {
    name.fail(ecs_says("a container name", kNoContainerName));
  }
  out.name = name.json().get<std::string>();
  // Not confirmed: ECS's text for a missing image (register-task-definition rejects it).
  out.image = c["image"].get_name("a container image (ECS: Container.image should not be null or empty.)");
  if (c.has("cpu")) out.cpu = static_cast<std::int32_t>(c["cpu"].get_int(0, kInt32Max, "a container cpu in units (an integer from 0)"));
  // The Docker 20.10+ daemon keeps at least 6 MiB per container (Dev Guide, memory and
  // memoryReservation); smaller values cannot start.
  const std::string kMemory = "a container memory in MiB: 0 (unset) or from 6 to 2147483647";
  if (c.has("memory") && !c["memory"].json().is_null()) out.memory_mib = c["memory"].get_int(0, kInt32Max, kMemory);
  if (out.memory_mib > 0 && out.memory_mib < 6) c["memory"].fail(kMemory);
  const std::string kReservation = "a container memoryReservation in MiB: 0 (unset) or from 6 to 2147483647";
  if (c.has("memoryReservation") && !c["memoryReservation"].json().is_null()) {
    out.memory_reservation_mib = c["memoryReservation"].get_int(0, kInt32Max, kReservation);
  }
  if (out.memory_reservation_mib > 0 && out.memory_reservation_mib < 6) c["memoryReservation"].fail(kReservation);
  if (out.memory_mib > 0 && out.memory_reservation_mib > out.memory_mib) {
    // ECS accepts equal values (awsdocs/amazon-ecs-developer-guide #242); wording is ecsim's.
    c["memoryReservation"].fail("a memoryReservation no larger than the container's memory (" +
                                std::to_string(out.memory_mib) + " MiB)");
  }
  if (c.has("essential")) out.essential = c["essential"].get_bool();

  if (c.has("resourceRequirements")) {
    const JsonCursor rr = c["resourceRequirements"];
    rr.expect_array("an array of resource requirements");
    for (std::size_t i = 0; i < rr.size(); ++i) {
      const JsonCursor r = rr.at(i);
      r.expect_object("a resource requirement object ({\"type\": \"GPU\", \"value\": \"1\"})");
      const std::string type = r["type"].get_string("a resource requirement type: GPU or InferenceAccelerator");
      if (type == "GPU") {
        const std::int64_t total = std::int64_t{out.gpus} + get_gpu_count(r["value"]);
        if (total > 1024) r["value"].fail("at most 1024 GPUs per container");
        out.gpus = static_cast<std::int32_t>(total);
      } else if (type != "InferenceAccelerator") {
        r["type"].fail("a resource requirement type: GPU or InferenceAccelerator");
      }
    }
  }

  if (c.has("portMappings")) {
    const JsonCursor pm = c["portMappings"];
    pm.expect_array("an array of port mappings");
    if (mode == sim::NetworkMode::kNone && pm.size() > 0) {
      pm.fail("no port mappings, as networkMode is none", describe_json(&pm.json()));
    }
    for (std::size_t i = 0; i < pm.size(); ++i) {
      const JsonCursor m = pm.at(i);
      m.expect_object("a port mapping object");
      // A containerPortRange mapping gets dynamic host ports: nothing static to reserve.
      if (!m.has("containerPort") && m.has("containerPortRange")) continue;
      sim::PortMapping p;
      p.container_port = static_cast<std::int32_t>(m["containerPort"].get_int(1, 65535, "a containerPort from 1 to 65535"));
      if (m.has("hostPort")) p.host_port = static_cast<std::int32_t>(m["hostPort"].get_int(0, 65535, "a hostPort from 0 to 65535"));
      if (m.has("protocol")) {
        const std::string proto = m["protocol"].get_string("a protocol: tcp or udp");
        if (proto == "tcp") {
          p.protocol = sim::Protocol::kTcp;
        } else if (proto == "udp") {
          p.protocol = sim::Protocol::kUdp;
        } else {
          m["protocol"].fail("a protocol: tcp or udp");
        }
      }
      if (mode == sim::NetworkMode::kAwsvpc && p.host_port != 0 && p.host_port != p.container_port) {
        m["hostPort"].fail(ecs_says("the containerPort (" + std::to_string(p.container_port) + ") or no hostPort", kAwsvpcPorts));
      }
      if (mode == sim::NetworkMode::kHost) {
        if (p.host_port != 0 && p.host_port != p.container_port) {
          m["hostPort"].fail(ecs_says("the containerPort (" + std::to_string(p.container_port) + ") or no hostPort", kHostPorts));
        }
        p.host_port = p.container_port;
      }
      out.port_mappings.push_back(p);
    }
  }
  if (c.has("healthCheck") && !c["healthCheck"].json().is_null()) out.health_check = parse_health_check(c["healthCheck"]);
  // stopTimeout and startTimeout: whole seconds. On EC2 ECS gives no range (Fargate caps
  // stopTimeout at 120 s; ecsim models EC2), so any non-negative number of seconds is taken.
  const std::string kTimeout = "a number of seconds from 0 to 2147483647";
  if (c.has("stopTimeout") && !c["stopTimeout"].json().is_null()) {
    out.stop_timeout = c["stopTimeout"].get_int(0, kInt32Max, "a stopTimeout: " + kTimeout) * sim::kSecond;
  }
  if (c.has("startTimeout") && !c["startTimeout"].json().is_null()) {
    out.start_timeout = c["startTimeout"].get_int(0, kInt32Max, "a startTimeout: " + kTimeout) * sim::kSecond;
  }
  return out;
}

// dependsOn of every container (Dev Guide "Task definition parameters", container dependency):
// the named container must be another of the task definition; COMPLETE and SUCCESS cannot
// target an essential container; HEALTHY needs the target's healthCheck. ecsim also refuses a
// cycle, in which no container of the cycle could ever start.
void resolve_dependencies(const JsonCursor& list, sim::TaskDefinition& def) {
  static const sim::DependencyCondition kConditions[] = {sim::DependencyCondition::kComplete,
                                                         sim::DependencyCondition::kHealthy,
                                                         sim::DependencyCondition::kStart, sim::DependencyCondition::kSuccess};
  for (std::size_t i = 0; i < def.containers.size(); ++i) {
    const JsonCursor item = list.at(i);
    if (!item.has("dependsOn") || item["dependsOn"].json().is_null()) continue;
    const JsonCursor deps = item["dependsOn"];
    deps.expect_array("an array of container dependencies ({\"containerName\": ..., \"condition\": ...})");
    for (std::size_t k = 0; k < deps.size(); ++k) {
      const JsonCursor d = deps.at(k);
      d.expect_object("a container dependency object ({\"containerName\": ..., \"condition\": ...})");
      const JsonCursor name_cursor = d["containerName"];
      const std::string expected = "a containerName naming another container of the task definition";
      const std::string name = name_cursor.get_name(expected);
      std::size_t target = def.containers.size();
      for (std::size_t t = 0; t < def.containers.size(); ++t) {
        if (def.containers[t].name == name) target = t;
      }
      if (target == def.containers.size() || target == i) name_cursor.fail(expected, quote(name));
      for (const auto& earlier : def.containers[i].depends_on) {
        if (earlier.container == target) name_cursor.fail("a container not named before in this dependsOn", quote(name));
      }
      const JsonCursor cond = d["condition"];
      const std::string cond_text = cond.get_string("a dependency condition");
      const std::vector<std::string> kNames = {"COMPLETE", "HEALTHY", "START", "SUCCESS"};
      const std::size_t ci = std::find(kNames.begin(), kNames.end(), cond_text) - kNames.begin();
      if (ci == kNames.size()) cond.fail(unknown_name_phrase("dependency condition", cond_text, kNames.data(), kNames.size()), quote(cond_text));
      const sim::DependencyCondition condition = kConditions[ci];
      const auto& dependency = def.containers[target];
      if ((condition == sim::DependencyCondition::kComplete || condition == sim::DependencyCondition::kSuccess) &&
          dependency.essential) {
        cond.fail("START or HEALTHY, as container \"" + name + "\" is essential (COMPLETE and SUCCESS cannot target an "
                  "essential container)", quote(cond_text));
      }
      if (condition == sim::DependencyCondition::kHealthy && !dependency.health_check) {
        cond.fail("START, COMPLETE or SUCCESS, as container \"" + name + "\" has no healthCheck", quote(cond_text));
      }
      def.containers[i].depends_on.push_back(sim::ContainerDependency{static_cast<std::uint32_t>(target), condition});
    }
  }
  // Depth-first search for a cycle; at most 10 containers.
  std::vector<int> state(def.containers.size(), 0);  // 0 unseen, 1 on the path, 2 done
  std::vector<std::uint32_t> path;
  const auto visit = [&](const auto& self, std::uint32_t c) -> void {
    state[c] = 1;
    path.push_back(c);
    for (const auto& d : def.containers[c].depends_on) {
      if (state[d.container] == 1) {
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), d.container); it != path.end(); ++it) {
          cycle += "\"" + def.containers[*it].name + "\" -> ";
        }
        cycle += "\"" + def.containers[d.container].name + "\"";
        list.at(c)["dependsOn"].fail("container dependencies without a cycle", cycle);
      }
      if (state[d.container] == 0) self(self, d.container);
    }
    path.pop_back();
    state[c] = 2;
  };
  for (std::uint32_t c = 0; c < def.containers.size(); ++c) {
    if (state[c] == 0) visit(visit, c);
  }
}

}  // namespace

void resolve_reservation(sim::TaskDefinition& def, std::int64_t task_cpu, std::int64_t task_memory_mib) {
  std::int64_t cpu = 0;
  std::int64_t memory = 0;
  std::int64_t gpus = 0;
  for (const auto& c : def.containers) {
    cpu += c.cpu;
    memory += c.memory_reservation_mib > 0 ? c.memory_reservation_mib : c.memory_mib;
    gpus += c.gpus;
  }
  def.reserved.cpu = static_cast<std::int32_t>(task_cpu >= 0 ? task_cpu : std::min(cpu, kInt32Max));
  def.reserved.memory_mib = static_cast<std::int32_t>(task_memory_mib >= 0 ? task_memory_mib : std::min(memory, kInt32Max));
  def.reserved.gpus = static_cast<std::int32_t>(std::min(gpus, kInt32Max));
  def.reserved.enis = def.network_mode == sim::NetworkMode::kAwsvpc ? 1 : 0;
  def.tcp_host_ports.clear();
  def.udp_host_ports.clear();
  // awsvpc ports live on the task's own ENI and none mode has no ports: no host ports taken.
  if (def.network_mode == sim::NetworkMode::kBridge || def.network_mode == sim::NetworkMode::kHost) {
    for (const auto& c : def.containers) {
      for (const auto& p : c.port_mappings) {
        if (p.host_port <= 0) continue;  // dynamic: the scheduler does not track it
        auto& list = p.protocol == sim::Protocol::kTcp ? def.tcp_host_ports : def.udp_host_ports;
        list.push_back(static_cast<std::uint16_t>(p.host_port));
      }
    }
  }
  for (auto* list : {&def.tcp_host_ports, &def.udp_host_ports}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

ImageIndex index_images(const std::vector<sim::Image>& images) {
  ImageIndex out;
  out.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) out.emplace(images[i].name, static_cast<std::uint32_t>(i));
  return out;
}

sim::TaskDefinition parse_task_definition(const JsonCursor& c, const std::vector<sim::Image>& images) {
  return parse_task_definition(c, index_images(images));
}

sim::TaskDefinition parse_task_definition(const JsonCursor& outer, const ImageIndex& images) {
  outer.expect_object("a task definition object");
  // describe-task-definition output wraps the definition; register input does not.
  const JsonCursor c = (outer.has("taskDefinition") && !outer.has("containerDefinitions")) ? outer["taskDefinition"] : outer;
  c.expect_object("a task definition object");

  sim::TaskDefinition def;
  def.source_file = c.file();
  const JsonCursor family = c["family"];
  if (!family.is_string() || !valid_family(family.json().get<std::string>())) {
    family.fail("a family name of 1 to 255 letters, digits, hyphens and underscores");
  }
  def.family = family.json().get<std::string>();
  def.revision = c.has("revision") ? static_cast<std::int32_t>(c["revision"].get_int(1, kInt32Max, "a revision from 1")) : 0;

  if (c.json().dump().size() > 64 * 1024) {
    c.fail("a task definition of at most 64 KiB", std::to_string(c.json().dump().size()) + " bytes");
  }

  if (c.has("networkMode") && !c["networkMode"].json().is_null()) {
    const JsonCursor nm = c["networkMode"];
    const std::string mode = nm.get_string("a networkMode: awsvpc, bridge, host or none");
    if (mode == "bridge") {
      def.network_mode = sim::NetworkMode::kBridge;
    } else if (mode == "host") {
      def.network_mode = sim::NetworkMode::kHost;
    } else if (mode == "awsvpc") {
      def.network_mode = sim::NetworkMode::kAwsvpc;
    } else if (mode == "none") {
      def.network_mode = sim::NetworkMode::kNone;
    } else {
      // "default" is the Windows NAT mode: ecsim models Linux container instances only.
      nm.fail("a networkMode: awsvpc, bridge, host or none");
    }
  }

  // runtimePlatform (RegisterTaskDefinition): the instance's CPU architecture and OS family
  // become attributes the task requires; placement fails with ATTRIBUTE elsewhere.
  if (c.has("runtimePlatform") && !c["runtimePlatform"].json().is_null()) {
    const JsonCursor rp = c["runtimePlatform"];
    rp.expect_object("a runtimePlatform object");
    if (rp.has("cpuArchitecture")) {
      const std::string arch = rp["cpuArchitecture"].get_string("a cpuArchitecture: X86_64 or ARM64");
      if (arch == "X86_64") {
        def.required_attributes.push_back({"ecs.cpu-architecture", "x86_64"});
      } else if (arch == "ARM64") {
        def.required_attributes.push_back({"ecs.cpu-architecture", "arm64"});
      } else {
        rp["cpuArchitecture"].fail("a cpuArchitecture: X86_64 or ARM64");
      }
    }
    if (rp.has("operatingSystemFamily")) {
      const std::string os = rp["operatingSystemFamily"].get_string("an operatingSystemFamily such as LINUX");
      if (os == "LINUX") {
        def.required_attributes.push_back({"ecs.os-type", "linux"});
      } else if (os.rfind("WINDOWS_SERVER_", 0) == 0) {
        def.required_attributes.push_back({"ecs.os-type", "windows"});
      } else {
        rp["operatingSystemFamily"].fail("an operatingSystemFamily: LINUX or WINDOWS_SERVER_...");
      }
    }
  }

  // requiresAttributes (DescribeTaskDefinition output): attributes an instance must hold, with
  // the given value or, without one, any value (capabilities have none). ATTRIBUTE otherwise.
  if (c.has("requiresAttributes") && !c["requiresAttributes"].json().is_null()) {
    const JsonCursor ra = c["requiresAttributes"];
    ra.expect_array("an array of required attributes ({\"name\": ...})");
    for (std::size_t i = 0; i < ra.size(); ++i) {
      const JsonCursor item = ra.at(i);
      item.expect_object("a required attribute object ({\"name\": ..., \"value\": ...})");
      item.check_keys(keys::kRequiredAttribute);
      const std::string name = item["name"].get_name("an attribute name");
      if (name.size() > 128) item["name"].fail("an attribute name of 1 to 128 characters", quote(name));
      std::string value;
      if (item.has("value") && !item["value"].json().is_null()) {
        value = item["value"].get_string("an attribute value string");
        if (value.size() > 128) item["value"].fail("an attribute value of at most 128 characters");
      }
      if (item.has("targetType") && !item["targetType"].json().is_null() &&
          item["targetType"].get_string("a targetType: container-instance") != "container-instance") {
        item["targetType"].fail("a targetType: container-instance");
      }
      def.required_attributes.push_back({name, value});
    }
  }
  // What ECS adds to requiresAttributes at registration for the features ecsim models: awsvpc
  // needs an ENI-capable agent (Dev Guide "Elastic network interface trunking"); container health checks
  // and dependsOn
  // need the agent capabilities of those names (agent_capability.go).
  if (def.network_mode == sim::NetworkMode::kAwsvpc) def.required_attributes.push_back({std::string(kTaskEniCapability), ""});

  bool fargate = false;
  if (c.has("requiresCompatibilities")) {
    const JsonCursor rc = c["requiresCompatibilities"];
    rc.expect_array("an array of compatibilities (EC2, EXTERNAL, FARGATE)");
    for (std::size_t i = 0; i < rc.size(); ++i) {
      const std::string v = rc.at(i).get_string("a compatibility: EC2, EXTERNAL or FARGATE");
      if (v != "EC2" && v != "EXTERNAL" && v != "FARGATE") rc.at(i).fail("a compatibility: EC2, EXTERNAL or FARGATE");
      if (v == "FARGATE") fargate = true;
      def.requires_compatibilities.push_back(v);
    }
  }

  const std::int64_t task_cpu = c.has("cpu") && !c["cpu"].json().is_null() ? get_task_cpu(c["cpu"]) : -1;
  const std::int64_t task_memory =
      c.has("memory") && !c["memory"].json().is_null() ? get_task_memory_mib(c["memory"]) : -1;
  if (task_memory == 0 || task_memory > kInt32Max) c["memory"].fail("a task memory from 1 to 2147483647 MiB");

  if (fargate) {
    // Dev Guide: FARGATE in requiresCompatibilities (even with EC2) imposes the Fargate table.
    if (task_cpu < 0) c["cpu"].fail(ecs_says("a task cpu, which FARGATE requires", kFargateCpuRequired));
    if (task_memory < 0) c["memory"].fail(ecs_says("a task memory, which FARGATE requires", kFargateMemoryRequired));
    if (!fargate_size_ok(task_cpu, task_memory)) {
      c["cpu"].fail(ecs_says("a Fargate cpu and memory pair", kInvalidTaskCpu),
                    "cpu " + std::to_string(task_cpu) + " with memory " + std::to_string(task_memory));
    }
    if (def.network_mode != sim::NetworkMode::kAwsvpc) {
      c["networkMode"].fail(ecs_says("networkMode awsvpc, which FARGATE requires", kFargateNetworkMode));
    }
  } else if (task_cpu >= 0 && (task_cpu < 128 || task_cpu > 196608)) {
    // API reference RegisterTaskDefinition: 128 to 196608 units (0.125 to 192 vCPU) on EC2.
    c["cpu"].fail(ecs_says("a task cpu from 128 to 196608 units", kInvalidTaskCpu));
  }

  // Volumes (RegisterTaskDefinition volumes[]): bind mounts (host, or nothing: a Docker-managed
  // directory), Docker volumes, EFS, FSx for Windows File Server, and an EBS volume configured at
  // launch. Each asks the agent for the capability ECS requires of it.
  if (c.has("volumes") && !c["volumes"].json().is_null()) {
    const JsonCursor vols = c["volumes"];
    vols.expect_array("an array of volumes");
    for (std::size_t i = 0; i < vols.size(); ++i) {
      const JsonCursor v = vols.at(i);
      v.expect_object("a volume object ({\"name\": ..., \"host\": {...}})");
      v.check_keys(keys::kVolume);
      sim::Volume vol;
      vol.name = v["name"].get_name("a volume name");
      if (vol.name.size() > 255 || !valid_family(vol.name)) {
        v["name"].fail("a volume name of up to 255 letters, digits, hyphens and underscores", quote(vol.name));
      }
      for (const auto& other : def.volumes) {
        if (other.name == vol.name) v["name"].fail("a volume name not used before in this task definition", quote(vol.name));
      }
      int kinds = 0;
      if (v.has("host") && !v["host"].json().is_null()) {
        ++kinds;
        const JsonCursor h = v["host"];
        h.expect_object("a host object ({\"sourcePath\": ...})");
        // Confirmed: API answer quoted in cloudposse/terraform-aws-ecs-alb-service-task #174.
        if (fargate && h.has("sourcePath")) {
          h["sourcePath"].fail(ecs_says("no sourcePath on a FARGATE-compatible task definition",
                                        "Fargate compatible task definitions do not support sourcePath"));
        }
      }
      if (v.has("dockerVolumeConfiguration") && !v["dockerVolumeConfiguration"].json().is_null()) {
        ++kinds;
        vol.kind = sim::Volume::Kind::kDocker;
        const JsonCursor d = v["dockerVolumeConfiguration"];
        d.expect_object("a dockerVolumeConfiguration object");
        if (d.has("scope")) {
          const std::string scope = d["scope"].get_string("a scope: task or shared");
          if (scope != "task" && scope != "shared") d["scope"].fail("a scope: task or shared");
        }
        // The agent registers ecs.capability.docker-volume-driver.NAME for the drivers it has.
        const std::string driver = d.has("driver") ? d["driver"].get_name("a Docker volume driver name") : "local";
        if (driver != "local") def.required_attributes.push_back({"ecs.capability.docker-volume-driver." + driver, ""});
      }
      if (v.has("efsVolumeConfiguration") && !v["efsVolumeConfiguration"].json().is_null()) {
        ++kinds;
        vol.kind = sim::Volume::Kind::kEfs;
        const JsonCursor e = v["efsVolumeConfiguration"];
        e.expect_object("an efsVolumeConfiguration object");
        e["fileSystemId"].get_name("an EFS fileSystemId");
        def.required_attributes.push_back({std::string(kEfsCapability), ""});
        if (e.has("authorizationConfig")) def.required_attributes.push_back({"ecs.capability.efsAuth", ""});
      }
      if (v.has("fsxWindowsFileServerVolumeConfiguration") && !v["fsxWindowsFileServerVolumeConfiguration"].json().is_null()) {
        ++kinds;
        vol.kind = sim::Volume::Kind::kFsxWindows;
        def.required_attributes.push_back({"ecs.capability.fsxWindowsFileServer", ""});
      }
      if (v.has("configuredAtLaunch") && v["configuredAtLaunch"].get_bool()) {
        ++kinds;
        vol.kind = sim::Volume::Kind::kConfiguredAtLaunch;
        for (const auto& other : def.volumes) {
          if (other.kind == sim::Volume::Kind::kConfiguredAtLaunch) {
            v["configuredAtLaunch"].fail("one volume configuredAtLaunch (ECS attaches one EBS volume per task)",
                                         "a second, " + quote(vol.name));
          }
        }
        def.required_attributes.push_back({std::string(kEbsTaskAttachCapability), ""});
      }
      if (kinds > 1) v.fail("one kind of volume: host, dockerVolumeConfiguration, efsVolumeConfiguration, "
                            "fsxWindowsFileServerVolumeConfiguration or configuredAtLaunch", std::to_string(kinds) + " kinds");
      def.volumes.push_back(std::move(vol));
    }
  }

  const JsonCursor list = c["containerDefinitions"];
  list.expect_array("an array of container definitions");
  if (list.size() == 0) list.fail(ecs_says("at least one container definition", kEmptyContainerList));
  // Dev Guide quotas: at most 10 containers per task definition.
  if (list.size() > 10) {
    list.fail(ecs_says("at most 10 container definitions", kTooManyContainers), std::to_string(list.size()));
  }
  bool any_essential = false;
  std::int64_t sum_cpu = 0;
  std::int64_t sum_memory = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor item = list.at(i);
    sim::ContainerDefinition cd = parse_container(item, def.network_mode);
    for (const auto& other : def.containers) {
      if (other.name == cd.name) item["name"].fail("a container name not used before in this task definition", quote(cd.name));
    }
    if (task_memory < 0 && cd.memory_mib == 0 && cd.memory_reservation_mib == 0) {
      item.fail(ecs_says("a non-zero memory or memoryReservation, as the task sets no memory", memory_missing_message(cd.name)),
                "neither");
    }
    if (item.has("healthCheck") && !item["healthCheck"].json().is_null()) {
      def.required_attributes.push_back({std::string(kHealthCheckCapability), ""});
    }
    if (item.has("dependsOn") && !item["dependsOn"].json().is_null()) {
      def.required_attributes.push_back({std::string(kContainerOrderingCapability), ""});
    }
    if (item.has("mountPoints") && !item["mountPoints"].json().is_null()) {
      const JsonCursor mps = item["mountPoints"];
      mps.expect_array("an array of mount points");
      for (std::size_t k = 0; k < mps.size(); ++k) {
        const JsonCursor mp = mps.at(k);
        mp.expect_object("a mount point object ({\"sourceVolume\": ..., \"containerPath\": ...})");
        const JsonCursor sv = mp["sourceVolume"];
        const std::string name = sv.get_name("a sourceVolume naming one of the task definition's volumes");
        const bool declared = std::any_of(def.volumes.begin(), def.volumes.end(),
                                          [&](const sim::Volume& v) { return v.name == name; });
        // Confirmed: API answers quoted in ansible/ansible #35777 and
        // blinkist/terraform-aws-airship-ecs-service #46.
        if (!declared) sv.fail(ecs_says("a volume declared in the task definition's volumes", "Unknown volume '" + name + "'."), quote(name));
        mp["containerPath"].get_name("a containerPath");
        if (mp.has("readOnly") && !mp["readOnly"].json().is_null()) mp["readOnly"].get_bool();
      }
    }
    any_essential = any_essential || cd.essential;
    sum_cpu += cd.cpu;
    sum_memory += cd.memory_reservation_mib > 0 ? cd.memory_reservation_mib : cd.memory_mib;
    def.containers.push_back(std::move(cd));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor item = list.at(i);
    if (!item.has("volumesFrom") || item["volumesFrom"].json().is_null()) continue;
    const JsonCursor vf = item["volumesFrom"];
    vf.expect_array("an array of volumesFrom entries");
    for (std::size_t k = 0; k < vf.size(); ++k) {
      vf.at(k).expect_object("a volumesFrom object ({\"sourceContainer\": ...})");
      const JsonCursor sc = vf.at(k)["sourceContainer"];
      const std::string name = sc.get_name("a sourceContainer naming another container of the task definition");
      const bool known = std::any_of(def.containers.begin(), def.containers.end(),
                                     [&](const sim::ContainerDefinition& cd) { return cd.name == name; });
      if (!known || name == def.containers[i].name) {
        sc.fail("a sourceContainer naming another container of the task definition", quote(name));
      }
    }
  }
  resolve_dependencies(list, def);
  if (!any_essential) {
    // Not confirmed: ECS rejects the registration; its exact text was not found.
    list.fail("at least one essential container (ECS rejects a task definition without one)", "none");
  }
  if (task_cpu >= 0 && sum_cpu > task_cpu) {
    // Dev Guide "Task definition parameters": container cpu must fit in the task's cpu.
    c["cpu"].fail("a task cpu at least the containers' total (" + std::to_string(sum_cpu) + " units)",
                  std::to_string(task_cpu));
  }
  if (task_memory >= 0 && sum_memory > task_memory) {
    c["memory"].fail("a task memory at least the containers' total reservation (" + std::to_string(sum_memory) + " MiB)",
                     std::to_string(task_memory));
  }
  if (task_cpu < 0 && sum_cpu > kInt32Max) list.fail("a total container cpu below 2^31 units", std::to_string(sum_cpu));
  if (task_memory < 0 && sum_memory > kInt32Max) list.fail("a total container memory below 2^31 MiB", std::to_string(sum_memory));

  // Two mappings of one task onto the same static host port could never start together.
  {
    std::vector<std::pair<int, int>> seen;  // (protocol, port)
    for (std::size_t i = 0; i < def.containers.size(); ++i) {
      const auto& cd = def.containers[i];
      for (std::size_t k = 0; k < cd.port_mappings.size(); ++k) {
        const auto& p = cd.port_mappings[k];
        if (p.host_port <= 0 || def.network_mode == sim::NetworkMode::kAwsvpc) continue;
        const std::pair<int, int> key{static_cast<int>(p.protocol), p.host_port};
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
          list.at(i)["portMappings"].at(k)["hostPort"].fail("a host port not used twice in one task definition",
                                                           std::to_string(p.host_port));
        }
        seen.push_back(key);
      }
    }
  }

  if (c.has("placementConstraints")) {
    const JsonCursor pc = c["placementConstraints"];
    pc.expect_array("an array of placement constraints");
    if (pc.size() > 10) pc.fail("at most 10 placement constraints", std::to_string(pc.size()));
    for (std::size_t i = 0; i < pc.size(); ++i) {
      const JsonCursor k = pc.at(i);
      k.expect_object("a placement constraint object");
      // RegisterTaskDefinition takes memberOf constraints only.
      const std::string type = k["type"].get_string("a task definition constraint type: memberOf");
      if (type != "memberOf") k["type"].fail("a task definition constraint type: memberOf");
      const std::string expr = k["expression"].get_name("a memberOf expression");
      if (expr.size() > 2000) k["expression"].fail("an expression of at most 2000 characters", std::to_string(expr.size()) + " characters");
      if (const auto error = placement::check_expression(expr)) {
        k["expression"].fail_at(error->column, error->expected, error->got);
      }
      def.member_of.push_back(expr);
    }
  }

  resolve_reservation(def, task_cpu, task_memory);

  // One entry per (name, value), in a stable order.
  std::sort(def.required_attributes.begin(), def.required_attributes.end(),
            [](const sim::Attribute& a, const sim::Attribute& b) { return std::tie(a.name, a.value) < std::tie(b.name, b.value); });
  def.required_attributes.erase(std::unique(def.required_attributes.begin(), def.required_attributes.end(),
                                            [](const sim::Attribute& a, const sim::Attribute& b) {
                                              return a.name == b.name && a.value == b.value;
                                            }),
                                def.required_attributes.end());

  for (const auto& cd : def.containers) {
    const auto found = images.find(cd.image);
    if (found != images.end()) def.images.push_back(found->second);
  }
  std::sort(def.images.begin(), def.images.end());
  def.images.erase(std::unique(def.images.begin(), def.images.end()), def.images.end());
  return def;
}

void TaskDefinitionRegistry::add(sim::TaskDefinition def, const JsonCursor& where) {
  const auto found = by_family_.find(def.family);
  if (found != by_family_.end()) {
    const auto& revisions = found->second;
    if (def.revision != 0 && revisions.count(def.revision) != 0) {
      where.fail("a task definition revision not registered before",
                 quote(def.family + ":" + std::to_string(def.revision)));
    }
  }
  if (def.revision == 0) {
    const std::int32_t highest =
        found == by_family_.end() ? 0 : std::max<std::int32_t>(0, found->second.rbegin()->first);
    if (highest == std::numeric_limits<std::int32_t>::max()) where.fail("a family with room for another revision");
    def.revision = highest + 1;
  }
  auto& revisions = found != by_family_.end() ? found->second : by_family_[def.family];
  if (revisions.empty()) families_.push_back(def.family);
  revisions.emplace(def.revision, static_cast<std::uint32_t>(defs_.size()));
  defs_.push_back(std::move(def));
}

std::uint32_t TaskDefinitionRegistry::resolve(const JsonCursor& ref) const {
  const std::string text = ref.get_name("a task definition reference (\"family\" or \"family:revision\")");
  const std::size_t colon = text.rfind(':');
  const std::string family = colon == std::string::npos ? text : text.substr(0, colon);
  const auto found = by_family_.find(family);
  if (found == by_family_.end()) {
    ref.fail(unknown_name_phrase("task definition family", family, families_.data(), families_.size()), quote(text));
  }
  const auto& revisions = found->second;  // never empty
  if (colon == std::string::npos) return revisions.rbegin()->second;
  // The revision as written must be a revision's decimal text ("3", not "03" or "+3").
  const std::string rev = text.substr(colon + 1);
  std::int32_t number = 0;
  const auto [end, ec] = std::from_chars(rev.data(), rev.data() + rev.size(), number);
  if (ec == std::errc() && end == rev.data() + rev.size() && std::to_string(number) == rev) {
    const auto hit = revisions.find(number);
    if (hit != revisions.end()) return hit->second;
  }
  std::string valid;
  for (const auto& [revision, index] : revisions) {
    if (!valid.empty()) valid += ", ";
    valid += std::to_string(revision);
  }
  ref.fail("a registered revision of \"" + family + "\" (valid: " + valid + ")", quote(text));
}

std::vector<sim::TaskDefinition> TaskDefinitionRegistry::take() {
  by_family_.clear();
  families_.clear();
  return std::move(defs_);
}

}  // namespace ecsim::scenarios
