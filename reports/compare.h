// `ecsim compare`: strategies side by side over the same seeds. For every metric of summary.json
// (its numeric leaves present in every run): each strategy's mean, standard deviation and 95 %
// interval from Student's t over its seeds, and the paired difference against the first strategy
// (seed by seed: both ran the same arrivals and runtimes, common random numbers) with its
// interval and whether it excludes 0. Eigen holds the seeds x metrics matrices; Student's t
// quantiles come from Boost.Math.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/diff.h"
#include "reports/replication_stats.h"

namespace ecsim::reports {

// One strategy on one seed: its summary and the time series the report overlays.
struct CompareRun {
  nlohmann::ordered_json summary;
  std::vector<double> time;  // seconds, one per sample
  std::vector<double> pending, running, instances, cpu_reserved_pct, memory_reserved_pct;
};

struct CompareInput {
  std::string scenario;
  std::vector<std::string> strategies;        // as given, first = the reference
  std::vector<std::uint64_t> seeds;
  std::vector<std::vector<CompareRun>> runs;  // [strategy][seed]
};

struct Interval {
  double lo = 0, hi = 0;
  bool defined = false;  // n >= 2
};

struct PairedDifference {
  std::size_t n = 0;
  double mean = 0, stddev = 0;
  Interval ci;
  bool significant = false;  // the interval excludes 0 (with no spread: the runs differ)
};

struct CompareMetric {
  std::string path;
  Direction direction = Direction::kNeutral;
  std::vector<SampleStats> stats;         // [strategy]
  std::vector<Interval> ci;               // [strategy]
  std::vector<PairedDifference> paired;   // [strategy]; [0] is the reference itself (empty)
};

struct CompareResult {
  double confidence = 0.95;
  std::vector<CompareMetric> metrics;  // summary order
  // The metrics a person reads first: overall waits, failures, utilisation, cost, each job's p99
  // wait and each service's time below desired, those present (or --metric's).
  std::vector<std::size_t> headline;
};

// REQUIRES: at least one strategy, one seed, runs[s].size() == seeds.size().
CompareResult compare_runs(const CompareInput& input, const std::vector<std::string>& headline_paths = {});

// The interval of a mean of n values with standard deviation sd at `confidence` (two-sided,
// Student's t with n - 1 degrees of freedom). Undefined for n < 2.
Interval t_interval(double mean, double stddev, std::size_t n, double confidence);

std::string compare_json(const CompareInput& input, const CompareResult& result);
std::string compare_csv(const CompareInput& input, const CompareResult& result);
std::string compare_table(const CompareInput& input, const CompareResult& result);
std::string compare_html(const CompareInput& input, const CompareResult& result);

}  // namespace ecsim::reports
