// The command line as a user meets it: exit codes, messages, and what is (not) written.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "placement/registry.h"
#include "run_ecsim.h"

using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {
const fs::path kSource = ECSIM_SOURCE_DIR;
}

TEST_CASE("cli: --help and --version exit 0", "[tools]") {
  TempDir dir;
  const auto help = run_ecsim({"--help"}, dir.path());
  REQUIRE(help.status == 0);
  REQUIRE(help.out.find("usage: ecsim <command>") == 0);
  const auto version = run_ecsim({"--version"}, dir.path());
  REQUIRE(version.status == 0);
  REQUIRE(version.out == std::string("ecsim ") + ECSIM_VERSION + "\n");
}

TEST_CASE("cli: every command listed by --help has its own help page, and a usage error shows it", "[tools]") {
  TempDir dir;
  const auto help = run_ecsim({"--help"}, dir.path());
  REQUIRE(help.status == 0);
  // The command list: lines "  NAME ..." between "commands:" and the blank line after it.
  const std::size_t from = help.out.find("commands:\n");
  REQUIRE(from != std::string::npos);
  const std::size_t to = help.out.find("\n\n", from);
  std::vector<std::string> names;
  std::size_t pos = from + 10;
  while (pos < to) {
    const std::size_t eol = help.out.find('\n', pos);
    const std::string line = help.out.substr(pos, eol - pos);
    if (line.rfind("  ", 0) == 0 && line[2] != ' ') names.push_back(line.substr(2, line.find(' ', 2) - 2));
    pos = eol + 1;
  }
  REQUIRE(names.size() >= 7);
  for (const auto& name : names) {
    INFO(name);
    const auto page = run_ecsim({"help", name}, dir.path());
    REQUIRE(page.status == 0);
    REQUIRE(page.out.rfind("usage: ecsim " + name, 0) == 0);
    REQUIRE(run_ecsim({name, "--help"}, dir.path()).out == page.out);
  }
  const auto bad = run_ecsim({"plan", "s.json", "p.json", "--jbos", "2"}, dir.path());
  REQUIRE(bad.status == 2);
  REQUIRE(bad.err.find("usage: ecsim plan SCENARIO PLAN") != std::string::npos);
  REQUIRE(bad.err.find("--jobs K") != std::string::npos);
  const auto typo = run_ecsim({"help", "pln"}, dir.path());
  REQUIRE(typo.status == 2);
  REQUIRE(typo.err.rfind("ecsim: unknown command \"pln\" (did you mean \"plan\"?)", 0) == 0);
}

TEST_CASE("cli: usage errors exit 2 with a did-you-mean", "[tools]") {
  TempDir dir;
  const auto r = run_ecsim({"rnu", "x.json"}, dir.path());
  REQUIRE(r.status == 2);
  REQUIRE(r.err.find("ecsim: unknown command \"rnu\" (did you mean \"run\"?)") == 0);
  REQUIRE(run_ecsim({}, dir.path()).status == 2);
  REQUIRE(run_ecsim({"run"}, dir.path()).status == 2);
  REQUIRE(run_ecsim({"run", "x.json", "--bogus"}, dir.path()).status == 2);
}

TEST_CASE("cli: a missing scenario file exits 2 naming it", "[tools]") {
  TempDir dir;
  const auto r = run_ecsim({"run", "nope.json", "-o", "out"}, dir.path());
  REQUIRE(r.status == 2);
  REQUIRE(r.err.find("nope.json") != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("cli: a scenario whose live tasks cannot fit in memory is refused up front, exit 2, nothing written", "[tools]") {
  TempDir dir;
  // 3 x 10^9 tasks an hour of three hours each, for two hours: some 6 x 10^9 alive at once, 700 GiB.
  std::ofstream(dir.path() / "flood.json") << R"({"name": "flood", "duration": "2h",
    "cluster": {"availabilityZones": ["us-east-1a"], "instanceGroups": [{"name": "g", "instanceType": "m5.xlarge", "count": 1}]},
    "taskDefinitions": [{"family": "w", "containerDefinitions": [{"name": "app", "image": "img:1", "cpu": 1024, "memory": 512, "essential": true}]}],
    "jobs": [{"name": "flood", "taskDefinition": "w", "arrival": {"type": "poisson", "ratePerHour": 3e9},
              "runtime": {"type": "constant", "value": "3h"}}]})";
  const auto r = run_ecsim({"run", "flood.json", "-o", "out"}, dir.path());
  REQUIRE(r.status == 2);
  CHECK(r.err.rfind("flood.json: /jobs/0: expected a scenario whose tasks alive at once fit in this machine's memory (", 0) == 0);
  CHECK(r.err.find("6000000000 tasks waiting or running at once") != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "out"));
}

TEST_CASE("cli: strategies lists every built-in strategy", "[tools]") {
  TempDir dir;
  const auto r = run_ecsim({"strategies"}, dir.path());
  REQUIRE(r.status == 0);
  for (const char* name : {"binpack", "random", "spread", "distinctInstance"}) {
    REQUIRE(r.out.find(name) != std::string::npos);
  }
  for (const auto& info : ecsim::placement::strategy_infos()) {
    INFO(info.name);
    if (info.plugin != nullptr) continue;  // loaded into this test process, not into ecsim
    REQUIRE(r.out.find("  " + std::string(info.name) + " ") != std::string::npos);
    REQUIRE(r.out.find(std::string(info.description) + "\n") != std::string::npos);
  }
}

TEST_CASE("cli: --strategy runs a research strategy", "[tools]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/default.json").string();
  const auto r = run_ecsim({"run", scenario, "-o", "t", "--duration", "2h", "--strategy", "tetris"}, dir.path());
  REQUIRE(r.status == 0);
  const std::string summary = ecsim::testing::read_file(dir.path() / "t" / "summary.json");
  REQUIRE(summary.find("\"strategy\": \"tetris\"") != std::string::npos);
  const auto bad = run_ecsim({"run", scenario, "-o", "u", "--strategy", "tetris:cpu"}, dir.path());
  REQUIRE(bad.status == 2);
  REQUIRE(bad.err == "--strategy: /0/field: expected no field for tetris, got \"cpu\"\n");
  REQUIRE_FALSE(fs::exists(dir.path() / "u"));
}

TEST_CASE("cli: run writes the contract's files, report.html and a summary on stdout", "[tools]") {
  TempDir dir;
  const auto r = run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "out", "--duration", "2h"},
                           dir.path());
  REQUIRE(r.status == 0);
  for (const char* f : {"summary.json", "run.json", "tasks.csv", "instances.csv", "timeseries.csv",
                        "timeseries-by-zone.csv", "timeseries-by-type.csv", "timeseries-by-service.csv",
                        "timeseries-by-capacity-provider.csv", "service-events.csv", "markers.csv", "instance-events.csv", "cluster.svg", "cluster.dot",
                        "report.html"}) {
    REQUIRE(fs::is_regular_file(dir.path() / "out" / f));
  }
  // Nothing else: no temporary file left behind.
  REQUIRE(std::distance(fs::directory_iterator(dir.path() / "out"), fs::directory_iterator()) == 15);
  // --no-html leaves the report out.
  REQUIRE(run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "plain", "--duration", "1h",
                     "--no-html", "--quiet"},
                    dir.path()).status == 0);
  REQUIRE(std::distance(fs::directory_iterator(dir.path() / "plain"), fs::directory_iterator()) == 14);
  REQUIRE(r.out.find("tasks:") != std::string::npos);
  REQUIRE(r.out.find("cost:") != std::string::npos);
  // stderr is not a terminal here: no progress line.
  REQUIRE(r.err.empty());
}

TEST_CASE("cli: --seed, --duration and --strategy override the scenario", "[tools]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/default.json").string();
  REQUIRE(run_ecsim({"run", scenario, "-o", "a", "--duration", "3h", "--seed", "5", "--strategy", "binpack:memory"},
                    dir.path()).status == 0);
  const std::string summary = ecsim::testing::read_file(dir.path() / "a" / "summary.json");
  REQUIRE(summary.find("\"seed\": 5,") != std::string::npos);
  REQUIRE(summary.find("\"strategy\": \"binpack(memory)\"") != std::string::npos);
  REQUIRE(summary.find("\"simulatedSeconds\": 10800") != std::string::npos);
  const auto bad = run_ecsim({"run", scenario, "-o", "b", "--strategy", "binpak"}, dir.path());
  REQUIRE(bad.status == 2);
  REQUIRE(bad.err.find("--strategy") == 0);
  REQUIRE_FALSE(fs::exists(dir.path() / "b"));
  const auto bad_duration = run_ecsim({"run", scenario, "-o", "c", "--duration", "soon"}, dir.path());
  REQUIRE(bad_duration.status == 2);
  REQUIRE(bad_duration.err ==
          "--duration: /: expected a positive duration such as \"7d\", \"90m\" or 3600 (seconds), at most 36500d (100 years), got \"soon\"\n");
  // A number of seconds, as a scenario writes it.
  REQUIRE(run_ecsim({"run", scenario, "-o", "d", "--duration", "3600", "--quiet"}, dir.path()).status == 0);
  REQUIRE(ecsim::testing::read_file(dir.path() / "d" / "summary.json").find("\"simulatedSeconds\": 3600") !=
          std::string::npos);
  const auto bad_seed = run_ecsim({"run", scenario, "-o", "c", "--seed", "-1"}, dir.path());
  REQUIRE(bad_seed.status == 2);
  REQUIRE(bad_seed.err == "--seed: /: expected a non-negative integer, got \"-1\"\n");
}

TEST_CASE("cli: an unwritable output directory exits 2 and writes nothing", "[tools]") {
  TempDir dir;
  // A regular file where the output directory should go.
  { std::ofstream(dir.path() / "taken") << "x"; }
  const auto r = run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "taken", "--duration", "1h"},
                           dir.path());
  REQUIRE(r.status == 2);
  REQUIRE(r.err.find("ecsim: cannot write outputs:") == 0);
  REQUIRE(ecsim::testing::read_file(dir.path() / "taken") == "x");
}

TEST_CASE("cli: --plugin loads a placement plugin whose strategy runs end to end", "[tools]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/default.json").string();
  const auto listed = run_ecsim({"strategies", "--plugin", ECSIM_EXAMPLE_PLUGIN}, dir.path());
  REQUIRE(listed.status == 0);
  REQUIRE(listed.out.find("  fewestTasks ") != std::string::npos);
  const auto r = run_ecsim({"run", scenario, "-o", "p", "--duration", "2h", "--plugin", ECSIM_EXAMPLE_PLUGIN,
                            "--strategy", "fewestTasks", "--quiet"},
                           dir.path());
  REQUIRE(r.err.empty());
  REQUIRE(r.status == 0);
  REQUIRE(ecsim::testing::read_file(dir.path() / "p" / "summary.json").find("\"strategy\": \"fewestTasks\"") !=
          std::string::npos);
  // Without the plugin the name is unknown: exit 2, nothing written.
  const auto without = run_ecsim({"run", scenario, "-o", "q", "--strategy", "fewestTasks"}, dir.path());
  REQUIRE(without.status == 2);
  REQUIRE_FALSE(fs::exists(dir.path() / "q"));
  // A plugin that cannot be loaded: exit 2 naming it, nothing written.
  const auto missing = run_ecsim({"run", scenario, "-o", "m", "--plugin", "nope.so"}, dir.path());
  REQUIRE(missing.status == 2);
  REQUIRE(missing.err.rfind("nope.so: /: expected a placement plugin", 0) == 0);
  REQUIRE_FALSE(fs::exists(dir.path() / "m"));
  const auto wrong = run_ecsim({"validate", scenario, "--plugin", ECSIM_TEST_PLUGIN_WRONG_API}, dir.path());
  REQUIRE(wrong.status == 2);
  REQUIRE(wrong.err.find("expected a plugin built for placement plugin API 3, got API 999") != std::string::npos);
}

TEST_CASE("cli: a scenario key holding terminal escapes is printed escaped, and a huge one shortened", "[tools]") {
  TempDir dir;
  std::ofstream(dir.path() / "esc.json") << "{\"name\": \"x\", \"\\u001b]0;pwned\\u0007\\u001b[31mRED\\nfake: line\": 1}";
  const auto r = run_ecsim({"validate", "esc.json"}, dir.path());
  REQUIRE(r.status == 2);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x07') == std::string::npos);
  CHECK(r.err.find("\\u001b]0;pwned\\u0007") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  std::ofstream(dir.path() / "long.json") << "{\"name\": \"x\", \"" << std::string(100000, 'k') << "\": 1}";
  const auto big = run_ecsim({"validate", "long.json"}, dir.path());
  REQUIRE(big.status == 2);
  CHECK(big.err.size() < 4000);
  const auto usage = run_ecsim({std::string("r\x1b[31mun")}, dir.path());
  CHECK(usage.status == 2);
  CHECK(usage.err.find('\x1b') == std::string::npos);
}

TEST_CASE("cli: --duration beyond 100 years, or with more than 10^7 samples, is refused before anything is written", "[tools]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/examples/mmc-queue.json").string();
  const auto far = run_ecsim({"run", scenario, "-o", "out", "--duration", "36501d"}, dir.path());
  CHECK(far.status == 2);
  CHECK(far.err.find("at most 36500d (100 years)") != std::string::npos);
  // mmc-queue samples every 2 minutes: 10^7 samples is 38.05 years.
  const auto samples = run_ecsim({"run", scenario, "-o", "out", "--duration", "14000d"}, dir.path());
  CHECK(samples.status == 2);
  CHECK(samples.err == "--duration: /: expected at most 10000000 samples over the run (sampleInterval 120 s): a duration of "
                       "at most 1200000000 s, got \"14000d\"\n");
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  const auto at = run_ecsim({"report", "nowhere", "--at", "40000d"}, dir.path());
  CHECK(at.status == 2);
  CHECK(at.err.find("--at") == 0);
}

TEST_CASE("cli: a plugin strategy that throws or creates nothing is the plugin's fault: exit 2 naming the library", "[tools]") {
  TempDir dir;
  const std::string scenario = (kSource / "scenarios/examples/mmc-queue.json").string();
  const auto boom = run_ecsim({"run", scenario, "-o", "b", "--plugin", ECSIM_TEST_PLUGIN_THROWS, "--strategy", "boom"}, dir.path());
  CHECK(boom.status == 2);
  CHECK(boom.err == std::string("ecsim: placement plugin ") + ECSIM_TEST_PLUGIN_THROWS +
                        ", strategy \"boom\": score() threw \"boom\" (a fault of the plugin, not of ecsim)\n");
  CHECK_FALSE(fs::exists(dir.path() / "b"));
  const auto null = run_ecsim({"run", scenario, "-o", "n", "--plugin", ECSIM_TEST_PLUGIN_NULL, "--strategy", "nothing"}, dir.path());
  CHECK(null.status == 2);
  CHECK(null.err.find("strategy \"nothing\": create() returned no strategy (a fault of the plugin, not of ecsim)") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "n"));
  // In a comparison's worker threads too.
  const auto compare = run_ecsim({"compare", scenario, "--plugin", ECSIM_TEST_PLUGIN_THROWS, "--strategies", "random,boom",
                                  "--seeds", "2", "-o", "c"},
                                 dir.path());
  CHECK(compare.status == 2);
  CHECK(compare.err.find("score() threw \"boom\"") != std::string::npos);
}
