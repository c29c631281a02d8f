// RankedInstanceList: a set of instance indices, read in increasing order and by rank.
//
// The schedulable instances (ClusterState::schedulable_list) are read two ways on every
// placement: the random strategy draws the member of a uniform rank, and the scans walk the
// members in order over contiguous memory. They change one at a time (an instance lost or
// deregistered, an agent disconnecting or reconnecting). A sorted std::vector serves the reads
// but costs O(n) per change, so n single changes cost O(n^2).
//
// The members are kept in two forms:
//  - a bitmap over instance indices, with a Fenwick tree of its 64-bit words' member counts: a
//    change costs O(log n), and so does finding the member of rank k (a descent of the tree,
//    then a select inside one word);
//  - the sorted array of the members, valid until a change it does not follow (below).
// operator[] reads the array while it is valid (one well-predicted branch more than a vector),
// the tree otherwise. A scan (begin/end, span) rebuilds the array first when it is not: O(n), no
// more than the scan itself. Reads by rank through the tree are counted, and once they have
// cost about what a rebuild costs (size / 64 of them) the array is rebuilt, so that draws after
// a burst of changes get back to the fast path. Every operation costs O(log n) amortised, and
// the member of rank k is the same in both forms: the k-th smallest index.
//
// A change that moves at most max_shift members of the array (4 KB by default: a member appended
// above every other, as instances register in creation order, or one among the last ones) is
// made in the array too, which stays valid: such a move costs no more than a few reads through
// the tree would. Below 1,024 members every change is made that way, as with a sorted vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ecsim::sim {

using InstanceIdx = std::uint32_t;  // an instance's index, in creation order

class RankedInstanceList {
 public:
  static constexpr std::size_t kDefaultMaxShift = 1024;
  // max_shift: see above (0: only appends and erasing the largest keep the array valid).
  explicit RankedInstanceList(std::size_t max_shift = kDefaultMaxShift) : max_shift_(max_shift) {}

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The member of rank k (the k-th smallest, from 0). REQUIRES: k < size().
  InstanceIdx operator[](std::size_t k) const {
    if (stale_) [[unlikely]] return select(k);
    return flat_[k];
  }

  // The members in increasing order, contiguous (like a vector's, valid until the next change).
  std::span<const InstanceIdx> span() const {
    if (stale_) [[unlikely]] refresh();
    return flat_;
  }
  const InstanceIdx* begin() const { return span().data(); }
  const InstanceIdx* end() const {
    const std::span<const InstanceIdx> s = span();
    return s.data() + s.size();
  }

  bool contains(InstanceIdx i) const {
    const std::size_t w = i / 64;
    return w < bits_.size() && ((bits_[w] >> (i % 64)) & 1) != 0;
  }
  // REQUIRES: !contains(i).
  void insert(InstanceIdx i);
  // REQUIRES: contains(i).
  void erase(InstanceIdx i);
  // Replaces the members by `sorted`. REQUIRES: strictly increasing.
  void assign(std::vector<InstanceIdx> sorted);
  void clear() { assign({}); }

  // Whether the sorted array is up to date (operator[] reads it, not the tree).
  bool array_valid() const { return !stale_; }

  friend bool operator==(const RankedInstanceList& a, const std::vector<InstanceIdx>& b);

 private:
  InstanceIdx select(std::size_t k) const;  // by the tree; may rebuild the array
  void refresh() const;                      // rebuilds the array from the bitmap
  void grow(std::size_t words);              // the bitmap and the tree cover `words` words
  void tree_add(std::size_t word, bool add);  // one member more (add) or fewer in `word`

  // Bit i % 64 of word i / 64: i is a member. A power of two of words, or none.
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint32_t> tree_;  // Fenwick tree, 1-based: tree_[m] counts words (m - lowbit(m), m]
  std::size_t size_ = 0;
  std::size_t max_shift_;
  mutable std::vector<InstanceIdx> flat_;  // the members in increasing order, when !stale_
  mutable bool stale_ = false;
  mutable std::size_t slow_reads_ = 0;     // reads by the tree since the array went stale
};

}  // namespace ecsim::sim
