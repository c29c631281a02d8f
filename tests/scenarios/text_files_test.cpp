#include "scenarios/text_files.h"

#include <catch2/catch.hpp>

namespace ecsim::scenarios {
namespace {

TEST_CASE("text_files: referenced files are named relative to the scenario's label", "[scenarios]") {
  const ReferencedFile f = locate_referenced_file("scenarios/default.json", "/abs/scenarios", "taskdefs/web.json");
  CHECK(f.label == "scenarios/taskdefs/web.json");
  CHECK(f.path == "/abs/scenarios/taskdefs/web.json");
  CHECK(locate_referenced_file("scenarios/examples/x.json", "/d", "../taskdefs/etl.json").label ==
        "scenarios/taskdefs/etl.json");
  CHECK(locate_referenced_file("x.json", "", "a.json").path == "./a.json");
}

TEST_CASE("text_files: missing files and non-regular files are refused with a reason", "[scenarios]") {
  std::string why;
  CHECK_FALSE(read_text_file("/nonexistent/ecsim/file.json", why).has_value());
  CHECK(why == "not found");
  CHECK_FALSE(read_text_file("/dev/zero", why).has_value());
  CHECK(why == "not a regular file");
  CHECK_FALSE(read_text_file("/tmp", why).has_value());
  CHECK(why == "not a regular file");
}

TEST_CASE("text_files: lines drop CRLF and trim drops spaces and tabs", "[scenarios]") {
  const auto lines = split_lines("a\r\nb\n\nc");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "a");
  CHECK(lines[2].empty());
  CHECK(lines[3] == "c");
  CHECK(trim("  a b \t") == "a b");
}

}  // namespace
}  // namespace ecsim::scenarios
