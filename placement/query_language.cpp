#include "placement/query_language.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "sim/input_error.h"
#include "sim/invariant.h"

namespace ecsim::placement {

enum class CompiledQuery::Op : std::uint8_t {
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kExists,
  kNotExists,
  kIn,
  kNotIn,
  kMatches,
  kNotMatches,
};

namespace {

using Op = CompiledQuery::Op;

enum class Subject : std::uint8_t {
  kAttribute,
  kEc2InstanceId,
  kRegisteredAt,
  kRunningTasksCount,
  kTaskGroup,
  kAgentConnected,
  kAgentVersion,
};

// Subject names as the Dev Guide spells them, sorted; matched case-insensitively.
constexpr std::array<std::pair<std::string_view, Subject>, 6> kSubjects = {{
    {"agentConnected", Subject::kAgentConnected},
    {"agentVersion", Subject::kAgentVersion},
    {"ec2InstanceId", Subject::kEc2InstanceId},
    {"registeredAt", Subject::kRegisteredAt},
    {"runningTasksCount", Subject::kRunningTasksCount},
    {"task:group", Subject::kTaskGroup},
}};
constexpr std::string_view kAttributePrefix = "attribute:";

constexpr std::array<std::pair<std::string_view, Op>, 18> kOperators = {{
    {"==", Op::kEq},
    {"equals", Op::kEq},
    {"!=", Op::kNe},
    {"not_equals", Op::kNe},
    {">", Op::kGt},
    {"greater_than", Op::kGt},
    {">=", Op::kGe},
    {"greater_than_equal", Op::kGe},
    {"<", Op::kLt},
    {"less_than", Op::kLt},
    {"<=", Op::kLe},
    {"less_than_equal", Op::kLe},
    {"exists", Op::kExists},
    {"not_exists", Op::kNotExists},
    {"in", Op::kIn},
    {"not_in", Op::kNotIn},
    {"matches", Op::kMatches},
    {"not_matches", Op::kNotMatches},
}};
// The symbols not in kOperators: "=~", "!~", "!exists", "!in" (the last two are '!' + word).

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(a[k])) != std::tolower(static_cast<unsigned char>(b[k]))) return false;
  }
  return true;
}

// --- tokens ---

struct Token {
  enum class Kind : std::uint8_t { kWord, kQuoted, kSymbol, kLParen, kRParen, kLBracket, kRBracket, kComma, kBadQuote, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;  // a quoted value without its quotes; the symbol; the word
  std::string_view raw;   // as written
  std::size_t column = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters that end a bare word (besides white space, "&&" and "||").
bool ends_word(char c) {
  switch (c) {
    case '(': case ')': case '[': case ']': case ',': case '\'': case '"':
    case '=': case '!': case '<': case '>': case '~':
      return true;
    default:
      return false;
  }
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t k = 0;
  const auto at = [&](std::size_t j) { return j < s.size() ? s[j] : '\0'; };
  while (k < s.size()) {
    const char c = s[k];
    if (is_space(c)) {
      ++k;
      continue;
    }
    Token t;
    t.column = k + 1;
    const std::size_t start = k;
    using K = Token::Kind;
    if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
      t.kind = c == '(' ? K::kLParen : c == ')' ? K::kRParen : c == '[' ? K::kLBracket : c == ']' ? K::kRBracket : K::kComma;
      ++k;
      t.text = s.substr(start, 1);
    } else if (c == '\'' || c == '"') {
      const std::size_t close = s.find(c, k + 1);
      if (close == std::string_view::npos) {
        t.kind = K::kBadQuote;
        t.text = s.substr(start);
        k = s.size();
      } else {
        t.kind = K::kQuoted;
        t.text = s.substr(k + 1, close - k - 1);
        k = close + 1;
      }
    } else if (ends_word(c) || (c == '&' && at(k + 1) == '&') || (c == '|' && at(k + 1) == '|')) {
      // Two-character symbols first; anything else is a one-character symbol the parser refuses
      // or, for '!', reads as "not".
      const char d = at(k + 1);
      const bool pair = (c == '=' && (d == '=' || d == '~')) || (c == '!' && (d == '=' || d == '~')) ||
                        ((c == '<' || c == '>') && d == '=') || (c == '&' && d == '&') || (c == '|' && d == '|');
      k += pair ? 2 : 1;
      t.kind = K::kSymbol;
      t.text = s.substr(start, k - start);
    } else {
      while (k < s.size() && !is_space(s[k]) && !ends_word(s[k]) && !(s[k] == '&' && at(k + 1) == '&') &&
             !(s[k] == '|' && at(k + 1) == '|')) {
        ++k;
      }
      t.kind = K::kWord;
      t.text = s.substr(start, k - start);
    }
    t.raw = s.substr(start, k - start);
    out.push_back(t);
  }
  Token end;
  end.column = s.size() + 1;
  out.push_back(end);
  return out;
}

// `text` in double quotes, as the rest of ecsim's messages quote what they got; cut to about
// 60 characters.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  std::size_t n = 0;
  for (const char c : text) {
    if (n++ == 60) {
      out += "...";
      return out;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string describe(const Token& t) {
  if (t.kind == Token::Kind::kEnd) return "the end of the expression";
  return quoted(t.raw);
}

// --- argument forms ---

bool parse_whole(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 9) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  std::from_chars(s.data(), s.data() + s.size(), *out);
  return true;
}

bool parse_number(std::string_view s, double* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Dotted version "1.14.5": up to 4 numeric components, compared with missing ones as 0.
using Version = std::array<std::int64_t, 4>;
bool parse_version(std::string_view s, Version* out) {
  out->fill(0);
  std::size_t part = 0;
  std::size_t k = 0;
  while (true) {
    std::size_t j = k;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == k || j - k > 9 || part == out->size()) return false;
    std::from_chars(s.data() + k, s.data() + j, (*out)[part++]);
    if (j == s.size()) return true;
    if (s[j] != '.') return false;
    k = j + 1;
  }
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, std::int64_t* out) {
  if (at + n > s.size()) return false;
  std::int64_t v = 0;
  for (std::size_t k = at; k < at + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    v = v * 10 + (s[k] - '0');
  }
  *out = v;
  return true;
}

// The forms ECS accepts for registeredAt: 2018-06-18T22:28:28+00:00, ...Z, 2018-06-18T22:28:28
// (UTC) and 2018-06-18. Returns microseconds since kRunEpoch.
bool parse_instant(std::string_view s, std::int64_t* out) {
  std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, offset_minutes = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d)) {
    return false;
  }
  const std::int64_t month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1]) return false;
  if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return false;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, &h) || s.size() < 19 || s[13] != ':' ||
        !digits(s, 14, 2, &mi) || s[16] != ':' || !digits(s, 17, 2, &sec) || h > 23 || mi > 59 || sec > 59) {
      return false;
    }
    const std::string_view zone = s.substr(19);
    if (zone == "Z" || zone == "z") {
      // UTC
    } else if (!zone.empty()) {
      std::int64_t zh = 0, zm = 0;
      if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !digits(zone, 1, 2, &zh) || zone[3] != ':' ||
          !digits(zone, 4, 2, &zm) || zh > 23 || zm > 59) {
        return false;
      }
      offset_minutes = (zone[0] == '-' ? -1 : 1) * (zh * 60 + zm);
    }
  }
  const std::int64_t seconds = (days_from_civil(y, mo, d) - days_from_civil(2025, 1, 1)) * 86'400 + h * 3600 +
                               mi * 60 + sec - offset_minutes * 60;
  *out = seconds * (kMicrosPerDay / 86'400);
  return true;
}

// --- syntax tree ---

struct Leaf {
  Subject subject = Subject::kAttribute;
  std::string attribute;  // kAttribute
  Op op = Op::kEq;
  std::vector<std::string> values;
  std::unique_ptr<re2::RE2> regex;  // =~, !~
  std::int64_t number = 0;          // runningTasksCount; registeredAt (µs since kRunEpoch)
  Version version{};                // agentVersion
};

struct AstNode {
  enum class Kind : std::uint8_t { kOr, kAnd, kNot, kLeaf };
  Kind kind = Kind::kLeaf;
  std::uint32_t a = 0;  // left operand, the negated one, or the leaf index
  std::uint32_t b = 0;  // right operand
};

struct Ast {
  std::vector<AstNode> nodes;
  std::vector<Leaf> leaves;
  std::uint32_t root = 0;
};

struct ParseFailure {
  QueryError error;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

  std::optional<QueryError> parse(Ast* out) {
    ast_ = out;
    try {
      if (peek().kind == Token::Kind::kEnd) fail(peek(), "a condition such as attribute:NAME == VALUE");
      ast_->root = parse_or(Token{});
      const Token& t = peek();
      if (t.kind != Token::Kind::kEnd) {
        fail(t, t.kind == Token::Kind::kRParen ? "'and', 'or' or the end of the expression (this ')' closes nothing)"
                                               : "'and', 'or' or the end of the expression");
      }
    } catch (const ParseFailure& f) {
      return f.error;
    }
    return std::nullopt;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_++]; }

  [[noreturn]] static void fail(const Token& t, std::string expected) {
    throw ParseFailure{QueryError{t.column, std::move(expected), describe(t)}};
  }
  [[noreturn]] static void fail(const Token& t, std::string expected, std::string got) {
    throw ParseFailure{QueryError{t.column, std::move(expected), std::move(got)}};
  }

  bool at_word(std::string_view w) const { return peek().kind == Token::Kind::kWord && iequals(peek().text, w); }
  bool at_symbol(std::string_view s) const { return peek().kind == Token::Kind::kSymbol && peek().text == s; }

  std::uint32_t add(AstNode::Kind kind, std::uint32_t a, std::uint32_t b) {
    ast_->nodes.push_back({kind, a, b});
    return static_cast<std::uint32_t>(ast_->nodes.size() - 1);
  }

  // `after`: the token before, for "expected a condition after 'and'"; kEnd at the start.
  std::uint32_t parse_or(const Token& after) {
    std::uint32_t lhs = parse_and(after);
    while (at_word("or") || at_symbol("||")) {
      const Token& op = next();
      lhs = add(AstNode::Kind::kOr, lhs, parse_and(op));
    }
    return lhs;
  }

  std::uint32_t parse_and(const Token& after) {
    std::uint32_t lhs = parse_factor(after);
    while (at_word("and") || at_symbol("&&")) {
      const Token& op = next();
      lhs = add(AstNode::Kind::kAnd, lhs, parse_factor(op));
    }
    return lhs;
  }

  std::uint32_t parse_factor(const Token& after) {
    const Token& t = peek();
    if (at_word("not") || at_symbol("!")) {
      next();
      return add(AstNode::Kind::kNot, parse_factor(t), 0);
    }
    if (t.kind == Token::Kind::kLParen) {
      next();
      const std::uint32_t inner = parse_or(t);
      if (peek().kind != Token::Kind::kRParen) {
        fail(peek(), "'and', 'or' or ')' to close the '(' at column " + std::to_string(t.column));
      }
      next();
      return inner;
    }
    if (t.kind != Token::Kind::kWord || at_word("and") || at_word("or")) {
      fail(t, after.kind == Token::Kind::kEnd ? std::string("a condition such as attribute:NAME == VALUE")
                                              : "a condition after '" + std::string(after.raw) + "'");
    }
    return parse_simple();
  }

  std::uint32_t parse_simple() {
    Leaf leaf;
    const Token& subject = next();
    parse_subject(subject, &leaf);
    const Token& op = parse_operator(&leaf);
    check_operator(op, leaf);
    parse_argument(op, &leaf);
    ast_->leaves.push_back(std::move(leaf));
    return add(AstNode::Kind::kLeaf, static_cast<std::uint32_t>(ast_->leaves.size() - 1), 0);
  }

  static void parse_subject(const Token& t, Leaf* leaf) {
    const std::string_view w = t.text;
    if (w.size() >= kAttributePrefix.size() && iequals(w.substr(0, kAttributePrefix.size()), kAttributePrefix)) {
      if (w.size() == kAttributePrefix.size()) fail(t, "an attribute name after 'attribute:'");
      leaf->subject = Subject::kAttribute;
      leaf->attribute = std::string(w.substr(kAttributePrefix.size()));
      return;
    }
    for (const auto& [name, subject] : kSubjects) {
      if (iequals(w, name)) {
        leaf->subject = subject;
        return;
      }
    }
    std::vector<std::string> valid = {"agentConnected", "agentVersion",      "attribute:NAME", "ec2InstanceId",
                                      "registeredAt",   "runningTasksCount", "task:group"};
    std::string expected = "a known subject (";
    const std::string suggestion = sim::closest_spelling(std::string(w), valid.data(), valid.size());
    if (!suggestion.empty()) expected += "did you mean \"" + suggestion + "\"? ";
    expected += "valid: ";
    for (std::size_t k = 0; k < valid.size(); ++k) expected += (k > 0 ? ", " : "") + valid[k];
    fail(t, expected + ")");
  }

  const Token& parse_operator(Leaf* leaf) {
    const Token& t = next();
    if (t.kind == Token::Kind::kSymbol) {
      if (t.text == "=~") {
        leaf->op = Op::kMatches;
        return t;
      }
      if (t.text == "!~") {
        leaf->op = Op::kNotMatches;
        return t;
      }
      if (t.text == "!" && (at_word("in") || at_word("exists"))) {
        // "!in", "!exists": the tokenizer reads '!' and the word apart.
        leaf->op = at_word("in") ? Op::kNotIn : Op::kNotExists;
        bang_ = std::string("!") + std::string(next().text);
        return t;
      }
    }
    if (t.kind == Token::Kind::kSymbol || t.kind == Token::Kind::kWord) {
      for (const auto& [name, op] : kOperators) {
        if (iequals(t.text, name)) {
          leaf->op = op;
          return t;
        }
      }
    }
    std::string expected = "an operator (";
    if (t.kind == Token::Kind::kWord) {
      std::vector<std::string> words;
      for (const auto& [name, op] : kOperators) {
        if (std::isalpha(static_cast<unsigned char>(name[0]))) words.emplace_back(name);
      }
      std::string lower(t.text);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string suggestion = sim::closest_spelling(lower, words.data(), words.size());
      if (!suggestion.empty()) expected += "did you mean \"" + suggestion + "\"? ";
    }
    fail(t, expected + "valid: ==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~, or a word form such as "
                       "equals or not_in)");
  }

  // The operator as the user wrote it, for messages.
  std::string op_text(const Token& op) const {
    if (op.text == "!" && !bang_.empty()) return bang_;
    return std::string(op.text);
  }

  void check_operator(const Token& op, const Leaf& leaf) const {
    const auto is = [&](std::initializer_list<Op> ops) { return std::find(ops.begin(), ops.end(), leaf.op) != ops.end(); };
    std::string_view name;
    std::string_view valid;
    switch (leaf.subject) {
      case Subject::kAttribute:
        return;
      case Subject::kEc2InstanceId:
      case Subject::kAgentConnected:
      case Subject::kTaskGroup:
        if (is({Op::kEq, Op::kNe, Op::kIn, Op::kNotIn, Op::kMatches, Op::kNotMatches})) return;
        valid = "==, !=, in, !in, =~, !~";
        break;
      case Subject::kRegisteredAt:
      case Subject::kRunningTasksCount:
      case Subject::kAgentVersion:
        if (is({Op::kEq, Op::kNe, Op::kGt, Op::kGe, Op::kLt, Op::kLe})) return;
        valid = "==, !=, >, >=, <, <=";
        break;
    }
    for (const auto& [n, s] : kSubjects) {
      if (s == leaf.subject) name = n;
    }
    fail(op, "an operator valid for " + std::string(name) + " (" + std::string(valid) + ")", quoted(op_text(op)));
  }

  bool at_value() const {
    const Token& t = peek();
    if (t.kind == Token::Kind::kQuoted) return true;
    return t.kind == Token::Kind::kWord && !iequals(t.text, "and") && !iequals(t.text, "or");
  }

  void parse_argument(const Token& op, Leaf* leaf) {
    const std::string after = "after '" + op_text(op) + "'";
    if (leaf->op == Op::kExists || leaf->op == Op::kNotExists) return;
    if (peek().kind == Token::Kind::kBadQuote) {
      fail(peek(), "a closing " + std::string(1, peek().raw[0]) + " for the value at column " +
                       std::to_string(peek().column), "the end of the expression");
    }
    if (leaf->op == Op::kIn || leaf->op == Op::kNotIn) {
      if (peek().kind != Token::Kind::kLBracket) fail(peek(), "a list of values such as [a, b] " + after);
      const Token* sep = &next();
      for (;;) {
        if (peek().kind == Token::Kind::kBadQuote) {
          fail(peek(), "a closing " + std::string(1, peek().raw[0]) + " for the value at column " +
                           std::to_string(peek().column), "the end of the expression");
        }
        if (!at_value()) fail(peek(), "a value after '" + std::string(sep->raw) + "'");
        add_value(next(), after, leaf);
        if (peek().kind == Token::Kind::kRBracket) {
          next();
          return;
        }
        if (peek().kind != Token::Kind::kComma) fail(peek(), "',' or ']' in the list " + after);
        sep = &next();
      }
    }
    if (peek().kind == Token::Kind::kLBracket) fail(peek(), "a single value " + after + " (lists go with in and !in)");
    if (!at_value()) fail(peek(), "a value " + after);
    add_value(next(), after, leaf);
  }

  // Checks one value against what the subject and operator take, and keeps it.
  static void add_value(const Token& t, const std::string& after, Leaf* leaf) {
    const std::string_view v = t.text;
    if (leaf->op == Op::kMatches || leaf->op == Op::kNotMatches) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_unique<re2::RE2>(re2::StringPiece(v.data(), v.size()), options);
      if (!re->ok()) fail(t, "a valid RE2 regular expression " + after + " (" + re->error() + ")");
      leaf->regex = std::move(re);
      leaf->values.emplace_back(v);
      return;
    }
    switch (leaf->subject) {
      case Subject::kRunningTasksCount:
        if (!parse_whole(v, &leaf->number)) fail(t, "a whole number " + after);
        break;
      case Subject::kRegisteredAt:
        if (!parse_instant(v, &leaf->number)) {
          fail(t, "a date such as 2018-06-18, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00 " + after);
        }
        break;
      case Subject::kAgentVersion:
        if (!parse_version(v, &leaf->version)) fail(t, "an agent version such as 1.14.5 " + after);
        break;
      case Subject::kAgentConnected:
        if (!iequals(v, "true") && !iequals(v, "false")) fail(t, "true or false " + after);
        leaf->values.emplace_back(iequals(v, "true") ? "true" : "false");
        return;
      default:
        break;
    }
    leaf->values.emplace_back(v);
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  Ast* ast_ = nullptr;
  std::string bang_;  // "!in" / "!exists" as written, for the operator being parsed
};

}  // namespace

// --- compiled form ---

// A test on one string value: an attribute's value, an instance id, a task group name.
struct CompiledQuery::StringTest {
  Op op = Op::kEq;
  std::vector<std::string> values;
  std::unique_ptr<re2::RE2> regex;
  bool numeric = false;  // values[0] is a number (ordering operators)
  double number = 0;
  std::vector<std::uint8_t> table;  // result per interned value / instance, filled at compile

  bool test(std::string_view s) const {
    switch (op) {
      case Op::kEq: return s == values[0];
      case Op::kNe: return s != values[0];
      case Op::kExists: return true;
      case Op::kNotExists: return false;
      case Op::kIn: return std::find(values.begin(), values.end(), s) != values.end();
      case Op::kNotIn: return std::find(values.begin(), values.end(), s) == values.end();
      case Op::kMatches: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *regex);
      case Op::kNotMatches: return !RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *regex);
      case Op::kGt: case Op::kGe: case Op::kLt: case Op::kLe: {
        int cmp = 0;
        double x = 0;
        if (numeric && parse_number(s, &x)) {
          cmp = x < number ? -1 : x > number ? 1 : 0;
        } else {
          const int c = s.compare(values[0]);
          cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
        }
        return op == Op::kGt ? cmp > 0 : op == Op::kGe ? cmp >= 0 : op == Op::kLt ? cmp < 0 : cmp <= 0;
      }
    }
    return false;
  }
};

struct CompiledQuery::Node {
  enum class Kind : std::uint8_t {
    kOr,            // a || b
    kAnd,           // a && b
    kNot,           // !a
    kConst,         // flag (agentVersion: the same on every instance)
    kAttribute,     // tests_[b] on attribute a's value; flag: result when the attribute is missing
    kInstanceId,    // tests_[b] on the instance id
    kGroups,        // some group of groups_[a, b) has a task here, xor flag
    kRunningTasks,  // running_count op number
    kRegisteredAt,  // registered_at op number
    kAgentConnected,  // flag when schedulable, flag2 when not
  };
  Kind kind = Kind::kConst;
  Op op = Op::kEq;
  bool flag = false;
  bool flag2 = false;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::int64_t number = 0;
};

std::string QueryError::message() const {
  std::string out = "column " + std::to_string(column) + ": expected " + expected;
  if (!got.empty()) out += ", got " + got;
  return out;
}

std::optional<QueryError> check_expression(std::string_view expression) {
  Ast ast;
  return Parser(expression).parse(&ast);
}

std::vector<std::string> tested_attributes(std::string_view expression) {
  Ast ast;
  if (Parser(expression).parse(&ast)) return {};
  std::vector<std::string> out;
  for (const Leaf& leaf : ast.leaves) {
    if (leaf.subject == Subject::kAttribute && leaf.op != Op::kNotExists) out.push_back(leaf.attribute);
  }
  return out;
}

CompiledQuery::CompiledQuery() = default;
CompiledQuery::CompiledQuery(CompiledQuery&&) noexcept = default;
CompiledQuery& CompiledQuery::operator=(CompiledQuery&&) noexcept = default;
CompiledQuery::~CompiledQuery() = default;

namespace {

bool compare(std::int64_t x, Op op, std::int64_t y) {
  switch (op) {
    case Op::kEq: return x == y;
    case Op::kNe: return x != y;
    case Op::kGt: return x > y;
    case Op::kGe: return x >= y;
    case Op::kLt: return x < y;
    case Op::kLe: return x <= y;
    default: return false;
  }
}

}  // namespace

CompiledQuery compile_query(std::string_view expression, sim::ClusterState& cluster) {
  Ast ast;
  const std::optional<QueryError> error = Parser(expression).parse(&ast);
  ECSIM_CHECK(!error, "a cluster query that check_expression did not accept");
  using Kind = CompiledQuery::Node::Kind;
  CompiledQuery q;
  q.nodes_.reserve(ast.nodes.size());
  for (const AstNode& n : ast.nodes) {
    CompiledQuery::Node out;
    if (n.kind != AstNode::Kind::kLeaf) {
      out.kind = n.kind == AstNode::Kind::kOr ? Kind::kOr : n.kind == AstNode::Kind::kAnd ? Kind::kAnd : Kind::kNot;
      out.a = n.a;
      out.b = n.b;
      q.nodes_.push_back(out);
      continue;
    }
    Leaf& leaf = ast.leaves[n.a];
    out.op = leaf.op;
    out.number = leaf.number;
    const auto string_test = [&]() {
      CompiledQuery::StringTest t;
      t.op = leaf.op;
      t.values = std::move(leaf.values);
      t.regex = std::move(leaf.regex);
      if (!t.values.empty()) t.numeric = parse_number(t.values[0], &t.number);
      q.tests_.push_back(std::move(t));
      return static_cast<std::uint32_t>(q.tests_.size() - 1);
    };
    switch (leaf.subject) {
      case Subject::kAttribute: {
        out.kind = Kind::kAttribute;
        out.a = cluster.intern_attribute(leaf.attribute);
        out.b = string_test();
        out.flag = leaf.op == Op::kNotExists;
        auto& t = q.tests_[out.b];
        for (const std::string& value : cluster.attribute_values[out.a]) t.table.push_back(t.test(value) ? 1 : 0);
        break;
      }
      case Subject::kEc2InstanceId: {
        out.kind = Kind::kInstanceId;
        out.b = string_test();
        auto& t = q.tests_[out.b];
        for (const std::string& id : cluster.instance_ids) t.table.push_back(t.test(id) ? 1 : 0);
        break;
      }
      case Subject::kTaskGroup: {
        // == / in / =~ select instances running a task of the named groups; != / !in / !~ are
        // their negations.
        out.kind = Kind::kGroups;
        out.flag = leaf.op == Op::kNe || leaf.op == Op::kNotIn || leaf.op == Op::kNotMatches;
        out.a = static_cast<std::uint32_t>(q.groups_.size());
        if (leaf.regex != nullptr) {
          for (std::size_t g = 0; g < cluster.group_names.size(); ++g) {
            if (RE2::FullMatch(cluster.group_names[g], *leaf.regex)) q.groups_.push_back(static_cast<sim::GroupIdx>(g));
          }
        } else {
          for (const std::string& name : leaf.values) q.groups_.push_back(cluster.intern_group(name));
        }
        for (std::size_t k = out.a; k < q.groups_.size(); ++k) cluster.track_group_on_instances(q.groups_[k]);
        out.b = static_cast<std::uint32_t>(q.groups_.size());
        break;
      }
      case Subject::kRunningTasksCount:
        out.kind = Kind::kRunningTasks;
        break;
      case Subject::kRegisteredAt:
        out.kind = Kind::kRegisteredAt;
        break;
      case Subject::kAgentVersion: {
        Version have{};
        parse_version(kAgentVersion, &have);
        const int cmp = have < leaf.version ? -1 : have > leaf.version ? 1 : 0;
        out.kind = Kind::kConst;
        out.flag = compare(cmp, leaf.op, 0);
        break;
      }
      case Subject::kAgentConnected: {
        out.kind = Kind::kAgentConnected;
        const std::uint32_t t = string_test();
        out.flag = q.tests_[t].test("true");
        out.flag2 = q.tests_[t].test("false");
        break;
      }
    }
    q.nodes_.push_back(out);
  }
  q.root_ = ast.root;
  return q;
}

bool CompiledQuery::matches(const sim::ClusterState& cluster, sim::InstanceIdx i) const {
  return eval(root_, cluster, i);
}

bool CompiledQuery::reads_only_attribute(sim::AttributeIdx a) const {
  for (const Node& n : nodes_) {
    switch (n.kind) {
      case Node::Kind::kOr:
      case Node::Kind::kAnd:
      case Node::Kind::kNot:
      case Node::Kind::kConst:
      case Node::Kind::kAgentConnected:  // true on every placement candidate
        break;
      case Node::Kind::kAttribute:
        if (n.a != a) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

bool CompiledQuery::eval(std::uint32_t node, const sim::ClusterState& cluster, sim::InstanceIdx i) const {
  const Node& n = nodes_[node];
  switch (n.kind) {
    case Node::Kind::kOr: return eval(n.a, cluster, i) || eval(n.b, cluster, i);
    case Node::Kind::kAnd: return eval(n.a, cluster, i) && eval(n.b, cluster, i);
    case Node::Kind::kNot: return !eval(n.a, cluster, i);
    case Node::Kind::kConst: return n.flag;
    case Node::Kind::kAttribute: {
      const std::int32_t v = cluster.attribute_value(n.a, i);
      if (v == sim::kMissingValue) return n.flag;
      const StringTest& t = tests_[n.b];
      const auto slot = static_cast<std::size_t>(v);
      // A value interned after compilation is tested on its string.
      return slot < t.table.size() ? t.table[slot] != 0 : t.test(cluster.attribute_values[n.a][slot]);
    }
    case Node::Kind::kInstanceId: {
      const StringTest& t = tests_[n.b];
      return i < t.table.size() ? t.table[i] != 0 : t.test(cluster.instance_ids[i]);
    }
    case Node::Kind::kGroups: {
      bool any = false;
      for (std::uint32_t k = n.a; k < n.b && !any; ++k) any = cluster.group_count(groups_[k], i) > 0;
      return any != n.flag;
    }
    case Node::Kind::kRunningTasks: return compare(cluster.running_count[i], n.op, n.number);
    case Node::Kind::kRegisteredAt:
      return cluster.registered_at[i] != sim::kNever && compare(cluster.registered_at[i], n.op, n.number);
    case Node::Kind::kAgentConnected: return cluster.schedulable[i] != 0 ? n.flag : n.flag2;
  }
  return false;
}

}  // namespace ecsim::placement
