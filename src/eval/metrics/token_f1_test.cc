// SQuAD token F1 on hand-counted token overlaps.
#include "eval/metrics/token_f1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

TEST(TokenF1, OverlapAfterNormalisation) {
  // "cat sat on mat" vs "cat sat on hat": 3 common of 4 and 4 → P = R = 0.75, F1 = 0.75.
  EXPECT_DOUBLE_EQ(TokenF1("The cat sat on the mat.", "A cat sat on a hat"), 0.75);
}

TEST(TokenF1, RepeatedTokensAreClippedByTheMultisetIntersection) {
  // pred cat×3, ref {cat, dog}: common 1; P = 1/3, R = 1/2; F1 = 2·(1/6)/(5/6) = 0.4.
  EXPECT_NEAR(TokenF1("cat cat cat", "cat dog"), 0.4, 1e-15);
}

TEST(TokenF1, EmptySides) {
  EXPECT_DOUBLE_EQ(TokenF1("the", "a"), 1.0);  // both normalise to no tokens
  EXPECT_DOUBLE_EQ(TokenF1("", "cat"), 0.0);
  EXPECT_DOUBLE_EQ(TokenF1("dog", "cat"), 0.0);
}

TEST(TokenF1, MetricTakesTheBestReferenceAndAverages) {
  ItemResult a;
  a.id = "a";
  a.extracted = "cat cat cat";
  a.references = {"fish", "cat dog"};  // 0 and 0.4 → 0.4
  ItemResult b;
  b.id = "b";
  b.extracted = "blue whale";
  b.references = {"the blue whale"};  // 1.0
  const std::vector<ItemResult> items = {a, b};
  const Result<MetricValue> v = ComputeMetric("token_f1", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  // mean 0.7; sample sd of {0.4, 1.0} = sqrt(0.18) = 0.424264; SE = sd / sqrt(2) = 0.3.
  EXPECT_NEAR(v->value, 0.7, 1e-15);
  EXPECT_NEAR(v->se, 0.3, 1e-12);
  EXPECT_EQ(v->se_method, "analytic");
}

}  // namespace
}  // namespace cratio
