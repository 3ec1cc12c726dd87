// Holm's step-down adjustment on a worked example.
#include "eval/stats/holm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace cratio {
namespace {

TEST(Holm, WorkedExample) {
  // m = 4. Sorted: 0.005 ×4 = 0.02; 0.01 ×3 = 0.03; 0.03 ×2 = 0.06; 0.04 ×1 = 0.04,
  // raised to the running maximum 0.06. Back in input order: 0.03, 0.06, 0.06, 0.02.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adj = HolmAdjust(p);
  ASSERT_EQ(adj.size(), 4u);
  EXPECT_NEAR(adj[0], 0.03, 1e-15);
  EXPECT_NEAR(adj[1], 0.06, 1e-15);
  EXPECT_NEAR(adj[2], 0.06, 1e-15);
  EXPECT_NEAR(adj[3], 0.02, 1e-15);
}

TEST(Holm, CapsAtOneAndSkipsNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // m = 2 (the NaN does not count): 0.3 ×2 = 0.6; 0.7 ×1 = 0.7.
  const std::vector<double> p = {0.7, nan, 0.3};
  const std::vector<double> adj = HolmAdjust(p);
  EXPECT_NEAR(adj[0], 0.7, 1e-15);
  EXPECT_TRUE(std::isnan(adj[1]));
  EXPECT_NEAR(adj[2], 0.6, 1e-15);
  const std::vector<double> big = {0.6, 0.9};  // 0.6 ×2 = 1.2 → 1
  EXPECT_DOUBLE_EQ(HolmAdjust(big)[0], 1.0);
  EXPECT_DOUBLE_EQ(HolmAdjust(big)[1], 1.0);
  EXPECT_TRUE(HolmAdjust(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace cratio
