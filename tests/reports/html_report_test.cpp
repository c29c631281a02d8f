#include "reports/html_report.h"

#include <catch2/catch.hpp>

#include "run_result_builder.h"
#include "xml_check.h"

using namespace ecsim::reports;

TEST_CASE("html_report: well-formed, self-contained, and the same bytes twice", "[reports]") {
  const auto r = ecsim::reports::testing::small_run();
  const std::string html = html_report(r);
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html == html_report(r));
  // No external reference of any kind: no script, no link, no src, no url(), and "http" only
  // as the SVG namespace name.
  for (const char* banned : {"<script", "<link", " src=", "url(", "@import", "https:"}) {
    INFO(banned);
    REQUIRE(html.find(banned) == std::string::npos);
  }
  std::size_t http = 0;
  for (std::size_t p = html.find("http"); p != std::string::npos; p = html.find("http", p + 1)) {
    REQUIRE(html.compare(p, 27, "http://www.w3.org/2000/svg\"") == 0);
    ++http;
  }
  REQUIRE(http >= 4);  // one per chart
}

TEST_CASE("html_report: every time chart has one point per sample", "[reports]") {
  const auto r = ecsim::reports::testing::small_run();
  const std::string html = html_report(r);
  const auto points = [&](const std::string& series) {
    const std::size_t at = html.find("data-series=\"" + series + "\"");
    REQUIRE(at != std::string::npos);
    const std::size_t start = html.find("points=\"", at) + 8;
    const std::string pts = html.substr(start, html.find('"', start) - start);
    return static_cast<std::size_t>(std::count(pts.begin(), pts.end(), ','));
  };
  // Step series draw a riser before every point but the first.
  REQUIRE(points("CPU") == 2 * r.samples.size() - 1);
  REQUIRE(points("running") == 2 * r.samples.size() - 1);
}

TEST_CASE("html_report: hostile names are escaped", "[reports]") {
  auto r = ecsim::reports::testing::small_run();
  r.scenario = "<script>alert(1)</script>";
  r.strategy = "\"]; a -> b [";
  for (auto& g : r.groups) g = "</table><script>";
  const std::string html = html_report(r);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html.find("<script") == std::string::npos);
  REQUIRE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  REQUIRE(html.find("&quot;]; a -&gt; b [") != std::string::npos);
}

TEST_CASE("html_report: charts by zone and by type appear when the run recorded them", "[reports]") {
  auto r = ecsim::reports::testing::small_run();
  REQUIRE(html_report(r).find("CPU reserved by availability zone") == std::string::npos);
  const std::size_t n = r.samples.size();
  r.zones = {"zone-a", "zone-b"};
  r.zone_cpu_reserved.assign(n * 2, 512);
  r.zone_cpu_registered.assign(n * 2, 1024);
  r.zone_memory_reserved.assign(n * 2, 256);
  r.zone_memory_registered.assign(n * 2, 1024);
  const std::string html = html_report(r);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html.find("CPU reserved by availability zone") != std::string::npos);
  REQUIRE(html.find("Memory reserved by availability zone") != std::string::npos);
  // One step series per zone, one point per sample (plus a riser before each but the first).
  const std::size_t at = html.find("data-series=\"zone-b\"");
  REQUIRE(at != std::string::npos);
  const std::size_t start = html.find("points=\"", at) + 8;
  const std::string pts = html.substr(start, html.find('"', start) - start);
  REQUIRE(static_cast<std::size_t>(std::count(pts.begin(), pts.end(), ',')) == 2 * n - 1);
  // A length that does not match the samples draws nothing rather than garbage.
  r.zone_cpu_reserved.pop_back();
  REQUIRE(html_report(r).find("CPU reserved by availability zone") == std::string::npos);
}

namespace {

// The y pixel values of the polyline of series `name` in the chart titled `title`.
std::vector<std::string> series_points(const std::string& html, const std::string& title, const std::string& name) {
  const std::size_t chart = html.find("<title>" + title + "</title>");
  REQUIRE(chart != std::string::npos);
  const std::size_t at = html.find("data-series=\"" + name + "\"", chart);
  REQUIRE(at != std::string::npos);
  REQUIRE(at < html.find("</svg>", chart));
  const std::size_t start = html.find("points=\"", at) + 8;
  const std::string pts = html.substr(start, html.find('"', start) - start);
  std::vector<std::string> out;
  for (std::size_t b = 0; b < pts.size();) {
    const std::size_t e = std::min(pts.find(' ', b), pts.size());
    out.push_back(pts.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("html_report: instances by market count the registered, not terminated instances at each sample",
          "[reports]") {
  auto r = ecsim::reports::testing::small_run();
  // general-1 on demand registered at 0 and terminated at 2 h; general-2 spot, registered at 90 s.
  r.instances.market[1] = ecsim::sim::Market::kSpot;
  r.instances.registered_at[1] = 90 * ecsim::sim::kSecond;
  const std::string html = html_report(r);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  // Samples at 0 and 1 h: on-demand 1 and 1, spot 0 and 1 (a step series: point, riser, point).
  const auto on_demand = series_points(html, "Instances over time by market", "on-demand");
  const auto spot = series_points(html, "Instances over time by market", "spot");
  REQUIRE(on_demand.size() == 3);
  REQUIRE(spot.size() == 3);
  const auto y = [](const std::string& p) { return p.substr(p.find(',') + 1); };
  CHECK(y(on_demand[0]) == y(on_demand[2]));  // flat at 1
  CHECK(y(spot[0]) != y(spot[2]));            // 0, then 1
  CHECK(y(spot[2]) == y(on_demand[2]));
}

TEST_CASE("html_report: instances by market drop while instances are disconnected and after they are terminated",
          "[reports]") {
  using ecsim::sim::kMinute;
  using Kind = ecsim::sim::InstanceEventKind;
  ecsim::reports::testing::RunResultBuilder b;
  b.instance("i1", "a", "m5.large").instance("i2", "b", "m5.large").instance("i3", "b", "m5.large");
  b.result().instances.market[2] = ecsim::sim::Market::kSpot;
  for (int k = 0; k <= 4; ++k) b.sample({.time = k * 10 * kMinute});
  // i2 (on demand) is disconnected from 10 to 20 min (its state after the events at a sample
  // counts); i3 (spot) is terminated at 30 min by an event alone, i1 at 40 min by its record.
  b.result().instance_events = {{.at = 10 * kMinute, .instance = 1, .kind = Kind::kDisconnected, .reason = "azOutage"},
                                {.at = 20 * kMinute, .instance = 1, .kind = Kind::kReconnected, .reason = "azOutage ends"},
                                {.at = 30 * kMinute, .instance = 2, .kind = Kind::kTerminated, .reason = "spot"}};
  b.result().instances.terminated_at[0] = 40 * kMinute;
  const std::string html = html_report(b.build());
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  const auto on_demand = series_points(html, "Instances over time by market", "on-demand");
  const auto spot = series_points(html, "Instances over time by market", "spot");
  REQUIRE(on_demand.size() == 9);  // 5 samples, 4 risers
  REQUIRE(spot.size() == 9);
  const auto y = [](const std::string& p) { return p.substr(p.find(',') + 1); };
  // On demand: 2, 1, 2, 2, 1. Spot: 1, 1, 1, 0, 0.
  CHECK(y(on_demand[0]) == y(on_demand[4]));
  CHECK(y(on_demand[4]) == y(on_demand[6]));
  CHECK(y(on_demand[2]) == y(on_demand[8]));
  CHECK(y(on_demand[0]) != y(on_demand[2]));
  CHECK(y(spot[0]) == y(spot[4]));
  CHECK(y(spot[2]) == y(on_demand[2]));  // 1
  CHECK(y(spot[6]) == y(spot[8]));
  CHECK(y(spot[6]) != y(spot[4]));
}

TEST_CASE("html_report: the wait CDF is on a log-seconds axis and says how many tasks did not wait", "[reports]") {
  const auto r = ecsim::reports::testing::small_run();
  const std::string html = html_report(r);
  // Waits of the three placed tasks: 2 s, 0 and 60 s.
  REQUIRE(html.find(">wait (log scale)</text>") != std::string::npos);
  REQUIRE(html.find(">0.1 s</text>") != std::string::npos);
  REQUIRE(html.find(">1 min</text>") != std::string::npos);
  REQUIRE(html.find("Wait on a log scale: waits of 0 (1 of 3 placed tasks, 33.3%) are drawn at the left edge.") !=
          std::string::npos);
  const auto cdf = series_points(html, "Wait from submission to placement (CDF over placed tasks)", "placed tasks");
  REQUIRE(cdf.size() == 5);  // 0 (at the axis start), 2 s, 60 s, and two risers
  REQUIRE(cdf.front().rfind("64.0,", 0) == 0);
}

namespace {

// small_run() with a second service that has a load, series for both services, markers and
// service events; `name` names the second service, `label` the outage marker, `message` an event.
ecsim::sim::RunResult services_run(const std::string& name = "api", const std::string& label = "azOutage us-east-1a",
                                   const std::string& message = "(service api) has reached a steady state.") {
  using namespace ecsim::reports::testing;
  namespace sim = ecsim::sim;
  sim::RunResult r = small_run();
  r.sources.insert(r.sources.begin() + 1, sim::SourceInfo{name, sim::SourceKind::kService, "random"});
  for (std::uint32_t& src : r.tasks.source) src += src >= 1 ? 1 : 0;
  r.services.push_back({.source = 1, .desired_count = 3, .running_min = 1, .running_max = 4, .running_mean = 2.5,
                        .deployments = {{.task_definition = "api:7", .started_at = 0, .completed_at = 90 * kSecond,
                                         .rollout_state = sim::RolloutState::kFailed, .failed_tasks = 10},
                                        {.task_definition = "api:6", .started_at = 90 * kSecond, .rollback = true}},
                        .scale_outs = 1, .has_load = true, .overloaded = 600 * kSecond, .requests = 1000,
                        .unserved_requests = 100});
  for (std::size_t j = 0; j < r.samples.size(); ++j) {
    for (std::int64_t k = 0; k < 2; ++k) {
      r.service_running.push_back(1 + k + static_cast<std::int64_t>(j));
      r.service_healthy.push_back(k + static_cast<std::int64_t>(j));
      r.service_desired.push_back(2 + k);
      r.service_demand_cpu.push_back(k * (600 + 300 * static_cast<std::int64_t>(j)));
      r.service_capacity_cpu.push_back(k * 512);
    }
  }
  r.markers = {{.at = 0, .kind = sim::MarkerKind::kDeploymentStarted, .service = 1, .label = "api -> api:7"},
               {.at = 30 * kMinute, .kind = sim::MarkerKind::kScenarioEvent, .label = label},
               {.at = kHour, .kind = sim::MarkerKind::kScaleOut, .service = 1, .label = "api 3 -> 4"}};
  r.service_events = {{.at = 5 * kSecond, .service = 1, .message = message}};
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("html_report: a section per service with its charts, deployments and events, and a table of jobs",
          "[reports]") {
  const auto r = services_run();
  const std::string html = html_report(r);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html.find("<h3>service web</h3>") != std::string::npos);
  REQUIRE(html.find("<h3>service api</h3>") != std::string::npos);
  REQUIRE(html.find("<title>api: tasks running and healthy against desired</title>") != std::string::npos);
  REQUIRE(html.find("<title>web: tasks running and healthy against desired</title>") != std::string::npos);
  // Only api has a load.
  REQUIRE(html.find("<title>api: load demand against capacity</title>") != std::string::npos);
  REQUIRE(html.find("<title>web: load demand against capacity</title>") == std::string::npos);
  REQUIRE(html.find(">CPU units</text>") != std::string::npos);
  // The deployments table, the rollback in progress with no completion.
  REQUIRE(html.find("<td>api:7</td><td>0:00:00</td><td>0:01:30</td><td>FAILED</td><td>no</td><td>10</td>") !=
          std::string::npos);
  REQUIRE(html.find("<td>api:6</td><td>0:01:30</td><td>–</td><td>IN_PROGRESS</td><td>yes</td>") != std::string::npos);
  REQUIRE(html.find("<li>0:00:05: (service api) has reached a steady state.</li>") != std::string::npos);
  // The job etl: 3 submitted, 1 placed, 1 failed, 1 still waiting; waits {60 s, 10770 s}.
  REQUIRE(html.find("<h2>Jobs</h2>") != std::string::npos);
  REQUIRE(html.find("<tr><td>job etl</td><td>binpack(cpu)</td><td>3</td><td>1</td><td>1</td><td>1</td><td>1.0 min</td>"
                    "<td>2.99 h</td><td>2.99 h</td><td>2.99 h</td><td>1</td></tr>") != std::string::npos);
}

TEST_CASE("html_report: scenario events and deployments are marked on every time chart", "[reports]") {
  const auto r = services_run();
  const std::string html = html_report(r);
  // Time charts: the cluster's 5 (reserved, tasks, instances, cost, instances by market) and the
  // services' 3; the wait CDF is not over time.
  const std::size_t time_charts = count(html, ">time (");
  REQUIRE(time_charts >= 8);
  REQUIRE(count(html, "<title>azOutage us-east-1a</title>") == time_charts);
  // The deployment of api on every chart, its scaling only on api's two charts.
  REQUIRE(count(html, "<title>api -&gt; api:7</title>") == time_charts - 1);  // not on web's chart
  REQUIRE(count(html, "<title>api 3 -&gt; 4</title>") == 2);
}

TEST_CASE("html_report: no chart mixes units on one axis", "[reports]") {
  const std::string html = html_report(services_run());
  REQUIRE(html.find("instances / dollars") == std::string::npos);
  REQUIRE(html.find("<title>Registered instances</title>") != std::string::npos);
  REQUIRE(html.find("<title>Instance cost per hour</title>") != std::string::npos);
  REQUIRE(html.find(">cost ($/h)</text>") != std::string::npos);
}

TEST_CASE("html_report: charts scale to the page width with their viewBox", "[reports]") {
  const std::string html = html_report(services_run());
  REQUIRE(html.find(".charts svg { width: 100%; height: auto;") != std::string::npos);
  REQUIRE(html.find("viewBox=\"0 0 1000 300\"") != std::string::npos);
}

TEST_CASE("html_report: hostile service names, marker labels and event messages are escaped", "[reports]") {
  const std::string bad = "<script>alert(1)</script>";
  auto r = services_run(bad + " & \"q\"", "</title><script>x</script>", "</li><script>y</script>");
  r.sources[0].strategy = "<b>bold</b>";
  r.sources[2].name = "</td><script>job</script>";
  r.services[1].deployments[0].task_definition = "<i>api</i>:7";
  const std::string html = html_report(r);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html.find("<script") == std::string::npos);
  REQUIRE(html.find("<b>bold") == std::string::npos);
  REQUIRE(html.find("<i>api") == std::string::npos);
  REQUIRE(html.find("<h3>service &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;</h3>") != std::string::npos);
  REQUIRE(html.find("<li>0:00:05: &lt;/li&gt;&lt;script&gt;y&lt;/script&gt;</li>") != std::string::npos);
}
