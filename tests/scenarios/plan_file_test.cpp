#include "scenarios/plan_file.h"

#include <catch2/catch.hpp>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

std::string plan_error(const std::string& text) {
  return error_text([&] { load_plan_text(text, "p.json"); });
}

TEST_CASE("plan file: vary, slos, seeds and surviveLossOf as the contract writes them", "[plan]") {
  const PlanFile p = load_plan_text(R"({
    // comments allowed, as in scenarios
    "vary": [{"set": "cluster.instanceGroups.general.instanceType", "values": ["m5.large", "c5.xlarge"]},
             {"set": "cluster.instanceGroups.general.count", "range": [2, 5]}],
    "slos": ["jobs.etl.wait.p99 <= 120", "services.web.belowDesiredSeconds == 0"],
    "seeds": 3, "surviveLossOf": "anyOneZone"})",
                                    "p.json");
  REQUIRE(p.vary.size() == 2);
  CHECK(p.vary[0].values.size() == 2);
  CHECK_FALSE(p.vary[0].is_range);
  CHECK(p.vary[1].is_range);
  CHECK(p.vary[1].values == std::vector<nlohmann::json>{2, 3, 4, 5});  // inclusive
  CHECK(p.vary[1].path == std::vector<std::string>{"cluster", "instanceGroups", "general", "count"});
  REQUIRE(p.slos.size() == 2);
  CHECK(p.slos[1].check.path == "services.web.belowDesiredSeconds");
  CHECK(p.slos[1].pointer == "/slos/1");
  CHECK(p.seeds == 3);
  CHECK(p.survive_loss_of_any_zone);
  CHECK(plan_override(p.vary[0], 1).text == "cluster.instanceGroups.general.instanceType=c5.xlarge");
  CHECK(plan_override(p.vary[1], 0).text == "cluster.instanceGroups.general.count=2");
  CHECK(plan_override(p.vary[1], 0).value == 2);
  const PlanFile defaults = load_plan_text(R"({"vary": [{"set": "a", "values": [1]}], "slos": ["x < 1"]})", "p.json");
  CHECK(defaults.seeds == 1);
  CHECK_FALSE(defaults.survive_loss_of_any_zone);
}

TEST_CASE("plan file: bad input names the file, the JSON pointer and what was expected", "[plan]") {
  const std::string vary = R"("vary": [{"set": "a.b", "range": [1, 3]}])";
  const std::string slos = R"("slos": ["x.y <= 1"])";
  CHECK(plan_error("{" + vary + ", " + slos + R"(, "seed": 2})") ==
        "p.json: /seed: expected a known key of a plan (did you mean \"seeds\"? valid: seeds, slos, surviveLossOf, "
        "vary), got \"seed\"");
  CHECK(plan_error("{" + slos + "}") == "p.json: /vary: expected a non-empty list of dimensions to vary, got nothing");
  CHECK(plan_error(R"({"vary": [{"set": "a", "range": [3, 1]}], )" + slos + "}") ==
        "p.json: /vary/0/range/1: expected HI at least LO (3), got 1");
  CHECK(plan_error(R"({"vary": [{"set": "a", "range": [1, 3], "values": [1]}], )" + slos + "}") ==
        "p.json: /vary/0: expected one of \"values\" (a list) or \"range\" ([LO, HI]), not both or neither, got "
        "{\"range\":[1,3],\"set\":\"a\",\"values\":[1]}");
  CHECK(plan_error(R"({"vary": [{"set": "a..b", "values": [1]}], )" + slos + "}") ==
        "p.json: /vary/0/set: expected a dotted path of non-empty names such as "
        "\"cluster.instanceGroups.general.count\", got \"a..b\"");
  CHECK(plan_error(R"({"vary": [{"set": "a", "values": [1, 1]}], )" + slos + "}") ==
        "p.json: /vary/0/values/1: expected a value not listed before, got 1");
  CHECK(plan_error("{" + vary + R"(, "slos": ["x.y <= 1", "x.y =< 2"]})") ==
        "p.json: /slos/1: column 5: expected an operator (<, <=, ==, !=, >=, >), got \"=\"");
  CHECK(plan_error("{" + vary + ", " + slos + R"(, "seeds": 0})") ==
        "p.json: /seeds: expected a number of seeds from 1 to 1000, got 0");
  CHECK(plan_error("{" + vary + ", " + slos + R"(, "surviveLossOf": "anyOneZones"})") ==
        "p.json: /surviveLossOf: expected a known surviveLossOf (did you mean \"anyOneZone\"? valid: anyOneZone), got "
        "\"anyOneZones\"");
}

}  // namespace
}  // namespace ecsim::scenarios
