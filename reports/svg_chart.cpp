#include "reports/svg_chart.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "reports/format.h"
#include "sim/portable_math.h"

namespace ecsim::reports {
namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in print.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#000000", "#F0E442"};

constexpr int kLeft = 64, kRight = 16, kTop = 44, kBottom = 46;

// Appends v in fixed notation with `decimals` places; "-0" never appears (a negative value
// that rounds to zero prints as zero).
void append_fixed(std::string& out, double v, int decimals) {
  char buf[kMaxFixedChars];
  const char* first = buf;
  const char* last = write_fixed(buf, v, decimals);
  if (*first == '-' && std::all_of(first + 1, last, [](char c) { return c == '0' || c == '.'; })) ++first;
  out.append(first, last);
}

std::string fixed(double v, int decimals) {
  std::string s;
  append_fixed(s, v, decimals);
  return s;
}

int decimals_for_step(double step) {
  if (step >= 1) return 0;
  return std::min(9, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

struct TimeUnit {
  double seconds;
  const char* name;
};

TimeUnit time_unit(double range_seconds) {
  if (range_seconds <= 120) return {1, "s"};
  if (range_seconds <= 2 * 3600) return {60, "min"};
  if (range_seconds <= 3 * 86400) return {3600, "h"};
  return {86400, "d"};
}

// Every kLogSeconds tick, ascending, up to 10^7 days (far beyond any run).
const std::vector<AxisTick>& all_log_ticks() {
  static const std::vector<AxisTick> ticks = [] {
    std::vector<AxisTick> t = {{0.001, "1 ms"}, {0.01, "10 ms"}, {0.1, "0.1 s"}, {1, "1 s"},    {10, "10 s"},
                               {60, "1 min"},   {600, "10 min"}, {3600, "1 h"},  {36000, "10 h"}};
    double days = 1;
    for (int k = 0; k < 8; ++k, days *= 10) t.push_back({days * 86400, fixed(days, 0) + " d"});
    return t;
  }();
  return ticks;
}

// Minimum distance in pixels between two labelled ticks of a log axis ("10 h" and "1 d" are
// 0.38 decade apart).
constexpr double kMinLogTickGap = 28;

// Marker labels: at most this many bytes, and this far apart in pixels.
constexpr std::size_t kMaxMarkerLabelBytes = 32;
constexpr double kMinMarkerLabelGap = 12;

// `label` cut to kMaxMarkerLabelBytes on a UTF-8 character boundary, with "…" when cut.
std::string short_label(std::string_view label) {
  if (label.size() <= kMaxMarkerLabelBytes) return std::string(label);
  std::size_t end = kMaxMarkerLabelBytes - 3;  // room for the 3-byte ellipsis
  while (end > 0 && (static_cast<unsigned char>(label[end]) & 0xC0) == 0x80) --end;  // not inside a character
  std::string out(label.substr(0, end));
  out += "\xE2\x80\xA6";
  return out;
}

}  // namespace

std::vector<AxisTick> log_seconds_ticks(double lo, double hi) {
  std::vector<AxisTick> out;
  for (const AxisTick& t : all_log_ticks()) {
    if (t.value >= lo * (1 - 1e-12) && t.value <= hi * (1 + 1e-12)) out.push_back(t);
  }
  return out;
}

double log_seconds_axis_start(double min_positive) {
  const std::vector<AxisTick>& ticks = all_log_ticks();
  constexpr double kDefaultStart = 0.1;
  if (!(min_positive > 0)) return kDefaultStart;
  double start = ticks.front().value;
  for (const AxisTick& t : ticks) {
    if (t.value <= min_positive * (1 + 1e-12)) start = t.value;
  }
  return std::min(start, kDefaultStart);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || target < 1) {
    ticks.push_back(lo);
    return ticks;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  const double first = std::ceil(lo / step - 1e-9);
  for (double k = first;; k += 1) {
    const double t = k * step;
    if (t > hi + step * 1e-9) break;
    ticks.push_back(t == 0 ? 0.0 : t);
    if (ticks.size() > 100) break;  // defensive: never an unbounded axis
  }
  return ticks;
}

std::vector<std::size_t> downsample_indices(const std::vector<double>& x, const std::vector<double>& y,
                                            std::size_t columns) {
  std::vector<std::size_t> out;
  const std::size_t n = std::min(x.size(), y.size());
  if (n <= 4 * columns || columns == 0) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  const double lo = x.front(), hi = x.back();
  const double width = hi > lo ? hi - lo : 1.0;
  std::size_t i = 0;
  while (i < n) {
    const auto bucket = std::min(columns - 1, static_cast<std::size_t>((x[i] - lo) / width * static_cast<double>(columns)));
    std::size_t first = i, lowest = i, highest = i, last = i;
    for (++i; i < n; ++i) {
      const auto b = std::min(columns - 1, static_cast<std::size_t>((x[i] - lo) / width * static_cast<double>(columns)));
      if (b != bucket) break;
      if (y[i] < y[lowest]) lowest = i;
      if (y[i] > y[highest]) highest = i;
      last = i;
    }
    std::size_t keep[] = {first, lowest, highest, last};
    std::sort(std::begin(keep), std::end(keep));
    for (std::size_t k = 0; k < 4; ++k) {
      if (k == 0 || keep[k] != keep[k - 1]) out.push_back(keep[k]);
    }
  }
  return out;
}

std::string render_line_chart(const ChartSpec& spec) {
  const int w = std::max(spec.width, kLeft + kRight + 100);
  const int h = std::max(spec.height, kTop + kBottom + 60);
  const double px0 = kLeft, px1 = w - kRight, py0 = kTop, py1 = h - kBottom;

  // Data ranges.
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin;
  double ymin = xmin, ymax = -xmin;
  double min_positive_x = xmin;
  for (const auto& s : spec.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      xmin = std::min(xmin, s.x[i]);
      xmax = std::max(xmax, s.x[i]);
      ymin = std::min(ymin, s.y[i]);
      ymax = std::max(ymax, s.y[i]);
      if (s.x[i] > 0) min_positive_x = std::min(min_positive_x, s.x[i]);
    }
  }
  const bool empty = !(xmin <= xmax);
  const bool log_x = spec.x_kind == AxisKind::kLogSeconds;

  std::string out;
  out.reserve(4096);
  const std::string title = xml_escape(spec.title);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + std::to_string(w) + " " +
         std::to_string(h) + "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
         "\" font-family=\"sans-serif\" role=\"img\" aria-label=\"" + title + "\">\n";
  out += "<title>" + title + "</title>\n";
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"16\" font-size=\"14\" font-weight=\"bold\">" + title + "</text>\n";

  // Legend, one row under the title.
  double lx = kLeft;
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const char* colour = kPalette[k % std::size(kPalette)];
    const std::string name = xml_escape(spec.series[k].name);
    out += "<rect x=\"" + fixed(lx, 1) + "\" y=\"24\" width=\"12\" height=\"4\" fill=\"" + colour + "\"/>";
    out += "<text x=\"" + fixed(lx + 16, 1) + "\" y=\"30\" font-size=\"11\">" + name + "</text>\n";
    lx += 28 + 6.5 * static_cast<double>(spec.series[k].name.size());
  }

  if (empty) {
    out += "<text x=\"" + fixed((px0 + px1) / 2, 1) + "\" y=\"" + fixed((py0 + py1) / 2, 1) +
           "\" font-size=\"12\" text-anchor=\"middle\">no data</text>\n</svg>\n";
    return out;
  }

  if (spec.y_from_zero) ymin = std::min(ymin, 0.0);
  if (spec.y_max > 0) ymax = std::max(ymax, spec.y_max);
  if (ymax <= ymin) ymax = ymin + 1;
  if (log_x) {
    xmin = log_seconds_axis_start(std::isfinite(min_positive_x) ? min_positive_x : 0);
    xmax = std::max(xmax, xmin * 10);
  }
  if (xmax <= xmin) xmax = xmin + 1;

  // Axis units and ticks.
  TimeUnit unit{1, ""};
  if (spec.x_kind == AxisKind::kTimeSeconds) unit = time_unit(xmax - xmin);
  const std::vector<double> xticks = log_x ? std::vector<double>{} : nice_ticks(xmin / unit.seconds, xmax / unit.seconds, 8);
  const std::vector<double> yticks = nice_ticks(ymin, ymax, 5);
  ymax = std::max(ymax, yticks.back());
  const int xdec = decimals_for_step(xticks.size() > 1 ? xticks[1] - xticks[0] : 1);
  const int ydec = decimals_for_step(yticks.size() > 1 ? yticks[1] - yticks[0] : 1);
  // A log axis maps log(x) linearly; portable_log, not std::log, so that every machine draws
  // the same bytes. Values below the start are drawn at the start.
  const double log_min = log_x ? sim::portable_log(xmin) : 0;
  const double log_span = log_x ? sim::portable_log(xmax) - log_min : 1;
  const auto log_of = [&](double x) { return sim::portable_log(std::max(x, xmin)) - log_min; };
  const auto X = [&](double x) {
    if (log_x) return px0 + log_of(x) / log_span * (px1 - px0);
    return px0 + (x - xmin) / (xmax - xmin) * (px1 - px0);
  };
  const auto Y = [&](double y) { return py1 - (y - ymin) / (ymax - ymin) * (py1 - py0); };

  // Grid and tick labels.
  out += "<g font-size=\"10\" fill=\"#333\">\n";
  for (const double t : yticks) {
    const std::string y = fixed(Y(t), 1);
    out += "<line x1=\"" + fixed(px0, 1) + "\" x2=\"" + fixed(px1, 1) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\" stroke=\"#ddd\"/><text x=\"" + fixed(px0 - 6, 1) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + fixed(t, ydec) + "</text>\n";
  }
  const auto x_tick = [&](double at, const std::string& label) {
    const std::string x = fixed(at, 1);
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(py1, 1) + "\" y2=\"" + fixed(py1 + 4, 1) +
           "\" stroke=\"#333\"/><text x=\"" + x + "\" y=\"" + fixed(py1 + 16, 1) + "\" text-anchor=\"middle\">" +
           label + "</text>\n";
  };
  for (const double t : xticks) x_tick(X(t * unit.seconds), fixed(t, xdec));
  if (log_x) {
    double last = -std::numeric_limits<double>::infinity();
    for (const AxisTick& t : log_seconds_ticks(xmin, xmax)) {
      const double at = X(t.value);
      if (at - last < kMinLogTickGap) continue;
      x_tick(at, t.label);
      last = at;
    }
  }
  out += "</g>\n";
  out += "<rect x=\"" + fixed(px0, 1) + "\" y=\"" + fixed(py0, 1) + "\" width=\"" + fixed(px1 - px0, 1) +
         "\" height=\"" + fixed(py1 - py0, 1) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  std::string x_label = xml_escape(spec.x_label);
  if (spec.x_kind == AxisKind::kTimeSeconds) x_label += std::string(" (") + unit.name + ")";
  out += "<text x=\"" + fixed((px0 + px1) / 2, 1) + "\" y=\"" + std::to_string(h - 8) +
         "\" font-size=\"11\" text-anchor=\"middle\">" + x_label + "</text>\n";
  out += "<text transform=\"translate(14," + fixed((py0 + py1) / 2, 1) +
         ") rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">" + xml_escape(spec.y_label) + "</text>\n";

  // Series.
  const auto columns = static_cast<std::size_t>(px1 - px0);
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const ChartSeries& s = spec.series[k];
    std::vector<std::size_t> keep;
    if (log_x) {
      // Downsample in drawn (log) coordinates, so that each pixel column keeps its extremes.
      std::vector<double> log_x_values;
      log_x_values.reserve(s.x.size());
      for (const double x : s.x) log_x_values.push_back(log_of(x));
      keep = downsample_indices(log_x_values, s.y, columns);
    } else {
      keep = downsample_indices(s.x, s.y, columns);
    }
    if (keep.empty()) continue;
    out += "<polyline class=\"series\" data-series=\"" + xml_escape(s.name) + "\" fill=\"none\" stroke=\"" +
           kPalette[k % std::size(kPalette)] + "\" stroke-width=\"1.5\"" +
           (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"";
    for (std::size_t j = 0; j < keep.size(); ++j) {
      const std::size_t i = keep[j];
      if (s.step && j > 0) {
        append_fixed(out, X(s.x[i]), 1);
        out += ',';
        append_fixed(out, Y(s.y[keep[j - 1]]), 1);
        out += ' ';
      }
      append_fixed(out, X(s.x[i]), 1);
      out += ',';
      append_fixed(out, Y(s.y[i]), 1);
      if (j + 1 < keep.size()) out += ' ';
    }
    // A step series holds its last value to the right edge.
    const std::string last_x = fixed(X(s.x[keep.back()]), 1);
    const std::string right = fixed(px1, 1);
    if (s.step && last_x != right) out += " " + right + "," + fixed(Y(s.y[keep.back()]), 1);
    out += "\"/>\n";
  }

  // Markers, over the series.
  double last_label = -std::numeric_limits<double>::infinity();
  for (const ChartMarker& m : spec.markers) {
    if (!(m.x >= xmin && m.x <= xmax)) continue;
    const char* colour = m.style == MarkerStyle::kEvent ? "#B00020" : m.style == MarkerStyle::kDeployment ? "#6A3D9A" : "#777";
    const std::string x = fixed(X(m.x), 1);
    out += "<g class=\"marker\"><title>" + xml_escape(m.label) + "</title><line x1=\"" + x + "\" x2=\"" + x +
           "\" y1=\"" + fixed(py0, 1) + "\" y2=\"" + fixed(py1, 1) + "\" stroke=\"" + colour +
           "\" stroke-width=\"1\" stroke-dasharray=\"4,3\"/>";
    const double at = X(m.x);
    if (at - last_label >= kMinMarkerLabelGap) {
      // Rotated a quarter turn back, the glyphs rise to the left of their baseline: a baseline
      // 11 px right of the line puts them just right of it, clear of the y tick labels.
      out += "<text transform=\"translate(" + fixed(at + 11, 1) + "," + fixed(py0 + 4, 1) +
             ") rotate(-90)\" text-anchor=\"end\" font-size=\"10\" fill=\"" + colour + "\">" +
             xml_escape(short_label(m.label)) + "</text>";
      last_label = at;
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string render_interval_chart(const IntervalChartSpec& spec) {
  constexpr int kLabelWidth = 220, kRowHeight = 26;
  const int w = std::max(spec.width, kLabelWidth + kRight + 200);
  const int h = kTop + kBottom + kRowHeight * static_cast<int>(std::max<std::size_t>(spec.rows.size(), 1));
  const double px0 = kLabelWidth, px1 = w - kRight, py0 = kTop;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& r : spec.rows) {
    lo = std::min({lo, r.estimate, r.has_interval ? r.lo : r.estimate});
    hi = std::max({hi, r.estimate, r.has_interval ? r.hi : r.estimate});
  }
  if (spec.has_reference) {
    lo = std::min(lo, spec.reference);
    hi = std::max(hi, spec.reference);
  }
  const std::string title = xml_escape(spec.title);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + std::to_string(w) + " " +
                    std::to_string(h) + "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
                    "\" font-family=\"sans-serif\" role=\"img\" aria-label=\"" + title + "\">\n";
  out += "<title>" + title + "</title>\n";
  out += "<text x=\"8\" y=\"16\" font-size=\"14\" font-weight=\"bold\">" + title + "</text>\n";
  if (!(lo <= hi)) {
    out += "<text x=\"" + fixed((px0 + px1) / 2, 1) + "\" y=\"" + fixed(py0 + 14, 1) +
           "\" font-size=\"12\" text-anchor=\"middle\">no data</text>\n</svg>\n";
    return out;
  }
  // A margin on both sides, so that no bar ends on the frame (and one value gets a scale).
  const double pad = hi > lo ? (hi - lo) * 0.05 : (lo != 0 ? std::fabs(lo) * 0.05 : 1.0);
  lo -= pad;
  hi += pad;
  const std::vector<double> ticks = nice_ticks(lo, hi, 6);
  lo = std::min(lo, ticks.front());
  hi = std::max(hi, ticks.back());
  const int dec = decimals_for_step(ticks.size() > 1 ? ticks[1] - ticks[0] : 1);
  const auto X = [&](double x) { return px0 + (x - lo) / (hi - lo) * (px1 - px0); };
  const double py1 = py0 + kRowHeight * static_cast<double>(spec.rows.size());
  out += "<g font-size=\"10\" fill=\"#333\">\n";
  for (const double t : ticks) {
    const std::string x = fixed(X(t), 1);
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(py0, 1) + "\" y2=\"" + fixed(py1, 1) +
           "\" stroke=\"#ddd\"/><text x=\"" + x + "\" y=\"" + fixed(py1 + 14, 1) + "\" text-anchor=\"middle\">" +
           fixed(t, dec) + "</text>\n";
  }
  out += "<text x=\"" + fixed((px0 + px1) / 2, 1) + "\" y=\"" + fixed(py1 + 32, 1) + "\" text-anchor=\"middle\" font-size=\"11\">" +
         xml_escape(spec.x_label) + "</text>\n</g>\n";
  if (spec.has_reference) {
    const std::string x = fixed(X(spec.reference), 1);
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(py0 - 4, 1) + "\" y2=\"" + fixed(py1, 1) +
           "\" stroke=\"#555\" stroke-dasharray=\"4 3\"><title>" + xml_escape(spec.reference_label) + "</title></line>\n";
  }
  for (std::size_t k = 0; k < spec.rows.size(); ++k) {
    const IntervalRow& r = spec.rows[k];
    const char* colour = kPalette[(r.colour >= 0 ? static_cast<std::size_t>(r.colour) : k) % std::size(kPalette)];
    const std::string y = fixed(py0 + kRowHeight * (static_cast<double>(k) + 0.5), 1);
    std::string name = r.name.size() > 34 ? r.name.substr(0, 33) + "~" : r.name;
    out += "<text x=\"" + fixed(px0 - 8, 1) + "\" y=\"" + fixed(py0 + kRowHeight * (static_cast<double>(k) + 0.5) + 4, 1) +
           "\" font-size=\"11\" text-anchor=\"end\">" + xml_escape(name) + "<title>" + xml_escape(r.name) + "</title></text>";
    if (r.has_interval) {
      out += "<line x1=\"" + fixed(X(r.lo), 1) + "\" x2=\"" + fixed(X(r.hi), 1) + "\" y1=\"" + y + "\" y2=\"" + y +
             "\" stroke=\"" + colour + "\" stroke-width=\"3\"/>";
    }
    out += "<circle cx=\"" + fixed(X(r.estimate), 1) + "\" cy=\"" + y + "\" r=\"4.5\" fill=\"" + colour + "\"/>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace ecsim::reports
