// Strategy: the batch scoring interface every placement strategy implements, built-in, research
// or plugin.
//
// The pipeline (placement/pipeline.h) filters the schedulable instances by resources and
// constraints, then asks each strategy of the list, in order, for one int64 key per remaining
// candidate. Lower keys are better; the candidates holding the lowest key survive to the next
// strategy (lexicographic order, as ECS applies a strategy list). Ties left at the end are broken
// by a uniform draw from the run's placement stream.
//
// REQUIRES of an implementation: score() writes keys[k] for every k, reads only `ctx` and its
// own state, and draws random numbers only from ctx.rng. The same inputs give the same keys, and
// score() changes nothing that a later call reads (`--explain` scores on the side of the run).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/cluster_state.h"
#include "sim/placer.h"
#include "sim/random.h"

namespace ecsim::placement {

struct ScoreContext {
  const sim::ClusterState& cluster;
  const sim::PlacementRequest& request;
  sim::RandomStream& rng;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // "binpack(memory)", for explanations and labels.
  virtual std::string describe() const = 0;
  virtual void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
                     std::span<std::int64_t> keys) = 0;
};

}  // namespace ecsim::placement
