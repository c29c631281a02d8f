// Checks over a finished run's summary.json: `ecsim run --check EXPR`, a scenario's "checks",
// and the SLOs of `ecsim plan`. Expressions are sim/check_expression.h's `PATH OP NUMBER`;
// PATH is dotted over summary.json (jobs.etl.wait.p99), a key that itself holds dots (a job
// named "etl.v2") is matched whole.
//
// Outputs, only when there are checks, each written atomically:
//   checks.json  {"passed": bool, "failed": N, "checks": [{"expression", "path", "op", "bound",
//                "value", "passed"}, ...]} in the order given (command line, then scenario)
//   checks.xml   JUnit: one <testcase> per check, a <failure> with the measured value and the
//                bound when it does not hold; every name XML-escaped.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/content_hash.h"
#include "sim/check_expression.h"

namespace ecsim::reports {

inline constexpr std::string_view kChecksJsonFile = "checks.json";
inline constexpr std::string_view kChecksXmlFile = "checks.xml";

// A check and where it was written, for messages: `file` "--check" (pointer "") or the
// scenario file with "/checks/N".
struct CheckSpec {
  sim::CheckExpression check;
  std::string file;
  std::string pointer;
};

// Parses `text`; a syntax error throws InputError{file, pointer, expected, got, column}.
CheckSpec parse_check(std::string_view text, const std::string& file, const std::string& pointer);

struct CheckResult {
  sim::CheckExpression check;
  double value = 0;
  bool passed = false;
};

// The number at the dotted `path` of `summary`. A path this summary lacks throws
//   FILE: POINTER: expected a path of this run's summary.json (did you mean "jobs.etl.wait.p99"?
//   keys of jobs.etl: ...), got "jobs.etl.wiat.p99"
// and a path to something other than a number throws naming what is there.
// `document` names what is searched in messages ("this run's summary.json", "compare.json").
double summary_value(const nlohmann::json& summary, const CheckSpec& spec,
                     std::string_view document = "this run's summary.json");

// Evaluates every check, in order (throws as summary_value does).
std::vector<CheckResult> evaluate_checks(const std::vector<CheckSpec>& specs, const nlohmann::json& summary,
                                         std::string_view document = "this run's summary.json");

std::string checks_json(const std::vector<CheckResult>& results);
// `suite` names the <testsuite> (the scenario's name).
std::string checks_junit_xml(const std::vector<CheckResult>& results, std::string_view suite);

// Writes checks.json and checks.xml into the existing directory `dir`, atomically. When
// `results` is empty it writes nothing and removes those of an earlier run in `dir`. Throws
// std::runtime_error naming the path on an I/O failure. What it writes joins `manifest`, if given.
void write_checks(const std::vector<CheckResult>& results, std::string_view suite, const std::filesystem::path& dir,
                  OutputManifest* manifest = nullptr);

}  // namespace ecsim::reports
