// The SimGrid comparison (tools/bench/simgrid-compare.sh) runs ecsim on scenarios/bench/mmc-c*.json
// and tools/bench/simgrid_mmc with the script's own table of servers, jobs and rates: both sides
// must describe the same M/M/c queue, or the timing compares different work.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "scenarios/loader.h"

namespace ecsim::tools {
namespace {

const std::string kSourceDir = ECSIM_SOURCE_DIR;

// The script's `declare -A NAME=([c10]=... ...)` tables, by table then case.
std::map<std::string, std::map<std::string, std::string>> script_tables() {
  std::ifstream in(kSourceDir + "/tools/bench/simgrid-compare.sh");
  std::stringstream text;
  text << in.rdbuf();
  const std::string script = text.str();
  std::map<std::string, std::map<std::string, std::string>> tables;
  const std::regex table(R"(declare -A (\w+)=\(([^)]*)\))");
  const std::regex entry(R"(\[(\w+)\]=(\S+))");
  for (std::sregex_iterator t(script.begin(), script.end(), table), end; t != end; ++t) {
    const std::string body = (*t)[2];
    for (std::sregex_iterator e(body.begin(), body.end(), entry); e != end; ++e) tables[(*t)[1]][(*e)[1]] = (*e)[2];
  }
  return tables;
}

TEST_CASE("simgrid-compare: each case's scenario is the M/M/c queue the SimGrid program is given", "[tools]") {
  auto tables = script_tables();
  REQUIRE(tables["scenario"].size() == 3);
  for (const auto& [name, file] : tables["scenario"]) {
    INFO(name << ": " << file);
    const sim::Scenario s = scenarios::load_scenario(kSourceDir + "/scenarios/bench/" + file);
    const std::int64_t servers = std::stoll(tables["servers"].at(name));
    const std::int64_t jobs = std::stoll(tables["jobs"].at(name));
    const double per_hour = std::stod(tables["rate"].at(name));
    // The script passes --seed 7 and --mean-runtime 60 to simgrid_mmc, whose streams are those of
    // an ecsim job named `arrivals`.
    CHECK(s.seed == 7);
    REQUIRE(s.cluster.instance_groups.size() == 1);
    CHECK(s.cluster.instance_groups[0].count == servers);
    // One slot per instance: a task takes the whole instance's CPU and memory.
    const auto& type = s.instance_types[s.cluster.instance_groups[0].instance_type];
    CHECK(s.task_definitions.at(0).reserved.cpu == type.vcpu * 1024);
    REQUIRE(s.jobs.size() == 1);
    const sim::Job& j = s.jobs[0];
    CHECK(j.name == "arrivals");
    CHECK(j.arrival.kind == sim::ArrivalSpec::Kind::kPoisson);
    CHECK(j.arrival.rate_per_second * 3600.0 == Approx(per_hour).epsilon(1e-12));
    CHECK(j.arrival.count == jobs);
    CHECK(j.runtime.kind == sim::RuntimeSpec::Kind::kExponential);
    CHECK(j.runtime.mean == 60 * sim::kSecond);
    CHECK(j.on_failure == sim::OnPlacementFailure::kWait);
    // Long enough for every job to arrive and finish: the mean arrival span plus 5 % (many
    // standard deviations of a sum of so many gaps) and ten minutes to drain.
    const double span_s = static_cast<double>(jobs) / per_hour * 3600.0;
    CHECK(static_cast<double>(s.duration) >= (span_s * 1.05 + 600.0) * static_cast<double>(sim::kSecond));
  }
}

}  // namespace
}  // namespace ecsim::tools
