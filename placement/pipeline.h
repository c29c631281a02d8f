// Pipeline: the ECS placement order for one placement class (Dev Guide "Amazon ECS task
// placement", Dev Guide "Amazon ECS task placement"):
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
// the first key that cannot win. The survivors are those of the full scan, and the seeded
// tie-break draws the same one: the pick-th in InstanceIdx order (the index gives the members of
// one key in no particular order; an nth_element finds it). Without ports or constraints a
// member the walk reports has the CPU and the memory, and only its GPUs, ENIs and attachments
// are tested, as the scan's inlined filter does, instead of a whole check().
//
// Indexed path, same distribution (not the same draws): for the spread-only lists
// [spread(instanceId|host)], [spread(attribute:A)] and [spread(attribute:A),
// spread(instanceId|host)], with or without distinctInstance and memberOf, the candidates are
// read from the cluster's spread buckets (the schedulable instances by value of A and by the
// group's task count on the instance) instead of scanning every instance:
//   - value levels: the values of A tied at one group count, lowest count first (spread on
//     instances alone has a single value level holding every instance);
//   - inside a value level, count levels c = 0, 1, 2, ...: the instances of those values holding
//     c tasks of the group (spread(attribute:A) alone has a single count level holding them all;
//     with distinctInstance only c = 0 is tried, no other can pass);
//   - the first count level with a member passing every check decides: kSpreadProbes members
//     are drawn uniformly from the level of m members (the union of its values' buckets), then,
//     if they all miss, more up to max(kSpreadProbes, 2 sqrt(m)), and the first that passes is
//     taken; if none does, or the level is no larger than the budget, its passing members are
//     listed and one of them is drawn uniformly.
// Each spread keeps the candidates with its lowest key, so that level's passing members are
// exactly the full scan's survivors, and the choice is uniform over them conditioned on the
// state, the guarantee the random fast path below gives. The draws are not the scan's (how
// many, over which order), so for these lists a run chooses other instances than the scan
// would, with the same distribution. Cost: O(1/p) expected when a share p of the lowest level
// passes (a 95 %-full cluster where one instance in twenty fits: about 20 probes); the size of
// the levels tried only when p is below about 1 / sqrt(m) (then the listing is likely). A
// failure scans the cluster for the closest instance's reason, as on every path.
//
// memberOf on the spread attribute: when every memberOf expression reads only the attribute A
// of the spread (or of spread(attribute:A), binpack), a value of A where it fails on one
// instance fails on all of them, and that value's bucket or set is skipped whole instead of
// being probed and listed (spread then binpack stays exact: the skipped instances would all
// fail check()).
//
// Indexed binpack, the walk: the free-resource index's sets hold, per subtree of their classes
// (instances of equal free CPU and memory), the largest free amount of the other resource, so
// the walk in binpack order skips the instances that have the binpacked resource but not the
// other one (binpack(memory) on a cluster where CPU binds) at O(log c) per skipped subtree (c
// classes) instead of one check() per instance.
//
// Fast path, uniform: when the only strategy is random (with or without distinctInstance and
// memberOf), up to kRandomProbes instances are drawn uniformly from the schedulable ones and
// the first that passes every check is taken. If none does, the cluster's fit tree (a
// tournament tree of the largest free CPU and memory per subtree, which skips the subtrees
// where no instance has both) lists the instances with the CPU and memory in InstanceIdx order,
// keeping those that pass every check, up to 2 kRandomProbes of them: if fewer pass, one of
// them is drawn uniformly. Otherwise up to b = max(kSpreadProbes, 2 sqrt(n)) more probes; if
// they miss, a listing capped at b (fewer pass: one of them drawn uniformly); if that too is
// capped (at least b pass), probes until one passes. Each stage's choice, conditioned on the
// stage deciding, is uniform over the instances that pass, so the whole is, as ECS's random
// is; a draw per decision, never one per instance. Cost: O(1/p) probes while a share p of the
// instances passes (20 on a 95 %-full cluster where one in twenty fits), O(k log n) when only
// k < 32 pass, O(sqrt(n) log n) at worst. When nothing passes, the short listing finds nothing
// and the closest instance's reason is found by a scan (the one scan left on this path; on a
// cluster where some instance fits it does not run). Without the fit tree (the reference
// placers of EcsPlacerFactory(false)) a miss of the probes falls back to the full scan.
#pragma once

#include <memory>
#include <vector>

#include "placement/query_language.h"
#include "placement/strategy.h"
#include "sim/placer.h"

namespace ecsim::placement {

// How a pipeline may use the cluster's free-resource index (see above).
struct IndexedPlan {
  enum class Kind : std::uint8_t { kNone, kBinpack, kSpreadBinpack, kSpread };
  Kind kind = Kind::kNone;
  sim::ClusterState::IndexedResource resource = sim::ClusterState::IndexedResource::kMemory;
  std::uint32_t index = 0;    // ClusterState::track_free_index id
  std::uint32_t tracker = 0;  // ClusterState::track_spread id (kSpreadBinpack; kSpread when by_value)
  std::uint32_t buckets = 0;  // ClusterState::track_spread_buckets id (kSpread)
  bool by_value = false;      // kSpread: value slots in increasing order of the tracker's counts
  bool first_level_only = false;  // kSpread: only count level 0 can pass (distinctInstance)
  bool fit_tree = false;  // random only: list from the cluster's fit tree when the probes miss
  // The attribute whose value slots the index or buckets hold (kSpreadBinpack, kSpread by_value).
  sim::AttributeIdx attribute = sim::ClusterState::kNoAttribute;
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
  // Uniform draws from a spread count level before its members are listed (see above).
  static constexpr int kSpreadProbes = 16;

 private:
  // The first check instance i fails, or kNone; counts the failed checks into *failed.
  sim::FailureReason check(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                           sim::InstanceIdx i, int* failed) const;
  // Whether check() tests only free resources for this request (no ports, no constraints, no
  // required attribute or zone).
  bool resources_only(const sim::PlacementRequest& request) const;
  sim::FailureReason closest_reason(const sim::PlacementRequest& request, const sim::ClusterState& cluster) const;
  sim::PlacementDecision place_indexed(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                       sim::RandomStream& rng);
  sim::PlacementDecision place_spread(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                      sim::RandomStream& rng);
  // After the random probes missed: the instances that pass, listed from the fit tree (pipeline.h).
  sim::PlacementDecision place_random_listed(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                             sim::RandomStream& rng);
  // Probes into a set of `members` before listing it: max(kSpreadProbes, 2 sqrt(members)).
  static std::size_t probe_budget(std::size_t members);
  // A uniform draw among the members of count level `level` of the value slots
  // slots_[begin, end) that pass every check, or kNoInstance when none passes.
  sim::InstanceIdx draw_level(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                              sim::RandomStream& rng, std::size_t begin, std::size_t end, std::size_t level);

  std::vector<std::unique_ptr<Strategy>> strategies_;
  bool distinct_instance_;
  std::vector<CompiledQuery> member_of_;
  std::vector<RequiredAttribute> required_;
  std::int32_t location_;
  bool random_only_;
  IndexedPlan plan_;
  // Whether every memberOf expression reads only plan_.attribute: a value slot where they fail
  // on one member is skipped whole (its members would all fail check()).
  bool slot_filter_ = false;
  // Whether the memberOf expressions fail on instance i (REQUIRES: slot_filter_).
  bool slot_excluded(const sim::ClusterState& cluster, sim::InstanceIdx i) const;
  std::vector<std::uint8_t> excluded_;  // scratch: per value slot, skipped by slot_filter_
  std::vector<std::uint32_t> slots_;  // scratch: attribute value slots by task count
  std::vector<std::size_t> totals_;   // scratch: running bucket sizes of a spread count level
  // Scratch reused across calls: no allocation per decision once warmed up.
  std::vector<sim::InstanceIdx> candidates_;
  std::vector<std::int64_t> keys_;
};

}  // namespace ecsim::placement
