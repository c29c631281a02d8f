#include "sim/check_expression.h"

#include <array>
#include <catch2/catch.hpp>
#include <utility>
#include <vector>

namespace ecsim::sim {
namespace {

std::string error_of(std::string_view text) {
  const CheckParse p = parse_check_expression(text);
  if (p.check) return "<parsed>";
  return "column " + std::to_string(p.error.column) + ": expected " + p.error.expected + ", got " + p.error.got;
}

TEST_CASE("check expression: PATH OP NUMBER parses with or without spaces", "[checks]") {
  const CheckParse a = parse_check_expression("  jobs.etl.wait.p99 <= 120 ");
  REQUIRE(a.check);
  CHECK(a.check->text == "jobs.etl.wait.p99 <= 120");
  CHECK(a.check->path == "jobs.etl.wait.p99");
  CHECK(a.check->op == CheckOp::kLessEqual);
  CHECK(a.check->bound == 120);
  const CheckParse b = parse_check_expression("services.api.load.unservedFraction<0.001");
  REQUIRE(b.check);
  CHECK(b.check->op == CheckOp::kLess);
  CHECK(b.check->bound == 0.001);
  for (const auto& [text, op] : std::vector<std::pair<std::string, CheckOp>>{{"a == 0", CheckOp::kEqual},
                                                                            {"a != -1", CheckOp::kNotEqual},
                                                                            {"a >= 1e3", CheckOp::kGreaterEqual},
                                                                            {"a > 2", CheckOp::kGreater}}) {
    const CheckParse p = parse_check_expression(text);
    REQUIRE(p.check);
    CHECK(p.check->op == op);
    CHECK(check_op_text(op) == text.substr(2, text.find(' ', 2) - 2));
  }
}

TEST_CASE("check expression: a malformed expression names the column and what was expected", "[checks]") {
  CHECK(error_of("") == "column 1: expected an expression PATH OP NUMBER such as \"jobs.etl.wait.p99 <= 120\", got nothing");
  CHECK(error_of("wait.p99") == "column 9: expected an operator (<, <=, ==, !=, >=, >), got the end of the expression");
  CHECK(error_of("wait.p99 => 3") == "column 10: expected an operator (<, <=, ==, !=, >=, >), got \"=\"");
  CHECK(error_of("wait.p99 <= fast") == "column 13: expected a number after the operator, got \"fast\"");
  CHECK(error_of("wait.p99 <= 3 s") == "column 13: expected a number after the operator, got \"3 s\"");
  CHECK(error_of("wait..p99 < 3") == "column 6: expected a path segment after '.', got \".\"");
  CHECK(error_of("<= 3") == "column 1: expected an expression PATH OP NUMBER such as \"jobs.etl.wait.p99 <= 120\", got \"<= 3\"");
  CHECK(error_of("wait.p99 < +3") == "column 12: expected a number after the operator, got \"+3\"");
}

TEST_CASE("check expression: every operator holds exactly where its comparison does, below, at and above the bound", "[checks]") {
  // value 110 / 120 / 130 against the bound 120: which hold.
  const std::vector<std::pair<CheckOp, std::array<bool, 3>>> table = {
      {CheckOp::kLess, {true, false, false}},         {CheckOp::kLessEqual, {true, true, false}},
      {CheckOp::kEqual, {false, true, false}},        {CheckOp::kNotEqual, {true, false, true}},
      {CheckOp::kGreaterEqual, {false, true, true}},  {CheckOp::kGreater, {false, false, true}}};
  for (const auto& [op, holds] : table) {
    INFO(check_op_text(op));
    CHECK(check_holds(op, 110, 120) == holds[0]);
    CHECK(check_holds(op, 120, 120) == holds[1]);
    CHECK(check_holds(op, 130, 120) == holds[2]);
  }
}

TEST_CASE("check expression: holds and margin agree, the margin positive in the good direction", "[checks]") {
  CHECK(check_holds(CheckOp::kLessEqual, 120, 120));
  CHECK_FALSE(check_holds(CheckOp::kLess, 120, 120));
  CHECK(check_margin(CheckOp::kLessEqual, 100, 120) == 20);
  CHECK(check_margin(CheckOp::kGreaterEqual, 100, 120) == -20);
  CHECK(check_margin(CheckOp::kEqual, 3, 0) == -3);
  CHECK(check_margin(CheckOp::kNotEqual, 3, 0) == 3);
  // Exactly at an == bound: 0, never -0 (which would print as "-0").
  CHECK_FALSE(std::signbit(check_margin(CheckOp::kEqual, 5, 5)));
  for (const CheckOp op : {CheckOp::kLess, CheckOp::kLessEqual, CheckOp::kGreaterEqual, CheckOp::kGreater}) {
    for (const double v : {90.0, 120.0, 150.0}) {
      if (check_holds(op, v, 120)) CHECK(check_margin(op, v, 120) >= 0);
      if (!check_holds(op, v, 120)) CHECK(check_margin(op, v, 120) <= 0);
    }
  }
}

}  // namespace
}  // namespace ecsim::sim
