#include "reports/checks.h"

#include <catch2/catch.hpp>

#include "sim/input_error.h"
#include "xml_check.h"

namespace ecsim::reports {
namespace {

const nlohmann::json kSummary = nlohmann::json::parse(R"({
  "wait": {"mean": 1.5, "p99": 130},
  "jobs": {"etl": {"wait": {"p99": 90}}, "etl.v2": {"wait": {"p99": 700}}},
  "cost": {"total": 12.5},
  "scenario": "s"})");

std::string error_of(const std::string& expression) {
  try {
    summary_value(kSummary, parse_check(expression, "--check", ""));
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST_CASE("checks: a dotted path reads the summary's number, a name with dots included", "[checks]") {
  CHECK(summary_value(kSummary, parse_check("jobs.etl.wait.p99 <= 120", "--check", "")) == 90);
  CHECK(summary_value(kSummary, parse_check("jobs.etl.v2.wait.p99 <= 120", "--check", "")) == 700);
  CHECK(summary_value(kSummary, parse_check("cost.total < 20", "--check", "")) == 12.5);
}

TEST_CASE("checks: a path this run's summary lacks is bad input with did you mean", "[checks]") {
  CHECK(error_of("jobs.etl.wiat.p99 <= 120") ==
        "--check: /: expected a path of this run's summary.json (did you mean \"jobs.etl.wait.p99\"? keys of "
        "jobs.etl: wait), got \"jobs.etl.wiat.p99\"");
  CHECK(error_of("jobs.web.wait.p99 <= 1") ==
        "--check: /: expected a path of this run's summary.json (keys of jobs: etl, etl.v2), got \"jobs.web.wait.p99\"");
  CHECK(error_of("wait <= 1") == "--check: /: expected a path to a number in summary.json (wait), got an object (keys: "
                                 "mean, p99)");
  CHECK(error_of("scenario == 1") == "--check: /: expected a path to a number in summary.json (scenario), got a string");
  CHECK(error_of("cost.total.x < 1") ==
        "--check: /: expected a path of this run's summary.json (cost.total is a number, with nothing under it), got "
        "\"cost.total.x\"");
  try {
    parse_check("cost.total <", "s.json", "/checks/2");
    FAIL("no error");
  } catch (const sim::InputError& e) {
    CHECK(std::string(e.what()) == "s.json: /checks/2: column 13: expected a number after the operator, got the end of "
                                   "the expression");
  }
}

TEST_CASE("checks: checks.json and checks.xml record each check, its value and the bound", "[checks]") {
  const std::vector<CheckSpec> specs = {parse_check("jobs.etl.wait.p99 <= 120", "--check", ""),
                                        parse_check("wait.p99 < 100", "--check", "")};
  const auto results = evaluate_checks(specs, kSummary);
  REQUIRE(results.size() == 2);
  CHECK(results[0].passed);
  CHECK_FALSE(results[1].passed);
  CHECK(results[1].value == 130);
  const auto json = nlohmann::json::parse(checks_json(results));
  CHECK(json["passed"] == false);
  CHECK(json["failed"] == 1);
  CHECK(json["checks"][1] == nlohmann::json::parse(R"({"expression": "wait.p99 < 100", "path": "wait.p99", "op": "<",
                                                       "bound": 100, "value": 130, "passed": false})"));
  const std::string xml = checks_junit_xml(results, "web & <etl>");
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  CHECK(ecsim::testing::xml_problem(xml.substr(xml.find('\n') + 1)).empty());
  CHECK(xml.find("<testsuite name=\"web &amp; &lt;etl&gt;\" tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"ecsim.checks\" name=\"jobs.etl.wait.p99 &lt;= 120\"/>") != std::string::npos);
  CHECK(xml.find("<failure message=\"wait.p99 = 130, expected &lt; 100\"") != std::string::npos);
}

}  // namespace
}  // namespace ecsim::reports
