#include "reports/read_outputs.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "reports/graphviz.h"
#include "reports/html_report.h"
#include "reports/csv.h"
#include "reports/outputs.h"
#include "sim/input_error.h"
#include "sim/random.h"
#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;
namespace fs = std::filesystem;

namespace {

const RunStats kStats{.wall_seconds = 0.5, .events = 10, .placements = 3, .peak_rss_mib = 20};

// small_run() with everything the files can hold: series by zone and type, a spot instance, a
// trace, odd doubles and an odd duration.
sim::RunResult rich_run() {
  sim::RunResult r = small_run();
  r.duration = 3 * kHour + 1'234'567;
  r.instances.market[1] = sim::Market::kSpot;
  r.instances.registered_at[1] = 90 * kSecond;
  r.instances.cpu_registered[1] = 4096;
  r.tasks.cpu[2] = 4096;
  r.tasks.memory_mib[4] = 30000;
  const std::size_t n = r.samples.size();
  for (std::size_t j = 0; j < n; ++j) {
    for (std::int64_t z = 0; z < 2; ++z) {
      r.zone_cpu_reserved.push_back(512 * z + static_cast<std::int64_t>(j));
      r.zone_cpu_registered.push_back(4096);
      r.zone_memory_reserved.push_back(1000 + z);
      r.zone_memory_registered.push_back(15500);
    }
    r.type_cpu_reserved.push_back(1024);
    r.type_cpu_registered.push_back(8192);
    r.type_memory_reserved.push_back(512);
    r.type_memory_registered.push_back(31000);
  }
  r.cpu.overall = {1.0 / 3, 0.30000000000000004, 5e-324};
  r.memory.by_type = {{2.0 / 3, 1e-17, 0.9999999999999999}};
  r.traces.push_back(sim::TraceStats{"trace, \"one\".csv", "generic", 120, 3, 12345.678901234567, {}});
  r.traces.push_back(sim::TraceStats{"two.swf", "swf", 0, 0, 0, {}});
  // A second service (DAEMON, with a load and a deployment still in progress), before the job
  // etl; two trace sources, and t5 submitted by the second trace.
  r.sources.insert(r.sources.begin() + 1, sim::SourceInfo{"api \"v2\", new", sim::SourceKind::kService, "random"});
  for (std::uint32_t& src : r.tasks.source) src += src >= 1 ? 1 : 0;
  r.services.push_back({.source = 1, .daemon = true, .desired_count = 3, .running_min = 1, .running_max = 3,
                        .running_mean = 2.0 / 3, .below_desired = 1'234'567, .min_healthy = 1, .replacements = 4,
                        .throttled_launches = 2,
                        .deployments = {{.task_definition = "api:1", .started_at = 0, .completed_at = 90 * kSecond,
                                         .rollout_state = sim::RolloutState::kFailed, .failed_tasks = 10},
                                        {.task_definition = "api:0", .started_at = 90 * kSecond, .rollback = true}},
                        .scale_outs = 5, .scale_ins = 6, .has_load = true, .overloaded = 77 * kSecond,
                        .requests = 0.1, .unserved_requests = 1.0 / 3});
  r.sources.push_back({"trace, \"one\".csv", sim::SourceKind::kTrace, "binpack(cpu)"});
  r.sources.push_back({"two.swf", sim::SourceKind::kTrace, "spread(instanceId)"});
  r.tasks.source[4] = 4;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::int64_t k = 0; k < 2; ++k) {
      const auto v = static_cast<std::int64_t>(j) * 10 + k;
      r.service_running.push_back(v);
      r.service_healthy.push_back(v - 1);
      r.service_desired.push_back(2 + k);
      r.service_capacity_cpu.push_back(256 * v);
    }
  }
  r.markers = {{.at = 0, .kind = sim::MarkerKind::kDeploymentStarted, .service = 0, .label = "web -> web:3"},
               {.at = 0, .kind = sim::MarkerKind::kScenarioEvent, .label = "azOutage us-east-1a, \"all\""},
               {.at = kHour, .kind = sim::MarkerKind::kScaleOut, .service = 1, .label = "api 1 -> 3"}};
  r.service_events = {{.at = 5 * kSecond, .service = 1, .message = "(service api) has started 1 tasks: (task t2)."},
                      {.at = 5 * kSecond, .service = 0, .message = "line one\nline, \"two\""}};
  r.instance_events = {{.at = 0, .instance = 0, .kind = sim::InstanceEventKind::kRegistered},
                       {.at = 30 * kMinute, .instance = 1, .kind = sim::InstanceEventKind::kDisconnected,
                        .reason = "azOutage, \"b\""},
                       {.at = kHour, .instance = 1, .kind = sim::InstanceEventKind::kReconnected, .reason = "azOutage ends"},
                       {.at = 2 * kHour, .instance = 0, .kind = sim::InstanceEventKind::kTerminated, .reason = "scale-in"}};
  r.events = 18'446'744'073'709'551'615ULL;
  r.seed = 9'007'199'254'740'993ULL;
  return r;
}

void check_same_stats(const sim::UtilizationStats& a, const sim::UtilizationStats& b) {
  CHECK(a.mean == b.mean);
  CHECK(a.p95 == b.p95);
  CHECK(a.max == b.max);
}

void check_same_utilization(const sim::ResourceUtilization& a, const sim::ResourceUtilization& b) {
  check_same_stats(a.overall, b.overall);
  REQUIRE(a.by_zone.size() == b.by_zone.size());
  for (std::size_t k = 0; k < a.by_zone.size(); ++k) check_same_stats(a.by_zone[k], b.by_zone[k]);
  REQUIRE(a.by_type.size() == b.by_type.size());
  for (std::size_t k = 0; k < a.by_type.size(); ++k) check_same_stats(a.by_type[k], b.by_type[k]);
}

// Everything the files hold compares equal (see read_outputs.h for what they do not hold).
void check_same_result(const sim::RunResult& got, const sim::RunResult& want) {
  CHECK(got.scenario == want.scenario);
  CHECK(got.seed == want.seed);
  CHECK(got.strategy == want.strategy);
  CHECK(got.duration == want.duration);
  CHECK(got.zones == want.zones);
  CHECK(got.instance_types == want.instance_types);
  CHECK(got.price_microdollars_per_hour == want.price_microdollars_per_hour);
  CHECK(got.families == want.families);
  CHECK(got.groups == want.groups);
  const sim::TaskRecords& a = got.tasks;
  const sim::TaskRecords& b = want.tasks;
  CHECK(a.family == b.family);
  CHECK(a.revision == b.revision);
  CHECK(a.group == b.group);
  CHECK(a.instance == b.instance);
  CHECK(a.submitted_at == b.submitted_at);
  CHECK(a.placed_at == b.placed_at);
  CHECK(a.started_at == b.started_at);
  CHECK(a.stopped_at == b.stopped_at);
  CHECK(a.stop_code == b.stop_code);
  CHECK(a.failure_reason == b.failure_reason);
  CHECK(a.rejected == b.rejected);
  CHECK(a.cpu == b.cpu);
  CHECK(a.memory_mib == b.memory_mib);
  const sim::InstanceRecords& x = got.instances;
  const sim::InstanceRecords& y = want.instances;
  CHECK(x.id == y.id);
  CHECK(x.zone == y.zone);
  CHECK(x.type == y.type);
  CHECK(x.market == y.market);
  CHECK(x.launched_at == y.launched_at);
  CHECK(x.registered_at == y.registered_at);
  CHECK(x.terminated_at == y.terminated_at);
  CHECK(x.cpu_registered == y.cpu_registered);
  CHECK(x.memory_registered_mib == y.memory_registered_mib);
  REQUIRE(got.samples.size() == want.samples.size());
  for (std::size_t j = 0; j < got.samples.size(); ++j) {
    const sim::Sample& s = got.samples[j];
    const sim::Sample& t = want.samples[j];
    INFO("sample " << j);
    CHECK(s.time == t.time);
    CHECK(s.running == t.running);
    CHECK(s.pending == t.pending);
    CHECK(s.starting == t.starting);
    CHECK(s.instances == t.instances);
    CHECK(s.cpu_reserved == t.cpu_reserved);
    CHECK(s.cpu_registered == t.cpu_registered);
    CHECK(s.memory_reserved_mib == t.memory_reserved_mib);
    CHECK(s.memory_registered_mib == t.memory_registered_mib);
    CHECK(s.submitted == t.submitted);
    CHECK(s.completed == t.completed);
    CHECK(s.failed_to_place == t.failed_to_place);
  }
  CHECK(got.zone_cpu_reserved == want.zone_cpu_reserved);
  CHECK(got.zone_cpu_registered == want.zone_cpu_registered);
  CHECK(got.zone_memory_reserved == want.zone_memory_reserved);
  CHECK(got.zone_memory_registered == want.zone_memory_registered);
  CHECK(got.type_cpu_reserved == want.type_cpu_reserved);
  CHECK(got.type_cpu_registered == want.type_cpu_registered);
  CHECK(got.type_memory_reserved == want.type_memory_reserved);
  CHECK(got.type_memory_registered == want.type_memory_registered);
  check_same_utilization(got.cpu, want.cpu);
  check_same_utilization(got.memory, want.memory);
  for (std::size_t k = 0; k < static_cast<std::size_t>(sim::FailureReason::kCount); ++k) {
    CHECK(got.placement_failures[k] == want.placement_failures[k]);
  }
  REQUIRE(got.traces.size() == want.traces.size());
  for (std::size_t k = 0; k < got.traces.size(); ++k) {
    CHECK(got.traces[k].file == want.traces[k].file);
    CHECK(got.traces[k].format == want.traces[k].format);
    CHECK(got.traces[k].records_read == want.traces[k].records_read);
    CHECK(got.traces[k].records_skipped == want.traces[k].records_skipped);
    CHECK(got.traces[k].offered_cpu_unit_seconds == want.traces[k].offered_cpu_unit_seconds);
  }
  CHECK(got.events == want.events);
  CHECK(a.source == b.source);
  REQUIRE(got.sources.size() == want.sources.size());
  for (std::size_t k = 0; k < got.sources.size(); ++k) {
    CHECK(got.sources[k].name == want.sources[k].name);
    CHECK(got.sources[k].kind == want.sources[k].kind);
    CHECK(got.sources[k].strategy == want.sources[k].strategy);
  }
  REQUIRE(got.services.size() == want.services.size());
  for (std::size_t k = 0; k < got.services.size(); ++k) {
    const sim::ServiceResult& s = got.services[k];
    const sim::ServiceResult& t = want.services[k];
    INFO("service " << k);
    CHECK(s.source == t.source);
    CHECK(s.daemon == t.daemon);
    CHECK(s.desired_count == t.desired_count);
    CHECK(s.running_min == t.running_min);
    CHECK(s.running_max == t.running_max);
    CHECK(s.running_mean == t.running_mean);
    CHECK(s.below_desired == t.below_desired);
    CHECK(s.min_healthy == t.min_healthy);
    CHECK(s.replacements == t.replacements);
    CHECK(s.throttled_launches == t.throttled_launches);
    CHECK(s.scale_outs == t.scale_outs);
    CHECK(s.scale_ins == t.scale_ins);
    CHECK(s.has_load == t.has_load);
    CHECK(s.overloaded == t.overloaded);
    CHECK(s.requests == t.requests);
    CHECK(s.unserved_requests == t.unserved_requests);
    REQUIRE(s.deployments.size() == t.deployments.size());
    for (std::size_t d = 0; d < s.deployments.size(); ++d) {
      CHECK(s.deployments[d].task_definition == t.deployments[d].task_definition);
      CHECK(s.deployments[d].started_at == t.deployments[d].started_at);
      CHECK(s.deployments[d].completed_at == t.deployments[d].completed_at);
      CHECK(s.deployments[d].rollout_state == t.deployments[d].rollout_state);
      CHECK(s.deployments[d].rollback == t.deployments[d].rollback);
      CHECK(s.deployments[d].failed_tasks == t.deployments[d].failed_tasks);
    }
  }
  CHECK(got.service_running == want.service_running);
  CHECK(got.service_healthy == want.service_healthy);
  CHECK(got.service_desired == want.service_desired);
  CHECK(got.service_demand_cpu == want.service_demand_cpu);
  CHECK(got.service_capacity_cpu == want.service_capacity_cpu);
  REQUIRE(got.markers.size() == want.markers.size());
  for (std::size_t k = 0; k < got.markers.size(); ++k) {
    CHECK(got.markers[k].at == want.markers[k].at);
    CHECK(got.markers[k].kind == want.markers[k].kind);
    CHECK(got.markers[k].service == want.markers[k].service);
    CHECK(got.markers[k].label == want.markers[k].label);
  }
  REQUIRE(got.instance_events.size() == want.instance_events.size());
  for (std::size_t k = 0; k < got.instance_events.size(); ++k) {
    CHECK(got.instance_events[k].at == want.instance_events[k].at);
    CHECK(got.instance_events[k].instance == want.instance_events[k].instance);
    CHECK(got.instance_events[k].kind == want.instance_events[k].kind);
    CHECK(got.instance_events[k].reason == want.instance_events[k].reason);
  }
  REQUIRE(got.service_events.size() == want.service_events.size());
  for (std::size_t k = 0; k < got.service_events.size(); ++k) {
    CHECK(got.service_events[k].at == want.service_events[k].at);
    CHECK(got.service_events[k].service == want.service_events[k].service);
    CHECK(got.service_events[k].message == want.service_events[k].message);
  }
}

void write_text(const fs::path& p, const std::string& text) {
  FILE* f = std::fopen(p.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  std::fclose(f);
}

// Replaces the first `from` in file `p` by `to`.
void edit(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = read_file(p);
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  write_text(p, text);
}

// The message of the InputError that the readers throw on `dir`, or "" when they throw none.
// Unless `verified`, the identity check is left out: most cases edit files on purpose, to reach
// the readers.
std::string read_error(const fs::path& dir, bool verified = false) {
  try {
    if (verified) {
      read_outputs(dir);
    } else {
      read_outputs_unverified(dir);
    }
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("read_outputs: a written run reads back whole and renders the same report.html", "[reports]") {
  ScratchDir scratch;
  const sim::RunResult r = rich_run();
  write_outputs(r, kStats, scratch.path());
  std::string run_id;
  const sim::RunResult back = read_outputs(scratch.path(), &run_id);
  check_same_result(back, r);
  CHECK(back.placements == 0);  // not in the files (report.html does not use it)
  CHECK(back.sample_interval == kHour);  // the gap between the first two samples
  ClusterPictureOptions o;
  o.run_id = run_id;
  const std::string html = html_report(back, cluster_svg(back, o), run_id);
  CHECK(html.size() == read_file(scratch.path() / "report.html").size());
  CHECK((html == read_file(scratch.path() / "report.html")));
}

TEST_CASE("read_outputs: tasks.csv rows in any order (as a run streams them) read back in task order", "[reports]") {
  ScratchDir scratch;
  const sim::RunResult r = rich_run();
  write_outputs(r, kStats, scratch.path());
  // The rows reversed: the order in which tasks finished may be any.
  const std::string text = read_file(scratch.path() / "tasks.csv");
  const std::size_t header_end = text.find('\n') + 1;
  std::vector<std::string> rows;
  for (std::size_t at = header_end; at < text.size();) {
    const std::size_t end = text.find('\n', at) + 1;
    rows.push_back(text.substr(at, end - at));
    at = end;
  }
  REQUIRE(rows.size() >= 3);
  std::string reversed = text.substr(0, header_end);
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) reversed += *it;
  write_text(scratch.path() / "tasks.csv", reversed);
  const sim::RunResult back = read_outputs_unverified(scratch.path());
  check_same_result(back, r);
}

TEST_CASE("read_outputs: Spot prices and Savings Plans read back, and report.html is the same", "[reports]") {
  RunResultBuilder b;
  b.duration(3 * kHour).instance_type("m", 100'000).instance_type("g", 1'000'000).instance_type("idle", 5);
  b.instance("a", "z", "m", 0, kHour).instance("b", "z", "m", 10 * kMinute).instance("s", "z", "m", 0, 20 * kSecond);
  b.instance("gpu", "z", "g");
  b.result().instances.market[2] = sim::Market::kSpot;
  b.result().spot_price_microdollars_per_hour = {34'000, 300'000, 5};
  sim::SavingsPlanTerms first;
  first.discount_pct = 28;
  first.covered_instances = 1;
  first.all_types = false;
  first.instance_types = {0, 2};
  sim::SavingsPlanTerms second;
  second.discount_pct = 5;
  second.covered_instances = 4;
  b.result().savings_plans = {first, second};
  b.sample({.time = 0}).sample({.time = kHour}).sample({.time = 3 * kHour});
  const sim::RunResult r = b.build();
  ScratchDir scratch;
  write_outputs(r, kStats, scratch.path());
  std::string run_id;
  const sim::RunResult back = read_outputs(scratch.path(), &run_id);
  REQUIRE(back.savings_plans.size() == 2);
  CHECK(back.savings_plans[0].discount_pct == 28);
  CHECK(back.savings_plans[0].covered_instances == 1);
  CHECK_FALSE(back.savings_plans[0].all_types);
  // "idle" has no instance, so it is not a type of the read run: the plan keeps "m".
  CHECK(back.savings_plans[0].instance_types == std::vector<std::uint32_t>{0});
  CHECK(back.savings_plans[1].all_types);
  CHECK(back.spot_price_microdollars_per_hour == std::vector<std::int64_t>{34'000, 1'000'000});
  CHECK(timeseries_csv(back) == read_file(scratch.path() / "timeseries.csv"));
  CHECK(instances_csv(back) == read_file(scratch.path() / "instances.csv"));
  ClusterPictureOptions o;
  o.run_id = run_id;
  CHECK((html_report(back, cluster_svg(back, o), run_id) == read_file(scratch.path() / "report.html")));
  // The derived billing columns must agree with what the rest says.
  edit(scratch.path() / "instances.csv", ",0.1,60,", ",0.1,61,");
  CHECK(read_error(scratch.path()) == (scratch.path() / "instances.csv").string() +
                                          ": line 4: column \"billedSeconds\": expected 60, billed from launchedAt and "
                                          "terminatedAt, got \"61\"");
}

TEST_CASE("read_outputs: write_report over the read result rewrites report.html byte for byte", "[reports]") {
  ScratchDir scratch;
  write_outputs(rich_run(), kStats, scratch.path());
  const std::string before = read_file(scratch.path() / "report.html");
  fs::remove(scratch.path() / "report.html");
  ClusterPictureOptions o;
  const sim::RunResult back = read_outputs(scratch.path(), &o.run_id);
  write_report(back, scratch.path(), o);
  CHECK((read_file(scratch.path() / "report.html") == before));
}

TEST_CASE("read_outputs: hostile names, an empty run and a run with nothing recorded read back", "[reports]") {
  RunResultBuilder hostile;
  hostile.scenario("a \"quoted\", <b>name</b>\n").strategy("x,y\r\nz");
  hostile.zone("zone,a").instance("i\"1\"", "zone,a", "type\nnew", 5 * kSecond, kHour);
  hostile.task({.family = "we,b", .revision = -2, .group = "say \"hi\"", .instance = "i\"1\"", .submitted = 0,
                .placed = 1, .started = 2, .stopped = 3, .stop_code = StopCode::kSpotInterruption,
                .failure = FailureReason::kMemberOf});
  hostile.task({.family = "cr\rlf", .group = "plain", .submitted = 5 * kSecond, .failure = FailureReason::kMissing,
                .rejected = true, .cpu = 0, .memory_mib = -1});
  hostile.sample({.time = 0, .running = -5, .pending = 9'223'372'036'854'775'807});
  for (const sim::RunResult& r : {hostile.build(), RunResultBuilder().build()}) {
    ScratchDir scratch;
    write_outputs(r, kStats, scratch.path());
    ClusterPictureOptions o;
    const sim::RunResult back = read_outputs(scratch.path(), &o.run_id);
    check_same_result(back, r);
    CHECK((html_report(back, cluster_svg(back, o), o.run_id) == read_file(scratch.path() / "report.html")));
    CHECK((cluster_dot(back, o) == read_file(scratch.path() / "cluster.dot")));
  }
}

// The message of the InputError that read_outputs (identity check first) throws, or "".
std::string verified_read_error(const fs::path& dir) { return read_error(dir, /*verified=*/true); }

TEST_CASE("read_outputs: a directory mixing the files of two runs is refused, naming the file", "[reports]") {
  ScratchDir scratch;
  const fs::path a = scratch.path() / "a", b = scratch.path() / "b";
  const std::string id_a = write_outputs(rich_run(), kStats, a);
  RunResultBuilder other;
  other.task({.family = "web", .group = "g", .submitted = 0});
  const std::string id_b = write_outputs(other.build(), kStats, b);
  REQUIRE(id_a != id_b);
  CHECK(verify_outputs(a, Verify::kComplete) == id_a);
  CHECK(verified_read_error(a).empty());

  SECTION("a CSV of another run") {
    fs::copy_file(b / "tasks.csv", a / "tasks.csv", fs::copy_options::overwrite_existing);
    CHECK_THROWS_AS(verify_outputs(a, Verify::kFilesPresent), sim::InputError);  // ecsim diff refuses it too
    const std::string message = verified_read_error(a);
    CHECK_THAT(message, Catch::StartsWith((a / "tasks.csv").string() + ": /: expected the file of run " + id_a + " ("));
    CHECK_THAT(message, Catch::EndsWith("the directory mixes the outputs of two runs, or the file was changed since"));
  }
  SECTION("a file edited in place, its size kept") {
    std::string text = read_file(a / "instances.csv");
    text.back() = text.back() == 'x' ? 'y' : 'x';
    write_text(a / "instances.csv", text);
    CHECK_THAT(verified_read_error(a), Catch::StartsWith((a / "instances.csv").string() + ": /: expected the file of run "));
  }
  SECTION("a listed file missing") {
    fs::remove(a / "markers.csv");
    CHECK(verified_read_error(a) == (a / "markers.csv").string() + ": /: expected the file of run " + id_a +
                                        " that summary.json lists, got no such file");
    // ecsim diff needs summary.json only: a baseline may keep it alone, or a few files.
    CHECK(verify_outputs(a, Verify::kFilesPresent) == id_a);
    for (const std::string_view name : kRunCsvFiles) fs::remove(a / name);
    CHECK(verify_outputs(a, Verify::kFilesPresent) == id_a);
  }
  SECTION("run.json of another run") {
    fs::copy_file(b / "run.json", a / "run.json", fs::copy_options::overwrite_existing);
    CHECK(verified_read_error(a) == (a / "run.json").string() + ": /runId: expected \"" + id_a +
                                        "\", the run summary.json describes, got \"" + id_b + "\"");
  }
  SECTION("summary.json of another run") {
    fs::copy_file(b / "summary.json", a / "summary.json", fs::copy_options::overwrite_existing);
    CHECK_THAT(verified_read_error(a), Catch::StartsWith((a / "tasks.csv").string() + ": /: expected the file of run " + id_b));
  }
  SECTION("a list of files edited to match") {
    edit(a / "summary.json", "\"runId\": \"" + id_a, "\"runId\": \"" + id_b);
    CHECK(verified_read_error(a) == (a / "summary.json").string() + ": /outputs/runId: expected the identity of the files listed, " +
                                        id_a + ", got \"" + id_b + "\" (summary.json was edited)");
  }
  SECTION("a listed name that leads out of the directory") {
    edit(a / "summary.json", "\"markers.csv\": {", "\"../b/markers.csv\": {");
    CHECK(verified_read_error(a) == (a / "summary.json").string() +
                                        ": /outputs/files/../b/markers.csv: expected the name of a file of this directory, "
                                        "got \"../b/markers.csv\"");
  }
  SECTION("no list at all: an older ecsim's directory") {
    std::string text = read_file(a / "summary.json");
    text = text.substr(0, text.find(",\n  \"outputs\"")) + "\n}\n";
    write_text(a / "summary.json", text);
    CHECK_THAT(verified_read_error(a), Catch::StartsWith((a / "summary.json").string() + ": /outputs: expected the list"));
    CHECK(verify_outputs(a, Verify::kFilesPresent).empty());  // ecsim diff reads such a summary.json alone
  }
}

TEST_CASE("read_outputs: a missing directory or file is an input error naming it", "[reports]") {
  ScratchDir scratch;
  CHECK(read_error(scratch.path() / "nope") ==
        (scratch.path() / "nope").string() + ": /: expected a directory written by ecsim run, got no such directory");
  write_outputs(small_run(), kStats, scratch.path());
  for (const char* name : {"summary.json", "tasks.csv", "instances.csv", "timeseries.csv", "timeseries-by-zone.csv",
                           "timeseries-by-type.csv", "timeseries-by-service.csv", "service-events.csv",
                           "markers.csv", "instance-events.csv"}) {
    INFO(name);
    const std::string saved = read_file(scratch.path() / name);
    fs::remove(scratch.path() / name);
    CHECK(read_error(scratch.path()) ==
          (scratch.path() / name).string() + ": /: expected a file written by ecsim run, got no such file");
    write_text(scratch.path() / name, saved);
  }
  // run.json and report.html are not needed.
  fs::remove(scratch.path() / "run.json");
  fs::remove(scratch.path() / "report.html");
  CHECK(read_error(scratch.path()).empty());
}

TEST_CASE("read_outputs: broken CSV files name the file, the line and the column", "[reports]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path();
  write_outputs(small_run(), kStats, dir);
  const std::string tasks = (dir / "tasks.csv").string();
  const std::string saved = read_file(dir / "tasks.csv");
  const auto restore = [&] { write_text(dir / "tasks.csv", saved); };

  SECTION("bad header") {
    edit(dir / "tasks.csv", "placedAt", "placed");
    CHECK_THAT(read_error(dir), Catch::StartsWith(tasks + ": line 1: expected the header \"taskId,family,"));
    CHECK_THAT(read_error(dir), Catch::Contains("got \"taskId,family,revision,group,instanceId,availabilityZone,ins..."));
  }
  SECTION("bad number") {
    edit(dir / "tasks.csv", "t3,etl,1,family:etl,,,,20,", "t3,etl,1,family:etl,,,,x,");
    CHECK(read_error(dir) == tasks + ": line 4: column \"submittedAt\": expected a time in seconds, got \"x\"");
    restore();
    edit(dir / "tasks.csv", "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,10,",
         "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,1e1,");
    CHECK(read_error(dir) ==
          tasks + ": line 3: column \"placedAt\": expected a time in seconds or an empty field, got \"1e1\"");
    restore();
    edit(dir / "tasks.csv", "t2,web,3,", "t2,web,three,");
    CHECK(read_error(dir) == tasks + ": line 3: column \"revision\": expected an integer, got \"three\"");
    restore();
    edit(dir / "tasks.csv", ",256,512,1,,etl\n", ",256,99999999999,1,,etl\n");
    CHECK(read_error(dir) == tasks + ": line 4: column \"memoryMiB\": expected an integer, got \"99999999999\"");
  }
  SECTION("truncated row") {
    write_text(dir / "tasks.csv", saved.substr(0, saved.size() - 30));
    CHECK(read_error(dir) == tasks + ": line 6: expected 18 fields, as in the header, got 12 fields");
  }
  SECTION("unknown instance id") {
    edit(dir / "tasks.csv", "general-2,us-east-1b", "general-9,us-east-1b");
    CHECK(read_error(dir) ==
          tasks + ": line 3: column \"instanceId\": expected an instance id of instances.csv, got \"general-9\"");
  }
  SECTION("inconsistent rows") {
    edit(dir / "tasks.csv", "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,10,11",
         "t2,web,3,service:web,general-2,us-east-1b,m5.xlarge,10,10,9");
    CHECK(read_error(dir) == tasks + ": line 3: column \"startedAt\": expected a time no earlier than placedAt, got \"9\"");
    restore();
    edit(dir / "tasks.csv", "general-2,us-east-1b,m5.xlarge,10", "general-2,us-east-1a,m5.xlarge,10");
    CHECK(read_error(dir) == tasks + ": line 3: column \"availabilityZone\": expected the zone of instance "
                                     "\"general-2\" in instances.csv, \"us-east-1b\", got \"us-east-1a\"");
    restore();
    // Rows may come in any order (a run writes them as tasks finish), but each of t1..tN once.
    edit(dir / "tasks.csv", "t2,", "t7,");
    CHECK(read_error(dir) == tasks + ": /: expected task ids t1 to t5, one per row (5 rows), got \"t7\"");
    restore();
    edit(dir / "tasks.csv", "t2,", "t3,");
    CHECK(read_error(dir) == tasks + ": /: expected each task id once, got \"t3\" twice");
    restore();
    edit(dir / "tasks.csv", "t2,", "tx,");
    CHECK(read_error(dir) == tasks + ": line 3: column \"taskId\": expected a task id t1, t2, ... (t and the task's "
                                     "1-based number), got \"tx\"");
    restore();
    edit(dir / "tasks.csv", "EssentialContainerExited", "Exited");
    CHECK(read_error(dir) == tasks + ": line 2: column \"stopCode\": expected an ECS stop code such as "
                                     "EssentialContainerExited, or an empty field, got \"Exited\"");
    restore();
    edit(dir / "tasks.csv", ",0,Essential container in task exited,web\nt2,", ",1,Essential container in task exited,web\nt2,");
    CHECK(read_error(dir) == tasks + ": line 2: column \"failedToPlace\": expected 0 (the task was placed), got \"1\"");
    restore();
    edit(dir / "tasks.csv", "Essential container in task exited", "it stopped");
    CHECK(read_error(dir) == tasks + ": line 2: column \"stoppedReason\": expected a stoppedReason ecsim writes (such as "
                                     "\"Essential container in task exited\"), or an empty field, got \"it stopped\"");
  }
  SECTION("quotes") {
    edit(dir / "tasks.csv", "t5,etl", "t5,\"etl");
    CHECK(read_error(dir) == tasks + ": line 6: expected a closing double quote, got the end of the file");
    restore();
    edit(dir / "tasks.csv", "t5,etl", "t5,e\"tl");
    CHECK(read_error(dir) == tasks + ": line 6: expected double quotes only around a whole field, got \"e\"\"");
  }
  SECTION("instances.csv") {
    const std::string instances = (dir / "instances.csv").string();
    edit(dir / "instances.csv", "on-demand", "reserved");
    CHECK(read_error(dir) ==
          instances + ": line 2: column \"market\": expected \"on-demand\" or \"spot\", got \"reserved\"");
    write_outputs(small_run(), kStats, dir);
    edit(dir / "instances.csv", "0.192,0.192,7200", "0.1920001,0.192,7200");
    CHECK(read_error(dir) == instances + ": line 2: column \"pricePerHour\": expected a price in dollars with at most "
                                         "6 decimals, got \"0.1920001\"");
    write_outputs(small_run(), kStats, dir);
    edit(dir / "instances.csv", "0.192,0.192,7200", "0.2,0.2,7200");
    CHECK(read_error(dir) == instances + ": line 3: column \"onDemandPricePerHour\": expected the onDemandPricePerHour "
                                         "of \"m5.xlarge\" on line 2, 0.2, got \"0.192\"");
    write_outputs(small_run(), kStats, dir);
    edit(dir / "instances.csv", "0.192,0.192,7200", "0.2,0.192,7200");
    CHECK(read_error(dir) == instances + ": line 2: column \"pricePerHour\": expected the onDemandPricePerHour of an "
                                         "on-demand instance, 0.192, got \"0.2\"");
    write_outputs(small_run(), kStats, dir);
    edit(dir / "instances.csv", "0.192,0.192,7200", "0.192,0.192,7201");
    CHECK(read_error(dir) == instances + ": line 2: column \"billedSeconds\": expected 7200, billed from launchedAt and "
                                         "terminatedAt, got \"7201\"");
    write_outputs(small_run(), kStats, dir);
    edit(dir / "instances.csv", "general-2", "general-1");
    CHECK(read_error(dir) ==
          instances + ": line 3: column \"instanceId\": expected an instance id not used by an earlier row, got \"general-1\"");
  }
  SECTION("timeseries files") {
    const std::string series = (dir / "timeseries.csv").string();
    edit(dir / "timeseries.csv", "3600,1,1,2,", "3600,1,1,two,");
    CHECK(read_error(dir) == series + ": line 3: column \"instances\": expected an integer, got \"two\"");
    write_outputs(rich_run(), kStats, dir);
    const std::string by_zone = (dir / "timeseries-by-zone.csv").string();
    edit(dir / "timeseries-by-zone.csv", "3600,us-east-1a", "3600,us-east-1c");
    CHECK(read_error(dir) == (dir / "summary.json").string() +
                                 ": /utilization/cpu/byAvailabilityZone: expected an entry for every name of the other "
                                 "files, in the run's order: \"us-east-1c\" next, got the end of the object");
    write_outputs(rich_run(), kStats, dir);
    edit(dir / "timeseries-by-zone.csv", "3600,us-east-1a", "3601,us-east-1a");
    CHECK(read_error(dir) == by_zone + ": line 4: column \"time\": expected the time of sample 2 of timeseries.csv, "
                                       "3600, got \"3601\"");
    write_outputs(rich_run(), kStats, dir);
    edit(dir / "timeseries-by-zone.csv", "3600,us-east-1a,1,4096,1000,15500\n", "");
    CHECK(read_error(dir) == by_zone + ": /: expected one row per sample of timeseries.csv and availabilityZone, "
                                       "2 x 2 rows, got 3 rows");
  }
}

TEST_CASE("read_outputs: broken summary.json names the JSON pointer", "[reports]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path();
  const std::string summary = (dir / "summary.json").string();
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"mean\": 0.25", "\"mean\": \"high\"");
  CHECK(read_error(dir) == summary + ": /utilization/cpu/mean: expected a number, got \"high\"");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"RESOURCE:CPU\": 3", "\"RESOURCE:DISK\": 3");
  CHECK(read_error(dir) ==
        summary + ": /placementFailures/RESOURCE:DISK: expected an ECS failure reason such as RESOURCE:CPU, got "
                  "\"RESOURCE:DISK\"");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"submitted\": 5", "\"submitted\": 6");
  CHECK(read_error(dir) == summary + ": /tasks/submitted: expected 5, the rows of tasks.csv, got 6");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"simulatedSeconds\": 10800", "\"simulatedSeconds\": 1e400");
  CHECK(read_error(dir) == summary + ": /: expected JSON written by ecsim run, got number overflow parsing '1e400'");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"simulatedSeconds\": 10800", "\"simulatedSeconds\": 0.0000001");
  CHECK(read_error(dir) == summary + ": /engine/simulatedSeconds: expected a whole number of microseconds, got 1e-07");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"seed\": 42", "\"seed\": -42");
  CHECK(read_error(dir) == summary + ": /seed: expected a non-negative integer, got -42");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "\"engine\"", "\"engines\"");
  CHECK(read_error(dir) == summary + ": /engine: expected a value, got nothing");
  write_outputs(small_run(), kStats, dir);
  edit(dir / "summary.json", "{", "{,");
  CHECK_THAT(read_error(dir), Catch::StartsWith(summary + ": line 1, column 2: expected JSON written by ecsim run, got "
                                                          "syntax error"));
}

TEST_CASE("read_outputs: random damage to any file gives a result or an input error, never a crash", "[reports]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path();
  write_outputs(rich_run(), kStats, dir);
  sim::RandomStream rng(20240607, "damage");
  const char* names[] = {"summary.json", "tasks.csv", "instances.csv", "timeseries.csv", "timeseries-by-zone.csv",
                         "timeseries-by-type.csv", "timeseries-by-service.csv", "service-events.csv", "markers.csv"};
  const std::string noise = ",\"\n\r0123456789.-e:{}[]t x\xff";
  std::size_t errors = 0;
  for (const char* name : names) {
    const std::string original = read_file(dir / name);
    for (int round = 0; round < 150; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng.uniform_index(4));
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = rng.uniform_index(text.size());
        switch (rng.uniform_index(4)) {
          case 0: text[at] = noise[rng.uniform_index(noise.size())]; break;
          case 1: text.erase(at, 1 + rng.uniform_index(8)); break;
          case 2: text.insert(at, 1, noise[rng.uniform_index(noise.size())]); break;
          default: text.resize(at); break;
        }
      }
      write_text(dir / name, text);
      try {
        const sim::RunResult r = read_outputs(dir);
        (void)html_report(r);  // whatever reads back renders
      } catch (const sim::InputError&) {
        ++errors;
      }
    }
    write_text(dir / name, original);
  }
  CHECK(errors > 0);
}

TEST_CASE("read_outputs: sources, service series, events and markers that do not fit are input errors", "[reports]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path();
  write_outputs(rich_run(), kStats, dir);
  const std::string tasks = (dir / "tasks.csv").string();
  const std::string by_service = (dir / "timeseries-by-service.csv").string();
  const std::string markers = (dir / "markers.csv").string();
  const std::string events = (dir / "service-events.csv").string();
  const std::string summary = (dir / "summary.json").string();
  SECTION("a task of an unknown source") {
    edit(dir / "tasks.csv", ",0,,web\n", ",0,,wbe\n");
    CHECK(read_error(dir) ==
          tasks + ": line 3: column \"source\": expected the name of a service, job or trace of summary.json, got \"wbe\"");
  }
  SECTION("services out of order in the series") {
    edit(dir / "timeseries-by-service.csv", "0,web,", "0,etl,");
    CHECK(read_error(dir) == by_service + ": line 2: column \"service\": expected the name of a service of "
                                          "summary.json, got \"etl\"");
    write_outputs(rich_run(), kStats, dir);
    edit(dir / "timeseries-by-service.csv", "\n0,web,", "\n1,web,");
    CHECK(read_error(dir) == by_service + ": line 2: column \"time\": expected the time of sample 1 of "
                                          "timeseries.csv, 0, got \"1\"");
  }
  SECTION("a marker of an unknown kind") {
    edit(dir / "markers.csv", ",scaleOut,", ",scaleUp,");
    CHECK(read_error(dir) == markers + ": line 4: column \"kind\": expected a marker kind such as event, deployment "
                                       "or scaleOut, got \"scaleUp\"");
  }
  SECTION("service events out of time order") {
    edit(dir / "service-events.csv", "\n5,", "\n9,");
    CHECK(read_error(dir) == events + ": line 3: column \"time\": expected a time no earlier than the row before, "
                                      "got \"5\"");
  }
  SECTION("an instance event of an unknown instance or kind") {
    const std::string instance_events = (dir / "instance-events.csv").string();
    edit(dir / "instance-events.csv", ",general-2,disconnected,", ",general-9,disconnected,");
    CHECK(read_error(dir) == instance_events + ": line 3: column \"instanceId\": expected an instanceId of "
                                               "instances.csv, got \"general-9\"");
    write_outputs(rich_run(), kStats, dir);
    edit(dir / "instance-events.csv", ",general-2,disconnected,", ",general-2,lost,");
    CHECK(read_error(dir) == instance_events + ": line 3: column \"event\": expected an instance event such as "
                                               "registered, disconnected or terminated, got \"lost\"");
    write_outputs(rich_run(), kStats, dir);
    edit(dir / "instance-events.csv", "\n3600,", "\n1,");
    CHECK(read_error(dir) == instance_events + ": line 4: column \"time\": expected a time no earlier than the row "
                                               "before, got \"1\"");
  }
  SECTION("a deployment in progress with a completion time") {
    edit(dir / "summary.json", "\"completedAt\": null", "\"completedAt\": 100");
    CHECK(read_error(dir) == summary + ": /services/api \"v2\", new/deployments/1/completedAt: expected null "
                                       "(IN_PROGRESS), got 100");
  }
}
