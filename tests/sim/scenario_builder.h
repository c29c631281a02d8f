// Builds sim::Scenario values by hand, without the JSON loader, for engine tests.
#pragma once

#include <string>
#include <vector>

#include "sim/model.h"

namespace ecsim::testing {

// A scenario with one synthetic instance type "slot" of `vcpu` vCPUs and `memory_mib` MiB
// (registered in full), `count` instances in one group spread over `zones` zones, and one task
// definition "work" reserving `task_cpu` units and `task_memory_mib` MiB.
inline sim::Scenario slot_scenario(int count, int zones = 1, std::int32_t vcpu = 1, std::int64_t memory_mib = 1024,
                                   std::int32_t task_cpu = 1024, std::int32_t task_memory_mib = 1024) {
  sim::Scenario s;
  s.name = "built";
  s.seed = 1;
  s.duration = sim::kDay;
  s.sample_interval = sim::kMinute;
  sim::InstanceType t;
  t.name = "slot";
  t.vcpu = vcpu;
  t.memory_mib = memory_mib;
  t.os_memory_mib = memory_mib;
  t.max_enis = 2;
  t.price_microdollars_per_hour = 10000;  // $0.01
  s.instance_types.push_back(t);
  s.cluster.name = "c";
  for (int z = 0; z < zones; ++z) s.cluster.availability_zones.push_back("zone-" + std::string(1, static_cast<char>('a' + z)));
  sim::InstanceGroup g;
  g.name = "slot";
  g.instance_type = 0;
  g.count = count;
  for (int z = 0; z < zones; ++z) g.zones.push_back(static_cast<std::uint32_t>(z));
  g.reserved_tcp_ports.clear();
  s.cluster.instance_groups.push_back(g);
  sim::TaskDefinition td;
  td.family = "work";
  td.revision = 1;
  sim::ContainerDefinition c;
  c.name = "main";
  c.image = "work:1";
  c.cpu = task_cpu;
  c.memory_mib = task_memory_mib;
  td.containers.push_back(c);
  td.reserved = sim::Resources{task_cpu, task_memory_mib, 0, 0};
  s.task_definitions.push_back(td);
  s.default_strategy = {{"random", "", {}}};
  s.strategy_label = "random";
  return s;
}

inline sim::Job poisson_job(const std::string& name, double rate_per_second, sim::SimTime mean_runtime) {
  sim::Job j;
  j.name = name;
  j.task_definition = 0;
  j.group = "family:work";
  j.arrival.kind = sim::ArrivalSpec::Kind::kPoisson;
  j.arrival.rate_per_second = rate_per_second;
  j.runtime.kind = sim::RuntimeSpec::Kind::kExponential;
  j.runtime.mean = mean_runtime;
  j.on_failure = sim::OnPlacementFailure::kWait;
  return j;
}

}  // namespace ecsim::testing
