#include "scenarios/catalog.h"

#include <catch2/catch.hpp>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

const sim::InstanceType& type_named(const std::vector<sim::InstanceType>& types, const std::string& name) {
  const std::int64_t i = find_instance_type(types, name);
  REQUIRE(i >= 0);
  return types[static_cast<std::size_t>(i)];
}

TEST_CASE("catalog: the embedded CSV has all 349 rows, sorted by name", "[scenarios]") {
  const auto& types = bundled_catalog();
  CHECK(types.size() == 349);
  CHECK(std::is_sorted(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
}

TEST_CASE("catalog: rows carry vcpu, memory, ENIs, GPUs, architecture and exact prices", "[scenarios]") {
  const auto& types = bundled_catalog();
  const auto& m5 = type_named(types, "m5.xlarge");
  CHECK(m5.vcpu == 4);
  CHECK(m5.memory_mib == 16384);
  CHECK(m5.max_enis == 4);
  CHECK(m5.gpus == 0);
  CHECK(m5.architecture == "x86_64");
  CHECK(m5.price_microdollars_per_hour == 192000);
  const auto& g4 = type_named(types, "g4dn.12xlarge");
  CHECK(g4.gpus == 4);
  CHECK(g4.price_microdollars_per_hour == 3912000);
  CHECK(type_named(types, "m6g.large").architecture == "arm64");
}

TEST_CASE("catalog: m4.large registers 7985 MiB, 7729 with ECS_RESERVED_MEMORY=256", "[ecs][scenarios]") {
  // Dev Guide "Container instance memory management": an m4.large's MemTotal is 8,373,026,816
  // bytes, "7985 MiB available for tasks"; with ECS_RESERVED_MEMORY=256, 7729 MiB.
  const auto& m4 = type_named(bundled_catalog(), "m4.large");
  CHECK(m4.memory_mib == 8192);
  CHECK(m4.os_memory_mib == 7985);
  CHECK(8373026816LL / (1LL << 20) == 7985);
  CHECK(registered_memory_mib(m4, 0) == 7985);
  CHECK(registered_memory_mib(m4, 256) == 7729);
  CHECK(registered_cpu_units(m4) == 2048);
  // "A task asking 8192 MiB never fits an m4.large": it registers less than it advertises.
  CHECK(registered_memory_mib(m4, 0) < 8192);
}

TEST_CASE("catalog: c4.large registers 3768 MiB and 2048 units, c4.4xlarge 30158 MiB and 16384", "[ecs][scenarios]") {
  // Dev Guide "Amazon ECS CloudWatch metrics" cluster reservation example: a c4.4xlarge and a
  // c4.large register 16,384 + 2,048 CPU units and 30,158 + 3,768 MiB.
  const auto& types = bundled_catalog();
  const auto& small = type_named(types, "c4.large");
  const auto& large = type_named(types, "c4.4xlarge");
  CHECK(small.os_memory_mib == 3768);
  CHECK(registered_cpu_units(small) == 2048);
  CHECK(large.os_memory_mib == 30158);
  CHECK(registered_cpu_units(large) == 16384);
  CHECK(small.os_memory_mib + large.os_memory_mib == 33926);
}

TEST_CASE("catalog: other types register advertised - (32 + 1.742 %) MiB", "[scenarios]") {
  CHECK(estimated_os_memory_mib("m5.xlarge", 16384) == 16067);
  CHECK(type_named(bundled_catalog(), "m5.xlarge").os_memory_mib == 16067);
  CHECK(estimated_os_memory_mib("x.small", 1024) == 1024 - (32 + 17));
  // The documented figure applies only at the documented size.
  CHECK(estimated_os_memory_mib("m4.large", 8192) == 7985);
  CHECK(estimated_os_memory_mib("m4.large", 4096) == 4096 - (32 + 71));
  // Every catalog type registers less than it advertises.
  for (const auto& t : bundled_catalog()) {
    INFO(t.name);
    CHECK(t.os_memory_mib < t.memory_mib);
    CHECK(t.os_memory_mib > t.memory_mib * 90 / 100);  // nano types (512 MiB) lose 7.8 %
  }
}

TEST_CASE("catalog: prices are parsed as exact decimals", "[scenarios]") {
  CHECK(parse_usd_microdollars("0.096000") == 96000);
  CHECK(parse_usd_microdollars("3") == 3000000);
  CHECK(parse_usd_microdollars("0.01") == 10000);
  CHECK(parse_usd_microdollars("0.1000000") == 100000);
  CHECK_FALSE(parse_usd_microdollars("0.0000001").has_value());
  CHECK_FALSE(parse_usd_microdollars("-1").has_value());
  CHECK_FALSE(parse_usd_microdollars("1.").has_value());
  CHECK_FALSE(parse_usd_microdollars("").has_value());
}

TEST_CASE("catalog: a malformed CSV row names its line", "[scenarios]") {
  const std::string header = "instanceType,vcpu,memoryMiB,maxEnis,gpus,architecture,onDemandUsdPerHour\n";
  CHECK(error_text([&] { parse_catalog_csv(header + "a.b,2,x,3,0,x86_64,0.1\n", "cat.csv"); }) ==
        "cat.csv: line 2: expected an integer in column memoryMiB, got \"x\"");
  CHECK(error_text([&] { parse_catalog_csv("name,vcpu\n", "cat.csv"); }) ==
        "cat.csv: line 1: expected a header with a column instanceType, got \"name,vcpu\"");
  CHECK(error_text([&] { parse_catalog_csv(header + "a.b,2,1024,3,0,sparc,0.1\n", "cat.csv"); }) ==
        "cat.csv: line 2: expected an architecture x86_64 or arm64, got \"sparc\"");
}

std::vector<sim::InstanceType> with_overrides(const std::string& json) {
  auto doc = parse_json_document(json, "s.json");
  auto types = bundled_catalog();
  apply_instance_types(JsonCursor(*doc), types);
  return types;
}

TEST_CASE("catalog: a synthetic type registers its full memory and keeps the list sorted", "[scenarios]") {
  const auto types = with_overrides(R"([{"name": "slot.small", "vcpu": 1, "memoryMiB": 1024, "enis": 2, "gpus": 0,
                                        "pricePerHour": 0.01}])");
  CHECK(types.size() == 350);
  const auto& t = type_named(types, "slot.small");
  CHECK(t.os_memory_mib == 1024);
  CHECK(t.price_microdollars_per_hour == 10000);
  CHECK(std::is_sorted(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
}

TEST_CASE("catalog: overriding a catalog type keeps the fields not given", "[scenarios]") {
  const auto types = with_overrides(R"([{"name": "m5.xlarge", "pricePerHour": "0.1"},
                                        {"name": "m4.large", "registeredMemoryMiB": 7900}])");
  const auto& m5 = type_named(types, "m5.xlarge");
  CHECK(m5.price_microdollars_per_hour == 100000);
  CHECK(m5.vcpu == 4);
  CHECK(m5.os_memory_mib == 16067);
  CHECK(type_named(types, "m4.large").os_memory_mib == 7900);
  // A new advertised size re-derives what the OS reports.
  CHECK(type_named(with_overrides(R"([{"name": "m5.xlarge", "memoryMiB": "8GiB"}])"), "m5.xlarge").os_memory_mib ==
        8192 - (32 + 142));
}

TEST_CASE("catalog: EBS attachment limits are shared on Nitro types and 40 on Xen types", "[ecs][scenarios][volumes]") {
  // EC2 "Amazon EBS volume limits": Nitro shares 28 attachments with ENIs; Xen (m4, c4, r4, t2,
  // p3) allows 40 EBS volumes on Linux.
  const auto get = [](const char* name) { return type_named(bundled_catalog(), name); };
  CHECK(get("m5.large").max_ebs_attachments == 28);
  CHECK(get("m5.large").ebs_limit_shared);
  CHECK(get("c7g.xlarge").max_ebs_attachments == 28);
  CHECK(get("m4.large").max_ebs_attachments == 40);
  CHECK_FALSE(get("m4.large").ebs_limit_shared);
  CHECK_FALSE(get("t2.micro").ebs_limit_shared);
  CHECK_FALSE(get("p3.2xlarge").ebs_limit_shared);
}

TEST_CASE("catalog: instanceTypes entries are validated", "[scenarios]") {
  auto err = [](const std::string& json) { return error_text([&] { with_overrides(json); }); };
  CHECK(err(R"([{"name": "x.y", "memoryMiB": 1024}])") ==
        "s.json: /0/vcpu: expected an integer from 1 to 4096 (a new instance type needs vcpu), got nothing");
  CHECK(err(R"([{"name": "x.y", "vcpu": 1, "memoryMiB": 1024, "gpu": 1}])") ==
        "s.json: /0/gpu: expected a known key of an instance type (did you mean \"gpus\"? valid: architecture, "
        "ebsAttachmentLimitType, enis, gpus, maximumEbsAttachments, memoryMiB, name, osMemoryMiB, pricePerHour, "
        "registeredMemoryMiB, spotPricePerHour, spotSavingsPct, trunkedAwsvpcTasks, vcpu), got \"gpu\"");
  CHECK(err(R"([{"name": "x.y", "vcpu": 1, "memoryMiB": 1024, "registeredMemoryMiB": 2048}])") ==
        "s.json: /0/registeredMemoryMiB: expected a size from 1 MiB to the type's memoryMiB (1024), got 2048");
  CHECK(err(R"([{"name": "x.y", "vcpu": 1, "memoryMiB": 1024, "pricePerHour": 0.0000001}])") ==
        "s.json: /0/pricePerHour: expected a price in dollars per hour (at most 6 decimals, not negative), got 1e-07");
}

TEST_CASE("catalog: the bundled Spot advisor data gives savings and an interruption band to 347 types", "[scenarios]") {
  const auto& types = bundled_catalog();
  const auto& m5 = type_named(types, "m5.large");
  CHECK(m5.spot_savings_pct == 66);
  CHECK(m5.spot_interruption_band == sim::SpotInterruptionBand::k15To20);
  CHECK(m5.spot_price_microdollars_per_hour() == 32'640);  // $0.096 × 34 %
  CHECK(type_named(types, "c5.large").spot_interruption_band == sim::SpotInterruptionBand::kUnder5);
  // The feed lacks t2.nano and p5.4xlarge: Spot instances of them are billed at on-demand.
  const auto& nano = type_named(types, "t2.nano");
  CHECK(nano.spot_savings_pct == -1);
  CHECK(nano.spot_interruption_band == sim::SpotInterruptionBand::kUnknown);
  CHECK(nano.spot_price_microdollars_per_hour() == nano.price_microdollars_per_hour);
  std::size_t with_savings = 0;
  for (const auto& t : types) with_savings += t.spot_savings_pct >= 0 ? 1 : 0;
  CHECK(with_savings == 347);
}

TEST_CASE("catalog: a broken Spot advisor CSV names its file and line", "[scenarios]") {
  std::vector<sim::InstanceType> types = bundled_catalog();
  const auto err = [&](const std::string& csv) {
    return error_text([&] { apply_spot_advisor_csv(csv, "spot.csv", types); });
  };
  CHECK(err("instanceType,spotSavingsPct\n") ==
        "spot.csv: line 1: expected a header with a column interruptionBand, got \"instanceType,spotSavingsPct\"");
  CHECK(err("instanceType,spotSavingsPct,interruptionBand\nm5.large,166,<5%\n") ==
        "spot.csv: line 2: expected an integer percent from 0 to 100 in column spotSavingsPct, got \"166\"");
  CHECK(err("instanceType,spotSavingsPct,interruptionBand\nm5.large,66,20%\n") ==
        "spot.csv: line 2: expected an interruption band <5%, 5-10%, 10-15%, 15-20% or >20%, got \"20%\"");
  CHECK(err("instanceType,spotSavingsPct,interruptionBand\nm9.huge,66,<5%\n") ==
        "spot.csv: line 2: expected an instance type of the catalog, got \"m9.huge\"");
  CHECK(err("instanceType,spotSavingsPct,interruptionBand\nm5.large,66,<5%\nm5.large,60,<5%\n") ==
        "spot.csv: line 3: expected one row per instance type, got a second row for \"m5.large\"");
}

TEST_CASE("catalog: an instanceTypes entry sets a Spot price or Spot savings of its own", "[scenarios]") {
  std::vector<sim::InstanceType> types = bundled_catalog();
  const nlohmann::json j = nlohmann::json::parse(R"([
      {"name": "m5.large", "spotPricePerHour": 0.04},
      {"name": "c5.large", "spotSavingsPct": 50},
      {"name": "m5.xlarge", "pricePerHour": 0.2},
      {"name": "slot", "vcpu": 1, "memoryMiB": 1024, "pricePerHour": 0.01}])");
  const std::string file = "s.json";
  apply_instance_types(JsonCursor(&j, &file, ""), types);
  CHECK(type_named(types, "m5.large").spot_price_microdollars_per_hour() == 40'000);
  CHECK(type_named(types, "c5.large").spot_price_microdollars_per_hour() == 42'500);
  // A new on-demand price keeps the advisor's savings (m5.xlarge: 66 %).
  CHECK(type_named(types, "m5.xlarge").spot_price_microdollars_per_hour() == 68'000);
  // A type of the scenario's own has no Spot figure: billed at on-demand.
  CHECK(type_named(types, "slot").spot_price_microdollars_per_hour() == 10'000);
}

TEST_CASE("catalog: pricing.spotDiscountPct applies to every type without a Spot figure of the scenario's", "[scenarios]") {
  std::vector<sim::InstanceType> types = bundled_catalog();
  const nlohmann::json list = nlohmann::json::parse(R"([
      {"name": "m5.large", "spotPricePerHour": 0.04},
      {"name": "slot", "vcpu": 1, "memoryMiB": 1024, "pricePerHour": 0.01}])");
  const nlohmann::json pricing = nlohmann::json::parse(R"({"spotDiscountPct": 70,
      "savingsPlans": [{"discountPct": 28, "coveredInstances": 3, "instanceTypes": ["slot", "m5.large", "slot"]},
                       {"discountPct": 10, "coveredInstances": 1}]})");
  const std::string file = "s.json";
  const JsonCursor list_cursor(&list, &file, "/instanceTypes");
  apply_instance_types(list_cursor, types);
  const sim::Pricing p = apply_pricing(JsonCursor(&pricing, &file, "/pricing"), &list_cursor, types);
  CHECK(p.spot_discount_pct == 70);
  CHECK(type_named(types, "m5.large").spot_price_microdollars_per_hour() == 40'000);  // its own figure
  CHECK(type_named(types, "c5.large").spot_price_microdollars_per_hour() == 25'500);  // 30 % of $0.085
  CHECK(type_named(types, "slot").spot_price_microdollars_per_hour() == 3'000);
  REQUIRE(p.savings_plans.size() == 2);
  CHECK(p.savings_plans[0].discount_pct == 28);
  CHECK(p.savings_plans[0].covered_instances == 3);
  CHECK_FALSE(p.savings_plans[0].all_types);
  CHECK(p.savings_plans[0].instance_types ==
        std::vector<std::uint32_t>{static_cast<std::uint32_t>(find_instance_type(types, "m5.large")),
                                   static_cast<std::uint32_t>(find_instance_type(types, "slot"))});
  CHECK(p.savings_plans[1].all_types);
}

}  // namespace
}  // namespace ecsim::scenarios
