// JsonCursor: a read-only view of one node of a parsed JSON document that knows where it is
// (file label and JSON pointer), so that every typed getter can throw a precise InputError:
//   scenario.json: /jobs/0/runtime/median: expected a duration, got "fast"
//
// A cursor may point at nothing (a key that is absent); getters on such a cursor throw with
// `got nothing`. Cursors borrow the document: REQUIRES the JsonDocument outlives its cursors.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ecsim::scenarios {

// A parsed document and the label its errors name (the path as the user gave it).
struct JsonDocument {
  std::string file;
  nlohmann::json root;
};

// Parses `text` with `//` and `/* */` comments allowed. A syntax error becomes
//   FILE: /: expected valid JSON, got a syntax error at line L, column C (DETAIL)
std::unique_ptr<JsonDocument> parse_json_document(std::string_view text, const std::string& file);

// `node` rendered for the `got` part of a message: compact JSON, strings quoted, cut to about
// 60 characters with "..." when longer; "nothing" for a null pointer (an absent key).
std::string describe_json(const nlohmann::json* node);

// A string quoted the way describe_json quotes it ("fast"), cut the same way.
std::string quote(std::string_view text);

// Appends `key` to a JSON pointer, escaping '~' and '/' as RFC 6901 requires.
std::string child_pointer(const std::string& parent, std::string_view key);

// The keys one kind of object accepts (scenarios/scenario_keys.h lists every kind the loader checks).
struct KeySet {
  std::string_view kind;                    // the error's noun: "key of a job"
  std::span<const std::string_view> keys;   // sorted, unique
};

class JsonCursor {
 public:
  JsonCursor(const nlohmann::json* node, const std::string* file, std::string pointer)
      : node_(node), file_(file), pointer_(std::move(pointer)) {}
  // The root of a document.
  explicit JsonCursor(const JsonDocument& doc) : node_(&doc.root), file_(&doc.file), pointer_() {}

  const std::string& file() const { return *file_; }
  // The JSON pointer of this node; "" for the root (printed as "/").
  const std::string& pointer() const { return pointer_; }
  bool missing() const { return node_ == nullptr; }
  // REQUIRES: !missing().
  const nlohmann::json& json() const { return *node_; }

  bool is_object() const { return node_ != nullptr && node_->is_object(); }
  bool is_array() const { return node_ != nullptr && node_->is_array(); }
  bool is_string() const { return node_ != nullptr && node_->is_string(); }
  bool is_number() const { return node_ != nullptr && node_->is_number(); }

  // Child of an object (a missing cursor when the key is absent or this is not an object).
  JsonCursor operator[](std::string_view key) const;
  bool has(std::string_view key) const;
  // Element of an array. REQUIRES: is_array() and i < size().
  JsonCursor at(std::size_t i) const;
  // Number of elements of an array or keys of an object, 0 otherwise.
  std::size_t size() const;

  // --- typed getters: each throws InputError unless the node has the type ---
  void expect_object(std::string_view what = "an object") const;
  void expect_array(std::string_view what = "an array") const;
  // A string; `what` names it in the message ("a string", "a zone name").
  std::string get_string(std::string_view what = "a string") const;
  // A non-empty string.
  std::string get_name(std::string_view what = "a non-empty string") const;
  // An integer in [lo, hi]; numbers with a fraction are rejected.
  std::int64_t get_int(std::int64_t lo, std::int64_t hi, std::string_view what = "") const;
  std::uint64_t get_uint64(std::string_view what = "an unsigned 64-bit integer") const;
  // A finite number.
  double get_number(std::string_view what = "a number") const;
  bool get_bool() const;

  // Throws for the first key (in sorted order) that is not in `valid`:
  //   FILE: POINTER/KEY: expected a known KIND (did you mean "x"? valid: a, b, c), got "KEY"
  // `kind` is e.g. "top-level key", "key of an instance group". `valid` must be sorted.
  // The loader passes the sets of scenarios/scenario_keys.h, which the reference is tested against.
  void check_keys(const KeySet& set) const;
  void check_keys(std::string_view kind, std::initializer_list<std::string_view> valid) const;
  void check_keys(std::string_view kind, const std::vector<std::string_view>& valid) const;

  // Throws InputError{file, pointer, expected, describe(this node)}.
  [[noreturn]] void fail(const std::string& expected) const;
  // Throws with an explicit `got`.
  [[noreturn]] void fail(const std::string& expected, const std::string& got) const;
  // Throws for a position inside this string value (1-based `column`), e.g. a cluster query
  // expression's syntax error: FILE: POINTER: column N: expected EXPECTED, got GOT.
  [[noreturn]] void fail_at(std::size_t column, const std::string& expected, const std::string& got) const;

 private:
  const nlohmann::json* node_;
  const std::string* file_;
  std::string pointer_;
};

// "expected a known KIND (did you mean "x"? valid: a, b, c)" for `word` among `valid` (which
// the caller lists in the order to print). Exposed so that the loader words every unknown
// name (instance types, families, zones) the same way. `max_listed` caps the list; when more
// are valid, the list ends with ", ... (N in all)".
std::string unknown_name_phrase(std::string_view kind, const std::string& word, const std::string* valid,
                                std::size_t count, std::size_t max_listed = 40);

}  // namespace ecsim::scenarios
