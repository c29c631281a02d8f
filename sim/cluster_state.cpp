#include "sim/cluster_state.h"
#include "sim/invariant.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace ecsim::sim {

namespace {

// The treap priority of a free-index class: a fixed hash (SplitMix64's finaliser) of its
// (key, other), so the shape of a set depends only on its classes.
std::uint32_t treap_priority(std::int32_t key, std::int32_t other) {
  const std::uint64_t pair = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(key)) << 32) |
                             static_cast<std::uint32_t>(other);
  std::uint64_t z = (pair + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
}

}  // namespace

void insert_sorted(std::vector<std::uint16_t>& set, const std::vector<std::uint16_t>& add) {
  for (const std::uint16_t p : add) set.insert(std::lower_bound(set.begin(), set.end(), p), p);
}

void erase_sorted(std::vector<std::uint16_t>& set, const std::vector<std::uint16_t>& remove) {
  for (const std::uint16_t p : remove) {
    const auto it = std::lower_bound(set.begin(), set.end(), p);
    assert(it != set.end() && *it == p);
    set.erase(it);
  }
}

bool sorted_overlap(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b) {
  auto x = a.begin();
  auto y = b.begin();
  while (x != a.end() && y != b.end()) {
    if (*x == *y) return true;
    if (*x < *y) {
      ++x;
    } else {
      ++y;
    }
  }
  return false;
}

AttributeIdx ClusterState::intern_attribute(std::string_view name) {
  const std::int64_t found = find_attribute(name);
  if (found >= 0) return static_cast<AttributeIdx>(found);
  attribute_names.emplace_back(name);
  attribute_values.emplace_back();
  attribute_value_of.emplace_back();
  attribute_value_of.back().reserve(std::max(reserved_instances_, size()));
  attribute_value_of.back().assign(size(), kMissingValue);
  return static_cast<AttributeIdx>(attribute_names.size() - 1);
}

void ClusterState::reserve_instances(std::size_t n) {
  reserved_instances_ = n;
  const auto each = [n](auto&... column) { (column.reserve(n), ...); };
  each(instance_ids, zone, type, group, registered_cpu, registered_memory_mib, registered_gpus, registered_enis,
       free_cpu, free_memory_mib, free_gpus, free_enis, free_attachments, eni_attachments, schedulable, registered_at,
       task_count, running_count, tcp_ports, udp_ports);
  for (auto& values : attribute_value_of) values.reserve(n);
}

std::int64_t ClusterState::find_attribute(std::string_view name) const {
  for (std::size_t a = 0; a < attribute_names.size(); ++a) {
    if (attribute_names[a] == name) return static_cast<std::int64_t>(a);
  }
  return -1;
}

std::int32_t ClusterState::intern_attribute_value(AttributeIdx a, std::string_view value) {
  auto& values = attribute_values[a];
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (values[k] == value) return static_cast<std::int32_t>(k);
  }
  values.emplace_back(value);
  for (auto& t : spread_trackers_) {
    if (t.attribute == a) t.counts.push_back(0);
  }
  for (auto& b : spread_buckets_) {
    if (b.attribute == a) b.slots.emplace_back(1);
  }
  return static_cast<std::int32_t>(values.size() - 1);
}

void ClusterState::set_attribute(AttributeIdx a, InstanceIdx i, std::string_view value) {
  set_attribute_value(a, i, intern_attribute_value(a, value));
}

void ClusterState::set_attribute_value(AttributeIdx a, InstanceIdx i, std::int32_t value) {
  ECSIM_CHECK(task_count[i] == 0, "an attribute changes on an instance that holds tasks");
  ECSIM_CHECK(value >= 0 && static_cast<std::size_t>(value) < attribute_values[a].size(), "an attribute value not interned");
  if (schedulable[i] == 0) {  // in no index yet (a new instance)
    attribute_value_of[a][i] = value;
    return;
  }
  index_remove(i);
  buckets_remove(i);
  attribute_value_of[a][i] = value;
  index_insert(i);
  buckets_insert(i);
}

GroupIdx ClusterState::intern_group(std::string_view name) {
  // A hash index: N jobs with their own groups cost N lookups, not N^2 comparisons.
  const auto [at, added] = group_index_.emplace(std::string(name), static_cast<GroupIdx>(group_names.size()));
  if (!added) return at->second;
  group_names.emplace_back(name);
  group_on_instance_.emplace_back();
  group_tracked_.push_back(0);
  spread_of_group_.emplace_back();
  buckets_of_group_.emplace_back();
  return static_cast<GroupIdx>(group_names.size() - 1);
}

void ClusterState::track_group_on_instances(GroupIdx g) {
  if (group_tracked_[g]) return;
  group_tracked_[g] = 1;
  group_on_instance_[g].assign(size(), 0);
}

std::uint32_t ClusterState::track_spread(GroupIdx g, AttributeIdx a) {
  for (const std::uint32_t t : spread_of_group_[g]) {
    if (spread_trackers_[t].attribute == a) return t;
  }
  // Trackers are created before any task runs, so starting from zero is exact.
  SpreadTracker t{g, a, std::vector<std::int32_t>(attribute_values[a].size() + 1, 0)};
  spread_trackers_.push_back(std::move(t));
  const auto id = static_cast<std::uint32_t>(spread_trackers_.size() - 1);
  spread_of_group_[g].push_back(id);
  return id;
}

InstanceIdx ClusterState::add_instance(std::string id, std::uint32_t zone_idx, std::uint32_t type_idx,
                                       std::uint32_t group_idx, std::int32_t cpu, std::int32_t memory_mib,
                                       std::int32_t gpus, std::int32_t enis,
                                       std::vector<std::uint16_t> reserved_tcp_ports) {
  const auto i = static_cast<InstanceIdx>(size());
  instance_ids.push_back(std::move(id));
  zone.push_back(zone_idx);
  type.push_back(type_idx);
  group.push_back(group_idx);
  registered_cpu.push_back(cpu);
  registered_memory_mib.push_back(memory_mib);
  registered_gpus.push_back(gpus);
  registered_enis.push_back(enis);
  free_cpu.push_back(cpu);
  free_memory_mib.push_back(memory_mib);
  free_gpus.push_back(gpus);
  free_enis.push_back(enis);
  free_attachments.push_back(std::numeric_limits<std::int32_t>::max() / 2);
  eni_attachments.push_back(0);
  schedulable.push_back(0);
  registered_at.push_back(kNever);
  task_count.push_back(0);
  running_count.push_back(0);
  std::sort(reserved_tcp_ports.begin(), reserved_tcp_ports.end());
  tcp_ports.push_back(std::move(reserved_tcp_ports));
  udp_ports.emplace_back();
  for (auto& values : attribute_value_of) values.push_back(kMissingValue);
  for (std::size_t g = 0; g < group_on_instance_.size(); ++g) {
    if (group_tracked_[g]) group_on_instance_[g].push_back(0);
  }
  for (auto& b : spread_buckets_) b.position.push_back(0);
  for (auto& x : free_indexes_) x.members.emplace_back();
  if (fit_leaves_ != 0 && size() > fit_leaves_) fit_rebuild();  // the new leaf is -1 otherwise: not schedulable
  return i;
}


std::uint32_t ClusterState::track_free_index(IndexedResource resource, AttributeIdx attribute) {
  for (std::size_t k = 0; k < free_indexes_.size(); ++k) {
    if (free_indexes_[k].resource == resource && free_indexes_[k].attribute == attribute) {
      return static_cast<std::uint32_t>(k);
    }
  }
  FreeIndex x;
  x.resource = resource;
  x.attribute = attribute;
  // Room for the classes of a typical cluster up front: their growth mid-run would interleave
  // small blocks with the run's large ones on the heap.
  x.classes.reserve(256);
  x.unused.reserve(256);
  x.lookup.assign(512, kNil);
  const std::size_t slots = attribute == kNoAttribute ? 1 : attribute_values[attribute].size() + 1;
  x.roots.assign(slots, kNil);
  x.sizes.assign(slots, 0);
  x.members.resize(size());
  for (const InstanceIdx i : schedulable_list) free_insert(x, i);
  free_indexes_.push_back(std::move(x));
  return static_cast<std::uint32_t>(free_indexes_.size() - 1);
}

bool ClusterState::free_set_contains(std::uint32_t id, std::size_t slot, std::int32_t free, InstanceIdx i) const {
  const FreeIndex& x = free_indexes_[id];
  const std::uint32_t c = x.members[i].cls;
  if (c == kNil || x.classes[c].slot != slot || x.classes[c].key != free) return false;
  if (find_class(x, slot, free, x.classes[c].other) != c) return false;  // not reachable from the slot's root
  bool linked = false;
  for (InstanceIdx k = x.classes[c].head; k != kNil; k = x.members[k].next) linked = linked || k == i;
  return linked && free == free_of(x, i) && x.classes[c].other == other_of(x, i);
}

std::uint32_t ClusterState::find_class(const FreeIndex& x, std::size_t slot, std::int32_t key, std::int32_t other) {
  std::uint32_t t = x.roots[slot];
  while (t != kNil) {
    const FreeIndex::Class& n = x.classes[t];
    if (key == n.key && other == n.other) return t;
    t = (key < n.key || (key == n.key && other < n.other)) ? n.left : n.right;
  }
  return kNil;
}

void ClusterState::treap_update(FreeIndex& x, std::uint32_t t) {
  FreeIndex::Class& n = x.classes[t];
  std::int32_t m = n.other;
  if (n.left != kNil) m = std::max(m, x.classes[n.left].max_other);
  if (n.right != kNil) m = std::max(m, x.classes[n.right].max_other);
  n.max_other = m;
}

std::uint32_t ClusterState::treap_insert(FreeIndex& x, std::uint32_t t, std::uint32_t c) {
  if (t == kNil) {
    x.classes[c].left = kNil;
    x.classes[c].right = kNil;
    x.classes[c].max_other = x.classes[c].other;
    return c;
  }
  if (class_less(x, c, t)) {
    const std::uint32_t sub = treap_insert(x, x.classes[t].left, c);
    x.classes[t].left = sub;
    if (sub == c && x.classes[c].priority > x.classes[t].priority) {  // rotate right
      x.classes[t].left = x.classes[c].right;
      x.classes[c].right = t;
      treap_update(x, t);
      treap_update(x, c);
      return c;
    }
  } else {
    const std::uint32_t sub = treap_insert(x, x.classes[t].right, c);
    x.classes[t].right = sub;
    if (sub == c && x.classes[c].priority > x.classes[t].priority) {  // rotate left
      x.classes[t].right = x.classes[c].left;
      x.classes[c].left = t;
      treap_update(x, t);
      treap_update(x, c);
      return c;
    }
  }
  x.classes[t].max_other = std::max(x.classes[t].max_other, x.classes[c].other);
  return t;
}

std::uint32_t ClusterState::treap_merge(FreeIndex& x, std::uint32_t a, std::uint32_t b) {
  if (a == kNil) return b;
  if (b == kNil) return a;
  if (x.classes[a].priority > x.classes[b].priority) {
    const std::uint32_t sub = treap_merge(x, x.classes[a].right, b);
    x.classes[a].right = sub;
    treap_update(x, a);
    return a;
  }
  const std::uint32_t sub = treap_merge(x, a, x.classes[b].left);
  x.classes[b].left = sub;
  treap_update(x, b);
  return b;
}

std::uint32_t ClusterState::treap_erase(FreeIndex& x, std::uint32_t t, std::uint32_t c) {
  assert(t != kNil && "erasing a class that is not in the set");
  if (t == c) return treap_merge(x, x.classes[c].left, x.classes[c].right);
  if (class_less(x, c, t)) {
    const std::uint32_t sub = treap_erase(x, x.classes[t].left, c);
    x.classes[t].left = sub;
  } else {
    const std::uint32_t sub = treap_erase(x, x.classes[t].right, c);
    x.classes[t].right = sub;
  }
  treap_update(x, t);
  return t;
}

void ClusterState::free_link(FreeIndex& x, InstanceIdx i, std::size_t slot, std::int32_t key, std::int32_t other) {
  std::uint64_t h = ((static_cast<std::uint64_t>(static_cast<std::uint32_t>(key)) << 32) |
                     static_cast<std::uint32_t>(other)) ^
                    (static_cast<std::uint64_t>(slot) * 0x9E3779B97F4A7C15ull);
  h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
  std::size_t at = static_cast<std::size_t>(h >> 32) & (x.lookup.size() - 1);
  std::uint32_t c = x.lookup[at];
  if (c == kNil || x.classes[c].slot != slot || x.classes[c].key != key || x.classes[c].other != other) {
    c = find_class(x, slot, key, other);
  }
  if (c != kNil && x.classes[c].head == kNil) {  // an empty class comes back to life
    --x.empty;
    ++x.live;
  }
  if (c == kNil) {
    if (x.unused.empty()) {
      c = static_cast<std::uint32_t>(x.classes.size());
      x.classes.emplace_back();
      if (2 * x.classes.size() > x.lookup.size()) {  // grow the cache, forgetting it
        x.lookup.assign(2 * x.lookup.size(), kNil);
        at = static_cast<std::size_t>(h >> 32) & (x.lookup.size() - 1);
      }
    } else {
      c = x.unused.back();
      x.unused.pop_back();
    }
    FreeIndex::Class& n = x.classes[c];
    n.key = key;
    n.other = other;
    n.priority = treap_priority(key, other);
    n.slot = static_cast<std::uint32_t>(slot);
    n.head = kNil;
    x.roots[slot] = treap_insert(x, x.roots[slot], c);
    ++x.live;
  }
  x.lookup[at] = c;
  FreeIndex::Class& n = x.classes[c];
  FreeIndex::Member& m = x.members[i];
  m.cls = c;
  m.prev = kNil;
  m.next = n.head;
  if (n.head != kNil) x.members[n.head].prev = i;
  n.head = i;
}

void ClusterState::free_unlink(FreeIndex& x, InstanceIdx i) {
  FreeIndex::Member& m = x.members[i];
  const std::uint32_t c = m.cls;
  assert(c != kNil && "unlinking an instance that is in no class");
  FreeIndex::Class& n = x.classes[c];
  if (m.prev != kNil) {
    x.members[m.prev].next = m.next;
  } else {
    n.head = m.next;
  }
  if (m.next != kNil) x.members[m.next].prev = m.prev;
  m.cls = kNil;
  if (n.head == kNil) {
    --x.live;
    ++x.empty;
    // Empty classes cost the walks a node each and keep their other amount in the subtree
    // maxima: at most half as many as the live ones (plus a few), swept at O(log c) each.
    if (x.empty > x.live / 2 + 16) sweep_classes(x);
  }
}

void ClusterState::sweep_classes(FreeIndex& x) {
  for (std::uint32_t c = 0; c < x.classes.size(); ++c) {
    FreeIndex::Class& n = x.classes[c];
    if (n.slot == kNil || n.head != kNil) continue;
    x.roots[n.slot] = treap_erase(x, x.roots[n.slot], c);
    n.slot = kNil;
    x.unused.push_back(c);
  }
  x.empty = 0;
}

InstanceIdx ClusterState::free_set_any(std::uint32_t id, std::size_t slot) const {
  const FreeIndex& x = free_indexes_[id];
  if (x.sizes[slot] == 0) return kNoInstance;
  if (x.classes[x.roots[slot]].head != kNil) return x.classes[x.roots[slot]].head;
  // Depth first from the root to a class with members (most are: see free_unlink).
  std::vector<std::uint32_t> stack{x.roots[slot]};
  while (!stack.empty()) {
    const FreeIndex::Class& n = x.classes[stack.back()];
    stack.pop_back();
    if (n.head != kNil) return n.head;
    if (n.left != kNil) stack.push_back(n.left);
    if (n.right != kNil) stack.push_back(n.right);
  }
  return kNoInstance;  // not reached: sizes[slot] members are in the slot's classes
}

void ClusterState::free_insert(FreeIndex& x, InstanceIdx i) {
  const std::size_t slot = slot_of(x, i);
  if (slot >= x.roots.size()) {  // a value interned after the index
    x.roots.resize(slot + 1, kNil);
    x.sizes.resize(slot + 1, 0);
  }
  free_link(x, i, slot, free_of(x, i), other_of(x, i));
  ++x.sizes[slot];
}

void ClusterState::free_erase(FreeIndex& x, InstanceIdx i) {
  --x.sizes[x.classes[x.members[i].cls].slot];
  free_unlink(x, i);
}

void ClusterState::free_move(FreeIndex& x, InstanceIdx i) {
  const std::int32_t key = free_of(x, i);
  const std::int32_t other = other_of(x, i);
  const FreeIndex::Class& n = x.classes[x.members[i].cls];
  if (n.key == key && n.other == other) return;
  const std::size_t slot = n.slot;
  free_unlink(x, i);
  free_link(x, i, slot, key, other);
}

void ClusterState::index_remove(InstanceIdx i) {
  if (schedulable[i] == 0) return;
  for (auto& x : free_indexes_) free_erase(x, i);
}

void ClusterState::index_insert(InstanceIdx i) {
  if (schedulable[i] == 0) return;
  for (auto& x : free_indexes_) free_insert(x, i);
}

void ClusterState::index_update(InstanceIdx i) {
  if (schedulable[i] == 0) return;
  for (auto& x : free_indexes_) free_move(x, i);
}

void ClusterState::track_fit_tree() {
  if (fit_leaves_ != 0) return;
  fit_rebuild();
}

void ClusterState::fit_rebuild() {
  fit_leaves_ = 1;
  while (fit_leaves_ < size()) fit_leaves_ *= 2;
  fit_dirty_.clear();
  fit_is_dirty_.assign(fit_leaves_, 0);
  fit_cpu_.assign(2 * fit_leaves_, -1);
  fit_memory_.assign(2 * fit_leaves_, -1);
  for (const InstanceIdx i : schedulable_list) {
    fit_cpu_[fit_leaves_ + i] = free_cpu[i];
    fit_memory_[fit_leaves_ + i] = free_memory_mib[i];
  }
  for (std::size_t node = fit_leaves_ - 1; node >= 1; --node) {
    fit_cpu_[node] = std::max(fit_cpu_[2 * node], fit_cpu_[2 * node + 1]);
    fit_memory_[node] = std::max(fit_memory_[2 * node], fit_memory_[2 * node + 1]);
  }
}

void ClusterState::fit_flush() const {
  for (const InstanceIdx i : fit_dirty_) {
    fit_is_dirty_[i] = 0;
    std::size_t node = fit_leaves_ + i;
    fit_cpu_[node] = schedulable[i] != 0 ? free_cpu[i] : -1;
    fit_memory_[node] = schedulable[i] != 0 ? free_memory_mib[i] : -1;
    // Up to the root, stopping where the maxima no longer change.
    for (node /= 2; node >= 1; node /= 2) {
      const std::int32_t cpu = std::max(fit_cpu_[2 * node], fit_cpu_[2 * node + 1]);
      const std::int32_t memory = std::max(fit_memory_[2 * node], fit_memory_[2 * node + 1]);
      if (cpu == fit_cpu_[node] && memory == fit_memory_[node]) break;
      fit_cpu_[node] = cpu;
      fit_memory_[node] = memory;
    }
  }
  fit_dirty_.clear();
}

std::uint32_t ClusterState::track_spread_buckets(GroupIdx g, AttributeIdx attribute) {
  for (std::size_t k = 0; k < spread_buckets_.size(); ++k) {
    if (spread_buckets_[k].group == g && spread_buckets_[k].attribute == attribute) {
      return static_cast<std::uint32_t>(k);
    }
  }
  if (g != kNoGroup) track_group_on_instances(g);
  SpreadBuckets b{g, attribute, {}, std::vector<std::uint32_t>(size(), 0)};
  // Every slot starts with its level 0, so a slot always has at least one (maybe empty) level.
  b.slots.assign(attribute == kNoAttribute ? 1 : attribute_values[attribute].size() + 1,
                 std::vector<std::vector<InstanceIdx>>(1));
  for (const InstanceIdx i : schedulable_list) bucket_push(b, i, bucket_slot_of(b, i), bucket_level_of(b, i));
  spread_buckets_.push_back(std::move(b));
  const auto id = static_cast<std::uint32_t>(spread_buckets_.size() - 1);
  if (g != kNoGroup) buckets_of_group_[g].push_back(id);
  return id;
}

void ClusterState::bucket_push(SpreadBuckets& b, InstanceIdx i, std::size_t slot, std::size_t level) {
  if (slot >= b.slots.size()) b.slots.resize(slot + 1, std::vector<std::vector<InstanceIdx>>(1));
  auto& levels = b.slots[slot];
  // Levels are never taken away: a level that empties keeps its storage for the next task.
  if (level >= levels.size()) levels.resize(level + 1);
  auto& bucket = levels[level];
  b.position[i] = static_cast<std::uint32_t>(bucket.size());
  bucket.push_back(i);
}

void ClusterState::bucket_erase(SpreadBuckets& b, InstanceIdx i, std::size_t slot, std::size_t level) {
  auto& bucket = b.slots[slot][level];
  const std::uint32_t at = b.position[i];
  assert(at < bucket.size() && bucket[at] == i);
  // Swap with the last member: O(1), and the order stays a function of the history.
  const InstanceIdx last = bucket.back();
  bucket[at] = last;
  b.position[last] = at;
  bucket.pop_back();
}

void ClusterState::buckets_remove(InstanceIdx i) {
  if (schedulable[i] == 0) return;
  for (auto& b : spread_buckets_) bucket_erase(b, i, bucket_slot_of(b, i), bucket_level_of(b, i));
}

void ClusterState::buckets_insert(InstanceIdx i) {
  if (schedulable[i] == 0) return;
  for (auto& b : spread_buckets_) bucket_push(b, i, bucket_slot_of(b, i), bucket_level_of(b, i));
}

void ClusterState::set_schedulable(InstanceIdx i, bool on) {
  const auto flag = static_cast<std::uint8_t>(on ? 1 : 0);
  if (schedulable[i] == flag) return;
  if (!on) {
    index_remove(i);
    buckets_remove(i);
  }
  schedulable[i] = flag;
  if (on) {
    index_insert(i);
    buckets_insert(i);
  }
  fit_update(i);
  if (schedulable_batch_) return;  // end_schedulable_batch rebuilds the list
  if (on) {
    schedulable_list.insert(i);
  } else {
    schedulable_list.erase(i);
  }
}

void ClusterState::end_schedulable_batch() {
  schedulable_batch_ = false;
  std::vector<InstanceIdx> members;
  for (InstanceIdx i = 0; i < size(); ++i) {
    if (schedulable[i] != 0) members.push_back(i);
  }
  schedulable_list.assign(std::move(members));
}

void ClusterState::adjust_group(InstanceIdx i, GroupIdx g, std::int32_t delta) {
  if (group_tracked_[g]) group_on_instance_[g][i] += delta;
  if (schedulable[i] != 0) {
    // The instance moves one level up or down in each of the group's bucket sets.
    for (const std::uint32_t id : buckets_of_group_[g]) {
      auto& b = spread_buckets_[id];
      const std::size_t slot = bucket_slot_of(b, i);
      const std::size_t level = bucket_level_of(b, i);
      bucket_erase(b, i, slot, static_cast<std::size_t>(static_cast<std::int64_t>(level) - delta));
      bucket_push(b, i, slot, level);
    }
  }
  for (const std::uint32_t t : spread_of_group_[g]) {
    auto& tracker = spread_trackers_[t];
    const std::int32_t v = attribute_value_of[tracker.attribute][i];
    tracker.counts[static_cast<std::size_t>(v + 1)] += delta;
  }
}

void ClusterState::set_attachments(InstanceIdx i, std::int32_t free, bool enis_count) {
  free_attachments[i] = free;
  eni_attachments[i] = enis_count ? 1 : 0;
}

void ClusterState::reserve(InstanceIdx i, const Resources& need, const std::vector<std::uint16_t>& tcp,
                           const std::vector<std::uint16_t>& udp, GroupIdx g) {
  // A wrong placement here would make every figure after it wrong, with exit 0.
  ECSIM_CHECK(free_cpu[i] >= need.cpu && free_memory_mib[i] >= need.memory_mib && free_gpus[i] >= need.gpus &&
                  free_enis[i] >= need.enis,
              "a task placed on an instance without room for it");
  free_cpu[i] -= need.cpu;
  free_memory_mib[i] -= need.memory_mib;
  free_gpus[i] -= need.gpus;
  free_enis[i] -= need.enis;
  free_attachments[i] -= attachments_needed(i, need);
  if (!tcp.empty()) insert_sorted(tcp_ports[i], tcp);
  if (!udp.empty()) insert_sorted(udp_ports[i], udp);
  if (need.cpu != 0 || need.memory_mib != 0) {
    if (!free_indexes_.empty()) index_update(i);  // no read of schedulable[i] when no index is on
    fit_update(i);
  }
  ++task_count[i];
  adjust_group(i, g, +1);
}

void ClusterState::release(InstanceIdx i, const Resources& need, const std::vector<std::uint16_t>& tcp,
                           const std::vector<std::uint16_t>& udp, GroupIdx g, ReleasePart part) {
  if (part != ReleasePart::kAtStopped) {
    free_cpu[i] += need.cpu;
    free_memory_mib[i] += need.memory_mib;
    free_gpus[i] += need.gpus;
    if (!tcp.empty()) erase_sorted(tcp_ports[i], tcp);
    if (!udp.empty()) erase_sorted(udp_ports[i], udp);
    if (need.cpu != 0 || need.memory_mib != 0) {
      if (!free_indexes_.empty()) index_update(i);
      fit_update(i);
    }
    --task_count[i];
    adjust_group(i, g, -1);
  }
  if (part != ReleasePart::kAtStopping) {
    free_enis[i] += need.enis;
    free_attachments[i] += attachments_needed(i, need);
  }
  ECSIM_CHECK(free_cpu[i] <= registered_cpu[i] && free_memory_mib[i] <= registered_memory_mib[i],
              "an instance with more free than registered after a release");
}

}  // namespace ecsim::sim
