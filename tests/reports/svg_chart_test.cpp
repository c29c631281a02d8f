#include "reports/svg_chart.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

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

namespace {

// The points of the polyline of series `name`, as "x,y" strings.
std::vector<std::string> point_list(const std::string& svg, const std::string& name) {
  const std::size_t at = svg.find("data-series=\"" + name + "\"");
  std::vector<std::string> out;
  if (at == std::string::npos) return out;
  const std::size_t start = svg.find("points=\"", at) + 8;
  const std::string pts = svg.substr(start, svg.find('"', start) - start);
  std::size_t begin = 0;
  while (begin < pts.size()) {
    const std::size_t space = std::min(pts.find(' ', begin), pts.size());
    out.push_back(pts.substr(begin, space - begin));
    begin = space + 1;
  }
  return out;
}

ChartSpec log_chart(std::vector<double> x, std::vector<double> y, bool step) {
  ChartSpec spec;
  spec.title = "wait CDF";
  spec.x_label = "wait (log scale)";
  spec.y_label = "fraction of tasks";
  spec.x_kind = AxisKind::kLogSeconds;
  spec.y_max = 1;
  spec.width = 720;  // the pixel positions below: a plot from x 64 to 704
  spec.series = {ChartSeries{"cdf", std::move(x), std::move(y), step}};
  return spec;
}

std::vector<std::string> labels(const std::vector<AxisTick>& ticks) {
  std::vector<std::string> out;
  for (const auto& t : ticks) out.push_back(t.label);
  return out;
}

}  // namespace

TEST_CASE("svg_chart: log-seconds ticks are decades of seconds, then minutes, hours and days", "[reports]") {
  REQUIRE(labels(log_seconds_ticks(0.1, 3600)) ==
          std::vector<std::string>{"0.1 s", "1 s", "10 s", "1 min", "10 min", "1 h"});
  REQUIRE(labels(log_seconds_ticks(0.001, 0.05)) == std::vector<std::string>{"1 ms", "10 ms"});
  REQUIRE(labels(log_seconds_ticks(3000, 10 * 86400)) == std::vector<std::string>{"1 h", "10 h", "1 d", "10 d"});
  const auto ticks = log_seconds_ticks(0.1, 86400);
  REQUIRE(ticks.front().value == 0.1);
  REQUIRE(ticks.back().value == 86400);
}

TEST_CASE("svg_chart: a log-seconds axis starts at 0.1 s or at the decade below the smallest positive value", "[reports]") {
  REQUIRE(log_seconds_axis_start(0) == 0.1);  // nothing positive
  REQUIRE(log_seconds_axis_start(5) == 0.1);
  REQUIRE(log_seconds_axis_start(0.1) == 0.1);
  REQUIRE(log_seconds_axis_start(0.05) == 0.01);
  REQUIRE(log_seconds_axis_start(0.000001) == 0.001);  // 1 ms at the least
}

TEST_CASE("svg_chart: a log-seconds axis spaces decades equally and labels its ticks with units", "[reports]") {
  // The plot spans x pixels 64 to 704; 0.1 s to 10 s is two decades of 320 px each.
  const std::string svg = render_line_chart(log_chart({0.1, 1, 10}, {0.2, 0.5, 1}, false));
  INFO(svg);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  const auto pts = point_list(svg, "cdf");
  REQUIRE(pts.size() == 3);
  REQUIRE(pts[0].rfind("64.0,", 0) == 0);
  REQUIRE(pts[1].rfind("384.0,", 0) == 0);
  REQUIRE(pts[2].rfind("704.0,", 0) == 0);
  for (const char* label : {">0.1 s</text>", ">1 s</text>", ">10 s</text>", ">wait (log scale)</text>"}) {
    INFO(label);
    REQUIRE(svg.find(label) != std::string::npos);
  }
  REQUIRE(svg.find(">1 min</text>") == std::string::npos);  // beyond the data
}

TEST_CASE("svg_chart: on a log-seconds axis zero is drawn at the axis start", "[reports]") {
  // A CDF whose first point is (0, fraction of zero waits): it starts at the left edge there.
  const std::string svg = render_line_chart(log_chart({0, 1, 100}, {0.6, 0.9, 1.0}, true));
  INFO(svg);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  const auto pts = point_list(svg, "cdf");
  REQUIRE(pts.size() == 5);  // 3 points and 2 risers
  REQUIRE(pts[0].rfind("64.0,", 0) == 0);
  REQUIRE(pts.back().rfind("704.0,", 0) == 0);
  // Only zeros: one point at the start, held to the right edge; the axis is 0.1 s to 1 s.
  const std::string zeros = render_line_chart(log_chart({0}, {1.0}, true));
  REQUIRE(ecsim::testing::xml_problem(zeros).empty());
  REQUIRE(zeros.find(">no data</text>") == std::string::npos);
  const auto flat = point_list(zeros, "cdf");
  REQUIRE(flat.size() == 2);
  REQUIRE(flat[0].rfind("64.0,", 0) == 0);
  REQUIRE(flat[1].rfind("704.0,", 0) == 0);
  REQUIRE(flat[0].substr(flat[0].find(',')) == flat[1].substr(flat[1].find(',')));
  REQUIRE(zeros.find(">0.1 s</text>") != std::string::npos);
  REQUIRE(zeros.find(">1 s</text>") != std::string::npos);
}

TEST_CASE("svg_chart: log-seconds tick labels too close together are left out", "[reports]") {
  // 0.1 s to 10 d: 10 h and 1 d are 0.38 decade apart, too close on a narrow chart.
  ChartSpec wide = log_chart({0.1, 864000}, {0.5, 1}, true);
  const std::string w = render_line_chart(wide);
  REQUIRE(w.find(">10 h</text>") != std::string::npos);
  REQUIRE(w.find(">1 d</text>") != std::string::npos);
  ChartSpec narrow = wide;
  narrow.width = 300;
  const std::string n = render_line_chart(narrow);
  REQUIRE(ecsim::testing::xml_problem(n).empty());
  REQUIRE(n.find(">10 h</text>") != std::string::npos);
  REQUIRE(n.find(">1 d</text>") == std::string::npos);
  REQUIRE(n.find(">10 d</text>") != std::string::npos);
}

TEST_CASE("svg_chart: long series on a log-seconds axis are downsampled in log coordinates", "[reports]") {
  std::vector<double> x, y;
  for (int i = 1; i <= 200000; ++i) {
    x.push_back(i * 0.1);  // 0.1 s to 20,000 s
    y.push_back(static_cast<double>(i) / 200000);
  }
  const std::string svg = render_line_chart(log_chart(x, y, false));
  const auto pts = point_list(svg, "cdf");
  REQUIRE(pts.size() <= 4 * 640);
  REQUIRE(pts.front().rfind("64.0,", 0) == 0);
  REQUIRE(pts.back().rfind("704.0,", 0) == 0);
  // 0.1 s to 0.9 s lie in the first sixth of the axis, each in a pixel column of its own, and
  // all survive (a linear split into 640 columns would put them in one of 31 s).
  const double one_second = 64 + 640 / 5.30103;  // log10(20,000 / 0.1) decades in 640 px
  std::size_t before_one_second = 0;
  for (const auto& p : pts) before_one_second += std::stod(p.substr(0, p.find(','))) < one_second - 1 ? 1 : 0;
  REQUIRE(before_one_second == 9);
}

TEST_CASE("svg_chart: a step series holds its last value to the right edge", "[reports]") {
  ChartSpec spec;
  spec.title = "steps";
  spec.width = 720;
  spec.series = {ChartSeries{"long", {0, 10, 20}, {1, 2, 3}, true}, ChartSeries{"short", {0, 10}, {5, 6}, true},
                 ChartSeries{"line", {0, 10}, {5, 6}, false}};
  const std::string svg = render_line_chart(spec);
  REQUIRE(point_list(svg, "long").size() == 5);
  const auto held = point_list(svg, "short");
  REQUIRE(held.size() == 4);  // 2 points, 1 riser, and the hold to the right edge
  REQUIRE(held.back().rfind("704.0,", 0) == 0);
  REQUIRE(held.back().substr(held.back().find(',')) == held[2].substr(held[2].find(',')));
  REQUIRE(point_list(svg, "line").size() == 2);  // a plain line ends at its last point
}

TEST_CASE("svg_chart: markers are dashed vertical lines with short escaped labels and the whole label as a title",
          "[reports]") {
  ChartSpec spec;
  spec.title = "tasks";
  spec.width = 720;  // the plot spans x 64 to 704
  spec.x_kind = AxisKind::kTimeSeconds;
  spec.series = {ChartSeries{"running", {0, 100}, {1, 2}, true}};
  const std::string hostile = "<script>alert(\"x\")</script> & a label far longer than thirty-two bytes";
  spec.markers = {{50, hostile, MarkerStyle::kEvent},
                  {51, "too close: no label", MarkerStyle::kDeployment},
                  {100, "web 2 -> 4", MarkerStyle::kScaling},
                  {500, "beyond the data", MarkerStyle::kEvent}};
  const std::string svg = render_line_chart(spec);
  INFO(svg);
  REQUIRE(ecsim::testing::xml_problem(svg).empty());
  REQUIRE(svg.find("<script") == std::string::npos);
  // Three lines (the fourth is beyond the data), at x = 64 + 640 * x / 100.
  std::size_t lines = 0;
  for (std::size_t p = svg.find("class=\"marker\""); p != std::string::npos; p = svg.find("class=\"marker\"", p + 1)) ++lines;
  REQUIRE(lines == 3);
  REQUIRE(svg.find("x1=\"384.0\" x2=\"384.0\"") != std::string::npos);
  REQUIRE(svg.find("x1=\"704.0\" x2=\"704.0\"") != std::string::npos);
  // The whole label, escaped, as the title; the drawn label cut to 32 bytes with an ellipsis.
  REQUIRE(svg.find("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; a label far longer than "
                   "thirty-two bytes</title>") != std::string::npos);
  REQUIRE(svg.find(">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;\xE2\x80\xA6</text>") != std::string::npos);
  REQUIRE(svg.find(">too close: no label</text>") == std::string::npos);
  REQUIRE(svg.find(">web 2 -&gt; 4</text>") != std::string::npos);
  REQUIRE(svg.find("beyond the data") == std::string::npos);
}

TEST_CASE("svg_chart: a marker label is never cut inside a UTF-8 character", "[reports]") {
  ChartSpec spec;
  spec.title = "t";
  spec.series = {ChartSeries{"s", {0, 10}, {1, 2}, false}};
  // 28 ASCII bytes, then 'é' (2 bytes) straddling the cut at 29 bytes.
  spec.markers = {{5, std::string(28, 'a') + "\xC3\xA9" + "tail of the label", MarkerStyle::kEvent}};
  const std::string svg = render_line_chart(spec);
  REQUIRE(svg.find(">" + std::string(28, 'a') + "\xE2\x80\xA6</text>") != std::string::npos);
}

TEST_CASE("svg interval chart: rows with their intervals, escaped names, a reference line, well-formed", "[svg]") {
  ecsim::reports::IntervalChartSpec spec;
  spec.title = "wait <p99> & co";
  spec.x_label = "seconds";
  spec.rows = {{"binpack \"cpu\"", 10, 8, 12, true, -1}, {"<script>", 15, 0, 0, false, 3}};
  spec.has_reference = true;
  spec.reference = 0;
  spec.reference_label = "no difference";
  const std::string svg = ecsim::reports::render_interval_chart(spec);
  CHECK(ecsim::testing::xml_problem(svg).empty());
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;") != std::string::npos);
  CHECK(svg.find("wait &lt;p99&gt; &amp; co") != std::string::npos);
  CHECK(svg.find("stroke-dasharray") != std::string::npos);  // the reference line
  // Two estimates, one interval bar (the second row has none).
  std::size_t circles = 0, pos = 0;
  while ((pos = svg.find("<circle", pos)) != std::string::npos) ++circles, ++pos;
  CHECK(circles == 2);
  CHECK(svg.find("stroke-width=\"3\"") != std::string::npos);
  CHECK(svg == ecsim::reports::render_interval_chart(spec));  // deterministic
  ecsim::reports::IntervalChartSpec empty;
  CHECK(ecsim::reports::render_interval_chart(empty).find("no data") != std::string::npos);
}
