// placements.jsonl (`ecsim run --explain`): one JSON object per line for every placement attempt,
// in the order the engine made them, so that a user can answer "why did task X land on instance
// Y, and why did task Z wait?".
//
// Each line has "task" (the taskId of tasks.csv), "time" (seconds), "family", "group", "kind",
// and "need" ({"cpu", "memoryMiB", "gpus", "enis", "tcpPorts", "udpPorts"}, the ports as lists), then by kind:
//   "placement": the placer ran. "strategies" (in list order), "path" ("scan", "indexed" or
//     "randomProbe": how the run searched; the survivors are the scan's either way), "instances"
//     (schedulable instances considered), "passed" (how many passed every check), "filtered"
//     (ECS reason of the first failed check -> instances), "ranking" (the passing instances best
//     first by their strategy keys, lexicographically as the strategies apply; a key is null
//     once an earlier strategy eliminated the instance), "tied" (instances left for the final
//     uniform draw), "rejected" (the filtered instances closest first: fewest failed checks, then
//     instance order, with "reason" and "failedChecks"), "chosen" ({"instance", "zone"}, or null) and
//     "reason" (null, or the ECS reason reported: that of the closest instance). "ranking" and
//     "rejected" list at most kExplainListLimit entries; "rankingOmitted"/"rejectedOmitted" count
//     the rest.
//   "queued": tasks of the same source and shape were already waiting, so this one waits behind
//     them without a placer call: "queueHead" (taskId of the oldest), "queueLength" (tasks ahead),
//     "reason" (the reason recorded for them).
//   "retry": a waiting task placed on the instance that just gained room: "chosen".
// Keys are the strategies' integer keys, lower is better (binpack: free units left; spread: the
// group's tasks on the instance's attribute value; reports/README.md lists every key).
//
// Deterministic: same run, same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "reports/atomic_file.h"
#include "sim/engine.h"

namespace ecsim::reports {

inline constexpr std::string_view kPlacementsFile = "placements.jsonl";

// Task numbers first..last (0-based, inclusive) whose attempts are explained.
struct TaskRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

// "t12,t100-t200" (taskIds of tasks.csv, 1-based) -> ranges; "" -> none (every task). Throws
// sim::InputError naming "--explain" on anything else.
std::vector<TaskRange> parse_task_ranges(std::string_view text);
inline constexpr std::size_t kExplainListLimit = 50;

class PlacementsJsonl final : public sim::ExplainSink {
 public:
  // Writes lines to `out`, which must outlive this object; only for tasks in `tasks` unless it
  // is empty.
  explicit PlacementsJsonl(BufferedWriter& out, std::vector<TaskRange> tasks = {})
      : out_(out), tasks_(std::move(tasks)) {}
  bool wants(std::uint32_t task) const override;
  void attempt(const sim::PlacementAttempt& a, const sim::ClusterState& cluster, const sim::RunResult& result) override;

 private:
  BufferedWriter& out_;
  std::vector<TaskRange> tasks_;
  std::string line_;
  std::vector<std::size_t> order_;
};

}  // namespace ecsim::reports
