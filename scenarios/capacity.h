// Capacity: the scenario's `capacityProviders`, capacity provider strategies (the cluster's
// default, services' and jobs'), and `faults` (rates of instance failures, Spot interruptions
// and agent disconnects). Named as in the ECS and EC2 Auto Scaling APIs.
#pragma once

#include <functional>
#include <vector>

#include "scenarios/json_cursor.h"
#include "scenarios/load_context.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// `capacityProviders`: each provider's Auto Scaling group becomes one instance group of count 0
// per instance type (copied from its `launchTemplate`, an instance group, when it names one),
// appended to the cluster's groups. `read_runtime` reads a `launchTime` distribution object.
// REQUIRES: the cluster and the instance types are loaded.
void load_capacity_providers(LoadContext& ctx, const JsonCursor& list,
                             const std::function<sim::RuntimeSpec(const JsonCursor&)>& read_runtime);

// A capacityProviderStrategy list (CreateService / RunTask): at most 6 items, one base, some
// weight > 0, each provider once. REQUIRES: load_capacity_providers ran.
std::vector<sim::CapacityProviderStrategyItem> parse_capacity_provider_strategy(const LoadContext& ctx,
                                                                                const JsonCursor& list);

// The strategy a service or job (`parent`) uses: its own `capacityProviderStrategy`, none with
// `"launchType": "EC2"` (both is an error, as ECS says), else the cluster's default.
std::vector<sim::CapacityProviderStrategyItem> resolve_capacity_provider_strategy(const LoadContext& ctx,
                                                                                  const JsonCursor& parent);

// `faults`. Spot interruption rates default to each type's Spot Instance Advisor band.
void load_faults(LoadContext& ctx, const JsonCursor& faults);
// The default Spot interruption rates (per type, from the bands) when `faults` is absent.
void default_spot_interruption_rates(sim::Scenario& scenario);

}  // namespace ecsim::scenarios
