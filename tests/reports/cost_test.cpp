#include "reports/cost.h"

#include <catch2/catch.hpp>

#include <charconv>
#include <filesystem>
#include <sstream>

#include "placement/registry.h"
#include "reports/csv.h"
#include "reports/summary.h"
#include "run_result_builder.h"
#include "scenarios/loader.h"
#include "sim/engine.h"
#include "../tools/run_ecsim.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

namespace {

constexpr Int128 kUsPerHour = kHour;

// Σ over instances of (billed - covered) × price + covered × the plan's price, recomputed from
// the per-instance figures, for a run whose plans all share one discount.
Int128 reconciled_total(const sim::RunResult& r, const CostFigures& f, std::int32_t discount_pct) {
  Int128 total = 0;
  for (std::size_t i = 0; i < r.instances.size(); ++i) {
    total += Int128{f.billed[i] - f.covered[i]} * f.price[i] +
             Int128{f.covered[i]} * sim::discounted_price_microdollars(f.price[i], discount_pct);
  }
  return total;
}

// The cost rate at t as {on-demand, Spot} µ$/h (small enough for 64 bits in these tests).
std::pair<std::int64_t, std::int64_t> rate(const CostFigures& f, SimTime t) {
  const auto [on_demand, spot] = f.rate_at(t);
  return {static_cast<std::int64_t>(on_demand), static_cast<std::int64_t>(spot)};
}

sim::SavingsPlanTerms plan(std::int32_t discount_pct, std::int32_t covered, std::vector<std::uint32_t> types = {}) {
  sim::SavingsPlanTerms p;
  p.discount_pct = discount_pct;
  p.covered_instances = covered;
  p.all_types = types.empty();
  p.instance_types = std::move(types);
  return p;
}

}  // namespace

TEST_CASE("cost: an instance is billed per second, rounded up, with a one-minute minimum", "[reports][ecs]") {
  // AWS "Amazon EC2 On-Demand Pricing": per-second billing with "a minimum of 60 seconds".
  RunResultBuilder b;
  b.duration(kHour).instance_type("c", 3'600'000);  // $3.6 per hour: $0.001 per second
  b.instance("brief", "z", "c", 0, 10 * kSecond);              // 10 s: billed 60 s
  b.instance("odd", "z", "c", 0, 90 * kSecond + 1);            // 90.000001 s: billed 91 s
  b.instance("late", "z", "c", kHour - 30 * kSecond);          // alive at the end, 30 s in the run: 60 s
  b.instance("early", "z", "c", 10 * kMinute, 40 * kMinute);   // launched late, terminated early: 30 min
  const CostFigures f = compute_cost(b.build());
  CHECK(f.billed == std::vector<SimTime>{60 * kSecond, 91 * kSecond, 60 * kSecond, 30 * kMinute});
  // 3.6 $/h is 1000 µ$ per second.
  CHECK(f.total == Int128{60 + 91 + 60 + 1800} * kSecond * 3'600'000);
  CHECK(CostFigures::dollars(f.total) == 2.011);
  CHECK(f.on_demand == f.total);
  CHECK(f.spot == 0);
}

TEST_CASE("cost: Spot instances are billed at their type's Spot price, and at on-demand without one", "[reports]") {
  RunResultBuilder b;
  b.duration(2 * kHour).instance_type("m5.large", 96'000);
  b.instance("od", "z", "m5.large").instance("spot", "z", "m5.large");
  b.result().instances.market[1] = sim::Market::kSpot;
  const CostFigures without = compute_cost(b.build());
  CHECK(without.spot == Int128{2} * kUsPerHour * 96'000);
  CHECK(without.spot_saved == 0);
  b.result().spot_price_microdollars_per_hour = {32'640};  // 66 % off
  const CostFigures f = compute_cost(b.build());
  CHECK(f.price == std::vector<std::int64_t>{96'000, 32'640});
  CHECK(f.on_demand == Int128{2} * kUsPerHour * 96'000);
  CHECK(f.spot == Int128{2} * kUsPerHour * 32'640);
  CHECK(f.total == f.on_demand + f.spot);
  CHECK(f.spot_saved == Int128{2} * kUsPerHour * (96'000 - 32'640));
  CHECK(rate(f, kHour) == std::pair<std::int64_t, std::int64_t>{96'000, 32'640});
}

TEST_CASE("cost: a Savings Plan covers the first N running on-demand instances at each moment", "[reports]") {
  RunResultBuilder b;
  b.duration(4 * kHour).instance_type("m", 100'000).instance_type("g", 1'000'000);
  b.instance("a", "z", "m", 0, kHour);        // covered 0-1 h
  b.instance("b", "z", "m", 0);               // covered 0-4 h (a second slot)
  b.instance("c", "z", "m", 30 * kMinute);    // uncovered until a ends, then covered 1-4 h
  b.instance("s", "z", "m", 0);               // Spot: never covered
  b.instance("gpu", "z", "g", 0);             // not a covered type
  b.result().instances.market[3] = sim::Market::kSpot;
  b.result().savings_plans = {plan(40, 2, {0})};
  const sim::RunResult r = b.build();
  const CostFigures f = compute_cost(r);
  CHECK(f.covered == std::vector<SimTime>{kHour, 4 * kHour, 3 * kHour, 0, 0});
  CHECK(f.plan_covered == std::vector<SimTime>{8 * kHour});
  CHECK(f.plan_saved == std::vector<Int128>{Int128{8} * kUsPerHour * 40'000});
  CHECK(f.cost[2] == Int128{30} * kMinute * 100'000 + Int128{3} * kUsPerHour * 60'000);
  CHECK(f.total == reconciled_total(r, f, 40));
  // The rate: at 45 min a, b covered (60'000 each), c at 100'000, s at 100'000 (Spot at on-demand
  // here), gpu 1'000'000.
  CHECK(rate(f, 45 * kMinute) == std::pair<std::int64_t, std::int64_t>{60'000 + 60'000 + 100'000 + 1'000'000, 100'000});
  CHECK(rate(f, 2 * kHour) == std::pair<std::int64_t, std::int64_t>{60'000 + 60'000 + 1'000'000, 100'000});
  // Alive at the end: still counted at the last sample, at the end of the run.
  CHECK(rate(f, 4 * kHour) == rate(f, 2 * kHour));
}

TEST_CASE("cost: plans apply in order and an instance-second is covered by one plan at most", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour).instance_type("m", 100'000);
  b.instance("a", "z", "m").instance("b", "z", "m").instance("c", "z", "m");
  b.result().savings_plans = {plan(50, 1), plan(20, 5)};
  const CostFigures f = compute_cost(b.build());
  CHECK(f.plan_covered == std::vector<SimTime>{kHour, 2 * kHour});
  CHECK(f.cost == std::vector<Int128>{Int128{kHour} * 50'000, Int128{kHour} * 80'000, Int128{kHour} * 80'000});
  CHECK(f.total == Int128{kHour} * 210'000);
}

TEST_CASE("cost: a plan covers an instance only within its billing window", "[reports]") {
  // Terminated after 10 s, billed 60 s: the plan covers those 60 s, and the slot passes on after.
  RunResultBuilder b;
  b.duration(kHour).instance_type("m", 3'600'000);
  b.instance("brief", "z", "m", 0, 10 * kSecond).instance("next", "z", "m", 0);
  b.result().savings_plans = {plan(100, 1)};
  const CostFigures f = compute_cost(b.build());
  CHECK(f.covered == std::vector<SimTime>{60 * kSecond, kHour - 60 * kSecond});
  CHECK(f.cost == std::vector<Int128>{0, Int128{60} * kSecond * 3'600'000});
}

TEST_CASE("cost: each source pays for the share of its instance it holds, the rest is unallocated", "[reports]") {
  RunResultBuilder b;
  b.duration(2 * kHour).instance_type("m", 1'000'000);
  b.instance("i", "z", "m");  // registers 2048 CPU units and 7680 MiB
  // Half the CPU, a quarter of the memory, for one hour: (0.5 + 0.25) / 2 × $1.
  b.task({.instance = "i", .submitted = 0, .placed = 0, .started = 0, .stopped = kHour, .cpu = 1024,
          .memory_mib = 1920, .source = "etl"});
  // Still holding at the end: from 1.5 h to 2 h, an eighth of both: 0.125 × 0.5 × $1.
  b.task({.instance = "i", .submitted = 0, .placed = 90 * kMinute, .cpu = 256, .memory_mib = 960, .source = "web"});
  b.task({.submitted = 0, .source = "web"});  // never placed: nothing
  const CostFigures f = compute_cost(b.build());
  REQUIRE(f.by_source.size() == 2);
  CHECK(f.by_source[0] == Approx(0.375));
  CHECK(f.by_source[1] == Approx(0.0625));
  CHECK(f.unallocated == Approx(2.0 - 0.4375));
  const std::string json = summary_json(b.build());
  CHECK(json.find("\"bySource\": {\n      \"etl\": 0.375,\n      \"web\": 0.0625\n    },\n    \"unallocated\": 1.5625") !=
        std::string::npos);
}

TEST_CASE("cost: summary.json reports perMonth, byMarket and savings only when there is something saved", "[reports]") {
  RunResultBuilder b;
  b.duration(10 * kHour).instance_type("m", 100'000);
  b.instance("a", "z", "m").instance("b", "z", "m");
  const std::string plain = summary_json(b.build());
  CHECK(plain.find("\"perMonth\": 146,") != std::string::npos);  // $0.2/h × 730 h
  CHECK(plain.find("\"savings\"") == std::string::npos);
  b.result().instances.market[1] = sim::Market::kSpot;
  b.result().spot_price_microdollars_per_hour = {30'000};
  b.result().savings_plans = {plan(28, 1, {0})};
  const std::string text = summary_json(b.build());
  // a: 10 h at 72'000; b: 10 h Spot at 30'000.
  CHECK(text.find("\"total\": 1.02,") != std::string::npos);
  CHECK(text.find("\"byMarket\": {\n      \"onDemand\": 0.72,\n      \"spot\": 0.3\n    }") != std::string::npos);
  CHECK(text.find("\"savings\": {\n      \"spot\": 0.7,\n      \"savingsPlans\": 0.28,\n      \"plans\": [\n"
                  "        {\n          \"discountPct\": 28,\n          \"coveredInstances\": 1,\n"
                  "          \"instanceTypes\": [\n            \"m\"\n          ],\n"
                  "          \"coveredInstanceHours\": 10,\n          \"saved\": 0.28\n        }\n      ]\n    }") !=
        std::string::npos);
}

TEST_CASE("cost: instances.csv reconciles with the total and timeseries.csv gives the rate at each sample", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour).instance_type("m", 100'000);
  b.instance("a", "z", "m", 0, 20 * kMinute).instance("b", "z", "m", 10 * kMinute);
  b.result().savings_plans = {plan(50, 1)};
  b.sample({.time = 0}).sample({.time = 15 * kMinute}).sample({.time = 30 * kMinute}).sample({.time = kHour});
  const sim::RunResult r = b.build();
  // a: 0-20 min covered at 50'000; b: 10-20 min at 100'000, then covered 20-60 min at 50'000.
  CHECK(instances_csv(r) ==
        "instanceId,availabilityZone,instanceType,market,launchedAt,registeredAt,terminatedAt,"
        "cpuRegistered,memoryRegisteredMiB,pricePerHour,onDemandPricePerHour,billedSeconds,coveredSeconds,cost,capacityProvider\n"
        "a,z,m,on-demand,0,0,1200,2048,7680,0.1,0.1,1200,1200,0.016666666666666666,\n"
        "b,z,m,on-demand,600,600,,2048,7680,0.1,0.1,3000,2400,0.05,\n");
  const std::string series = timeseries_csv(r);
  CHECK(series.substr(series.find('\n') + 1) ==
        "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.05\n"
        "900,0,0,0,0,0,0,0,0,0,0,0,0,0,0.15\n"
        "1800,0,0,0,0,0,0,0,0,0,0,0,0,0,0.05\n"
        "3600,0,0,0,0,0,0,0,0,0,0,0,0,0,0.05\n");
  const SummaryFigures f = compute_summary(r);
  CHECK(f.cost_microdollar_us_per_hour == Int128{20} * kMinute * 50'000 + Int128{10} * kMinute * 100'000 +
                                              Int128{40} * kMinute * 50'000);
}

namespace {

// Micro-units of a non-negative decimal with at most six decimals ("0.192" -> 192000).
std::int64_t micros(const std::string& text) {
  const std::size_t dot = text.find('.');
  std::int64_t whole = 0, fraction = 0;
  std::from_chars(text.data(), text.data() + std::min(dot, text.size()), whole);
  if (dot != std::string::npos) {
    std::string digits = text.substr(dot + 1);
    digits.resize(6, '0');
    std::from_chars(digits.data(), digits.data() + 6, fraction);
  }
  return whole * 1'000'000 + fraction;
}

}  // namespace

TEST_CASE("cost: on every bundled scenario, the instances' billed seconds times their prices make the total",
          "[reports][examples]") {
  for (const std::filesystem::path& path : ecsim::testing::bundled_scenarios()) {
    INFO(path.string());
    const sim::Scenario scenario = scenarios::load_scenario(path.string());
    placement::EcsPlacerFactory factory;
    const sim::RunResult r = sim::run_scenario(scenario, factory);
    const SummaryFigures f = compute_summary(r);
    const CostFigures& c = f.cost;
    REQUIRE(r.instances.size() > 0);
    // From the per-instance figures: Σ billed × price, less what the plans saved.
    Int128 billed_times_price = 0, per_instance = 0, saved = 0;
    for (std::size_t i = 0; i < r.instances.size(); ++i) {
      billed_times_price += Int128{c.billed[i]} * c.price[i];
      per_instance += c.cost[i];
      CHECK(c.billed[i] % kSecond == 0);
      CHECK(c.billed[i] >= kMinute);
    }
    for (const Int128 p : c.plan_saved) saved += p;
    CHECK(per_instance == f.cost_microdollar_us_per_hour);
    CHECK(billed_times_price - saved == f.cost_microdollar_us_per_hour);
    CHECK(c.on_demand + c.spot == f.cost_microdollar_us_per_hour);
    // From instances.csv alone: Σ billedSeconds × pricePerHour, exact, when no plan applies.
    if (r.savings_plans.empty()) {
      std::istringstream csv(instances_csv(r));
      std::string line;
      std::getline(csv, line);  // the header
      Int128 from_csv = 0;  // seconds × µ$/h
      while (std::getline(csv, line)) {
        std::vector<std::string> fields;
        std::stringstream row(line);
        for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
        // 15 columns; getline drops the last when it is empty (an instance group's instance).
        REQUIRE((fields.size() == 14 || fields.size() == 15));
        from_csv += Int128{micros(fields[11]) / 1'000'000} * micros(fields[9]);
      }
      CHECK(from_csv * kSecond == f.cost_microdollar_us_per_hour);
    }
    double by_source = c.unallocated;
    for (const double d : c.by_source) by_source += d;
    CHECK(by_source == Approx(f.cost_total_dollars()).epsilon(1e-9));
  }
}

TEST_CASE("cost: a scenario's Spot figures and Savings Plans reach the run, in the run's type order", "[reports]") {
  const sim::Scenario scenario = scenarios::load_scenario_text(R"({
      "duration": "2h",
      "instanceTypes": [{"name": "c5.large", "spotPricePerHour": 0.03}],
      "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [
          {"name": "od", "instanceType": "m5.large", "count": 3},
          {"name": "spot", "instanceType": "c5.large", "count": 1, "market": "spot"},
          {"name": "m5-spot", "instanceType": "m5.large", "count": 1, "market": "spot"}]},
      "pricing": {"savingsPlans": [{"discountPct": 25, "coveredInstances": 2, "instanceTypes": ["t3.micro", "m5.large"]}]}
    })", "s.json", ".");
  placement::EcsPlacerFactory factory;
  const sim::RunResult r = sim::run_scenario(scenario, factory);
  REQUIRE(r.instance_types == std::vector<std::string>{"c5.large", "m5.large"});
  // c5.large: the scenario's $0.03; m5.large: the advisor's 66 % off $0.096.
  CHECK(r.spot_price_microdollars_per_hour == std::vector<std::int64_t>{30'000, 32'640});
  REQUIRE(r.savings_plans.size() == 1);
  CHECK(r.savings_plans[0].instance_types == std::vector<std::uint32_t>{1});  // t3.micro: not in the cluster
  const CostFigures f = compute_cost(r);
  // Two of the three on-demand m5.large are covered: 2 × 72'000 + 96'000, then the Spot ones.
  CHECK(f.total == Int128{2} * kUsPerHour * (2 * 72'000 + 96'000 + 30'000 + 32'640));
  CHECK(f.plan_saved == std::vector<Int128>{Int128{2} * kUsPerHour * 2 * 24'000});
}

TEST_CASE("cost: costPerHour is exact even when the sum passes 64 bits", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour).instance_type("huge", 4'000'000'000'000'000'001);
  b.instance("a", "z", "huge").instance("b", "z", "huge").instance("c", "z", "huge");
  b.sample({.time = 0});
  CHECK_THAT(timeseries_csv(b.build()), Catch::EndsWith(",12000000000000.000003\n"));
}

TEST_CASE("cost: a Spot price above on-demand saves a negative amount", "[reports]") {
  RunResultBuilder b;
  b.duration(kHour).instance_type("m", 100'000);
  b.instance("s", "z", "m");
  b.result().instances.market[0] = sim::Market::kSpot;
  b.result().spot_price_microdollars_per_hour = {150'000};
  const CostFigures f = compute_cost(b.build());
  CHECK(CostFigures::dollars(f.spot_saved) == -0.05);
  CHECK(summary_json(b.build()).find("\"savings\": {\n      \"spot\": -0.05,") != std::string::npos);
}
