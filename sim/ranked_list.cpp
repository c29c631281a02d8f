#include "sim/ranked_list.h"

#include <algorithm>
#include <bit>

#include "sim/invariant.h"

namespace ecsim::sim {

namespace {

// The position of the r-th set bit of x (from 0). REQUIRES: r < popcount(x).
unsigned select_in_word(std::uint64_t x, std::size_t r) {
  unsigned shift = 0;
  for (;;) {
    const auto in_byte = static_cast<std::size_t>(std::popcount((x >> shift) & 0xFFu));
    if (r < in_byte) break;
    r -= in_byte;
    shift += 8;
  }
  x >>= shift;
  for (; r != 0; --r) x &= x - 1;
  return shift + static_cast<unsigned>(std::countr_zero(x));
}

std::size_t lowbit(std::size_t m) { return m & (~m + 1); }

// Reads by the tree after a change, per member, before the array is rebuilt: a read by the tree
// (a descent of about log2(n / 64) steps, then a select in a word) costs about what rebuilding
// 16 members of the array does, so the reads pay for the rebuild they trigger.
constexpr std::size_t kMembersPerSlowRead = 16;

}  // namespace

void RankedInstanceList::grow(std::size_t words) {
  const std::size_t old = bits_.size();
  bits_.resize(words, 0);
  tree_.resize(words + 1, 0);
  for (std::size_t m = old + 1; m <= words; ++m) {
    // Node m counts words (m - lowbit(m), m]: its own (new, empty) word and the nodes m - 1,
    // m - 2, m - 4, ... that cover the rest.
    std::uint32_t sum = 0;
    for (std::size_t step = 1; step < lowbit(m); step *= 2) sum += tree_[m - step];
    tree_[m] = sum;
  }
  if (top_ == 0) top_ = 1;
  while (top_ * 2 <= words) top_ *= 2;
}

void RankedInstanceList::tree_add(std::size_t word, bool add) {
  for (std::size_t m = word + 1; m < tree_.size(); m += lowbit(m)) {
    if (add) {
      ++tree_[m];
    } else {
      --tree_[m];
    }
  }
}

void RankedInstanceList::insert(InstanceIdx i) {
  const std::size_t w = i / 64;
  if (w >= bits_.size()) grow(w + 1);
  const std::uint64_t bit = std::uint64_t{1} << (i % 64);
  ECSIM_CHECK((bits_[w] & bit) == 0, "an instance added to a ranked list that holds it");
  bits_[w] |= bit;
  tree_add(w, true);
  ++size_;
  if (!stale_ && (flat_.empty() || flat_.back() < i)) {
    flat_.push_back(i);
  } else {
    stale_ = true;
  }
}

void RankedInstanceList::erase(InstanceIdx i) {
  const std::size_t w = i / 64;
  const std::uint64_t bit = std::uint64_t{1} << (i % 64);
  ECSIM_CHECK(w < bits_.size() && (bits_[w] & bit) != 0, "an instance erased from a ranked list that lacks it");
  bits_[w] &= ~bit;
  tree_add(w, false);
  --size_;
  if (!stale_ && flat_.back() == i) {
    flat_.pop_back();
  } else {
    stale_ = true;
  }
}

void RankedInstanceList::assign(std::vector<InstanceIdx> sorted) {
  for (std::size_t k = 1; k < sorted.size(); ++k) {
    ECSIM_CHECK(sorted[k - 1] < sorted[k], "a ranked list assigned members out of order");
  }
  std::fill(bits_.begin(), bits_.end(), 0);
  if (!sorted.empty() && sorted.back() / 64 >= bits_.size()) grow(sorted.back() / 64 + 1);
  for (const InstanceIdx i : sorted) bits_[i / 64] |= std::uint64_t{1} << (i % 64);
  // The tree in O(words): each node passes its count on to its parent.
  const std::size_t words = bits_.size();
  std::fill(tree_.begin(), tree_.end(), 0);
  for (std::size_t m = 1; m <= words; ++m) {
    tree_[m] += static_cast<std::uint32_t>(std::popcount(bits_[m - 1]));
    if (m + lowbit(m) <= words) tree_[m + lowbit(m)] += tree_[m];
  }
  size_ = sorted.size();
  flat_ = std::move(sorted);
  stale_ = false;
  slow_reads_ = 0;
}

InstanceIdx RankedInstanceList::select(std::size_t k) const {
  if (++slow_reads_ > size_ / kMembersPerSlowRead) {
    refresh();
    return flat_[k];
  }
  // The largest pos whose words before it hold at most k members: word pos holds rank k.
  std::size_t pos = 0;
  std::size_t rem = k;
  for (std::size_t step = top_; step != 0; step /= 2) {
    const std::size_t next = pos + step;
    if (next < tree_.size() && tree_[next] <= rem) {
      pos = next;
      rem -= tree_[next];
    }
  }
  return static_cast<InstanceIdx>(pos * 64 + select_in_word(bits_[pos], rem));
}

void RankedInstanceList::refresh() const {
  flat_.resize(size_);
  InstanceIdx* out = flat_.data();
  for (std::size_t w = 0; w < bits_.size(); ++w) {
    for (std::uint64_t x = bits_[w]; x != 0; x &= x - 1) {
      *out++ = static_cast<InstanceIdx>(w * 64 + static_cast<std::size_t>(std::countr_zero(x)));
    }
  }
  stale_ = false;
  slow_reads_ = 0;
}

bool operator==(const RankedInstanceList& a, const std::vector<InstanceIdx>& b) {
  const std::span<const InstanceIdx> s = a.span();
  return std::equal(s.begin(), s.end(), b.begin(), b.end());
}

}  // namespace ecsim::sim
