#include "placement/ecs_strategies.h"
#include "sim/invariant.h"

#include <string_view>

namespace ecsim::placement {
namespace {

class BinpackCpu final : public Strategy {
 public:
  std::string describe() const override { return "binpack(cpu)"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const std::int32_t need = ctx.request.need->cpu;
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = ctx.cluster.free_cpu[candidates[k]] - need;
  }
};

class BinpackMemory final : public Strategy {
 public:
  std::string describe() const override { return "binpack(memory)"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const std::int32_t need = ctx.request.need->memory_mib;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      keys[k] = ctx.cluster.free_memory_mib[candidates[k]] - need;
    }
  }
};

class SpreadInstance final : public Strategy {
 public:
  explicit SpreadInstance(std::string field) : field_(std::move(field)) {}
  std::string describe() const override { return "spread(" + field_ + ")"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const sim::GroupIdx g = ctx.request.group;
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = ctx.cluster.group_count(g, candidates[k]);
  }

 private:
  std::string field_;
};

class SpreadAttribute final : public Strategy {
 public:
  SpreadAttribute(std::string field, sim::AttributeIdx attribute, std::uint32_t tracker)
      : field_(std::move(field)), attribute_(attribute), tracker_(tracker) {}
  std::string describe() const override { return "spread(" + field_ + ")"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    // The counts per value are few (zones, types); read them through flat pointers.
    const std::int32_t* value_of = ctx.cluster.attribute_value_of[attribute_].data();
    const std::int32_t* counts = ctx.cluster.spread_counts(tracker_).data() + 1;  // [-1] is "missing"
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = counts[value_of[candidates[k]]];
  }

 private:
  std::string field_;
  sim::AttributeIdx attribute_;
  std::uint32_t tracker_;
};

class Random final : public Strategy {
 public:
  std::string describe() const override { return "random"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = static_cast<std::int64_t>(ctx.rng.next_u64() >> 1);
  }
};

}  // namespace

std::unique_ptr<Strategy> make_ecs_strategy(const sim::StrategySpec& spec, sim::GroupIdx group,
                                            sim::ClusterState& cluster) {
  if (spec.type == "binpack") {
    if (spec.field == "cpu") return std::make_unique<BinpackCpu>();
    return std::make_unique<BinpackMemory>();
  }
  if (spec.type == "spread") {
    if (spec.field == "instanceId" || spec.field == "host") {
      cluster.track_group_on_instances(group);
      return std::make_unique<SpreadInstance>(spec.field);
    }
    constexpr std::string_view kPrefix = "attribute:";
    ECSIM_CHECK(spec.field.rfind(kPrefix, 0) == 0, "a spread field the loader did not accept");
    const sim::AttributeIdx a = cluster.intern_attribute(std::string_view(spec.field).substr(kPrefix.size()));
    return std::make_unique<SpreadAttribute>(spec.field, a, cluster.track_spread(group, a));
  }
  ECSIM_CHECK(spec.type == "random", "a placement strategy type the loader did not accept");
  return std::make_unique<Random>();
}

}  // namespace ecsim::placement
