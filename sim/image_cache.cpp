#include "sim/image_cache.h"

#include <algorithm>
#include <cmath>

namespace ecsim::sim {

void ImageCache::reset(std::size_t instances) {
  ready_.assign(instances, {});
  down_until_.assign(scenario_.registries.size(), 0);
}

bool ImageCache::pull_refused(InstanceIdx i, const TaskDefinition& td, SimTime now) const {
  for (const std::uint32_t image : td.images) {
    const Image& img = scenario_.images[image];
    if (down_until_[img.registry] <= now) continue;
    const auto& cache = ready_[i];
    const bool cached = !cache.empty() && cache[image] != kNever;
    if (!cached || scenario_.cluster.agent.image_pull_behavior == ImagePullBehavior::kAlways) return true;
  }
  return false;
}

SimTime ImageCache::refusal_latency(const TaskDefinition& td) const {
  SimTime latency = 0;
  for (const std::uint32_t image : td.images) {
    latency = std::max(latency, scenario_.registries[scenario_.images[image].registry].latency);
  }
  return latency;
}

SimTime ImageCache::ready_at(InstanceIdx i, const TaskDefinition& td, SimTime now) {
  SimTime ready = now;
  if (td.images.empty()) return ready;
  auto& cache = ready_[i];
  if (cache.empty()) cache.assign(scenario_.images.size(), kNever);
  for (const std::uint32_t image : td.images) {
    const Image& img = scenario_.images[image];
    const Registry& reg = scenario_.registries[img.registry];
    SimTime at;
    if (cache[image] == kNever) {
      // First use on this instance: a full pull at the registry's bandwidth. Concurrent pulls do
      // not share bandwidth (one pull per image per instance; later tasks wait for it).
      const double seconds = static_cast<double>(img.size_mib) * 1048576.0 / static_cast<double>(reg.pull_bytes_per_second);
      at = now + reg.latency + static_cast<SimTime>(std::llround(seconds * static_cast<double>(kSecond)));
      cache[image] = at;
    } else if (cache[image] > now) {
      at = cache[image];  // a pull in progress
    } else {
      // Cached. `default` and `always` still ask the registry (a manifest round trip);
      // `once` and `prefer-cached` start from the cache (ecs-semantics §1.6).
      const ImagePullBehavior b = scenario_.cluster.agent.image_pull_behavior;
      at = (b == ImagePullBehavior::kDefault || b == ImagePullBehavior::kAlways) ? now + reg.latency : now;
    }
    ready = std::max(ready, at);
  }
  return ready;
}

}  // namespace ecsim::sim
