#include "reports/cost.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

namespace ecsim::reports {
namespace {

using sim::kNever;
using sim::SimTime;

constexpr SimTime kForever = std::numeric_limits<SimTime>::max();
constexpr Int128 kMicrodollarUsPerDollar = Int128{1'000'000} * sim::kHour;

using sim::alive_within_run;

SimTime overlap(SimTime a, SimTime b, SimTime c, SimTime d) {
  const SimTime from = std::max(a, c);
  const SimTime to = std::min(b, d);
  return to > from ? to - from : 0;
}

bool plan_covers_type(const sim::SavingsPlanTerms& plan, std::uint32_t type) {
  return plan.all_types || std::binary_search(plan.instance_types.begin(), plan.instance_types.end(), type);
}

}  // namespace

double CostFigures::dollars(Int128 microdollar_us_per_hour) {
  if (microdollar_us_per_hour < 0) return -ratio_to_double(-microdollar_us_per_hour, kMicrodollarUsPerDollar);
  return ratio_to_double(microdollar_us_per_hour, kMicrodollarUsPerDollar);
}

std::pair<Int128, Int128> CostFigures::rate_at(SimTime t) const {
  const auto it = std::upper_bound(rate_from.begin(), rate_from.end(), t);
  if (it == rate_from.begin()) return {0, 0};
  const auto k = static_cast<std::size_t>(it - rate_from.begin() - 1);
  return {rate_on_demand[k], rate_spot[k]};
}

std::int64_t instance_price(const sim::RunResult& r, std::size_t i) {
  const std::uint32_t type = r.instances.type[i];
  if (r.instances.market[i] == sim::Market::kSpot && !r.spot_price_microdollars_per_hour.empty()) {
    return r.spot_price_microdollars_per_hour[type];
  }
  return r.price_microdollars_per_hour[type];
}

CostFigures compute_cost(const sim::RunResult& r) {
  sim::TaskStats scratch;
  return compute_cost(r, sim::task_stats_of(r, scratch));
}

CostFigures compute_cost(const sim::RunResult& r, const sim::TaskStats& tasks) {
  CostFigures f;
  const sim::InstanceRecords& in = r.instances;
  const std::size_t n = in.size();
  f.billed.resize(n);
  f.price.resize(n);
  f.covered.assign(n, 0);
  f.cost.resize(n);
  f.plan_covered.assign(r.savings_plans.size(), 0);
  f.plan_saved.assign(r.savings_plans.size(), 0);

  // Billing windows, and when each instance stops being active (for ever when alive at the end).
  std::vector<SimTime> window_end(n);
  std::vector<std::pair<SimTime, std::int64_t>> changes;  // (time, +1 + i to add, -1 - i to remove)
  changes.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const SimTime launched = in.launched_at[i];
    f.billed[i] = sim::billed_time(alive_within_run(launched, in.terminated_at[i], r.duration));
    f.price[i] = instance_price(r, i);
    f.cost[i] = Int128{f.billed[i]} * f.price[i];
    window_end[i] = launched + f.billed[i];
    const bool alive_at_end = in.terminated_at[i] == kNever || in.terminated_at[i] > r.duration;
    changes.emplace_back(launched, static_cast<std::int64_t>(i) + 1);
    if (!alive_at_end) changes.emplace_back(window_end[i], -static_cast<std::int64_t>(i) - 1);
  }
  // Removals before additions at the same instant, then by instance: the order is fixed, so the
  // sweep is the same on every machine.
  std::sort(changes.begin(), changes.end());

  // The sweep: over each stretch [at, next) the active set is constant.
  std::set<std::uint32_t> active_on_demand;
  Int128 rate_on_demand = 0;
  Int128 rate_spot = 0;
  std::vector<std::uint32_t> taken_stamp(n, 0);
  std::uint32_t stamp = 0;
  for (std::size_t k = 0; k < changes.size();) {
    const SimTime at = changes[k].first;
    for (; k < changes.size() && changes[k].first == at; ++k) {
      const std::int64_t c = changes[k].second;
      const auto i = static_cast<std::uint32_t>(c > 0 ? c - 1 : -c - 1);
      const Int128 sign = c > 0 ? 1 : -1;
      if (in.market[i] == sim::Market::kSpot) {
        rate_spot += sign * f.price[i];
      } else {
        rate_on_demand += sign * f.price[i];
        if (c > 0) {
          active_on_demand.insert(i);
        } else {
          active_on_demand.erase(i);
        }
      }
    }
    const SimTime next = k < changes.size() ? changes[k].first : kForever;
    Int128 discount_rate = 0;
    ++stamp;
    for (std::size_t p = 0; p < r.savings_plans.size(); ++p) {
      const sim::SavingsPlanTerms& plan = r.savings_plans[p];
      std::int32_t left = plan.covered_instances;
      for (auto it = active_on_demand.begin(); it != active_on_demand.end() && left > 0; ++it) {
        const std::uint32_t i = *it;
        if (taken_stamp[i] == stamp || !plan_covers_type(plan, in.type[i])) continue;
        taken_stamp[i] = stamp;
        --left;
        const std::int64_t saving = f.price[i] - sim::discounted_price_microdollars(f.price[i], plan.discount_pct);
        discount_rate += saving;
        const SimTime covered = overlap(at, next, in.launched_at[i], window_end[i]);
        f.covered[i] += covered;
        f.plan_covered[p] += covered;
        f.cost[i] -= Int128{covered} * saving;
        f.plan_saved[p] += Int128{covered} * saving;
      }
    }
    f.rate_from.push_back(at);
    f.rate_on_demand.push_back(rate_on_demand - discount_rate);
    f.rate_spot.push_back(rate_spot);
  }

  for (std::size_t i = 0; i < n; ++i) {
    f.total += f.cost[i];
    if (in.market[i] == sim::Market::kSpot) {
      f.spot += f.cost[i];
      f.spot_saved += Int128{f.billed[i]} * (r.price_microdollars_per_hour[in.type[i]] - f.price[i]);
    } else {
      f.on_demand += f.cost[i];
    }
  }

  // Per source: each placed task's share of its instance's cost (see the header).
  double allocated = 0;
  if (!r.sources.empty()) {
    f.by_source.assign(r.sources.size(), 0.0);
    std::vector<double> per_second(n);  // dollars per billed second
    for (std::size_t i = 0; i < n; ++i) {
      per_second[i] = ratio_to_double(f.cost[i], Int128{f.billed[i]} * kMicrodollarUsPerDollar / sim::kSecond);
    }
    // Σ over a source's tasks on instance i of dollars/s × held seconds × (cpu/registered +
    // memory/registered) / 2, from the exact per (source, instance) sums of held µs × cpu and
    // held µs × memory; each source's terms added in instance order.
    tasks.for_each_held([&](std::size_t i, const sim::HeldOnInstance& h) {
      if (i >= n || h.source >= f.by_source.size()) return;
      const double cpu =
          in.cpu_registered[i] > 0 ? ratio_to_double(h.cpu_us, Int128{in.cpu_registered[i]} * sim::kSecond) : 0.0;
      const double memory = in.memory_registered_mib[i] > 0
                                ? ratio_to_double(h.memory_us, Int128{in.memory_registered_mib[i]} * sim::kSecond)
                                : 0.0;
      f.by_source[h.source] += per_second[i] * (cpu + memory) / 2;
    });
    for (const double d : f.by_source) allocated += d;
  }
  f.unallocated = std::max(0.0, CostFigures::dollars(f.total) - allocated);
  return f;
}

}  // namespace ecsim::reports
