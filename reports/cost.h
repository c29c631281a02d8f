// What a run's instances cost: EC2 billing applied to sim::RunResult's instance records, for
// summary.json `cost`, instances.csv, timeseries.csv's costPerHour and report.html. Exact integer
// arithmetic (micro-dollars per hour × microseconds) up to the per-source split, which is in
// doubles summed in task order.
//
// Definitions (scenarios/README.md "Cost" states them for users):
// - An instance is alive from launched_at to terminated_at, or to the end of the run (duration)
//   when still alive, clipped to the run. It is billed per second with a one-minute minimum
//   (sim::billed_time): billed = max(60 s, alive rounded up to a whole second). Its billing window
//   is [launched_at, launched_at + billed).
// - price: an on-demand instance's type's on-demand price, a Spot instance's type's Spot price
//   (RunResult::spot_price_microdollars_per_hour; the on-demand price when that is empty).
// - Savings Plans (sim::SavingsPlanTerms): the fleet is swept in time; an instance is active from
//   launched_at to the end of its billing window, or for ever when alive at the end of the run.
//   Over each stretch of constant active set, each plan in list order takes the first
//   covered_instances active on-demand instances of its types, in instance order, not taken by an
//   earlier plan. A taken instance's time within its billing window is covered: billed at
//   discounted_price_microdollars(price, discount_pct) instead of price.
// - An instance's cost = (billed - covered) × price + Σ covered × its plan's price; total = Σ over
//   instances (so total reconciles with instances.csv: Σ billedSeconds × pricePerHour less the
//   plans' savings). byMarket splits it by market. Spot saved = Σ Spot billed × (on-demand - Spot
//   price).
// - Cost per hour at time t: Σ over instances active at t of their price, covered ones at their
//   plan's price; by market.
// - bySource: each placed task holds its instance's resources from placed_at to stopped_at (or
//   the end of the run, clipped to it); it is charged its instance's mean price (cost / billed) ×
//   that time × its share of the instance, the mean of its CPU fraction and memory fraction of
//   what the instance registers (0 for a resource the instance registers none of). Summed per
//   source (RunResult::sources); unallocated = total - Σ sources, at least 0 (idle capacity, the
//   billing minimum and rounding).
#pragma once

#include <cstdint>
#include <vector>

#include "reports/format.h"
#include "sim/run_result.h"

namespace ecsim::reports {

struct CostFigures {
  // Per instance (RunResult::instances order).
  std::vector<sim::SimTime> billed;   // whole seconds, in µs
  std::vector<std::int64_t> price;    // µ$/h: the instance's market price
  std::vector<sim::SimTime> covered;  // µs of the billing window a plan covered
  std::vector<Int128> cost;           // µs × µ$/h

  // Per plan (RunResult::savings_plans order).
  std::vector<sim::SimTime> plan_covered;  // µs covered
  std::vector<Int128> plan_saved;          // µs × µ$/h

  Int128 total = 0;      // µs × µ$/h; dollars × 3.6e15
  Int128 on_demand = 0;
  Int128 spot = 0;
  Int128 spot_saved = 0;  // against the on-demand price

  // The cost rate as a step function: from rate_from[k] (ascending) until the next, the active
  // instances cost rate_on_demand[k] + rate_spot[k] µ$/h; 0 before the first.
  std::vector<sim::SimTime> rate_from;
  std::vector<Int128> rate_on_demand, rate_spot;  // 128 bits: read-back files may hold any price

  // Per source (RunResult::sources), dollars; empty when the result records no source.
  std::vector<double> by_source;
  double unallocated = 0;  // dollars

  // Σ µs × µ$/h as dollars (negative too: a Spot price above on-demand saves less than nothing).
  static double dollars(Int128 microdollar_us_per_hour);
  // The rate at time t (µ$/h): {on-demand, Spot}.
  std::pair<Int128, Int128> rate_at(sim::SimTime t) const;
};

// The market price of instance i, µ$/h.
std::int64_t instance_price(const sim::RunResult& r, std::size_t i);

// REQUIRES: check_run_result(r) passes. by_source from `tasks` (sim::task_stats_of(r) by default).
CostFigures compute_cost(const sim::RunResult& r);
CostFigures compute_cost(const sim::RunResult& r, const sim::TaskStats& tasks);

}  // namespace ecsim::reports
