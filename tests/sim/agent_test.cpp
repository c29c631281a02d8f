#include "sim/agent.h"

#include <catch2/catch.hpp>

using namespace ecsim::sim;

namespace {

ClusterState one_instance() {
  ClusterState c;
  c.add_instance("g-1", 0, 0, 0, 1024, 2048, 0, 2, {});
  return c;
}

const std::vector<std::uint16_t> kNone;

}  // namespace

TEST_CASE("AgentLedgers: a task placed onto resources a STOPPING task holds waits until they are released",
          "[sim][ecs]") {
  // AWS containers blog "Improvements to Amazon ECS task launch behavior when tasks have
  // prolonged shutdown": the agent holds the new task in PENDING until the resources are free.
  const ClusterState c = one_instance();
  AgentLedgers a;
  a.reset(1, true);
  const Resources big{768, 1024, 0, 0, 0};
  const Resources small{256, 512, 0, 0, 0};
  REQUIRE(a.accept(0, 0, AgentTask{&big, &kNone, &kNone}, c));
  // Task 1 does not fit beside task 0 on the agent's ledger: queued.
  REQUIRE_FALSE(a.accept(0, 1, AgentTask{&big, &kNone, &kNone}, c));
  // Task 2 would fit, but starts in FIFO order behind task 1.
  REQUIRE_FALSE(a.accept(0, 2, AgentTask{&small, &kNone, &kNone}, c));
  std::vector<std::uint32_t> started;
  const auto shape = [&](std::uint32_t t) { return AgentTask{t == 2 ? &small : &big, &kNone, &kNone}; };
  a.drain(0, c, shape, [&](std::uint32_t t) { started.push_back(t); });
  REQUIRE(started.empty());
  a.release(0, big);  // task 0's containers have stopped
  a.drain(0, c, shape, [&](std::uint32_t t) { started.push_back(t); });
  REQUIRE(started == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("AgentLedgers: a STOPPING task's static host ports stay bound until it has stopped", "[sim][ecs]") {
  // Agent host_resource_manager.go: PORTS_TCP are part of the agent's ledger.
  const ClusterState c = one_instance();
  AgentLedgers a;
  a.reset(1, true);
  const Resources need{128, 128, 0, 0, 0};
  const std::vector<std::uint16_t> http = {80};
  REQUIRE(a.accept(0, 0, AgentTask{&need, &http, &kNone}, c));
  a.stopping_begins(0, AgentTask{&need, &http, &kNone});
  REQUIRE_FALSE(a.fits(0, AgentTask{&need, &http, &kNone}, c));
  REQUIRE(a.fits(0, AgentTask{&need, &kNone, &kNone}, c));
  a.stopping_ends(0, AgentTask{&need, &http, &kNone});
  a.release(0, need);
  REQUIRE(a.fits(0, AgentTask{&need, &http, &kNone}, c));
}

TEST_CASE("AgentLedgers: a queued task that stops leaves the queue, and disabled ledgers start everything",
          "[sim]") {
  const ClusterState c = one_instance();
  AgentLedgers a;
  a.reset(1, true);
  const Resources all{1024, 2048, 0, 0, 0};
  REQUIRE(a.accept(0, 0, AgentTask{&all, &kNone, &kNone}, c));
  REQUIRE_FALSE(a.accept(0, 1, AgentTask{&all, &kNone, &kNone}, c));
  a.cancel_queued(0, 1);
  a.release(0, all);
  std::vector<std::uint32_t> started;
  a.drain(0, c, [&](std::uint32_t) { return AgentTask{&all, &kNone, &kNone}; },
          [&](std::uint32_t t) { started.push_back(t); });
  REQUIRE(started.empty());

  AgentLedgers before_2023;
  before_2023.reset(1, false);
  REQUIRE(before_2023.accept(0, 0, AgentTask{&all, &kNone, &kNone}, c));
  REQUIRE(before_2023.accept(0, 1, AgentTask{&all, &kNone, &kNone}, c));
}
