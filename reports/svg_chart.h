// Line charts as inline SVG, drawn by our own code for the HTML report (issue 4).
//
// A chart has one or more series over a shared x axis (several runs or several zones overlay
// on one chart), axes with units, "nice" ticks (steps of 1, 2 or 5 times a power of ten; time
// axes in seconds, minutes, hours or days), a legend, and a title. The output is a standalone
// <svg> element: no script, no external reference, every name escaped for XML.
//
// A duration axis may be logarithmic (AxisKind::kLogSeconds), for figures that span tenths of a
// second to hours such as waits: ticks at 1 ms, 10 ms, 0.1 s, 1 s, 10 s, 1 min, 10 min, 1 h,
// 10 h, 1 d, 10 d, ... (a label closer than 28 px to the previous one is left out), each
// labelled with its unit. The axis starts at 0.1 s, or lower at the largest tick at or below the
// smallest positive x (1 ms at the least), and ends at the largest x (one decade above the start
// at the least). An x below the start, zero and negatives included, is drawn at the
// start: a CDF of waits whose first point is (0, fraction of zero waits) starts at the left edge
// at that fraction.
//
// Long series are downsampled per pixel column to the first, minimum, maximum and last point of
// the column, in their original order, so a one-sample peak survives any run length.
//
// Deterministic: the same spec gives the same bytes (numbers printed with std::to_chars).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ecsim::reports {

struct ChartSeries {
  std::string name;      // legend text (escaped on output)
  std::vector<double> x;  // ascending
  std::vector<double> y;  // same length as x
  // Draw as a step function (e.g. a CDF, or counts between samples): each value holds until the
  // next point, and the last one to the right edge of the plot.
  bool step = false;
  // Draw dashed, for a reference line (a target such as a desired count) that the other series
  // may lie on: they show through its gaps.
  bool dashed = false;
};

// A moment marked on a chart: a dashed vertical line across the plot at x, and its label
// (escaped, cut to 32 bytes on a UTF-8 boundary with "…"; the whole label is the line's
// <title>) written upwards along the right of the line from the top of the plot. A label closer than 12 px to
// the previous drawn label is left out (its line is still drawn), so a burst of markers stays
// readable. Markers outside the x range of the data are not drawn.
enum class MarkerStyle { kEvent, kDeployment, kScaling };

struct ChartMarker {
  double x = 0;  // in the x axis's units (seconds for time axes)
  std::string label;
  MarkerStyle style = MarkerStyle::kEvent;
};

// kNumber: linear, nice ticks. kTimeSeconds: linear, x in seconds shown in s, min, h or d (the
// unit is appended to x_label). kLogSeconds: x in seconds on a log scale (see above; the tick
// labels carry the units, x_label is shown as given).
enum class AxisKind { kNumber, kTimeSeconds, kLogSeconds };

struct ChartSpec {
  std::string title;
  std::string x_label;  // with its unit, e.g. "wait (s)"; time axes append their unit
  std::string y_label;  // e.g. "CPU reserved (%)"
  AxisKind x_kind = AxisKind::kNumber;
  // The drawing's coordinate system (its viewBox): the page scales it to its width, so these
  // set the proportions and, against the page width, the text size.
  int width = 1000;
  int height = 300;
  bool y_from_zero = true;
  double y_max = 0;     // > 0: a fixed top (100 for percentages); else from the data
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;  // drawn over the series
};

// Renders the chart. Series with no points are listed in the legend and draw nothing; a chart
// with no points at all says "no data" in place of the plot.
std::string render_line_chart(const ChartSpec& spec);

// An interval chart (a forest plot): one row per item, its estimate as a dot and its interval as
// a bar, on a shared horizontal axis, with an optional vertical reference line (0 for
// differences, a baseline's estimate). Items without an interval (one run) draw the dot only.
struct IntervalRow {
  std::string name;  // the row's label (escaped on output)
  double estimate = 0;
  double lo = 0, hi = 0;
  bool has_interval = false;
  int colour = -1;  // index into the palette the line charts use; -1: the row's index
};
struct IntervalChartSpec {
  std::string title;
  std::string x_label;
  int width = 1000;
  std::vector<IntervalRow> rows;
  bool has_reference = false;
  double reference = 0;
  std::string reference_label;
};
std::string render_interval_chart(const IntervalChartSpec& spec);

// Points that survive downsampling into `columns` equal-width x buckets: for every bucket the
// first, lowest, highest and last point, each once, in x order. Returns indices into the series.
// A series with at most 4 * columns points is kept whole.
std::vector<std::size_t> downsample_indices(const std::vector<double>& x, const std::vector<double>& y,
                                            std::size_t columns);

// "Nice" tick values covering [lo, hi] with about `target` ticks: steps of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double lo, double hi, int target);

struct AxisTick {
  double value;       // seconds
  std::string label;  // "0.1 s", "1 min", "10 h", "1 d"
};

// The ticks of a kLogSeconds axis that fall within [lo, hi] seconds, ascending.
std::vector<AxisTick> log_seconds_ticks(double lo, double hi);

// Where a kLogSeconds axis starts for data whose smallest positive x is `min_positive` (0 or
// less: none is positive): 0.1 s, or the largest tick at or below min_positive when that is
// lower, 1 ms at the least.
double log_seconds_axis_start(double min_positive);

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace ecsim::reports
