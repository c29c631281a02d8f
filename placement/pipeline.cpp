#include "placement/pipeline.h"
#include "sim/invariant.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <span>

namespace ecsim::placement {
namespace {

// Sorts value slots by increasing count, slot order among equals: a stable sort by count, as a
// total order (std::stable_sort would allocate its buffer on every placement).
void order_by_count(std::vector<std::uint32_t>& slots, const std::int32_t* counts) {
  std::sort(slots.begin(), slots.end(), [counts](std::uint32_t a, std::uint32_t b) {
    return counts[a] < counts[b] || (counts[a] == counts[b] && a < b);
  });
}

}  // namespace

Pipeline::Pipeline(std::vector<std::unique_ptr<Strategy>> strategies, bool distinct_instance, bool random_only,
                   IndexedPlan plan, std::vector<CompiledQuery> member_of, std::vector<RequiredAttribute> required,
                   std::int32_t location)
    : strategies_(std::move(strategies)),
      distinct_instance_(distinct_instance),
      member_of_(std::move(member_of)),
      required_(std::move(required)),
      location_(location),
      random_only_(random_only),
      plan_(plan) {
  slot_filter_ = plan_.attribute != sim::ClusterState::kNoAttribute && !member_of_.empty() &&
                 std::all_of(member_of_.begin(), member_of_.end(),
                             [&](const CompiledQuery& q) { return q.reads_only_attribute(plan_.attribute); });
}

bool Pipeline::slot_excluded(const sim::ClusterState& cluster, sim::InstanceIdx i) const {
  for (const CompiledQuery& q : member_of_) {
    if (!q.matches(cluster, i)) return true;
  }
  return false;
}

bool Pipeline::resources_only(const sim::PlacementRequest& request) const {
  return (request.tcp_ports == nullptr || request.tcp_ports->empty()) &&
         (request.udp_ports == nullptr || request.udp_ports->empty()) && !distinct_instance_ && member_of_.empty() &&
         required_.empty() && location_ == kNoLocation;
}

sim::PlacementDecision Pipeline::place_indexed(const sim::PlacementRequest& request,
                                               const sim::ClusterState& cluster, sim::RandomStream& rng) {
  const bool by_cpu = plan_.resource == sim::ClusterState::IndexedResource::kCpu;
  const std::int32_t need = by_cpu ? request.need->cpu : request.need->memory_mib;
  const std::int32_t other_need = by_cpu ? request.need->memory_mib : request.need->cpu;
  // Attribute value slots in increasing order of the group's tasks on them (slot order among
  // equals); binpack alone has the single slot 0.
  slots_.clear();
  const std::size_t nslots = cluster.free_set_count(plan_.index);
  for (std::uint32_t slot = 0; slot < nslots; ++slot) slots_.push_back(slot);
  const std::int32_t* counts = nullptr;
  if (plan_.kind == IndexedPlan::Kind::kSpreadBinpack) {
    counts = cluster.spread_counts(plan_.tracker).data();
    order_by_count(slots_, counts);
  }
  // Without ports or constraints, a member the walk reports (CPU and memory known to fit)
  // passes check() iff its GPUs, ENIs and attachments fit: the scan's inlined test, not check().
  // A task that needs none of them fits every member (free amounts are never negative), and
  // the members' lines are not read at all.
  const bool simple = resources_only(request);
  const sim::Resources& n = *request.need;
  const bool fits_all = simple && n.gpus == 0 && n.enis == 0 && n.ebs_volumes == 0;
  const auto fits_rest = [&cluster, gpus = n.gpus, enis = n.enis, ebs = n.ebs_volumes](sim::InstanceIdx i) {
    return cluster.free_gpus[i] >= gpus && cluster.free_enis[i] >= enis &&
           cluster.free_attachments[i] >= ebs + cluster.eni_attachments[i] * enis;
  };
  candidates_.clear();
  for (std::size_t level = 0; level < slots_.size();) {
    // One level: the slots sharing the lowest task count not yet tried.
    std::size_t end = level + 1;
    while (counts != nullptr && end < slots_.size() && counts[slots_[end]] == counts[slots_[level]]) ++end;
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (std::size_t k = level; k < end; ++k) {
      if (slot_filter_) {
        const sim::InstanceIdx any = cluster.free_set_any(plan_.index, slots_[k]);
        if (any == sim::kNoInstance || slot_excluded(cluster, any)) continue;
      }
      // The walk skips the instances short of the other resource (they would fail check()).
      cluster.visit_free(plan_.index, slots_[k], need, other_need, [&](sim::InstanceIdx i, std::int32_t free) {
        const std::int64_t key = static_cast<std::int64_t>(free) - need;
        if (key > best) return false;  // keys only grow from here
        if (!fits_all && (simple ? !fits_rest(i) : check(request, cluster, i, nullptr) != sim::FailureReason::kNone)) {
          return true;
        }
        if (key < best) {
          best = key;
          candidates_.clear();
        }
        candidates_.push_back(i);
        return true;
      });
    }
    if (!candidates_.empty()) {
      // The index gives the members of one free amount in no particular order: the draw is
      // over the scan's order (InstanceIdx), so the pick-th smallest is the scan's choice.
      const std::size_t pick = candidates_.size() == 1 ? 0 : rng.uniform_index(candidates_.size());
      const auto at = candidates_.begin() + static_cast<std::ptrdiff_t>(pick);
      std::nth_element(candidates_.begin(), at, candidates_.end());
      return {*at, sim::FailureReason::kNone};
    }
    level = end;
  }
  return {sim::kNoInstance, closest_reason(request, cluster)};
}

std::size_t Pipeline::probe_budget(std::size_t members) {
  // 2 sqrt(members), at least the fixed budget: listing after the probes miss costs O(members),
  // and the probes all miss with probability (1 - p)^budget when a share p of members passes.
  // The integer square root, bit by bit.
  std::size_t root = 0;
  for (std::size_t bit = std::size_t{1} << ((std::bit_width(members) + 1) / 2); bit != 0; bit >>= 1) {
    if ((root + bit) * (root + bit) <= members) root += bit;
  }
  return std::max<std::size_t>(static_cast<std::size_t>(kSpreadProbes), 2 * root);
}

sim::PlacementDecision Pipeline::place_random_listed(const sim::PlacementRequest& request,
                                                     const sim::ClusterState& cluster, sim::RandomStream& rng) {
  // The first probes missed: few instances pass, or none. Stages, each uniform over the
  // instances that pass when it decides (pipeline.h): a short listing from the fit tree, more
  // probes, a longer listing, then probes until one passes.
  const sim::RankedInstanceList& all = cluster.schedulable_list;
  const auto probe = [&](std::size_t probes) {
    for (std::size_t k = 0; k < probes; ++k) {
      const sim::InstanceIdx i = all[rng.uniform_index(all.size())];
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) return i;
    }
    return sim::kNoInstance;
  };
  // Lists the instances that pass, in InstanceIdx order, stopping at `cap` of them.
  const auto list = [&](std::size_t cap) {
    candidates_.clear();
    cluster.for_each_fitting(request.need->cpu, request.need->memory_mib, [&](sim::InstanceIdx i) {
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) candidates_.push_back(i);
      return candidates_.size() < cap;
    });
    return candidates_.size() < cap;
  };
  const auto draw = [&] {
    const std::size_t pick = candidates_.size() == 1 ? 0 : rng.uniform_index(candidates_.size());
    return sim::PlacementDecision{candidates_[pick], sim::FailureReason::kNone};
  };
  if (list(2 * static_cast<std::size_t>(kRandomProbes))) {
    if (candidates_.empty()) return {sim::kNoInstance, closest_reason(request, cluster)};
    return draw();
  }
  const std::size_t budget = probe_budget(all.size());
  if (const sim::InstanceIdx i = probe(budget); i != sim::kNoInstance) return {i, sim::FailureReason::kNone};
  if (list(budget)) return draw();
  // At least `budget` pass: about all.size() / budget probes expected.
  for (;;) {
    if (const sim::InstanceIdx i = probe(budget); i != sim::kNoInstance) return {i, sim::FailureReason::kNone};
  }
}

sim::PlacementDecision Pipeline::place_spread(const sim::PlacementRequest& request,
                                              const sim::ClusterState& cluster, sim::RandomStream& rng) {
  // Shape: value levels (slots tied at the lowest group count first), then inside each its count
  // levels from 0 upwards; the first count level with a passing member decides (pipeline.h).
  const std::uint32_t id = plan_.buckets;
  slots_.clear();
  const std::size_t nslots = cluster.bucket_slot_count(id);
  for (std::uint32_t slot = 0; slot < nslots; ++slot) slots_.push_back(slot);
  const std::int32_t* counts = nullptr;
  if (plan_.by_value) {
    ECSIM_CHECK(cluster.spread_counts(plan_.tracker).size() == nslots, "spread counts for another number of values");
    counts = cluster.spread_counts(plan_.tracker).data();
    order_by_count(slots_, counts);
  }
  if (slot_filter_) {
    // A slot is skipped when the expressions fail on one of its members (any level).
    excluded_.assign(nslots, 0);
    for (std::uint32_t slot = 0; slot < nslots; ++slot) {
      for (std::size_t level = 0; level < cluster.bucket_level_count(id, slot); ++level) {
        const auto members = cluster.bucket(id, slot, level);
        if (members.empty()) continue;
        excluded_[slot] = slot_excluded(cluster, members[0]) ? 1 : 0;
        break;
      }
    }
  }
  for (std::size_t begin = 0; begin < slots_.size();) {
    std::size_t end = begin + 1;
    while (counts != nullptr && end < slots_.size() && counts[slots_[end]] == counts[slots_[begin]]) ++end;
    std::size_t levels = 0;
    for (std::size_t k = begin; k < end; ++k) levels = std::max(levels, cluster.bucket_level_count(id, slots_[k]));
    if (plan_.first_level_only) levels = std::min<std::size_t>(levels, 1);
    for (std::size_t level = 0; level < levels; ++level) {
      const sim::InstanceIdx i = draw_level(request, cluster, rng, begin, end, level);
      if (i != sim::kNoInstance) return {i, sim::FailureReason::kNone};
    }
    begin = end;
  }
  return {sim::kNoInstance, closest_reason(request, cluster)};
}

sim::InstanceIdx Pipeline::draw_level(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                      sim::RandomStream& rng, std::size_t begin, std::size_t end, std::size_t level) {
  const std::uint32_t id = plan_.buckets;
  const auto bucket = [&](std::size_t k) {
    const std::uint32_t slot = slots_[begin + k];
    if (slot_filter_ && excluded_[slot] != 0) return std::span<const sim::InstanceIdx>();
    return level < cluster.bucket_level_count(id, slot) ? cluster.bucket(id, slot, level)
                                                         : std::span<const sim::InstanceIdx>();
  };
  // The union of the slots' buckets, as running totals: a uniform index into the union maps to
  // one bucket by binary search.
  totals_.clear();
  std::size_t total = 0;
  for (std::size_t k = 0; k < end - begin; ++k) {
    total += bucket(k).size();
    totals_.push_back(total);
  }
  if (total == 0) return sim::kNoInstance;
  // Rejection sampling: conditioned on passing, a probe is uniform over the passing members. A
  // level no larger than the probe budget is listed straight away.
  if (total > static_cast<std::size_t>(kSpreadProbes)) {
    // kSpreadProbes first; the rest of the budget only when they all miss.
    std::size_t probes = static_cast<std::size_t>(kSpreadProbes);
    for (std::size_t probe = 0; probe < probes; ++probe) {
      const std::size_t r = rng.uniform_index(total);
      const auto k = static_cast<std::size_t>(std::upper_bound(totals_.begin(), totals_.end(), r) - totals_.begin());
      const sim::InstanceIdx i = bucket(k)[r - (k == 0 ? 0 : totals_[k - 1])];
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) return i;
      if (probe + 1 == probes && probes == static_cast<std::size_t>(kSpreadProbes)) {
        const std::size_t budget = probe_budget(total);
        if (total > budget) probes = budget;
      }
    }
  }
  candidates_.clear();
  for (std::size_t k = 0; k < end - begin; ++k) {
    for (const sim::InstanceIdx i : bucket(k)) {
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) candidates_.push_back(i);
    }
  }
  if (candidates_.empty()) return sim::kNoInstance;
  return candidates_[candidates_.size() == 1 ? 0 : rng.uniform_index(candidates_.size())];
}

sim::FailureReason Pipeline::check(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                   sim::InstanceIdx i, int* failed) const {
  sim::FailureReason first = sim::FailureReason::kNone;
  int count = 0;
  const auto fail = [&](sim::FailureReason r) {
    if (first == sim::FailureReason::kNone) first = r;
    ++count;
  };
  if (const std::uint32_t misses = sim::resource_misses(request, cluster, i); misses != 0) {
    first = static_cast<sim::FailureReason>(std::countr_zero(misses));
    count = std::popcount(misses);
  }
  for (const RequiredAttribute& r : required_) {
    const std::int32_t v = cluster.attribute_value(r.attribute, i);
    if (v == sim::kMissingValue || (r.value != kAnyValue && v != r.value)) {
      fail(sim::FailureReason::kAttribute);
      break;
    }
  }
  if (location_ != kNoLocation && cluster.attribute_value(sim::kAttrAvailabilityZone, i) != location_) {
    fail(sim::FailureReason::kLocation);
  }
  if (distinct_instance_ && cluster.group_count(request.group, i) > 0) fail(sim::FailureReason::kDistinctInstance);
  // Each false expression counts as one failed check, for the closest instance; a caller that
  // does not count (failed == nullptr) needs only the first reason.
  if (failed == nullptr && first != sim::FailureReason::kNone) return first;
  for (const CompiledQuery& q : member_of_) {
    if (!q.matches(cluster, i)) fail(sim::FailureReason::kMemberOf);
  }
  if (failed != nullptr) *failed = count;
  return first;
}

bool Pipeline::admits(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                      sim::InstanceIdx i) const {
  return cluster.schedulable[i] != 0 && check(request, cluster, i, nullptr) == sim::FailureReason::kNone;
}

void Pipeline::explain(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                       sim::RandomStream rng, sim::PlacementExplanation& out) {
  using Path = sim::PlacementExplanation::Path;
  out.path = plan_.kind != IndexedPlan::Kind::kNone ? Path::kIndexed : random_only_ ? Path::kRandomProbe : Path::kScan;
  out.strategies.clear();
  for (const auto& strategy : strategies_) out.strategies.push_back(strategy->describe());
  const std::span<const sim::InstanceIdx> members = cluster.schedulable_list.span();
  out.considered.assign(members.begin(), members.end());
  out.first_failure.clear();
  out.failed_checks.clear();
  out.passed.clear();
  for (const sim::InstanceIdx i : out.considered) {
    int failed = 0;
    const sim::FailureReason r = check(request, cluster, i, &failed);
    out.first_failure.push_back(r);
    out.failed_checks.push_back(failed);
    if (r == sim::FailureReason::kNone) out.passed.push_back(i);
  }
  // The strategies narrow the set exactly as place()'s scan does, drawing from the copy.
  const std::size_t width = strategies_.size();
  out.keys.assign(out.passed.size() * width, sim::PlacementExplanation::kNoKey);
  std::vector<std::size_t> alive(out.passed.size());
  for (std::size_t k = 0; k < alive.size(); ++k) alive[k] = k;
  std::vector<sim::InstanceIdx> candidates;
  std::vector<std::int64_t> keys;
  const ScoreContext ctx{cluster, request, rng};
  for (std::size_t s = 0; s < width && alive.size() > 1; ++s) {
    candidates.clear();
    for (const std::size_t k : alive) candidates.push_back(out.passed[k]);
    keys.assign(candidates.size(), 0);
    strategies_[s]->score(ctx, candidates, keys);
    const std::int64_t best = *std::min_element(keys.begin(), keys.end());
    std::size_t kept = 0;
    for (std::size_t c = 0; c < alive.size(); ++c) {
      out.keys[alive[c] * width + s] = keys[c];
      if (keys[c] == best) alive[kept++] = alive[c];
    }
    alive.resize(kept);
  }
  out.tied = alive.size();
}

// No candidate at all: AGENT when an instance is there but its agent is disconnected, else
// MISSING. Out of line, so that place()'s scan is compiled as if it were not there.
[[gnu::cold, gnu::noinline]] static sim::FailureReason no_candidate_reason(const sim::ClusterState& cluster) {
  return cluster.agents_disconnected.empty() ? sim::FailureReason::kMissing : sim::FailureReason::kAgent;
}

sim::FailureReason Pipeline::closest_reason(const sim::PlacementRequest& request,
                                            const sim::ClusterState& cluster) const {
  sim::FailureReason best = sim::FailureReason::kMissing;
  int best_failed = std::numeric_limits<int>::max();
  for (const sim::InstanceIdx i : cluster.schedulable_list) {
    int failed = 0;
    const sim::FailureReason r = check(request, cluster, i, &failed);
    if (failed < best_failed) {
      best_failed = failed;
      best = r;
    }
  }
  // An instance whose agent is disconnected fails AGENT first, then whatever else it fails.
  for (const sim::InstanceIdx i : cluster.agents_disconnected) {
    int failed = 0;
    check(request, cluster, i, &failed);
    if (failed + 1 < best_failed) {
      best_failed = failed + 1;
      best = sim::FailureReason::kAgent;
    }
  }
  return best;
}

sim::PlacementDecision Pipeline::place(const sim::PlacementRequest& request, const sim::ClusterState& cluster,
                                       sim::RandomStream& rng) {
  const sim::RankedInstanceList& all = cluster.schedulable_list;
  if (all.empty()) [[unlikely]] return {sim::kNoInstance, no_candidate_reason(cluster)};

  if (plan_.kind == IndexedPlan::Kind::kSpread) return place_spread(request, cluster, rng);
  if (plan_.kind != IndexedPlan::Kind::kNone) return place_indexed(request, cluster, rng);

  if (random_only_) {
    for (int probe = 0; probe < kRandomProbes; ++probe) {
      const sim::InstanceIdx i = all[rng.uniform_index(all.size())];
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) return {i, sim::FailureReason::kNone};
    }
    if (plan_.fit_tree) return place_random_listed(request, cluster, rng);
  }

  // Filter. The resource checks are inlined here for the common case (no ports) so the loop
  // stays a tight scan over the struct-of-arrays.
  const sim::Resources& need = *request.need;
  const bool simple = resources_only(request);
  candidates_.clear();
  if (simple) {
    // Branch-free compaction: about half the instances pass on a busy cluster, in no pattern a
    // branch predictor could learn, so every candidate is written and the cursor advanced by
    // the test's result.
    const std::int32_t* free_cpu = cluster.free_cpu.data();
    const std::int32_t* free_mem = cluster.free_memory_mib.data();
    const std::int32_t* free_gpu = cluster.free_gpus.data();
    const std::int32_t* free_eni = cluster.free_enis.data();
    const std::int32_t* free_att = cluster.free_attachments.data();
    const std::uint8_t* eni_att = cluster.eni_attachments.data();
    // The needs are copied to locals: read through the pointer, they would be reloaded after
    // every store to `out` (the compiler cannot rule out aliasing).
    const std::int32_t cpu = need.cpu, memory = need.memory_mib, gpus = need.gpus, enis = need.enis,
                       ebs = need.ebs_volumes;
    const std::span<const sim::InstanceIdx> members = all.span();
    candidates_.resize(members.size());
    sim::InstanceIdx* out = candidates_.data();
    std::size_t kept = 0;
    for (const sim::InstanceIdx i : members) {
      out[kept] = i;
      const bool fits = (free_cpu[i] >= cpu) & (free_mem[i] >= memory) & (free_gpu[i] >= gpus) & (free_eni[i] >= enis) &
                        (free_att[i] >= ebs + eni_att[i] * enis);
      kept += static_cast<std::size_t>(fits);
    }
    candidates_.resize(kept);
  } else {
    for (const sim::InstanceIdx i : all.span()) {
      if (check(request, cluster, i, nullptr) == sim::FailureReason::kNone) candidates_.push_back(i);
    }
  }
  if (candidates_.empty()) return {sim::kNoInstance, closest_reason(request, cluster)};

  // Strategies, in list order, each narrowing the set to its best key.
  const ScoreContext ctx{cluster, request, rng};
  for (const auto& strategy : strategies_) {
    if (candidates_.size() == 1) break;
    keys_.resize(candidates_.size());
    strategy->score(ctx, candidates_, keys_);
    // One pass: keep the candidates holding the lowest key seen so far, restarting the kept
    // prefix whenever a lower key appears.
    std::int64_t best = keys_[0];
    std::size_t kept = 0;
    sim::InstanceIdx* c = candidates_.data();
    const std::int64_t* key = keys_.data();
    const std::size_t n = candidates_.size();
    for (std::size_t k = 0; k < n; ++k) {
      if (key[k] < best) {
        best = key[k];
        kept = 0;
      }
      c[kept] = c[k];
      kept += static_cast<std::size_t>(key[k] == best);
    }
    candidates_.resize(kept);
  }

  // Final tie: uniform over the survivors, which are in InstanceIdx order.
  const std::size_t pick = candidates_.size() == 1 ? 0 : rng.uniform_index(candidates_.size());
  return {candidates_[pick], sim::FailureReason::kNone};
}

}  // namespace ecsim::placement
