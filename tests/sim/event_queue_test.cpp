#include "sim/event_queue.h"

#include <catch2/catch.hpp>

#include <vector>

#include "sim/random.h"

using ecsim::sim::Event;
using ecsim::sim::EventQueue;

TEST_CASE("EventQueue: pops in time order", "[sim]") {
  EventQueue q;
  q.push(30, 0, 3);
  q.push(10, 0, 1);
  q.push(20, 0, 2);
  REQUIRE(q.pop().target == 1);
  REQUIRE(q.pop().target == 2);
  REQUIRE(q.pop().target == 3);
  REQUIRE(q.empty());
}

TEST_CASE("EventQueue: equal times pop in insertion order", "[sim]") {
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(5, 0, i);
  q.push(1, 0, 1000);
  REQUIRE(q.pop().target == 1000);
  for (std::uint32_t i = 0; i < 100; ++i) REQUIRE(q.pop().target == i);
}

TEST_CASE("EventQueue: random interleaving of pushes and pops keeps (time, seq) order", "[sim]") {
  EventQueue q;
  ecsim::sim::RandomStream rng(1, "test");
  std::int64_t last_time = -1;
  std::uint64_t last_seq = 0;
  std::size_t popped = 0;
  for (int step = 0; step < 20000; ++step) {
    if (q.empty() || rng.uniform_index(3) != 0) {
      // Never schedule in the past of what was popped: as the engine does.
      const std::int64_t base = last_time < 0 ? 0 : last_time;
      q.push(base + static_cast<std::int64_t>(rng.uniform_index(50)), 0, static_cast<std::uint32_t>(step));
    } else {
      const Event e = q.pop();
      REQUIRE((e.time > last_time || (e.time == last_time && e.seq > last_seq)));
      last_time = e.time;
      last_seq = e.seq;
      ++popped;
    }
  }
  REQUIRE(popped > 1000);
}

TEST_CASE("EventQueue: carries kind and generation unchanged", "[sim]") {
  EventQueue q;
  q.push(7, 42, 9, 65535);
  const Event e = q.pop();
  REQUIRE(e.kind == 42);
  REQUIRE(e.target == 9);
  REQUIRE(e.generation == 65535);
  REQUIRE(q.scheduled() == 1);
}

TEST_CASE("EventQueue: the events that pop next are announced before they pop, at most kSoon at once", "[sim]") {
  EventQueue q;
  ecsim::sim::RandomStream rng(3, "soon");
  std::vector<std::uint8_t> pending(5000, 0), announced(5000, 0);
  std::int64_t now = 0;
  std::uint32_t next = 0, hits = 0, pops = 0;
  while (next < 5000 || !q.empty()) {
    if (next < 5000 && (q.empty() || rng.uniform_index(2) == 0)) {
      pending[next] = 1;
      q.push(now + static_cast<std::int64_t>(rng.uniform_index(1000)), 0, next++);
      continue;
    }
    const Event e = q.pop();
    const auto soon = q.soon();
    CHECK(soon.size() <= EventQueue::kSoon);
    for (const Event& s : soon) {
      CHECK(pending[s.target] == 1);  // only events still to pop
      CHECK(s.target != e.target);
      announced[s.target] = 1;
    }
    CHECK(e.time >= now);
    now = e.time;
    pending[e.target] = 0;
    ++pops;
    if (announced[e.target] != 0) ++hits;
  }
  CHECK(pops == 5000);
  CHECK(hits > pops / 2);  // most events were announced before they popped
}
