#include "sim/service_load.h"
#include "sim/invariant.h"

#include <cmath>
#include <cstddef>
#include <limits>

namespace ecsim::sim {

namespace {

constexpr double kMicrosPerSecond = 1e6;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// CPU units × seconds one request costs: cpu ms / 1000 vCPU-seconds × 1024 units per vCPU.
double cpu_unit_seconds_per_request(const LoadSpec& spec) { return spec.cpu_milliseconds_per_request * 1.024; }

SimTime floor_div(SimTime a, SimTime b) {
  SimTime q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The curve's knots over the domain the walker integrates: the points themselves without a
// repeat (flat extensions are handled apart), and with a repeat R, one period [0, R] with two
// virtual knots at 0 and R carrying the wrap segment's value there, so a period is a plain
// polyline and the wrap needs no special case.
class Knots {
 public:
  explicit Knots(const LoadSpec& spec) : points_(spec.requests_per_second), repeat_(spec.repeat) {
    ECSIM_CHECK(!points_.empty(), "a service load without points");
    if (repeat_ > 0) {
      const auto& first = points_.front();
      const auto& last = points_.back();
      // The wrap segment runs from (last.t, last.r) to (first.t + R, first.r); evaluate it at R.
      const SimTime span = first.first + repeat_ - last.first;  // > 0: points lie in [0, R)
      const double f = static_cast<double>(repeat_ - last.first) / static_cast<double>(span);
      wrap_rate_ = last.second + (first.second - last.second) * f;
    }
  }

  std::size_t size() const { return repeat_ > 0 ? points_.size() + 2 : points_.size(); }

  SimTime time(std::size_t j) const {
    if (repeat_ <= 0) return points_[j].first;
    if (j == 0) return 0;
    if (j == points_.size() + 1) return repeat_;
    return points_[j - 1].first;
  }

  double rate(std::size_t j) const {
    if (repeat_ <= 0) return points_[j].second;
    if (j == 0 || j == points_.size() + 1) return wrap_rate_;
    return points_[j - 1].second;
  }

  // The last knot index j < size()-1 with time(j) <= t (0 when t is before every knot), so that
  // [time(j), time(j+1)] is the piece holding t. REQUIRES: size() >= 2.
  std::size_t piece_at(SimTime t) const {
    std::size_t lo = 0;
    std::size_t hi = size() - 1;  // invariant: answer in [lo, hi)
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (time(mid) <= t) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  double rate_at_in_piece(std::size_t j, SimTime t) const {
    const SimTime t0 = time(j);
    const SimTime t1 = time(j + 1);
    if (t1 <= t0) return rate(j + 1);
    const double f = static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
    return rate(j) + (rate(j + 1) - rate(j)) * f;
  }

 private:
  const std::vector<std::pair<SimTime, double>>& points_;
  SimTime repeat_;
  double wrap_rate_ = 0;
};

// Adds one linear piece of `dt` µs going from rate rx to ry, against the servable rate `limit`.
void add_piece(LoadSlice& out, SimTime dt, double rx, double ry, double limit) {
  if (dt <= 0) return;
  const double seconds = static_cast<double>(dt) / kMicrosPerSecond;
  out.requests += (rx + ry) * 0.5 * seconds;
  if (rx <= limit && ry <= limit) return;  // also every piece when limit is +infinity
  if (rx >= limit && ry >= limit) {
    out.overloaded_us += dt;
    out.unserved_requests += ((rx - limit) + (ry - limit)) * 0.5 * seconds;
    return;
  }
  // One crossing inside the piece: the excess is a triangle on the overloaded side.
  const double high = rx > limit ? rx : ry;
  const double low = rx > limit ? ry : rx;
  const double overloaded_fraction = (high - limit) / (high - low);
  out.overloaded_us += std::llround(overloaded_fraction * static_cast<double>(dt));
  out.unserved_requests += (high - limit) * overloaded_fraction * seconds * 0.5;
}

// [lo, hi) inside the knots' domain [time(0), time(size-1)].
void walk(const Knots& k, SimTime lo, SimTime hi, double limit, LoadSlice& out) {
  if (hi <= lo) return;
  for (std::size_t j = k.piece_at(lo); j + 1 < k.size() && k.time(j) < hi; ++j) {
    const SimTime x = lo > k.time(j) ? lo : k.time(j);
    const SimTime y = hi < k.time(j + 1) ? hi : k.time(j + 1);
    if (y <= x) continue;
    add_piece(out, y - x, k.rate_at_in_piece(j, x), k.rate_at_in_piece(j, y), limit);
  }
}

LoadSlice integrate(const LoadSpec& spec, SimTime a, SimTime b, double limit) {
  ECSIM_CHECK(a <= b, "a load integrated over a negative interval");
  LoadSlice out;
  if (b <= a) return out;
  const Knots k(spec);
  const auto& pts = spec.requests_per_second;
  if (spec.repeat <= 0) {
    const SimTime first = pts.front().first;
    const SimTime last = pts.back().first;
    if (a < first) {
      const SimTime end = b < first ? b : first;
      add_piece(out, end - a, pts.front().second, pts.front().second, limit);
    }
    if (k.size() >= 2) walk(k, a > first ? a : first, b < last ? b : last, limit, out);
    if (b > last) {
      const SimTime start = a > last ? a : last;
      add_piece(out, b - start, pts.back().second, pts.back().second, limit);
    }
    return out;
  }
  const SimTime period = spec.repeat;
  const SimTime offset = floor_div(a, period) * period;
  if (b - offset <= period) {
    walk(k, a - offset, b - offset, limit, out);
    return out;
  }
  walk(k, a - offset, period, limit, out);
  const SimTime rest = b - (offset + period);
  const SimTime whole = rest / period;
  if (whole > 0) {
    LoadSlice one;
    walk(k, 0, period, limit, one);
    const double w = static_cast<double>(whole);
    out.requests += one.requests * w;
    out.unserved_requests += one.unserved_requests * w;
    out.overloaded_us += one.overloaded_us * whole;
  }
  walk(k, 0, rest - whole * period, limit, out);
  return out;
}

}  // namespace

double requests_per_second(const LoadSpec& spec, SimTime t) {
  const auto& pts = spec.requests_per_second;
  ECSIM_CHECK(!pts.empty(), "a service load without points");
  const Knots k(spec);
  if (spec.repeat <= 0) {
    if (t <= pts.front().first) return pts.front().second;
    if (t >= pts.back().first) return pts.back().second;
  } else {
    t -= floor_div(t, spec.repeat) * spec.repeat;
  }
  return k.rate_at_in_piece(k.piece_at(t), t);
}

double demand_cpu_units(const LoadSpec& spec, SimTime t) {
  return requests_per_second(spec, t) * cpu_unit_seconds_per_request(spec);
}

double servable_requests_per_second(const LoadSpec& spec, std::int64_t capacity_cpu_units) {
  if (capacity_cpu_units <= 0) return 0;
  const double per_request = cpu_unit_seconds_per_request(spec);
  if (per_request <= 0) return kInfinity;
  return static_cast<double>(capacity_cpu_units) / per_request;
}

double requests_between(const LoadSpec& spec, SimTime a, SimTime b) {
  return integrate(spec, a, b, kInfinity).requests;
}

LoadSlice integrate_load(const LoadSpec& spec, SimTime a, SimTime b, std::int64_t capacity_cpu_units) {
  return integrate(spec, a, b, servable_requests_per_second(spec, capacity_cpu_units));
}

std::optional<double> cpu_utilization_percent(const LoadSpec& spec, const LoadSlice& slice, SimTime a,
                                              SimTime b, std::int64_t capacity_cpu_units) {
  if (capacity_cpu_units <= 0 || b <= a) return std::nullopt;
  double served = slice.requests - slice.unserved_requests;
  if (served < 0) served = 0;
  const double used_unit_seconds = served * cpu_unit_seconds_per_request(spec);
  const double reserved_unit_seconds =
      static_cast<double>(capacity_cpu_units) * (static_cast<double>(b - a) / kMicrosPerSecond);
  double pct = used_unit_seconds / reserved_unit_seconds * 100.0;
  // Rounding in the two integrals can leave a full minute a hair above 100.
  if (pct > 100.0) pct = 100.0;
  return pct;
}

std::optional<double> cpu_utilization_percent(const LoadSpec& spec, SimTime a, SimTime b,
                                              std::int64_t capacity_cpu_units) {
  return cpu_utilization_percent(spec, integrate_load(spec, a, b, capacity_cpu_units), a, b, capacity_cpu_units);
}

std::optional<double> memory_utilization_percent(double constant_percent, std::int64_t running_tasks) {
  if (running_tasks <= 0) return std::nullopt;
  return constant_percent;
}

}  // namespace ecsim::sim
