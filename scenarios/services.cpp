#include "scenarios/services.h"

#include <charconv>
#include <fstream>
#include <cmath>
#include <limits>

#include "scenarios/auto_scaling.h"
#include "scenarios/capacity.h"
#include "scenarios/loader.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/text_files.h"
#include "scenarios/values.h"
#include "sim/csv_reader.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// Not an ECS figure: one crash a second per task is beyond any real service and keeps a typo
// from flooding the event queue.
constexpr double kMaxCrashRatePerTaskHour = 3600;

// ECS's answers to a DAEMON service with REPLICA settings. Confirmed: InvalidParameterException
// texts quoted in kayac/ecspresso #20 and fabfuel/ecs-deploy #59 (desiredCount), kayac/ecspresso
// #402 and reproio/ecs_deploy #93 (placement strategies), hashicorp/terraform-provider-aws #4825
// (maximumPercent).
constexpr std::string_view kDaemonDesiredCount =
    "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value "
    "and try again";
constexpr std::string_view kDaemonPlacementStrategy =
    "The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try "
    "again";
constexpr std::string_view kDaemonMaximumPercent =
    "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment "
    "configuration. Change the maximumPercent value to 100, and try again";

std::string seconds_text(sim::SimTime t) { return format_double(sim::to_seconds(t)) + "s"; }

double get_probability(const JsonCursor& c) {
  const double p = c.get_number("a probability from 0 to 1");
  if (p < 0 || p > 1) c.fail("a probability from 0 to 1");
  return p;
}

void read_deployment_configuration(const JsonCursor& dc, bool daemon, sim::Service& out) {
  dc.expect_object("a deploymentConfiguration object");
  if (dc.has("minimumHealthyPercent")) {
    out.minimum_healthy_percent =
        static_cast<std::int32_t>(dc["minimumHealthyPercent"].get_int(0, 100, "a minimumHealthyPercent from 0 to 100"));
  }
  if (dc.has("maximumPercent")) {
    out.maximum_percent =
        static_cast<std::int32_t>(dc["maximumPercent"].get_int(100, kInt32Max, "a maximumPercent of at least 100"));
    if (daemon && out.maximum_percent != 100) {
      dc["maximumPercent"].fail(ecs_says("a maximumPercent of 100 for a DAEMON service", kDaemonMaximumPercent));
    }
  }
  if (has_value(dc, "deploymentCircuitBreaker")) {
    // API reference DeploymentCircuitBreaker: enable and rollback are both required.
    const JsonCursor cb = dc["deploymentCircuitBreaker"];
    cb.expect_object("a deploymentCircuitBreaker object ({\"enable\": ..., \"rollback\": ...})");
    for (const char* key : {"enable", "rollback"}) {
      if (!cb.has(key)) cb[key].fail(std::string("a value for ") + key + " (the ECS API requires both enable and rollback)");
    }
    out.circuit_breaker = cb["enable"].get_bool();
    out.circuit_breaker_rollback = cb["rollback"].get_bool();
  }
}

// ECS does not rebalance a service whose strategy binpacks (Dev Guide "Balancing an Amazon ECS
// service across Availability Zones"), so that is the default's one exception.
bool binpacks(const std::vector<sim::StrategySpec>& strategy) {
  for (const auto& s : strategy) {
    if (s.type == "binpack") return true;
  }
  return false;
}

void read_az_rebalancing(const JsonCursor& sv, bool daemon, sim::Service& out) {
  const bool binpack = binpacks(out.strategy);
  out.az_rebalancing = !daemon && !binpack;
  if (!has_value(sv, "availabilityZoneRebalancing")) return;
  const JsonCursor c = sv["availabilityZoneRebalancing"];
  const bool enabled = choose(c, "availabilityZoneRebalancing", {"DISABLED", "ENABLED"}) == 1;
  if (enabled && daemon) c.fail("DISABLED for a DAEMON service (ECS rebalances REPLICA services only)");
  if (enabled && binpack) {
    c.fail("DISABLED with a binpack placement strategy (ECS does not rebalance a service that binpacks)");
  }
  out.az_rebalancing = enabled;
}

sim::Service read_service(const LoadContext& ctx, const JsonCursor& sv) {
  sv.expect_object("a service object (ECS CreateService input)");
  sim::Service out;
  out.name = sv["serviceName"].get_name("a service name");
  // API reference CreateService: up to 255 letters, numbers, underscores and hyphens.
  if (out.name.size() > 255 || !name_chars_ok(out.name) || out.name.find('.') != std::string::npos) {
    sv["serviceName"].fail("a service name of up to 255 letters, digits, hyphens and underscores");
  }
  if (ctx.services.contains(out.name)) sv["serviceName"].fail("a service name not used before");
  if (sv.has("schedulingStrategy")) {
    out.scheduling_strategy = choose(sv["schedulingStrategy"], "schedulingStrategy", {"DAEMON", "REPLICA"}) == 0
                                  ? sim::SchedulingStrategy::kDaemon
                                  : sim::SchedulingStrategy::kReplica;
  }
  const bool daemon = out.scheduling_strategy == sim::SchedulingStrategy::kDaemon;
  if (daemon && has_value(sv, "capacityProviderStrategy") &&
      !(sv["capacityProviderStrategy"].is_array() && sv["capacityProviderStrategy"].size() == 0)) {
    sv["capacityProviderStrategy"].fail("no capacityProviderStrategy for a DAEMON service (it runs on every instance)");
  }
  if (daemon) {
    if (sv.has("launchType") && sv["launchType"].get_string() != "EC2") {
      sv["launchType"].fail("EC2 (ecsim simulates EC2 container instances)");
    }
  } else {
    out.capacity_provider_strategy = resolve_capacity_provider_strategy(ctx, sv);
  }
  out.task_definition = ctx.ec2_task_definition(sv["taskDefinition"]);
  if (daemon) {
    if (has_value(sv, "desiredCount")) {
      sv["desiredCount"].fail(ecs_says("no desiredCount for a DAEMON service", kDaemonDesiredCount));
    }
    out.minimum_healthy_percent = 0;
    out.maximum_percent = 100;
  } else {
    out.desired_count =
        static_cast<std::int32_t>(sv["desiredCount"].get_int(0, kMaxDesiredCount, "a desiredCount from 0 to 5000"));
  }
  if (sv.has("placementStrategy")) {
    out.strategy = parse_strategy_list(sv["placementStrategy"]);
    if (daemon && !out.strategy.empty()) {
      sv["placementStrategy"].fail(ecs_says("no placementStrategy for a DAEMON service", kDaemonPlacementStrategy));
    }
  }
  if (sv.has("placementConstraints")) out.constraints = parse_constraint_list(sv["placementConstraints"]);
  ctx.check_total_constraints(sv["placementConstraints"], out.constraints, out.task_definition);
  out.ebs_volume = ctx.volume_configurations(sv, out.task_definition);
  if (sv.has("deploymentConfiguration")) read_deployment_configuration(sv["deploymentConfiguration"], daemon, out);
  if (has_value(sv, "healthCheckGracePeriodSeconds")) {
    out.health_check_grace_period =
        sv["healthCheckGracePeriodSeconds"].get_int(0, kInt32Max, "a healthCheckGracePeriodSeconds from 0 to 2147483647") *
        sim::kSecond;
  }
  if (has_value(sv, "shutdownTime")) out.shutdown_time = get_duration(sv["shutdownTime"]);
  read_az_rebalancing(sv, daemon, out);
  if (sv.has("failures")) out.failures = parse_task_failures(sv["failures"]);
  if (sv.has("load")) out.load = parse_load(ctx, sv["load"]);
  if (sv.has("autoScaling")) {
    // Dev Guide "Amazon ECS services": a DAEMON service has no auto scaling.
    if (daemon) sv["autoScaling"].fail("no autoScaling for a DAEMON service (it runs one task per instance)");
    out.auto_scaling = parse_auto_scaling(sv["autoScaling"]);
  }
  return out;
}

// A requestsPerSecond value: a number of at least 0.
std::optional<double> parse_rate_value(std::string_view text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::vector<std::pair<sim::SimTime, double>> load_rate_file(const LoadContext& ctx, const JsonCursor& file_ref,
                                                            sim::SimTime repeat) {
  std::ifstream in = ctx.open_referenced(file_ref);
  const std::string label = ctx.referenced_label(file_ref);
  sim::CsvReader csv(in, label, {.comment = '#', .skip_blank = true});
  std::vector<std::pair<sim::SimTime, double>> points;
  bool header = false;
  std::vector<std::string_view> fields;
  while (csv.next()) {
    const std::string where = "line " + std::to_string(csv.line());
    fields.clear();
    for (std::size_t k = 0; k < csv.size(); ++k) fields.push_back(csv.field(k));
    if (!header) {
      if (fields.size() != 2 || trim(fields[0]) != "time" || trim(fields[1]) != "requestsPerSecond") {
        throw sim::InputError(label, where, "a header time,requestsPerSecond", quote(trim(csv.joined())));
      }
      header = true;
      continue;
    }
    if (fields.size() != 2) throw sim::InputError(label, where, "2 fields", std::to_string(fields.size()) + " fields");
    const std::string_view t = trim(fields[0]);
    auto at = parse_decimal_seconds(t);
    if (!at) at = parse_duration_text(t);
    if (!at) at = parse_clock_time_text(t);
    if (!at) throw sim::InputError(label, where, "a time (seconds, a duration or HH:MM) in column time", quote(t));
    const auto v = parse_rate_value(trim(fields[1]));
    if (!v) throw sim::InputError(label, where, "a number of at least 0 in column requestsPerSecond", quote(trim(fields[1])));
    if (!points.empty() && *at <= points.back().first) {
      throw sim::InputError(label, where, "a time after the previous row's (" + seconds_text(points.back().first) + ")",
                            quote(t));
    }
    if (repeat > 0 && *at >= repeat) {
      throw sim::InputError(label, where, "a time before the repeat period (" + seconds_text(repeat) + ")", quote(t));
    }
    points.emplace_back(*at, *v);
  }
  if (!header) throw sim::InputError(label, "line 1", "a header time,requestsPerSecond", "an empty file");
  if (points.empty()) throw sim::InputError(label, "/", "at least one time,requestsPerSecond row", "none");
  return points;
}

}  // namespace

sim::TaskFailureSpec parse_task_failures(const JsonCursor& c) {
  c.expect_object("a failures object");
  c.check_keys(keys::kFailures);
  sim::TaskFailureSpec out;
  if (c.has("crashRatePerTaskHour")) {
    const JsonCursor r = c["crashRatePerTaskHour"];
    const std::string expected = "a crashRatePerTaskHour from 0 to 3600";
    out.crash_rate_per_task_hour = r.get_number(expected);
    if (out.crash_rate_per_task_hour < 0 || out.crash_rate_per_task_hour > kMaxCrashRatePerTaskHour) r.fail(expected);
  }
  if (c.has("startFailureProbability")) out.start_failure_probability = get_probability(c["startFailureProbability"]);
  if (c.has("healthCheckFailureProbability")) {
    out.health_check_failure_probability = get_probability(c["healthCheckFailureProbability"]);
  }
  return out;
}

sim::LoadSpec parse_load(const LoadContext& ctx, const JsonCursor& c) {
  c.expect_object("a load object");
  c.check_keys(keys::kLoad);
  sim::LoadSpec out;
  if (c.has("repeat")) out.repeat = get_positive_duration(c["repeat"]);
  const JsonCursor rps = c["requestsPerSecond"];
  if (rps.is_object()) {
    rps.check_keys(keys::kLoadFile);
    out.requests_per_second = load_rate_file(ctx, rps["file"], out.repeat);
  } else {
    rps.expect_array("an array of [time, requestsPerSecond] points or {\"file\": PATH}");
    if (rps.size() == 0) rps.fail("at least one [time, requestsPerSecond] point");
    for (std::size_t i = 0; i < rps.size(); ++i) {
      const JsonCursor p = rps.at(i);
      p.expect_array("a [time, requestsPerSecond] point");
      if (p.size() != 2) p.fail("a [time, requestsPerSecond] point");
      const sim::SimTime at = get_time(p.at(0));
      if (!out.requests_per_second.empty() && at <= out.requests_per_second.back().first) {
        p.at(0).fail("a time after the previous point's (" + seconds_text(out.requests_per_second.back().first) + ")");
      }
      if (out.repeat > 0 && at >= out.repeat) {
        p.at(0).fail("a time before the repeat period (" + seconds_text(out.repeat) + ")");
      }
      const double v = p.at(1).get_number("a requestsPerSecond of at least 0");
      if (v < 0) p.at(1).fail("a requestsPerSecond of at least 0");
      out.requests_per_second.emplace_back(at, v);
    }
  }
  const JsonCursor cpu = c["cpuMillisecondsPerRequest"];
  out.cpu_milliseconds_per_request = cpu.get_number("a positive cpuMillisecondsPerRequest");
  if (!(out.cpu_milliseconds_per_request > 0)) cpu.fail("a positive cpuMillisecondsPerRequest");
  return out;
}

void load_services(LoadContext& ctx, const JsonCursor& list) {
  list.expect_array("an array of services");
  for (std::size_t i = 0; i < list.size(); ++i) {
    ctx.scenario.services.push_back(read_service(ctx, list.at(i)));
    ctx.services.add(ctx.scenario.services.back().name);
  }
}

}  // namespace ecsim::scenarios
