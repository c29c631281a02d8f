#include "sim/random.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

using ecsim::sim::RandomStream;

TEST_CASE("RandomStream: same seed and name give the same sequence", "[sim]") {
  RandomStream a(42, "job:etl/arrival");
  RandomStream b(42, "job:etl/arrival");
  for (int i = 0; i < 100; ++i) REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("RandomStream: streams are independent of each other's names and of creation order", "[sim]") {
  RandomStream a(42, "job:a/arrival");
  RandomStream b(42, "job:b/arrival");
  REQUIRE(a.next_u64() != b.next_u64());
  // Creating other streams in between changes nothing: the seed is a hash of (seed, name).
  RandomStream first(42, "job:b/arrival");
  RandomStream other(42, "job:zzz/runtime");
  (void)other.next_u64();
  RandomStream second(42, "job:b/arrival");
  REQUIRE(first.next_u64() == second.next_u64());
}

TEST_CASE("RandomStream: pinned values do not drift between builds or standard libraries", "[sim]") {
  // mt19937_64's output is fixed by the C++ standard, the seed hash and the distributions are
  // ours; these values pin all three (computed once, identical under GCC and Clang). If they
  // change, every golden run changes.
  REQUIRE(ecsim::sim::stream_seed(0, "") == 0x5B21F68FFA77F14CULL);
  REQUIRE(ecsim::sim::stream_seed(42, "job:etl/arrival") == 0x91D5B4CB47E7CC8AULL);
  RandomStream r(7, "placement");
  REQUIRE(r.next_u64() == 4316793923674431266ULL);
  RandomStream idx(1, "index");
  const std::uint64_t expected[] = {2, 8, 7, 0, 6};
  for (const std::uint64_t want : expected) REQUIRE(idx.uniform_index(10) == want);
  RandomStream e(1, "e");
  const double x = e.exponential(1.0);
  const double y = e.lognormal_median_p90(20, 45);
  REQUIRE(x == 0.091470424432630704);
  REQUIRE(y == 12.781573323840291);
}

TEST_CASE("RandomStream: uniform_index is unbiased over a small range", "[sim]") {
  RandomStream r(3, "uniform");
  std::vector<int> counts(6, 0);
  const int n = 60000;
  for (int i = 0; i < n; ++i) ++counts[r.uniform_index(6)];
  for (const int c : counts) {
    // Expected 10000 each; 5 sigma is about 456.
    REQUIRE(std::abs(c - 10000) < 460);
  }
}

TEST_CASE("RandomStream: exponential has the requested mean", "[sim]") {
  RandomStream r(5, "exp");
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += r.exponential(3.0);
  REQUIRE(sum / n == Approx(3.0).epsilon(0.01));
}

TEST_CASE("RandomStream: lognormal from median and p90 hits both quantiles", "[sim]") {
  RandomStream r(11, "lognormal");
  std::vector<double> v;
  const int n = 100000;
  for (int i = 0; i < n; ++i) v.push_back(r.lognormal_median_p90(20.0, 45.0));
  std::sort(v.begin(), v.end());
  REQUIRE(v[n / 2] == Approx(20.0).epsilon(0.02));
  REQUIRE(v[n * 9 / 10] == Approx(45.0).epsilon(0.02));
}

TEST_CASE("RandomStream: uniform stays at or above lo and below hi, with the right mean", "[sim]") {
  RandomStream r(13, "uniform-real");
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double x = r.uniform(2.0, 4.0);
    REQUIRE(x >= 2.0);
    REQUIRE(x < 4.0);
    sum += x;
  }
  REQUIRE(sum / 100000 == Approx(3.0).epsilon(0.005));
}
