// Resampling, percentile intervals, SEs and the RNG: determinism and hand values.
#include "eval/stats/bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "eval/stats/standard_error.h"

namespace cratio {
namespace {

TEST(SplitMix64, SameSeedSameStreamAndBoundedDrawsStayInRange) {
  SplitMix64 a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
  std::vector<int> hits(7, 0);
  for (int i = 0; i < 7000; ++i) ++hits[a.Below(7)];
  for (int h : hits) {
    EXPECT_GT(h, 850);  // expected 1000 each; ±150 is > 5 sd
    EXPECT_LT(h, 1150);
  }
  for (int i = 0; i < 1000; ++i) {
    const double u = a.Uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(DrawResampleCounts, SumsToNAndIsDeterministic) {
  std::vector<int32_t> x(50), y(50);
  SplitMix64 a(7), b(7);
  for (int r = 0; r < 20; ++r) {
    DrawResampleCounts(a, x);
    DrawResampleCounts(b, y);
    EXPECT_EQ(std::accumulate(x.begin(), x.end(), 0), 50);
    EXPECT_EQ(x, y);
  }
}

TEST(PercentileInterval, InterpolatesAndDropsNonFinite) {
  std::vector<double> reps;
  for (int i = 101; i >= 1; --i) reps.push_back(i);  // 1..101, unsorted
  reps.push_back(std::numeric_limits<double>::quiet_NaN());
  reps.push_back(std::numeric_limits<double>::infinity());
  // 90 %: the 5 % point at index 0.05·100 = 5 → 6; the 95 % point at index 95 → 96.
  const Interval ci = PercentileInterval(reps, 0.90);
  EXPECT_NEAR(ci.low, 6.0, 1e-9);
  EXPECT_NEAR(ci.high, 96.0, 1e-9);
  EXPECT_TRUE(ci.Contains(50.0));
  EXPECT_FALSE(ci.Contains(97.0));
  std::vector<double> none = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_TRUE(std::isnan(PercentileInterval(none, 0.95).low));
}

TEST(BootstrapStdError, IsTheSampleStandardDeviation) {
  // {1, 2, 3, 4}: sample variance 5/3 → sd 1.290994.
  const std::vector<double> reps = {1, 2, 3, 4};
  EXPECT_NEAR(BootstrapStdError(reps), std::sqrt(5.0 / 3.0), 1e-12);
}

TEST(BootstrapTwoSidedP, DoublesTheSmallerTail) {
  // 10 replicates, 2 at or below 0 → 2 · 2/10 = 0.4.
  const std::vector<double> reps = {-1, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_NEAR(BootstrapTwoSidedP(reps), 0.4, 1e-15);
}

TEST(StandardError, MeanBinomialAndRatio) {
  // {1, 2, 3, 4}: sample variance 5/3; SE = sqrt(5/3 / 4) = 0.645497.
  const std::vector<double> x = {1, 2, 3, 4};
  EXPECT_NEAR(MeanStdError(x), std::sqrt(5.0 / 12.0), 1e-12);
  // 0/1 data: sqrt(p(1−p)/(n−1)); {1, 1, 1, 0}: sqrt(0.1875 / 3) = 0.25.
  const std::vector<double> bits = {1, 1, 1, 0};
  EXPECT_NEAR(MeanStdError(bits), 0.25, 1e-12);
  EXPECT_NEAR(BinomialStdError(0.75, 4), 0.25, 1e-12);
  EXPECT_EQ(BinomialStdError(0.5, 1), 0.0);
  // Ratio: a = {2, 6}, b = {2, 2}: R = 2; residuals −2, 2; sqrt(8 / 2) / 2 = 1.
  const std::vector<double> a = {2, 6}, b = {2, 2};
  const RatioEstimate r = RatioOfSums(a, b);
  EXPECT_DOUBLE_EQ(r.ratio, 2.0);
  EXPECT_NEAR(r.se, 1.0, 1e-12);
}

}  // namespace
}  // namespace cratio
