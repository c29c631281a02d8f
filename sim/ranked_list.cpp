#include "sim/ranked_list.h"

#include <algorithm>
#include <bit>

#include "sim/invariant.h"

namespace ecsim::sim {

namespace {

// The position of the r-th set bit of x (from 0). REQUIRES: r < popcount(x). Broadword (the
// build targets no popcnt instruction): the bytes' counts, their running sums in one multiply,
// the byte holding the bit by comparing r with all eight sums at once, then at most 7 steps in
// that byte.
unsigned select_in_word(std::uint64_t x, std::uint64_t r) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;  // 1 in every byte
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  std::uint64_t s = x - ((x >> 1) & 0x5555555555555555u);
  s = (s & 0x3333333333333333u) + ((s >> 2) & 0x3333333333333333u);
  s = (s + (s >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  const std::uint64_t sums = s * kOnes;  // byte j: set bits in bytes 0..j (at most 64: no carries)
  // High bit of byte j set when r >= sums of bytes 0..j: their count is the byte holding bit r.
  const std::uint64_t below = ((r * kOnes) | kHighs) - sums;
  const unsigned shift = static_cast<unsigned>(((((below & kHighs) >> 7) * kOnes) >> 56) * 8);
  r -= ((sums << 8) >> shift) & 0xFFu;
  std::uint64_t byte = (x >> shift) & 0xFFu;
  for (; r != 0; --r) byte &= byte - 1;
  return shift + static_cast<unsigned>(std::countr_zero(byte));
}

std::size_t lowbit(std::size_t m) { return m & (~m + 1); }

// Reads by the tree after a change, per member, before the array is rebuilt. A read by the tree
// (a descent of log2(n / 64) steps, then a select in a word) costs 20-60 ns more than a read of
// the array, rebuilding the array about 0.5 ns per member (measured at 1,000 to 800,000 members):
// a read by the tree costs about what rebuilding 64 members does, so the reads made before a
// rebuild cost about as much as the rebuild, and draws after a burst of changes pay at most twice
// what they would with the best choice of when to rebuild.
constexpr std::size_t kMembersPerSlowRead = 64;

}  // namespace

void RankedInstanceList::grow(std::size_t words) {
  // A power of two, so that the descent of select() needs no bounds check.
  words = std::bit_ceil(words);
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
  if (stale_) return;
  // In the array too when at most max_shift_ members follow i there.
  const std::size_t from = flat_.size() > max_shift_ ? flat_.size() - max_shift_ : 0;
  if (from != 0 && flat_[from - 1] > i) {
    stale_ = true;
    return;
  }
  flat_.insert(std::lower_bound(flat_.begin() + static_cast<std::ptrdiff_t>(from), flat_.end(), i), i);
}

void RankedInstanceList::erase(InstanceIdx i) {
  const std::size_t w = i / 64;
  const std::uint64_t bit = std::uint64_t{1} << (i % 64);
  ECSIM_CHECK(w < bits_.size() && (bits_[w] & bit) != 0, "an instance erased from a ranked list that lacks it");
  bits_[w] &= ~bit;
  tree_add(w, false);
  --size_;
  if (stale_) return;
  const std::size_t from = flat_.size() > max_shift_ + 1 ? flat_.size() - max_shift_ - 1 : 0;
  if (flat_[from] > i) {
    stale_ = true;
    return;
  }
  flat_.erase(std::lower_bound(flat_.begin() + static_cast<std::ptrdiff_t>(from), flat_.end(), i));
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
  if (++slow_reads_ > size_ / kMembersPerSlowRead + 1) {
    refresh();
    return flat_[k];
  }
  // The largest pos whose words before it hold at most k members: word pos holds rank k. The
  // steps are taken or not by masks: about half are, in no pattern a branch predictor learns.
  std::size_t pos = 0;
  std::size_t rem = k;
  const std::uint32_t* tree = tree_.data();
  // (Node bits_.size() counts every member: never taken.)
  for (std::size_t step = bits_.size() / 2; step != 0; step /= 2) {
    const std::size_t count = tree[pos + step];
    const std::size_t take = std::size_t{0} - static_cast<std::size_t>(count <= rem);
    pos += step & take;
    rem -= count & take;
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
