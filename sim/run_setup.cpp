#include "sim/run_setup.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <utility>

#include "sim/task_timing.h"
#include "sim/invariant.h"

namespace ecsim::sim {

std::uint32_t intern_family(std::vector<std::string>& families, FamilyIndex& index, const std::string& family) {
  ECSIM_CHECK(index.size() == families.size(), "the family index and the family list disagree");
  const auto [at, added] = index.emplace(family, static_cast<std::uint32_t>(families.size()));
  if (added) families.push_back(family);
  return at->second;
}

std::int64_t os_memory_mib(const InstanceType& type, std::string_view os_type) {
  return os_type == "windows" ? type.memory_mib - 1 : type.os_memory_mib;
}

std::string default_ami_id(const InstanceGroup& group, const InstanceType& type) {
  if (group.os_type != "windows") return "ami-ecsim-al2023-" + type.architecture;
  std::string family = group.os_family;
  for (char& c : family) c = c == '_' ? '-' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return "ami-ecsim-" + family + "-" + type.architecture;
}

std::string subnet_id(const Cluster& cluster, std::uint32_t zone) {
  if (zone < cluster.subnets.size() && !cluster.subnets[zone].empty()) return cluster.subnets[zone];
  return "subnet-" + cluster.availability_zones[zone];
}

void intern_builtin_attributes(ClusterState& cluster) {
  // In BuiltinAttribute order.
  cluster.intern_attribute("ecs.availability-zone");
  cluster.intern_attribute("ecs.instance-type");
  cluster.intern_attribute("ecs.cpu-architecture");
  cluster.intern_attribute("ecs.os-type");
  cluster.intern_attribute("ecs.os-family");
  cluster.intern_attribute("ecs.ami-id");
  cluster.intern_attribute("ecs.vpc-id");
  cluster.intern_attribute("ecs.subnet-id");
}

namespace {

// The attributes of a group's instances beyond the built-in ones, interned: its capabilities,
// then its custom attributes (group.capabilities, then group.attributes order). And once the
// group's first instance is made, every attribute's value that its instances share, interned
// (the zone's, once the first in each zone is): setup makes thousands of instances of a group.
struct GroupAttributes {
  std::vector<AttributeIdx> names;
  // Set in create_instance_with's order: (attribute, value index, or kZoneValue for the
  // built-in availability zone and subnet, which are the zone's).
  std::vector<std::pair<AttributeIdx, std::int32_t>> values;
  static constexpr std::int32_t kZoneValue = -1;
  std::vector<std::array<std::int32_t, 2>> zone_values;  // [zone]: availability zone, subnet; -1 until made
};

GroupAttributes intern_group_attributes(ClusterState& cluster, const InstanceGroup& group) {
  GroupAttributes out;
  out.names.reserve(group.attributes.size() + group.capabilities.size());
  for (const std::string& name : group.capabilities) out.names.push_back(cluster.intern_attribute(name));
  for (const Attribute& a : group.attributes) out.names.push_back(cluster.intern_attribute(a.name));
  return out;
}

// create_instance, with the group's attributes interned (intern_group_attributes): setup
// creates many instances of a group and interns its attribute names once.
InstanceIdx create_instance_with(const Scenario& scenario, ClusterState& cluster, RunResult& result,
                                 const std::vector<std::uint32_t>& type_slot, std::uint32_t g, std::uint32_t zone,
                                 SimTime launched_at, std::string id, GroupAttributes& group_attributes) {
  ECSIM_CHECK(cluster.attribute_names.size() >= kBuiltinAttributeCount, "an instance created before the built-in attributes");
  const Cluster& c = scenario.cluster;
  const InstanceGroup& group = c.instance_groups[g];
  const InstanceType& type = scenario.instance_types[group.instance_type];
  // Dev Guide "Container Instance Memory Management": CPU = vCPUs x 1024; MEMORY = what the OS reports
  // - ECS_RESERVED_MEMORY.
  const auto cpu = static_cast<std::int32_t>(type.vcpu * 1024);
  const auto memory = static_cast<std::int32_t>(os_memory_mib(type, group.os_type) - group.reserved_memory_mib);
  // Dev Guide "Elastic network interface trunking": awsvpc tasks get the type's ENI limit minus the
  // primary ENI, or with ENI trunking opted in the type's trunked task limit.
  const std::int32_t enis = group.awsvpc_trunking ? type.trunked_awsvpc_tasks : std::max(0, type.max_enis - 1);
  std::vector<std::uint16_t> reserved(group.reserved_tcp_ports.begin(), group.reserved_tcp_ports.end());
  const InstanceIdx i =
      cluster.add_instance(std::move(id), zone, group.instance_type, g, cpu, memory, type.gpus, enis, std::move(reserved));
  // Attachments left for tasks: a shared (Nitro) limit already holds the root volume and the
  // primary ENI (and a trunk ENI), and counts each non-trunked awsvpc task's ENI; a
  // dedicated EBS limit holds the root volume only.
  if (type.ebs_limit_shared) {
    cluster.set_attachments(i, type.max_ebs_attachments - 2 - (group.awsvpc_trunking ? 1 : 0), !group.awsvpc_trunking);
  } else {
    cluster.set_attachments(i, type.max_ebs_attachments - 1, false);
  }
  // The values in this order, interned at the group's (zone's) first instance: an attribute set
  // twice (a custom one named like a built-in) keeps the last, and each attribute's values are
  // interned in the order instances first hold them.
  GroupAttributes& ga = group_attributes;
  if (ga.zone_values.size() <= zone) ga.zone_values.resize(zone + 1, {-1, -1});
  auto& zone_values = ga.zone_values[zone];
  if (zone_values[0] < 0) {
    zone_values[0] = cluster.intern_attribute_value(kAttrAvailabilityZone, c.availability_zones[zone]);
    zone_values[1] = cluster.intern_attribute_value(kAttrSubnetId, subnet_id(c, zone));
  }
  if (ga.values.empty()) {
    const auto add = [&](AttributeIdx a, std::string_view value) {
      ga.values.emplace_back(a, cluster.intern_attribute_value(a, value));
    };
    ga.values.emplace_back(kAttrAvailabilityZone, GroupAttributes::kZoneValue);
    add(kAttrInstanceType, type.name);
    add(kAttrCpuArchitecture, type.architecture);
    add(kAttrOsType, group.os_type);
    add(kAttrOsFamily, group.os_family);
    add(kAttrAmiId, group.ami_id.empty() ? default_ami_id(group, type) : group.ami_id);
    add(kAttrVpcId, c.vpc_id);
    ga.values.emplace_back(kAttrSubnetId, GroupAttributes::kZoneValue);
    for (std::size_t k = 0; k < group.attributes.size(); ++k) {
      add(ga.names[group.capabilities.size() + k], group.attributes[k].value);
    }
    for (std::size_t k = 0; k < group.capabilities.size(); ++k) add(ga.names[k], "");
  }
  for (const auto& [a, value] : ga.values) {
    if (value != GroupAttributes::kZoneValue) {
      cluster.set_attribute_value(a, i, value);
    } else {
      cluster.set_attribute_value(a, i, zone_values[a == kAttrAvailabilityZone ? 0 : 1]);
    }
  }
  result.instances.id.push_back(cluster.instance_ids[i]);
  result.instances.zone.push_back(zone);
  result.instances.type.push_back(type_slot[group.instance_type]);
  result.instances.market.push_back(group.market);
  result.instances.launched_at.push_back(launched_at);
  result.instances.registered_at.push_back(kNever);
  result.instances.terminated_at.push_back(kNever);
  result.instances.cpu_registered.push_back(cpu);
  result.instances.memory_registered_mib.push_back(memory);
  ECSIM_CHECK(result.instances.size() == cluster.size(), "the result and the cluster count different instances");
  return i;
}

}  // namespace

InstanceIdx create_instance(const Scenario& scenario, ClusterState& cluster, RunResult& result,
                            const std::vector<std::uint32_t>& type_slot, std::uint32_t group, std::uint32_t zone,
                            SimTime launched_at, std::string id) {
  GroupAttributes attrs = intern_group_attributes(cluster, scenario.cluster.instance_groups[group]);
  return create_instance_with(scenario, cluster, result, type_slot, group, zone, launched_at, std::move(id), attrs);
}

std::vector<RegistrationBatch> build_instances(const Scenario& scenario, ClusterState& cluster, RunResult& result,
                                               std::vector<std::uint32_t>& type_slot) {
  const Cluster& c = scenario.cluster;
  result.zones = c.availability_zones;
  // Reports list only the instance types the cluster uses, in catalog (name) order.
  type_slot.assign(scenario.instance_types.size(), 0xFFFFFFFFu);
  for (const auto& group : c.instance_groups) type_slot[group.instance_type] = 0;
  for (std::size_t t = 0; t < scenario.instance_types.size(); ++t) {
    if (type_slot[t] != 0) continue;
    type_slot[t] = static_cast<std::uint32_t>(result.instance_types.size());
    result.instance_types.push_back(scenario.instance_types[t].name);
    result.price_microdollars_per_hour.push_back(scenario.instance_types[t].price_microdollars_per_hour);
    result.spot_price_microdollars_per_hour.push_back(scenario.instance_types[t].spot_price_microdollars_per_hour());
  }
  // Savings Plans, their types renumbered into the result's.
  for (const SavingsPlanTerms& plan : scenario.pricing.savings_plans) {
    SavingsPlanTerms terms = plan;
    terms.instance_types.clear();
    for (const std::uint32_t t : plan.instance_types) {
      if (type_slot[t] != 0xFFFFFFFFu) terms.instance_types.push_back(type_slot[t]);
    }
    std::sort(terms.instance_types.begin(), terms.instance_types.end());
    result.savings_plans.push_back(std::move(terms));
  }
  std::map<SimTime, std::vector<InstanceIdx>> launch_batches;

  std::size_t at_start = 0;
  for (const auto& group : c.instance_groups) at_start += static_cast<std::size_t>(std::max(group.count, 0));
  cluster.reserve_instances(at_start);
  const auto reserve = [at_start](auto&... column) { (column.reserve(at_start), ...); };
  InstanceRecords& records = result.instances;
  reserve(records.id, records.zone, records.type, records.market, records.launched_at, records.registered_at,
          records.terminated_at, records.cpu_registered, records.memory_registered_mib);
  intern_builtin_attributes(cluster);
  for (std::size_t g = 0; g < c.instance_groups.size(); ++g) {
    const InstanceGroup& group = c.instance_groups[g];
    GroupAttributes attrs = intern_group_attributes(cluster, group);
    for (std::int32_t n = 0; n < group.count; ++n) {
      const std::uint32_t zone = group.zones[static_cast<std::size_t>(n) % group.zones.size()];
      const InstanceIdx i = create_instance_with(scenario, cluster, result, type_slot, static_cast<std::uint32_t>(g),
                                                 zone, 0, group.name + "-" + std::to_string(n + 1), attrs);
      launch_batches.emplace(group.launch_time, std::vector<InstanceIdx>{}).first->second.push_back(i);
    }
  }
  // Instances that register at the same instant are offered to waiting tasks together, so that
  // each task's own strategy chooses among them (one event per instant, InstanceIdx order).
  std::vector<RegistrationBatch> batches;
  for (auto& [at, instances] : launch_batches) batches.push_back(RegistrationBatch{at, std::move(instances)});
  return batches;
}

SourceTable build_sources(const Scenario& scenario, ClusterState& cluster, PlacerFactory& factory, RunResult& result) {
  SourceTable table;
  std::vector<Source>& sources = table.sources;
  const auto make_source = [&](SourceKind kind, std::uint32_t index, std::uint32_t resultsource, const std::string& stream_name,
                               const std::vector<StrategySpec>& strategy, const std::vector<ConstraintSpec>& constraints,
                               const std::string& group, OnPlacementFailure on_failure, const TaskDefinition* td,
                               const std::vector<StrategySpec>& fallback, const std::optional<EbsVolumeConfig>& ebs,
                               std::uint32_t provider, std::uint32_t provider_item) {
    Source s{kind,
             index,
             resultsource,
             nullptr,
             cluster.intern_group(group),
             on_failure,
             td,
             td != nullptr ? intern_family(result.families, table.family_index, td->family) : 0,
             RandomStream(scenario.seed, stream_name + "/arrival"),
             RandomStream(scenario.seed, stream_name + "/runtime"),
             0,
             0,
             td != nullptr ? td->reserved : Resources{},
             0};
    if (td != nullptr) {
      s.tcp_ports = &td->tcp_host_ports;
      s.udp_ports = &td->udp_host_ports;
      s.start_delay = dependency_start_delay(*td);
    }
    PlacementPolicy policy;
    policy.strategy = strategy.empty() ? fallback : strategy;
    policy.constraints = constraints;
    // ECS applies the task definition's memberOf expressions with the request's; all must hold.
    if (td != nullptr) {
      for (const std::string& expression : td->member_of) policy.constraints.push_back({"memberOf", expression});
      policy.required_attributes = td->required_attributes;
    }
    policy.group = s.group;
    s.provider = provider;
    s.provider_item = provider_item;
    if (provider != Source::kNoProvider) {
      policy.required_attributes.push_back({kCapacityProviderAttribute, scenario.capacity_providers[provider].name});
    }
    if (ebs) {
      // A task-attached EBS volume: one attachment, the volume's zone if it is bound to one.
      s.need.ebs_volumes = 1;
      s.attach_latency = ebs->attach_latency;
      if (ebs->zone >= 0) policy.required_zone = scenario.cluster.availability_zones[static_cast<std::size_t>(ebs->zone)];
    }
    s.placer = factory.make(policy, cluster);
    sources.push_back(std::move(s));
  };

  // Every task group is interned before any placer is built, in the order the sources below
  // take them (so the indices do not change): a memberOf `task:group =~ ...` compiled for one
  // source sees the groups of all of them.
  for (const Service& svc : scenario.services) cluster.intern_group("service:" + svc.name);
  for (const Job& job : scenario.jobs) cluster.intern_group(job.group);
  for (const Trace& trace : scenario.traces) {
    for (const std::string& group : trace.groups) cluster.intern_group(group);
  }

  // ECS's service default without a strategy (Dev Guide "Amazon ECS services"): spread over zones, then the
  // instance with the fewest tasks of the service.
  const std::vector<StrategySpec> service_default = service_default_strategy();
  // RunResult sources: services, jobs, traces, in scenario order. Engine sources: one per task
  // definition a service may run (its own and its deployments', by index), then one per job,
  // then one per task group of each trace.
  for (std::size_t k = 0; k < scenario.services.size(); ++k) {
    const Service& svc = scenario.services[k];
    const bool daemon = svc.scheduling_strategy == SchedulingStrategy::kDaemon;
    result.sources.push_back({svc.name, SourceKind::kService,
                               daemon ? std::string("daemon") : strategy_label(svc.strategy.empty() ? service_default : svc.strategy)});
  }
  for (const Job& job : scenario.jobs) {
    result.sources.push_back({job.name, SourceKind::kJob,
                               strategy_label(job.strategy.empty() ? scenario.default_strategy : job.strategy)});
  }
  for (const Trace& trace : scenario.traces) {
    result.sources.push_back({trace.file, SourceKind::kTrace,
                               strategy_label(trace.strategy.empty() ? scenario.default_strategy : trace.strategy)});
  }
  // Per service, the task definitions its deploy events name (one pass over the events).
  std::vector<std::vector<std::uint32_t>> deployed(scenario.services.size());
  for (const ScenarioEvent& ev : scenario.events) {
    if (ev.type == EventType::kDeploy && ev.service < deployed.size()) deployed[ev.service].push_back(ev.task_definition);
  }
  for (std::size_t k = 0; k < scenario.services.size(); ++k) {
    const Service& svc = scenario.services[k];
    std::vector<std::uint32_t> definitions = std::move(deployed[k]);
    definitions.push_back(svc.task_definition);
    std::sort(definitions.begin(), definitions.end());
    definitions.erase(std::unique(definitions.begin(), definitions.end()), definitions.end());
    table.first_service_source.push_back(static_cast<std::uint32_t>(sources.size()));
    const std::size_t items = std::max<std::size_t>(1, svc.capacity_provider_strategy.size());
    for (const std::uint32_t d : definitions) {
      const TaskDefinition& td = scenario.task_definitions[d];
      for (std::size_t item = 0; item < items; ++item) {
        const std::uint32_t provider = svc.capacity_provider_strategy.empty()
                                           ? Source::kNoProvider
                                           : svc.capacity_provider_strategy[item].provider;
        make_source(SourceKind::kService, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k),
                    "service:" + svc.name, svc.strategy, svc.constraints, "service:" + svc.name,
                    OnPlacementFailure::kWait, &td, service_default, svc.ebs_volume, provider,
                    static_cast<std::uint32_t>(item));
        sources.back().shutdown = shutdown_duration(td, svc.shutdown_time, scenario.cluster.agent.container_stop_timeout);
      }
    }
  }
  table.first_service_source.push_back(static_cast<std::uint32_t>(sources.size()));
  table.first_job_source = static_cast<std::uint32_t>(sources.size());
  for (std::size_t k = 0; k < scenario.jobs.size(); ++k) {
    const Job& job = scenario.jobs[k];
    const TaskDefinition& td = scenario.task_definitions[job.task_definition];
    table.job_first_source.push_back(static_cast<std::uint32_t>(sources.size()));
    const std::size_t items = std::max<std::size_t>(1, job.capacity_provider_strategy.size());
    for (std::size_t item = 0; item < items; ++item) {
      const std::uint32_t provider =
          job.capacity_provider_strategy.empty() ? Source::kNoProvider : job.capacity_provider_strategy[item].provider;
      // Every item's source draws from the job's streams (one job, one arrival process); the
      // engine uses the first item's.
      make_source(SourceKind::kJob, static_cast<std::uint32_t>(k),
                  static_cast<std::uint32_t>(scenario.services.size() + k), "job:" + job.name, job.strategy,
                  job.constraints, job.group, job.on_failure, &td, scenario.default_strategy, job.ebs_volume, provider,
                  static_cast<std::uint32_t>(item));
    }
  }
  table.job_first_source.push_back(static_cast<std::uint32_t>(sources.size()));
  for (std::size_t k = 0; k < scenario.traces.size(); ++k) {
    const Trace& trace = scenario.traces[k];
    // A trace's records carry their own task groups, and spread and distinctInstance count
    // within a group: one source (one placer) per group of the trace.
    table.trace_first_source.push_back(static_cast<std::uint32_t>(sources.size()));
    for (const std::string& group : trace.groups) {
      make_source(SourceKind::kTrace, static_cast<std::uint32_t>(k),
                  static_cast<std::uint32_t>(scenario.services.size() + scenario.jobs.size() + k),
                  "trace:" + std::to_string(k), trace.strategy, {},
                  group, trace.on_failure, nullptr, scenario.default_strategy, std::nullopt, Source::kNoProvider, 0);
    }
    TraceStats stats;
    stats.file = trace.file;
    stats.format = trace.format;
    stats.records_read = trace.records_read;
    stats.records_skipped = trace.records_skipped;
    // The work offered within the run and the trace's own waits are gathered as the engine
    // replays the records (Engine::on_trace_arrival).
    result.traces.push_back(std::move(stats));
  }
  return table;
}

}  // namespace ecsim::sim
