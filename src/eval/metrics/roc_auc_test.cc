// ROC-AUC by ranks: hand-counted pairs, ties, one-vs-rest over items.
#include "eval/metrics/roc_auc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

TEST(BinaryRocAuc, CountsCorrectlyOrderedPairs) {
  // scikit-learn's documented example: positives 0.35, 0.8; negatives 0.1, 0.4.
  // 0.35 beats 0.1 (1), loses to 0.4; 0.8 beats both (2) → 3 / (2·2) = 0.75.
  const std::vector<double> scores = {0.1, 0.4, 0.35, 0.8};
  const std::vector<uint8_t> labels = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(BinaryRocAuc(scores, labels), 0.75);
}

TEST(BinaryRocAuc, TiesCountHalf) {
  // positives 0.5, 0.9; negatives 0.5, 0.5. 0.5 ties both (½ + ½ = 1); 0.9 beats both
  // (2) → 3 / 4 = 0.75.
  const std::vector<double> scores = {0.5, 0.5, 0.5, 0.9};
  const std::vector<uint8_t> labels = {0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(BinaryRocAuc(scores, labels), 0.75);
  const std::vector<double> all_tied = {0.3, 0.3, 0.3};
  const std::vector<uint8_t> mixed = {1, 0, 1};
  EXPECT_DOUBLE_EQ(BinaryRocAuc(all_tied, mixed), 0.5);
}

TEST(BinaryRocAuc, UndefinedWithOneClass) {
  const std::vector<double> scores = {0.1, 0.2};
  const std::vector<uint8_t> labels = {1, 1};
  EXPECT_TRUE(std::isnan(BinaryRocAuc(scores, labels)));
}

ItemResult WithProbs(const char* id, int32_t gold, std::vector<double> probs) {
  ItemResult r;
  r.id = id;
  r.gold = gold;
  for (double p : probs) r.choice_logprob.push_back(std::log(p));
  return r;
}

TEST(RocAuc, BinaryItemsUseTheProbabilityOfChoiceOne) {
  // P(choice 1) = 0.1, 0.4, 0.35, 0.8 with gold 0, 0, 1, 1: the example above, 0.75.
  const std::vector<ItemResult> items = {
      WithProbs("a", 0, {0.9, 0.1}), WithProbs("b", 0, {0.6, 0.4}),
      WithProbs("c", 1, {0.65, 0.35}), WithProbs("d", 1, {0.2, 0.8})};
  const Result<MetricValue> v = ComputeMetric("roc_auc", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_NEAR(v->value, 0.75, 1e-12);
  EXPECT_EQ(v->se_method, "bootstrap");
}

TEST(RocAuc, OneVersusRestMacroAverage) {
  const std::vector<ItemResult> items = {
      WithProbs("A", 0, {0.6, 0.3, 0.1}), WithProbs("B", 1, {0.2, 0.5, 0.3}),
      WithProbs("C", 2, {0.3, 0.3, 0.4}), WithProbs("D", 0, {0.25, 0.55, 0.2})};
  // class 0: pos A .6, D .25; neg B .2, C .3 → A beats 2, D beats 1 → 3/4
  // class 1: pos B .5; neg A .3, C .3, D .55 → 2/3
  // class 2: pos C .4; neg .1, .3, .2 → 3/3
  // macro = (3/4 + 2/3 + 1) / 3 = 29/36
  const Result<MetricValue> v = ComputeMetric("roc_auc", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_NEAR(v->value, 29.0 / 36.0, 1e-12);
}

TEST(RocAuc, RejectsRaggedChoicesAndBadGold) {
  const std::vector<ItemResult> ragged = {WithProbs("a", 0, {0.5, 0.5}),
                                          WithProbs("b", 0, {0.2, 0.3, 0.5})};
  const auto v = ComputeMetric("roc_auc", ragged);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("'b'"), std::string::npos) << v.status().message();
  const std::vector<ItemResult> bad_gold = {WithProbs("g", 5, {0.5, 0.5})};
  EXPECT_FALSE(ComputeMetric("roc_auc", bad_gold).ok());
}

}  // namespace
}  // namespace cratio
