// `ecsim run --explain` writes placements.jsonl (issue 3, "Explain"): off by default, the same
// run with or without it, and every line a JSON object that agrees with tasks.csv.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "run_ecsim.h"

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;

namespace {

const std::filesystem::path kSource = ECSIM_SOURCE_DIR;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Splits a CSV line without quoting (the task rows of the bundled scenarios have no commas).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  for (const char c : line) {
    if (c == ',') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  return f;
}

}  // namespace

TEST_CASE("explain: placements.jsonl explains every attempt and leaves the run unchanged", "[tools][explain]") {
  for (const char* scenario : {"scenarios/examples/web-and-etl.json", "scenarios/examples/gpu-batch.json",
                               "scenarios/default.json"}) {
    INFO(scenario);
    TempDir dir;
    const auto plain = dir.path() / "plain";
    const auto explained = dir.path() / "explained";
    const auto a = run_ecsim({"run", (kSource / scenario).string(), "-o", plain.string(), "--quiet"}, dir.path());
    REQUIRE(a.status == 0);
    const auto b = run_ecsim({"run", (kSource / scenario).string(), "-o", explained.string(), "--quiet", "--explain"},
                             dir.path());
    REQUIRE(b.status == 0);
    // Off by default.
    REQUIRE_FALSE(std::filesystem::exists(plain / "placements.jsonl"));
    // The same run: explaining draws nothing from the run's streams.
    for (const char* file : {"tasks.csv", "timeseries.csv"}) {
      INFO(file);
      REQUIRE(read_file(plain / file) == read_file(explained / file));
    }
    // summary.json too, but for its list of files, which names placements.jsonl first.
    auto plain_summary = nlohmann::ordered_json::parse(read_file(plain / "summary.json"));
    auto explained_summary = nlohmann::ordered_json::parse(read_file(explained / "summary.json"));
    REQUIRE(explained_summary["outputs"]["files"].begin().key() == "placements.jsonl");
    plain_summary.erase("outputs");
    explained_summary.erase("outputs");
    REQUIRE(plain_summary == explained_summary);
    // Nothing but the outputs: no temporary file or staging directory left behind.
    for (const auto& parent : {explained, dir.path()}) {
      for (const auto& entry : std::filesystem::directory_iterator(parent)) {
        REQUIRE(entry.path().filename().string().front() != '.');
      }
    }

    // The instance each placed task got (tasks.csv: taskId, ..., instanceId is column 5).
    std::map<std::string, std::string> instance_of;
    const auto task_rows = lines_of(read_file(explained / "tasks.csv"));
    for (std::size_t k = 1; k < task_rows.size(); ++k) {
      const auto f = fields_of(task_rows[k]);
      instance_of[f.at(0)] = f.at(4);
    }
    std::map<std::string, std::string> last_choice;
    std::size_t placements = 0;
    for (const std::string& line : lines_of(read_file(explained / "placements.jsonl"))) {
      const auto j = nlohmann::json::parse(line);
      const std::string task = j.at("task");
      REQUIRE(instance_of.count(task) == 1);
      const std::string kind = j.at("kind");
      REQUIRE(j.at("need").at("memoryMiB").get<int>() > 0);
      if (kind == "placement") {
        ++placements;
        const auto& ranking = j.at("ranking");
        const std::size_t passed = j.at("passed");
        std::size_t filtered = 0;
        for (const auto& [reason, n] : j.at("filtered").items()) filtered += n.get<std::size_t>();
        REQUIRE(passed + filtered == j.at("instances").get<std::size_t>());
        if (j.at("chosen").is_null()) {
          REQUIRE(passed == 0);
          REQUIRE(j.at("reason").is_string());
          // The reason reported is the closest rejected instance's.
          REQUIRE(j.at("rejected").at(0).at("reason") == j.at("reason"));
        } else {
          REQUIRE(j.at("reason").is_null());
          last_choice[task] = j.at("chosen").at("instance");
          // The chosen instance is among the best-ranked (the tie), unless random chose it.
          bool in_tie = false;
          const std::size_t tied = j.at("tied");
          for (std::size_t k = 0; k < tied && k < ranking.size(); ++k) {
            in_tie = in_tie || ranking[k].at("instance") == j.at("chosen").at("instance");
          }
          if (j.at("path") != "randomProbe" && tied <= ranking.size()) REQUIRE(in_tie);
        }
      } else if (kind == "retry") {
        last_choice[task] = j.at("chosen").at("instance");
      } else {
        REQUIRE(kind == "queued");
        REQUIRE(j.at("queueLength").get<int>() >= 1);
        REQUIRE(j.at("reason").is_string());
      }
    }
    REQUIRE(placements > 0);
    // Every placed task's last successful attempt names the instance tasks.csv gives it, and no
    // task is placed without an explained attempt.
    for (const auto& [task, instance] : instance_of) {
      INFO(task);
      if (instance.empty()) {
        REQUIRE(last_choice.count(task) == 0);
      } else {
        REQUIRE(last_choice.at(task) == instance);
      }
    }
  }
}

TEST_CASE("explain: --explain is refused by validate", "[tools][explain]") {
  TempDir dir;
  const auto r = run_ecsim({"validate", (kSource / "scenarios/default.json").string(), "--explain"}, dir.path());
  REQUIRE(r.status == 2);
}

TEST_CASE("explain: --explain=TASKS explains only those tasks, with the same lines", "[tools][explain]") {
  TempDir dir;
  const auto scenario = (kSource / "scenarios/examples/web-and-etl.json").string();
  const auto all = run_ecsim({"run", scenario, "-o", (dir.path() / "all").string(), "--quiet", "--explain"}, dir.path());
  REQUIRE(all.status == 0);
  const auto some = run_ecsim({"run", scenario, "-o", (dir.path() / "some").string(), "--quiet", "--explain=t5,t20-t22"},
                              dir.path());
  REQUIRE(some.status == 0);
  std::string expected;
  for (const std::string& line : lines_of(read_file(dir.path() / "all" / "placements.jsonl"))) {
    const std::string task = nlohmann::json::parse(line).at("task");
    if (task == "t5" || task == "t20" || task == "t21" || task == "t22") expected += line + "\n";
  }
  REQUIRE(!expected.empty());
  CHECK(read_file(dir.path() / "some" / "placements.jsonl") == expected);
  CHECK(read_file(dir.path() / "some" / "tasks.csv") == read_file(dir.path() / "all" / "tasks.csv"));
  for (const char* bad : {"--explain=5", "--explain=t0", "--explain=t9-t3", "--explain=t1,", "--explain=tx"}) {
    INFO(bad);
    const auto r = run_ecsim({"run", scenario, "-o", (dir.path() / "bad").string(), bad}, dir.path());
    CHECK(r.status == 2);
    CHECK(r.err.find("--explain: /: expected task ids or ranges of tasks.csv, such as t12,t100-t200") == 0);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "bad"));
  }
}
