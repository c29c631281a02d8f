#include "reports/svg_chart.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace ecsim::reports {
namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in print.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#000000", "#F0E442"};

constexpr int kLeft = 64, kRight = 16, kTop = 44, kBottom = 46;

// Fixed notation with `decimals` places; "-0" never appears.
std::string fixed(double v, int decimals) {
  if (v == 0 || std::fabs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return std::string(buf, r.ptr);
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

}  // namespace

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
  for (const auto& s : spec.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      xmin = std::min(xmin, s.x[i]);
      xmax = std::max(xmax, s.x[i]);
      ymin = std::min(ymin, s.y[i]);
      ymax = std::max(ymax, s.y[i]);
    }
  }
  const bool empty = !(xmin <= xmax);

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
  if (xmax <= xmin) xmax = xmin + 1;

  // Axis units and ticks.
  TimeUnit unit{1, ""};
  if (spec.x_kind == AxisKind::kTimeSeconds) unit = time_unit(xmax - xmin);
  const std::vector<double> xticks = nice_ticks(xmin / unit.seconds, xmax / unit.seconds, 8);
  const std::vector<double> yticks = nice_ticks(ymin, ymax, 5);
  ymax = std::max(ymax, yticks.back());
  const int xdec = decimals_for_step(xticks.size() > 1 ? xticks[1] - xticks[0] : 1);
  const int ydec = decimals_for_step(yticks.size() > 1 ? yticks[1] - yticks[0] : 1);
  const auto X = [&](double x) { return px0 + (x - xmin) / (xmax - xmin) * (px1 - px0); };
  const auto Y = [&](double y) { return py1 - (y - ymin) / (ymax - ymin) * (py1 - py0); };

  // Grid and tick labels.
  out += "<g font-size=\"10\" fill=\"#333\">\n";
  for (const double t : yticks) {
    const std::string y = fixed(Y(t), 1);
    out += "<line x1=\"" + fixed(px0, 1) + "\" x2=\"" + fixed(px1, 1) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\" stroke=\"#ddd\"/><text x=\"" + fixed(px0 - 6, 1) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + fixed(t, ydec) + "</text>\n";
  }
  for (const double t : xticks) {
    const std::string x = fixed(X(t * unit.seconds), 1);
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + fixed(py1, 1) + "\" y2=\"" + fixed(py1 + 4, 1) +
           "\" stroke=\"#333\"/><text x=\"" + x + "\" y=\"" + fixed(py1 + 16, 1) + "\" text-anchor=\"middle\">" +
           fixed(t, xdec) + "</text>\n";
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
    const std::vector<std::size_t> keep = downsample_indices(s.x, s.y, columns);
    if (keep.empty()) continue;
    out += "<polyline class=\"series\" data-series=\"" + xml_escape(s.name) + "\" fill=\"none\" stroke=\"" +
           kPalette[k % std::size(kPalette)] + "\" stroke-width=\"1.5\" points=\"";
    for (std::size_t j = 0; j < keep.size(); ++j) {
      const std::size_t i = keep[j];
      if (s.step && j > 0) {
        out += fixed(X(s.x[i]), 1) + "," + fixed(Y(s.y[keep[j - 1]]), 1) + " ";
      }
      out += fixed(X(s.x[i]), 1) + "," + fixed(Y(s.y[i]), 1);
      out += j + 1 < keep.size() ? " " : "";
    }
    out += "\"/>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace ecsim::reports
