// Research placement strategies: rules from the scheduling literature, beside ECS's built-ins
// (placement/ecs_strategies.h), for comparing what ECS does with what it could do.
//
// Every key is computed in integers (STYLE "Determinism"): a share of an instance's registered
// capacity is scaled by kShareScale and rounded down, so the same cluster gives the same keys on
// every platform. Each class in research_strategies.cpp states its source, its key, its ties and
// its cost. Ties left by a strategy go to the next strategy of the list, and at the end to the
// pipeline's seeded draw (placement/strategy.h).
//
// None takes a "field" or a parameter (check_strategy refuses them). None registers a tracker:
// they read only free and registered amounts, so the factories ignore `group` and `cluster`.
#pragma once

#include <cstdint>
#include <memory>

#include "placement/strategy.h"
#include "sim/model.h"

namespace ecsim::placement {

// Shares of registered capacity are fixed-point with 20 fractional bits: share(x, R) =
// floor(x * 2^20 / R), in [0, 2^20] for 0 <= x <= R, and 0 when R is 0. Exact (strictly
// increasing in x) whenever R <= 2^20: up to 1 TiB of memory or 1024 vCPUs of ECS CPU units.
inline constexpr std::int64_t kShareScale = std::int64_t{1} << 20;

// The factories of the registry's table (placement/registry.cpp), one per strategy type.
// REQUIRES: check_strategy(spec) is "" and spec.type is the factory's type.
std::unique_ptr<Strategy> make_best_fit_drf(const sim::StrategySpec& spec, sim::GroupIdx group,
                                            sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_first_fit(const sim::StrategySpec& spec, sim::GroupIdx group,
                                         sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_least_allocated(const sim::StrategySpec& spec, sim::GroupIdx group,
                                               sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_most_allocated(const sim::StrategySpec& spec, sim::GroupIdx group,
                                              sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_power_of_two_choices(const sim::StrategySpec& spec, sim::GroupIdx group,
                                                    sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_tetris(const sim::StrategySpec& spec, sim::GroupIdx group,
                                      sim::ClusterState& cluster);
std::unique_ptr<Strategy> make_worst_fit(const sim::StrategySpec& spec, sim::GroupIdx group,
                                         sim::ClusterState& cluster);

}  // namespace ecsim::placement
