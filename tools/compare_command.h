// `ecsim compare SCENARIO --strategies A,B,... [--strategy S]... --seeds N [--seed S]
//  [--source NAME]... [--metric PATH]... [-o DIR] [--jobs K] [--set PATH=VALUE]... [--plugin LIB.so]
//  [--quiet]` (reports/compare.h): every strategy on the same seeds, with common random numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/compare.h"
#include "scenarios/loader.h"

namespace ecsim::tools {

struct CompareOptions {
  std::vector<std::string> strategies;  // as given; "scenario": the scenario's own strategies
  std::uint64_t seeds = 10;
  std::optional<std::uint64_t> first_seed;  // default: the scenario's seed
  std::vector<std::string> sources;         // empty: every job, service and trace
  std::vector<scenarios::Override> overrides;
  std::size_t jobs = 0;                     // 0: every core
};

// The runs, [strategy][seed], each from the scenario with that strategy and seed. The same
// whatever `jobs` is. Throws sim::InputError for a strategy or source that does not parse or
// name anything, and, before any run, for a scenario whose live tasks do not fit in a run's share
// of the memory available (tools/memory_budget.h), or, during one, for a run that outgrows it
// (the other runs then stop).
reports::CompareInput run_compare(const scenarios::ScenarioSource& source, const CompareOptions& options);

// Gives the scenario the strategy `text` (compare's --strategy: a name, a preset, a comma list,
// an ECS JSON list; "scenario" leaves it as it is) for `sources` (empty: every source and the
// default). Throws sim::InputError for a strategy or source that does not parse or name anything.
void apply_strategy(sim::Scenario& scenario, const std::string& text, const std::vector<std::string>& sources);

int cmd_compare(const std::vector<std::string>& args);
std::string_view compare_options_help();

}  // namespace ecsim::tools
