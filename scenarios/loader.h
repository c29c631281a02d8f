// The scenario loader: one JSON file (and the files it names) to a validated sim::Scenario.
//
// The format is scenarios/README.md (every key; scenario_keys.h lists those the loader checks). Everything is
// checked before the loader returns, so a caller that gets a Scenario can run it and write
// outputs without meeting bad input later. Any problem is an InputError naming the file (as
// the user gave its path), the JSON pointer and what was expected.
//
// Objects that belong to ecsim (the top level, cluster, instance groups, jobs, arrivals, ...)
// reject unknown keys with a did-you-mean; objects pasted from ECS (task definitions,
// services, deploymentConfiguration) ignore the fields ecsim does not model, as ECS would.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/json_cursor.h"
#include "scenarios/overrides.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// Loads the scenario at `path`. Messages name `path` as given; referenced files are named
// relative to its directory ("scenarios/taskdefs/web.json").
sim::Scenario load_scenario(const std::string& path);

// The same with --set overrides (scenarios/overrides.h) applied to the JSON before it is
// validated. An error in a value an override wrote names it after the pointer:
//   scenario.json: /cluster/instanceGroups/0/count (set by --set cluster.instanceGroups.general.count=x): expected ...
sim::Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides);

// A scenario file read and parsed (comments allowed) but not yet validated, for callers that
// load many variants of one file (ecsim plan): read once, then load_scenario_source per variant.
struct ScenarioSource {
  std::string label;     // the path as the user gave it
  std::string base_dir;  // where its referenced files are read from
  nlohmann::json root;
};
ScenarioSource read_scenario_source(const std::string& path);
sim::Scenario load_scenario_source(ScenarioSource source, const std::vector<Override>& overrides);

// Loads scenario text. `file_label` names it in messages; files it refers to are read from
// `base_dir` and named relative to the label's directory.
sim::Scenario load_scenario_text(std::string_view text, const std::string& file_label, const std::string& base_dir);

// The command line's --strategy: a name with an optional field after a colon ("random",
// "binpack:memory", "spread:attribute:ecs.availability-zone"), several joined by commas, or
// an ECS JSON list ([{"type": "binpack", "field": "cpu"}]) or single object. Errors name the
// file "--strategy" and the pointer of the item as if the list were JSON ("/0/field").
std::vector<sim::StrategySpec> parse_strategy_override(std::string_view text);

// Gives `strategy` to the jobs, services and traces named in `sources` (a job by its name, a
// service by its serviceName, a trace by its file as written or its file name), or, when
// `sources` is empty, to every one of them and as the scenario's default. A name that is none of
// them throws InputError("--source", ...) with a did-you-mean.
void override_strategy(sim::Scenario& scenario, const std::vector<sim::StrategySpec>& strategy,
                       const std::vector<std::string>& sources);

// A placement strategy list (ECS placementStrategy): at most 5 items, known types (did you mean
// over placement::strategy_infos()), each checked by placement::check_strategy.
std::vector<sim::StrategySpec> parse_strategy_list(const JsonCursor& c);

// A placement constraint list (ECS placementConstraints): at most 10 items, known types
// (placement::constraint_types()); distinctInstance takes no expression, memberOf needs one of
// at most 2000 characters that placement::check_expression accepts (errors name the column).
std::vector<sim::ConstraintSpec> parse_constraint_list(const JsonCursor& c);

// Compact rendering for summary.json's `strategy`: items joined by ",", each `type` or
// `type(field)`, research parameters appended as `name=value`:
// "spread(attribute:ecs.availability-zone),binpack(memory)".
using sim::strategy_label;  // "spread(attribute:ecs.availability-zone),binpack(memory)"

}  // namespace ecsim::scenarios
