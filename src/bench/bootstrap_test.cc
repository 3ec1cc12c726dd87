// Bootstrap ratio intervals on synthetic timing series with a known true speedup, and
// the slower-than-base flag on constructed grids.
#include "bench/bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace cratio {
namespace {

double Uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// Standard normal by Box-Muller from our own uniforms (same on every library).
double Normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - Uniform01(rng), u2 = Uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// n log-normal times with median `median_ms` (exp of a N(0, 0.2^2) factor has median 1).
std::vector<double> Times(std::mt19937_64& rng, int n, double median_ms) {
  std::vector<double> t(n);
  for (double& x : t) x = median_ms * std::exp(0.2 * Normal(rng));
  return t;
}

BootstrapOptions Fast(bool paired) {
  BootstrapOptions o;
  o.num_resamples = 1000;
  o.paired = paired;
  return o;
}

TEST(BootstrapMedianRatio, PointEstimateIsRatioOfMedians) {
  // medians: {1, 2, 9} -> 2; {4, 1, 5} -> 4; ratio 0.5.
  const auto r = BootstrapMedianRatio({1, 2, 9}, {4, 1, 5}, Fast(false));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->ratio, 0.5);
  EXPECT_LE(r->ci_low, r->ratio);
  EXPECT_GE(r->ci_high, r->ratio);
}

TEST(BootstrapMedianRatio, IntervalsContainTheTrueSpeedup) {
  // Base median 10 ms, variant median 8 ms: true speedup 10 / 8 = 1.25. 200 seeded
  // repetitions of 60 + 60 samples; a 95 % interval should miss rarely — at least
  // 0.88 of them must contain 1.25 (the percentile bootstrap of a median runs a little
  // under nominal for small n).
  std::mt19937_64 rng(7);
  int contained = 0;
  constexpr int kReps = 200;
  for (int r = 0; r < kReps; ++r) {
    const std::vector<double> base = Times(rng, 60, 10.0), variant = Times(rng, 60, 8.0);
    BootstrapOptions o = Fast(false);
    o.seed = 100 + r;
    const auto est = BootstrapMedianRatio(base, variant, o);
    ASSERT_TRUE(est.ok());
    if (est->ci_low <= 1.25 && 1.25 <= est->ci_high) ++contained;
  }
  EXPECT_GE(contained, static_cast<int>(0.88 * kReps)) << contained << " of " << kReps;
}

double MeanWidth(int n, int reps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  double sum = 0.0;
  for (int r = 0; r < reps; ++r) {
    const auto est = BootstrapMedianRatio(Times(rng, n, 10.0), Times(rng, n, 8.0), Fast(false));
    sum += est->ci_high - est->ci_low;
  }
  return sum / reps;
}

TEST(BootstrapMedianRatio, IntervalNarrowsWithMoreData) {
  // The width scales like 1 / sqrt(n): 8x the data should give about 1 / 2.8 of the
  // width; require under one half.
  const double w50 = MeanWidth(50, 40, 11), w400 = MeanWidth(400, 40, 12);
  EXPECT_LT(w400, 0.5 * w50) << "width n=50 " << w50 << ", n=400 " << w400;
}

TEST(BootstrapMedianRatio, PairingCancelsSharedDrift) {
  // Both series ride a shared drift factor from 1 to 3 (machine load changing between
  // pairs); the pair ratio itself is 1.25 with little noise. Paired resampling keeps
  // the drift in both halves of a pair, so its interval is much narrower.
  std::mt19937_64 rng(3);
  std::vector<double> base, variant;
  for (int i = 0; i < 80; ++i) {
    const double drift = 1.0 + 2.0 * Uniform01(rng);
    base.push_back(10.0 * drift * std::exp(0.02 * Normal(rng)));
    variant.push_back(8.0 * drift * std::exp(0.02 * Normal(rng)));
  }
  const auto paired = BootstrapMedianRatio(base, variant, Fast(true));
  const auto unpaired = BootstrapMedianRatio(base, variant, Fast(false));
  ASSERT_TRUE(paired.ok() && unpaired.ok());
  EXPECT_TRUE(paired->paired);
  EXPECT_FALSE(unpaired->paired);
  EXPECT_LT(paired->ci_high - paired->ci_low, 0.5 * (unpaired->ci_high - unpaired->ci_low));
  EXPECT_LE(paired->ci_low, 1.25 * 1.1);
  EXPECT_GE(paired->ci_high, 1.25 / 1.1);
}

TEST(BootstrapMedianRatio, RejectsEmptyAndNonPositiveSeries) {
  EXPECT_FALSE(BootstrapMedianRatio({}, {1.0}).ok());
  const auto zero = BootstrapMedianRatio({1.0, 2.0}, {0.0, 0.0, 0.0});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("denominator 0"), std::string::npos)
      << zero.status().message();
  BootstrapOptions few;
  few.num_resamples = 3;
  EXPECT_FALSE(BootstrapMedianRatio({1.0}, {1.0}, few).ok());
}

TEST(SlowerPoints, FlagsOnlyIntervalsEntirelyBelowOne) {
  const std::vector<RatioEstimate> grid = {
      {.ratio = 2.0, .ci_low = 1.8, .ci_high = 2.2, .num_samples = 20},    // faster
      {.ratio = 1.0, .ci_low = 0.9, .ci_high = 1.1, .num_samples = 20},    // no difference
      {.ratio = 0.7, .ci_low = 0.6, .ci_high = 0.8, .num_samples = 20},    // slower
      {.ratio = 0.95, .ci_low = 0.85, .ci_high = 1.0, .num_samples = 20},  // touches 1
      {.ratio = 0.5, .ci_low = 0.5, .ci_high = 0.5, .num_samples = 4},     // too few
  };
  EXPECT_EQ(SlowerPoints(grid), (std::vector<size_t>{2}));
  EXPECT_EQ(Classify(grid[0]), SpeedupVerdict::kFaster);
  EXPECT_EQ(Classify(grid[1]), SpeedupVerdict::kNoDifference);
  EXPECT_STREQ(VerdictName(Classify(grid[2])), "slower");
  EXPECT_EQ(Classify(grid[4]), SpeedupVerdict::kInsufficientData);
}

TEST(BootstrapMedianRatio, OneRoundGivesNoVerdict) {
  // One pair resampled is always the same pair: the interval collapses to the point, so
  // it must not count as evidence either way.
  const auto r = BootstrapMedianRatio({2.0}, {1.0});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->ci_low, r->ci_high);
  EXPECT_EQ(r->num_samples, 1);
  EXPECT_EQ(Classify(*r), SpeedupVerdict::kInsufficientData);
}

TEST(SlowerPoints, FindsTheSlowRegionOfAMeasuredGrid) {
  // A constructed batch-size grid where the variant wins at small batch and loses at
  // large batch (as INT4 can): speedups 1.6, 1.3, 1.0, 0.8, 0.6 with 3 % noise.
  std::mt19937_64 rng(5);
  const std::vector<double> true_speedup = {1.6, 1.3, 1.0, 0.8, 0.6};
  std::vector<RatioEstimate> grid;
  for (double s : true_speedup) {
    std::vector<double> base, variant;
    for (int i = 0; i < 40; ++i) {
      base.push_back(10.0 * std::exp(0.03 * Normal(rng)));
      variant.push_back(10.0 / s * std::exp(0.03 * Normal(rng)));
    }
    const auto est = BootstrapMedianRatio(base, variant, Fast(true));
    ASSERT_TRUE(est.ok());
    grid.push_back(*est);
  }
  EXPECT_EQ(SlowerPoints(grid), (std::vector<size_t>{3, 4}));
  EXPECT_EQ(Classify(grid[0]), SpeedupVerdict::kFaster);
  EXPECT_EQ(Classify(grid[2]), SpeedupVerdict::kNoDifference);
}

}  // namespace
}  // namespace cratio
