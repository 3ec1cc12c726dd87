// ROUGE-1/2/L F-measures on hand-counted overlaps.
#include "eval/metrics/rouge.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

TEST(RougeTokenize, LowercasesAndSplitsOnNonAlphanumerics) {
  const std::vector<std::string> expected = {"hello", "world", "42x", "caf"};
  EXPECT_EQ(RougeTokenize("Hello-World 42x! Caf\xC3\xA9"), expected);
}

// pred [the cat sat on the mat], ref [the cat is on the mat]; 6 tokens each.
constexpr const char* kPred = "The cat sat on the mat.";
constexpr const char* kRef = "The cat is on the mat";

TEST(Rouge, UnigramOverlap) {
  // the min(2,2) + cat + on + mat = 5 → P = R = 5/6 → F = 5/6.
  EXPECT_NEAR(RougeNF(kPred, kRef, 1), 5.0 / 6.0, 1e-15);
}

TEST(Rouge, BigramOverlap) {
  // pred: the-cat cat-sat sat-on on-the the-mat; ref: the-cat cat-is is-on on-the the-mat
  // overlap 3 of 5 and 5 → F = 0.6.
  EXPECT_NEAR(RougeNF(kPred, kRef, 2), 0.6, 1e-15);
}

TEST(Rouge, LongestCommonSubsequence) {
  // LCS "the cat on the mat" = 5 → P = R = 5/6.
  EXPECT_NEAR(RougeLF(kPred, kRef), 5.0 / 6.0, 1e-15);
  // Unequal lengths: pred [a b c d], ref [a c] → LCS 2, P = 1/2, R = 1 → F = 2/3.
  EXPECT_NEAR(RougeLF("a b c d", "a c"), 2.0 / 3.0, 1e-15);
  EXPECT_EQ(RougeLF("", "a c"), 0.0);
}

TEST(Rouge, MetricsTakeTheBestReferenceAndAverage) {
  ItemResult a;
  a.id = "a";
  a.generated = kPred;
  a.references = {"unrelated words", kRef};
  ItemResult b;
  b.id = "b";
  b.generated = "a b c d";
  b.references = {"a c"};
  const std::vector<ItemResult> items = {a, b};
  // rougeL: (5/6 + 2/3) / 2 = 0.75; sd of {5/6, 2/3} = (1/6)/sqrt(2); SE = sd/sqrt(2) = 1/12.
  const Result<MetricValue> l = ComputeMetric("rougeL", items);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_NEAR(l->value, 0.75, 1e-15);
  EXPECT_NEAR(l->se, 1.0 / 12.0, 1e-12);
  // rouge1 of b: 2 common of 4 and 2 → P 1/2, R 1 → 2/3; mean (5/6 + 2/3) / 2 = 0.75.
  EXPECT_NEAR(ComputeMetric("rouge1", items)->value, 0.75, 1e-15);
  // rouge2 of b: bigrams a-b b-c c-d vs a-c → 0; mean (0.6 + 0) / 2 = 0.3.
  EXPECT_NEAR(ComputeMetric("rouge2", items)->value, 0.3, 1e-15);
}

}  // namespace
}  // namespace cratio
