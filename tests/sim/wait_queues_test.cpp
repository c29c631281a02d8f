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
  REQUIRE(slot == a);
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

TEST_CASE("WaitQueues: shapes that cannot fit are skipped unasked, the oldest eligible head of the rest wins", "[sim]") {
  WaitQueues w;
  const std::uint32_t big = w.queue_for(0, Resources{4096, 512, 0, 0, 0});
  const std::uint32_t small = w.queue_for(1, Resources{256, 512, 0, 0, 0});
  const std::uint32_t small2 = w.queue_for(2, Resources{256, 512, 0, 0, 0});
  w.push(big, 1);
  w.push(small, 4);
  w.push(small2, 3);
  w.push(small2, 6);
  std::vector<std::uint32_t> asked;
  const auto fits_1024 = [](const Resources& r) { return r.cpu <= 1024; };
  const auto record = [&](std::uint32_t, std::uint32_t head) {
    asked.push_back(head);
    return true;
  };
  // The big shape's head (1) is older but cannot fit: never asked. Of the small shape, 3 is the
  // oldest head and eligible: 4 is not asked either.
  REQUIRE(w.oldest_head(fits_1024, record) == small2);
  CHECK(asked == std::vector<std::uint32_t>{3});
  REQUIRE(w.pop(small2) == 3);
  // Now 4 (queue small) is older than 6 (small2's new head).
  asked.clear();
  REQUIRE(w.oldest_head(fits_1024, record) == small);
  CHECK(asked == std::vector<std::uint32_t>{4});
  // An ineligible head lets the next one of its shape be asked.
  asked.clear();
  REQUIRE(w.oldest_head(fits_1024, [&](std::uint32_t, std::uint32_t head) {
    asked.push_back(head);
    return head == 6;
  }) == small2);
  CHECK(asked == std::vector<std::uint32_t>{4, 6});
  // Without a fit test every shape counts.
  REQUIRE(w.oldest_head([](std::uint32_t, std::uint32_t) { return true; }) == big);
  // Cancelling a head promotes the next task of its queue.
  w.remove(small2, 6);
  REQUIRE(w.oldest_head(fits_1024, [&](std::uint32_t q, std::uint32_t) { return q == small2; }) == WaitQueues::kNone);
  CHECK(w.waiting() == 2);
}
