#include "reports/graphviz.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "placement/registry.h"
#include "reports/format.h"
#include "reports/html_report.h"
#include "sim/engine.h"
#include "run_result_builder.h"
#include "scenarios/loader.h"
#include "xml_check.h"

using namespace ecsim::reports;
using ecsim::reports::testing::RunResultBuilder;
using ecsim::reports::testing::TaskSpec;
using ecsim::sim::kHour;
using ecsim::sim::kNever;
using ecsim::sim::kSecond;

namespace {

// prefix + n, built by appending: GCC 12 reports a false -Wrestrict on "x" + std::string&&.
std::string numbered(const char* prefix, std::size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// The DOT text of zone cluster `z`: from its `subgraph` line to the next zone's.
std::string zone_section(const std::string& dot, std::size_t z) {
  const std::size_t start = dot.find(numbered("subgraph \"cluster_z", z) + "\"");
  REQUIRE(start != std::string::npos);
  const std::size_t end = dot.find("subgraph \"cluster_z", start + 1);
  return dot.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The SVG from its DOCTYPE on (xml_problem does not read the <?xml ...?> prolog).
std::string svg_document(const std::string& svg) {
  REQUIRE(svg.rfind("<?xml", 0) == 0);
  const std::size_t doctype = svg.find("<!DOCTYPE");
  REQUIRE(doctype != std::string::npos);
  return svg.substr(doctype);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// No script, no external reference (the SVG and xlink namespace names aside).
void require_self_contained(const std::string& svg) {
  const std::string l = lower(svg);
  for (const char* banned :
       {"<script", "href", "<image", "url(", "<foreignobject", "javascript:", "onload", "onclick"}) {
    INFO(banned);
    REQUIRE(l.find(banned) == std::string::npos);
  }
}

// Two zones, three instances (2048 CPU units and 7680 MiB registered each), tasks of two groups.
RunResultBuilder two_zones() {
  RunResultBuilder b;
  b.scenario("pic").duration(kHour).zone("us-east-1a").zone("us-east-1b");
  b.instance("a-1", "us-east-1a", "m5.large")
      .instance("b-1", "us-east-1b", "m5.large")
      .instance("b-2", "us-east-1b", "c5.large");
  return b;
}

// Stderr redirected to a temporary file for the lifetime of the object; text() reads it back.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = dup(2);
    file_ = std::tmpfile();
    dup2(fileno(file_), 2);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
  }
  std::string text() {
    restore();
    std::string out;
    std::rewind(file_);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  int saved_ = -1;
  std::FILE* file_ = nullptr;
};

}  // namespace

TEST_CASE("graphviz: dot_html_text escapes markup and replaces control characters and bad UTF-8",
          "[reports][graphviz]") {
  REQUIRE(dot_html_text("web") == "web");
  REQUIRE(dot_html_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  REQUIRE(dot_html_text("a&b \"q\" 'r'") == "a&amp;b &quot;q&quot; &#39;r&#39;");
  REQUIRE(dot_html_text("line\nbreak\ttab\x01") == "line break tab ");
  REQUIRE(dot_html_text("caf\xC3\xA9 \xC3\x97") == "caf\xC3\xA9 \xC3\x97");  // valid UTF-8 kept
  REQUIRE(dot_html_text("bad\xFF\xC3") == "bad\xEF\xBF\xBD\xEF\xBF\xBD");    // invalid: U+FFFD
  REQUIRE(dot_html_text(std::string("nul\0x", 5)) == "nul x");
  REQUIRE(dot_quoted("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
}

TEST_CASE("graphviz: cluster_dot draws one cluster per zone with that zone's instances", "[reports][graphviz]") {
  RunResultBuilder b = two_zones();
  b.task({.instance = "b-1", .placed = 0, .started = kSecond});
  const auto r = b.build();
  const std::string dot = cluster_dot(r, {.at = 10 * kSecond});
  const DotCounts c = parse_dot_counts(dot);
  REQUIRE(c.subgraphs == 2);
  REQUIRE(c.nodes == 3);
  const std::string z0 = zone_section(dot, 0), z1 = zone_section(dot, 1);
  REQUIRE(z0.find("us-east-1a · 1 instance · CPU 0% reserved") != std::string::npos);
  REQUIRE(z1.find("us-east-1b · 2 instances · CPU 6.3% reserved") != std::string::npos);  // 256 of 4096
  REQUIRE(z0.find(">a-1<") != std::string::npos);
  REQUIRE(z0.find("b-1") == std::string::npos);
  REQUIRE(z1.find(">b-1<") != std::string::npos);
  REQUIRE(z1.find(">b-2<") != std::string::npos);
  REQUIRE(z1.find("c5.large · on-demand · 2 vCPU") != std::string::npos);
  // The busier instance first.
  REQUIRE(z1.find(">b-1<") < z1.find(">b-2<"));
}

TEST_CASE("graphviz: cluster_dot counts the tasks holding an instance at the instant", "[reports][graphviz]") {
  RunResultBuilder b = two_zones();
  // On a-1 (2048 units, 7680 MiB): t1 0-100 s, t2 from 10 s (RUNNING at 20 s), t3 50-60 s, t4 from 200 s.
  b.task({.group = "service:web",
          .instance = "a-1",
          .placed = 0,
          .started = kSecond,
          .stopped = 100 * kSecond,
          .cpu = 512,
          .memory_mib = 1024});
  b.task({.group = "service:web",
          .instance = "a-1",
          .placed = 10 * kSecond,
          .started = 20 * kSecond,
          .cpu = 512,
          .memory_mib = 512});
  b.task({.family = "etl",
          .group = "family:etl",
          .instance = "a-1",
          .placed = 50 * kSecond,
          .started = 50 * kSecond,
          .stopped = 60 * kSecond,
          .cpu = 1024,
          .memory_mib = 1024});
  b.task({.family = "etl", .group = "family:etl", .instance = "a-1", .placed = 200 * kSecond, .cpu = 2048});
  b.task({.family = "etl", .group = "family:etl", .submitted = 0});  // never placed
  const auto r = b.build();
  const auto zone_a = [&](ecsim::sim::SimTime t) { return zone_section(cluster_dot(r, {.at = t}), 0); };

  const std::string at30 = zone_a(30 * kSecond);
  REQUIRE(at30.find("CPU 50% · mem 20%") != std::string::npos);  // 1024 of 2048, 1536 of 7680
  REQUIRE(at30.find("service:web ×2<") != std::string::npos);
  REQUIRE(at30.find("family:etl") == std::string::npos);
  REQUIRE(at30.find("BGCOLOR=\"#fd8d3c\"") != std::string::npos);  // [40, 60) %
  REQUIRE(at30.find("us-east-1a · 1 instance · CPU 50% reserved") != std::string::npos);

  const std::string at15 = zone_a(15 * kSecond);
  REQUIRE(at15.find("service:web ×2 (1 starting)") != std::string::npos);

  const std::string at50 = zone_a(50 * kSecond);  // t3 placed at 50 s holds from 50 s on
  REQUIRE(at50.find("CPU 100% · mem 33.3%") != std::string::npos);
  REQUIRE(at50.find("family:etl ×1") != std::string::npos);
  REQUIRE(at50.find("BGCOLOR=\"#bd0026\"") != std::string::npos);  // [80, 100] %

  const std::string at60 = zone_a(60 * kSecond);  // t3 stopped at 60 s no longer does
  REQUIRE(at60.find("CPU 50% · mem 20%") != std::string::npos);

  const std::string at150 = zone_a(150 * kSecond);  // only t2
  REQUIRE(at150.find("CPU 25% · mem 6.7%") != std::string::npos);
  REQUIRE(at150.find("BGCOLOR=\"#fecc5c\"") != std::string::npos);  // [20, 40) %

  const std::string at0 = zone_a(0);
  REQUIRE(at0.find("CPU 25% · mem 13.3%") != std::string::npos);
}

TEST_CASE("graphviz: instances registering are dashed and terminated ones only counted", "[reports][graphviz]") {
  RunResultBuilder b;
  b.zone("z")
      .instance("up", "z", "m5.large")
      .instance("late", "z", "m5.large")
      .instance("gone", "z", "m5.large", 0, 30 * kSecond);
  b.result().instances.registered_at[1] = 90 * kSecond;
  const auto r = b.build();
  const std::string at60 = cluster_dot(r, {.at = 60 * kSecond});
  REQUIRE(at60.find("z · 2 instances · CPU 0% reserved · 1 registering · 1 terminated (not shown)") !=
          std::string::npos);
  REQUIRE(at60.find(">late<") != std::string::npos);
  REQUIRE(at60.find(">gone<") == std::string::npos);
  REQUIRE(count_of(at60, "STYLE=\"dashed\">") == 2);  // the instance and the legend's swatch
  const std::string at20 = cluster_dot(r, {.at = 20 * kSecond});
  REQUIRE(at20.find(">gone<") != std::string::npos);
  REQUIRE(parse_dot_counts(at20).nodes == 3);
}

TEST_CASE("graphviz: a zone whose instances are disconnected is drawn down, its capacity out of the percentages",
          "[reports][graphviz]") {
  RunResultBuilder b;
  b.scenario("outage").zone("up<&>").zone("down<&>");
  b.instance("a1", "up<&>", "m5.large").instance("a2", "up<&>", "m5.large");
  b.instance("b1", "down<&>", "m5.large").instance("b2", "down<&>", "m5.large");
  b.task({.instance = "a1", .placed = 0, .started = 0, .cpu = 1024});
  b.task({.instance = "b1", .placed = 0, .started = 0, .stopped = 30 * 60 * kSecond, .cpu = 1024});
  using Kind = ecsim::sim::InstanceEventKind;
  b.result().instance_events = {{.at = 30 * 60 * kSecond, .instance = 2, .kind = Kind::kDisconnected, .reason = "azOutage"},
                                {.at = 30 * 60 * kSecond, .instance = 3, .kind = Kind::kDisconnected, .reason = "azOutage"},
                                {.at = kHour, .instance = 2, .kind = Kind::kReconnected, .reason = "azOutage ends"},
                                {.at = kHour, .instance = 3, .kind = Kind::kReconnected, .reason = "azOutage ends"}};
  const auto r = b.build();
  const std::string before = cluster_dot(r, {.at = 10 * 60 * kSecond});
  CHECK(before.find("of registered CPU reserved") != std::string::npos);
  CHECK(before.find(", 25% of registered CPU reserved") != std::string::npos);  // 2048 of 8192
  CHECK(before.find("DOWN") == std::string::npos);
  CHECK(before.find("disconnected") == std::string::npos);

  // During the outage only zone up's 4096 units count: 1024 reserved is 25 %, not 12.5 %.
  const std::string during = cluster_dot(r, {.at = 45 * 60 * kSecond});
  CHECK(during.find(", 25% of registered CPU reserved") != std::string::npos);
  CHECK(during.find("down&lt;&amp;&gt; · 2 instances · DOWN (all disconnected)") != std::string::npos);
  CHECK(during.find("up&lt;&amp;&gt; · 2 instances · CPU 25% reserved") != std::string::npos);
  CHECK(count_of(during, "disconnected (down)") == 2);
  CHECK(count_of(during, "STYLE=\"dotted\"") == 3);  // two instances and the legend's swatch
  CHECK(during.find("fillcolor=\"#eeeeee\"") != std::string::npos);
  CHECK(count_of(during, "style=\"rounded,filled\"") == 1);
  CHECK(parse_dot_counts(during).nodes == 4);
  CHECK(cluster_svg(r, {.at = 45 * 60 * kSecond}).find("DOWN (all disconnected)") != std::string::npos);

  // One instance of a zone down: the zone is up, the instance counted apart.
  ecsim::sim::RunResult one = r;
  one.instance_events.erase(one.instance_events.begin() + 1);
  one.instance_events.erase(one.instance_events.begin() + 2);
  const std::string partial = cluster_dot(one, {.at = 45 * 60 * kSecond});
  CHECK(partial.find("down&lt;&amp;&gt; · 2 instances · CPU 0% reserved · 1 disconnected") != std::string::npos);
  CHECK(partial.find(", 16.7% of registered CPU reserved") != std::string::npos);  // 1024 of 6144

  const std::string after = cluster_dot(r, {.at = 90 * 60 * kSecond});
  CHECK(after.find("DOWN") == std::string::npos);
  CHECK(after.find(", 12.5% of registered CPU reserved") != std::string::npos);

  // A terminated instance (per its events) is left out and counted as terminated.
  ecsim::sim::RunResult gone = r;
  gone.instance_events.push_back({.at = kHour, .instance = 0, .kind = Kind::kTerminated, .reason = "scale-in"});
  const std::string at_end = cluster_dot(gone, {.at = 90 * 60 * kSecond});
  CHECK(at_end.find(">a1<") == std::string::npos);
  CHECK(at_end.find("up&lt;&amp;&gt; · 1 instance · CPU 0% reserved · 1 terminated (not shown)") != std::string::npos);
}

TEST_CASE("graphviz: during an azOutage the picture's percentage is the sample's cpuReservedPct",
          "[reports][graphviz]") {
  // web-and-etl loses us-east-1b from 6h to 6h30m.
  const std::filesystem::path source = ECSIM_SOURCE_DIR;
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario((source / "scenarios/examples/web-and-etl.json").string());
  ecsim::placement::EcsPlacerFactory factory;
  const ecsim::sim::RunResult r = ecsim::sim::run_scenario(s, factory);
  std::size_t checked = 0;
  for (const ecsim::sim::Sample& sample : r.samples) {
    if (sample.time <= 6 * kHour || sample.time >= 6 * kHour + 30 * 60 * kSecond) continue;
    const std::string dot = cluster_dot(r, {.at = sample.time});
    INFO(sample.time);
    CHECK(dot.find(", " + format_percent(sample.cpu_reserved, sample.cpu_registered, 1) +
                   "% of registered CPU reserved") != std::string::npos);
    CHECK(dot.find("us-east-1b · ") != std::string::npos);
    CHECK(dot.find("DOWN (all disconnected)") != std::string::npos);
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("graphviz: the picture shows the peak sample, the earliest of equal peaks", "[reports][graphviz]") {
  RunResultBuilder b = two_zones();
  b.sample({.time = 0, .cpu_reserved = 0, .cpu_registered = 8192})
      .sample({.time = 60 * kSecond, .cpu_reserved = 4096, .cpu_registered = 8192})
      .sample({.time = 120 * kSecond, .cpu_reserved = 2048, .cpu_registered = 4096})
      .sample({.time = 180 * kSecond, .cpu_reserved = 4095, .cpu_registered = 8192})
      .sample({.time = 240 * kSecond, .cpu_reserved = 7, .cpu_registered = 0});
  const auto r = b.build();
  REQUIRE(cluster_picture_time(r) == 60 * kSecond);
  REQUIRE(cluster_picture_time(r, {.at = 5 * kSecond}) == 5 * kSecond);
  REQUIRE(cluster_dot(r).find("pic: the cluster at 00:01:00 (the peak sample)") != std::string::npos);
  REQUIRE(cluster_dot(r, {.at = 90'500'000}).find("pic: the cluster at 00:01:30.5, ") != std::string::npos);
  REQUIRE(cluster_dot(r, {.at = 2 * ecsim::sim::kDay + 3 * kHour}).find("at 2d 03:00:00") != std::string::npos);

  RunResultBuilder none = two_zones();
  const auto no_samples = none.duration(3 * kHour).build();
  REQUIRE(cluster_picture_time(no_samples) == 3 * kHour);
  REQUIRE(cluster_dot(no_samples).find("at 03:00:00 (the end of the run)") != std::string::npos);
}

TEST_CASE("graphviz: a zone shows its busiest instances and sums up the rest", "[reports][graphviz]") {
  RunResultBuilder b;
  b.zone("z");
  for (int i = 0; i < 5; ++i) b.instance(numbered("inst-", static_cast<std::size_t>(i)), "z", "m5.large");
  // CPU shares of 2048: inst-0 25%, inst-1 50%, inst-2 50%, inst-3 idle, inst-4 100%.
  const int cpu[] = {512, 1024, 1024, 0, 2048};
  for (int i = 0; i < 5; ++i) {
    if (cpu[i] > 0)
      b.task({.instance = numbered("inst-", static_cast<std::size_t>(i)), .placed = 0, .started = 0, .cpu = cpu[i]});
  }
  const auto r = b.build();
  const std::string dot = cluster_dot(r, {.at = kSecond, .max_instances_per_zone = 2});
  REQUIRE(parse_dot_counts(dot).nodes == 3);
  REQUIRE(dot.find(">inst-4<") != std::string::npos);
  REQUIRE(dot.find(">inst-1<") != std::string::npos);  // 50%, and a lower index than inst-2
  REQUIRE(dot.find(">inst-4<") < dot.find(">inst-1<"));
  for (const char* hidden : {">inst-0<", ">inst-2<", ">inst-3<"}) REQUIRE(dot.find(hidden) == std::string::npos);
  // The three others hold 512 + 1024 + 0 of 3 × 2048 units.
  REQUIRE(dot.find("+3 more instances<BR/>(mean CPU 25%)") != std::string::npos);
  REQUIRE(dot.find("z · 5 instances · CPU 45% reserved") != std::string::npos);  // 4608 of 10240

  const std::string none = cluster_dot(r, {.at = kSecond, .max_instances_per_zone = 0});
  REQUIRE(parse_dot_counts(none).nodes == 1);
  REQUIRE(none.find("+5 more instances<BR/>(mean CPU 45%)") != std::string::npos);
  REQUIRE(parse_dot_counts(cluster_dot(r, {.at = kSecond})).nodes == 5);
}

TEST_CASE("graphviz: an instance lists at most six task group rows", "[reports][graphviz]") {
  RunResultBuilder b;
  b.zone("z").instance("busy", "z", "m5.large");
  for (int g = 0; g < 8; ++g) {
    for (int k = 0; k <= g; ++k) {
      b.task({.group = numbered("g", static_cast<std::size_t>(g)),
              .instance = "busy",
              .placed = 0,
              .started = 0,
              .cpu = 1});
    }
  }
  const std::string dot = cluster_dot(b.build(), {.at = kSecond});
  // Largest groups first: g7 ×8 ... g3 ×4, then g2, g1, g0 (3 + 2 + 1 tasks) in one row.
  REQUIRE(dot.find("g7 ×8<") < dot.find("g3 ×4<"));
  REQUIRE(dot.find("+3 more groups ×6<") != std::string::npos);
  REQUIRE(dot.find("g2 ×") == std::string::npos);
}

TEST_CASE("graphviz: cluster_svg is well-formed self-contained SVG, the same bytes every time", "[reports][graphviz]") {
  RunResultBuilder b = two_zones();
  b.task({.instance = "b-1", .placed = 0, .started = kSecond});
  const auto r = b.build();
  const std::string svg = cluster_svg(r);
  REQUIRE(ecsim::testing::xml_problem(svg_document(svg)).empty());
  REQUIRE(svg.find("<svg") != std::string::npos);
  REQUIRE(svg.find(">a&#45;1<") != std::string::npos);  // libgvc writes '-' as &#45;
  require_self_contained(svg);
  REQUIRE(svg == cluster_svg(r));
  REQUIRE(cluster_dot(r) == cluster_dot(r));

  // Five zones, rendered again and again with the heap in other states: libcgraph's default
  // ids are addresses, and once put the zone clusters in a different order on each call.
  RunResultBuilder many;
  for (int z = 0; z < 5; ++z) {
    many.instance(numbered("i-", static_cast<std::size_t>(z)), numbered("zone-", static_cast<std::size_t>(4 - z)),
                  "m5.large");
  }
  const auto five = many.build();
  const std::string first = cluster_svg(five);
  std::vector<std::string> clutter;
  for (std::size_t k = 0; k < 12; ++k) {
    clutter.emplace_back(k * 97 + 13, 'x');
    INFO(k);
    REQUIRE(cluster_svg(five) == first);
  }
  REQUIRE(first.find(">zone&#45;4") < first.find(">zone&#45;0"));  // zones in the result's order
}

TEST_CASE("graphviz: hostile names inject nothing into DOT, SVG or HTML", "[reports][graphviz]") {
  const std::vector<std::string> hostile = {"<script>alert(1)</script>",   "\"]; a -> b [",
                                            "quo\"te's \\\"back\\slash\\", "new\nline\r}{|<x>",
                                            "bad\xFF utf8 \x01",           "&amp; &#60; ]]> --> <!--"};
  const auto build = [](const std::vector<std::string>& names) {
    RunResultBuilder b;
    b.scenario(names[0]);
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::string zone = names[k] + " zone";
      b.instance(names[k], zone, names[(k + 1) % names.size()] + " type");
      b.task({.family = names[(k + 2) % names.size()],
              .group = names[(k + 3) % names.size()],
              .instance = names[k],
              .placed = 0,
              .started = 0});
    }
    return b.build();
  };
  std::vector<std::string> benign;
  for (std::size_t k = 0; k < hostile.size(); ++k) benign.push_back(numbered("name", k));
  const auto bad = build(hostile), good = build(benign);
  const std::string dot = cluster_dot(bad);
  const DotCounts bad_counts = parse_dot_counts(dot), good_counts = parse_dot_counts(cluster_dot(good));
  REQUIRE(bad_counts.nodes == good_counts.nodes);
  REQUIRE(bad_counts.edges == good_counts.edges);
  REQUIRE(bad_counts.subgraphs == good_counts.subgraphs);
  REQUIRE(bad_counts.nodes == hostile.size());
  REQUIRE(dot.find("<script") == std::string::npos);
  REQUIRE(dot.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  REQUIRE(dot.find("&quot;]; a -&gt; b [") != std::string::npos);

  StderrCapture err;
  const std::string svg = cluster_svg(bad);
  REQUIRE(err.text().empty());  // no Graphviz warning about the names either
  REQUIRE(ecsim::testing::xml_problem(svg_document(svg)).empty());
  require_self_contained(svg);
  REQUIRE(lower(svg).find("<script") == std::string::npos);
  REQUIRE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);

  const std::string html = html_report(bad, svg);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(lower(html).find("<script") == std::string::npos);
}

TEST_CASE("graphviz: html_report embeds the cluster picture inline and self-contained", "[reports][graphviz]") {
  const auto r = ecsim::reports::testing::small_run();
  const std::string svg = cluster_svg(r);
  const std::string html = html_report(r, svg);
  REQUIRE(ecsim::testing::xml_problem(html).empty());
  REQUIRE(html == html_report(r, svg));
  const std::size_t section = html.find("<h2>Cluster snapshot</h2>");
  REQUIRE(section != std::string::npos);
  const std::string inline_svg = svg_for_html(svg);
  REQUIRE(html.find(inline_svg) > section);
  REQUIRE(inline_svg.rfind("<svg width=", 0) == 0);
  REQUIRE(inline_svg.find("style=\"max-width:100%;height:auto\">") != std::string::npos);
  for (const char* gone : {"<?xml", "<!DOCTYPE svg", "<!--", "xlink"}) {
    INFO(gone);
    REQUIRE(inline_svg.find(gone) == std::string::npos);
  }
  require_self_contained(inline_svg);
  REQUIRE(html_report(r).find("Cluster snapshot") == std::string::npos);
}

TEST_CASE("graphviz: render_dot_svg turns Graphviz errors into exceptions and prints nothing", "[reports][graphviz]") {
  StderrCapture err;
  REQUIRE_THROWS_WITH(render_dot_svg("digraph { a -> "),
                      Catch::Contains("Graphviz: cannot read the DOT text") && Catch::Contains("syntax error"));
  REQUIRE_THROWS_AS(parse_dot_counts("graph { a -- b"), std::runtime_error);
  REQUIRE(err.text().empty());
  // The parser recovers.
  REQUIRE(parse_dot_counts("digraph { a -> b; b -> c }").edges == 2);
  REQUIRE(render_dot_svg("digraph { a -> b }").find("</svg>") != std::string::npos);
}

TEST_CASE("graphviz: a cluster of 10000 instances and 1000000 tasks stays small", "[reports][graphviz]") {
  ecsim::sim::RunResult r;
  r.scenario = "big";
  r.duration = 7 * ecsim::sim::kDay;
  r.zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
  r.instance_types = {"m5.xlarge"};
  r.price_microdollars_per_hour = {192'000};
  r.families = {"api", "etl"};
  r.groups = {"family:api", "family:etl"};
  constexpr std::uint32_t kInstances = 10'000;
  constexpr std::size_t kTasks = 1'000'000;
  auto& in = r.instances;
  for (std::uint32_t i = 0; i < kInstances; ++i) {
    in.id.push_back(numbered("general-", i));
    in.zone.push_back(i % 3);
    in.type.push_back(0);
    in.market.push_back(ecsim::sim::Market::kOnDemand);
    in.launched_at.push_back(0);
    in.registered_at.push_back(90 * kSecond);
    in.terminated_at.push_back(kNever);
    in.cpu_registered.push_back(4096);
    in.memory_registered_mib.push_back(15'000);
  }
  auto& t = r.tasks;
  for (std::size_t k = 0; k < kTasks; ++k) {
    const auto g = static_cast<std::uint32_t>(k % 2);
    t.family.push_back(g);
    t.revision.push_back(1);
    t.group.push_back(g);
    t.instance.push_back(static_cast<std::uint32_t>((k * 7919) % kInstances));
    const ecsim::sim::SimTime placed = static_cast<ecsim::sim::SimTime>(k) * 600'000;  // one every 0.6 s
    t.submitted_at.push_back(placed);
    t.placed_at.push_back(placed);
    t.started_at.push_back(placed + kSecond);
    t.stopped_at.push_back(placed + kHour);
    t.stop_code.push_back(ecsim::sim::StopCode::kEssentialContainerExited);
    t.stop_reason.push_back(ecsim::sim::StopReason::kEssentialContainerExited);
    t.failure_reason.push_back(ecsim::sim::FailureReason::kNone);
    t.rejected.push_back(0);
    t.cpu.push_back(256);
    t.memory_mib.push_back(512);
  }
  const ClusterPictureOptions at{.at = 2 * ecsim::sim::kDay};
  const std::string dot = cluster_dot(r, at);
  const DotCounts c = parse_dot_counts(dot);
  REQUIRE(c.subgraphs == 3);
  REQUIRE(c.nodes == 3 * 25);
  REQUIRE(count_of(dot, " more instances<BR/>") == 3);
  // 6000 tasks hold the cluster (one an 0.6 s for an hour), 256 units each, over 10000 × 4096.
  REQUIRE(dot.find("of registered CPU reserved") != std::string::npos);
  REQUIRE(dot.find(", 3.8% of registered CPU reserved") != std::string::npos);
  const std::string svg = cluster_svg(r, at);
  REQUIRE(svg.size() < 400'000);
  REQUIRE(ecsim::testing::xml_problem(svg_document(svg)).empty());
}

TEST_CASE("graphviz: the scenario graph of every bundled scenario names its parts", "[reports][graphviz]") {
  const std::filesystem::path source = ECSIM_SOURCE_DIR;
  std::vector<std::filesystem::path> files = {source / "scenarios/default.json"};
  for (const auto& e : std::filesystem::directory_iterator(source / "scenarios/examples")) {
    // NAME.plan.json is a plan file for `ecsim plan`, not a scenario.
    if (e.path().extension() == ".json" && !e.path().filename().string().ends_with(".plan.json")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 4);
  for (const auto& file : files) {
    INFO(file.string());
    const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario(file.string());
    const std::string dot = scenario_dot(s);
    for (const auto& sv : s.services) REQUIRE(dot.find("service " + dot_html_text(sv.name) + "<") != std::string::npos);
    for (const auto& j : s.jobs) REQUIRE(dot.find("job " + dot_html_text(j.name) + "<") != std::string::npos);
    for (const auto& td : s.task_definitions) {
      std::string label = ">";
      label.append(dot_html_text(td.family)).append(":").append(std::to_string(td.revision)).append("<");
      REQUIRE(dot.find(label) != std::string::npos);
      for (const auto& c : td.containers)
        REQUIRE(dot.find("image " + dot_html_text(c.image) + "<") != std::string::npos);
    }
    for (const auto& im : s.images) REQUIRE(dot.find("image " + dot_html_text(im.name) + "<") != std::string::npos);
    for (const auto& reg : s.registries)
      REQUIRE(dot.find("registry " + dot_html_text(reg.name) + "<") != std::string::npos);
    for (const auto& g : s.cluster.instance_groups) {
      // A capacity provider's instances come from its own line, its groups hold its settings.
      const bool provider = std::any_of(s.capacity_providers.begin(), s.capacity_providers.end(),
                                        [&](const auto& cp) { return cp.name == g.name; });
      if (provider) continue;
      REQUIRE(dot.find(dot_html_text(g.name) + ": " + dot_html_text(s.instance_types[g.instance_type].name) + " × " +
                       std::to_string(g.count)) != std::string::npos);
    }
    for (const auto& cp : s.capacity_providers) {
      REQUIRE(dot.find("capacity provider " + dot_html_text(cp.name) + ": ") != std::string::npos);
    }
    // One edge from the cluster to each source, one from each source with a task definition.
    const DotCounts c = parse_dot_counts(dot);
    REQUIRE(count_of(dot, "\"cluster\" -> ") == s.services.size() + s.jobs.size() + s.traces.size());
    REQUIRE(c.nodes >= 1 + s.services.size() + s.jobs.size() + s.task_definitions.size() + s.registries.size());
    const std::string svg = scenario_svg(s);
    REQUIRE(ecsim::testing::xml_problem(svg_document(svg)).empty());
    require_self_contained(svg);
    REQUIRE(svg == scenario_svg(s));
  }
}

TEST_CASE("graphviz: the scenario graph shows strategies, defaults and registries from image names",
          "[reports][graphviz]") {
  const std::filesystem::path source = ECSIM_SOURCE_DIR;
  const ecsim::sim::Scenario s =
      ecsim::scenarios::load_scenario((source / "scenarios/examples/web-and-etl.json").string());
  const std::string dot = scenario_dot(s);
  REQUIRE(dot.find("label=<spread(attribute:ecs.availability-zone), binpack(memory)<BR/>distinctInstance>") !=
          std::string::npos);
  REQUIRE(dot.find("general: m5.xlarge × 12 · on-demand · us-east-1a, us-east-1b") != std::string::npos);
  REQUIRE(dot.find("azOutage us-east-1b at 06:00:00 for 30m") != std::string::npos);
  REQUIRE(dot.find("not used by any service or job") != std::string::npos);  // web:1 and web:2
  REQUIRE(dot.find("registry ecr<") != std::string::npos);

  const ecsim::sim::Scenario mmc =
      ecsim::scenarios::load_scenario((source / "scenarios/examples/mmc-queue.json").string());
  const std::string mmc_dot = scenario_dot(mmc);
  REQUIRE(mmc_dot.find("label=<random (scenario default)>") != std::string::npos);
  REQUIRE(mmc_dot.find("docker.io<") != std::string::npos);  // "busybox" is not listed
  REQUIRE(mmc_dot.find("Docker Hub, from the image names") != std::string::npos);
}

TEST_CASE("graphviz: hostile names in a scenario inject nothing into its graph", "[reports][graphviz]") {
  const auto build = [](const std::vector<std::string>& n) {
    using namespace ecsim::sim;
    Scenario s;
    s.name = n[0];
    s.region = n[1];
    s.instance_types.push_back(InstanceType{.name = n[2]});
    s.cluster.name = n[3];
    s.cluster.availability_zones = {n[4], n[5]};
    InstanceGroup g;
    g.name = n[5];
    g.count = 2;
    g.zones = {0, 1};
    s.cluster.instance_groups.push_back(g);
    s.registries.push_back(Registry{.name = n[0], .pull_bytes_per_second = 1'000'000});
    Image image;
    image.name = n[1];
    image.size_mib = 10;
    s.images.push_back(image);
    TaskDefinition td;
    td.family = n[2];
    td.containers.push_back(ContainerDefinition{.name = n[3], .image = n[1]});
    td.containers.push_back(ContainerDefinition{.name = n[4], .image = "evil.example/" + n[4]});
    td.member_of = {n[5]};
    s.task_definitions.push_back(td);
    Service sv;
    sv.name = n[3];
    sv.strategy = {StrategySpec{.type = "spread", .field = n[4]}};
    sv.constraints = {ConstraintSpec{.type = "memberOf", .expression = n[0]}};
    s.services.push_back(sv);
    Job j;
    j.name = n[4];
    j.group = n[5];
    s.jobs.push_back(j);
    Trace tr;
    tr.file = n[0];
    tr.format = n[1];
    tr.families = {n[2], n[3]};
    s.traces.push_back(tr);
    ScenarioEvent outage;
    outage.at = kHour;
    outage.zone = 1;
    s.events.push_back(outage);
    return s;
  };
  const std::vector<std::string> hostile = {
      "<script>alert(1)</script>", "\"]; a -> b [", "quo\"te\\", "new\nline}", "bad\xFF\x01", "&amp; ]]> -->"};
  std::vector<std::string> benign;
  for (std::size_t k = 0; k < hostile.size(); ++k) benign.push_back(numbered("name", k));
  const std::string bad = scenario_dot(build(hostile)), good = scenario_dot(build(benign));
  const DotCounts b = parse_dot_counts(bad), g = parse_dot_counts(good);
  REQUIRE(b.nodes == g.nodes);
  REQUIRE(b.edges == g.edges);
  REQUIRE(b.subgraphs == g.subgraphs);
  REQUIRE(bad.find("<script") == std::string::npos);
  StderrCapture err;
  const std::string svg = scenario_svg(build(hostile));
  REQUIRE(err.text().empty());
  REQUIRE(ecsim::testing::xml_problem(svg_document(svg)).empty());
  REQUIRE(lower(svg).find("<script") == std::string::npos);
  require_self_contained(svg);
}

TEST_CASE("graphviz: a scenario of thousands of jobs draws the first sources and sums up the rest",
          "[reports][graphviz]") {
  // 2,000 jobs, each with its own task definition and image: Graphviz's layout of all of them
  // took 16 s; the picture draws kMaxScenarioSources of each and one node for the rest.
  constexpr int kJobs = 2000;
  std::vector<std::string> images, definitions, jobs;
  for (int k = 0; k < kJobs; ++k) {
    const std::string n = std::to_string(k);
    images.push_back("{\"name\": \"img-" + n + "\", \"sizeMiB\": 10, \"registry\": \"r\"}");
    definitions.push_back("{\"family\": \"td-" + n + "\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"img-" + n +
                          "\", \"memory\": 64, \"essential\": true}]}");
    jobs.push_back("{\"name\": \"job-" + n + "\", \"taskDefinition\": \"td-" + n +
                   "\", \"arrival\": {\"type\": \"fixed\", \"interval\": \"1h\"}, \"runtime\": {\"type\": \"constant\", \"value\": \"1m\"}}");
  }
  const auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (const std::string& item : items) {
      if (out.size() > 1) out += ",";
      out += item;
    }
    return out + "]";
  };
  const std::string text =
      "{\"cluster\": {\"availabilityZones\": [\"z1\"], \"instanceGroups\": [{\"name\": \"g\", \"instanceType\": "
      "\"m5.large\", \"count\": 1}]}, \"registries\": [{\"name\": \"r\", \"pullBandwidth\": \"100MB/s\"}], \"images\": " +
      list(images) + ", \"taskDefinitions\": " + list(definitions) + ", \"jobs\": " + list(jobs) + "}";
  const ecsim::sim::Scenario s = ecsim::scenarios::load_scenario_text(text, "many.json", ".");
  const std::string dot = scenario_dot(s);
  const DotCounts counts = parse_dot_counts(dot);
  // cluster, 100 jobs, 100 task definitions, 100 images, the registry, and the three summaries.
  REQUIRE(counts.nodes == 1 + 3 * kMaxScenarioSources + 1 + 3);
  REQUIRE(dot.find(">job job-99<") != std::string::npos);
  REQUIRE(dot.find(">job job-100<") == std::string::npos);
  REQUIRE(dot.find("+1900 more sources") != std::string::npos);
  REQUIRE(dot.find(">1900 jobs<") != std::string::npos);
  REQUIRE(dot.find("+1900 more task definitions") != std::string::npos);
  REQUIRE(dot.find("+1900 more images") != std::string::npos);
  REQUIRE(dot.find("\"more_sources\" -> \"more_taskdefs\"") != std::string::npos);
  REQUIRE(dot.find("\"more_taskdefs\" -> \"more_images\"") != std::string::npos);
  require_self_contained(scenario_svg(s));
}
