// The adaptive stopping rule on constructed series (no clocks involved: elapsed time is
// passed in).
#include "bench/stop_rule.h"

#include <gtest/gtest.h>

#include <vector>

namespace cratio {
namespace {

StopRule Rule(int min_iters, double min_time_s, double ci_target) {
  StopRule r;
  r.min_iters = min_iters;
  r.min_time_s = min_time_s;
  r.ci_target = ci_target;
  r.max_iters = 1000;
  r.max_time_s = 100.0;
  return r;
}

// 1, 2, ..., n.
std::vector<double> Ramp(int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i + 1;
  return v;
}

TEST(CheckStop, NeedsBothMinimumIterationsAndMinimumTime) {
  const StopRule r = Rule(10, 2.0, 0.0);
  EXPECT_EQ(CheckStop(r, Ramp(9), 5.0), StopReason::kContinue);
  EXPECT_EQ(CheckStop(r, Ramp(10), 1.0), StopReason::kContinue);
  EXPECT_EQ(CheckStop(r, Ramp(10), 2.0), StopReason::kMinimumMet);
}

TEST(CheckStop, WaitsForTheMedianIntervalToNarrow) {
  // Ramp(100): median 50.5, 95 % interval [x(40), x(61)] = [40, 61], half-width 10.5,
  // relative 10.5 / 50.5 = 0.208.
  EXPECT_NEAR(RelativeMedianHalfWidth(Ramp(100), 0.95), 10.5 / 50.5, 1e-12);
  EXPECT_EQ(CheckStop(Rule(10, 0.0, 0.25), Ramp(100), 1.0), StopReason::kCiTarget);
  EXPECT_EQ(CheckStop(Rule(10, 0.0, 0.20), Ramp(100), 1.0), StopReason::kContinue);
  // Identical samples: half-width 0 meets any target once the interval is bounded
  // (n >= 6 for the median at 95 %: 2 * 0.5^6 = 0.031 < 0.05).
  EXPECT_EQ(CheckStop(Rule(3, 0.0, 0.01), std::vector<double>(6, 4.0), 0.1), StopReason::kCiTarget);
  EXPECT_EQ(CheckStop(Rule(3, 0.0, 0.01), std::vector<double>(5, 4.0), 0.1), StopReason::kContinue);
}

TEST(CheckStop, CapsAtMaximumIterationsAndTime) {
  StopRule r = Rule(10, 0.0, 1e-9);
  r.max_iters = 50;
  r.max_time_s = 3.0;
  EXPECT_EQ(CheckStop(r, Ramp(50), 0.5), StopReason::kMaxIters);
  EXPECT_EQ(CheckStop(r, Ramp(20), 3.0), StopReason::kMaxTime);
  EXPECT_EQ(CheckStop(r, Ramp(20), 0.5), StopReason::kContinue);
  EXPECT_STREQ(StopReasonName(StopReason::kMaxTime), "max_time");
}

}  // namespace
}  // namespace cratio
