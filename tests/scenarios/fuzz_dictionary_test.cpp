// The fuzzer's dictionary (tools/fuzz/scenario_loader.dict) names every key the loader accepts,
// so that the fuzzer builds scenarios that reach past the key checks.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scenarios/scenario_keys.h"

TEST_CASE("fuzz dictionary: every key of every key set the loader checks is in it", "[scenarios][fuzz]") {
  std::ifstream in(std::filesystem::path(ECSIM_SOURCE_DIR) / "tools/fuzz/scenario_loader.dict");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string dict = text.str();
  for (const auto* set : ecsim::scenarios::keys::kAllKeySets) {
    for (const auto key : set->keys) {
      INFO(set->kind << ": " << key);
      CHECK(dict.find("=\"\\\"" + std::string(key) + "\\\"\"\n") != std::string::npos);
    }
  }
}
