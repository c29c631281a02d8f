#include "sim/ranked_list.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/invariant.h"
#include "sim/random.h"

using ecsim::sim::InstanceIdx;
using ecsim::sim::RankedInstanceList;

namespace {

// Every read agrees with the sorted vector `model`: size, each rank, the in-order scan.
void require_same(const RankedInstanceList& list, const std::vector<InstanceIdx>& model) {
  REQUIRE(list.size() == model.size());
  REQUIRE(list.empty() == model.empty());
  for (std::size_t k = 0; k < model.size(); ++k) REQUIRE(list[k] == model[k]);
  REQUIRE(list == model);
  REQUIRE(std::vector<InstanceIdx>(list.begin(), list.end()) == model);
}

// A list holding `members` (sorted) whose array is stale and has not been read by rank since:
// its next read by rank goes through the tree.
RankedInstanceList stale_list(const std::vector<InstanceIdx>& members) {
  RankedInstanceList list(0);
  std::vector<InstanceIdx> rest;
  for (std::size_t k = 0; k < members.size(); ++k) {
    if (k % 2 == 0) {
      list.insert(members[k]);
    } else {
      rest.push_back(members[k]);
    }
  }
  for (auto it = rest.rbegin(); it != rest.rend(); ++it) list.insert(*it);  // out of order
  if (!list.empty() && list.array_valid()) {
    // Every member went in above the others (one member): put the smallest back under a
    // larger one, then take that one out.
    const InstanceIdx above = members.back() + 1;
    list.erase(members[0]);
    list.insert(above);
    list.insert(members[0]);
    list.erase(above);
  }
  return list;
}

}  // namespace

TEST_CASE("RankedInstanceList: empty, one member, back to empty", "[sim][ranked_list]") {
  RankedInstanceList list;
  require_same(list, {});
  REQUIRE(list.begin() == list.end());
  list.insert(5);
  REQUIRE(list.contains(5));
  REQUIRE_FALSE(list.contains(4));
  REQUIRE_FALSE(list.contains(1000));
  require_same(list, {5});
  list.erase(5);
  require_same(list, {});
  list.insert(0);
  require_same(list, {0});
  list.clear();
  require_same(list, {});
  REQUIRE_FALSE(list.contains(0));
}

TEST_CASE("RankedInstanceList: appends and erasing the largest keep the array", "[sim][ranked_list]") {
  RankedInstanceList list(0);
  for (InstanceIdx i = 0; i < 300; i += 3) {
    list.insert(i);
    REQUIRE(list.array_valid());
  }
  list.erase(297);
  REQUIRE(list.array_valid());
  list.erase(3);  // not the largest: the array goes stale
  REQUIRE_FALSE(list.array_valid());
  REQUIRE(list[1] == 6);
  (void)list.span();  // a scan rebuilds it
  REQUIRE(list.array_valid());
  list.insert(4);  // below the largest
  REQUIRE_FALSE(list.array_valid());
  std::vector<InstanceIdx> model;
  for (InstanceIdx i = 0; i < 297; i += 3) {
    if (i != 3) model.push_back(i);
  }
  model.insert(model.begin() + 1, 4);
  require_same(list, model);
}

TEST_CASE("RankedInstanceList: a change that moves at most max_shift members keeps the array", "[sim][ranked_list]") {
  RankedInstanceList list(4);
  std::vector<InstanceIdx> model;
  for (InstanceIdx i = 0; i < 100; i += 10) {
    list.insert(i);
    model.push_back(i);
  }
  list.insert(55);  // 4 members follow it: 60, 70, 80, 90
  model.insert(model.begin() + 6, 55);
  REQUIRE(list.array_valid());
  require_same(list, model);
  list.erase(55);
  model.erase(model.begin() + 6);
  REQUIRE(list.array_valid());
  list.erase(50);  // 4 follow it
  model.erase(model.begin() + 5);
  REQUIRE(list.array_valid());
  require_same(list, model);
  list.insert(35);  // 5 would follow it: 40, 60, 70, 80, 90
  model.insert(model.begin() + 4, 35);
  REQUIRE_FALSE(list.array_valid());
  require_same(list, model);
  REQUIRE(list.array_valid());  // the scan rebuilt it
  list.erase(35);  // 5 follow it
  model.erase(model.begin() + 4);
  REQUIRE_FALSE(list.array_valid());
  require_same(list, model);

  RankedInstanceList vector_like;  // the default: below 1,024 members every change keeps the array
  for (InstanceIdx i = 1000; i-- > 0;) {
    vector_like.insert(i);
    REQUIRE(vector_like.array_valid());
  }
  vector_like.erase(0);
  REQUIRE(vector_like.array_valid());
  vector_like.insert(1000);
  vector_like.insert(0);  // 1,000 follow it
  REQUIRE(vector_like.array_valid());
  vector_like.erase(1000);
  vector_like.insert(1001);
  vector_like.erase(0);  // 1,000 follow it
  REQUIRE(vector_like.array_valid());
}

TEST_CASE("RankedInstanceList: reads by the tree rebuild the array after size / 64 of them", "[sim][ranked_list]") {
  std::vector<InstanceIdx> model;
  for (InstanceIdx i = 0; i < 6400; ++i) model.push_back(2 * i + 1);
  RankedInstanceList list = stale_list(model);
  REQUIRE_FALSE(list.array_valid());
  for (std::size_t k = 0; k < 6400 / 64 + 1; ++k) {
    REQUIRE(list[k * 13] == model[k * 13]);
    REQUIRE_FALSE(list.array_valid());
  }
  REQUIRE(list[6399] == model[6399]);
  REQUIRE(list.array_valid());
}

TEST_CASE("RankedInstanceList: every rank by the tree, at word and tree boundaries", "[sim][ranked_list]") {
  ecsim::sim::RandomStream rng(1, "ranked-list-select");
  for (const std::size_t universe : {1u, 2u, 63u, 64u, 65u, 127u, 128u, 129u, 1023u, 1024u, 1025u, 4096u, 4097u}) {
    for (const int density : {1, 2, 50, 100}) {  // percent of the universe
      std::vector<InstanceIdx> model;
      for (std::size_t i = 0; i < universe; ++i) {
        if (density == 100 || rng.uniform_index(100) < static_cast<std::uint64_t>(density)) {
          model.push_back(static_cast<InstanceIdx>(i));
        }
      }
      if (model.empty()) model.push_back(static_cast<InstanceIdx>(universe - 1));
      CAPTURE(universe, density, model.size());
      const RankedInstanceList list = stale_list(model);
      REQUIRE_FALSE(list.array_valid());
      for (std::size_t k = 0; k < model.size(); ++k) {
        const RankedInstanceList copy = list;  // its first read by rank goes through the tree
        REQUIRE(copy[k] == model[k]);
      }
      require_same(list, model);
    }
  }
}

TEST_CASE("RankedInstanceList: random inserts, erases and reads match a sorted vector", "[sim][ranked_list]") {
  ecsim::sim::RandomStream rng(1, "ranked-list");
  std::size_t reads_by_tree = 0;
  for (const std::size_t max_shift : {0u, 16u, 1024u}) {
    for (const std::size_t universe : {1u, 2u, 64u, 65u, 200u, 1000u, 5000u, 20000u}) {
      CAPTURE(max_shift, universe);
      RankedInstanceList list(max_shift);
      std::vector<InstanceIdx> model;
      const std::size_t steps = universe < 1000 ? 4000 : 4 * universe;
      for (std::size_t step = 0; step < steps; ++step) {
        const std::uint64_t op = rng.uniform_index(100);
        const auto i = static_cast<InstanceIdx>(rng.uniform_index(universe));
        const auto at = std::lower_bound(model.begin(), model.end(), i);
        const bool member = at != model.end() && *at == i;
        REQUIRE(list.contains(i) == member);
        if (op < 40) {  // a change: insert a non-member, erase a member
          if (member) {
            list.erase(i);
            model.erase(at);
          } else {
            list.insert(i);
            model.insert(at, i);
          }
        } else if (op < 90) {  // a read by rank
          if (!model.empty()) {
            const std::size_t k = rng.uniform_index(model.size());
            if (!list.array_valid()) ++reads_by_tree;
            REQUIRE(list[k] == model[k]);
          }
        } else if (op < 95) {  // a scan
          REQUIRE(list == model);
        } else if (op < 98) {  // a copy, read and changed independently
          RankedInstanceList copy = list;
          REQUIRE(copy.size() == model.size());
          if (!model.empty()) {
            copy.erase(model.front());
            REQUIRE(list.contains(model.front()));
          }
        } else if (op < 99) {  // the whole list replaced
          std::vector<InstanceIdx> fresh;
          for (std::size_t j = 0; j < universe; ++j) {
            if (rng.uniform_index(3) == 0) fresh.push_back(static_cast<InstanceIdx>(j));
          }
          list.assign(fresh);
          model = fresh;
          REQUIRE(list.array_valid());
        }
        REQUIRE(list.size() == model.size());
      }
      require_same(list, model);
    }
  }
  REQUIRE(reads_by_tree > 1000);
}

TEST_CASE("RankedInstanceList: a member added twice, a missing one erased or an unsorted assign is refused",
          "[sim][ranked_list]") {
  RankedInstanceList list;
  list.insert(3);
  REQUIRE_THROWS_AS(list.insert(3), ecsim::sim::InvariantError);
  REQUIRE_THROWS_AS(list.erase(4), ecsim::sim::InvariantError);
  REQUIRE_THROWS_AS(list.erase(1000), ecsim::sim::InvariantError);
  REQUIRE_THROWS_AS(list.assign({1, 1}), ecsim::sim::InvariantError);
  REQUIRE_THROWS_AS(list.assign({2, 1}), ecsim::sim::InvariantError);
}
