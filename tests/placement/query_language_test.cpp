#include "placement/query_language.h"

#include <catch2/catch.hpp>

#include "placement/registry.h"
#include "sim/placer.h"

using namespace ecsim;
using placement::check_expression;
using placement::compile_query;
using sim::ClusterState;
using sim::InstanceIdx;
using Ids = std::vector<InstanceIdx>;

namespace {

// Four instances, all schedulable unless a test says otherwise:
//   0 i-abcd1234  t2.small    us-east-1a  stack=prod
//   1 i-wxyx7890  g2.2xlarge  us-east-1b  stack=dev
//   2 i-0000003   g2.8xlarge  us-east-1d  (no stack)
//   3 i-0000004   m5.large    us-east-1c  stack=prod
struct Cluster {
  ClusterState cluster;

  Cluster() {
    const char* ids[] = {"i-abcd1234", "i-wxyx7890", "i-0000003", "i-0000004"};
    const char* types[] = {"t2.small", "g2.2xlarge", "g2.8xlarge", "m5.large"};
    const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1d", "us-east-1c"};
    const char* stacks[] = {"prod", "dev", nullptr, "prod"};
    cluster.intern_attribute("ecs.availability-zone");
    cluster.intern_attribute("ecs.instance-type");
    const sim::AttributeIdx stack = cluster.intern_attribute("stack");
    for (std::uint32_t k = 0; k < 4; ++k) {
      const InstanceIdx i = cluster.add_instance(ids[k], k, 0, 0, 4096, 8192, 0, 2, {});
      cluster.set_attribute(sim::kAttrAvailabilityZone, i, zones[k]);
      cluster.set_attribute(sim::kAttrInstanceType, i, types[k]);
      if (stacks[k] != nullptr) cluster.set_attribute(stack, i, stacks[k]);
      cluster.set_schedulable(i, true);
      cluster.registered_at[i] = static_cast<sim::SimTime>(k) * sim::kHour;
    }
  }

  // The instances on which `expression` holds, in index order.
  Ids select(const std::string& expression) {
    const auto error = check_expression(expression);
    if (error) FAIL(expression << ": " << error->message());
    const placement::CompiledQuery q = compile_query(expression, cluster);
    Ids out;
    for (InstanceIdx i = 0; i < cluster.size(); ++i) {
      if (q.matches(cluster, i)) out.push_back(i);
    }
    return out;
  }
};

std::string error_of(std::string_view expression) {
  const auto error = check_expression(expression);
  return error ? error->message() : "<valid>";
}

}  // namespace

TEST_CASE("query language: the Dev Guide's example expressions select what it says", "[placement][ecs]") {
  // Dev Guide "Cluster query language", examples.
  Cluster c;
  // "attribute:ecs.instance-type == t2.small"
  CHECK(c.select("attribute:ecs.instance-type == t2.small") == Ids{0});
  // "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"
  CHECK(c.select("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]") == Ids{0, 1});
  // "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d"
  CHECK(c.select("attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d") == Ids{1});
  // "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']"
  CHECK(c.select("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']") == Ids{0, 1});
  // "attribute:stack != prod": instances that have the attribute with another value.
  CHECK(c.select("attribute:stack != prod") == Ids{1});
}

TEST_CASE("query language: task:group gives affinity and anti-affinity", "[placement][ecs]") {
  // Dev Guide: "task:group == service:production" (affinity) and "not(task:group == database)"
  // (anti-affinity).
  Cluster c;
  const placement::CompiledQuery affinity = compile_query("task:group == service:production", c.cluster);
  const placement::CompiledQuery anti = compile_query("not(task:group == database)", c.cluster);
  const sim::GroupIdx production = c.cluster.intern_group("service:production");
  const sim::GroupIdx database = c.cluster.intern_group("database");
  CHECK(c.cluster.group_tracked(production));
  CHECK(c.cluster.group_tracked(database));
  c.cluster.reserve(1, sim::Resources{1, 1, 0, 0}, {}, {}, production);
  c.cluster.reserve(2, sim::Resources{1, 1, 0, 0}, {}, {}, database);
  Ids with_affinity, with_anti;
  for (InstanceIdx i = 0; i < 4; ++i) {
    if (affinity.matches(c.cluster, i)) with_affinity.push_back(i);
    if (anti.matches(c.cluster, i)) with_anti.push_back(i);
  }
  CHECK(with_affinity == Ids{1});
  CHECK(with_anti == Ids{0, 1, 3});
  // !=, !in and !~ negate ==, in and =~; =~ covers the groups known at compile time.
  CHECK(c.select("task:group != database") == Ids{0, 1, 3});
  CHECK(c.select("task:group in [database, service:production]") == Ids{1, 2});
  CHECK(c.select("task:group !in [database]") == Ids{0, 1, 3});
  CHECK(c.select("task:group =~ service:.*") == Ids{1});
  CHECK(c.select("task:group !~ service:.*") == Ids{0, 2, 3});
}

TEST_CASE("query language: runningTasksCount, registeredAt and agentVersion compare as numbers, instants, versions", "[placement][ecs]") {
  Cluster c;
  c.cluster.running_count[1] = 1;
  c.cluster.running_count[2] = 12;
  // Dev Guide: "runningTasksCount == 1".
  CHECK(c.select("runningTasksCount == 1") == Ids{1});
  CHECK(c.select("runningTasksCount > 2") == Ids{2});  // 12 > 2 as numbers, not as strings
  CHECK(c.select("runningTasksCount <= 1") == Ids{0, 1, 3});
  // Dev Guide: "registeredAt < 2018-02-13". ecsim's run starts at 2025-01-01T00:00:00Z, so no
  // instance registered before 2018.
  CHECK(placement::kRunEpoch == "2025-01-01T00:00:00Z");
  CHECK(c.select("registeredAt < 2018-02-13").empty());
  CHECK(c.select("registeredAt >= 2018-02-13") == Ids{0, 1, 2, 3});
  // Instance k registered k hours into the run; every accepted form of the same instant agrees.
  CHECK(c.select("registeredAt == 2025-01-01T02:00:00Z") == Ids{2});
  CHECK(c.select("registeredAt == 2025-01-01T02:00:00+00:00") == Ids{2});
  CHECK(c.select("registeredAt == 2025-01-01T03:00:00+01:00") == Ids{2});
  CHECK(c.select("registeredAt == 2025-01-01T02:00:00") == Ids{2});
  CHECK(c.select("registeredAt < 2025-01-01T01:30:00") == Ids{0, 1});
  CHECK(c.select("registeredAt <= 2025-01-01") == Ids{0});
  // Dev Guide: "agentVersion < 1.14.5". Every instance runs agent 1.89.0, compared part by part
  // as numbers (1.89 > 1.9 and 1.89 < 1.100, unlike strings).
  CHECK(placement::kAgentVersion == "1.89.0");
  CHECK(c.select("agentVersion < 1.14.5").empty());
  CHECK(c.select("agentVersion > 1.9") == Ids{0, 1, 2, 3});
  CHECK(c.select("agentVersion == 1.89") == Ids{0, 1, 2, 3});
  CHECK(c.select("agentVersion >= 1.100").empty());
}

TEST_CASE("query language: agentConnected is true while the instance is schedulable", "[placement]") {
  Cluster c;
  c.cluster.set_schedulable(3, false);
  CHECK(c.select("agentConnected == true") == Ids{0, 1, 2});
  CHECK(c.select("agentConnected != TRUE") == Ids{3});
  CHECK(c.select("agentConnected in [false]") == Ids{3});
  CHECK(c.select("agentConnected =~ t.*") == Ids{0, 1, 2});
}

TEST_CASE("query language: and binds tighter than or, not tighter than and", "[placement]") {
  // The Dev Guide does not say; ecsim follows the usual order.
  Cluster c;
  // a or (b and c): instance 0 (a) plus instances with b and c.
  CHECK(c.select("attribute:ecs.instance-type == t2.small or attribute:stack == prod and "
                 "attribute:ecs.availability-zone == us-east-1c") == Ids{0, 3});
  CHECK(c.select("(attribute:ecs.instance-type == t2.small or attribute:stack == prod) and "
                 "attribute:ecs.availability-zone == us-east-1c") == Ids{3});
  CHECK(c.select("not attribute:stack == prod and attribute:stack exists") == Ids{1});
  CHECK(c.select("! attribute:stack exists || ec2InstanceId == i-abcd1234 && attribute:stack == prod") == Ids{0, 2});
  // Words in any case; symbols and words interchangeable.
  CHECK(c.select("attribute:stack EQUALS prod OR attribute:stack Equals dev") == Ids{0, 1, 3});
  CHECK(c.select("NOT(attribute:stack not_exists)") == Ids{0, 1, 3});
}

TEST_CASE("query language: =~ is an RE2 full match", "[placement]") {
  // ecsim's choice: the whole value must match, like Java's String.matches (the operator is
  // called `matches`), so a pattern means what it says without ^...$.
  Cluster c;
  CHECK(c.select("attribute:ecs.instance-type =~ g2") == Ids{});
  CHECK(c.select("attribute:ecs.instance-type =~ g2.*") == Ids{1, 2});
  CHECK(c.select("attribute:ecs.instance-type =~ '.*large'") == Ids{1, 2, 3});
  CHECK(c.select("attribute:ecs.instance-type matches '(t2|m5)\\..*'") == Ids{0, 3});
  CHECK(c.select("attribute:ecs.instance-type !~ g2.*") == Ids{0, 3});
  CHECK(c.select("ec2InstanceId not_matches 'i-0+[0-9]'") == Ids{0, 1});
}

TEST_CASE("query language: an instance lacking the attribute fails every operator but not_exists", "[placement]") {
  // ecsim's choice where the Dev Guide is silent: a comparison needs a value to compare.
  Cluster c;
  CHECK(c.select("attribute:stack != prod") == Ids{1});
  CHECK(c.select("attribute:stack !in [prod]") == Ids{1});
  CHECK(c.select("attribute:stack !~ p.*") == Ids{1});
  CHECK(c.select("attribute:stack < zzz") == Ids{0, 1, 3});
  CHECK(c.select("attribute:stack exists") == Ids{0, 1, 3});
  CHECK(c.select("attribute:stack !exists") == Ids{2});
  CHECK(c.select("attribute:stack not_exists") == Ids{2});
  CHECK(c.select("not(attribute:stack == prod)") == Ids{1, 2});
  CHECK(c.select("attribute:nowhere not_exists") == Ids{0, 1, 2, 3});
}

TEST_CASE("query language: attribute order compares numbers as numbers, other values as strings", "[placement]") {
  Cluster c;
  const sim::AttributeIdx size = c.cluster.intern_attribute("size");
  c.cluster.set_attribute(size, 0, "9");
  c.cluster.set_attribute(size, 1, "10");
  c.cluster.set_attribute(size, 2, "big");
  CHECK(c.select("attribute:size > 9.5") == Ids{1, 2});   // 10 > 9.5 (though "10" < "9.5"); "big" > "9.5"
  CHECK(c.select("attribute:size >= a") == Ids{2});       // "big" >= "a"; "9", "10" < "a"
  CHECK(c.select("attribute:size less_than 10") == Ids{0});
}

TEST_CASE("query language: values and instances created after compiling are tested on their strings", "[placement]") {
  Cluster c;
  const placement::CompiledQuery q = compile_query("attribute:stack in [qa, dev] or ec2InstanceId == i-late", c.cluster);
  const InstanceIdx late = c.cluster.add_instance("i-late", 0, 0, 0, 1024, 1024, 0, 0, {});
  const InstanceIdx qa = c.cluster.add_instance("i-qa", 0, 0, 0, 1024, 1024, 0, 0, {});
  c.cluster.set_attribute(c.cluster.intern_attribute("stack"), qa, "qa");  // a value interned after compile
  CHECK(q.matches(c.cluster, late));
  CHECK(q.matches(c.cluster, qa));
  CHECK(q.matches(c.cluster, 1));
  CHECK_FALSE(q.matches(c.cluster, 0));
}

TEST_CASE("query language: errors name the column and what was expected", "[placement]") {
  // Every accepted operator spelling parses.
  for (const char* ok : {"attribute:a == b", "attribute:a equals b", "attribute:a != b", "attribute:a not_equals b",
                         "attribute:a > 1", "attribute:a greater_than 1", "attribute:a >= 1",
                         "attribute:a greater_than_equal 1", "attribute:a < 1", "attribute:a less_than 1",
                         "attribute:a <= 1", "attribute:a less_than_equal 1", "attribute:a exists",
                         "attribute:a !exists", "attribute:a not_exists", "attribute:a in [b]", "attribute:a !in [b, c]",
                         "attribute:a not_in ['b']", "attribute:a =~ b", "attribute:a matches b", "attribute:a !~ b",
                         "attribute:a not_matches \"b c\"", "runningTasksCount==1", "(attribute:a exists)"}) {
    INFO(ok);
    CHECK(error_of(ok) == "<valid>");
  }
  CHECK(error_of("") == "column 1: expected a condition such as attribute:NAME == VALUE, got the end of the expression");
  CHECK(error_of("attribute:ecs.availability-zone in") ==
        "column 35: expected a list of values such as [a, b] after 'in', got the end of the expression");
  CHECK(error_of("attribute:ecs.availability-zone in [us-east-1a,") ==
        "column 48: expected a value after ',', got the end of the expression");
  CHECK(error_of("attribute:a in [b c]") == "column 19: expected ',' or ']' in the list after 'in', got \"c\"");
  CHECK(error_of("attribute:a in b") == "column 16: expected a list of values such as [a, b] after 'in', got \"b\"");
  CHECK(error_of("attribute:a == [b]") == "column 16: expected a single value after '==' (lists go with in and !in), got \"[\"");
  CHECK(error_of("attribute:a ==") == "column 15: expected a value after '==', got the end of the expression");
  CHECK(error_of("attribute:a == and") == "column 16: expected a value after '==', got \"and\"");
  CHECK(error_of("attribute:a = b") ==
        "column 13: expected an operator (valid: ==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~, or a word "
        "form such as equals or not_in), got \"=\"");
  CHECK(error_of("attribute:a equal b") ==
        "column 13: expected an operator (did you mean \"equals\"? valid: ==, !=, >, >=, <, <=, exists, !exists, in, "
        "!in, =~, !~, or a word form such as equals or not_in), got \"equal\"");
  CHECK(error_of("(attribute:a == b") ==
        "column 18: expected 'and', 'or' or ')' to close the '(' at column 1, got the end of the expression");
  CHECK(error_of("attribute:a == b)") ==
        "column 17: expected 'and', 'or' or the end of the expression (this ')' closes nothing), got \")\"");
  CHECK(error_of("attribute:a == b c") == "column 18: expected 'and', 'or' or the end of the expression, got \"c\"");
  CHECK(error_of("attribute:a == b and") == "column 21: expected a condition after 'and', got the end of the expression");
  CHECK(error_of("not") == "column 4: expected a condition after 'not', got the end of the expression");
  CHECK(error_of("(or attribute:a exists)") == "column 2: expected a condition after '(', got \"or\"");
  CHECK(error_of("runningTaskCount == 1") ==
        "column 1: expected a known subject (did you mean \"runningTasksCount\"? valid: agentConnected, agentVersion, "
        "attribute:NAME, ec2InstanceId, registeredAt, runningTasksCount, task:group), got \"runningTaskCount\"");
  CHECK(error_of("attribute: == b") == "column 1: expected an attribute name after 'attribute:', got \"attribute:\"");
  CHECK(error_of("runningTasksCount in [1]") ==
        "column 19: expected an operator valid for runningTasksCount (==, !=, >, >=, <, <=), got \"in\"");
  CHECK(error_of("ec2InstanceId > i-1") ==
        "column 15: expected an operator valid for ec2InstanceId (==, !=, in, !in, =~, !~), got \">\"");
  CHECK(error_of("task:group !exists") ==
        "column 12: expected an operator valid for task:group (==, !=, in, !in, =~, !~), got \"!exists\"");
  CHECK(error_of("runningTasksCount > many") == "column 21: expected a whole number after '>', got \"many\"");
  CHECK(error_of("registeredAt < 2018-02-30") ==
        "column 16: expected a date such as 2018-06-18, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00 after '<', "
        "got \"2018-02-30\"");
  CHECK(error_of("agentVersion >= latest") == "column 17: expected an agent version such as 1.14.5 after '>=', got \"latest\"");
  CHECK(error_of("agentConnected == yes") == "column 19: expected true or false after '==', got \"yes\"");
  CHECK(error_of("attribute:ecs.instance-type =~ '(t2'") ==
        "column 32: expected a valid RE2 regular expression after '=~' (missing ): (t2), got \"'(t2'\"");
  CHECK(error_of("ec2InstanceId == 'i-1") ==
        "column 18: expected a closing ' for the value at column 18, got the end of the expression");
}

TEST_CASE("query language: the pipeline fails with MemberOf when no instance matches", "[placement][ecs]") {
  // Dev Guide "task placement constraints": memberOf places tasks only on instances that
  // satisfy the expression; API reference RunTask, failures: ecsim reports the failure as MemberOf.
  Cluster c;
  placement::EcsPlacerFactory factory;
  sim::RandomStream rng{1, "placement"};
  const sim::GroupIdx group = c.cluster.intern_group("family:web");
  const auto placer = [&](const std::string& strategy, const std::string& expression) {
    sim::PlacementPolicy p;
    p.strategy = {{strategy, strategy == "binpack" ? "memory" : strategy == "spread" ? "instanceId" : "", {}}};
    p.constraints = {{"memberOf", expression}};
    p.group = group;
    return factory.make(p, c.cluster);
  };
  const std::vector<std::uint16_t> no_ports;
  const sim::Resources need{256, 256, 0, 0};
  sim::PlacementRequest r;
  r.need = &need;
  r.group = group;
  r.tcp_ports = &no_ports;
  r.udp_ports = &no_ports;
  for (const std::string strategy : {"random", "binpack", "spread"}) {
    INFO(strategy);
    auto none = placer(strategy, "attribute:ecs.instance-type == c5.large");
    const auto failed = none->place(r, c.cluster, rng);
    CHECK(failed.instance == sim::kNoInstance);
    CHECK(failed.reason == sim::FailureReason::kMemberOf);
    CHECK(sim::failure_reason_name(failed.reason) == "MemberOf");
    auto one = placer(strategy, "attribute:ecs.availability-zone == us-east-1d");
    for (int k = 0; k < 20; ++k) CHECK(one->place(r, c.cluster, rng).instance == 2);
    CHECK(one->admits(r, c.cluster, 2));
    CHECK_FALSE(one->admits(r, c.cluster, 1));
  }
  // Resources are checked first: the reason names the resource when the matching instance is full.
  const sim::Resources huge{1, 100000, 0, 0};
  r.need = &huge;
  CHECK(placer("random", "ec2InstanceId == i-0000003")->place(r, c.cluster, rng).reason ==
        sim::FailureReason::kResourceMemory);
}

TEST_CASE("query language: tested_attributes lists the attributes an expression needs, not those it tests for absence",
          "[placement][validate]") {
  using placement::tested_attributes;
  CHECK(tested_attributes("attribute:stack == prod and (attribute:ecs.instance-type =~ t2.* or not(attribute:gpu exists))") ==
        std::vector<std::string>{"stack", "ecs.instance-type", "gpu"});
  CHECK(tested_attributes("attribute:spot not_exists and ec2InstanceId != i-1 and task:group == web").empty());
  CHECK(tested_attributes("attribute:stack ==").empty());  // not a valid expression
}

TEST_CASE("query language: an expression reading one attribute says so, one reading more does not", "[placement]") {
  // The spread placement paths skip a whole value of the spread attribute when the memberOf
  // expressions read only that attribute; anything else read must keep them from doing so.
  sim::ClusterState cluster;
  cluster.intern_attribute("ecs.availability-zone");
  cluster.intern_attribute("ecs.instance-type");
  const auto only_zone = [&](const char* expression) {
    return compile_query(expression, cluster).reads_only_attribute(sim::kAttrAvailabilityZone);
  };
  CHECK(only_zone("attribute:ecs.availability-zone in [a, b]"));
  CHECK(only_zone("not (attribute:ecs.availability-zone == a) and agentConnected == true"));
  CHECK_FALSE(only_zone("attribute:ecs.availability-zone == a and attribute:ecs.instance-type == t3.small"));
  CHECK_FALSE(only_zone("attribute:ecs.availability-zone == a or runningTasksCount == 0"));
  CHECK_FALSE(only_zone("task:group == web"));
  CHECK_FALSE(only_zone("ec2InstanceId == i-1"));
  CHECK_FALSE(only_zone("registeredAt < 2018-01-01"));
}
