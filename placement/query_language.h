// The ECS cluster query language (Dev Guide "Cluster query language"): the expressions of
// memberOf placement constraints, parsed once and compiled into an evaluator that reads the
// ClusterState of one instance.
//
// Grammar (words case-insensitive, symbols and words interchangeable):
//   expr    := term { ("or" | "||") term }
//   term    := factor { ("and" | "&&") factor }
//   factor  := ("not" | "!") factor | "(" expr ")" | subject operator [argument]
//   subject := attribute:NAME | ec2InstanceId | registeredAt | runningTasksCount | task:group
//            | agentConnected | agentVersion
//   argument:= VALUE | "[" VALUE { "," VALUE } "]"      (VALUE bare or quoted: 'i-abcd1234')
// so `not` binds tighter than `and`, and `and` tighter than `or`.
//
// ecsim's reading where the Dev Guide leaves a choice open (scenarios/README.md, "How ecsim models ECS"):
//  - `=~` / `!~` use RE2 and must match the whole value (Java's String.matches), so `t2.*`
//    means "starts with t2".
//  - An attribute operator other than `not_exists` is false on an instance lacking the
//    attribute: `attribute:stack != prod` selects instances that have `stack` with another
//    value; `not(attribute:stack == prod)` also selects those without it.
//  - `>`, `>=`, `<`, `<=` on attributes compare numbers when both sides are numbers, else the
//    bytes of the strings. runningTasksCount is a whole number, agentVersion a dotted version,
//    registeredAt an instant.
//  - registeredAt = kRunEpoch + the simulated time at which the instance registered.
//  - agentVersion is kAgentVersion on every instance; agentConnected is true while the
//    instance is schedulable (a placement candidate always has it true).
//  - task:group == G holds on instances running at least one task of group G; `!=`, `not_in`
//    and `!~` are the negations of `==`, `in` and `=~` (no task of those groups there).
//    `=~` looks at the task groups the ClusterState knows when the expression is compiled.
//
// Errors are values: a column (1-based, in bytes) and a message phrased to follow "expected ",
// with what was found instead.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster_state.h"

namespace re2 {
class RE2;
}

namespace ecsim::placement {

// The instant the simulated run starts at, for registeredAt.
inline constexpr std::string_view kRunEpoch = "2025-01-01T00:00:00Z";
// The agent version every simulated instance reports, for agentVersion.
inline constexpr std::string_view kAgentVersion = "1.89.0";

struct QueryError {
  std::size_t column = 0;  // 1-based byte offset of the offending token in the expression
  std::string expected;    // follows "expected ": "a value after 'in'"
  std::string got;         // the token found instead, quoted, or "the end of the expression"
  // "column 23: expected a value after 'in', got the end of the expression"
  std::string message() const;
};

// Checks an expression without a cluster: syntax, subjects, the operators each subject takes,
// argument forms (numbers, dates, versions) and regular expressions. nullopt when it is valid.
std::optional<QueryError> check_expression(std::string_view expression);

// The attribute names a valid expression tests with an operator other than `not_exists`, in the
// order written, repeats kept: on an instance lacking one of them that test is false (see the
// reading above), so a name no instance has is almost always a typo (ecsim validate warns).
// Empty when the expression is not valid.
std::vector<std::string> tested_attributes(std::string_view expression);

// One compiled expression. matches() neither allocates nor compares strings in the common
// case: attribute values, instance ids and task groups are resolved to indexes and truth
// tables when the expression is compiled (a value or instance created later is tested on its
// string, still without allocating).
class CompiledQuery {
 public:
  CompiledQuery();
  CompiledQuery(CompiledQuery&&) noexcept;
  CompiledQuery& operator=(CompiledQuery&&) noexcept;
  ~CompiledQuery();

  bool matches(const sim::ClusterState& cluster, sim::InstanceIdx i) const;
  // Whether the expression reads nothing of an instance but attribute a (and agentConnected,
  // true on every placement candidate): then it holds on all the candidates sharing a value
  // of a, or on none of them.
  bool reads_only_attribute(sim::AttributeIdx a) const;

  // Implementation types, public only so that query_language.cpp's helpers can name them.
  enum class Op : std::uint8_t;
  struct Node;
  struct StringTest;

 private:
  friend CompiledQuery compile_query(std::string_view expression, sim::ClusterState& cluster);
  bool eval(std::uint32_t node, const sim::ClusterState& cluster, sim::InstanceIdx i) const;

  std::vector<Node> nodes_;
  std::vector<StringTest> tests_;
  std::vector<sim::GroupIdx> groups_;
  std::uint32_t root_ = 0;
};

// Compiles an expression against `cluster`, interning the attributes and task groups it names
// and turning on per-instance counting for those groups (task:group).
// REQUIRES: check_expression(expression) is nullopt.
CompiledQuery compile_query(std::string_view expression, sim::ClusterState& cluster);

}  // namespace ecsim::placement
