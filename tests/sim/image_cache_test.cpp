#include "sim/image_cache.h"

#include <algorithm>
#include <tuple>

#include <catch2/catch.hpp>

using namespace ecsim::sim;

namespace {

constexpr std::int64_t kMiB = 1048576;

// Runs the cache's timers in (time, scheduling order), as the engine's queue does.
class FakeHost final : public ImageHost {
 public:
  void schedule_image_timer(SimTime at, ImageTimer timer, std::uint32_t target, std::uint16_t generation) override {
    timers.push_back({at, seq++, timer, target, generation});
    if (timer == ImageTimer::kCleanup) ++cleanups_scheduled;
  }
  void images_ready(std::uint32_t task, SimTime at) override { ready.emplace_back(task, at); }

  // Fires every timer due at or before `until`.
  void run_until(ImageCache& cache, SimTime until) {
    for (;;) {
      const auto next = std::min_element(timers.begin(), timers.end(), [](const Timer& a, const Timer& b) {
        return std::tie(a.at, a.seq) < std::tie(b.at, b.seq);
      });
      if (next == timers.end() || next->at > until) return;
      const Timer t = *next;
      timers.erase(next);
      cache.on_timer(t.timer, t.target, t.generation, t.at);
    }
  }
  SimTime ready_at(std::uint32_t task) const {
    for (const auto& [t, at] : ready) {
      if (t == task) return at;
    }
    return kNever;
  }

  struct Timer {
    SimTime at;
    std::uint64_t seq;
    ImageTimer timer;
    std::uint32_t target;
    std::uint16_t generation;
  };
  std::vector<Timer> timers;
  std::vector<std::pair<std::uint32_t, SimTime>> ready;
  std::uint64_t seq = 0;
  int cleanups_scheduled = 0;
};

// Registries "hub" (index 0) and "ecr" (1) at 100 MiB/s with `latency`; layers base (200 MiB),
// a (50), b (100), c (300); images A = {base, a}, B = {base, b}, C = {c} on hub, D = {c}-sized
// one-layer image on ecr. Task definitions k run image k.
Scenario images_scenario(SimTime latency) {
  Scenario s;
  s.registries.push_back(Registry{"hub", 100 * kMiB, latency});
  s.registries.push_back(Registry{"ecr", 100 * kMiB, latency});
  s.layers = {{"base", 200}, {"a", 50}, {"b", 100}, {"c", 300}};
  s.images.push_back(Image{"A", 250, 0, {0, 1}});
  s.images.push_back(Image{"B", 300, 0, {0, 2}});
  s.images.push_back(Image{"C", 300, 0, {3}});
  s.images.push_back(Image{"D", 100, 1, {}});
  for (std::uint32_t k = 0; k < 4; ++k) {
    TaskDefinition td;
    td.images = {k};
    s.task_definitions.push_back(td);
  }
  s.cluster.agent.image_cleanup_enabled = false;
  return s;
}

}  // namespace

TEST_CASE("ImageCache: a pull is the manifest round trip then the layers at the registry bandwidth", "[sim][ecs]") {
  // Agent README, ECS_IMAGE_PULL_BEHAVIOR: `default` pulls the image on every start.
  const Scenario s = images_scenario(200 * kMillisecond);
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(2);
  REQUIRE(cache.start(0, 0, s.task_definitions[0], 0, 0).kind == ImageStart::Kind::kWaiting);
  host.run_until(cache, kHour);
  // 250 MiB at 100 MiB/s after 0.2 s.
  REQUIRE(host.ready_at(0) == 2700 * kMillisecond);
  REQUIRE(cache.cached(0, 0));
  REQUIRE_FALSE(cache.cached(1, 0));
  // Cached: `default` still asks the registry (a manifest round trip).
  const ImageStart again = cache.start(1, 0, s.task_definitions[0], 10 * kSecond, 0);
  REQUIRE(again.kind == ImageStart::Kind::kReady);
  REQUIRE(again.at == 10200 * kMillisecond);
}

TEST_CASE("ImageCache: a new image pulls only the layers the instance lacks", "[sim]") {
  const Scenario s = images_scenario(0);
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(1);
  cache.start(0, 0, s.task_definitions[0], 0, 0);  // A: base + a
  host.run_until(cache, 5 * kSecond);
  REQUIRE(host.ready_at(0) == 2500 * kMillisecond);
  // B shares base: only b (100 MiB) is downloaded.
  cache.start(1, 0, s.task_definitions[1], 10 * kSecond, 0);
  host.run_until(cache, kHour);
  REQUIRE(host.ready_at(1) == 11 * kSecond);
  REQUIRE(cache.pulls() == 2);
}

TEST_CASE("ImageCache: a layer another task is pulling is waited for, not pulled twice", "[sim]") {
  const Scenario s = images_scenario(0);
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(1);
  // 0-1 s: base and a share 100 MiB/s, 50 each: a is done at 1 s. 1-2 s: base alone, 100 MiB:
  // 50 left. At 2 s B starts: base (50 left) and b (100) share: base done at 3 s, then b alone
  // with 50 left: done at 3.5 s. Pulled twice, base would end later.
  cache.start(0, 0, s.task_definitions[0], 0, 0);
  host.run_until(cache, 2 * kSecond);
  cache.start(1, 0, s.task_definitions[1], 2 * kSecond, 0);
  host.run_until(cache, kHour);
  REQUIRE(host.ready_at(0) == 3 * kSecond);
  REQUIRE(host.ready_at(1) == 3500 * kMillisecond);
}

TEST_CASE("ImageCache: pulls from one registry share its bandwidth, pulls from two do not", "[sim]") {
  const Scenario s = images_scenario(0);
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(2);
  // Instance 0: A (base 200 + a 50) and C (c 300) from hub: three downloads at 33.3 MiB/s:
  // a ends at 1.5 s (50 MiB); then two at 50 MiB/s: base (150 left) ends at 4.5 s; c alone
  // (300 - 50 - 150 = 100 left) ends at 5.5 s = 550 MiB / 100 MiB/s.
  cache.start(0, 0, s.task_definitions[0], 0, 0);
  cache.start(1, 0, s.task_definitions[2], 0, 0);
  // Instance 1: C from hub and D (100 MiB) from ecr: no sharing.
  cache.start(2, 1, s.task_definitions[2], 0, 0);
  cache.start(3, 1, s.task_definitions[3], 0, 0);
  host.run_until(cache, kHour);
  REQUIRE(host.ready_at(0) == 4500 * kMillisecond);
  REQUIRE(host.ready_at(1) == 5500 * kMillisecond);
  REQUIRE(host.ready_at(2) == 3 * kSecond);
  REQUIRE(host.ready_at(3) == 1 * kSecond);
}

TEST_CASE("ImageCache: once and prefer-cached start a cached image without the registry", "[sim][ecs]") {
  // Agent README, ECS_IMAGE_PULL_BEHAVIOR: `once` pulls only if never pulled or removed by
  // cleanup; `prefer-cached` only if there is no cached image.
  for (const ImagePullBehavior b : {ImagePullBehavior::kOnce, ImagePullBehavior::kPreferCached}) {
    Scenario s = images_scenario(200 * kMillisecond);
    s.cluster.agent.image_pull_behavior = b;
    FakeHost host;
    ImageCache cache(s, host);
    cache.reset(1);
    cache.start(0, 0, s.task_definitions[3], 0, 0);
    host.run_until(cache, kHour);
    REQUIRE(host.ready_at(0) == 1200 * kMillisecond);
    const ImageStart again = cache.start(1, 0, s.task_definitions[3], 10 * kSecond, 0);
    REQUIRE(again.kind == ImageStart::Kind::kReady);
    REQUIRE(again.at == 10 * kSecond);
  }
}

TEST_CASE("ImageCache: a registry outage fails a pull, and default falls back to a cached image", "[sim][ecs]") {
  // Agent README, ECS_IMAGE_PULL_BEHAVIOR: `default` starts from the cached image when the pull
  // fails; `always` fails the task (CannotPullContainerError).
  Scenario s = images_scenario(200 * kMillisecond);
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(2);
  cache.start(0, 0, s.task_definitions[3], 0, 0);
  host.run_until(cache, kHour);
  cache.registry_outage(1, 2 * kHour);
  const ImageStart cached = cache.start(1, 0, s.task_definitions[3], kHour, 0);
  REQUIRE(cached.kind == ImageStart::Kind::kReady);
  REQUIRE(cached.at == kHour + 200 * kMillisecond);
  const ImageStart uncached = cache.start(2, 1, s.task_definitions[3], kHour, 0);
  REQUIRE(uncached.kind == ImageStart::Kind::kRefused);
  REQUIRE(uncached.at == kHour + 200 * kMillisecond);
  // After the outage the pull goes through.
  REQUIRE(cache.start(3, 1, s.task_definitions[3], 2 * kHour, 0).kind == ImageStart::Kind::kWaiting);

  s.cluster.agent.image_pull_behavior = ImagePullBehavior::kAlways;
  FakeHost host2;
  ImageCache always(s, host2);
  always.reset(1);
  always.start(0, 0, s.task_definitions[3], 0, 0);
  host2.run_until(always, kHour);
  always.registry_outage(1, 2 * kHour);
  REQUIRE(always.start(1, 0, s.task_definitions[3], kHour, 0).kind == ImageStart::Kind::kRefused);
}

TEST_CASE("ImageCache: a registry's pull rate limit refuses pulls beyond it in a sliding window", "[sim]") {
  Scenario s = images_scenario(0);
  s.registries[1].pull_limit = 2;
  s.registries[1].pull_limit_window = kHour;
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(4);
  REQUIRE(cache.start(0, 0, s.task_definitions[3], 0, 0).kind == ImageStart::Kind::kWaiting);
  REQUIRE(cache.start(1, 1, s.task_definitions[3], 10 * kSecond, 0).kind == ImageStart::Kind::kWaiting);
  REQUIRE(cache.start(2, 2, s.task_definitions[3], 20 * kSecond, 0).kind == ImageStart::Kind::kRefused);
  host.run_until(cache, 30 * kSecond);
  // Checking a cached image does not count.
  REQUIRE(cache.start(3, 0, s.task_definitions[3], 30 * kSecond, 0).kind == ImageStart::Kind::kReady);
  // The pull at 0 leaves the window at 1 h.
  REQUIRE(cache.start(4, 2, s.task_definitions[3], kHour - 1, 0).kind == ImageStart::Kind::kRefused);
  REQUIRE(cache.start(5, 2, s.task_definitions[3], kHour, 0).kind == ImageStart::Kind::kWaiting);
  REQUIRE(cache.pulls() == 3);
}

TEST_CASE("ImageCache: cleanup removes images unused for the minimum age and frees their unshared layers",
          "[sim][ecs]") {
  // Agent README: ECS_IMAGE_CLEANUP_INTERVAL, ECS_IMAGE_MINIMUM_CLEANUP_AGE,
  // ECS_NUM_IMAGES_DELETE_PER_CYCLE; images used by no container are removed.
  Scenario s = images_scenario(0);
  s.cluster.agent.image_cleanup_enabled = true;
  s.cluster.agent.image_cleanup_interval = 10 * kMinute;
  s.cluster.agent.image_minimum_cleanup_age = kHour;
  s.cluster.agent.images_deleted_per_cycle = 5;
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(1);
  cache.start(0, 0, s.task_definitions[0], 0, 0);  // A
  cache.start(1, 0, s.task_definitions[1], 0, 0);  // B, sharing base
  host.run_until(cache, 100 * kSecond);
  REQUIRE(host.cleanups_scheduled == 0);  // both in use
  cache.release(0, 0, s.task_definitions[0], 100 * kSecond);
  REQUIRE(host.cleanups_scheduled == 1);
  // Cycles every 10 min; A is old enough from 3700 s: removed at the 4200 s cycle.
  host.run_until(cache, 3600 * kSecond);
  REQUIRE(cache.cached(0, 0));
  host.run_until(cache, 4200 * kSecond);
  REQUIRE_FALSE(cache.cached(0, 0));
  REQUIRE_FALSE(cache.layer_present(0, 1));  // a
  REQUIRE(cache.layer_present(0, 0));        // base: B keeps it
  // Nothing unused is left: no further cycle.
  REQUIRE(host.timers.empty());
  // The next start of A pulls a again, and only a: 50 MiB at 100 MiB/s.
  cache.start(2, 0, s.task_definitions[0], 5000 * kSecond, 0);
  host.run_until(cache, 6000 * kSecond);
  REQUIRE(host.ready_at(2) == 5000 * kSecond + 500 * kMillisecond);
}

TEST_CASE("ImageCache: cleanup removes at most imagesPerCycle images, least recently used first", "[sim][ecs]") {
  // Agent README: ECS_NUM_IMAGES_DELETE_PER_CYCLE.
  Scenario s = images_scenario(0);
  s.cluster.agent.image_cleanup_enabled = true;
  s.cluster.agent.image_cleanup_interval = 10 * kMinute;
  s.cluster.agent.image_minimum_cleanup_age = 0;
  s.cluster.agent.images_deleted_per_cycle = 1;
  FakeHost host;
  ImageCache cache(s, host);
  cache.reset(1);
  cache.start(0, 0, s.task_definitions[2], 0, 0);  // C
  cache.start(1, 0, s.task_definitions[3], 0, 0);  // D
  host.run_until(cache, 60 * kSecond);
  cache.release(1, 0, s.task_definitions[3], 60 * kSecond);
  cache.release(0, 0, s.task_definitions[2], 70 * kSecond);
  host.run_until(cache, 600 * kSecond);
  REQUIRE_FALSE(cache.cached(0, 3));  // D, unused since 60 s
  REQUIRE(cache.cached(0, 2));
  host.run_until(cache, 1200 * kSecond);
  REQUIRE_FALSE(cache.cached(0, 2));
}
