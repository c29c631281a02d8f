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
