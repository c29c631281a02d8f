// ECS task definitions: parsing, validation as RegisterTaskDefinition does it, what placement
// reserves, and the family/revision registry.
//
// Accepted shapes: the input of `aws ecs register-task-definition --cli-input-json`, or the
// output of `describe-task-definition` ({"taskDefinition": {...}, "tags": [...]}). Fields ecsim
// does not model (environment, logging, links, volumes, roles, ...) are ignored, as ECS accepts
// them.
//
// Reservation (Dev Guide "Task definition parameters"; agent Task.ToHostResources):
//  - CPU: task-level cpu when set, else the sum of container cpu (absent = 0). A task with no
//    cpu anywhere reserves 0 units.
//  - MEMORY: task-level memory when set, else the sum over containers of memoryReservation when
//    > 0, else memory. The soft limit is what is reserved.
//  - GPU: the sum of resourceRequirements[type=GPU].value (a string holding an integer).
//  - ENI: 1 in awsvpc mode, else 0.
//  - Static host ports, per protocol: bridge, hostPort > 0 (0 or absent is a dynamic port, not
//    tracked); host, hostPort (absent or 0 means containerPort); awsvpc and none, none at all.
//
// Validation messages quote ECS's ClientException text after "ECS: " where it could be
// confirmed from AWS material (see the comments in task_definition.cpp for each).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/json_cursor.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// Parses and validates one task definition at `c` (either shape). The revision is the given
// one, or 0 when the definition has none (the registry assigns it). Containers whose image is
// listed in `images` get that image's index in TaskDefinition::images (sorted, unique).
sim::TaskDefinition parse_task_definition(const JsonCursor& c, const std::vector<sim::Image>& images);

// Image name -> index in Scenario::images (names are unique there).
using ImageIndex = std::unordered_map<std::string, std::uint32_t>;
ImageIndex index_images(const std::vector<sim::Image>& images);
// The same with the images indexed once, for a scenario's many definitions.
sim::TaskDefinition parse_task_definition(const JsonCursor& c, const ImageIndex& images);

// Resolves what a task of `def` reserves (def.containers and def.network_mode must be set;
// task-level sizes are passed separately, -1 when absent). Fills def.reserved and the host
// port lists. Exposed for tests and for tools that build definitions by hand.
void resolve_reservation(sim::TaskDefinition& def, std::int64_t task_cpu, std::int64_t task_memory_mib);

// Families and revisions, in registration (file) order. Adding and resolving cost O(log n) (a
// hash lookup of the family, then its revisions in order), so that n definitions referenced by
// n sources load in O(n log n).
class TaskDefinitionRegistry {
 public:
  // Registers `def`. A revision of 0 becomes the family's next one (highest so far + 1), as
  // RegisterTaskDefinition would give; an explicit revision is kept. A (family, revision) seen
  // before is an error at `where`.
  void add(sim::TaskDefinition def, const JsonCursor& where);

  // Index of the definition `ref` names: "web" (latest revision) or "web:3". Unknown families
  // and revisions are errors at `ref` with a did-you-mean.
  std::uint32_t resolve(const JsonCursor& ref) const;

  const std::vector<sim::TaskDefinition>& definitions() const { return defs_; }
  // Hands the definitions over; the registry is empty after.
  std::vector<sim::TaskDefinition> take();

 private:
  std::vector<sim::TaskDefinition> defs_;
  std::unordered_map<std::string, std::map<std::int32_t, std::uint32_t>> by_family_;  // revision -> index
  std::vector<std::string> families_;  // in the order of their first definition, as messages list them
};

}  // namespace ecsim::scenarios
