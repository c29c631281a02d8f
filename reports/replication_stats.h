// Statistics over replications (runs of one scenario with different seeds): each metric's mean,
// standard deviation and count, and Welch's t-test between two sets of runs. Eigen holds the
// runs x metrics matrix; Student's t distribution comes from Boost.Math. Reports only: nothing
// here feeds back into a simulation.
#pragma once

#include <Eigen/Dense>
#include <cstddef>

namespace ecsim::reports {

// One metric over n runs: the sample mean and the sample standard deviation (n - 1 in the
// denominator; 0 when n == 1).
struct SampleStats {
  std::size_t n = 0;
  double mean = 0.0;
  double stddev = 0.0;
};

// Column k of `runs` (one row per run, one column per metric) as SampleStats.
// REQUIRES: runs.rows() >= 1.
SampleStats column_stats(const Eigen::MatrixXd& runs, Eigen::Index k);

struct WelchResult {
  double t = 0.0;        // (mean_b - mean_a - shift) / standard error
  double df = 0.0;       // Welch-Satterthwaite degrees of freedom (0: no variance on either side)
  double p_above = 1.0;  // one-sided p-value of H1: mean_b - mean_a > shift
  double p_below = 1.0;  // one-sided p-value of H1: mean_b - mean_a < shift
};

// Welch's unequal-variances t-test of mean_b - mean_a against `shift`. A side of one run (or of
// equal runs) counts as exact: with a single run on one side this is the one-sample t-test of
// the other side. When neither side varies the comparison is exact: p is 0 or 1.
// REQUIRES: a.n >= 1 and b.n >= 1.
WelchResult welch_test(const SampleStats& a, const SampleStats& b, double shift);

}  // namespace ecsim::reports
