#include "reports/replication_stats.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace ecsim::reports {

SampleStats column_stats(const Eigen::MatrixXd& runs, Eigen::Index k) {
  SampleStats s;
  const auto column = runs.col(k);
  s.n = static_cast<std::size_t>(column.size());
  s.mean = column.mean();
  if (s.n > 1) {
    const double squares = (column.array() - s.mean).square().sum();
    s.stddev = std::sqrt(squares / static_cast<double>(s.n - 1));
  }
  return s;
}

WelchResult welch_test(const SampleStats& a, const SampleStats& b, double shift) {
  WelchResult r;
  const double diff = b.mean - a.mean - shift;
  const double va = a.n > 1 ? a.stddev * a.stddev / static_cast<double>(a.n) : 0.0;
  const double vb = b.n > 1 ? b.stddev * b.stddev / static_cast<double>(b.n) : 0.0;
  const double se2 = va + vb;
  if (!(se2 > 0.0)) {
    // Nothing varies: the difference is what it is.
    r.t = diff > 0 ? INFINITY : (diff < 0 ? -INFINITY : 0.0);
    r.p_above = diff > 0 ? 0.0 : 1.0;
    r.p_below = diff < 0 ? 0.0 : 1.0;
    return r;
  }
  double denominator = 0.0;
  if (va > 0) denominator += va * va / static_cast<double>(a.n - 1);
  if (vb > 0) denominator += vb * vb / static_cast<double>(b.n - 1);
  r.df = se2 * se2 / denominator;
  r.t = diff / std::sqrt(se2);
  const boost::math::students_t dist(r.df);
  r.p_above = boost::math::cdf(boost::math::complement(dist, r.t));
  r.p_below = boost::math::cdf(dist, r.t);
  return r;
}

}  // namespace ecsim::reports
