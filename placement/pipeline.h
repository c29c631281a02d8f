// Pipeline: the ECS placement order for one placement class (Dev Guide "Amazon ECS task
// placement", ecs-semantics §3.1):
//   1. candidates = schedulable instances (ACTIVE, agent connected);
//   2. filter by resources, in the order CPU, MEMORY, PORTS, ENI, GPU, EBS attachments, then
//      the attributes the task definition requires (runtimePlatform, requiresAttributes, agent
//      capabilities: ATTRIBUTE), then the zone its EBS volume is bound to (LOCATION);
//   3. filter by constraints: distinctInstance, then each memberOf expression (the task
//      definition's and the request's; all must hold);
//   4. apply the strategies in list order, each keeping the candidates with its best key;
//   5. break the remaining tie uniformly with the run's placement stream.
//
// When no instance passes, the reason reported is the first failed check of the "closest"
// instance: the one failing the fewest checks, lowest InstanceIdx among equals (ECS reports the
// reason of its closest matching instance; its exact choice is undocumented).
//
// Indexed path, exact: for the strategy lists [binpack(R)] and [spread(attribute:A),
// binpack(R)], the candidates are read from the cluster's free-R index (one ordered set per value
// of A) instead of scanning every instance: values in increasing order of the group's task
// count, and inside them instances from the smallest free R that could fit upwards, stopping at
// the first key that cannot win. The survivors and their order (InstanceIdx) are those of the
// full scan, so the seeded tie-break draws the same instance.
//
// Fast path, exact: when the only strategy is random and there is no distinctInstance, up to
// kRandomProbes instances are drawn uniformly from the schedulable ones and the first that
// passes every check (resources and memberOf) is taken; if none does, the full scan runs.
// Conditioned either way, the choice is uniform over the instances that pass, as ECS's random
// is, at O(1) expected cost on a cluster with room.
#pragma once

#include <memory>
#include <vector>

#include "placement/query_language.h"
#include "placement/strategy.h"
#include "sim/placer.h"

namespace ecsim::placement {

// How a pipeline may use the cluster's free-resource index (see above).
struct IndexedPlan {
  enum class Kind : std::uint8_t { kNone, kBinpack, kSpreadBinpack };
  Kind kind = Kind::kNone;
  sim::ClusterState::IndexedResource resource = sim::ClusterState::IndexedResource::kMemory;
  std::uint32_t index = 0;    // ClusterState::track_free_index id
  std::uint32_t tracker = 0;  // ClusterState::track_spread id (kSpreadBinpack)
};

class Pipeline final : public sim::Placer {
 public:
  // `member_of`: the compiled memberOf expressions, checked in this order.
  // An attribute an instance must hold with this value (value index in the ClusterState).
  // kAnyValue: the instance must hold the attribute, with any value.
  static constexpr std::int32_t kAnyValue = -2;
  struct RequiredAttribute {
    sim::AttributeIdx attribute;
    std::int32_t value;
  };

  Pipeline(std::vector<std::unique_ptr<Strategy>> strategies, bool distinct_instance, bool random_only,
           IndexedPlan plan = {}, std::vector<CompiledQuery> member_of = {},
           std::vector<RequiredAttribute> required = {}, std::int32_t location = kNoLocation);

  // No zone required (else the value index of the zone in ecs.availability-zone).
  static constexpr std::int32_t kNoLocation = -3;

  sim::PlacementDecision place(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                               sim::RandomStream& rng) override;
  bool admits(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
              sim::InstanceIdx i) const override;
  void explain(const sim::PlacementRequest& request, const sim::ClusterState& cluster, sim::RandomStream rng,
               sim::PlacementExplanation& out) override;

  static constexpr int kRandomProbes = 16;

 private:
  // The first check instance i fails, or kNone; counts the failed checks into *failed.
  sim::FailureReason check(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                           sim::InstanceIdx i, int* failed) const;
  sim::FailureReason closest_reason(const sim::PlacementRequest& request, const sim::ClusterState& cluster) const;
  sim::PlacementDecision place_indexed(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                       sim::RandomStream& rng);

  std::vector<std::unique_ptr<Strategy>> strategies_;
  bool distinct_instance_;
  std::vector<CompiledQuery> member_of_;
  std::vector<RequiredAttribute> required_;
  std::int32_t location_;
  bool random_only_;
  IndexedPlan plan_;
  std::vector<std::uint32_t> slots_;  // scratch: attribute value slots by task count
  // Scratch reused across calls: no allocation per decision once warmed up.
  std::vector<sim::InstanceIdx> candidates_;
  std::vector<std::int64_t> keys_;
};

}  // namespace ecsim::placement
