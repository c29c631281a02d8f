// `cmake --install` ships the plugin API header and every header it includes, so that a plugin
// builds against an installed ecsim (README, "Placement plugins").
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "run_ecsim.h"

using ecsim::testing::read_file;
namespace fs = std::filesystem;

TEST_CASE("install: the plugin API header and everything it includes are installed", "[tools]") {
  const fs::path source = ECSIM_SOURCE_DIR;
  std::set<std::string> seen;
  std::vector<std::string> todo = {"placement/plugin_api.h"};
  const std::regex include(R"re(#include "([^"]+)")re");
  while (!todo.empty()) {
    const std::string header = todo.back();
    todo.pop_back();
    if (!seen.insert(header).second) continue;
    const std::string text = read_file(source / header);
    REQUIRE_FALSE(text.empty());
    for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) todo.push_back((*it)[1]);
  }
  REQUIRE(seen.size() >= 2);
  const std::string cmake = read_file(source / "tools/CMakeLists.txt");
  for (const auto& header : seen) {
    INFO(header);
    CHECK(cmake.find("${PROJECT_SOURCE_DIR}/" + header) != std::string::npos);
  }
}
