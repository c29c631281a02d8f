#include "reports/json_writer.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace ecsim::reports;
using nlohmann::ordered_json;

TEST_CASE("json_writer: keys keep insertion order, two-space indent, final newline", "[reports]") {
  ordered_json j = ordered_json::object();
  j["z"] = 1;
  j["a"] = ordered_json::array({1.5, "x", true, nullptr});
  j["empty"] = ordered_json::object();
  j["none"] = ordered_json::array();
  j["neg"] = -3;
  CHECK(json_text(j) == R"({
  "z": 1,
  "a": [
    1.5,
    "x",
    true,
    null
  ],
  "empty": {},
  "none": [],
  "neg": -3
}
)");
}

TEST_CASE("json_writer: doubles print in shortest round-trip form", "[reports]") {
  CHECK(json_text(ordered_json(0.1)) == "0.1\n");
  CHECK(json_text(ordered_json(3600.0)) == "3600\n");
  CHECK(json_text(ordered_json(1e-6)) == "1e-06\n");
  CHECK(json_text(ordered_json(1.0 / 3.0)) == "0.3333333333333333\n");
  CHECK(json_text(ordered_json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615\n");
}

TEST_CASE("json_writer: a non-finite number is refused", "[reports]") {
  ordered_json j = ordered_json::object();
  j["x"] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(json_text(j), "json_text: a report figure is not finite");
}
