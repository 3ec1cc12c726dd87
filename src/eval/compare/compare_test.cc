// Unit tests for compare/: ratios, efficiency scores, Pareto front, constraints and the
// integrity checks, against values computed by hand in the comments.
#include <gtest/gtest.h>

#include "eval/compare/constraints.h"
#include "eval/compare/efficiency.h"
#include "eval/compare/integrity_checks.h"
#include "eval/compare/pareto.h"
#include "eval/compare/ratios.h"

namespace cratio::compare {
namespace {

TEST(CompressionRatios, RatioAndFactorPerDimension) {
  SizeFigures base, q4;
  base.params_total = 1000000;
  base.params_nonzero = 1000000;
  base.file_bytes = 4000000;  // f32
  base.bits_per_weight = 32;
  base.flops_per_token = 2000000;
  base.peak_memory_bytes = 8000000;
  q4 = base;
  q4.params_nonzero = 300000;  // 70 % pruned
  q4.file_bytes = 562500;      // 4.5 bits · 1e6 / 8
  q4.bits_per_weight = 4.5;
  // peak_memory unknown
  q4.peak_memory_bytes = kNaN;
  const std::vector<DimensionRatio> r = CompressionRatios(base, q4);
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].dimension, SizeDimension::kParamsTotal);
  EXPECT_DOUBLE_EQ(r[0].ratio, 1.0);
  EXPECT_DOUBLE_EQ(r[1].ratio, 0.3);             // 300000 / 1000000
  EXPECT_DOUBLE_EQ(r[1].factor, 1.0 / 0.3);      // 3.33×
  EXPECT_DOUBLE_EQ(r[2].ratio, 0.140625);        // 562500 / 4000000
  EXPECT_DOUBLE_EQ(r[2].factor, 4000000.0 / 562500.0);  // 7.11×
  EXPECT_DOUBLE_EQ(r[3].ratio, 4.5 / 32);        // 0.140625
  EXPECT_TRUE(std::isnan(r[5].ratio));
  EXPECT_TRUE(std::isnan(r[5].factor));
  EXPECT_EQ(SizeDimensionKey(r[5].dimension), "peak_memory_bytes");
  EXPECT_EQ(SizeDimensionFromKey("bits_per_weight"), SizeDimension::kBitsPerWeight);
  EXPECT_FALSE(SizeDimensionFromKey("bogus").has_value());
}

TEST(CompressionRatios, ZeroSizesGiveNoRatio) {
  const RatioAndFactor a = RatioOf(0, 5);
  EXPECT_TRUE(std::isnan(a.ratio));
  EXPECT_DOUBLE_EQ(a.factor, 0.0);  // 0 / 5
  const RatioAndFactor b = RatioOf(5, 0);
  EXPECT_DOUBLE_EQ(b.ratio, 0.0);
  EXPECT_TRUE(std::isnan(b.factor));
}

TEST(EfficiencyScore, RetentionOverExactRatio) {
  // 98 % retention [96 %, 100 %] at 25 % of the size: 0.98 / 0.25 = 3.92, [3.84, 4.00].
  const Estimate s = EfficiencyScore(Estimate{0.98, 0.96, 1.00}, 0.25);
  EXPECT_DOUBLE_EQ(s.value, 3.92);
  EXPECT_DOUBLE_EQ(s.ci_low, 3.84);
  EXPECT_DOUBLE_EQ(s.ci_high, 4.0);
  EXPECT_FALSE(EfficiencyScore(Estimate{0.98, 0.96, 1.0}, 0.0).known());
  EXPECT_FALSE(EfficiencyScore(Estimate{}, 0.5).known());
}

TEST(EfficiencyScore, UncertainRatioByDeltaMethod) {
  // R = 0.9 exact; latency ratio 0.5 with 95 % CI [0.5/e^0.1, 0.5·e^0.1] →
  // SE(ln ratio) = 0.2 / (2z) = 0.1 / z. S = 1.8; SE(S) = 1.8 · 0.1 / z; CI = 1.8 ± 0.18.
  const Estimate ratio{0.5, 0.5 / std::exp(0.1), 0.5 * std::exp(0.1)};
  const Estimate s = EfficiencyScoreUncertainRatio(ExactEstimate(0.9), ratio);
  EXPECT_DOUBLE_EQ(s.value, 1.8);
  EXPECT_NEAR(s.ci_low, 1.62, 1e-12);
  EXPECT_NEAR(s.ci_high, 1.98, 1e-12);
  // R = 0.9 ± 0.1 (SE 0.1/z) and the same ratio: Var = (0.1/z)²/0.25 + 1.8²(0.1/z)²
  // = (0.1/z)² (4 + 3.24) → half-width = 0.1 · sqrt(7.24) = 0.269072...
  const Estimate s2 = EfficiencyScoreUncertainRatio(Estimate{0.9, 0.8, 1.0}, ratio);
  EXPECT_NEAR(s2.ci_high - s2.value, 0.1 * std::sqrt(7.24), 1e-12);
  // Without an interval on the ratio it is the exact-ratio score.
  const Estimate s3 = EfficiencyScoreUncertainRatio(Estimate{0.9, 0.8, 1.0}, ExactEstimate(0.5));
  EXPECT_DOUBLE_EQ(s3.ci_low, 1.6);
  EXPECT_DOUBLE_EQ(s3.ci_high, 2.0);
}

TEST(CombinedRetention, MeanWithIndependentErrors) {
  // Retentions 0.96 ± 0.04 and 1.00 ± 0.03 (half-widths) → mean 0.98; half-width
  // sqrt(0.04² + 0.03²) / 2 = 0.05 / 2 = 0.025.
  const Estimate r = CombinedRetention({Estimate{0.96, 0.92, 1.00}, Estimate{1.0, 0.97, 1.03},
                                        Estimate{}});
  EXPECT_DOUBLE_EQ(r.value, 0.98);
  EXPECT_NEAR(r.ci_low, 0.955, 1e-12);
  EXPECT_NEAR(r.ci_high, 1.005, 1e-12);
  EXPECT_FALSE(CombinedRetention({}).known());
  const Estimate exact = CombinedRetention({ExactEstimate(0.5), ExactEstimate(1.0)});
  EXPECT_DOUBLE_EQ(exact.value, 0.75);
  EXPECT_FALSE(exact.has_ci());
}

TEST(OverallScore, RetentionOverGeometricMeanOfRatios) {
  // Ratios 0.25 (size) and 0.64 (memory): G = sqrt(0.16) = 0.4. R = 0.98 ± 0.02 →
  // O = 2.45, half-width 0.02 / 0.4 = 0.05.
  const Estimate o =
      OverallScore(Estimate{0.98, 0.96, 1.00}, {ExactEstimate(0.25), ExactEstimate(0.64),
                                                Estimate{}, ExactEstimate(0.0)});
  EXPECT_NEAR(o.value, 2.45, 1e-12);
  EXPECT_NEAR(o.ci_low, 2.40, 1e-12);
  EXPECT_NEAR(o.ci_high, 2.50, 1e-12);
  // Exact inputs give an exact score: 0.8 / 0.5 = 1.6.
  const Estimate e = OverallScore(ExactEstimate(0.8), {ExactEstimate(0.5)});
  EXPECT_DOUBLE_EQ(e.value, 1.6);
  EXPECT_FALSE(e.has_ci());
  EXPECT_FALSE(OverallScore(ExactEstimate(0.8), {}).known());
}

TEST(ParetoFront, DominatedPointsAreOff) {
  // A: best retention; B: smallest; C: dominated by A (worse retention, larger, slower);
  // D: equal to B in everything → both stay on.
  const std::vector<ParetoPoint> pts = {
      {0.99, 0.50, 10}, {0.90, 0.25, 8}, {0.95, 0.60, 12}, {0.90, 0.25, 8}};
  const std::vector<bool> f = ParetoFront(pts);
  EXPECT_EQ(f, (std::vector<bool>{true, true, false, true}));
}

TEST(ParetoFront, LatencyUsedOnlyWhenAllHaveIt) {
  // C has no latency, so latency is not compared: B (0.9, 0.5) is dominated by A
  // (0.95, 0.5) and its better latency cannot save it; C is the smallest → on.
  const std::vector<ParetoPoint> pts = {{0.95, 0.5, 20}, {0.90, 0.5, 5}, {0.5, 0.1, kNaN}};
  EXPECT_EQ(ParetoFront(pts), (std::vector<bool>{true, false, true}));
  // D with unknown retention takes no part (and does not remove latency from A, B).
  const std::vector<ParetoPoint> pts3 = {{0.95, 0.5, 20}, {0.90, 0.5, 5}, {kNaN, 0.1, kNaN}};
  EXPECT_EQ(ParetoFront(pts3), (std::vector<bool>{true, true, false}));
  // With latency everywhere B is on the front (faster).
  const std::vector<ParetoPoint> pts2 = {{0.95, 0.5, 20}, {0.90, 0.5, 5}};
  EXPECT_EQ(ParetoFront(pts2), (std::vector<bool>{true, true}));
}

TEST(Constraints, ParsesOperatorsSpacesAndPercent) {
  auto r = ParseConstraints(" retention.mmlu>=0.98, latency.ttft_p99_ms <= 500,memory.peak_mb<4e3,"
                            "retention.arc>97.5%");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].metric, "retention.mmlu");
  EXPECT_EQ((*r)[0].op, CompareOp::kGreaterEqual);
  EXPECT_DOUBLE_EQ((*r)[0].threshold, 0.98);
  EXPECT_EQ((*r)[1].metric, "latency.ttft_p99_ms");
  EXPECT_EQ((*r)[1].op, CompareOp::kLessEqual);
  EXPECT_DOUBLE_EQ((*r)[1].threshold, 500);
  EXPECT_EQ((*r)[2].op, CompareOp::kLess);
  EXPECT_DOUBLE_EQ((*r)[2].threshold, 4000);
  EXPECT_EQ((*r)[3].op, CompareOp::kGreater);
  EXPECT_DOUBLE_EQ((*r)[3].threshold, 0.975);
}

TEST(Constraints, BadSyntaxNamesTextAndPosition) {
  auto a = ParseConstraints("retention.mmlu=0.98");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidInput);
  // '=' is the 15th character.
  EXPECT_NE(a.status().message().find("'retention.mmlu=0.98'"), std::string::npos);
  EXPECT_NE(a.status().message().find("position 15"), std::string::npos)
      << a.status().message();
  EXPECT_NE(a.status().message().find("operator"), std::string::npos);
  auto b = ParseConstraints("retention.mmlu>=high");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("position 17"), std::string::npos)
      << b.status().message();
  EXPECT_NE(b.status().message().find("number"), std::string::npos);
  auto c = ParseConstraints("a>=1,");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("position 6"), std::string::npos)
      << c.status().message();
  EXPECT_FALSE(ParseConstraints("").ok());
  EXPECT_FALSE(ParseConstraints("a>=1 b<=2").ok());
}

TEST(Constraints, CheckUsesPointAndCiBound) {
  const MetricMap m = {{"retention.mmlu", Estimate{0.99, 0.975, 1.005}},
                       {"latency.ttft_p99_ms", ExactEstimate(420)},
                       {"memory.peak_mb", ExactEstimate(5000)}};
  auto cs = ParseConstraints(
      "retention.mmlu>=0.98,latency.ttft_p99_ms<=500,memory.peak_mb<=4000,kl.mean<=0.1");
  ASSERT_TRUE(cs.ok());
  const std::vector<ConstraintCheck> ch = CheckConstraints(*cs, m);
  // 0.99 ≥ 0.98 passes, margin +0.01; CI low 0.975 < 0.98, so not significant.
  EXPECT_TRUE(ch[0].pass);
  EXPECT_FALSE(ch[0].pass_at_bound);
  EXPECT_DOUBLE_EQ(ch[0].bound, 0.975);
  EXPECT_NEAR(ch[0].margin, 0.01, 1e-12);
  // 420 ≤ 500: margin 80, exact so bound = value.
  EXPECT_TRUE(ch[1].pass);
  EXPECT_TRUE(ch[1].pass_at_bound);
  EXPECT_DOUBLE_EQ(ch[1].margin, 80);
  // 5000 ≤ 4000 fails by 1000.
  EXPECT_FALSE(ch[2].pass);
  EXPECT_DOUBLE_EQ(ch[2].margin, -1000);
  // Not measured → fail.
  EXPECT_FALSE(ch[3].measured);
  EXPECT_FALSE(ch[3].pass);
  EXPECT_FALSE(AllPass(ch));
}

TEST(Constraints, BestPassingPicksHighestScoreOrFailsWithCode3) {
  auto cs = ParseConstraints("retention.mmlu>=0.98");
  ASSERT_TRUE(cs.ok());
  std::vector<Candidate> cands = {
      {"int8", 1.9, CheckConstraints(*cs, {{"retention.mmlu", ExactEstimate(0.995)}})},
      {"int4", 3.5, CheckConstraints(*cs, {{"retention.mmlu", ExactEstimate(0.985)}})},
      {"prune70", 4.1, CheckConstraints(*cs, {{"retention.mmlu", ExactEstimate(0.80)}})}};
  auto best = BestPassing(cands);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(*best, 1u);  // int4: passes, 3.5 > 1.9; prune70 fails
  cands.erase(cands.begin(), cands.begin() + 2);
  auto none = BestPassing(cands);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kConstraintFailed);
  EXPECT_NE(none.status().message().find("prune70: retention.mmlu = 0.8, required >= 0.98"),
            std::string::npos)
      << none.status().message();
}

TEST(FakeCompression, BytesMustMatchClaimedBits) {
  // 1e6 params at 4.5 bits → 562500 bytes expected; 600000 on disk is +6.67 %: ok at 10 %.
  const FakeCompressionCheck ok = CheckFakeCompression(600000, 4.5, 1e6);
  EXPECT_DOUBLE_EQ(ok.expected_bytes, 562500);
  EXPECT_NEAR(ok.relative_difference, 37500.0 / 562500.0, 1e-12);
  EXPECT_TRUE(ok.ok);
  // The same "4.5-bit" model stored as f32 (4e6 bytes): (4e6 − 562500) / 562500 = 6.111.
  const FakeCompressionCheck fake = CheckFakeCompression(4e6, 4.5, 1e6);
  EXPECT_FALSE(fake.ok);
  EXPECT_NEAR(fake.relative_difference, 3437500.0 / 562500.0, 1e-12);
  // Overhead is added to the expectation: 562500 + 37500 = 600000 exactly.
  EXPECT_DOUBLE_EQ(CheckFakeCompression(600000, 4.5, 1e6, 0.0, 37500).relative_difference, 0);
  EXPECT_FALSE(CheckFakeCompression(600000, kNaN, 1e6).ok);
}

TEST(CalibrationOverlap, TokensLowercaseAndSplitCjk) {
  EXPECT_EQ(OverlapTokens("The cat, 2 Dogs\n中文"),
            (std::vector<std::string>{"the", "cat", ",", "2", "dogs", "中", "文"}));
}

TEST(CalibrationOverlap, FindsItemsSharingNGrams) {
  const std::string calib = "Once upon a time there was a little cat who liked milk.";
  const std::vector<OverlapItem> items = {
      {"q1", "Tell me: once upon a time there was a dog"},  // shares "once upon a time there"
      {"q2", "The capital of France is Paris and it is big"},
      {"q3", "too short"},
  };
  const OverlapReport r = CheckCalibrationOverlap(calib, items, 4);
  EXPECT_EQ(r.ngram, 4);
  EXPECT_EQ(r.num_items, 2);
  EXPECT_EQ(r.num_items_too_short, 1);
  EXPECT_EQ(r.num_items_overlapping, 1);
  EXPECT_DOUBLE_EQ(r.fraction_items_overlapping, 0.5);
  EXPECT_EQ(r.overlapping_ids, (std::vector<std::string>{"q1"}));
  // q1 tokens: tell me : once upon a time there was a dog (11) → 8 4-grams; shared:
  // "once upon a time", "upon a time there", "a time there was", "time there was a" = 4.
  // q2: 10 tokens → 7 4-grams, none shared.
  EXPECT_EQ(r.num_item_ngrams, 15);
  EXPECT_EQ(r.num_shared_ngrams, 4);
}

}  // namespace
}  // namespace cratio::compare
