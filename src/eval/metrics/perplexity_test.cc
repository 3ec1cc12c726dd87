// perplexity: pooled NLL per token with a delta-method SE, worked by hand.
#include "eval/metrics/perplexity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

ItemResult Doc(const char* id, double nll, int64_t tokens) {
  ItemResult r;
  r.id = id;
  r.nll_sum = nll;
  r.num_scored_tokens = tokens;
  return r;
}

TEST(PerplexityMetric, PooledOverTokensWithDeltaMethodError) {
  const std::vector<ItemResult> items = {Doc("a", 1.0, 1), Doc("b", 3.0, 2),
                                         Doc("c", 2.0, 1)};
  const Result<MetricValue> v = ComputeMetric("perplexity", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  // R = 6 / 4 = 1.5 nats/token; ppl = e^1.5 = 4.481689.
  // residuals a − R·b: 1 − 1.5 = −0.5, 3 − 3 = 0, 2 − 1.5 = 0.5; Σ² = 0.5;
  // SE(R) = sqrt(0.5 / (3·2)) / mean(b) = 0.288675 / (4/3) = 0.216506;
  // SE(ppl) = e^1.5 · 0.216506 = 0.970314.
  EXPECT_NEAR(v->value, std::exp(1.5), 1e-12);
  EXPECT_NEAR(v->se, 0.9703141466939569, 1e-9);
  EXPECT_EQ(v->se_method, "analytic");
  EXPECT_FALSE(FindMetric("perplexity")->higher_is_better());
}

TEST(PerplexityMetric, NoScoredTokensIsAnError) {
  const std::vector<ItemResult> items = {Doc("empty", 0.0, 0)};
  const auto v = ComputeMetric("perplexity", items);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace cratio
