// accuracy and the metric registry, on items whose answers are written out by hand.
#include "eval/metrics/accuracy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

ItemResult Choice(const char* id, int32_t gold, int32_t pred) {
  ItemResult r;
  r.id = id;
  r.gold = gold;
  r.pred = pred;
  return r;
}

TEST(Accuracy, FractionCorrectWithBinomialStdError) {
  const std::vector<ItemResult> items = {Choice("a", 0, 0), Choice("b", 1, 1),
                                         Choice("c", 2, 2), Choice("d", 3, 0)};
  const Result<MetricValue> v = ComputeMetric("accuracy", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  // 3 of 4 right: p = 0.75; SE = sqrt(0.75 · 0.25 / (4 − 1)) = sqrt(0.0625) = 0.25.
  EXPECT_DOUBLE_EQ(v->value, 0.75);
  EXPECT_NEAR(v->se, 0.25, 1e-12);
  EXPECT_EQ(v->n, 4);
  EXPECT_EQ(v->se_method, "analytic");
  EXPECT_EQ(v->name, "accuracy");
}

TEST(Accuracy, FallsBackToArgmaxOfLogprobsAndToTheCorrectFlag) {
  ItemResult mc;  // no pred: argmax of {-3, -1, -2} is choice 1 = gold
  mc.id = "mc";
  mc.gold = 1;
  mc.choice_logprob = {-3.0, -1.0, -2.0};
  ItemResult gen;  // a generation item judged wrong by its scorer
  gen.id = "gen";
  gen.correct = 0;
  const std::vector<ItemResult> items = {mc, gen};
  const Result<MetricValue> v = ComputeMetric("accuracy", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_DOUBLE_EQ(v->value, 0.5);  // 1 of 2
}

TEST(Accuracy, ItemWithoutAnswerIsRejectedByName) {
  ItemResult bare;
  bare.id = "q17";
  const std::vector<ItemResult> items = {bare};
  const Result<MetricValue> v = ComputeMetric("accuracy", items);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(v.status().message().find("q17"), std::string::npos) << v.status().message();
}

TEST(MetricRegistry, ListsEveryMetricAndRejectsUnknownNames) {
  const std::vector<std::string> names = MetricNames();
  const std::vector<std::string> expected = {
      "accuracy", "acc_norm", "macro_f1", "roc_auc", "exact_match",   "token_f1",
      "bleu",     "rouge1",   "rouge2",   "rougeL",  "perplexity",    "bits_per_byte"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(FindMetric("nope"), nullptr);
  const std::vector<ItemResult> items = {Choice("a", 0, 0)};
  const Result<MetricValue> v = ComputeMetric("acuracy", items);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("unknown metric 'acuracy'"), std::string::npos);
  EXPECT_NE(v.status().message().find("accuracy, acc_norm"), std::string::npos);
}

TEST(MetricRegistry, EmptyItemsAreAnError) {
  const std::vector<ItemResult> none;
  EXPECT_FALSE(ComputeMetric("accuracy", none).ok());
}

TEST(MetricRegistry, ComputeMetricsKeepsTheRequestedOrder) {
  ItemResult r = Choice("a", 0, 0);
  r.choice_logprob = {-1.0, -2.0};
  r.choice_num_bytes = {1, 1};
  const std::vector<ItemResult> items = {r, Choice("b", 1, 0)};
  std::vector<ItemResult> with_bytes = items;
  with_bytes[1].choice_logprob = {-1.0, -2.0};
  with_bytes[1].choice_num_bytes = {1, 1};
  const std::vector<std::string> names = {"acc_norm", "accuracy"};
  const auto v = ComputeMetrics(names, with_bytes);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].name, "acc_norm");
  EXPECT_EQ((*v)[1].name, "accuracy");
  EXPECT_DOUBLE_EQ((*v)[1].value, 0.5);
}

}  // namespace
}  // namespace cratio
