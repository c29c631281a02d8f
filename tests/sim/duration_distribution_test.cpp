#include "sim/duration_distribution.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/random.h"
#include "sim/task_stats.h"

namespace ecsim::sim {
namespace {

// What sorting every value gives: the reference the distribution must match (exactly up to
// kExactLimit values, within 1/2048 beyond).
SimTime sorted_percentile(std::vector<SimTime> v, int per_mille) {
  std::sort(v.begin(), v.end());
  return v[nearest_rank_index(v.size(), per_mille)];
}

std::vector<SimTime> spread_values(std::size_t n, std::uint64_t seed) {
  RandomStream rng(seed, "durations");
  std::vector<SimTime> v(n);
  // From microseconds to days: every bucket level is exercised.
  for (SimTime& x : v) x = static_cast<SimTime>(rng.next_u64() >> (20 + rng.next_u64() % 40));
  return v;
}

TEST_CASE("duration distribution: exact nearest-rank figures up to its exact limit, in any order") {
  std::vector<SimTime> v = spread_values(DurationDistribution::kExactLimit, 7);
  DurationDistribution d, reversed;
  for (const SimTime x : v) d.add(x);
  for (auto it = v.rbegin(); it != v.rend(); ++it) reversed.add(*it);
  REQUIRE(d.exact());
  DurationSum total = 0;
  for (const SimTime x : v) total += x;
  CHECK(d.count() == static_cast<std::int64_t>(v.size()));
  CHECK(d.total() == total);
  CHECK(d.max() == *std::max_element(v.begin(), v.end()));
  for (const int p : {0, 1, 500, 900, 990, 999, 1000}) {
    CHECK(d.percentile(p) == sorted_percentile(v, p));
    CHECK(reversed.percentile(p) == d.percentile(p));
  }
}

TEST_CASE("duration distribution: beyond its exact limit every percentile is within 1/2048 of the exact one") {
  const std::vector<SimTime> v = spread_values(3 * DurationDistribution::kExactLimit + 17, 11);
  DurationDistribution d;
  for (const SimTime x : v) d.add(x);
  REQUIRE_FALSE(d.exact());
  DurationSum total = 0;
  for (const SimTime x : v) total += x;
  CHECK(d.count() == static_cast<std::int64_t>(v.size()));
  CHECK(d.total() == total);  // count, total and max stay exact
  CHECK(d.max() == *std::max_element(v.begin(), v.end()));
  std::vector<SimTime> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int p = 0; p <= 1000; p += 7) {
    const SimTime want = sorted[nearest_rank_index(sorted.size(), p)];
    const SimTime got = d.percentile(p);
    INFO("p" << p << " exact " << want << " sketch " << got);
    if (want < (SimTime{1} << DurationDistribution::kBits)) {
      CHECK(got == want);  // small values keep a bucket each
    } else {
      CHECK(std::abs(static_cast<double>(got - want)) <= static_cast<double>(want) / 2048.0);
    }
    CHECK(got <= d.max());
  }
}

TEST_CASE("duration distribution: the CDF steps count every value once, increasing, ending at the count") {
  for (const std::size_t n : {std::size_t{1000}, DurationDistribution::kExactLimit * 2}) {
    const std::vector<SimTime> v = spread_values(n, 3);
    DurationDistribution d;
    for (const SimTime x : v) d.add(x);
    SimTime last_value = -1;
    std::int64_t last_count = 0;
    d.for_each_step([&](SimTime value, std::int64_t at_most) {
      CHECK(value > last_value);
      CHECK(at_most > last_count);
      last_value = value;
      last_count = at_most;
    });
    CHECK(last_count == static_cast<std::int64_t>(n));
    if (d.exact()) {
      // Exact: each step is a distinct value and how many values are at most it.
      const std::vector<SimTime> sorted = [&] {
        std::vector<SimTime> s = v;
        std::sort(s.begin(), s.end());
        return s;
      }();
      d.for_each_step([&](SimTime value, std::int64_t at_most) {
        CHECK(std::upper_bound(sorted.begin(), sorted.end(), value) - sorted.begin() == at_most);
      });
    }
  }
}

TEST_CASE("duration distribution: copies and moves of a sketch count on their own") {
  DurationDistribution d;
  for (std::size_t k = 0; k <= DurationDistribution::kExactLimit; ++k) d.add(static_cast<SimTime>(k % 1000));
  REQUIRE_FALSE(d.exact());
  DurationDistribution copy = d;
  copy.add(5);  // short values go to the first level's buckets, which each copy has of its own
  CHECK(copy.count() == d.count() + 1);
  CHECK(copy.percentile(1000) == d.percentile(1000));
  DurationDistribution assigned;
  assigned = d;
  d.add(7);
  d.add(7);
  CHECK(assigned.count() + 2 == d.count());
  DurationDistribution moved = std::move(d);
  moved.add(9);
  CHECK(moved.count() == assigned.count() + 3);
  CHECK(d.count() == 0);  // NOLINT(bugprone-use-after-move): left empty, and usable
  d.add(3);
  CHECK(d.exact());
  CHECK(d.count() == 1);
  CHECK(d.percentile(500) == 3);
  // The copies' steps add up to their own counts.
  for (const DurationDistribution* x : {&copy, &assigned, &moved}) {
    std::int64_t last = 0;
    x->for_each_step([&](SimTime, std::int64_t at_most) { last = at_most; });
    CHECK(last == x->count());
  }
}

TEST_CASE("task stats: the figures of a run do not depend on the order tasks finish in") {
  TaskRecords t;
  RandomStream rng(5, "records");
  const SimTime duration = 1000 * kSecond;
  for (std::uint32_t k = 0; k < 500; ++k) {
    const SimTime submitted = static_cast<SimTime>(rng.next_u64() % 900) * kSecond;
    const std::uint64_t kind = rng.next_u64() % 4;  // placed and stopped, placed and running, rejected, waiting
    const bool placed = kind <= 1;
    t.source.push_back(k % 3);
    t.family.push_back(0);
    t.revision.push_back(1);
    t.group.push_back(k % 2);
    t.instance.push_back(placed ? k % 7 : kNoInstance);
    t.submitted_at.push_back(submitted);
    t.placed_at.push_back(placed ? submitted + static_cast<SimTime>(rng.next_u64() % 50) * kSecond : kNever);
    t.started_at.push_back(placed ? t.placed_at.back() + kSecond : kNever);
    t.stopped_at.push_back(kind == 0 ? t.started_at.back() + 30 * kSecond : kNever);
    t.stop_code.push_back(kind == 0 ? StopCode::kEssentialContainerExited : StopCode::kNone);
    t.stop_reason.push_back(StopReason::kNone);
    t.failure_reason.push_back(FailureReason::kNone);
    t.rejected.push_back(kind == 2 ? 1 : 0);
    t.cpu.push_back(256);
    t.memory_mib.push_back(512);
  }
  TaskStats forward(duration), backward(duration);
  forward.add_all(t);
  for (std::size_t k = t.size(); k-- > 0;) backward.add(task_record(t, k));
  CHECK(forward.submitted == 500);
  CHECK(forward.placed + forward.failed_to_place + forward.pending_at_end == 500);
  CHECK(backward.placed == forward.placed);
  CHECK(backward.completed == forward.completed);
  CHECK(backward.wait.total() == forward.wait.total());
  CHECK(backward.task_running_us == forward.task_running_us);
  for (const int p : {500, 900, 990}) CHECK(backward.wait.percentile(p) == forward.wait.percentile(p));
  // The held sums, flat (sources known) or per instance, give the same figures in any order.
  TaskStats unknown_sources(duration);
  for (std::size_t k = 0; k < t.size(); ++k) unknown_sources.add(task_record(t, (k * 7) % t.size()));
  TaskStats flat(duration, 3);
  flat.add_all(t);
  using Held = std::vector<std::tuple<std::size_t, std::uint32_t, DurationSum, DurationSum>>;
  const auto held_of = [](const TaskStats& s) {
    Held out;
    s.for_each_held([&](std::size_t i, const HeldOnInstance& h) { out.emplace_back(i, h.source, h.cpu_us, h.memory_us); });
    std::sort(out.begin(), out.end());
    return out;
  };
  const Held want = held_of(forward);
  CHECK_FALSE(want.empty());
  CHECK(held_of(backward) == want);
  CHECK(held_of(unknown_sources) == want);
  CHECK(held_of(flat) == want);
  for (std::size_t s = 0; s < 3; ++s) CHECK(backward.by_source[s].wait.percentile(990) == forward.by_source[s].wait.percentile(990));
}

TEST_CASE("task stats: held sums past 2^64 unit-microseconds are exact in the flat table") {
  // A century-long run of a large instance: each task's product passes 2^64 on its own, and their
  // sum carries into the high word again and again.
  const SimTime duration = 100 * 365 * 24 * kHour;
  TaskStats flat(duration, 2), per_instance(duration);
  DurationSum want_cpu = 0, want_memory = 0;
  RandomStream rng(9, "big");
  for (std::uint32_t k = 0; k < 200; ++k) {
    TaskRecord r;
    r.number = k;
    r.source = k % 2;
    r.instance = 3;
    r.submitted_at = 0;
    r.placed_at = static_cast<SimTime>(rng.next_u64() % 1000) * kSecond;
    r.started_at = r.placed_at;
    r.cpu = 2000000000 - static_cast<std::int32_t>(rng.next_u64() % 1000);
    r.memory_mib = 1 << 30;
    flat.add(r);
    per_instance.add(r);
    if (r.source == 1) {
      want_cpu += DurationSum{duration - r.placed_at} * r.cpu;
      want_memory += DurationSum{duration - r.placed_at} * r.memory_mib;
    }
  }
  const auto held_of = [](const TaskStats& s) {
    std::vector<std::tuple<std::size_t, std::uint32_t, DurationSum, DurationSum>> out;
    s.for_each_held([&](std::size_t i, const HeldOnInstance& h) { out.emplace_back(i, h.source, h.cpu_us, h.memory_us); });
    return out;
  };
  const auto got = held_of(flat);
  REQUIRE(got.size() == 2);
  CHECK(std::get<0>(got[1]) == 3);
  CHECK(std::get<1>(got[1]) == 1);
  CHECK(std::get<2>(got[1]) == want_cpu);
  CHECK(std::get<3>(got[1]) == want_memory);
  CHECK(want_cpu > (DurationSum{1} << 70));
  auto other = held_of(per_instance);
  std::sort(other.begin(), other.end());
  CHECK(other == got);
}

}  // namespace
}  // namespace ecsim::sim
