// ImageCache: container images on each instance, pulled layer by layer from registries
// (Agent README, ECS_IMAGE_PULL_BEHAVIOR; Agent README `ECS_IMAGE_PULL_BEHAVIOR`,
// `ECS_IMAGE_CLEANUP_INTERVAL`,
// `ECS_IMAGE_MINIMUM_CLEANUP_AGE`, `ECS_NUM_IMAGES_DELETE_PER_CYCLE`; ECS Dev Guide "Automated
// task and image cleanup").
//
// What it models:
//  - A pull asks the registry for the image's manifest (one registry latency), then downloads the
//    layers the instance lacks. A layer already present is not downloaded again, whichever image
//    brought it (layers are shared by digest); a layer another task on the instance is pulling is
//    waited for, not pulled twice. An image without `layers` is one layer of its own.
//  - Bandwidth: each registry's pullBandwidth is what one instance gets from it. The layers an
//    instance downloads from one registry at once share that bandwidth equally (processor
//    sharing); downloads from different registries do not slow each other (no separate NIC cap).
//    Completion times are integer µs, rounded up, recomputed when a download starts or ends.
//  - Pull behaviour (ECS_IMAGE_PULL_BEHAVIOR): `default` and `always` contact the registry on
//    every start (a cached image costs the manifest round trip); `once` and `prefer-cached` start
//    from a cached image without contacting it (ecsim keeps no record of images pulled and then
//    removed other than the cache itself, so the two behave alike).
//  - Refusals (CannotPullContainerError): a registry in an outage refuses pulls; a registry with a
//    pullRateLimit refuses the pull beyond `pulls` per sliding window (ecsim counts per registry,
//    cluster-wide; Docker Hub counts per client IP, "toomanyrequests"). Only pulls of an image the
//    instance does not have count: checking a cached image is a HEAD request, which Docker Hub
//    does not count. A refused pull fails the task (TaskFailedToStart) after the registry round
//    trip, except under `default` when the image is cached: it starts from the cache.
//  - Cleanup: every imageCleanupInterval (cycles at multiples of it from the start of the run) the
//    agent removes up to imagesPerCycle images that no task on the instance uses and that have
//    been unused for at least imageMinimumCleanupAge, least recently used first, and frees their
//    layers that no kept image shares. The next start of a removed image pulls it again.
//
// Invariants:
//  - Nothing is allocated or scheduled for an instance until a task listing images starts there;
//    a cleanup cycle is scheduled only while the instance holds an unused image.
//  - Per instance, a layer is absent, pulling (claimed by a pull, downloading once its manifest
//    round trip ends) or present; an image is absent, pulling or cached, and a cached image's
//    layers are all present.
//  - A task waiting for its images is reported ready exactly once (ImageHost::images_ready),
//    unless release() came first.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "sim/cluster_state.h"
#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

enum class ImageTimer : std::uint8_t {
  kManifest,  // target: a pull whose manifest round trip ends; its layers start downloading
  kProgress,  // target: a link (instance × registry); generation: the link's
  kCleanup,   // target: an instance
};

// What the image cache asks of the engine.
class ImageHost {
 public:
  virtual ~ImageHost() = default;
  // Asks for ImageCache::on_timer(timer, target, generation) at `at` (>= now).
  virtual void schedule_image_timer(SimTime at, ImageTimer timer, std::uint32_t target, std::uint16_t generation) = 0;
  // A task start() left waiting has its images at `at` (>= now).
  virtual void images_ready(std::uint32_t task, SimTime at) = 0;
};

struct ImageStart {
  enum class Kind : std::uint8_t { kReady, kWaiting, kRefused };
  Kind kind = Kind::kReady;
  SimTime at = 0;  // kReady: when its images are there; kRefused: when the start fails
  bool rate_limited = false;  // kRefused: by a registry's pull rate limit (else an outage)
};

class ImageCache {
 public:
  ImageCache(const Scenario& scenario, ImageHost& host);

  void reset(std::size_t instances);
  // Room for instances created during the run (an Auto Scaling group's): empty caches.
  void grow(std::size_t instances) { host_of_.resize(instances, kNoHost); }

  // `registry` refuses pulls until `until` (kNever: for the rest of the run).
  void registry_outage(std::uint32_t registry, SimTime until) { down_until_[registry] = until; }

  // The agent starts `task` of `td` on i at `now`: pulls what it needs. The task is ready no
  // earlier than `floor`. REQUIRES: !td.images.empty(); release() once the task stops.
  ImageStart start(std::uint32_t task, InstanceIdx i, const TaskDefinition& td, SimTime now, SimTime floor);
  // The task stopped (or failed to start): its images are no longer used by it.
  void release(std::uint32_t task, InstanceIdx i, const TaskDefinition& td, SimTime now);
  void on_timer(ImageTimer timer, std::uint32_t target, std::uint16_t generation, SimTime now);

  // Inspection (tests, reports).
  bool cached(InstanceIdx i, std::uint32_t image) const;
  bool layer_present(InstanceIdx i, std::uint32_t layer) const;
  std::int64_t pulls() const { return pulls_; }  // image pulls the registries served

 private:
  enum State : std::uint8_t { kAbsent, kPulling, kPresent };
  struct Flow {
    std::uint32_t layer;
    std::int64_t remaining;  // micro-bytes (bytes × 10^6): bandwidth × µs is exact
  };
  // The downloads of one instance from one registry, sharing its bandwidth.
  struct Link {
    std::vector<Flow> flows;
    SimTime last = 0;
    std::uint16_t generation = 0;
  };
  struct Host {  // one instance's images, allocated at its first start with images
    std::vector<State> layer_state, image_state;
    std::vector<SimTime> last_used;         // per image: when a task last stopped using it, or it was pulled
    std::vector<std::int32_t> users;        // per image: tasks started and not stopped that use it
    std::vector<std::vector<std::uint32_t>> waiters;  // per layer: pulls waiting for it
    std::vector<Link> links;                // per registry
    bool cleanup_scheduled = false;
  };
  // One image of one task: the layers it waits for.
  struct Pull {
    std::uint32_t wait;
    InstanceIdx instance;
    std::uint32_t image;
    std::uint32_t pending = 0;          // layers not yet present
    bool caches = false;                // the image becomes cached when they are
    std::vector<std::uint32_t> claimed; // layers this pull downloads, from its manifest's end
  };
  struct Wait {
    std::uint32_t task;
    std::uint32_t pending = 0;  // pulls not done
    SimTime ready = 0;
    bool alive = true;
  };

  Host& host(InstanceIdx i);
  void link_advance(Link& link, std::int64_t bandwidth, SimTime now);
  void link_reschedule(Link& link, std::uint32_t link_id, std::int64_t bandwidth, SimTime now);
  void on_manifest(std::uint32_t pull, SimTime now);
  void on_progress(std::uint32_t link_id, SimTime now);
  void layer_done(InstanceIdx i, std::uint32_t layer, SimTime now);
  void pull_done(std::uint32_t pull, SimTime now);
  void on_cleanup(InstanceIdx i, SimTime now);
  void maybe_schedule_cleanup(InstanceIdx i, SimTime now);
  bool rate_limited(std::uint32_t registry, SimTime now, std::int32_t extra);

  const Scenario& scenario_;
  ImageHost& host_;
  std::vector<std::vector<std::uint32_t>> image_layers_;  // per image: its layers (own one if none listed)
  std::vector<std::int64_t> layer_micro_bytes_;           // per layer
  std::vector<std::uint32_t> host_of_;                    // per instance: index into hosts_, or kNoHost
  std::vector<Host> hosts_;
  std::vector<Pull> pulls_list_;
  std::vector<Wait> waits_;
  std::unordered_map<std::uint32_t, std::uint32_t> wait_of_task_;  // waiting tasks only
  std::vector<SimTime> down_until_;                    // per registry: refuses pulls until then (0: up)
  std::vector<std::deque<SimTime>> recent_pulls_;      // per registry with a limit: pulls in the window
  std::int64_t pulls_ = 0;
  static constexpr std::uint32_t kNoHost = 0xFFFFFFFFu;
};

}  // namespace ecsim::sim
