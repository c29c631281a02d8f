#include "scenarios/loader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "placement/query_language.h"
#include "placement/registry.h"
#include "scenarios/agent_capabilities.h"
#include "scenarios/capacity.h"
#include "scenarios/catalog.h"
#include "scenarios/events.h"
#include "scenarios/load_context.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/services.h"
#include "scenarios/task_definition.h"
#include "scenarios/text_files.h"
#include "scenarios/trace_reader.h"
#include "scenarios/traces.h"
#include "scenarios/values.h"
#include "sim/check_expression.h"
#include "sim/input_error.h"
#include "sim/run_setup.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// ECS limits (Dev Guide "Amazon ECS task placement"): strategies per task or service,
// constraints per task (task definition and request together), expression length.
constexpr std::size_t kMaxStrategies = 5;
constexpr std::size_t kMaxConstraints = 10;
constexpr std::size_t kMaxExpressionChars = 2000;
// Dev Guide "Task groups": a task group name has at most 255 characters.
constexpr std::size_t kMaxGroupChars = 255;
// Not an ECS limit: keeps a typo ("count": 1e9) from exhausting memory.
constexpr std::int64_t kMaxInstances = 1'000'000;

// Agent README, ECS_RESERVED_PORTS: the defaults per OS. ECS caps reserved ports at 100.
const std::vector<std::uint16_t> kLinuxReservedPorts = {22, 2375, 2376, 51678, 51679};
const std::vector<std::uint16_t> kWindowsReservedPorts = {53, 135, 139, 445, 2375, 2376, 3389, 5985, 5986, 51678, 51679};
constexpr std::size_t kMaxReservedPorts = 100;


std::vector<std::string> to_strings(const std::vector<std::string_view>& v) { return {v.begin(), v.end()}; }

class Loader {
 public:
  Loader(std::string label, std::string base_dir) : ctx_(std::move(label), std::move(base_dir)) {}

  sim::Scenario load(std::string_view text) { return load_document(parse_json_document(text, label_)); }

  sim::Scenario load_document(std::unique_ptr<JsonDocument> doc) {
    ctx_.docs.push_back(std::move(doc));
    const JsonCursor root(*ctx_.docs.back());
    root.expect_object("a scenario object");
    root.check_keys(keys::kTopLevel);
    s_.source_file = label_;
    s_.name = root.has("name") ? root["name"].get_name("a scenario name")
                               : std::filesystem::path(label_).stem().string();
    if (root.has("description")) root["description"].get_string("a description string");
    if (root.has("seed")) s_.seed = root["seed"].get_uint64("a seed (an integer from 0 to 2^64-1)");
    if (root.has("duration")) s_.duration = get_positive_duration(root["duration"]);
    if (s_.duration == sim::kNever) root["duration"].fail("a finite duration");
    if (root.has("sampleInterval")) s_.sample_interval = get_positive_duration(root["sampleInterval"]);
    if (s_.duration / s_.sample_interval > kMaxSamples) {
      const JsonCursor at = root.has("sampleInterval") ? root["sampleInterval"] : root["duration"];
      at.fail("at most " + std::to_string(kMaxSamples) + " samples over the run: a sampleInterval of at least " +
              std::to_string((s_.duration / kMaxSamples + sim::kSecond - 1) / sim::kSecond) + " s for this duration");
    }
    if (root.has("region")) s_.region = root["region"].get_name("a region name");

    s_.instance_types = bundled_catalog();
    if (root.has("instanceTypes")) apply_instance_types(root["instanceTypes"], s_.instance_types);
    add_trace_fleet_types(root["cluster"]);
    if (root.has("pricing")) {
      const JsonCursor types = root["instanceTypes"];
      s_.pricing = apply_pricing(root["pricing"], root.has("instanceTypes") ? &types : nullptr, s_.instance_types);
    }
    load_cluster(root["cluster"]);
    if (root.has("capacityProviders")) {
      load_capacity_providers(ctx_, root["capacityProviders"], [this](const JsonCursor& c) { return load_runtime(c); });
    }
    if (has_value(root["cluster"], "defaultCapacityProviderStrategy")) {
      s_.cluster.default_capacity_provider_strategy =
          parse_capacity_provider_strategy(ctx_, root["cluster"]["defaultCapacityProviderStrategy"]);
    }
    if (root.has("faults")) load_faults(ctx_, root["faults"]);
    default_spot_interruption_rates(s_);
    if (root.has("registries")) load_registries(root["registries"]);
    if (root.has("images")) load_images(root["images"]);
    if (root.has("taskDefinitions")) load_task_definitions(root["taskDefinitions"]);

    s_.default_strategy = {sim::StrategySpec{"random", "", {}}};
    if (root.has("placement")) {
      const JsonCursor p = root["placement"];
      p.expect_object("a placement object");
      p.check_keys(keys::kPlacement);
      if (p.has("defaultStrategy")) {
        auto list = parse_strategy_list(p["defaultStrategy"]);
        if (!list.empty()) s_.default_strategy = std::move(list);
      }
    }
    s_.strategy_label = strategy_label(s_.default_strategy);

    if (root.has("services")) load_services(ctx_, root["services"]);
    if (root.has("jobs")) load_jobs(root["jobs"]);
    if (root.has("traces")) load_traces(ctx_, root["traces"]);
    if (root.has("events")) load_events(ctx_, root["events"]);
    if (root.has("checks")) load_checks(root["checks"]);
    s_.task_definitions = ctx_.registry.take();
    return std::move(s_);
  }

 private:
  // --- checks: PATH OP NUMBER (sim/check_expression.h); the paths are summary.json's, known
  // only once the run is over, so only the syntax is checked here ---
  void load_checks(const JsonCursor& list) {
    list.expect_array("an array of check expressions");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonCursor item = list.at(i);
      const std::string text = item.get_string("a check expression string such as \"jobs.etl.wait.p99 <= 120\"");
      const sim::CheckParse parsed = sim::parse_check_expression(text);
      if (!parsed.check) item.fail_at(parsed.error.column, parsed.error.expected, parsed.error.got);
      s_.checks.push_back(parsed.check->text);
    }
  }

  // --- cluster ---
  void load_cluster(const JsonCursor& c) {
    c.expect_object("a cluster object");
    c.check_keys(keys::kCluster);
    if (c.has("maxProvisioningTasks")) {
      s_.cluster.max_provisioning_tasks =
          static_cast<std::int32_t>(c["maxProvisioningTasks"].get_int(1, 1000000, "a task count from 1 to 1000000"));
    }
    if (c.has("provisioningTimeout")) s_.cluster.provisioning_timeout = get_positive_duration(c["provisioningTimeout"]);
    s_.cluster.name = c.has("name") ? c["name"].get_name("a cluster name") : "default";
    const JsonCursor zones = c["availabilityZones"];
    zones.expect_array("an array of availability zone names");
    if (zones.size() == 0) zones.fail("at least one availability zone");
    for (std::size_t i = 0; i < zones.size(); ++i) {
      std::string z = zones.at(i).get_name("an availability zone name");
      if (std::find(s_.cluster.availability_zones.begin(), s_.cluster.availability_zones.end(), z) !=
          s_.cluster.availability_zones.end()) {
        zones.at(i).fail("an availability zone not listed before");
      }
      s_.cluster.availability_zones.push_back(std::move(z));
    }
    // ecs.vpc-id and ecs.subnet-id (Dev Guide "Amazon ECS task placement constraints", attributes):
    // one VPC, one subnet per zone.
    if (c.has("vpcId")) s_.cluster.vpc_id = get_attribute_value(c["vpcId"], "a VPC id");
    if (c.has("subnets")) {
      const JsonCursor subnets = c["subnets"];
      subnets.expect_object("an object of availability zone names to subnet ids");
      s_.cluster.subnets.assign(s_.cluster.availability_zones.size(), std::string());
      for (const auto& item : subnets.json().items()) {
        const JsonCursor v = subnets[item.key()];
        const auto& names = s_.cluster.availability_zones;
        const auto z = std::find(names.begin(), names.end(), item.key());
        if (z == names.end()) v.fail("a key naming one of the cluster's availability zones", quote(item.key()));
        s_.cluster.subnets[static_cast<std::size_t>(z - names.begin())] = get_attribute_value(v, "a subnet id");
      }
    }
    if (c.has("instanceGroups")) {
      const JsonCursor groups = c["instanceGroups"];
      groups.expect_array("an array of instance groups");
      std::int64_t total = 0;
      for (std::size_t i = 0; i < groups.size(); ++i) {
        const std::size_t before = s_.cluster.instance_groups.size();
        if (groups.at(i).is_object() && groups.at(i).has("fromTrace")) {
          load_trace_fleet(i);
        } else {
          load_instance_group(groups.at(i));
        }
        for (std::size_t k = before; k < s_.cluster.instance_groups.size(); ++k) total += s_.cluster.instance_groups[k].count;
        if (total > kMaxInstances) {
          (groups.at(i).has("count") ? groups.at(i)["count"] : groups.at(i)["fromTrace"]).fail("at most 1000000 instances in the cluster");
        }
      }
    }
    if (c.has("agent")) load_agent(c["agent"]);
  }

  // {"name": N, "fromTrace": {"format": "alibaba-gpu-2023-nodes", "file": F}}: a node list as a
  // fleet. Nodes of one shape (vCPU, memory, GPU count and model) become one instance group of a
  // type of that shape, both named "N-<vcpu>vcpu-<memory>mib[-<gpus>gpu][-<model>]", in the order
  // the shapes first appear; the type registers all its memory and has no price (cost 0); the
  // GPU model is the custom attribute gpuModel. The groups span the cluster's zones.
  //
  // The types join the (sorted) type list before anything refers to a type by index (pricing,
  // instance groups): this pass reads the node lists; load_trace_fleet makes the groups.
  void add_trace_fleet_types(const JsonCursor& cluster) {
    if (!cluster.is_object() || !cluster.has("instanceGroups") || !cluster["instanceGroups"].is_array()) return;
    const JsonCursor groups = cluster["instanceGroups"];
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const JsonCursor g = groups.at(i);
      if (!g.is_object() || !g.has("fromTrace")) continue;
      g.check_keys(keys::kTraceFleetGroup);
      const std::string name = g["name"].get_name("an instance group name");
      if (!name_chars_ok(name) || name.size() > 64) {
        g["name"].fail("an instance group name of up to 64 letters, digits, '-', '_' and '.'");
      }
      const JsonCursor f = g["fromTrace"];
      f.expect_object("a fromTrace object");
      f.check_keys(keys::kFromTrace);
      choose(f["format"], "fleet trace format", {"alibaba-gpu-2023-nodes"});
      std::ifstream in = ctx_.open_referenced(f["file"]);
      std::vector<NodeShape> shapes = read_alibaba_gpu_2023_nodes(in, ctx_.referenced_label(f["file"]));
      if (shapes.empty()) f["file"].fail("a node list with at least one node", "none");
      std::vector<std::string> names;
      for (const NodeShape& shape : shapes) {
        std::string model = shape.model;
        for (char& ch : model) {
          if (!name_chars_ok(std::string(1, ch))) ch = '_';
        }
        std::string type_name = name + "-" + std::to_string(shape.vcpu) + "vcpu-" + std::to_string(shape.memory_mib) + "mib";
        if (shape.gpus > 0) type_name += "-" + std::to_string(shape.gpus) + "gpu";
        if (!model.empty()) type_name += "-" + model;
        if (find_instance_type(s_.instance_types, type_name) >= 0) {
          g["name"].fail("a name whose node shapes are not instance types already", quote(type_name));
        }
        if (shape.memory_mib > kInt32Max) f["file"].fail("nodes of less than 2^31 MiB", std::to_string(shape.memory_mib));
        sim::InstanceType type;
        type.name = type_name;
        type.vcpu = shape.vcpu;
        type.memory_mib = shape.memory_mib;
        type.os_memory_mib = shape.memory_mib;
        type.max_enis = 2;
        type.gpus = shape.gpus;
        const auto at = std::lower_bound(s_.instance_types.begin(), s_.instance_types.end(), type_name,
                                         [](const sim::InstanceType& t, const std::string& n) { return t.name < n; });
        s_.instance_types.insert(at, std::move(type));
        names.push_back(std::move(type_name));
      }
      trace_fleets_.push_back({i, std::move(shapes), std::move(names)});
    }
  }

  void load_trace_fleet(std::size_t index) {
    const auto fleet = std::find_if(trace_fleets_.begin(), trace_fleets_.end(), [&](const TraceFleet& t) { return t.index == index; });
    for (std::size_t k = 0; k < fleet->shapes.size(); ++k) {
      const NodeShape& shape = fleet->shapes[k];
      // The group goes through load_instance_group, so it gets every default a written one has.
      nlohmann::json group = {{"name", fleet->names[k]}, {"instanceType", fleet->names[k]}, {"count", shape.count}};
      if (!shape.model.empty()) group["attributes"] = {{"gpuModel", shape.model}};
      auto doc = std::make_unique<JsonDocument>();
      doc->file = label_;
      doc->root = std::move(group);
      ctx_.docs.push_back(std::move(doc));
      load_instance_group(JsonCursor(*ctx_.docs.back()));
    }
  }

  void load_instance_group(const JsonCursor& g) {
    g.expect_object("an instance group object");
    g.check_keys(keys::kInstanceGroup);
    sim::InstanceGroup out;
    out.name = g["name"].get_name("an instance group name");
    if (!name_chars_ok(out.name) || out.name.size() > 128) {
      g["name"].fail("an instance group name of up to 128 letters, digits, '-', '_' and '.'");
    }
    for (const auto& other : s_.cluster.instance_groups) {
      if (other.name == out.name) g["name"].fail("an instance group name not used before");
    }
    out.instance_type = instance_type_index(g["instanceType"]);
    const sim::InstanceType& type = s_.instance_types[out.instance_type];
    out.count = static_cast<std::int32_t>(g["count"].get_int(0, kMaxInstances, "an instance count from 0 to 1000000"));
    if (g.has("market")) {
      out.market = choose(g["market"], "market", {"on-demand", "spot"}) == 0 ? sim::Market::kOnDemand : sim::Market::kSpot;
    }
    if (g.has("availabilityZones")) {
      const JsonCursor zones = g["availabilityZones"];
      zones.expect_array("an array of the cluster's availability zones");
      if (zones.size() == 0) zones.fail("at least one availability zone");
      for (std::size_t i = 0; i < zones.size(); ++i) {
        const auto z = static_cast<std::uint32_t>(ctx_.zone_index(zones.at(i)));
        if (std::find(out.zones.begin(), out.zones.end(), z) != out.zones.end()) {
          zones.at(i).fail("an availability zone not listed before");
        }
        out.zones.push_back(z);
      }
    } else {
      for (std::uint32_t z = 0; z < s_.cluster.availability_zones.size(); ++z) out.zones.push_back(z);
    }
    if (g.has("attributes")) {
      const JsonCursor attrs = g["attributes"];
      attrs.expect_object("an object of attribute names to values");
      // Dev Guide "Attributes": names and values of 1 to 128 characters (the value may be absent).
      for (const auto& item : attrs.json().items()) {
        const JsonCursor v = attrs[item.key()];
        if (item.key().empty() || item.key().size() > 128) v.fail("an attribute name of 1 to 128 characters", quote(item.key()));
        const std::string value = v.get_string("an attribute value string");
        if (value.size() > 128) v.fail("an attribute value of at most 128 characters");
        out.attributes.push_back(sim::Attribute{item.key(), value});
      }
    }
    if (g.has("osType")) {
      out.os_type = choose(g["osType"], "osType", {"linux", "windows"}) == 0 ? "linux" : "windows";
    }
    // ecs.os-family (Dev Guide "Amazon ECS task placement constraints"; the values of RegisterTaskDefinition's
    // runtimePlatform operatingSystemFamily).
    if (out.os_type == "windows") {
      out.os_family = "WINDOWS_SERVER_2022_FULL";
      if (g.has("osFamily")) {
        static const std::vector<std::string> kWindowsFamilies = {
            "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2019_CORE",
            "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2022_CORE", "WINDOWS_SERVER_2022_FULL",
            "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL", "WINDOWS_SERVER_20H2_CORE"};
        out.os_family = kWindowsFamilies[choose(g["osFamily"], "Windows osFamily", kWindowsFamilies)];
      }
    } else if (g.has("osFamily")) {
      choose(g["osFamily"], "Linux osFamily", {"LINUX"});
    }
    if (g.has("amiId")) out.ami_id = get_attribute_value(g["amiId"], "an AMI id");
    out.reserved_tcp_ports = out.os_type == "windows" ? kWindowsReservedPorts : kLinuxReservedPorts;
    if (g.has("reservedPorts")) {
      const JsonCursor ports = g["reservedPorts"];
      ports.expect_array("an array of reserved TCP ports");
      if (ports.size() > kMaxReservedPorts) ports.fail("at most 100 reserved ports", std::to_string(ports.size()));
      out.reserved_tcp_ports.clear();
      for (std::size_t i = 0; i < ports.size(); ++i) {
        const auto p = static_cast<std::uint16_t>(ports.at(i).get_int(1, 65535, "a port from 1 to 65535"));
        if (std::find(out.reserved_tcp_ports.begin(), out.reserved_tcp_ports.end(), p) != out.reserved_tcp_ports.end()) {
          ports.at(i).fail("a port not listed before");
        }
        out.reserved_tcp_ports.push_back(p);
      }
      std::sort(out.reserved_tcp_ports.begin(), out.reserved_tcp_ports.end());
    }
    const std::int64_t os_memory = sim::os_memory_mib(type, out.os_type);
    if (g.has("reservedMemoryMiB")) {
      out.reserved_memory_mib = get_size_mib(g["reservedMemoryMiB"]);
      // Agent: registration fails when the reserve is not below the instance's memory.
      if (out.reserved_memory_mib >= os_memory) {
        g["reservedMemoryMiB"].fail("less than the " + std::to_string(os_memory) + " MiB a " + type.name +
                                    (out.os_type == "windows" ? " registers on Windows" : " registers"));
      }
    }
    if (os_memory - out.reserved_memory_mib > kInt32Max) {
      g["instanceType"].fail("an instance type registering less than 2^31 MiB", quote(type.name));
    }
    if (g.has("launchTime")) out.launch_time = get_duration(g["launchTime"]);
    if (g.has("awsvpcTrunking")) {
      const JsonCursor t = g["awsvpcTrunking"];
      out.awsvpc_trunking = t.get_bool();
      if (out.awsvpc_trunking && trunking_unsupported(type.name)) {
        t.fail("an instance type that supports ENI trunking (c5n, g4dn, i3, r5n and z1d do not)", quote(type.name));
      }
      if (out.awsvpc_trunking && type.trunked_awsvpc_tasks == 0) {
        t.fail("an instance type with a documented trunking limit (c5.large, m5.large, m5.xlarge, m5.2xlarge, "
               "m5.4xlarge, m5.24xlarge, m6i.8xlarge, or a type of instanceTypes with trunkedAwsvpcTasks)",
               quote(type.name));
      }
    }
    // The agent's capability attributes (Dev Guide "Amazon ECS container instance attributes"), less
    // those the group drops.
    std::vector<std::string> defaults(default_agent_capabilities().begin(), default_agent_capabilities().end());
    std::vector<bool> dropped(defaults.size(), false);
    if (g.has("withoutCapabilities")) {
      const JsonCursor w = g["withoutCapabilities"];
      w.expect_array("an array of capability attribute names the agent does not register");
      for (std::size_t i = 0; i < w.size(); ++i) dropped[choose(w.at(i), "agent capability", defaults)] = true;
    }
    for (std::size_t k = 0; k < defaults.size(); ++k) {
      if (!dropped[k]) out.capabilities.push_back(defaults[k]);
    }
    if (out.awsvpc_trunking) {
      out.capabilities.emplace_back(kTrunkingCapability);
      std::sort(out.capabilities.begin(), out.capabilities.end());
    }
    s_.cluster.instance_groups.push_back(std::move(out));
  }

  // An attribute value set by the scenario (an id): 1 to 128 characters (Dev Guide "Attributes").
  static std::string get_attribute_value(const JsonCursor& c, const std::string& what) {
    const std::string value = c.get_name(what);
    if (value.size() > 128) c.fail(what + " of at most 128 characters");
    return value;
  }

  std::uint32_t instance_type_index(const JsonCursor& c) {
    const std::string name = c.get_name("an instance type name");
    const std::int64_t i = find_instance_type(s_.instance_types, name);
    if (i >= 0) return static_cast<std::uint32_t>(i);
    std::vector<std::string> names;
    names.reserve(s_.instance_types.size());
    for (const auto& t : s_.instance_types) names.push_back(t.name);
    const std::string suggestion = sim::closest_spelling(name, names.data(), names.size());
    std::string expected = "an instance type of the EC2 catalog or of instanceTypes";
    if (!suggestion.empty()) expected += " (did you mean \"" + suggestion + "\"?)";
    c.fail(expected, quote(name));
  }

  void load_agent(const JsonCursor& a) {
    a.expect_object("an agent object");
    a.check_keys(keys::kAgent);
    auto& agent = s_.cluster.agent;
    if (a.has("taskStartLatency")) agent.task_start_latency = get_duration(a["taskStartLatency"]);
    if (a.has("taskStopLatency")) agent.task_stop_latency = get_duration(a["taskStopLatency"]);
    if (a.has("heartbeatInterval")) agent.heartbeat_interval = get_positive_duration(a["heartbeatInterval"]);
    if (a.has("imagePullBehavior")) {
      static const sim::ImagePullBehavior kValues[] = {sim::ImagePullBehavior::kAlways, sim::ImagePullBehavior::kDefault,
                                                       sim::ImagePullBehavior::kOnce,
                                                       sim::ImagePullBehavior::kPreferCached};
      agent.image_pull_behavior =
          kValues[choose(a["imagePullBehavior"], "imagePullBehavior", {"always", "default", "once", "prefer-cached"})];
    }
    if (a.has("stoppingTasksHoldResources")) agent.stopping_tasks_hold_resources = a["stoppingTasksHoldResources"].get_bool();
    if (a.has("spotInstanceDraining")) agent.spot_instance_draining = a["spotInstanceDraining"].get_bool();
    // Agent README: ECS_CONTAINER_STOP_TIMEOUT, minimum 1s.
    if (a.has("containerStopTimeout")) {
      agent.container_stop_timeout = get_duration(a["containerStopTimeout"]);
      if (agent.container_stop_timeout < sim::kSecond) a["containerStopTimeout"].fail("a containerStopTimeout of at least 1s");
    }
    if (a.has("imageCleanup")) {
      // Agent README: ECS_DISABLE_IMAGE_CLEANUP, ECS_IMAGE_CLEANUP_INTERVAL (minimum 10m),
      // ECS_IMAGE_MINIMUM_CLEANUP_AGE, ECS_NUM_IMAGES_DELETE_PER_CYCLE.
      const JsonCursor ic = a["imageCleanup"];
      ic.expect_object("an imageCleanup object");
      ic.check_keys(keys::kImageCleanup);
      if (ic.has("enabled")) agent.image_cleanup_enabled = ic["enabled"].get_bool();
      if (ic.has("interval")) {
        agent.image_cleanup_interval = get_duration(ic["interval"]);
        if (agent.image_cleanup_interval < 10 * sim::kMinute) ic["interval"].fail("an image cleanup interval of at least 10m");
      }
      if (ic.has("minimumAge")) agent.image_minimum_cleanup_age = get_duration(ic["minimumAge"]);
      if (ic.has("imagesPerCycle")) {
        agent.images_deleted_per_cycle =
            static_cast<std::int32_t>(ic["imagesPerCycle"].get_int(1, kInt32Max, "an imagesPerCycle of at least 1"));
      }
    }
  }

  // --- registries and images ---
  void load_registries(const JsonCursor& list) {
    list.expect_array("an array of registries");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonCursor r = list.at(i);
      r.expect_object("a registry object");
      r.check_keys(keys::kRegistry);
      sim::Registry out;
      out.name = r["name"].get_name("a registry name");
      if (ctx_.registries.contains(out.name)) r["name"].fail("a registry name not used before");
      out.pull_bytes_per_second = get_rate_bytes_per_second(r["pullBandwidth"]);
      if (r.has("latency")) out.latency = get_duration(r["latency"]);
      if (r.has("pullRateLimit")) {
        // Docker Hub's is 100 pulls per 6 hours for anonymous users, hence the default window.
        const JsonCursor limit = r["pullRateLimit"];
        limit.expect_object("a pullRateLimit object ({\"pulls\": N, \"per\": DURATION})");
        limit.check_keys(keys::kPullRateLimit);
        out.pull_limit = static_cast<std::int32_t>(limit["pulls"].get_int(1, kInt32Max, "a number of pulls of at least 1"));
        if (limit.has("per")) out.pull_limit_window = get_positive_duration(limit["per"]);
      }
      ctx_.registries.add(out.name);
      s_.registries.push_back(std::move(out));
    }
  }

  void load_images(const JsonCursor& list) {
    list.expect_array("an array of images");
    std::unordered_set<std::string> image_names;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonCursor im = list.at(i);
      im.expect_object("an image object");
      im.check_keys(keys::kImage);
      sim::Image out;
      out.name = im["name"].get_name("an image name");
      if (!image_names.insert(out.name).second) im["name"].fail("an image name not used before");
      if (im.has("layers")) {
        out.size_mib = load_layers(im["layers"], out.layers);
        if (out.size_mib > kMaxImageMiB) {
          im["layers"].fail("layers totalling at most " + std::to_string(kMaxImageMiB) + " MiB (1 TiB), ecsim's limit",
                            std::to_string(out.size_mib) + " MiB");
        }
        if (im.has("sizeMiB") && get_size_mib(im["sizeMiB"]) != out.size_mib) {
          im["sizeMiB"].fail("the sum of the image's layers (" + std::to_string(out.size_mib) + " MiB), or no sizeMiB");
        }
      } else {
        // One layer of its own, named after the image, so that every image pulls layer by layer.
        out.size_mib = get_size_mib(im["sizeMiB"]);
        if (out.size_mib > kMaxImageMiB) {
          im["sizeMiB"].fail("an image of at most " + std::to_string(kMaxImageMiB) + " MiB (1 TiB), ecsim's limit");
        }
        out.layers.push_back(intern_layer(out.name, out.size_mib, im["sizeMiB"]));
      }
      out.registry = static_cast<std::uint32_t>(ctx_.registries.choose(im["registry"], "registry"));
      s_.images.push_back(std::move(out));
    }
  }

  // An image's `layers`: [{"digest", "sizeMiB"}], at least one. Returns their total size.
  std::int64_t load_layers(const JsonCursor& list, std::vector<std::uint32_t>& out) {
    list.expect_array("an array of layers ({\"digest\": ..., \"sizeMiB\": ...})");
    if (list.size() == 0) list.fail("at least one layer");
    std::int64_t total = 0;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const JsonCursor layer = list.at(k);
      layer.expect_object("a layer object ({\"digest\": ..., \"sizeMiB\": ...})");
      layer.check_keys(keys::kLayer);
      const std::string digest = layer["digest"].get_name("a layer digest");
      const std::int64_t size = get_size_mib(layer["sizeMiB"]);
      const std::uint32_t index = intern_layer(digest, size, layer["sizeMiB"]);
      if (std::find(out.begin(), out.end(), index) != out.end()) {
        layer["digest"].fail("a layer digest not listed before in this image");
      }
      if (size > kInt64Max - total) layer["sizeMiB"].fail("layers totalling less than 2^63 MiB");
      total += size;
      out.push_back(index);
    }
    return total;
  }

  // The index of layer `digest` in Scenario::layers, added when new. A digest names one
  // content, so every image that lists it must give it the same size.
  std::uint32_t intern_layer(const std::string& digest, std::int64_t size_mib, const JsonCursor& where) {
    const auto [found, added] = layer_index_.emplace(digest, static_cast<std::uint32_t>(s_.layers.size()));
    if (!added) {
      const std::uint32_t i = found->second;
      if (s_.layers[i].size_mib != size_mib) {
        where.fail("the " + std::to_string(s_.layers[i].size_mib) + " MiB that an earlier image gives layer " +
                       quote(digest),
                   std::to_string(size_mib));
      }
      return i;
    }
    s_.layers.push_back(sim::ImageLayer{digest, size_mib});
    return static_cast<std::uint32_t>(s_.layers.size() - 1);
  }

  // --- task definitions ---
  void load_task_definitions(const JsonCursor& list) {
    list.expect_array("an array of task definitions");
    const ImageIndex images = index_images(s_.images);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonCursor item = list.at(i);
      item.expect_object("a task definition object or {\"file\": PATH}");
      JsonCursor def_cursor = item;
      if (item.has("file")) {
        item.check_keys(keys::kTaskDefinitionFile);
        def_cursor = ctx_.open_json_file(item["file"]);
      }
      sim::TaskDefinition def = parse_task_definition(def_cursor, images);
      ctx_.registry.add(std::move(def), item);
    }
  }

  // --- jobs ---
  void load_jobs(const JsonCursor& list) {
    list.expect_array("an array of jobs");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonCursor j = list.at(i);
      j.expect_object("a job object");
      j.check_keys(keys::kJob);
      sim::Job out;
      out.name = j["name"].get_name("a job name");
      if (ctx_.jobs.contains(out.name)) j["name"].fail("a job name not used before");
      // Outputs name a task's source by its name alone (tasks.csv `source`).
      if (ctx_.services.contains(out.name)) {
        j["name"].fail("a job name that no service uses (tasks.csv names sources by name)");
      }
      out.capacity_provider_strategy = resolve_capacity_provider_strategy(ctx_, j);
      out.task_definition = ctx_.ec2_task_definition(j["taskDefinition"]);
      out.group = "family:" + ctx_.registry.definitions()[out.task_definition].family;
      if (j.has("group")) {
        out.group = j["group"].get_name("a task group name");
        if (out.group.size() > kMaxGroupChars) j["group"].fail("a task group name of at most 255 characters");
      }
      out.arrival = load_arrival(j["arrival"]);
      out.runtime = load_runtime(j["runtime"]);
      if (j.has("placementStrategy")) out.strategy = parse_strategy_list(j["placementStrategy"]);
      if (j.has("placementConstraints")) out.constraints = parse_constraint_list(j["placementConstraints"]);
      ctx_.check_total_constraints(j["placementConstraints"], out.constraints, out.task_definition);
      if (j.has("onPlacementFailure")) out.on_failure = on_failure(j["onPlacementFailure"]);
      out.ebs_volume = ctx_.volume_configurations(j, out.task_definition);
      ctx_.jobs.add(out.name);
      s_.jobs.push_back(std::move(out));
    }
  }

  static sim::OnPlacementFailure on_failure(const JsonCursor& c) {
    return choose(c, "onPlacementFailure", {"fail", "wait"}) == 0 ? sim::OnPlacementFailure::kFail
                                                                 : sim::OnPlacementFailure::kWait;
  }

  sim::ArrivalSpec load_arrival(const JsonCursor& a) {
    a.expect_object("an arrival object");
    sim::ArrivalSpec out;
    const std::size_t kind = choose(a["type"], "arrival type", {"fixed", "list", "poisson"});
    if (kind == 0) {
      a.check_keys(keys::kFixedArrival);
      out.kind = sim::ArrivalSpec::Kind::kFixed;
      out.interval = get_positive_duration(a["interval"]);
    } else if (kind == 1) {
      a.check_keys(keys::kListArrival);
      out.kind = sim::ArrivalSpec::Kind::kList;
      const JsonCursor at = a["at"];
      at.expect_array("an array of times");
      if (at.size() == 0) at.fail("at least one time");
      for (std::size_t i = 0; i < at.size(); ++i) out.at.push_back(get_time(at.at(i)));
      std::sort(out.at.begin(), out.at.end());
    } else {
      a.check_keys(keys::kPoissonArrival);
      out.kind = sim::ArrivalSpec::Kind::kPoisson;
      const bool per_hour = a.has("ratePerHour");
      if (per_hour && a.has("ratePerSecond")) a["ratePerSecond"].fail("only one of ratePerHour and ratePerSecond");
      const JsonCursor rate = per_hour ? a["ratePerHour"] : a["ratePerSecond"];
      const std::string expected = per_hour ? "a positive number of arrivals per hour"
                                            : "a positive number of arrivals per second (or ratePerHour)";
      const double v = rate.get_number(expected);
      if (!(v > 0)) rate.fail(expected);
      out.rate_per_second = per_hour ? v / 3600.0 : v;
      // At most a million arrivals a second: beyond that a typo, not a workload.
      if (out.rate_per_second > 1e6) rate.fail("at most 1000000 arrivals per second");
    }
    if (a.has("start")) out.start = get_time(a["start"]);
    if (a.has("end")) {
      out.end = get_time(a["end"]);
      if (out.end <= out.start) a["end"].fail("an end after the start");
    }
    if (a.has("count")) out.count = a["count"].get_int(0, kInt64Max, "a count of at least 0");
    return out;
  }

  sim::RuntimeSpec load_runtime(const JsonCursor& r) {
    r.expect_object("a runtime object");
    sim::RuntimeSpec out;
    const std::size_t kind =
        choose(r["type"], "runtime type", {"constant", "empirical", "exponential", "lognormal", "uniform"});
    switch (kind) {
      case 0:
        r.check_keys(keys::kConstantRuntime);
        out.kind = sim::RuntimeSpec::Kind::kConstant;
        out.value = get_duration(r["value"]);
        break;
      case 1:
        r.check_keys(keys::kEmpiricalRuntime);
        out.kind = sim::RuntimeSpec::Kind::kEmpirical;
        out.samples = load_samples(r["file"]);
        break;
      case 2:
        r.check_keys(keys::kExponentialRuntime);
        out.kind = sim::RuntimeSpec::Kind::kExponential;
        out.mean = get_positive_duration(r["mean"]);
        break;
      case 3:
        r.check_keys(keys::kLognormalRuntime);
        out.kind = sim::RuntimeSpec::Kind::kLognormal;
        out.median = get_positive_duration(r["median"]);
        out.p90 = get_duration(r["p90"]);
        if (out.p90 <= out.median) r["p90"].fail("a p90 above the median (" + format_double(sim::to_seconds(out.median)) + "s)");
        break;
      default:
        r.check_keys(keys::kUniformRuntime);
        out.kind = sim::RuntimeSpec::Kind::kUniform;
        out.min = get_duration(r["min"]);
        out.max = get_duration(r["max"]);
        if (out.max < out.min) r["max"].fail("a max of at least the min (" + format_double(sim::to_seconds(out.min)) + "s)");
        break;
    }
    return out;
  }

  // One duration a line: a number of seconds or a duration string; blank lines and lines
  // starting with '#' are skipped.
  std::vector<sim::SimTime> load_samples(const JsonCursor& file_ref) {
    const std::string text = ctx_.read_referenced(file_ref);
    const std::string label = ctx_.referenced_label(file_ref);
    std::vector<sim::SimTime> samples;
    const auto lines = split_lines(text);
    for (std::size_t n = 0; n < lines.size(); ++n) {
      const std::string_view line = trim(lines[n]);
      if (line.empty() || line.front() == '#') continue;
      auto v = parse_decimal_seconds(line);
      if (!v) v = parse_duration_text(line);
      if (!v) throw sim::InputError(label, "line " + std::to_string(n + 1), "a duration", quote(line));
      samples.push_back(*v);
    }
    if (samples.empty()) throw sim::InputError(label, "/", "at least one duration", "an empty file");
    return samples;
  }

  struct TraceFleet {
    std::size_t index;  // in cluster.instanceGroups
    std::vector<NodeShape> shapes;
    std::vector<std::string> names;  // each shape's type and group name
  };
  std::vector<TraceFleet> trace_fleets_;

  LoadContext ctx_;
  sim::Scenario& s_ = ctx_.scenario;
  std::unordered_map<std::string, std::uint32_t> layer_index_;  // digest -> index in s_.layers
  const std::string& label_ = ctx_.label;
};

}  // namespace

std::vector<sim::StrategySpec> parse_strategy_list(const JsonCursor& c) {
  if (c.is_string()) {
    // A preset's name stands for its list.
    std::vector<std::string> presets;
    for (const auto& p : placement::strategy_presets()) presets.emplace_back(p.name);
    return placement::strategy_presets()[choose(c, "strategy preset", presets)].strategy;
  }
  c.expect_array("an array of placement strategies, or a strategy preset name such as \"serviceDefault\"");
  if (c.size() > kMaxStrategies) c.fail("at most 5 placement strategies", std::to_string(c.size()));
  std::vector<std::string> names;
  for (const auto& info : placement::strategy_infos()) names.emplace_back(info.name);
  std::vector<sim::StrategySpec> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const JsonCursor item = c.at(i);
    item.expect_object("a placement strategy object ({\"type\": ..., \"field\": ...})");
    sim::StrategySpec spec;
    spec.type = names[choose(item["type"], "placement strategy type", names)];
    if (item.has("field")) spec.field = item["field"].get_string("a strategy field string");
    const bool ecs_type = spec.type == "binpack" || spec.type == "random" || spec.type == "spread";
    if (ecs_type) {
      item.check_keys(keys::kStrategyItem);
    } else {
      // Research strategies take numeric parameters besides type and field, sorted by key
      // (nlohmann's object keeps keys sorted).
      for (const auto& kv : item.json().items()) {
        if (kv.key() == "type" || kv.key() == "field") continue;
        spec.params.emplace_back(kv.key(), item[kv.key()].get_number("a number (a strategy parameter)"));
      }
    }
    const std::string problem = placement::check_strategy(spec);
    if (!problem.empty()) {
      // Point at what is wrong: the field if one was given, else the first parameter.
      if (item.has("field") || spec.params.empty()) item["field"].fail(problem);
      item[spec.params.front().first].fail(problem);
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<sim::ConstraintSpec> parse_constraint_list(const JsonCursor& c) {
  c.expect_array("an array of placement constraints");
  if (c.size() > kMaxConstraints) c.fail("at most 10 placement constraints", std::to_string(c.size()));
  const auto types = to_strings(placement::constraint_types());
  std::vector<sim::ConstraintSpec> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const JsonCursor item = c.at(i);
    item.expect_object("a placement constraint object ({\"type\": ..., \"expression\": ...})");
    sim::ConstraintSpec spec;
    spec.type = types[choose(item["type"], "placement constraint type", types)];
    item.check_keys(keys::kConstraintItem);
    if (spec.type == "distinctInstance") {
      if (item.has("expression")) item["expression"].fail("no expression: distinctInstance takes none");
    } else {
      spec.expression = item["expression"].get_name("a cluster query language expression");
      if (spec.expression.size() > kMaxExpressionChars) {
        item["expression"].fail("an expression of at most 2000 characters", std::to_string(spec.expression.size()) + " characters");
      }
      if (const auto error = placement::check_expression(spec.expression)) {
        item["expression"].fail_at(error->column, error->expected, error->got);
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

void override_strategy(sim::Scenario& scenario, const std::vector<sim::StrategySpec>& strategy,
                       const std::vector<std::string>& sources) {
  if (sources.empty()) {
    for (auto& job : scenario.jobs) job.strategy = strategy;
    for (auto& service : scenario.services) service.strategy = strategy;
    for (auto& trace : scenario.traces) trace.strategy = strategy;
    scenario.default_strategy = strategy;
    scenario.strategy_label = strategy_label(strategy);
    return;
  }
  for (const auto& name : sources) {
    bool found = false;
    for (auto& job : scenario.jobs) {
      if (job.name != name) continue;
      job.strategy = strategy;
      found = true;
    }
    for (auto& service : scenario.services) {
      if (service.name != name) continue;
      service.strategy = strategy;
      found = true;
    }
    for (auto& trace : scenario.traces) {
      if (trace.file != name && std::filesystem::path(trace.file).filename() != name) continue;
      trace.strategy = strategy;
      found = true;
    }
    if (found) continue;
    std::vector<std::string> names;
    for (const auto& j : scenario.jobs) names.push_back(j.name);
    for (const auto& sv : scenario.services) names.push_back(sv.name);
    for (const auto& t : scenario.traces) names.push_back(std::filesystem::path(t.file).filename().string());
    const std::string guess = sim::closest_spelling(name, names.data(), names.size());
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw sim::InputError("--source", "", "the name of a job, service or trace of the scenario (" + known + ")",
                          "\"" + name + "\"" + (guess.empty() ? std::string() : " (did you mean \"" + guess + "\"?)"));
  }
}

std::vector<sim::StrategySpec> parse_strategy_override(std::string_view text) {
  const std::string kLabel = "--strategy";
  const std::string_view t = trim(text);
  JsonDocument doc;
  doc.file = kLabel;
  if (!t.empty() && (t.front() == '[' || t.front() == '{')) {
    auto parsed = parse_json_document(t, kLabel);
    doc.root = std::move(parsed->root);
    if (doc.root.is_object()) doc.root = nlohmann::json::array({std::move(doc.root)});
  } else {
    if (t.empty()) throw sim::InputError(kLabel, "/", "a strategy name or an ECS JSON strategy list", "nothing");
    if (const auto* preset = placement::find_strategy_preset(t)) return preset->strategy;
    doc.root = nlohmann::json::array();
    std::size_t pos = 0;
    while (pos <= t.size()) {
      std::size_t comma = t.find(',', pos);
      if (comma == std::string_view::npos) comma = t.size();
      const std::string_view item = trim(t.substr(pos, comma - pos));
      const std::size_t colon = item.find(':');
      nlohmann::json obj = nlohmann::json::object();
      obj["type"] = std::string(item.substr(0, colon));
      if (colon != std::string_view::npos) obj["field"] = std::string(item.substr(colon + 1));
      doc.root.push_back(std::move(obj));
      pos = comma + 1;
    }
  }
  auto list = parse_strategy_list(JsonCursor(doc));
  if (list.empty()) throw sim::InputError(kLabel, "/", "at least one strategy", "[]");
  return list;
}

sim::Scenario load_scenario_text(std::string_view text, const std::string& file_label, const std::string& base_dir) {
  Loader loader(file_label, base_dir);
  return loader.load(text);
}

sim::Scenario load_scenario(const std::string& path) { return load_scenario(path, {}); }

sim::Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  return load_scenario_source(read_scenario_source(path), overrides);
}

ScenarioSource read_scenario_source(const std::string& path) {
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) throw sim::InputError(path, "/", "a readable scenario file", why);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  ScenarioSource source;
  source.label = path;
  source.base_dir = dir.empty() ? "." : dir;
  source.root = std::move(parse_json_document(*text, path)->root);
  return source;
}

sim::Scenario load_scenario_source(ScenarioSource source, const std::vector<Override>& overrides) {
  auto doc = std::make_unique<JsonDocument>();
  doc->file = source.label;
  doc->root = std::move(source.root);
  const std::vector<std::string> pointers = apply_overrides(doc->root, overrides);
  try {
    Loader loader(source.label, source.base_dir);
    return loader.load_document(std::move(doc));
  } catch (const sim::InputError& e) {
    // An error in a value that --set wrote says so, or the user would look for it in the file.
    const std::string note = e.file() == source.label ? override_note(e.pointer(), overrides, pointers) : "";
    if (note.empty()) throw;
    throw sim::InputError(e.file(), (e.pointer().empty() ? "/" : e.pointer()) + " " + note, e.expected(), e.got(),
                          e.column());
  }
}

}  // namespace ecsim::scenarios
