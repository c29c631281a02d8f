#include "scenarios/overrides.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "error_text.h"
#include "scenarios/loader.h"
#include "../tools/run_ecsim.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

nlohmann::json sample() {
  return nlohmann::json::parse(R"({
    "cluster": {"availabilityZones": ["a", "b"],
                "instanceGroups": [{"name": "general", "count": 2}, {"name": "etl", "count": 1}]},
    "services": [{"serviceName": "web", "desiredCount": 3}],
    "taskDefinitions": [{"family": "web"}],
    "jobs": [{"name": "etl", "arrival": {"type": "poisson", "ratePerHour": 10}}]})");
}

std::vector<std::string> apply(nlohmann::json& root, std::initializer_list<const char*> texts) {
  std::vector<Override> overrides;
  for (const char* t : texts) overrides.push_back(parse_override(t));
  return apply_overrides(root, overrides);
}

TEST_CASE("overrides: --set a name selects the list element whose name, serviceName or family it is", "[overrides]") {
  nlohmann::json root = sample();
  const auto pointers = apply(root, {"cluster.instanceGroups.etl.count=9", "services.web.desiredCount=5",
                                     "taskDefinitions.web.cpu=256", "jobs.etl.arrival.ratePerHour=90"});
  CHECK(root["cluster"]["instanceGroups"][1]["count"] == 9);
  CHECK(root["services"][0]["desiredCount"] == 5);
  CHECK(root["taskDefinitions"][0]["cpu"] == 256);
  CHECK(root["jobs"][0]["arrival"]["ratePerHour"] == 90);
  CHECK(pointers == std::vector<std::string>{"/cluster/instanceGroups/1/count", "/services/0/desiredCount",
                                             "/taskDefinitions/0/cpu", "/jobs/0/arrival/ratePerHour"});
}

TEST_CASE("overrides: --set a number indexes a list, VALUE is JSON and a bare word a string", "[overrides]") {
  nlohmann::json root = sample();
  apply(root, {"cluster.instanceGroups.0.instanceType=m5.large", "cluster.availabilityZones.1=\"c\"",
               "cluster.instanceGroups.0.attributes={\"team\": \"web\"}", "cluster.instanceGroups.1.count=1.5"});
  CHECK(root["cluster"]["instanceGroups"][0]["instanceType"] == "m5.large");
  CHECK(root["cluster"]["availabilityZones"][1] == "c");
  CHECK(root["cluster"]["instanceGroups"][0]["attributes"]["team"] == "web");
  CHECK(root["cluster"]["instanceGroups"][1]["count"] == 1.5);
}

TEST_CASE("overrides: --set reads every kind of JSON value: numbers, strings, booleans, null, lists, objects", "[overrides]") {
  nlohmann::json root = sample();
  apply(root, {"cluster.instanceGroups.0.count=-3", "cluster.instanceGroups.1.count=2e1", "cluster.name=\"quoted name\"",
               "cluster.instanceGroups.0.spot=true", "cluster.instanceGroups.1.spot=false", "cluster.instanceGroups.0.zone=null",
               "cluster.availabilityZones=[\"x\", \"y\"]", "cluster.instanceGroups.1.attributes={}",
               "cluster.instanceGroups.0.instanceType=m5.large"});
  CHECK(root["cluster"]["instanceGroups"][0]["count"] == -3);
  CHECK(root["cluster"]["instanceGroups"][1]["count"] == 20.0);
  CHECK(root["cluster"]["name"] == "quoted name");
  CHECK(root["cluster"]["instanceGroups"][0]["spot"] == true);
  CHECK(root["cluster"]["instanceGroups"][1]["spot"] == false);
  CHECK(root["cluster"]["instanceGroups"][0]["zone"].is_null());
  CHECK(root["cluster"]["availabilityZones"] == nlohmann::json::array({"x", "y"}));
  CHECK(root["cluster"]["instanceGroups"][1]["attributes"] == nlohmann::json::object());
  CHECK(root["cluster"]["instanceGroups"][0]["instanceType"] == "m5.large");  // a bare word: a string
}

TEST_CASE("overrides: --set a new leaf key on an existing object is added, a missing intermediate one refused", "[overrides]") {
  nlohmann::json root = sample();
  apply(root, {"cluster.name=prod"});
  CHECK(root["cluster"]["name"] == "prod");
  CHECK(error_text([&] { apply(root, {"cluster.instanceGrups.general.count=3"}); }) ==
        "--set cluster.instanceGrups.general.count=3: /cluster: expected a known key (did you mean \"instanceGroups\"? "
        "valid: availabilityZones, instanceGroups, name), got \"instanceGrups\"");
  CHECK(error_text([&] { apply(root, {"cluster.instanceGroups.genral.count=3"}); }) ==
        "--set cluster.instanceGroups.genral.count=3: /cluster/instanceGroups: expected a known element name (name, "
        "serviceName or family) (did you mean \"general\"? valid: general, etl), got \"genral\"");
  CHECK(error_text([&] { apply(root, {"cluster.instanceGroups.7.count=3"}); }) ==
        "--set cluster.instanceGroups.7.count=3: /cluster/instanceGroups: expected an index below 2 (the list's "
        "length), got \"7\"");
  CHECK(error_text([&] { apply(root, {"services.web.desiredCount.x=1"}); }) ==
        "--set services.web.desiredCount.x=1: /services/0/desiredCount: expected an object or a list to go into with "
        "\"x\", got a number");
  CHECK(error_text([] { parse_override("cluster.name"); }) ==
        "--set: /: expected PATH=VALUE such as cluster.instanceGroups.general.count=9, got \"cluster.name\"");
  CHECK(error_text([] { parse_override("cluster..name=x"); }) ==
        "--set: /: expected a dotted PATH of non-empty names before '=' (a.b.c=VALUE), got \"cluster..name=x\"");
}

TEST_CASE("overrides: --set the loader's error on an overridden value names the override", "[overrides]") {
  ecsim::testing::TempDir dir;
  const std::string path = (dir.path() / "scenario.json").string();
  std::ofstream(path) << R"({"cluster": {"availabilityZones": ["us-east-1a"],
    "instanceGroups": [{"name": "general", "instanceType": "m5.large", "count": 2}]}})";
  CHECK(load_scenario(path, {parse_override("cluster.instanceGroups.general.count=9")}).cluster.instance_groups[0].count ==
        9);
  CHECK(error_text([&] { load_scenario(path, {parse_override("cluster.instanceGroups.general.count=x")}); }) ==
        path + ": /cluster/instanceGroups/0/count (set by --set cluster.instanceGroups.general.count=x): expected an "
               "instance count from 0 to 1000000, got \"x\"");
  // A new key the loader does not know is refused as in the file, naming the override.
  CHECK(error_text([&] { load_scenario(path, {parse_override("cluster.instanceGroups.general.cuont=3")}); }) ==
        path + ": /cluster/instanceGroups/0/cuont (set by --set cluster.instanceGroups.general.cuont=3): expected a "
               "known key of an instance group (did you mean \"count\"? valid: amiId, attributes, availabilityZones, "
               "awsvpcTrunking, count, instanceType, launchTime, market, name, osFamily, osType, reservedMemoryMiB, "
               "reservedPorts, withoutCapabilities), got \"cuont\"");
  // An error elsewhere is the file's own, with no note.
  CHECK(error_text([&] { load_scenario(path, {parse_override("cluster.availabilityZones.0=us-east-1b"),
                                              parse_override("seed=-1")}); }) ==
        path + ": /seed (set by --set seed=-1): expected a seed (an integer from 0 to 2^64-1), got -1");
}

}  // namespace
}  // namespace ecsim::scenarios
