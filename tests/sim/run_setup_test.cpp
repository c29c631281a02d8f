// Run setup: the instances a scenario starts with (registered resources by OS, the built-in
// attributes ECS gives every instance) and create_instance, which the engine calls for
// instances launched during the run.
#include "sim/run_setup.h"

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "scenario_builder.h"

using namespace ecsim;

namespace {

sim::Scenario load(const std::string& cluster) {
  return scenarios::load_scenario_text(R"({"name": "setup", "seed": 1, "duration": "1h", "cluster": )" + cluster + "}",
                                       "setup.json", ".");
}

struct Built {
  sim::ClusterState cluster;
  sim::RunResult result;
  std::vector<std::uint32_t> type_slot;
};

Built build(const sim::Scenario& s) {
  Built b;
  sim::build_instances(s, b.cluster, b.result, b.type_slot);
  return b;
}

std::string attribute(const sim::ClusterState& c, std::string_view name, sim::InstanceIdx i) {
  const std::int64_t a = c.find_attribute(name);
  REQUIRE(a >= 0);
  const std::int32_t v = c.attribute_value(static_cast<sim::AttributeIdx>(a), i);
  return v == sim::kMissingValue ? std::string("<missing>") : c.attribute_values[static_cast<std::size_t>(a)][static_cast<std::size_t>(v)];
}

// One m5.large per zone of us-east-1a/b, and one task per memberOf expression's job submitted
// at t = 0; the outcome of each: "placed on <zone>" or its failure reason.
std::string place_with(const std::string& expression, const std::string& cluster_extra = "",
                       const std::string& group_extra = "") {
  const std::string text = R"({
    "name": "member-of", "seed": 1, "duration": "1h",
    "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"])" + cluster_extra + R"(,
                "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 2)" + group_extra + R"(}]},
    "taskDefinitions": [{"family": "t", "containerDefinitions": [{"name": "a", "image": "a", "cpu": 10, "memory": 64}]}],
    "jobs": [{"name": "j", "taskDefinition": "t", "arrival": {"type": "list", "at": [0]},
              "runtime": {"type": "constant", "value": "10m"}, "onPlacementFailure": "fail",
              "placementConstraints": [{"type": "memberOf", "expression": ")" + expression + R"("}]}]
  })";
  const sim::Scenario s = scenarios::load_scenario_text(text, "member-of.json", ".");
  placement::EcsPlacerFactory factory;
  const sim::RunResult r = sim::run_scenario(s, factory);
  REQUIRE(r.tasks.size() == 1);
  if (r.tasks.placed_at[0] == sim::kNever) return std::string(sim::failure_reason_name(r.tasks.failure_reason[0]));
  return "placed on " + r.zones[r.instances.zone[r.tasks.instance[0]]];
}

}  // namespace

TEST_CASE("ecs: a Windows m4.large registers 8191 MiB, a Linux one 7985", "[ecs][sim]") {
  // Dev Guide "Container Instance Memory Management": an m4.large (8192 MiB) registers 7985 MiB on
  // the Amazon ECS-optimized Linux AMI and 8191 MiB on the Windows AMI.
  const sim::Scenario s = load(R"({"availabilityZones": ["z"], "instanceGroups": [
      {"name": "lin", "instanceType": "m4.large", "count": 1},
      {"name": "win", "instanceType": "m4.large", "count": 1, "osType": "windows"},
      {"name": "win-reserved", "instanceType": "m4.large", "count": 1, "osType": "windows", "reservedMemoryMiB": 256}]})");
  const Built b = build(s);
  CHECK(b.cluster.registered_memory_mib == std::vector<std::int32_t>{7985, 8191, 8191 - 256});
  CHECK(b.result.instances.memory_registered_mib == std::vector<std::int32_t>{7985, 8191, 8191 - 256});
  CHECK(b.cluster.registered_cpu == std::vector<std::int32_t>{2048, 2048, 2048});
  // The model: Windows registers the advertised memory minus 1 MiB, for every type.
  CHECK(sim::os_memory_mib(s.instance_types[s.cluster.instance_groups[0].instance_type], "windows") == 8191);
}

TEST_CASE("ecs: a Windows instance keeps the Windows agent's reserved ports unless its group names its own",
          "[ecs][sim]") {
  // Agent README, ECS_RESERVED_PORTS: on Windows [53, 135, 139, 445, 2375, 2376, 3389, 5985, 5986, 51678, 51679].
  const sim::Scenario s = load(R"({"availabilityZones": ["z"], "instanceGroups": [
      {"name": "win", "instanceType": "m5.large", "count": 1, "osType": "windows"},
      {"name": "own", "instanceType": "m5.large", "count": 1, "osType": "windows", "reservedPorts": [8080]}]})");
  const Built b = build(s);
  CHECK(b.cluster.tcp_ports[0] ==
        std::vector<std::uint16_t>{53, 135, 139, 445, 2375, 2376, 3389, 5985, 5986, 51678, 51679});
  CHECK(b.cluster.tcp_ports[1] == std::vector<std::uint16_t>{8080});
}

TEST_CASE("ecs: every instance has the built-in attributes os-family, ami-id, vpc-id and subnet-id", "[ecs][sim]") {
  // Dev Guide "Amazon ECS task placement constraints", attributes: ecs.ami-id, ecs.availability-zone,
  // ecs.instance-type, ecs.os-type, ecs.os-family, ecs.cpu-architecture, ecs.vpc-id, ecs.subnet-id.
  const sim::Scenario s = load(R"({"availabilityZones": ["us-east-1a", "us-east-1b"], "instanceGroups": [
      {"name": "lin", "instanceType": "m5.large", "count": 2},
      {"name": "arm", "instanceType": "m6g.large", "count": 1, "availabilityZones": ["us-east-1b"]},
      {"name": "win", "instanceType": "m5.large", "count": 1, "osType": "windows"},
      {"name": "core", "instanceType": "m5.large", "count": 1, "osType": "windows", "osFamily": "WINDOWS_SERVER_2019_CORE",
       "amiId": "ami-0123456789abcdef0"}]})");
  const Built b = build(s);
  const auto& c = b.cluster;
  CHECK(attribute(c, "ecs.os-family", 0) == "LINUX");
  CHECK(attribute(c, "ecs.os-family", 3) == "WINDOWS_SERVER_2022_FULL");
  CHECK(attribute(c, "ecs.os-family", 4) == "WINDOWS_SERVER_2019_CORE");
  CHECK(attribute(c, "ecs.os-type", 3) == "windows");
  CHECK(attribute(c, "ecs.ami-id", 0) == "ami-ecsim-al2023-x86_64");
  CHECK(attribute(c, "ecs.ami-id", 2) == "ami-ecsim-al2023-arm64");
  CHECK(attribute(c, "ecs.ami-id", 3) == "ami-ecsim-windows-server-2022-full-x86_64");
  CHECK(attribute(c, "ecs.ami-id", 4) == "ami-0123456789abcdef0");
  for (sim::InstanceIdx i = 0; i < c.size(); ++i) CHECK(attribute(c, "ecs.vpc-id", i) == "vpc-ecsim");
  CHECK(attribute(c, "ecs.subnet-id", 0) == "subnet-us-east-1a");
  CHECK(attribute(c, "ecs.subnet-id", 1) == "subnet-us-east-1b");
  CHECK(attribute(c, "ecs.subnet-id", 2) == "subnet-us-east-1b");
  // The built-ins come first, in BuiltinAttribute order.
  CHECK(c.find_attribute("ecs.os-family") == sim::kAttrOsFamily);
  CHECK(c.find_attribute("ecs.ami-id") == sim::kAttrAmiId);
  CHECK(c.find_attribute("ecs.vpc-id") == sim::kAttrVpcId);
  CHECK(c.find_attribute("ecs.subnet-id") == sim::kAttrSubnetId);
}

TEST_CASE("ecs: the cluster's vpcId and subnets name the VPC and each zone's subnet", "[ecs][sim]") {
  const sim::Scenario s = load(R"({"availabilityZones": ["us-east-1a", "us-east-1b"], "vpcId": "vpc-0abc",
      "subnets": {"us-east-1b": "subnet-0bbb"},
      "instanceGroups": [{"name": "g", "instanceType": "m5.large", "count": 2}]})");
  const Built b = build(s);
  CHECK(attribute(b.cluster, "ecs.vpc-id", 0) == "vpc-0abc");
  CHECK(attribute(b.cluster, "ecs.subnet-id", 0) == "subnet-us-east-1a");  // no entry: the default
  CHECK(attribute(b.cluster, "ecs.subnet-id", 1) == "subnet-0bbb");
}

TEST_CASE("ecs: memberOf expressions written for a real cluster's built-in attributes work", "[ecs][sim]") {
  // Dev Guide "Cluster query language": attribute:ecs.subnet-id, attribute:ecs.os-family and
  // attribute:ecs.ami-id compare like any attribute.
  CHECK(place_with("attribute:ecs.subnet-id == subnet-us-east-1b") == "placed on us-east-1b");
  CHECK(place_with("attribute:ecs.subnet-id == subnet-0bbb", R"(, "subnets": {"us-east-1b": "subnet-0bbb"})") ==
        "placed on us-east-1b");
  CHECK(place_with("attribute:ecs.subnet-id == subnet-0ccc") == "MemberOf");
  CHECK(place_with("attribute:ecs.os-family == LINUX").rfind("placed on", 0) == 0);
  CHECK(place_with("attribute:ecs.os-family == WINDOWS_SERVER_2022_FULL") == "MemberOf");
  CHECK(place_with("attribute:ecs.ami-id in [ami-1, ami-ecsim-al2023-x86_64]").rfind("placed on", 0) == 0);
  CHECK(place_with("attribute:ecs.ami-id in [ami-1, ami-2]", "", R"(, "amiId": "ami-3")") == "MemberOf");
  CHECK(place_with("attribute:ecs.ami-id in [ami-1, ami-2]", "", R"(, "amiId": "ami-2")").rfind("placed on", 0) == 0);
  CHECK(place_with("attribute:ecs.vpc-id == vpc-ecsim and attribute:ecs.subnet-id == subnet-us-east-1a") ==
        "placed on us-east-1a");
}

TEST_CASE("create_instance makes the same instance build_instances makes, at any launch time", "[sim]") {
  sim::Scenario s = testing::slot_scenario(2, 2);
  s.cluster.instance_groups[0].attributes = {{"team", "web"}};
  const Built b = build(s);
  Built later = build(s);
  const sim::InstanceIdx i = sim::create_instance(s, later.cluster, later.result, later.type_slot, 0, 1,
                                                  5 * sim::kMinute, "slot-3");
  REQUIRE(i == 2);
  CHECK(later.cluster.instance_ids[i] == "slot-3");
  CHECK(later.result.instances.id[i] == "slot-3");
  CHECK(later.result.instances.launched_at[i] == 5 * sim::kMinute);
  CHECK(later.result.instances.registered_at[i] == sim::kNever);
  CHECK(later.cluster.schedulable[i] == 0);
  // Everything but the id and launch time as build_instances made instance 1 (zone 1).
  CHECK(later.cluster.registered_cpu[i] == b.cluster.registered_cpu[1]);
  CHECK(later.cluster.registered_memory_mib[i] == b.cluster.registered_memory_mib[1]);
  CHECK(later.cluster.registered_enis[i] == b.cluster.registered_enis[1]);
  CHECK(later.cluster.free_attachments[i] == b.cluster.free_attachments[1]);
  CHECK(later.cluster.tcp_ports[i] == b.cluster.tcp_ports[1]);
  CHECK(later.cluster.attribute_names == b.cluster.attribute_names);
  for (std::size_t a = 0; a < b.cluster.attribute_names.size(); ++a) {
    INFO(b.cluster.attribute_names[a]);
    CHECK(attribute(later.cluster, b.cluster.attribute_names[a], i) ==
          attribute(b.cluster, b.cluster.attribute_names[a], 1));
  }
  CHECK(later.result.instances.zone[i] == 1);
  CHECK(later.result.instances.type[i] == b.result.instances.type[1]);
  CHECK(later.result.instances.cpu_registered[i] == b.result.instances.cpu_registered[1]);
}

TEST_CASE("an instance created after the placers were built joins every index, tracker and bucket", "[sim]") {
  sim::Scenario s = testing::slot_scenario(2, 2, 2, 2048);
  Built b = build(s);
  sim::ClusterState& c = b.cluster;
  for (sim::InstanceIdx i = 0; i < c.size(); ++i) c.set_schedulable(i, true);
  const sim::GroupIdx g = c.intern_group("family:work");
  c.track_group_on_instances(g);
  const std::uint32_t spread = c.track_spread(g, sim::kAttrAvailabilityZone);
  const std::uint32_t by_cpu = c.track_free_index(sim::ClusterState::IndexedResource::kCpu, sim::kAttrAvailabilityZone);
  const std::uint32_t buckets = c.track_spread_buckets(g, sim::kAttrSubnetId);

  const sim::InstanceIdx i = sim::create_instance(s, c, b.result, b.type_slot, 0, 1, sim::kHour, "slot-3");
  CHECK(c.group_count(g, i) == 0);
  c.set_schedulable(i, true);
  const sim::Resources need{1024, 512, 0, 0};
  c.reserve(i, need, {}, {}, g);
  CHECK(c.group_count(g, i) == 1);
  CHECK(c.spread_count(spread, i) == 1);
  CHECK(c.spread_count(spread, 0) == 0);  // zone-a
  // In the zone-b slot of the free-CPU index, under its free CPU.
  const std::size_t zone_b = static_cast<std::size_t>(c.attribute_value(sim::kAttrAvailabilityZone, i) + 1);
  CHECK(c.free_set_contains(by_cpu, zone_b, 1024, i));
  CHECK(c.free_set_size(by_cpu, zone_b) == 2);
  // In its subnet's slot, at level 1 (one task of the group), once.
  const std::size_t subnet_b = static_cast<std::size_t>(c.attribute_value(sim::kAttrSubnetId, i) + 1);
  REQUIRE(c.bucket_level_count(buckets, subnet_b) == 2);
  CHECK(std::vector<sim::InstanceIdx>(c.bucket(buckets, subnet_b, 1).begin(), c.bucket(buckets, subnet_b, 1).end()) ==
        std::vector<sim::InstanceIdx>{i});
  CHECK(c.bucket(buckets, subnet_b, 0).size() == 1);  // slot-2, idle
  c.release(i, need, {}, {}, g);
  CHECK(c.group_count(g, i) == 0);
  CHECK(c.spread_count(spread, i) == 0);
  CHECK(c.bucket(buckets, subnet_b, 0).size() == 2);
  c.set_schedulable(i, false);
  CHECK(c.free_set_size(by_cpu, zone_b) == 1);
  CHECK(c.bucket(buckets, subnet_b, 0).size() == 1);
}
