// The progress line (issue 4): on stderr when stderr is a terminal, never otherwise.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;

namespace {
const std::filesystem::path kSource = ECSIM_SOURCE_DIR;
}

TEST_CASE("progress: a terminal sees simulated time, tasks, events per second and an ETA", "[tools]") {
  // util-linux's script(1) runs ecsim on a pseudo-terminal and copies what it printed.
  if (!std::filesystem::exists("/usr/bin/script")) {
    WARN("skipped: /usr/bin/script (util-linux) is absent, so no pseudo-terminal");
    return;
  }
  TempDir dir;
  const std::string log = (dir.path() / "typescript").string();
  const std::string command = std::string(ECSIM_BINARY) + " run " + (kSource / "scenarios/default.json").string() +
                              " -o " + (dir.path() / "out").string() + " --quiet";
  const std::string shell = "/usr/bin/script -q -e -c '" + command + "' " + log + " > /dev/null 2>&1";
  REQUIRE(std::system(shell.c_str()) == 0);
  const std::string seen = read_file(log);
  CHECK(seen.find("simulated") != std::string::npos);
  CHECK(seen.find("tasks") != std::string::npos);
  CHECK(seen.find("events/s") != std::string::npos);
  CHECK(seen.find("ETA") != std::string::npos);
  CHECK(seen.find('\r') != std::string::npos);  // one line, rewritten in place
}

TEST_CASE("progress: nothing on stderr when it is not a terminal", "[tools]") {
  TempDir dir;
  const auto r = run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", (dir.path() / "out").string(),
                            "--quiet"},
                           dir.path());
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.empty());
}
