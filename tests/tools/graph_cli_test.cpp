// `ecsim graph` as a user meets it: what it writes, and that a bad input writes nothing.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ECSIM_SOURCE_DIR;

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("cli graph: writes the scenario structure as SVG, by default to ecsim-graph.svg", "[tools][graphviz]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/default.json").string();
  const auto r = run_ecsim({"graph", scenario}, dir.path());
  REQUIRE(r.err.empty());
  REQUIRE(r.status == 0);
  REQUIRE(r.out == "wrote ecsim-graph.svg\n");
  const std::string svg = read_file(dir.path() / "ecsim-graph.svg");
  REQUIRE(svg.rfind("<?xml", 0) == 0);
  REQUIRE(svg.find("<svg") != std::string::npos);
  REQUIRE(svg.find("</svg>") != std::string::npos);
  REQUIRE(svg.find("service web") != std::string::npos);
  REQUIRE(entries(dir.path()) == 1);  // no temporary file left behind
  // The same bytes on a second run.
  REQUIRE(run_ecsim({"graph", scenario, "-o", "again.svg"}, dir.path()).status == 0);
  REQUIRE(read_file(dir.path() / "again.svg") == svg);
}

TEST_CASE("cli graph: -o FILE.dot writes the DOT text", "[tools][graphviz]") {
  TempDir dir;
  const auto r =
      run_ecsim({"graph", (kSource / "scenarios/examples/web-and-etl.json").string(), "-o", "s.dot"}, dir.path());
  REQUIRE(r.status == 0);
  const std::string dot = read_file(dir.path() / "s.dot");
  REQUIRE(dot.rfind("// ecsim scenario structure", 0) == 0);
  REQUIRE(dot.find("digraph \"ecsim_scenario\" {") != std::string::npos);
  REQUIRE(dot.find("service web<") != std::string::npos);
  REQUIRE(entries(dir.path()) == 1);
}

TEST_CASE("cli graph: a broken scenario exits 2 and writes nothing", "[tools][graphviz]") {
  TempDir dir;
  { std::ofstream(dir.path() / "broken.json") << R"({"name": "b", "duration": "soon"})"; }
  const auto r = run_ecsim({"graph", "broken.json", "-o", "g.svg"}, dir.path());
  REQUIRE(r.status == 2);
  REQUIRE(r.err.rfind("broken.json: ", 0) == 0);
  REQUIRE(r.out.empty());
  REQUIRE_FALSE(fs::exists(dir.path() / "g.svg"));
  REQUIRE(entries(dir.path()) == 1);
  const auto missing = run_ecsim({"graph", "nope.json"}, dir.path());
  REQUIRE(missing.status == 2);
  REQUIRE(missing.err.find("nope.json") != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "ecsim-graph.svg"));
}

TEST_CASE("cli graph: an output that is not .svg or .dot exits 2 and writes nothing", "[tools][graphviz]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/default.json").string();
  const auto r = run_ecsim({"graph", scenario, "-o", "g.png"}, dir.path());
  REQUIRE(r.status == 2);
  REQUIRE(r.err.rfind("ecsim: graph: -o FILE must end in .svg or .dot, got \"g.png\"\n", 0) == 0);
  REQUIRE(entries(dir.path()) == 0);
  REQUIRE(run_ecsim({"graph"}, dir.path()).status == 2);
  REQUIRE(run_ecsim({"graph", scenario, "--seed", "3"}, dir.path()).status == 2);
  const auto typo = run_ecsim({"grpah", scenario}, dir.path());
  REQUIRE(typo.status == 2);
  REQUIRE(typo.err.rfind("ecsim: unknown command \"grpah\" (did you mean \"graph\"?)", 0) == 0);
  REQUIRE(entries(dir.path()) == 0);
}

TEST_CASE("cli graph: --help lists the command", "[tools][graphviz]") {
  TempDir dir;
  const auto r = run_ecsim({"--help"}, dir.path());
  REQUIRE(r.status == 0);
  REQUIRE(r.out.find("  graph SCENARIO      draw the scenario's structure") != std::string::npos);
}
