#include "reports/svg_chart.h"

#include <catch2/catch.hpp>

#include "xml_check.h"

using namespace ecsim::reports;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

// The number of points in the polyline of the series named `name`.
std::size_t points_of(const std::string& svg, const std::string& name) {
  const std::size_t at = svg.find("data-series=\"" + name + "\"");
  if (at == std::string::npos) return 0;
  const std::size_t start = svg.find("points=\"", at) + 8;
  const std::size_t end = svg.find('"', start);
  return count(svg.substr(start, end - start), ",");
}

ChartSpec two_series() {
  ChartSpec spec;
  spec.title = "CPU reserved";
  spec.x_label = "time";
  spec.y_label = "CPU reserved (%)";
  spec.x_kind = AxisKind::kTimeSeconds;
  spec.y_max = 100;
  ChartSeries a{"us-east-1a", {}, {}, false};
  ChartSeries b{"us-east-1b", {}, {}, false};
  for (int k = 0; k <= 24; ++k) {
    a.x.push_back(k * 3600.0);
    a.y.push_back(k * 2.0);
    b.x.push_back(k * 3600.0);
    b.y.push_back(50.0);
  }
  spec.series = {a, b};
  return spec;
}

}  // namespace

TEST_CASE("svg_chart: escapes hostile names for XML", "[reports]") {
  REQUIRE(xml_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  REQUIRE(xml_escape("\"]; a -> b [") == "&quot;]; a -&gt; b [");
  REQUIRE(xml_escape("it's & co") == "it&#39;s &amp; co");
  REQUIRE(xml_escape(std::string("bell\x07")) == "bell ");
}

TEST_CASE("svg_chart: ticks step by 1, 2 or 5 times a power of ten", "[reports]") {
  REQUIRE(nice_ticks(0, 100, 5) == std::vector<double>{0, 20, 40, 60, 80, 100});
  REQUIRE(nice_ticks(0, 24, 8) == std::vector<double>{0, 5, 10, 15, 20});
  REQUIRE(nice_ticks(0, 7, 8) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7});
  // A raw step of 0.011 rounds up to 0.02.
  const auto small = nice_ticks(0.013, 0.057, 4);
  REQUIRE(small.size() == 2);
  REQUIRE(small.front() == Approx(0.02));
  REQUIRE(small.back() == Approx(0.04));
}

TEST_CASE("svg_chart: downsampling keeps a one-sample peak and the ends", "[reports]") {
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(i);
    y.push_back(i == 31337 ? 99.0 : 1.0);
  }
  const auto keep = downsample_indices(x, y, 500);
  REQUIRE(keep.size() <= 4 * 500);
  REQUIRE(keep.front() == 0);
  REQUIRE(keep.back() == 99999);
  REQUIRE(std::find(keep.begin(), keep.end(), std::size_t{31337}) != keep.end());
  REQUIRE(std::is_sorted(keep.begin(), keep.end()));
  // Short series are kept whole.
  REQUIRE(downsample_indices({0, 1, 2}, {5, 6, 7}, 500).size() == 3);
}

TEST_CASE("svg_chart: a chart is well-formed XML with every point, legend and axis label", "[reports]") {
  const std::string svg = render_line_chart(two_series());
  INFO(svg);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  REQUIRE(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  REQUIRE(points_of(svg, "us-east-1a") == 25);
  REQUIRE(points_of(svg, "us-east-1b") == 25);
  REQUIRE(svg.find(">us-east-1a</text>") != std::string::npos);
  REQUIRE(svg.find(">time (h)</text>") != std::string::npos);
  REQUIRE(svg.find(">CPU reserved (%)</text>") != std::string::npos);
  REQUIRE(svg.find(">100</text>") != std::string::npos);  // the fixed top of a percentage axis
  // No script and no reference outside the document.
  REQUIRE(svg.find("<script") == std::string::npos);
  REQUIRE(count(svg, "http") == 1);  // the SVG namespace name only
}

TEST_CASE("svg_chart: the same spec renders the same bytes", "[reports]") {
  REQUIRE(render_line_chart(two_series()) == render_line_chart(two_series()));
}

TEST_CASE("svg_chart: hostile series names cannot break out of the SVG", "[reports]") {
  ChartSpec spec = two_series();
  spec.title = "<script>alert('x')</script>";
  spec.series[0].name = "\"]; a -> b [";
  spec.series[1].name = "</svg><script>";
  const std::string svg = render_line_chart(spec);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  REQUIRE(svg.find("<script") == std::string::npos);
  REQUIRE(svg.find("&quot;]; a -&gt; b [") != std::string::npos);
}

TEST_CASE("svg_chart: a step series draws a riser before each new value", "[reports]") {
  ChartSpec spec;
  spec.title = "wait CDF";
  spec.series = {ChartSeries{"cdf", {0, 10, 20}, {0.2, 0.5, 1.0}, true}};
  const std::string svg = render_line_chart(spec);
  REQUIRE(points_of(svg, "cdf") == 5);  // 3 points and 2 risers
}

TEST_CASE("svg_chart: a chart with no points says so", "[reports]") {
  ChartSpec spec;
  spec.title = "empty";
  spec.series = {ChartSeries{"nothing", {}, {}, false}};
  const std::string svg = render_line_chart(spec);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  REQUIRE(svg.find(">no data</text>") != std::string::npos);
  REQUIRE(svg.find(">nothing</text>") != std::string::npos);
}
