// ImageCache: the images present on each instance, and the registries' outages
// (ecs-semantics §1.6; Agent README `ECS_IMAGE_PULL_BEHAVIOR`).
//
// Invariants:
//  - ready_[i] is empty until instance i first needs an image, then holds per image the time it
//    is (or will be) present there, kNever if never pulled.
//  - A registry refuses pulls while now < down_until_[registry].
#pragma once

#include <cstdint>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

class ImageCache {
 public:
  explicit ImageCache(const Scenario& scenario) : scenario_(scenario) {}

  void reset(std::size_t instances);

  // `registry` refuses pulls until `until` (kNever: for the rest of the run).
  void registry_outage(std::uint32_t registry, SimTime until) { down_until_[registry] = until; }

  // Whether starting a task of `td` on i at `now` needs a pull its registry refuses (an outage):
  // an image not cached there, or any image under `always`.
  bool pull_refused(InstanceIdx i, const TaskDefinition& td, SimTime now) const;
  // How long a refused start takes to fail: the slowest registry round trip of its images.
  SimTime refusal_latency(const TaskDefinition& td) const;
  // When every image of `td` is present on i for a task starting at `now`, starting the pulls it
  // needs. REQUIRES: !pull_refused(i, td, now).
  SimTime ready_at(InstanceIdx i, const TaskDefinition& td, SimTime now);

 private:
  const Scenario& scenario_;
  std::vector<std::vector<SimTime>> ready_;  // per instance, per image
  std::vector<SimTime> down_until_;          // per registry: refuses pulls until then (0: up)
};

}  // namespace ecsim::sim
