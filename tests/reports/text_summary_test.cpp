#include "reports/text_summary.h"

#include <catch2/catch.hpp>

#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

TEST_CASE("text_summary: a small run prints these exact lines, one per service and per job", "[reports]") {
  // $0.96 over 3 h is $233.60 per 730-hour month. t4 waited from 30 s to the end (3 h).
  CHECK(text_summary(small_run(), "out/run-1") ==
        "ecsim " ECSIM_VERSION
        ": scenario small, seed 42, strategy spread(attribute:ecs.availability-zone),binpack(memory), "
        "10800 s simulated\n"
        "tasks: 5 submitted, 3 placed, 1 completed, 1 failed to place, 1 pending at end\n"
        "wait: mean 2708.000 s, p99 10770.000 s, max 10770.000 s (1 still waiting at the end, counted until then)\n"
        "utilization: cpu mean 25.0%, max 75.0%; memory mean 10.0%, max 30.0%\n"
        "instances: 2 launched, 1 terminated, 5.0 instance-hours\n"
        "cost: $0.96 total, $0.2402 per task-hour, $233.60 per month at this rate\n"
        "service web (REPLICA, spread(attribute:ecs.availability-zone),binpack(memory)): running mean 1.25 of 2 "
        "desired, 3611.0 s below; wait p99 2.000 s (0 censored); 1 deployment, last web:3 COMPLETED\n"
        "job etl (binpack(cpu)): 3 submitted, 1 placed, 1 failed to place, 1 pending at end; wait p99 10770.000 s "
        "(1 censored)\n"
        "outputs in out/run-1: summary.json, run.json, tasks.csv, instances.csv, timeseries.csv (and by zone, "
        "type, service and capacity provider), service-events.csv, markers.csv, instance-events.csv, cluster.svg, "
        "cluster.dot\n");
}

TEST_CASE("text_summary: traces add a line and an empty run has no monthly rate", "[reports]") {
  RunResultBuilder b;
  b.duration(0).trace("t.csv", "generic", 10, 2, 5.0).trace("u.csv", "generic", 1, 0, 1.0);
  const std::string text = text_summary(b.build(), "d");
  CHECK_THAT(text, Catch::Contains("\ncost: $0.00 total, $0.0000 per task-hour, no monthly rate (nothing simulated)\n"
                                   "traces: 11 records read, 2 skipped\n"
                                   "outputs in d: "));
  CHECK(text == text_summary(b.build(), "d"));
}

TEST_CASE("text_summary: a line per capacity provider, and a service's longest recovery", "[reports]") {
  RunResultBuilder b;
  b.duration(sim::kHour);
  b.service("web", {.desired_count = 4,
                    .below_desired_spells = {{100 * sim::kSecond, 130 * sim::kSecond},
                                             {600 * sim::kSecond, 751 * sim::kSecond},
                                             {3000 * sim::kSecond, sim::kNever}}});
  sim::RunResult r = b.build();
  sim::CapacityProviderResult p;
  p.name = "general";
  p.launched = 8;
  p.scaled_in = 1;
  p.lost = 2;
  p.instances_min = 5;
  p.instances_max = 6;
  p.instances_mean = 5.75;
  p.desired_at_end = 6;
  r.capacity_providers.push_back(p);
  const std::string text = text_summary(r, "d");
  CHECK_THAT(text, Catch::Contains("\ncapacity provider general: instances 5 to 6 (mean 5.75), 8 launched, 1 scaled in, "
                                   "2 lost, 0 failed launches; desired 6 at the end\nservice web "));
  CHECK_THAT(text, Catch::Contains(" s below (longest recovery 151.0 s); wait p99 "));
}
