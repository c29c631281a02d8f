#include "sim/csv_reader.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/input_error.h"

namespace ecsim::sim {
namespace {

std::vector<std::vector<std::string>> read_all(const std::string& text, CsvReader::Options options = {}) {
  std::istringstream in(text);
  CsvReader csv(in, "t.csv", options);
  std::vector<std::vector<std::string>> rows;
  while (csv.next()) {
    std::vector<std::string> row;
    for (std::size_t k = 0; k < csv.size(); ++k) row.push_back(csv.field(k));
    rows.push_back(row);
  }
  return rows;
}

std::string error_of(const std::string& text) {
  std::istringstream in(text);
  CsvReader csv(in, "t.csv");
  try {
    while (csv.next()) {
    }
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

using Rows = std::vector<std::vector<std::string>>;

TEST_CASE("CsvReader: quoted fields hold commas, doubled quotes and line breaks (RFC 4180)", "[traces]") {
  const std::string text = "a,\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",b\r\nlast";
  CHECK(read_all(text) == Rows{{"a", "x, y", "say \"hi\"", ""}, {"two\nlines", "b"}, {"last"}});
}

TEST_CASE("CsvReader: a record's line is where it starts and a field's column where it begins", "[traces]") {
  std::istringstream in("h1,h2\n\"multi\nline\",x\nab,cd\n");
  CsvReader csv(in, "t.csv");
  REQUIRE(csv.next());
  CHECK(csv.line() == 1);
  REQUIRE(csv.next());
  CHECK(csv.line() == 2);
  REQUIRE(csv.next());
  CHECK(csv.line() == 4);
  CHECK(csv.column(0) == 1);
  CHECK(csv.column(1) == 4);
  CHECK(csv.joined() == "ab,cd");
  CHECK_FALSE(csv.next());
}

TEST_CASE("CsvReader: a CR is dropped only before a line feed", "[traces]") {
  CHECK(read_all("a\r\nb\r") == Rows{{"a"}, {"b\r"}});
  CHECK(read_all("\"q\"\r\n") == Rows{{"q"}});
}

TEST_CASE("CsvReader: an empty line is a record of one empty field unless skipped", "[traces]") {
  CHECK(read_all("a\n\nb\n") == Rows{{"a"}, {""}, {"b"}});
  CHECK(read_all("a\n \t\n# note, \"x\"\nb\n", {.comment = '#', .skip_blank = true}) == Rows{{"a"}, {"b"}});
}

TEST_CASE("CsvReader: malformed quotes name the line and the column", "[traces]") {
  CHECK(error_of("a,b\nx,y\"z\n") ==
        "t.csv: line 2: column 4: expected double quotes only around a whole field, got \"y\"\"");
  CHECK(error_of("a\n\"open\n") == "t.csv: line 2: column 1: expected a closing double quote, got the end of the file");
  CHECK(error_of("\"q\"x,1\n") ==
        "t.csv: line 1: column 4: expected a comma or the end of the line after a quoted field, got \"x\"");
}

TEST_CASE("CsvReader: after a malformed record the next line reads on", "[traces]") {
  std::istringstream in("ok,1\nbad\"x,2\nfine,3\n");
  CsvReader csv(in, "t.csv");
  REQUIRE(csv.next());
  CHECK_THROWS_AS(csv.next(), InputError);
  REQUIRE(csv.next());
  CHECK(csv.field(0) == "fine");
  CHECK(csv.line() == 3);
}

TEST_CASE("quote_for_message: cuts after 60 bytes and hides control bytes", "[traces]") {
  CHECK(quote_for_message("a\tb") == "\"a?b\"");
  CHECK(quote_for_message(std::string(61, 'x')) == "\"" + std::string(60, 'x') + "...\"");
}

}  // namespace
}  // namespace ecsim::sim
