// Graphviz pictures (issue 4): the cluster at one instant (cluster.dot, cluster.svg, and a
// section of report.html) and a scenario's structure (`ecsim graph`). We write the DOT text;
// libgvc (linked, never a shelled-out `dot`) lays it out and renders the SVG.
//
// The cluster picture. One `cluster_zN` box per availability zone, labelled with the zone
// name, its instances and the CPU its registered instances have reserved at the instant. In
// each box, one node per instance: its id, type, market, vCPU, and the CPU and memory its
// tasks reserve at the instant as shares of what it registered, then its tasks grouped by task
// group, largest first ("service:web ×3"; at most kMaxGroupRows rows, the last one summing up
// the rest as "+N more groups ×M" when there are more groups). The instance's header is filled
// by its CPU share on a fixed ramp (ColorBrewer YlOrRd, 5 classes):
//     0 %          #f7f7f7 (idle)
//     (0, 20) %    #ffffb2
//     [20, 40) %   #fecc5c
//     [40, 60) %   #fd8d3c
//     [60, 80) %   #f03b20 (white text)
//     [80, 100] %  #bd0026 (white text)
// shown as a legend under the title. Instances launched but not yet registered at the instant
// are drawn dashed and grey ("registering"); instances already terminated (or not yet
// launched, or terminated per sim::RunResult::instance_events) are left out and only counted
// in their zone's label. Instances disconnected at the instant (instance_events: between
// `disconnected` and `reconnected`, as in an AZ outage) are drawn grey and dotted
// ("disconnected (down)", and a legend entry), and their registered CPU is left out of their
// zone's and the title's percentages, as the samples leave it out: the title's figure is the
// timeseries' cpuReservedPct at a sample instant. A zone whose instances are all disconnected
// is filled grey and labelled "DOWN". A zone shows at most max_instances_per_zone instances, the busiest first
// (highest CPU share, then lowest instance index), and one "+N more instances (mean CPU x%)"
// node for the rest, x being their reserved CPU over their registered CPU.
//
// The instant. A task occupies its instance at T when placed_at <= T < stopped_at (kNever: still
// running): resources are held from placement to STOPPED, as the samples' reserved CPU and
// memory count them (the state after every event at T, where a sample at T may not yet see
// events of that instant); tasks placed but not yet RUNNING are also counted as "starting".
// ClusterPictureOptions::at = kNever picks the peak: the sample with the highest
// reserved/registered CPU (ties: the earliest); a run without samples is pictured at its end.
//
// Escaping. Names (zones, instance ids, types, task groups, services, families, images,
// registries, files) reach the DOT text only through dot_html_text() (the text of
// Graphviz HTML-like labels: XML-escaped, control characters as spaces, invalid UTF-8 as
// U+FFFD); node and cluster ids are ecsim's own ASCII ids, written through dot_quoted().
// libgvc escapes again for XML when it writes the SVG.
//
// Determinism: no time, no pointer, no random id; the same input gives the same bytes. DOT is
// parsed with object ids in creation order, not libcgraph's default ids (addresses, by which
// Graphviz 2.42 orders subgraphs: zones came out shuffled from call to call). The layout uses
// only the `dot` layout and `core` render plugins, linked into ecsim and handed to libgvc as
// preloaded plugins (never Graphviz's plugin config file), and Graphviz's built-in font
// metrics (no pango, no fontconfig), so the SVG does not depend on the fonts or plugins a
// machine has installed.
//
// Graphviz messages never reach stderr: they are captured, and an error throws
// std::runtime_error with them. Graphviz is not thread safe: REQUIRES these functions are not
// called from two threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sim/model.h"
#include "sim/run_result.h"
#include "sim/time.h"

namespace ecsim::reports {

inline constexpr std::string_view kClusterDotFile = "cluster.dot";
inline constexpr std::string_view kClusterSvgFile = "cluster.svg";

struct ClusterPictureOptions {
  // The instant pictured; kNever: the peak sample (highest CPU reserved/registered; ties:
  // earliest).
  sim::SimTime at = sim::kNever;
  // Instances drawn per zone (the busiest); the others are summed up in one node. 0 draws none.
  std::size_t max_instances_per_zone = 24;
  // The run identity (summary.json's outputs.runId), kept in the graph's `comment` (an XML
  // comment in the SVG); "" leaves it out.
  std::string run_id;
};

// At most this many sources, task definitions and images each in the scenario picture.
inline constexpr std::size_t kMaxScenarioSources = 100;

// At most this many task-group rows per instance node; the rest are summed up in one row.
inline constexpr std::size_t kMaxGroupRows = 6;

// The instant the cluster picture shows for these options (see above).
sim::SimTime cluster_picture_time(const sim::RunResult& r, const ClusterPictureOptions& o = {});

// What the instances hold at t: r.picture when the engine captured it for t (a run whose task
// records went to a TaskSink), else computed into `scratch` from r.tasks in one pass.
const sim::ClusterPicture& cluster_picture_at(const sim::RunResult& r, sim::SimTime t, sim::ClusterPicture& scratch);

// DOT text of the cluster picture (cluster_picture_at); fast at 10,000 instances and 1,000,000
// tasks. REQUIRES: check_run_result(r) passes.
std::string cluster_dot(const sim::RunResult& r, const ClusterPictureOptions& o = {});

// cluster_dot laid out by libgvc's dot: a standalone SVG document (XML prolog and DOCTYPE
// included). Throws std::runtime_error if Graphviz fails.
std::string cluster_svg(const sim::RunResult& r, const ClusterPictureOptions& o = {});

// DOT text of a scenario's structure, left to right: the sources of tasks (services, jobs,
// traces, with their placement strategies and constraints) -> task definitions
// (family:revision) -> container images -> registries (the scenario's, or for images it does
// not list, the host in the image name: docker.io by default). A source's edge to the cluster
// node is labelled with its placement strategy and constraints. The cluster node lists the
// instance groups (type × count, market, zones), which are the capacity: the model has no
// capacity providers yet. REQUIRES: s is a loaded (validated) scenario.
//
// Graphviz's dot layout grows faster than linearly with the nodes (a 1,000-job scenario took
// 3 s, 2,000 took 16 s), so a picture of thousands of sources would take minutes and show
// nothing legible: at most kMaxScenarioSources sources are drawn (services, then jobs, then
// traces, in scenario order), the rest summed up in one "+N more sources" node; task
// definitions past that many (those of the drawn sources first) in one "+N more task
// definitions" node, and images past it, or only used by those, in one "+N more images" node.
std::string scenario_dot(const sim::Scenario& s);

// scenario_dot laid out by libgvc's dot, as a standalone SVG document.
std::string scenario_svg(const sim::Scenario& s);

// --- Building blocks, public for tests and for other pictures ---

// Lays out DOT text with libgvc ("dot" layout) and renders it as SVG. Throws
// std::runtime_error naming Graphviz's messages when the text does not parse or the layout or
// rendering fails; prints nothing.
std::string render_dot_svg(std::string_view dot);

struct DotCounts {
  std::size_t nodes = 0;
  std::size_t edges = 0;
  std::size_t subgraphs = 0;  // direct subgraphs of the root graph
};
// Parses DOT text with libcgraph (as render_dot_svg does) and counts what it holds. Throws
// std::runtime_error when it does not parse.
DotCounts parse_dot_counts(std::string_view dot);

// Text for inside a Graphviz HTML-like label (`label=<...>`): &, <, >, " and ' as XML
// entities, control characters (newlines included) as spaces, invalid UTF-8 as U+FFFD.
std::string dot_html_text(std::string_view text);

// A DOT quoted ID: `"` and `\` escaped with a backslash, newlines as `\n`, other control
// characters as spaces.
std::string dot_quoted(std::string_view id);

// An SVG document from libgvc made fit to sit inside an HTML page: the XML prolog, DOCTYPE and
// comments removed, the unused xlink namespace declaration dropped, and the <svg> element
// scaled to the page width (style max-width:100%; height:auto).
std::string svg_for_html(std::string_view svg);

}  // namespace ecsim::reports
