// ClusterState: the container instances as the ECS control plane sees them, in struct-of-arrays
// form, indexed by InstanceIdx (creation order). The engine mutates it; placement reads it.
//
// Invariants:
//  - 0 <= free_* <= registered_* for every instance and resource.
//  - An instance is a placement candidate iff schedulable[i] (registered, ACTIVE, agent connected).
//  - group_count(g, i) is the number of tasks of group g holding resources on instance i (PENDING,
//    RUNNING or STOPPING), for every group that has tracking turned on; likewise the spread
//    counters per (group, attribute, value).
//  - Attribute values are interned: attribute_value(a, i) is an index into attribute_values[a],
//    or kMissingValue when instance i lacks attribute a.
//  - Every free index holds exactly the schedulable instances, each once, under its current free
//    resource and attribute value; every spread bucket set holds exactly the schedulable
//    instances, each once, in the bucket of its attribute value slot and of its group count.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/model.h"
#include "sim/ranked_list.h"
#include "sim/time.h"

namespace ecsim::sim {

using GroupIdx = std::uint32_t;
using AttributeIdx = std::uint32_t;
constexpr InstanceIdx kNoInstance = 0xFFFFFFFFu;
constexpr std::int32_t kMissingValue = -1;

// Sorted port multisets (host ports in use on an instance).
void insert_sorted(std::vector<std::uint16_t>& set, const std::vector<std::uint16_t>& add);
// REQUIRES: every port of `remove` is in `set`.
void erase_sorted(std::vector<std::uint16_t>& set, const std::vector<std::uint16_t>& remove);
bool sorted_overlap(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b);

// Built-in attribute indices: always interned first, in this order.
enum BuiltinAttribute : AttributeIdx {
  kAttrAvailabilityZone = 0,  // ecs.availability-zone
  kAttrInstanceType = 1,      // ecs.instance-type
  kAttrCpuArchitecture = 2,   // ecs.cpu-architecture
  kAttrOsType = 3,            // ecs.os-type
  kAttrOsFamily = 4,          // ecs.os-family
  kAttrAmiId = 5,             // ecs.ami-id
  kAttrVpcId = 6,             // ecs.vpc-id
  kAttrSubnetId = 7,          // ecs.subnet-id
  kBuiltinAttributeCount = 8,
};

class ClusterState {
 public:
  // --- static description, fixed when an instance is created ---
  std::vector<std::string> instance_ids;    // "<group>-<n>"
  std::vector<std::uint32_t> zone;          // index into Cluster::availability_zones
  std::vector<std::uint32_t> type;          // index into Scenario::instance_types
  std::vector<std::uint32_t> group;         // index into Cluster::instance_groups
  std::vector<std::int32_t> registered_cpu;
  std::vector<std::int32_t> registered_memory_mib;
  std::vector<std::int32_t> registered_gpus;
  std::vector<std::int32_t> registered_enis;  // awsvpc task ENIs: type limit minus the primary

  // --- dynamic state ---
  std::vector<std::int32_t> free_cpu;
  std::vector<std::int32_t> free_memory_mib;
  std::vector<std::int32_t> free_gpus;
  std::vector<std::int32_t> free_enis;
  // Attachments left (set_attachments; unlimited by default): EBS volumes, and the ENIs of awsvpc
  // tasks on instances where eni_attachments is 1 (Nitro's shared limit, without trunking).
  std::vector<std::int32_t> free_attachments;
  std::vector<std::uint8_t> eni_attachments;
  std::vector<std::uint8_t> schedulable;     // 1: ACTIVE and agent connected (a placement candidate)
  // Registered, ACTIVE instances whose agent is disconnected: not candidates, but a placement
  // that fails reports AGENT when one of them is the closest (ECS lists them with that reason).
  std::vector<InstanceIdx> agents_disconnected;
  std::vector<SimTime> registered_at;        // kNever until registered
  std::vector<std::int32_t> task_count;      // tasks holding resources on the instance
  std::vector<std::int32_t> running_count;   // tasks in RUNNING (runningTasksCount)
  std::vector<std::vector<std::uint16_t>> tcp_ports;  // static host ports in use, sorted; reserved ones included
  std::vector<std::vector<std::uint16_t>> udp_ports;

  // Instances that are schedulable, in InstanceIdx order: read by rank in O(1) between changes,
  // changed in O(log n) (sim/ranked_list.h).
  RankedInstanceList schedulable_list;

  std::size_t size() const { return instance_ids.size(); }

  // --- attributes ---
  std::vector<std::string> attribute_names;                // index: AttributeIdx
  std::vector<std::vector<std::string>> attribute_values;  // per attribute, interned values
  std::vector<std::vector<std::int32_t>> attribute_value_of;  // [attr][instance]

  // Interns an attribute name, creating it with every instance missing it. Returns its index.
  AttributeIdx intern_attribute(std::string_view name);
  // Index of an attribute name, or -1.
  std::int64_t find_attribute(std::string_view name) const;
  // Index of `value` among attribute a's values, interning it (no instance holds it yet).
  std::int32_t intern_attribute_value(AttributeIdx a, std::string_view value);
  // Sets instance i's value of attribute a (interning the value).
  void set_attribute(AttributeIdx a, InstanceIdx i, std::string_view value);
  // Sets instance i's value of attribute a to an interned value (intern_attribute_value).
  void set_attribute_value(AttributeIdx a, InstanceIdx i, std::int32_t value);
  std::int32_t attribute_value(AttributeIdx a, InstanceIdx i) const { return attribute_value_of[a][i]; }

  // --- task groups ---
  std::vector<std::string> group_names;
  GroupIdx intern_group(std::string_view name);
  // Turns on per-instance counting for group g (distinctInstance, spread by instance, task:group).
  void track_group_on_instances(GroupIdx g);
  std::int32_t group_count(GroupIdx g, InstanceIdx i) const { return group_on_instance_[g][i]; }
  bool group_tracked(GroupIdx g) const { return group_tracked_[g] != 0; }

  // Spread counters: tasks of group g per value of attribute a (plus one slot for "missing").
  // Returns a tracker id; the same (g, a) gives the same id.
  std::uint32_t track_spread(GroupIdx g, AttributeIdx a);
  // Count of group g's tasks on instances whose value of the tracker's attribute equals
  // instance i's value (instances lacking the attribute share one "missing" value).
  std::int32_t spread_count(std::uint32_t tracker, InstanceIdx i) const {
    const auto& t = spread_trackers_[tracker];
    const std::int32_t v = attribute_value_of[t.attribute][i];
    return t.counts[static_cast<std::size_t>(v + 1)];
  }
  // The tracker's counts indexed by value + 1 (slot 0: instances lacking the attribute).
  const std::vector<std::int32_t>& spread_counts(std::uint32_t tracker) const { return spread_trackers_[tracker].counts; }

  // --- free-resource indexes ---
  // An index of the schedulable instances ordered by free CPU or free memory, one ordered set
  // per value of an attribute (slot 0: instances lacking it), or a single set when `attribute`
  // is kNoAttribute. Kept up to date by reserve/release/set_schedulable. Placement uses it to
  // find the best binpack candidate without scanning the cluster.
  //
  // A set groups its instances into classes of equal (free amount of the indexed resource,
  // free amount of the other resource): memory for a CPU index, CPU for a memory index. A
  // cluster of a few instance types running tasks of a few sizes has a few hundred classes
  // however many instances it has, so a reservation or a release moves the instance from one
  // class's member list to another's in O(1) and touches the ordered part only when a class
  // appears (empty classes stay until they are many: see FreeIndex::Class). The classes form a treap ordered by (free, other) (priorities a fixed
  // hash of the pair, so the shape is a function of the contents), each holding the largest
  // other amount of its subtree: a walk in key order skips the subtrees where no instance has
  // the other resource the task needs. With every amount distinct it degrades to the treap of
  // instances it replaced, O(log n) per change.
  enum class IndexedResource : std::uint8_t { kCpu, kMemory };
  static constexpr AttributeIdx kNoAttribute = 0xFFFFFFFFu;
  // Returns an index id; the same (resource, attribute) gives the same id.
  std::uint32_t track_free_index(IndexedResource resource, AttributeIdx attribute);
  std::size_t free_set_count(std::uint32_t id) const { return free_indexes_[id].roots.size(); }
  // Members of the set of index `id` for attribute value slot `slot` (value + 1; 0 when missing
  // or when the index has no attribute).
  std::size_t free_set_size(std::uint32_t id, std::size_t slot) const { return free_indexes_[id].sizes[slot]; }
  // One member of that set, or kNoInstance when it is empty.
  InstanceIdx free_set_any(std::uint32_t id, std::size_t slot) const;
  // Whether instance i is in that set under the free amount `free` (and under its current free
  // amounts of both resources).
  bool free_set_contains(std::uint32_t id, std::size_t slot, std::int32_t free, InstanceIdx i) const;
  // Calls f(i, free) for the members of that set with at least `need` of the indexed resource
  // and at least `other_need` of the other one, in increasing order of free, until f returns
  // false. Members of equal free come in an unspecified order (a function of the history of
  // changes only, so runs stay reproducible): a caller that needs them in InstanceIdx order
  // sorts them. Cost: O(log c) per class reported (c classes in the set), plus the pruned
  // subtrees' roots, plus O(1) per member reported.
  template <typename F>
  void visit_free(std::uint32_t id, std::size_t slot, std::int32_t need, std::int32_t other_need, F&& f) const {
    const FreeIndex& x = free_indexes_[id];
    visit_free_node(x, x.roots[slot], need, other_need, f);
  }

  // --- fit tree ---
  // A tournament tree over InstanceIdx holding, for every subtree, the largest free CPU and the
  // largest free memory of its schedulable instances (-1 when it has none). Kept up to date by
  // reserve/release/set_schedulable once turned on. Placement uses it to list the instances
  // with room for a task without scanning the cluster: a subtree where no instance has the CPU,
  // or none has the memory, is skipped whole.
  void track_fit_tree();
  bool fit_tree_tracked() const { return fit_leaves_ != 0; }
  // Calls f(i) for every schedulable instance with free_cpu >= cpu and free_memory_mib >=
  // memory, in InstanceIdx order, until f returns false. REQUIRES: fit_tree_tracked(),
  // cpu >= 0 and memory >= 0.
  template <typename F>
  void for_each_fitting(std::int32_t cpu, std::int32_t memory, F&& f) const {
    if (!fit_dirty_.empty()) fit_flush();
    std::size_t stack[64];
    std::size_t depth = 0;
    stack[depth++] = 1;
    while (depth != 0) {
      const std::size_t node = stack[--depth];
      if (fit_cpu_[node] < cpu || fit_memory_[node] < memory) continue;
      if (node >= fit_leaves_) {
        if (!f(static_cast<InstanceIdx>(node - fit_leaves_))) return;
        continue;
      }
      stack[depth++] = 2 * node + 1;
      stack[depth++] = 2 * node;
    }
  }

  // --- spread buckets ---
  // The schedulable instances by attribute value slot (value + 1; 0 when missing, or the single
  // slot 0 when `attribute` is kNoAttribute) and, inside a slot, by the number of group g's tasks
  // on the instance (level 0, 1, 2, ...; every instance is at level 0 when g is kNoGroup). Each
  // bucket is a vector with a position map, so reserve/release move an instance in O(1) and
  // set_schedulable adds or removes it in O(1). Placement uses them to draw a spread candidate
  // without scanning the cluster. The order inside a bucket is arbitrary (it follows the history
  // of moves), but it is a function of that history only, so runs stay reproducible.
  static constexpr GroupIdx kNoGroup = 0xFFFFFFFFu;
  // Returns a bucket set id; the same (g, attribute) gives the same id. A group g gets its tasks
  // counted per instance (track_group_on_instances).
  std::uint32_t track_spread_buckets(GroupIdx g, AttributeIdx attribute);
  std::size_t bucket_slot_count(std::uint32_t id) const { return spread_buckets_[id].slots.size(); }
  // Levels of slot `slot` (one more than the highest group count seen there); some may be empty.
  std::size_t bucket_level_count(std::uint32_t id, std::size_t slot) const {
    return spread_buckets_[id].slots[slot].size();
  }
  // The schedulable instances of slot `slot` holding `level` tasks of the group.
  // REQUIRES: level < bucket_level_count(id, slot).
  std::span<const InstanceIdx> bucket(std::uint32_t id, std::size_t slot, std::size_t level) const {
    return spread_buckets_[id].slots[slot][level];
  }

  // --- mutation, by the engine ---
  // Room for n instances in every per-instance column, and in the columns of attributes
  // interned later (setup knows how many instances it makes: no column grows by doubling).
  void reserve_instances(std::size_t n);
  // Adds an instance (not yet schedulable). Returns its index.
  InstanceIdx add_instance(std::string id, std::uint32_t zone_idx, std::uint32_t type_idx, std::uint32_t group_idx,
                           std::int32_t cpu, std::int32_t memory_mib, std::int32_t gpus, std::int32_t enis,
                           std::vector<std::uint16_t> reserved_tcp_ports);
  void set_schedulable(InstanceIdx i, bool on);
  // Brackets many set_schedulable calls (an AZ outage or its end): schedulable_list, changed by
  // an O(log n) insert or erase per call otherwise, is rebuilt once by end_schedulable_batch().
  // Nothing may read schedulable_list in between (no placement inside the bracket).
  void begin_schedulable_batch() { schedulable_batch_ = true; }
  void end_schedulable_batch();
  // Takes `need` on instance i for a task of group g. REQUIRES: it fits.
  void reserve(InstanceIdx i, const Resources& need, const std::vector<std::uint16_t>& tcp,
               const std::vector<std::uint16_t>& udp, GroupIdx g);
  // Attachment budget of instance i (EBS volumes, plus task ENIs when `enis_count`).
  void set_attachments(InstanceIdx i, std::int32_t free, bool enis_count);
  // Attachments a task needs on instance i.
  std::int32_t attachments_needed(InstanceIdx i, const Resources& need) const {
    return need.ebs_volumes + (eni_attachments[i] != 0 ? need.enis : 0);
  }
  // What release() gives back: everything at once, or in two steps. Since 2023 the control
  // plane counts a STOPPING task's CPU, memory, GPUs and ports as free (AWS containers blog
  // "Improvements to Amazon ECS task launch behavior when tasks have prolonged shutdown"), and
  // the task leaves its group's counts; its ENI and EBS attachments are detached only when it
  // has stopped (DEPROVISIONING).
  enum class ReleasePart : std::uint8_t { kAll, kAtStopping, kAtStopped };
  // Gives back what reserve() took (or part of it: kAtStopping then kAtStopped give back all).
  void release(InstanceIdx i, const Resources& need, const std::vector<std::uint16_t>& tcp,
               const std::vector<std::uint16_t>& udp, GroupIdx g, ReleasePart part = ReleasePart::kAll);

 private:
  bool schedulable_batch_ = false;  // see begin_schedulable_batch
  std::unordered_map<std::string, GroupIdx> group_index_;  // group_names, by name
  struct SpreadTracker {
    GroupIdx group;
    AttributeIdx attribute;
    std::vector<std::int32_t> counts;  // index value + 1; slot 0 is "missing"
  };
  void adjust_group(InstanceIdx i, GroupIdx g, std::int32_t delta);
  static constexpr InstanceIdx kNil = kNoInstance;
  struct FreeIndex {
    IndexedResource resource;
    AttributeIdx attribute;
    std::vector<std::uint32_t> roots;  // per value slot: the root class of its treap, or kNil
    std::vector<std::size_t> sizes;    // per value slot: members
    // The schedulable instances sharing one (key, other) in one slot: a treap node, and the
    // head of an intrusive list of its members. A class that empties stays in its treap, so
    // that an instance going back and forth between two amounts (a task placed, then stopped)
    // finds both classes there; the empty classes are taken out all at once when they come to
    // outnumber half the others (sweep_classes), and their ids reused.
    struct Class {
      std::int32_t key = 0;    // free amount of the indexed resource
      std::int32_t other = 0;  // free amount of the other resource
      std::int32_t max_other = 0;  // over the subtree
      std::uint32_t left = kNil;
      std::uint32_t right = kNil;
      std::uint32_t priority = 0;
      std::uint32_t slot = kNil;  // kNil: not in use
      InstanceIdx head = kNil;    // first member; kNil: empty
    };
    std::vector<Class> classes;
    std::vector<std::uint32_t> unused;  // ids of swept classes, reused last first
    std::size_t live = 0;   // classes in a treap with members
    std::size_t empty = 0;  // classes in a treap without members
    // Per instance: its class (kNil when not a member) and its neighbours in the class's list.
    struct Member {
      std::uint32_t cls = kNil;
      InstanceIdx prev = kNil;
      InstanceIdx next = kNil;
    };
    std::vector<Member> members;
    // A cache of class ids by hash of (slot, key, other), checked against the class on use: most
    // reservations move an instance to a class that exists, found here without the treap
    // descent. Its size is a power of two, at least twice the classes'.
    std::vector<std::uint32_t> lookup;
  };
  std::int32_t free_of(const FreeIndex& x, InstanceIdx i) const {
    return x.resource == IndexedResource::kCpu ? free_cpu[i] : free_memory_mib[i];
  }
  std::int32_t other_of(const FreeIndex& x, InstanceIdx i) const {
    return x.resource == IndexedResource::kCpu ? free_memory_mib[i] : free_cpu[i];
  }
  std::size_t slot_of(const FreeIndex& x, InstanceIdx i) const {
    return x.attribute == kNoAttribute ? 0 : static_cast<std::size_t>(attribute_value_of[x.attribute][i] + 1);
  }
  // (key, other) of class a before that of class b.
  static bool class_less(const FreeIndex& x, std::uint32_t a, std::uint32_t b) {
    const FreeIndex::Class& ca = x.classes[a];
    const FreeIndex::Class& cb = x.classes[b];
    return ca.key < cb.key || (ca.key == cb.key && ca.other < cb.other);
  }
  static std::uint32_t find_class(const FreeIndex& x, std::size_t slot, std::int32_t key, std::int32_t other);
  static void treap_update(FreeIndex& x, std::uint32_t t);
  static std::uint32_t treap_insert(FreeIndex& x, std::uint32_t t, std::uint32_t c);
  static std::uint32_t treap_erase(FreeIndex& x, std::uint32_t t, std::uint32_t c);
  static std::uint32_t treap_merge(FreeIndex& x, std::uint32_t a, std::uint32_t b);
  // Links i into the class (slot, key, other), creating the class when it is new.
  static void free_link(FreeIndex& x, InstanceIdx i, std::size_t slot, std::int32_t key, std::int32_t other);
  // Unlinks i from its class (which stays in its treap, maybe empty).
  static void free_unlink(FreeIndex& x, InstanceIdx i);
  static void sweep_classes(FreeIndex& x);  // takes every empty class out
  void free_insert(FreeIndex& x, InstanceIdx i);
  void free_erase(FreeIndex& x, InstanceIdx i);
  void free_move(FreeIndex& x, InstanceIdx i);  // after i's free amounts changed
  template <typename F>
  bool visit_free_node(const FreeIndex& x, std::uint32_t t, std::int32_t need, std::int32_t other_need, F& f) const {
    while (t != kNil && x.classes[t].max_other >= other_need) {
      const FreeIndex::Class& n = x.classes[t];
      if (n.key >= need) {
        if (!visit_free_node(x, n.left, need, other_need, f)) return false;
        if (n.other >= other_need) {
          for (InstanceIdx i = n.head; i != kNil; i = x.members[i].next) {
            if (!f(i, n.key)) return false;
          }
        }
      }
      t = n.right;
    }
    return true;
  }
  void index_remove(InstanceIdx i);  // takes i out of every free index (before a change)
  void index_insert(InstanceIdx i);  // puts i back (after a change), if schedulable
  void index_update(InstanceIdx i);  // moves i to its new classes (after its free amounts changed), if schedulable
  std::vector<FreeIndex> free_indexes_;
  std::size_t reserved_instances_ = 0;  // reserve_instances()'s n

  std::size_t fit_leaves_ = 0;  // a power of two >= size(); 0 while the fit tree is off
  // [node], root 1, leaf of instance i at fit_leaves_ + i. Updated lazily: reserve/release/
  // set_schedulable only note the instance (a byte and a push), and the next listing brings
  // the noted leaves and their paths up to date, so that a run whose probes always hit pays
  // almost nothing for the tree.
  mutable std::vector<std::int32_t> fit_cpu_, fit_memory_;
  mutable std::vector<InstanceIdx> fit_dirty_;     // instances whose leaf is stale
  mutable std::vector<std::uint8_t> fit_is_dirty_;  // [instance]
  void fit_update(InstanceIdx i) {
    if (fit_leaves_ != 0 && fit_is_dirty_[i] == 0) {
      fit_is_dirty_[i] = 1;
      fit_dirty_.push_back(i);
    }
  }
  void fit_flush() const;
  void fit_rebuild();

  struct SpreadBuckets {
    GroupIdx group;          // kNoGroup: one level
    AttributeIdx attribute;  // kNoAttribute: one slot
    std::vector<std::vector<std::vector<InstanceIdx>>> slots;  // [slot][level] -> instances
    std::vector<std::uint32_t> position;                        // [instance]: index in its bucket
  };
  std::size_t bucket_slot_of(const SpreadBuckets& b, InstanceIdx i) const {
    return b.attribute == kNoAttribute ? 0 : static_cast<std::size_t>(attribute_value_of[b.attribute][i] + 1);
  }
  std::size_t bucket_level_of(const SpreadBuckets& b, InstanceIdx i) const {
    return b.group == kNoGroup ? 0 : static_cast<std::size_t>(group_on_instance_[b.group][i]);
  }
  static void bucket_push(SpreadBuckets& b, InstanceIdx i, std::size_t slot, std::size_t level);
  static void bucket_erase(SpreadBuckets& b, InstanceIdx i, std::size_t slot, std::size_t level);
  void buckets_remove(InstanceIdx i);  // takes i out of every bucket set (before a change), if schedulable
  void buckets_insert(InstanceIdx i);  // puts i back (after a change), if schedulable
  std::vector<SpreadBuckets> spread_buckets_;
  std::vector<std::vector<std::uint32_t>> buckets_of_group_;  // [group] -> bucket set ids

  std::vector<std::vector<std::int32_t>> group_on_instance_;      // [group][instance], empty if untracked
  std::vector<std::uint8_t> group_tracked_;
  std::vector<std::vector<std::uint32_t>> spread_of_group_;        // [group] -> tracker ids
  std::vector<SpreadTracker> spread_trackers_;
};

}  // namespace ecsim::sim
