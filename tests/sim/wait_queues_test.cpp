#include "sim/wait_queues.h"

#include <catch2/catch.hpp>

using namespace ecsim::sim;

TEST_CASE("WaitQueues: one queue per source and resource shape", "[sim]") {
  WaitQueues w;
  const std::uint32_t a = w.queue_for(0, Resources{256, 512, 0, 0, 0});
  const std::uint32_t b = w.queue_for(0, Resources{256, 1024, 0, 0, 0});
  const std::uint32_t c = w.queue_for(1, Resources{256, 512, 0, 0, 0});
  REQUIRE(a != b);
  REQUIRE(a != c);
  REQUIRE(w.queue_for(0, Resources{256, 512, 0, 0, 0}) == a);
  REQUIRE(w.size() == 3);
}

TEST_CASE("WaitQueues: the oldest eligible head is taken first and queues empty out", "[sim]") {
  WaitQueues w;
  const std::uint32_t a = w.queue_for(0, Resources{256, 512, 0, 0, 0});
  const std::uint32_t b = w.queue_for(1, Resources{256, 512, 0, 0, 0});
  w.push(a, 5);
  w.push(a, 9);
  w.push(b, 7);
  REQUIRE(w.waiting() == 3);
  const auto any = [](std::uint32_t, std::uint32_t) { return true; };
  std::size_t slot = w.oldest_head(any);
  REQUIRE(w.queue_at(slot) == a);
  REQUIRE(w.pop(slot) == 5);
  // Queue b's head (7) is now older than a's (9).
  slot = w.oldest_head(any);
  REQUIRE(w.pop(slot) == 7);
  // Only queue a is eligible.
  REQUIRE(w.oldest_head([&](std::uint32_t q, std::uint32_t) { return q == b; }) == WaitQueues::kNone);
  REQUIRE(w.pop(w.oldest_head(any)) == 9);
  REQUIRE(w.oldest_head(any) == WaitQueues::kNone);
  REQUIRE(w.waiting() == 0);
}

TEST_CASE("WaitQueues: a cancelled task leaves its queue", "[sim]") {
  WaitQueues w;
  const std::uint32_t a = w.queue_for(0, Resources{256, 512, 0, 0, 0});
  w.push(a, 1);
  w.push(a, 2);
  w.remove(a, 1);
  REQUIRE(w.waiting() == 1);
  REQUIRE(w.pop(w.oldest_head([](std::uint32_t, std::uint32_t) { return true; })) == 2);
  w.push(a, 3);
  w.remove(a, 3);
  REQUIRE(w.oldest_head([](std::uint32_t, std::uint32_t) { return true; }) == WaitQueues::kNone);
}
