// Tests for the token-level statistics on logits whose softmax is known by hand.
#include "eval/kl_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cratio {
namespace {

constexpr double kTol = 1e-6;  // logits are float: ~1e-7 relative error per entry

std::vector<float> LogitsOf(const std::vector<double>& probs) {
  std::vector<float> out;
  for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
  return out;
}

TEST(MeanAndStdError, MatchesHandComputedValues) {
  // x = 1, 2, 3, 4: mean 2.5, E[x²] − E[x]² = 7.5 − 6.25 = 1.25, SE = sqrt(1.25 / 3).
  const MeanWithError m = MeanAndStdError(10.0, 30.0, 4);
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_NEAR(m.se, std::sqrt(1.25 / 3), 1e-12);
}

TEST(MeanAndStdError, SingleSampleHasZeroErrorAndEmptyIsZero) {
  EXPECT_DOUBLE_EQ(MeanAndStdError(3.0, 9.0, 1).mean, 3.0);
  EXPECT_DOUBLE_EQ(MeanAndStdError(3.0, 9.0, 1).se, 0.0);
  EXPECT_DOUBLE_EQ(MeanAndStdError(0.0, 0.0, 0).mean, 0.0);
}

TEST(MomentAccumulator, ConstantSamplesHaveExactlyZeroError) {
  // Raw Σx² − (Σx)²/n of 1000 copies of 1e3 + 0.1 cancels badly; the shifted sums do not.
  MomentAccumulator acc;
  for (int i = 0; i < 1000; ++i) acc.Add(1e3 + 0.1);
  const MeanWithError m = acc.Finish();
  EXPECT_DOUBLE_EQ(m.mean, 1e3 + 0.1);
  EXPECT_EQ(m.se, 0.0);
}

TEST(MomentAccumulator, MatchesTheClosedFormOnSmallSample) {
  MomentAccumulator acc;
  for (double x : {5.0, 1.0, 3.0, 7.0}) acc.Add(x);
  const MeanWithError m = acc.Finish();
  // mean 4, population variance 5, SE = sqrt(5 / 3).
  EXPECT_NEAR(m.mean, 4.0, 1e-12);
  EXPECT_NEAR(m.se, std::sqrt(5.0 / 3.0), 1e-12);
}

TEST(PercentileOfSorted, InterpolatesBetweenNeighbours) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 0.5), 2.5);   // index 1.5
  EXPECT_NEAR(PercentileOfSorted(v, 0.9), 3.7, 1e-12);  // index 2.7
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 1.0), 4.0);
}

TEST(PercentileOfSorted, HitsExactRanksOnAHundredAndOneValues) {
  std::vector<double> v;
  for (int i = 0; i <= 100; ++i) v.push_back(i * 0.5);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(v, 0.5), 25.0);
  EXPECT_NEAR(PercentileOfSorted(v, 0.99), 49.5, 1e-12);
  EXPECT_NEAR(PercentileOfSorted(v, 0.999), 49.95, 1e-12);  // index 99.9
}

TEST(PercentileOfSorted, EmptyAndSingleValue) {
  EXPECT_DOUBLE_EQ(PercentileOfSorted({}, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(PercentileOfSorted({7.0}, 0.99), 7.0);
}

TEST(ScoreToken, LogSoftmaxAndArgmaxOfSmallRow) {
  const float logits[3] = {1.0f, 2.0f, 3.0f};
  const TokenLogProb t = ScoreToken(logits, 3, 2);
  // log(e³ / (e + e² + e³))
  const double expected = 3.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(t.log_prob, expected, 1e-12);
  EXPECT_EQ(t.argmax, 2);
}

TEST(ScoreToken, ShiftedLogitsGiveTheSameProbability) {
  const float a[3] = {1.0f, 2.0f, 3.0f};
  const float b[3] = {101.0f, 102.0f, 103.0f};
  EXPECT_NEAR(ScoreToken(a, 3, 0).log_prob, ScoreToken(b, 3, 0).log_prob, 1e-6);
}

TEST(ComparePosition, KlAgreementAndProbabilitiesByHand) {
  // p_base = (0.5, 0.3, 0.2), p_model = (0.3, 0.5, 0.2):
  // KL = 0.5 ln(0.5/0.3) + 0.3 ln(0.3/0.5) + 0 = 0.2 ln(5/3).
  const auto base = LogitsOf({0.5, 0.3, 0.2});
  const auto model = LogitsOf({0.3, 0.5, 0.2});
  const PositionComparison c = ComparePosition(base.data(), model.data(), 3, 0);
  EXPECT_NEAR(c.kl, 0.2 * std::log(5.0 / 3.0), kTol);
  EXPECT_FALSE(c.same_top);  // base picks 0, model picks 1
  EXPECT_NEAR(std::exp(c.log_p_base), 0.5, kTol);
  EXPECT_NEAR(std::exp(c.log_p_model), 0.3, kTol);
}

TEST(ComparePosition, KlIsAsymmetric) {
  // p_base = (0.9, 0.1), p_model = (0.5, 0.5): KL(base‖model) = 0.9 ln 1.8 + 0.1 ln 0.2,
  // KL(model‖base) = 0.5 ln(0.5/0.9) + 0.5 ln 5 — different numbers.
  const auto base = LogitsOf({0.9, 0.1});
  const auto model = LogitsOf({0.5, 0.5});
  const double kl_bm = ComparePosition(base.data(), model.data(), 2, 0).kl;
  const double kl_mb = ComparePosition(model.data(), base.data(), 2, 0).kl;
  EXPECT_NEAR(kl_bm, 0.9 * std::log(1.8) + 0.1 * std::log(0.2), kTol);
  EXPECT_NEAR(kl_mb, 0.5 * std::log(0.5 / 0.9) + 0.5 * std::log(5.0), kTol);
  EXPECT_GT(kl_mb, kl_bm);
}

TEST(ComparePosition, IdenticalRowsGiveExactlyZeroKl) {
  const float logits[4] = {0.25f, -3.0f, 7.5f, 2.0f};
  const PositionComparison c = ComparePosition(logits, logits, 4, 1);
  EXPECT_EQ(c.kl, 0.0);
  EXPECT_TRUE(c.same_top);
  EXPECT_EQ(c.log_p_base, c.log_p_model);
}

TEST(NllAccumulator, PerplexityOfUniformGuessesIsVocabSize) {
  NllAccumulator acc;
  for (int i = 0; i < 10; ++i) acc.Add(std::log(3.0));
  const PerplexityStats s = acc.Finish();
  EXPECT_EQ(s.num_tokens, 10);
  EXPECT_NEAR(s.ppl, 3.0, 1e-12);
  EXPECT_NEAR(s.ppl_se, 0.0, 1e-12);
}

TEST(NllAccumulator, StandardErrorPropagatesThroughExp) {
  NllAccumulator acc;
  acc.Add(1.0);
  acc.Add(3.0);
  const PerplexityStats s = acc.Finish();
  // mean 2, E[x²] − E[x]² = 5 − 4 = 1, SE = sqrt(1 / 1) = 1; PPL = e², ±e²·1.
  EXPECT_NEAR(s.mean_nll, 2.0, 1e-12);
  EXPECT_NEAR(s.nll_se, 1.0, 1e-12);
  EXPECT_NEAR(s.ppl, std::exp(2.0), 1e-9);
  EXPECT_NEAR(s.ppl_se, std::exp(2.0), 1e-9);
}

TEST(KlAccumulator, TwoPositionsByHand) {
  // Position 1: base (0.5, 0.3, 0.2), model (0.3, 0.5, 0.2), target 0:
  //   KL = 0.2 ln(5/3), tops differ, Δp = 0.3 − 0.5 = −0.2, nll_m − nll_b = ln(5/3).
  // Position 2: both (0.2, 0.7, 0.1), target 1: KL 0, tops agree, Δp 0, Δnll 0.
  const auto b1 = LogitsOf({0.5, 0.3, 0.2});
  const auto m1 = LogitsOf({0.3, 0.5, 0.2});
  const auto r2 = LogitsOf({0.2, 0.7, 0.1});
  KlAccumulator acc;
  acc.Add(ComparePosition(b1.data(), m1.data(), 3, 0));
  acc.Add(ComparePosition(r2.data(), r2.data(), 3, 1));
  const KlStats s = acc.Finish();

  const double kl1 = 0.2 * std::log(5.0 / 3.0);
  EXPECT_EQ(s.num_positions, 2);
  EXPECT_NEAR(s.kl.mean, kl1 / 2, kTol);
  // E[kl²] − E[kl]² = kl1²/2 − kl1²/4 = kl1²/4; SE = sqrt(kl1²/4 / 1) = kl1 / 2.
  EXPECT_NEAR(s.kl.se, kl1 / 2, kTol);
  EXPECT_NEAR(s.kl_max, kl1, kTol);
  EXPECT_NEAR(s.kl_median, kl1 / 2, kTol);
  EXPECT_NEAR(s.kl_p90, 0.9 * kl1, kTol);

  EXPECT_DOUBLE_EQ(s.same_top.mean, 0.5);
  EXPECT_NEAR(s.same_top.se, 0.5, 1e-12);  // sqrt(0.5 · 0.5 / 1)

  EXPECT_NEAR(s.delta_p.mean, -0.1, kTol);
  EXPECT_NEAR(s.delta_p.se, 0.1, kTol);    // sqrt((0.02 − 0.01) / 1)
  EXPECT_NEAR(s.delta_p_rms.mean, std::sqrt(0.02), kTol);
  // MSE samples 0.04 and 0: SE(MSE) = 0.02; SE(RMS) = 0.02 / (2 sqrt(0.02)).
  EXPECT_NEAR(s.delta_p_rms.se, 0.02 / (2 * std::sqrt(0.02)), kTol);

  const double d = std::log(5.0 / 3.0);
  EXPECT_NEAR(s.ln_ppl_ratio.mean, d / 2, kTol);
  EXPECT_NEAR(s.ln_ppl_ratio.se, d / 2, kTol);
  EXPECT_NEAR(s.ppl_ratio.mean, std::sqrt(5.0 / 3.0), kTol);
  EXPECT_NEAR(s.ppl_ratio.se, std::sqrt(5.0 / 3.0) * d / 2, kTol);
  // Perplexities: model nll (−ln 0.3, −ln 0.7), base (−ln 0.5, −ln 0.7).
  EXPECT_NEAR(s.model.ppl, std::exp((-std::log(0.3) - std::log(0.7)) / 2), kTol);
  EXPECT_NEAR(s.base.ppl, std::exp((-std::log(0.5) - std::log(0.7)) / 2), kTol);
  EXPECT_NEAR(s.ppl_ratio.mean, s.model.ppl / s.base.ppl, kTol);
}

TEST(KlAccumulator, PairedErrorIsSmallerThanIndependentErrorsWhenLossesCorrelate) {
  // A model whose loss tracks the base's loss closely: the paired SE of the log ratio
  // must be far below what treating the two perplexities as independent would give.
  KlAccumulator acc;
  const std::vector<std::vector<double>> rows = {
      {0.9, 0.05, 0.05}, {0.2, 0.6, 0.2}, {0.34, 0.33, 0.33}, {0.1, 0.1, 0.8}};
  const std::vector<std::vector<double>> near = {
      {0.88, 0.06, 0.06}, {0.22, 0.58, 0.2}, {0.35, 0.33, 0.32}, {0.1, 0.12, 0.78}};
  for (int rep = 0; rep < 5; ++rep) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto b = LogitsOf(rows[i]);
      const auto m = LogitsOf(near[i]);
      acc.Add(ComparePosition(b.data(), m.data(), 3, static_cast<int32_t>(i % 3)));
    }
  }
  const KlStats s = acc.Finish();
  const double independent =
      std::sqrt(s.model.nll_se * s.model.nll_se + s.base.nll_se * s.base.nll_se);
  EXPECT_LT(s.ln_ppl_ratio.se, 0.2 * independent);
  EXPECT_GT(s.ln_ppl_ratio.se, 0.0);
  EXPECT_GT(s.kl.mean, 0.0);
  EXPECT_DOUBLE_EQ(s.same_top.mean, 1.0);
}

}  // namespace
}  // namespace cratio
