// acc_norm: the per-byte argmax can differ from the raw argmax.
#include "eval/metrics/acc_norm.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <vector>

namespace cratio {
namespace {

TEST(AccNorm, LongerChoiceWinsPerByte) {
  ItemResult r;
  r.id = "x";
  r.gold = 1;
  r.choice_logprob = {-4.0, -6.0};
  r.choice_num_bytes = {2, 6};
  // Raw: −4 > −6 picks 0 (wrong). Per byte: −4/2 = −2 vs −6/6 = −1 picks 1 (right).
  EXPECT_EQ(LengthNormalizedChoice(r), 1);
  const std::vector<ItemResult> items = {r};
  EXPECT_DOUBLE_EQ(ComputeMetric("accuracy", items)->value, 0.0);
  EXPECT_DOUBLE_EQ(ComputeMetric("acc_norm", items)->value, 1.0);
}

TEST(AccNorm, TiesGoToTheLowestIndexAndPredNormIsTheFallback) {
  ItemResult r;
  r.id = "t";
  r.choice_logprob = {-2.0, -4.0};
  r.choice_num_bytes = {1, 2};  // −2/1 = −2 = −4/2: tie → 0
  EXPECT_EQ(LengthNormalizedChoice(r), 0);
  ItemResult no_bytes;
  no_bytes.choice_logprob = {-1.0, -2.0};
  no_bytes.pred_norm = 1;
  EXPECT_EQ(LengthNormalizedChoice(no_bytes), 1);
}

TEST(AccNorm, ThreeItemsGiveTwoThirds) {
  std::vector<ItemResult> items(3);
  for (int i = 0; i < 3; ++i) {
    items[i].id = fmt::format("i{}", i);
    items[i].choice_logprob = {-3.0, -3.0};
    items[i].choice_num_bytes = {3, 1};  // −1 vs −3: choice 0
    items[i].gold = i == 2 ? 1 : 0;
  }
  const Result<MetricValue> v = ComputeMetric("acc_norm", items);
  ASSERT_TRUE(v.ok());
  // p = 2/3; SE = sqrt((2/3)(1/3) / 2) = sqrt(1/9) = 1/3.
  EXPECT_NEAR(v->value, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(v->se, 1.0 / 3.0, 1e-12);
}

TEST(AccNorm, MissingGoldIsRejected) {
  ItemResult r;
  r.id = "nogold";
  r.choice_logprob = {-1.0};
  r.choice_num_bytes = {1};
  const std::vector<ItemResult> items = {r};
  const auto v = ComputeMetric("acc_norm", items);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nogold"), std::string::npos);
}

}  // namespace
}  // namespace cratio
