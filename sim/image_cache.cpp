#include "sim/image_cache.h"
#include "sim/invariant.h"

#include <algorithm>
#include <limits>

namespace ecsim::sim {
namespace {

__extension__ typedef __int128 Int128;

constexpr std::int64_t kMicroBytesPerMiB = 1048576LL * 1000000LL;

}  // namespace

ImageCache::ImageCache(const Scenario& scenario, ImageHost& host) : scenario_(scenario), host_(host) {
  const std::size_t listed = scenario.layers.size();
  layer_micro_bytes_.reserve(listed + scenario.images.size());
  for (const ImageLayer& layer : scenario.layers) layer_micro_bytes_.push_back(layer.size_mib * kMicroBytesPerMiB);
  for (std::size_t k = 0; k < scenario.images.size(); ++k) {
    const Image& img = scenario.images[k];
    layer_micro_bytes_.push_back(img.size_mib * kMicroBytesPerMiB);  // its own layer, if it lists none
    image_layers_.push_back(img.layers.empty() ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(listed + k)}
                                               : img.layers);
  }
}

void ImageCache::reset(std::size_t instances) {
  host_of_.assign(instances, kNoHost);
  hosts_.clear();
  down_until_.assign(scenario_.registries.size(), 0);
  recent_pulls_.assign(scenario_.registries.size(), {});
}

ImageCache::Host& ImageCache::host(InstanceIdx i) {
  if (host_of_[i] == kNoHost) {
    host_of_[i] = static_cast<std::uint32_t>(hosts_.size());
    Host h;
    h.layer_state.assign(layer_micro_bytes_.size(), kAbsent);
    h.waiters.resize(layer_micro_bytes_.size());
    h.image_state.assign(scenario_.images.size(), kAbsent);
    h.last_used.assign(scenario_.images.size(), 0);
    h.users.assign(scenario_.images.size(), 0);
    h.links.resize(scenario_.registries.size());
    hosts_.push_back(std::move(h));
  }
  return hosts_[host_of_[i]];
}

bool ImageCache::cached(InstanceIdx i, std::uint32_t image) const {
  return host_of_[i] != kNoHost && hosts_[host_of_[i]].image_state[image] == kPresent;
}

bool ImageCache::layer_present(InstanceIdx i, std::uint32_t layer) const {
  return host_of_[i] != kNoHost && hosts_[host_of_[i]].layer_state[layer] == kPresent;
}

bool ImageCache::rate_limited(std::uint32_t registry, SimTime now, std::int32_t extra) {
  const Registry& reg = scenario_.registries[registry];
  if (reg.pull_limit == 0) return false;
  // A sliding window: the pulls in (now - window, now].
  auto& recent = recent_pulls_[registry];
  while (!recent.empty() && recent.front() <= now - reg.pull_limit_window) recent.pop_front();
  return static_cast<std::int64_t>(recent.size()) + extra > reg.pull_limit;
}

ImageStart ImageCache::start(std::uint32_t task, InstanceIdx i, const TaskDefinition& td, SimTime now, SimTime floor) {
  Host& h = host(i);
  const ImagePullBehavior behavior = scenario_.cluster.agent.image_pull_behavior;
  const bool always_contacts = behavior == ImagePullBehavior::kDefault || behavior == ImagePullBehavior::kAlways;
  for (const std::uint32_t image : td.images) ++h.users[image];

  // First every refusal, before anything is claimed: a refused task pulls nothing.
  bool refused = false;
  bool refused_by_limit = false;
  SimTime round_trip = 0;
  for (std::size_t k = 0; k < td.images.size(); ++k) {
    const std::uint32_t image = td.images[k];
    const std::uint32_t registry = scenario_.images[image].registry;
    if (!always_contacts && h.image_state[image] != kAbsent) continue;  // from the cache
    round_trip = std::max(round_trip, scenario_.registries[registry].latency);
    bool limited = false;
    if (h.image_state[image] == kAbsent) {
      // Pulls this task makes from the registry up to this one: all count against its limit.
      std::int32_t pulls = 1;
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint32_t other = td.images[j];
        pulls += static_cast<std::int32_t>(scenario_.images[other].registry == registry && h.image_state[other] == kAbsent);
      }
      limited = rate_limited(registry, now, pulls);
    }
    if (down_until_[registry] <= now && !limited) continue;
    // `default` starts from a cached image when the pull fails; otherwise the task fails.
    if (behavior == ImagePullBehavior::kDefault && h.image_state[image] == kPresent) continue;
    refused = true;
    refused_by_limit = refused_by_limit || (limited && down_until_[registry] <= now);
  }
  if (refused) return ImageStart{ImageStart::Kind::kRefused, now + round_trip, refused_by_limit};

  const auto wait_id = static_cast<std::uint32_t>(waits_.size());
  Wait wait{task, 0, std::max(now, floor), true};
  for (const std::uint32_t image : td.images) {
    const std::uint32_t registry = scenario_.images[image].registry;
    const bool contacts = always_contacts || h.image_state[image] == kAbsent;
    if (contacts) wait.ready = std::max(wait.ready, now + scenario_.registries[registry].latency);
    if (h.image_state[image] == kPresent) continue;  // its layers are all present
    Pull pull{wait_id, i, image, 0, contacts, {}};
    const auto pull_id = static_cast<std::uint32_t>(pulls_list_.size());
    if (h.image_state[image] == kAbsent) {
      ++pulls_;
      if (scenario_.registries[registry].pull_limit > 0) recent_pulls_[registry].push_back(now);
      h.image_state[image] = kPulling;
    }
    for (const std::uint32_t layer : image_layers_[image]) {
      if (h.layer_state[layer] == kPresent) continue;  // shared with an image already here
      if (h.layer_state[layer] == kAbsent) {
        // An image being pulled has claimed all its layers: only a pull reaches here.
        ECSIM_CHECK(contacts, "a layer no pull claimed is being made present");
        h.layer_state[layer] = kPulling;
        pull.claimed.push_back(layer);
      }
      h.waiters[layer].push_back(pull_id);
      ++pull.pending;
    }
    if (pull.pending == 0) {
      // Every layer came with other images: the manifest round trip is all it takes.
      if (pull.caches) {
        h.image_state[image] = kPresent;
        h.last_used[image] = now;
      }
      continue;
    }
    if (!pull.claimed.empty()) {
      host_.schedule_image_timer(now + scenario_.registries[registry].latency, ImageTimer::kManifest, pull_id, 0);
    }
    pulls_list_.push_back(std::move(pull));
    ++wait.pending;
  }
  if (wait.pending == 0) return ImageStart{ImageStart::Kind::kReady, wait.ready};
  waits_.push_back(wait);
  wait_of_task_[task] = wait_id;
  return ImageStart{ImageStart::Kind::kWaiting, 0};
}

void ImageCache::release(std::uint32_t task, InstanceIdx i, const TaskDefinition& td, SimTime now) {
  const auto it = wait_of_task_.find(task);
  if (it != wait_of_task_.end()) {
    waits_[it->second].alive = false;  // its pulls go on: the layers arrive all the same
    wait_of_task_.erase(it);
  }
  Host& h = host(i);
  for (const std::uint32_t image : td.images) {
    if (--h.users[image] == 0) h.last_used[image] = now;
  }
  maybe_schedule_cleanup(i, now);
}

void ImageCache::on_timer(ImageTimer timer, std::uint32_t target, std::uint16_t generation, SimTime now) {
  switch (timer) {
    case ImageTimer::kManifest:
      on_manifest(target, now);
      return;
    case ImageTimer::kProgress: {
      const std::size_t registries = scenario_.registries.size();
      const Link& link = hosts_[host_of_[target / registries]].links[target % registries];
      if (link.generation == generation) on_progress(target, now);
      return;
    }
    case ImageTimer::kCleanup:
      on_cleanup(target, now);
      return;
  }
}

// Processor sharing: over [last, now] the n downloads each received bandwidth × dt / n
// micro-bytes (rounded down; the remainder, under n micro-bytes, is dropped).
void ImageCache::link_advance(Link& link, std::int64_t bandwidth, SimTime now) {
  const SimTime dt = now - link.last;
  link.last = now;
  if (dt <= 0 || link.flows.empty()) return;
  const Int128 share = static_cast<Int128>(bandwidth) * dt / static_cast<Int128>(link.flows.size());
  for (Flow& f : link.flows) f.remaining = share >= f.remaining ? 0 : f.remaining - static_cast<std::int64_t>(share);
}

// The next download to end on the link is the one with the least left: it ends after
// ceil(left × n / bandwidth) µs if nothing changes before.
void ImageCache::link_reschedule(Link& link, std::uint32_t link_id, std::int64_t bandwidth, SimTime now) {
  ++link.generation;  // cancels the event scheduled before
  if (link.flows.empty()) return;
  std::int64_t least = std::numeric_limits<std::int64_t>::max();
  for (const Flow& f : link.flows) least = std::min(least, f.remaining);
  const Int128 work = static_cast<Int128>(least) * static_cast<Int128>(link.flows.size());
  const Int128 dt = (work + bandwidth - 1) / bandwidth;
  // A pull that would end beyond SimTime's range never ends within a run (at most 100 years).
  const SimTime at = dt >= static_cast<Int128>(kNever - 1 - now) ? kNever - 1 : now + static_cast<SimTime>(dt);
  host_.schedule_image_timer(at, ImageTimer::kProgress, link_id, link.generation);
}

void ImageCache::on_manifest(std::uint32_t pull_id, SimTime now) {
  Pull& pull = pulls_list_[pull_id];
  const std::uint32_t registry = scenario_.images[pull.image].registry;
  const std::int64_t bandwidth = scenario_.registries[registry].pull_bytes_per_second;
  Link& link = host(pull.instance).links[registry];
  link_advance(link, bandwidth, now);
  for (const std::uint32_t layer : pull.claimed) link.flows.push_back(Flow{layer, layer_micro_bytes_[layer]});
  pull.claimed = {};
  const auto link_id = static_cast<std::uint32_t>(pull.instance * scenario_.registries.size() + registry);
  link_reschedule(link, link_id, bandwidth, now);
}

void ImageCache::on_progress(std::uint32_t link_id, SimTime now) {
  const std::size_t registries = scenario_.registries.size();
  const auto i = static_cast<InstanceIdx>(link_id / registries);
  const auto registry = static_cast<std::uint32_t>(link_id % registries);
  const std::int64_t bandwidth = scenario_.registries[registry].pull_bytes_per_second;
  Link& link = host(i).links[registry];
  link_advance(link, bandwidth, now);
  std::vector<std::uint32_t> done;
  std::erase_if(link.flows, [&](const Flow& f) {
    if (f.remaining > 0) return false;
    done.push_back(f.layer);
    return true;
  });
  link_reschedule(link, link_id, bandwidth, now);
  for (const std::uint32_t layer : done) layer_done(i, layer, now);
}

void ImageCache::layer_done(InstanceIdx i, std::uint32_t layer, SimTime now) {
  Host& h = host(i);
  h.layer_state[layer] = kPresent;
  const std::vector<std::uint32_t> waiters = std::move(h.waiters[layer]);
  h.waiters[layer].clear();
  for (const std::uint32_t pull : waiters) {
    if (--pulls_list_[pull].pending == 0) pull_done(pull, now);
  }
}

void ImageCache::pull_done(std::uint32_t pull_id, SimTime now) {
  const Pull& pull = pulls_list_[pull_id];
  if (pull.caches) {
    Host& h = host(pull.instance);
    h.image_state[pull.image] = kPresent;
    h.last_used[pull.image] = now;
    if (h.users[pull.image] == 0) maybe_schedule_cleanup(pull.instance, now);
  }
  Wait& wait = waits_[pull.wait];
  wait.ready = std::max(wait.ready, now);
  if (--wait.pending == 0 && wait.alive) {
    wait_of_task_.erase(wait.task);
    host_.images_ready(wait.task, wait.ready);
  }
}

void ImageCache::maybe_schedule_cleanup(InstanceIdx i, SimTime now) {
  const AgentConfig& agent = scenario_.cluster.agent;
  Host& h = host(i);
  if (!agent.image_cleanup_enabled || h.cleanup_scheduled) return;
  bool unused = false;
  for (std::size_t image = 0; image < h.image_state.size() && !unused; ++image) {
    unused = h.image_state[image] == kPresent && h.users[image] == 0;
  }
  if (!unused) return;
  // The agent's cleanup ticker: cycles at multiples of the interval.
  const SimTime interval = agent.image_cleanup_interval;
  host_.schedule_image_timer((now / interval + 1) * interval, ImageTimer::kCleanup, i, 0);
  h.cleanup_scheduled = true;
}

void ImageCache::on_cleanup(InstanceIdx i, SimTime now) {
  const AgentConfig& agent = scenario_.cluster.agent;
  Host& h = host(i);
  h.cleanup_scheduled = false;
  // Unused for at least the minimum age, least recently used first (image number among equals).
  std::vector<std::uint32_t> candidates;
  for (std::uint32_t image = 0; image < h.image_state.size(); ++image) {
    if (h.image_state[image] == kPresent && h.users[image] == 0 &&
        now - h.last_used[image] >= agent.image_minimum_cleanup_age) {
      candidates.push_back(image);
    }
  }
  std::sort(candidates.begin(), candidates.end(), [&](std::uint32_t a, std::uint32_t b) {
    return h.last_used[a] != h.last_used[b] ? h.last_used[a] < h.last_used[b] : a < b;
  });
  if (candidates.size() > static_cast<std::size_t>(agent.images_deleted_per_cycle)) {
    candidates.resize(static_cast<std::size_t>(agent.images_deleted_per_cycle));
  }
  if (!candidates.empty()) {
    for (const std::uint32_t image : candidates) h.image_state[image] = kAbsent;
    // A layer stays while a kept image (cached or being pulled) lists it.
    std::vector<std::uint8_t> kept(h.layer_state.size(), 0);
    for (std::uint32_t image = 0; image < h.image_state.size(); ++image) {
      if (h.image_state[image] == kAbsent) continue;
      for (const std::uint32_t layer : image_layers_[image]) kept[layer] = 1;
    }
    for (std::size_t layer = 0; layer < h.layer_state.size(); ++layer) {
      if (h.layer_state[layer] == kPresent && kept[layer] == 0) h.layer_state[layer] = kAbsent;
    }
  }
  maybe_schedule_cleanup(i, now);
}

}  // namespace ecsim::sim
