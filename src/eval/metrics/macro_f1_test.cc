// macro-F1 on a confusion worked out by hand; bootstrap SE is seeded.
#include "eval/metrics/macro_f1.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

TEST(MacroF1, MatchesHandComputedConfusion) {
  const std::vector<int32_t> gold = {0, 0, 1, 1, 2};
  const std::vector<int32_t> pred = {0, 1, 1, 1, 0};
  // class 0: TP 1, FP 1 (item 4), FN 1 (item 1) → 2/(2+1+1) = 0.5
  // class 1: TP 2, FP 1 (item 1), FN 0          → 4/(4+1)   = 0.8
  // class 2: TP 0, FP 0, FN 1                   → 0
  // macro = (0.5 + 0.8 + 0) / 3 = 0.433333…
  EXPECT_NEAR(MacroF1(gold, pred), 1.3 / 3.0, 1e-12);
}

TEST(MacroF1, PerfectAndAbsentClasses) {
  const std::vector<int32_t> gold = {0, 3, 3};
  const std::vector<int32_t> pred = {0, 3, 3};
  // Classes 1 and 2 never occur and are not averaged in: (1 + 1) / 2.
  EXPECT_DOUBLE_EQ(MacroF1(gold, pred), 1.0);
}

std::vector<ItemResult> Items() {
  std::vector<ItemResult> items;
  const int32_t gold[] = {0, 0, 1, 1, 2, 2, 0, 1, 2, 0};
  const int32_t pred[] = {0, 1, 1, 1, 0, 2, 0, 2, 2, 0};
  for (int i = 0; i < 10; ++i) {
    ItemResult r;
    r.id = fmt::format("i{}", i);
    r.gold = gold[i];
    r.pred = pred[i];
    items.push_back(r);
  }
  return items;
}

TEST(MacroF1, MetricUsesASeededBootstrap) {
  const std::vector<ItemResult> items = Items();
  const Result<MetricValue> a = ComputeMetric("macro_f1", items, {.seed = 7});
  const Result<MetricValue> b = ComputeMetric("macro_f1", items, {.seed = 7});
  const Result<MetricValue> c = ComputeMetric("macro_f1", items, {.seed = 8});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  // class 0: TP 3, FP 1, FN 1 → 6/8 = 0.75; class 1: TP 2, FP 1, FN 1 → 4/6;
  // class 2: TP 2, FP 1, FN 1 → 4/6. macro = (0.75 + 2/3 + 2/3) / 3 = 0.694444…
  EXPECT_NEAR(a->value, (0.75 + 4.0 / 3.0) / 3.0, 1e-12);
  EXPECT_EQ(a->se_method, "bootstrap");
  EXPECT_GT(a->se, 0.0);
  EXPECT_EQ(a->se, b->se);  // same seed, same resamples, bit for bit
  EXPECT_NE(a->se, c->se);
}

}  // namespace
}  // namespace cratio
