// A small jobs-only scenario where placement matters (tests of diff and compare): small tasks and
// whole-instance tasks on six instances. Binpack keeps instances whole for the big tasks;
// spreading the small ones over every instance (a deliberately worse strategy here) fragments the
// fleet and the big tasks wait.
#pragma once

namespace ecsim::testing {

inline constexpr const char* kFragmentation = R"({
  "name": "fragmentation", "seed": 1, "duration": "6h", "sampleInterval": "10m",
  "instanceTypes": [{"name": "box", "vcpu": 4, "memoryMiB": 8192, "enis": 2, "gpus": 0, "pricePerHour": 0.1}],
  "cluster": {"name": "c", "availabilityZones": ["us-east-1a"],
              "instanceGroups": [{"name": "boxes", "instanceType": "box", "count": 6, "reservedPorts": []}]},
  "taskDefinitions": [
    {"family": "small", "cpu": "1024", "memory": "1024", "containerDefinitions": [{"name": "s", "image": "busybox", "essential": true}]},
    {"family": "whole", "cpu": "4096", "memory": "4096", "containerDefinitions": [{"name": "w", "image": "busybox", "essential": true}]}],
  "jobs": [
    {"name": "small", "taskDefinition": "small", "arrival": {"type": "poisson", "ratePerHour": 600},
     "runtime": {"type": "exponential", "mean": "60s"}, "onPlacementFailure": "wait",
     "placementStrategy": [{"type": "binpack", "field": "cpu"}]},
    {"name": "whole", "taskDefinition": "whole", "arrival": {"type": "poisson", "ratePerHour": 60},
     "runtime": {"type": "exponential", "mean": "120s"}, "onPlacementFailure": "wait",
     "placementStrategy": [{"type": "binpack", "field": "cpu"}]}]
})";

}  // namespace ecsim::testing
