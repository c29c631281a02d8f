// TaskSlots (sim/task_pages.h): slot parts stay where they were put over many slabs, aligned for
// their type; a freed task's slot serves the next task; there are as many slots as tasks alive at
// once, whatever order they end in; a page of task numbers is freed only once all its tasks are.
#include "sim/task_pages.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/random.h"

using namespace ecsim::sim;

namespace {

struct alignas(64) Line {
  std::uint64_t value = 0;
  std::uint32_t task = 0;
};
struct Extra {  // 24 bytes, as the engine's
  std::uint32_t word[6] = {};
};
using Slots = TaskSlots<Line, Extra>;

}  // namespace

TEST_CASE("task slots: slot parts keep their values and addresses over many slabs, aligned for their type", "[sim]") {
  Slots slots;
  // Enough pages to pass several slabs (64 KiB doubling to 2 MiB) of each part.
  const std::uint32_t n = 600 * kTaskPageSize + 17;
  std::vector<const Line*> lines;
  std::vector<const Extra*> extras;
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t slot = slots.add();
    REQUIRE(slot == t);  // nothing given back: a new slot each
    slots.fields(slot) = Line{std::uint64_t{t} * 3 + 1, t};
    slots.extra(slot).word[0] = t ^ 0x5a5a5a5au;
    slots.extra(slot).word[5] = ~t;
    lines.push_back(&slots.fields(slot));
    extras.push_back(&slots.extra(slot));
  }
  REQUIRE(slots.size() == n);
  REQUIRE(slots.slots() == n);
  std::set<const void*> distinct;
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t slot = slots.slot(t);
    REQUIRE(&slots.fields(slot) == lines[t]);
    REQUIRE(&slots.extra(slot) == extras[t]);
    REQUIRE(slots.fields(slot).value == std::uint64_t{t} * 3 + 1);
    REQUIRE(slots.fields(slot).task == t);
    REQUIRE(slots.extra(slot).word[0] == (t ^ 0x5a5a5a5au));
    REQUIRE(slots.extra(slot).word[5] == ~t);
    REQUIRE(reinterpret_cast<std::uintptr_t>(lines[t]) % 64 == 0);
    REQUIRE(reinterpret_cast<std::uintptr_t>(extras[t]) % alignof(Extra) == 0);
    distinct.insert(lines[t]);
    distinct.insert(extras[t]);
  }
  CHECK(distinct.size() == 2 * std::size_t{n});  // no two parts share memory
}

TEST_CASE("task slots: a freed task's slot goes to the next task, and only freed tasks read as freed", "[sim]") {
  Slots slots;
  for (std::uint32_t t = 0; t < 10; ++t) REQUIRE(slots.add() == t);
  slots.free(3);
  slots.free(7);
  CHECK(slots.freed(3));
  CHECK(slots.slot(7) == Slots::kFreed);
  CHECK_FALSE(slots.freed(4));
  CHECK(slots.slot(4) == 4);
  CHECK(slots.add() == 7);  // the slot given back last
  CHECK(slots.add() == 3);
  CHECK(slots.add() == 10);  // none spare: a new one
  CHECK(slots.size() == 13);
  CHECK(slots.slots() == 11);
  CHECK(slots.slot(10) == 7);
  CHECK(slots.slot(11) == 3);
  CHECK(slots.slot(12) == 10);
}

TEST_CASE("task slots: the slots in use are as many as the tasks alive at once, whatever their order", "[sim]") {
  // Tasks arrive one by one and each lives a random number of arrivals (a few live long, as a
  // service's tasks among a batch job's): the slots made are the most alive at once, and every
  // live task keeps a slot of its own.
  Slots slots;
  RandomStream rng(5, "slots");
  std::vector<std::vector<std::uint32_t>> ends(200'000);
  std::set<std::uint32_t> in_use;
  std::vector<std::uint32_t> slot_of;
  std::size_t alive = 0, most = 0;
  for (std::uint32_t t = 0; t < 150'000; ++t) {
    for (const std::uint32_t done : ends[t]) {
      REQUIRE(in_use.erase(slots.slot(done)) == 1);
      slots.free(done);
      --alive;
    }
    const std::uint32_t slot = slots.add();
    REQUIRE(in_use.insert(slot).second);
    slots.fields(slot).task = t;
    slot_of.push_back(slot);
    most = std::max(most, ++alive);
    const std::uint64_t life = rng.uniform_index(100) == 0 ? 1 + rng.uniform_index(40'000) : 1 + rng.uniform_index(300);
    ends[std::min<std::uint64_t>(t + life, ends.size() - 1)].push_back(t);
  }
  CHECK(slots.slots() == most);
  CHECK(most < 1'000);  // a few hundred alive at once, out of 150,000
  std::size_t checked = 0;
  for (std::uint32_t t = 0; t < slots.size(); ++t) {
    if (slots.freed(t)) continue;
    CHECK(slots.slot(t) == slot_of[t]);
    CHECK(slots.fields(slot_of[t]).task == t);
    ++checked;
  }
  CHECK(checked == alive);
}

TEST_CASE("task slots: a page of task numbers is freed with its last task, and its memory serves a later page", "[sim]") {
  Slots slots;
  for (std::uint32_t t = 0; t < 4 * kTaskPageSize; ++t) slots.add();
  // Page 1 is freed task by task; only its last task frees the page.
  for (std::uint32_t t = kTaskPageSize; t < 2 * kTaskPageSize; ++t) {
    CHECK_FALSE(slots.page_freed(1));
    slots.free(t);
  }
  CHECK(slots.page_freed(1));
  CHECK(slots.freed(kTaskPageSize + 5));
  CHECK_FALSE(slots.page_freed(0));
  CHECK_FALSE(slots.page_freed(2));
  // Page 4's numbers take page 1's slots; the others keep theirs.
  for (std::uint32_t t = 4 * kTaskPageSize; t < 5 * kTaskPageSize; ++t) {
    const std::uint32_t slot = slots.add();
    CHECK(slot >= kTaskPageSize);
    CHECK(slot < 2 * kTaskPageSize);
    CHECK_FALSE(slots.freed(t));
  }
  CHECK(slots.slots() == 4 * kTaskPageSize);
  CHECK(slots.page_freed(1));  // still freed: the new numbers are another page
  for (std::uint32_t t = 0; t < kTaskPageSize; ++t) CHECK(slots.slot(t) == t);
  for (std::uint32_t t = 2 * kTaskPageSize; t < 4 * kTaskPageSize; ++t) CHECK(slots.slot(t) == t);
  // A partly submitted page is never freed early: its numbers still to come are not done.
  slots.add();
  slots.free(5 * kTaskPageSize);
  CHECK_FALSE(slots.page_freed(5));
}
