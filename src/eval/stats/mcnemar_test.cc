// McNemar's exact p against binomial tails worked by hand.
#include "eval/stats/mcnemar.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

TEST(McNemarExact, SmallTablesByHand) {
  // b = 5, c = 1: n = 6; P(X ≤ 1) = (C(6,0) + C(6,1)) / 2^6 = 7/64; p = 14/64 = 0.21875.
  EXPECT_NEAR(McNemarExactP(5, 1), 14.0 / 64.0, 1e-14);
  EXPECT_NEAR(McNemarExactP(1, 5), 14.0 / 64.0, 1e-14);  // symmetric
  // b = 10, c = 0: p = 2 / 2^10 = 0.001953125.
  EXPECT_NEAR(McNemarExactP(10, 0), 2.0 / 1024.0, 1e-15);
  // b = c = 3: P(X ≤ 3) = (1 + 6 + 15 + 20) / 64 = 42/64 > 1/2 → p capped at 1.
  EXPECT_DOUBLE_EQ(McNemarExactP(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(McNemarExactP(0, 0), 1.0);
}

TEST(McNemarExact, TwentyFiveDiscordantPairs) {
  // b = 20, c = 5: Σ_{i≤5} C(25, i) = 1 + 25 + 300 + 2300 + 12650 + 53130 = 68406;
  // p = 2 · 68406 / 2^25 = 136812 / 33554432 = 0.00407732.
  EXPECT_NEAR(McNemarExactP(20, 5), 136812.0 / 33554432.0, 1e-13);
}

TEST(McNemarExact, HundredPairsMatchesTheBinomialTable) {
  // Two-sided exact binomial test of 40 successes in 100 at 1/2: 2 · 0.0284439668 =
  // 0.0568879336 (the standard table value; summed in log space here).
  EXPECT_NEAR(McNemarExactP(60, 40), 0.05688793364098079, 1e-11);
  // Very large counts stay finite and tiny.
  const double p = McNemarExactP(100000, 90000);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1e-100);
}

}  // namespace
}  // namespace cratio
