// Check expressions: `PATH OP NUMBER` over the dotted paths of summary.json
// ("jobs.etl.wait.p99 <= 120", "services.web.belowDesiredSeconds == 0"). The syntax lives here,
// with no dependency, so that the scenario loader can reject a bad `"checks"` entry at load and
// reports/checks.h can evaluate the same expressions on a finished run's summary.
//
// Grammar (spaces around OP optional):
//   PATH   = SEGMENT ("." SEGMENT)*      SEGMENT: one or more of [A-Za-z0-9_:-]
//   OP     = "<" | "<=" | "==" | "!=" | ">=" | ">"
//   NUMBER = a finite JSON-style number (std::from_chars: "120", "0.001", "-3", "1e-3")
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ecsim::sim {

enum class CheckOp { kLess, kLessEqual, kEqual, kNotEqual, kGreaterEqual, kGreater };

// "<", "<=", "==", "!=", ">=", ">".
std::string_view check_op_text(CheckOp op);

struct CheckExpression {
  std::string text;   // as written, trimmed
  std::string path;   // "jobs.etl.wait.p99"
  CheckOp op = CheckOp::kLessEqual;
  double bound = 0;   // finite
};

// Why an expression does not parse: the 1-based column in the trimmed text, what was expected
// there and what was found (sim::InputError's column, expected and got).
struct CheckSyntaxError {
  std::size_t column = 0;
  std::string expected;
  std::string got;
};

struct CheckParse {
  std::optional<CheckExpression> check;  // set on success
  CheckSyntaxError error;                // meaningful when !check
};

CheckParse parse_check_expression(std::string_view text);

// Whether `value OP bound` holds.
bool check_holds(CheckOp op, double value, double bound);

// How far `value` is from breaking `bound`, in the expression's good direction: bound - value
// for < and <=, value - bound for > and >=, -|value - bound| for == (0 at best) and
// |value - bound| for !=. Positive or zero when the check holds (0 at the edge of <=, >= and
// ==), negative or zero when it does not.
double check_margin(CheckOp op, double value, double bound);

}  // namespace ecsim::sim
