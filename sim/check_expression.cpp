#include "sim/check_expression.h"

#include <charconv>
#include <cmath>

namespace ecsim::sim {
namespace {

bool path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == ':';
}

bool space(char c) { return c == ' ' || c == '\t'; }

std::string in_quotes(std::string_view s) {
  std::string out(1, '"');
  out.append(s);
  out += '"';
  return out;
}

CheckParse fail(std::size_t column, std::string expected, std::string got) {
  CheckParse p;
  p.error = CheckSyntaxError{column, std::move(expected), std::move(got)};
  return p;
}

}  // namespace

std::string_view check_op_text(CheckOp op) {
  switch (op) {
    case CheckOp::kLess: return "<";
    case CheckOp::kLessEqual: return "<=";
    case CheckOp::kEqual: return "==";
    case CheckOp::kNotEqual: return "!=";
    case CheckOp::kGreaterEqual: return ">=";
    case CheckOp::kGreater: return ">";
  }
  return "?";
}

CheckParse parse_check_expression(std::string_view text) {
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  const std::string kWhole = "an expression PATH OP NUMBER such as \"jobs.etl.wait.p99 <= 120\"";
  if (text.empty()) return fail(1, kWhole, "nothing");
  // PATH: segments separated by single dots.
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    while (i < text.size() && path_char(text[i])) ++i;
    if (i == start) {
      if (start == 0) return fail(1, kWhole, in_quotes(text));
      return fail(start + 1, "a path segment after '.'", i < text.size() ? in_quotes(text.substr(i, 1)) : "the end");
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  CheckExpression c;
  c.text = std::string(text);
  c.path = std::string(text.substr(0, i));
  while (i < text.size() && space(text[i])) ++i;
  const std::string kOps = "an operator (<, <=, ==, !=, >=, >)";
  if (i == text.size()) return fail(i + 1, kOps, "the end of the expression");
  const std::string_view rest = text.substr(i);
  static constexpr std::pair<std::string_view, CheckOp> kTable[] = {
      {"<=", CheckOp::kLessEqual}, {">=", CheckOp::kGreaterEqual}, {"==", CheckOp::kEqual},
      {"!=", CheckOp::kNotEqual},  {"<", CheckOp::kLess},          {">", CheckOp::kGreater}};
  bool found = false;
  for (const auto& [spelling, op] : kTable) {
    if (rest.substr(0, spelling.size()) == spelling) {
      c.op = op;
      i += spelling.size();
      found = true;
      break;
    }
  }
  if (!found) return fail(i + 1, kOps, in_quotes(rest.substr(0, 1)));
  while (i < text.size() && space(text[i])) ++i;
  if (i == text.size()) return fail(i + 1, "a number after the operator", "the end of the expression");
  const std::string_view number = text.substr(i);
  const char* first = number.data();
  const char* last = number.data() + number.size();
  if (*first == '+') return fail(i + 1, "a number after the operator", in_quotes(number));
  const auto [end, ec] = std::from_chars(first, last, c.bound);
  if (ec != std::errc() || end != last || !std::isfinite(c.bound)) {
    return fail(i + 1, "a number after the operator", in_quotes(number));
  }
  CheckParse p;
  p.check = std::move(c);
  return p;
}

bool check_holds(CheckOp op, double value, double bound) {
  switch (op) {
    case CheckOp::kLess: return value < bound;
    case CheckOp::kLessEqual: return value <= bound;
    case CheckOp::kEqual: return value == bound;
    case CheckOp::kNotEqual: return value != bound;
    case CheckOp::kGreaterEqual: return value >= bound;
    case CheckOp::kGreater: return value > bound;
  }
  return false;
}

double check_margin(CheckOp op, double value, double bound) {
  switch (op) {
    case CheckOp::kLess:
    case CheckOp::kLessEqual: return bound - value;
    case CheckOp::kEqual: {
      const double d = std::fabs(value - bound);
      return d == 0 ? 0.0 : -d;  // never "-0" in a report
    }
    case CheckOp::kNotEqual: return std::fabs(value - bound);
    case CheckOp::kGreaterEqual:
    case CheckOp::kGreater: return value - bound;
  }
  return 0;
}

}  // namespace ecsim::sim
