#include "scenarios/json_cursor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::size_t kGotLimit = 60;
constexpr int kMaxDepth = 200;

struct TooDeep {};

// A key given twice in one object: nlohmann keeps the last silently; a scenario must not.
struct DuplicateKey {
  std::string pointer;  // of the key
  std::string key;
  std::size_t first = 0, second = 0;  // 0-based indexes among the document's keys, in text order
};

// Builds the document as nlohmann's DOM parser does, and tracks where it is (the JSON pointer of
// each object and array) to refuse a key given twice in one object. Printing a value (dump)
// recurses, so nesting is capped well below what a stack holds; no scenario comes near it.
// (nlohmann's callback parser would do the tracking too, but after each object it scans the
// whole array holding it for discarded values: quadratic in a list of thousands of jobs.)
class TrackingSax : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
  using Base = nlohmann::detail::json_sax_dom_parser<nlohmann::json>;

 public:
  explicit TrackingSax(nlohmann::json& into) : Base(into, /*allow_exceptions_=*/true) {}

  bool null() { return value() && Base::null(); }
  bool boolean(bool v) { return value() && Base::boolean(v); }
  bool number_integer(nlohmann::json::number_integer_t v) { return value() && Base::number_integer(v); }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) { return value() && Base::number_unsigned(v); }
  bool number_float(nlohmann::json::number_float_t v, const nlohmann::json::string_t& s) {
    return value() && Base::number_float(v, s);
  }
  bool string(nlohmann::json::string_t& v) { return value() && Base::string(v); }
  bool binary(nlohmann::json::binary_t& v) { return value() && Base::binary(v); }
  bool start_object(std::size_t n) { return open(false) && Base::start_object(n); }
  bool start_array(std::size_t n) { return open(true) && Base::start_array(n); }
  bool end_object() { return close() && Base::end_object(); }
  bool end_array() { return close() && Base::end_array(); }

  bool key(nlohmann::json::string_t& k) {
    deep_check();
    Frame& f = stack_.back();
    if (f.keys.size() < kScannedKeys) {
      for (const auto& [seen, index] : f.keys) {
        if (seen == k) throw DuplicateKey{child_pointer(f.pointer, k), k, index, key_count_};
      }
    } else {
      if (f.indexed.empty()) f.indexed.insert(f.keys.begin(), f.keys.end());
      const auto seen = f.indexed.find(k);
      if (seen != f.indexed.end()) throw DuplicateKey{child_pointer(f.pointer, k), k, seen->second, key_count_};
      f.indexed.emplace(k, key_count_);
    }
    f.keys.emplace_back(k, key_count_++);
    f.key = k;
    return Base::key(k);
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;  // arrays: the element being read
    std::string pointer;
    std::string key;        // objects: the member being read
    std::vector<std::pair<std::string, std::size_t>> keys;  // key, its index among all keys
    std::unordered_map<std::string, std::size_t> indexed;   // the same, once there are many
  };
  static constexpr std::size_t kScannedKeys = 16;  // an object with more keys looks them up by hash

  // Inside more than kMaxDepth objects and arrays.
  void deep_check() const {
    if (stack_.size() > static_cast<std::size_t>(kMaxDepth)) throw TooDeep{};
  }
  bool value() {
    deep_check();
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    return true;
  }
  bool open(bool array) {
    deep_check();
    Frame f;
    f.array = array;
    if (!stack_.empty()) {
      const Frame& parent = stack_.back();
      f.pointer = child_pointer(parent.pointer, parent.array ? std::to_string(parent.index) : parent.key);
    }
    stack_.push_back(std::move(f));
    return true;
  }
  bool close() {
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    return true;
  }

  std::vector<Frame> stack_;
  std::size_t key_count_ = 0;
};

// The byte offsets of the keys whose 0-based indexes (in text order) are `first` and `second`:
// a scan of the JSON text (with the // and /* */ comments the parser allows) that counts each
// string followed by ':' as a key.
std::pair<std::size_t, std::size_t> key_offsets(std::string_view text, std::size_t first, std::size_t second) {
  std::pair<std::size_t, std::size_t> out{text.size(), text.size()};
  std::size_t keys = 0;
  const auto skip_space = [&](std::size_t i) {
    while (i < text.size()) {
      if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
        ++i;
      } else if (text.compare(i, 2, "//") == 0) {
        while (i < text.size() && text[i] != '\n') ++i;
      } else if (text.compare(i, 2, "/*") == 0) {
        const std::size_t end = text.find("*/", i + 2);
        i = end == std::string_view::npos ? text.size() : end + 2;
      } else {
        break;
      }
    }
    return i;
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t j = skip_space(i);
    if (j != i) {
      i = j;
      continue;
    }
    if (text[i] != '"') {
      ++i;
      continue;
    }
    const std::size_t start = i++;
    while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
    ++i;
    if (skip_space(i) < text.size() && text[skip_space(i)] == ':') {
      if (keys == first) out.first = start;
      if (keys == second) out.second = start;
      ++keys;
    }
  }
  return out;
}

std::string cut(std::string text, std::size_t limit = kGotLimit) {
  if (text.size() <= limit) return text;
  // Back off to a UTF-8 character boundary so that the message stays valid text.
  std::size_t n = limit - 3;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  text.resize(n);
  text += "...";
  return text;
}

std::string compact(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// nlohmann's parse_error::what() reads
//   "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while ..."
// Keep what follows the position; the position itself is printed from the exception's byte
// offset so that the wording does not depend on the library version.
std::string parse_error_detail(const std::string& what) {
  const std::string marker = "column ";
  std::size_t at = what.find(marker);
  if (at == std::string::npos) return what;
  at = what.find(": ", at);
  if (at == std::string::npos) return what;
  return what.substr(at + 2);
}

// 1-based line and column of the byte at `offset` (clamped to the end of the text).
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

std::unique_ptr<JsonDocument> parse_json_document(std::string_view text, const std::string& file) {
  auto doc = std::make_unique<JsonDocument>();
  doc->file = file;
  try {
    TrackingSax sax(doc->root);
    nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, /*strict=*/true,
                              /*ignore_comments=*/true);
  } catch (const DuplicateKey& d) {
    const auto [first, second] = key_offsets(text, d.first, d.second);
    const auto [line1, column1] = line_and_column(text, first);
    const auto [line2, column2] = line_and_column(text, second);
    throw sim::InputError(file, d.pointer, "each key once in an object",
                          quote(d.key) + " twice: at line " + std::to_string(line1) + ", column " + std::to_string(column1) +
                              " and at line " + std::to_string(line2) + ", column " + std::to_string(column2));
  } catch (const TooDeep&) {
    throw sim::InputError(file, "/", "JSON nested at most " + std::to_string(kMaxDepth) + " levels deep",
                          "deeper nesting");
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset of the character where the parser stopped.
    const auto [line, column] = line_and_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string got = "a syntax error at line " + std::to_string(line) + ", column " + std::to_string(column);
    std::string detail = parse_error_detail(e.what());
    // The detail quotes the last characters read, which may be any bytes: keep it short and
    // printable.
    std::string clean;
    for (char c : detail) {
      const auto u = static_cast<unsigned char>(c);
      clean += (u < 0x20 || u == 0x7F) ? ' ' : c;
    }
    got += " (" + cut(clean, 160) + ")";
    throw sim::InputError(file, "/", "valid JSON", got);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number literal beyond double's range ("1e400"): nlohmann reports it without a position,
    // but quotes the literal, which locates it.
    const std::string what = e.what();
    const std::size_t open = what.find('\'');
    const std::size_t close = what.rfind('\'');
    std::string got = "a number out of range";
    if (open != std::string::npos && close > open) {
      const std::string literal = what.substr(open + 1, close - open - 1);
      const auto [line, column] = line_and_column(text, text.find(literal));
      got += " at line " + std::to_string(line) + ", column " + std::to_string(column) + " (" + cut(literal) + ")";
    }
    throw sim::InputError(file, "/", "valid JSON", got);
  }
  return doc;
}

std::string describe_json(const nlohmann::json* node) {
  if (node == nullptr) return "nothing";
  return cut(compact(*node));
}

std::string quote(std::string_view text) {
  return cut(compact(nlohmann::json(std::string(text))));
}

std::string child_pointer(const std::string& parent, std::string_view key) {
  std::string out = parent;
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

JsonCursor JsonCursor::operator[](std::string_view key) const {
  const std::string p = child_pointer(pointer_, key);
  if (node_ == nullptr || !node_->is_object()) return JsonCursor(nullptr, file_, p);
  auto it = node_->find(key);
  if (it == node_->end()) return JsonCursor(nullptr, file_, p);
  return JsonCursor(&*it, file_, p);
}

bool JsonCursor::has(std::string_view key) const {
  return node_ != nullptr && node_->is_object() && node_->find(key) != node_->end();
}

JsonCursor JsonCursor::at(std::size_t i) const {
  return JsonCursor(&(*node_)[i], file_, pointer_ + "/" + std::to_string(i));
}

std::size_t JsonCursor::size() const {
  if (node_ == nullptr || !(node_->is_array() || node_->is_object())) return 0;
  return node_->size();
}

void JsonCursor::fail(const std::string& expected) const {
  throw sim::InputError(*file_, pointer_, expected, describe_json(node_));
}

void JsonCursor::fail(const std::string& expected, const std::string& got) const {
  throw sim::InputError(*file_, pointer_, expected, got);
}

void JsonCursor::fail_at(std::size_t column, const std::string& expected, const std::string& got) const {
  throw sim::InputError(*file_, pointer_, expected, got, column);
}

void JsonCursor::expect_object(std::string_view what) const {
  if (!is_object()) fail(std::string(what));
}

void JsonCursor::expect_array(std::string_view what) const {
  if (!is_array()) fail(std::string(what));
}

std::string JsonCursor::get_string(std::string_view what) const {
  if (!is_string()) fail(std::string(what));
  return node_->get<std::string>();
}

std::string JsonCursor::get_name(std::string_view what) const {
  if (!is_string() || node_->get_ref<const std::string&>().empty()) fail(std::string(what));
  return node_->get<std::string>();
}

std::int64_t JsonCursor::get_int(std::int64_t lo, std::int64_t hi, std::string_view what) const {
  const std::string expected =
      what.empty() ? "an integer from " + std::to_string(lo) + " to " + std::to_string(hi) : std::string(what);
  if (node_ == nullptr) fail(expected);
  std::int64_t v = 0;
  if (node_->is_number_unsigned()) {
    const auto u = node_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(expected);
    v = static_cast<std::int64_t>(u);
  } else if (node_->is_number_integer()) {
    v = node_->get<std::int64_t>();
  } else {
    fail(expected);
  }
  if (v < lo || v > hi) fail(expected);
  return v;
}

std::uint64_t JsonCursor::get_uint64(std::string_view what) const {
  if (node_ == nullptr) fail(std::string(what));
  if (node_->is_number_unsigned()) return node_->get<std::uint64_t>();
  if (node_->is_number_integer() && node_->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(node_->get<std::int64_t>());
  }
  fail(std::string(what));
}

double JsonCursor::get_number(std::string_view what) const {
  if (!is_number()) fail(std::string(what));
  const double v = node_->get<double>();
  if (!std::isfinite(v)) fail(std::string(what));
  return v;
}

bool JsonCursor::get_bool() const {
  if (node_ == nullptr || !node_->is_boolean()) fail("true or false");
  return node_->get<bool>();
}

void JsonCursor::check_keys(const KeySet& set) const {
  if (!is_object()) return;
  for (const auto& item : node_->items()) {
    if (std::find(set.keys.begin(), set.keys.end(), item.key()) != set.keys.end()) continue;
    std::vector<std::string> names(set.keys.begin(), set.keys.end());
    throw sim::InputError(*file_, child_pointer(pointer_, item.key()),
                          unknown_name_phrase(set.kind, item.key(), names.data(), names.size()), quote(item.key()));
  }
}

void JsonCursor::check_keys(std::string_view kind, std::initializer_list<std::string_view> valid) const {
  check_keys(KeySet{kind, std::span<const std::string_view>(valid.begin(), valid.size())});
}

void JsonCursor::check_keys(std::string_view kind, const std::vector<std::string_view>& valid) const {
  check_keys(KeySet{kind, std::span<const std::string_view>(valid.data(), valid.size())});
}

std::string unknown_name_phrase(std::string_view kind, const std::string& word, const std::string* valid,
                                std::size_t count, std::size_t max_listed) {
  std::string out = "a known ";
  out += kind;
  out += " (";
  const std::string suggestion = sim::closest_spelling(word, valid, count);
  if (!suggestion.empty()) out += "did you mean \"" + suggestion + "\"? ";
  if (count == 0) {
    out += "none are defined)";
    return out;
  }
  out += "valid: ";
  for (std::size_t i = 0; i < count && i < max_listed; ++i) {
    if (i > 0) out += ", ";
    out += valid[i];
  }
  if (count > max_listed) out += ", ... (" + std::to_string(count) + " in all)";
  out += ")";
  return out;
}

}  // namespace ecsim::scenarios
