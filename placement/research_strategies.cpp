#include "placement/research_strategies.h"

#include <algorithm>
#include <limits>

namespace ecsim::placement {
namespace {

// floor(x * kShareScale / registered), 0 when nothing is registered. REQUIRES: 0 <= x < 2^31:
// the product stays below 2^51, far from overflow.
inline std::int64_t share(std::int64_t x, std::int64_t registered) {
  return registered > 0 ? x * kShareScale / registered : 0;
}

// The cluster's amounts through flat pointers: the loops below index them by InstanceIdx
// without going through the vectors.
struct Amounts {
  explicit Amounts(const sim::ClusterState& c)
      : free_cpu(c.free_cpu.data()),
        free_memory(c.free_memory_mib.data()),
        registered_cpu(c.registered_cpu.data()),
        registered_memory(c.registered_memory_mib.data()) {}
  const std::int32_t* free_cpu;
  const std::int32_t* free_memory;
  const std::int32_t* registered_cpu;
  const std::int32_t* registered_memory;

  // The larger of the cpu and memory shares instance i would have left after taking the need.
  std::int64_t dominant_share_after(sim::InstanceIdx i, std::int32_t cpu, std::int32_t memory) const {
    return std::max(share(free_cpu[i] - cpu, registered_cpu[i]), share(free_memory[i] - memory, registered_memory[i]));
  }
};

// First fit. D. S. Johnson, A. Demers, J. D. Ullman, M. R. Garey, R. L. Graham, "Worst-case
// performance bounds for simple one-dimensional packing algorithms", SIAM Journal on Computing
// 3(4), 1974 (and Johnson's MIT thesis "Near-optimal bin packing algorithms", 1973): put the item
// in the lowest-indexed bin it fits in. Bins are instances in InstanceIdx (creation) order.
//
// Key = the candidate's InstanceIdx. Keys are distinct, so no tie is left: the strategy ends the
// list and the pipeline's tie draw never runs. Cost: one store per candidate.
class FirstFit final : public Strategy {
 public:
  std::string describe() const override { return "firstFit"; }
  void score(const ScoreContext&, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = candidates[k];
  }
};

// Best fit by dominant share. The dominant share is from A. Ghodsi, M. Zaharia, B. Hindman,
// A. Konwinski, S. Shenker, I. Stoica, "Dominant Resource Fairness: Fair Allocation of Multiple
// Resource Types", NSDI 2011: the largest of a vector's per-resource shares of capacity. DRF
// applies it to users' allocations; here it measures what an instance would have left, and best
// fit (Johnson 1974, below) keeps the instance left fullest by that measure.
//
// Key = max(share(free_cpu − need_cpu, registered_cpu), share(free_memory − need_memory,
// registered_memory)), each share floor(x · 2^20 / registered) (research_strategies.h), in
// [0, 2^20]. Rounding down can make two shares closer than 2^-20 equal: such instances tie.
// Ties (equal keys, e.g. identical instances in the same state) go on to the next strategy or
// the seeded draw. Cost: two integer divisions per candidate.
class BestFitDrf final : public Strategy {
 public:
  std::string describe() const override { return "bestFitDrf"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const Amounts a(ctx.cluster);
    const std::int32_t cpu = ctx.request.need->cpu, memory = ctx.request.need->memory_mib;
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = a.dominant_share_after(candidates[k], cpu, memory);
  }
};

// Worst fit. D. S. Johnson, "Fast algorithms for bin packing", Journal of Computer and System
// Sciences 8(3), 1974: put the item in the open bin with the most room left, which spreads load.
// Room is measured as in bestFitDrf: the dominant share left after placing.
//
// Key = −max(share(free_cpu − need_cpu, registered_cpu), share(free_memory − need_memory,
// registered_memory)), the negated bestFitDrf key, in [−2^20, 0]; same rounding. Ties go on to
// the next strategy or the seeded draw. Cost: two integer divisions per candidate.
class WorstFit final : public Strategy {
 public:
  std::string describe() const override { return "worstFit"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const Amounts a(ctx.cluster);
    const std::int32_t cpu = ctx.request.need->cpu, memory = ctx.request.need->memory_mib;
    for (std::size_t k = 0; k < candidates.size(); ++k) keys[k] = -a.dominant_share_after(candidates[k], cpu, memory);
  }
};

// Tetris alignment. R. Grandl, G. Ananthanarayanan, S. Kandula, S. Rao, A. Akella, "Multi-Resource
// Packing for Cluster Schedulers", SIGCOMM 2014: score a (task, machine) pair by the dot product
// of the task's demand vector and the machine's available-resource vector, both normalised by
// the machine's capacity, and prefer the largest. Only the packing score is modelled (not the
// paper's remaining-work term or fairness knob).
//
// Score = share(need_cpu, registered_cpu) · share(free_cpu, registered_cpu)
//       + share(need_memory, registered_memory) · share(free_memory, registered_memory),
// with free amounts before placing, each share floor(x · 2^20 / registered): at most 2 · 2^40.
// Key = −score. Ties go on to the next strategy or the seeded draw (a task needing nothing scores
// 0 everywhere). Cost: four integer divisions per candidate.
class Tetris final : public Strategy {
 public:
  std::string describe() const override { return "tetris"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const Amounts a(ctx.cluster);
    const std::int32_t cpu = ctx.request.need->cpu, memory = ctx.request.need->memory_mib;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const sim::InstanceIdx i = candidates[k];
      const std::int64_t rc = a.registered_cpu[i], rm = a.registered_memory[i];
      keys[k] = -(share(cpu, rc) * share(a.free_cpu[i], rc) + share(memory, rm) * share(a.free_memory[i], rm));
    }
  }
};

// Power of two choices. M. Mitzenmacher, "The Power of Two Choices in Randomized Load
// Balancing", IEEE Transactions on Parallel and Distributed Systems 12(10), 2001: draw two bins
// uniformly at random and put the ball in the less loaded one.
//
// With n >= 2 candidates, two distinct positions are drawn from ctx.rng, the run's placement
// stream: a = uniform_index(n), then b = uniform_index(n − 1), moved up by one when b >= a (a
// uniform pair without replacement). Their key is the load before placing, the dominant reserved
// share max(share(registered_cpu − free_cpu, registered_cpu), share(registered_memory −
// free_memory, registered_memory)) in [0, 2^20]; every other candidate gets INT64_MAX. Equal
// loads tie and go on to the next strategy or the seeded draw. A lone candidate gets 0 and
// costs no draw (and the pipeline does not score a lone candidate at all). Cost: one store per
// candidate, two draws, four integer divisions.
class PowerOfTwoChoices final : public Strategy {
 public:
  std::string describe() const override { return "powerOfTwoChoices"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const std::size_t n = candidates.size();
    if (n == 0) return;
    if (n == 1) {
      keys[0] = 0;
      return;
    }
    std::fill(keys.begin(), keys.end(), std::numeric_limits<std::int64_t>::max());
    const std::size_t a = static_cast<std::size_t>(ctx.rng.uniform_index(n));
    std::size_t b = static_cast<std::size_t>(ctx.rng.uniform_index(n - 1));
    if (b >= a) ++b;
    const Amounts amounts(ctx.cluster);
    const auto load = [&amounts](sim::InstanceIdx i) {
      const std::int32_t rc = amounts.registered_cpu[i], rm = amounts.registered_memory[i];
      return std::max(share(rc - amounts.free_cpu[i], rc), share(rm - amounts.free_memory[i], rm));
    };
    keys[a] = load(candidates[a]);
    keys[b] = load(candidates[b]);
  }
};

// kube-scheduler's NodeResourcesFit scores (Kubernetes documentation, "Resource Bin Packing"
// and "Scheduler Configuration", scoringStrategy LeastAllocated / MostAllocated), with the
// default weights (cpu 1, memory 1) and MaxNodeScore 100, in Kubernetes's own integer arithmetic:
// per resource with registered R > 0, requested = R − free + need (the task's reservation, as a
// pod's request) and
//   leastAllocated: (R − requested) · 100 / R     mostAllocated: requested · 100 / R,
// rounded down; the node score is the sum over the resources with R > 0 divided (rounded down)
// by their count, 0 if none. Key = −node score, in [−100, 0]. The scale is coarse on purpose (as
// in Kubernetes): instances within a percent tie and go on to the next strategy or the seeded
// draw. Cost: two integer divisions per candidate.
template <bool kMost>
class Allocated final : public Strategy {
 public:
  std::string describe() const override { return kMost ? "mostAllocated" : "leastAllocated"; }
  void score(const ScoreContext& ctx, std::span<const sim::InstanceIdx> candidates,
             std::span<std::int64_t> keys) override {
    const Amounts a(ctx.cluster);
    const std::int32_t cpu = ctx.request.need->cpu, memory = ctx.request.need->memory_mib;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const sim::InstanceIdx i = candidates[k];
      std::int64_t sum = 0, count = 0;
      resource(a.registered_cpu[i], a.free_cpu[i], cpu, sum, count);
      resource(a.registered_memory[i], a.free_memory[i], memory, sum, count);
      keys[k] = count == 0 ? 0 : -(sum / count);
    }
  }

 private:
  static constexpr std::int64_t kMaxNodeScore = 100;
  static void resource(std::int64_t registered, std::int64_t free, std::int64_t need, std::int64_t& sum,
                       std::int64_t& count) {
    if (registered <= 0) return;
    const std::int64_t requested = registered - free + need;
    sum += (kMost ? requested : registered - requested) * kMaxNodeScore / registered;
    ++count;
  }
};

}  // namespace

std::unique_ptr<Strategy> make_best_fit_drf(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<BestFitDrf>();
}
std::unique_ptr<Strategy> make_first_fit(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<FirstFit>();
}
std::unique_ptr<Strategy> make_least_allocated(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<Allocated<false>>();
}
std::unique_ptr<Strategy> make_most_allocated(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<Allocated<true>>();
}
std::unique_ptr<Strategy> make_power_of_two_choices(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<PowerOfTwoChoices>();
}
std::unique_ptr<Strategy> make_tetris(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<Tetris>();
}
std::unique_ptr<Strategy> make_worst_fit(const sim::StrategySpec&, sim::GroupIdx, sim::ClusterState&) {
  return std::make_unique<WorstFit>();
}

}  // namespace ecsim::placement
