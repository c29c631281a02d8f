#include "scenarios/json_cursor.h"

#include <catch2/catch.hpp>

#include "error_text.h"

namespace ecsim::scenarios {
namespace {

using testing::error_text;

TEST_CASE("JsonCursor: a syntax error names the file, line and column", "[scenarios]") {
  CHECK(error_text([] { parse_json_document("{\n  \"a\": 1,\n  \"b\" 2\n}", "s.json"); }) ==
        "s.json: /: expected valid JSON, got a syntax error at line 3, column 7 (syntax error while parsing object "
        "separator - unexpected number literal; expected ':')");
  CHECK(error_text([] { parse_json_document("", "empty.json"); }) ==
        "empty.json: /: expected valid JSON, got a syntax error at line 1, column 1 (syntax error while parsing value - "
        "unexpected end of input; expected '[', '{', or a literal)");
}

TEST_CASE("JsonCursor: a number beyond double's range is a located syntax error, not a crash", "[scenarios]") {
  CHECK(error_text([] { parse_json_document("{\"seed\":\n  1e400}", "s.json"); }) ==
        "s.json: /: expected valid JSON, got a number out of range at line 2, column 3 (1e400)");
}

TEST_CASE("JsonCursor: nesting deeper than 200 levels is refused", "[scenarios]") {
  CHECK(error_text([] { parse_json_document(std::string(200, '[') + std::string(200, ']'), "s.json"); }) == "<no InputError>");
  CHECK(error_text([] { parse_json_document(std::string(100000, '['), "s.json"); }) ==
        "s.json: /: expected JSON nested at most 200 levels deep, got deeper nesting");
}

TEST_CASE("JsonCursor: // and /* */ comments are allowed", "[scenarios]") {
  auto doc = parse_json_document("// head\n{ /* inline */ \"a\": 1 // tail\n}", "s.json");
  CHECK(JsonCursor(*doc)["a"].get_int(0, 5) == 1);
}

TEST_CASE("JsonCursor: pointers follow RFC 6901 and missing keys report nothing", "[scenarios]") {
  auto doc = parse_json_document(R"({"jobs": [{"runtime": {}}], "a/b~c": {}})", "s.json");
  const JsonCursor root(*doc);
  CHECK(root["jobs"].at(0)["runtime"]["median"].pointer() == "/jobs/0/runtime/median");
  CHECK(root["a/b~c"]["x"].pointer() == "/a~1b~0c/x");
  CHECK(error_text([&] { root["jobs"].at(0)["runtime"]["median"].get_string("a duration"); }) ==
        "s.json: /jobs/0/runtime/median: expected a duration, got nothing");
  CHECK(root["nope"].missing());
  CHECK_FALSE(root.has("nope"));
}

TEST_CASE("JsonCursor: typed getters report the value found, compactly", "[scenarios]") {
  auto doc = parse_json_document(R"({"n": 1.5, "s": "text", "o": {"k": [1, 2]}, "big": 18446744073709551615})", "s.json");
  const JsonCursor root(*doc);
  CHECK(error_text([&] { root["n"].get_int(0, 10); }) == "s.json: /n: expected an integer from 0 to 10, got 1.5");
  CHECK(error_text([&] { root["s"].get_int(0, 10); }) == "s.json: /s: expected an integer from 0 to 10, got \"text\"");
  CHECK(error_text([&] { root["o"].get_string(); }) == "s.json: /o: expected a string, got {\"k\":[1,2]}");
  CHECK(error_text([&] { root["big"].get_int(0, 10); }) ==
        "s.json: /big: expected an integer from 0 to 10, got 18446744073709551615");
  CHECK(root["big"].get_uint64() == 18446744073709551615ull);
  CHECK(error_text([&] { root["s"].get_bool(); }) == "s.json: /s: expected true or false, got \"text\"");
}

TEST_CASE("JsonCursor: long values are cut to about 60 characters", "[scenarios]") {
  const std::string long_text(100, 'x');
  CHECK(quote(long_text) == "\"" + std::string(56, 'x') + "...");
  auto doc = parse_json_document("[\"" + std::string(200, 'y') + "\"]", "s.json");
  CHECK(describe_json(&doc->root).size() == 60);
  CHECK(describe_json(nullptr) == "nothing");
}

TEST_CASE("JsonCursor: an unknown key gets a did-you-mean and the valid keys", "[scenarios]") {
  auto doc = parse_json_document(R"({"jbos": []})", "scenario.json");
  CHECK(error_text([&] { JsonCursor(*doc).check_keys("top-level key", {"cluster", "duration", "jobs", "name"}); }) ==
        "scenario.json: /jbos: expected a known top-level key (did you mean \"jobs\"? valid: cluster, duration, jobs, "
        "name), got \"jbos\"");
  auto far = parse_json_document(R"({"zzzzzzzz": 1})", "scenario.json");
  CHECK(error_text([&] { JsonCursor(*far).check_keys("top-level key", {"cluster", "jobs"}); }) ==
        "scenario.json: /zzzzzzzz: expected a known top-level key (valid: cluster, jobs), got \"zzzzzzzz\"");
}

TEST_CASE("JsonCursor: unknown_name_phrase caps long lists", "[scenarios]") {
  const std::vector<std::string> names = {"a1", "a2", "a3"};
  CHECK(unknown_name_phrase("thing", "a4", names.data(), names.size(), 2) ==
        "a known thing (did you mean \"a1\"? valid: a1, a2, ... (3 in all))");
  CHECK(unknown_name_phrase("thing", "x", names.data(), 0) == "a known thing (none are defined)");
}

}  // namespace
}  // namespace ecsim::scenarios
