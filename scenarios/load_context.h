// What the sections of one scenario load share: the scenario being built, the task definition
// registry, the parsed documents (cursors borrow them), and the helpers more than one section
// uses (names with did-you-mean, referenced files, what services, jobs and deploy events give
// when they launch tasks).
//
// Each section (loader.cpp: cluster, images, jobs, traces; services.cpp; auto_scaling.cpp;
// events.cpp) reads its part of the JSON into `scenario` and throws InputError on bad input.
// REQUIRES: sections run in the loader's order (cluster, registries, images, task definitions,
// services, jobs, traces, events): each may look up what an earlier one produced.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/json_cursor.h"
#include "scenarios/task_definition.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// Dev Guide "Amazon ECS services": a REPLICA service keeps at most 5000 tasks; Application Auto
// Scaling's capacities for ECS use the same bound.
constexpr std::int64_t kMaxDesiredCount = 5000;

// Picks one of `valid` (in the order given) or fails with
//   expected a known KIND (did you mean "x"? valid: ...), got "WORD"
std::size_t choose(const JsonCursor& c, std::string_view kind, const std::vector<std::string>& valid);

// Letters, digits, '-', '_' and '.'.
bool name_chars_ok(const std::string& name);

// Shortest round-trip text of `v` (std::to_chars): "0.5", "120".
std::string format_double(double v);

// "a DAEMON value (ECS: MESSAGE)": ECS's own answer after the expectation.
std::string ecs_says(std::string_view expected, std::string_view ecs_message);

// A present, non-null key.
bool has_value(const JsonCursor& parent, std::string_view key);

// The names of one kind loaded so far (services, jobs, ...), in load order: the "not used
// before" checks and the lookups by name cost O(1) each instead of a scan of every name before,
// so that a scenario of n of them loads in O(n).
class NameIndex {
 public:
  // Adds `name` as the next index; false (nothing added) when it is there already.
  bool add(const std::string& name);
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  // Picks one as choose() does, with the same message for an unknown name.
  std::size_t choose(const JsonCursor& c, std::string_view kind) const;

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

struct LoadContext {
  LoadContext(std::string label_in, std::string base_dir_in)
      : label(std::move(label_in)), base_dir(std::move(base_dir_in)) {}

  std::string label;     // the scenario file as the user named it
  std::string base_dir;  // where its referenced files are read from
  std::vector<std::unique_ptr<JsonDocument>> docs;
  sim::Scenario scenario;
  TaskDefinitionRegistry registry;
  // Names of what is loaded so far (their sections add them): tasks.csv names a task's source by
  // its name alone, so a job, service or trace file may not take another's name.
  NameIndex services;
  NameIndex jobs;
  NameIndex trace_files;
  NameIndex registries;

  // Reads and parses the JSON file a {"file": ...} entry names; the document lives as long as
  // the context, so cursors into it stay valid.
  JsonCursor open_json_file(const JsonCursor& file_ref);
  // The text of the file `file_ref` names, relative to the scenario; fails at `file_ref`.
  std::string read_referenced(const JsonCursor& file_ref) const;
  // The file `file_ref` names, opened to be read as a stream (a trace of any size); fails at
  // `file_ref` when it is missing, not a regular file or unreadable.
  std::ifstream open_referenced(const JsonCursor& file_ref) const;
  // How messages name that file.
  std::string referenced_label(const JsonCursor& file_ref) const;

  std::uint32_t zone_index(const JsonCursor& c) const;

  // --- what a service, a job or a deploy event gives to launch tasks ---
  // The task definition `ref` names, which must be runnable on EC2 (requiresCompatibilities
  // without EC2 and EXTERNAL, i.e. ["FARGATE"], is refused with ECS's answer).
  std::uint32_t ec2_task_definition(const JsonCursor& ref) const;
  // At most 10 constraints with the task definition's memberOf ones.
  void check_total_constraints(const JsonCursor& where, const std::vector<sim::ConstraintSpec>& constraints,
                               std::uint32_t task_definition) const;
  // volumeConfigurations: the EBS volume of the task definition's configuredAtLaunch volume.
  std::optional<sim::EbsVolumeConfig> volume_configurations(const JsonCursor& parent, std::uint32_t task_definition) const;
};

}  // namespace ecsim::scenarios
