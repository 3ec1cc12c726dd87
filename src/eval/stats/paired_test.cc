// The paired comparison: identical models, a clearly worse variant, id matching, choice
// KL, slices with Holm, lower-is-better retention, and the coverage of the paired CI.
#include "eval/stats/paired.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "eval/stats/mcnemar.h"
#include "eval/stats/rng.h"

namespace cratio {
namespace {

// A 4-choice item whose predicted choice is `pred`; gold is 0.
ItemResult Mc(int i, int32_t pred, const char* slice = "") {
  ItemResult r;
  r.id = fmt::format("q{}", i);
  r.slice = slice;
  r.gold = 0;
  r.choice_logprob = {-2.0, -2.0, -2.0, -2.0};
  r.choice_logprob[pred] = -0.5;
  r.pred = pred;
  return r;
}

// n items, the first `num_right` answered right (pred 0), the rest wrong (pred 1).
std::vector<ItemResult> Items(int n, int num_right) {
  std::vector<ItemResult> items;
  for (int i = 0; i < n; ++i) items.push_back(Mc(i, i < num_right ? 0 : 1));
  return items;
}

TEST(ComparePaired, IdenticalModelsRetainEverything) {
  const std::vector<ItemResult> base = Items(50, 30);
  const Result<PairedComparison> c = ComparePaired(base, base);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->base.value, 0.6);
  EXPECT_DOUBLE_EQ(c->variant.value, 0.6);
  EXPECT_DOUBLE_EQ(c->diff, 0.0);
  EXPECT_DOUBLE_EQ(c->retention_pct, 100.0);
  EXPECT_TRUE(c->retention_ci.Contains(100.0));
  EXPECT_DOUBLE_EQ(c->retention_ci.low, 100.0);  // every resample is identical
  EXPECT_DOUBLE_EQ(c->retention_ci.high, 100.0);
  EXPECT_TRUE(c->diff_ci.Contains(0.0));
  EXPECT_TRUE(c->binary);
  EXPECT_EQ(c->flips.num_items, 50);
  EXPECT_EQ(c->flips.right_to_wrong, 0);
  EXPECT_EQ(c->flips.wrong_to_right, 0);
  EXPECT_EQ(c->flips.both_right, 30);
  EXPECT_EQ(c->flips.both_wrong, 20);
  EXPECT_DOUBLE_EQ(c->flips.mcnemar_p, 1.0);
  EXPECT_DOUBLE_EQ(c->answer_agreement, 1.0);
  ASSERT_TRUE(c->choice_kl.applicable);
  EXPECT_EQ(c->choice_kl.mean, 0.0);
  EXPECT_TRUE(c->slices.empty());
  EXPECT_FALSE(c->worst_slice.has_value());
}

TEST(ComparePaired, ClearlyWorseVariantShowsFlips) {
  // Base: items 0–79 right. Variant: items 0–59 right, 60–79 wrong (20 right→wrong),
  // and items 80–84 right (5 wrong→right). Accuracy 0.80 → 0.65.
  const std::vector<ItemResult> base = Items(100, 80);
  std::vector<ItemResult> variant = Items(100, 60);
  for (int i = 80; i < 85; ++i) variant[i] = Mc(i, 0);
  const Result<PairedComparison> c = ComparePaired(base, variant);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->base.value, 0.80);
  EXPECT_DOUBLE_EQ(c->variant.value, 0.65);
  EXPECT_NEAR(c->diff, -0.15, 1e-12);
  EXPECT_NEAR(c->retention_pct, 81.25, 1e-12);  // 100 · 0.65 / 0.80
  EXPECT_LT(c->retention_ci.high, 100.0);        // the loss is significant
  EXPECT_LT(c->diff_ci.high, 0.0);
  EXPECT_LE(c->retention_ci.low, 81.25);
  EXPECT_GE(c->retention_ci.high, 81.25);
  EXPECT_EQ(c->flips.right_to_wrong, 20);
  EXPECT_EQ(c->flips.wrong_to_right, 5);
  EXPECT_DOUBLE_EQ(c->flips.right_to_wrong_rate, 0.20);
  EXPECT_DOUBLE_EQ(c->flips.wrong_to_right_rate, 0.05);
  EXPECT_DOUBLE_EQ(c->flips.flip_rate, 0.25);
  // McNemar: 2 · Σ_{i≤5} C(25, i) / 2^25 = 136812 / 33554432.
  EXPECT_NEAR(c->flips.mcnemar_p, 136812.0 / 33554432.0, 1e-13);
  // Agreement: items 60–84 changed answer (25 of 100).
  EXPECT_DOUBLE_EQ(c->answer_agreement, 0.75);
  EXPECT_GT(c->choice_kl.mean, 0.0);
}

TEST(ComparePaired, MatchesItemsByIdInAnyOrder) {
  const std::vector<ItemResult> base = Items(40, 25);
  std::vector<ItemResult> variant = Items(40, 20);
  std::vector<ItemResult> shuffled = variant;
  std::reverse(shuffled.begin(), shuffled.end());
  const auto a = ComparePaired(base, variant);
  const auto b = ComparePaired(base, shuffled);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->retention_ci.low, b->retention_ci.low);
  EXPECT_EQ(a->retention_ci.high, b->retention_ci.high);
  EXPECT_EQ(a->flips.right_to_wrong, b->flips.right_to_wrong);
}

TEST(ComparePaired, DifferentItemSetsAreRejectedNamingTheIds) {
  const std::vector<ItemResult> base = Items(5, 3);
  std::vector<ItemResult> variant = Items(5, 3);
  variant[2].id = "extra";
  const auto c = ComparePaired(base, variant);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidInput);
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("only in base (q2)"), std::string::npos) << m;
  EXPECT_NE(m.find("only in variant (extra)"), std::string::npos) << m;
  std::vector<ItemResult> dup = Items(5, 3);
  dup[4].id = "q0";
  const auto d = ComparePaired(dup, dup);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("'q0' appears more than once"), std::string::npos);
}

TEST(ComparePaired, BootstrapIsDeterministicForASeed) {
  const std::vector<ItemResult> base = Items(60, 40);
  std::vector<ItemResult> variant = Items(60, 33);
  PairedOptions o;
  o.seed = 99;
  const auto a = ComparePaired(base, variant, o);
  const auto b = ComparePaired(base, variant, o);
  o.seed = 100;
  const auto c = ComparePaired(base, variant, o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->diff_ci.low, b->diff_ci.low);
  EXPECT_EQ(a->retention_ci.high, b->retention_ci.high);
  EXPECT_TRUE(a->retention_ci.low != c->retention_ci.low ||
              a->retention_ci.high != c->retention_ci.high);
}

TEST(ChoiceKlDivergence, MatchesHandValue) {
  // p = (1/2, 1/2), q = (1/4, 3/4): KL = ½ ln(½ / ¼) + ½ ln(½ / ¾) = ½ ln(4/3) = 0.143841.
  const std::vector<double> p = {std::log(0.5), std::log(0.5)};
  const std::vector<double> q = {std::log(0.25), std::log(0.75)};
  EXPECT_NEAR(ChoiceKlDivergence(p, q), 0.5 * std::log(4.0 / 3.0), 1e-12);
  // Unnormalised log-likelihoods are normalised first: shifting a row changes nothing.
  const std::vector<double> q_shifted = {std::log(0.25) - 7.0, std::log(0.75) - 7.0};
  EXPECT_NEAR(ChoiceKlDivergence(p, q_shifted), 0.5 * std::log(4.0 / 3.0), 1e-12);
  EXPECT_EQ(ChoiceKlDivergence(p, p), 0.0);
}

TEST(ComparePaired, ChoiceKlIsNotApplicableToGenerationItems) {
  std::vector<ItemResult> base, variant;
  for (int i = 0; i < 4; ++i) {
    ItemResult r;
    r.id = fmt::format("g{}", i);
    r.extracted = std::to_string(i);
    r.references = {std::to_string(i)};
    base.push_back(r);
    r.extracted = i == 3 ? "wrong" : r.extracted;
    variant.push_back(r);
  }
  PairedOptions o;
  o.metric = "exact_match";
  const auto c = ComparePaired(base, variant, o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->choice_kl.applicable);
  EXPECT_NE(c->choice_kl.reason.find("no answer options"), std::string::npos);
  EXPECT_TRUE(c->binary);  // exact match is 0/1 per item
  EXPECT_EQ(c->flips.right_to_wrong, 1);
  EXPECT_DOUBLE_EQ(c->answer_agreement, 0.75);
  EXPECT_DOUBLE_EQ(c->retention_pct, 75.0);
}

TEST(ComparePaired, SlicesFindTheWorstAndHolmAdjust) {
  // Slice "art": 10 items, identical. Slice "law": 20 items, base 16 right, variant 6
  // right (10 right→wrong, 0 wrong→right).
  std::vector<ItemResult> base, variant;
  for (int i = 0; i < 10; ++i) {
    base.push_back(Mc(i, i < 7 ? 0 : 1, "art"));
    variant.push_back(base.back());
  }
  for (int i = 10; i < 30; ++i) {
    base.push_back(Mc(i, i < 26 ? 0 : 1, "law"));
    variant.push_back(Mc(i, i < 16 ? 0 : 1, "law"));
  }
  const auto c = ComparePaired(base, variant);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->slices.size(), 2u);
  const SliceComparison& art = c->slices[0];
  const SliceComparison& law = c->slices[1];
  EXPECT_EQ(art.slice, "art");
  EXPECT_EQ(law.slice, "law");
  EXPECT_DOUBLE_EQ(art.retention_pct, 100.0);
  EXPECT_NEAR(law.base, 0.8, 1e-15);      // 16 / 20
  EXPECT_NEAR(law.variant, 0.3, 1e-15);   // 6 / 20
  EXPECT_NEAR(law.retention_pct, 37.5, 1e-12);
  EXPECT_EQ(law.right_to_wrong, 10);
  EXPECT_EQ(law.p_method, "mcnemar_exact");
  // law: p = 2 / 2^10 = 0.001953125; art: b = c = 0 → 1.
  // Holm (m = 2): 0.001953125 ×2 = 0.00390625; 1 ×1 = 1.
  EXPECT_NEAR(law.p_value, 2.0 / 1024.0, 1e-15);
  EXPECT_NEAR(law.p_holm, 4.0 / 1024.0, 1e-15);
  EXPECT_DOUBLE_EQ(art.p_holm, 1.0);
  ASSERT_TRUE(c->worst_slice.has_value());
  EXPECT_EQ(*c->worst_slice, 1u);
  EXPECT_LT(law.retention_ci.high, 100.0);
}

TEST(ComparePaired, LowerIsBetterMetricsInvertTheRetentionRatio) {
  std::vector<ItemResult> base, variant;
  for (int i = 0; i < 3; ++i) {
    ItemResult r;
    r.id = fmt::format("d{}", i);
    r.num_scored_tokens = 10;
    r.nll_sum = 10.0;  // 1 nat/token → ppl e
    base.push_back(r);
    r.nll_sum = 12.0;  // 1.2 nats/token → ppl e^1.2
    variant.push_back(r);
  }
  PairedOptions o;
  o.metric = "perplexity";
  const auto c = ComparePaired(base, variant, o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->higher_is_better);
  // retention = 100 · base / variant = 100 · e / e^1.2 = 100 · e^−0.2 = 81.8731.
  EXPECT_NEAR(c->retention_pct, 100.0 * std::exp(-0.2), 1e-9);
  EXPECT_FALSE(c->binary);
  EXPECT_EQ(c->flips.num_items, 0);
  EXPECT_FALSE(c->choice_kl.applicable);
  EXPECT_TRUE(std::isnan(c->answer_agreement));
}

TEST(ComparePaired, CorpusMetricsArePairedThroughTheSameResamples) {
  // BLEU is not a mean of per-item scores: each resample re-sums n-gram statistics for
  // both models. Identical outputs still give exactly 100 % on every resample.
  std::vector<ItemResult> base;
  const char* hyps[] = {"the cat sat on the mat", "a dog ran in the park today",
                        "it was not a surprise at all", "the man bit the dog first"};
  for (int i = 0; i < 4; ++i) {
    ItemResult r;
    r.id = fmt::format("s{}", i);
    r.generated = hyps[i];
    r.references = {hyps[i]};
    base.push_back(r);
  }
  PairedOptions o;
  o.metric = "bleu";
  const auto same = ComparePaired(base, base, o);
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_NEAR(same->base.value, 100.0, 1e-9);  // every n-gram matches, BP 1
  EXPECT_DOUBLE_EQ(same->retention_pct, 100.0);
  EXPECT_DOUBLE_EQ(same->retention_ci.low, 100.0);
  EXPECT_DOUBLE_EQ(same->retention_ci.high, 100.0);
  EXPECT_FALSE(same->binary);  // BLEU has no per-item right/wrong, nor do these items
  EXPECT_EQ(same->flips.num_items, 0);
  std::vector<ItemResult> variant = base;
  variant[3].generated = "a completely different sentence";
  const auto worse = ComparePaired(base, variant, o);
  ASSERT_TRUE(worse.ok());
  EXPECT_LT(worse->retention_pct, 100.0);
  EXPECT_LT(worse->diff, 0.0);
  EXPECT_LE(worse->retention_ci.low, worse->retention_pct);
  EXPECT_DOUBLE_EQ(worse->answer_agreement, 0.75);  // 3 of 4 texts unchanged
}

TEST(ComparePaired, PairedBootstrapCiCoversTheTruth) {
  // Synthetic population: base right with p = 0.7; a right answer turns wrong with
  // probability 0.10 and a wrong one right with 0.05. True accuracies 0.7 and
  // 0.7·0.9 + 0.3·0.05 = 0.645: difference −0.055, retention 92.142857 %.
  // 200 data sets of 200 items with fixed seeds; the nominal 95 % CIs should cover the
  // truth in about 190; we require ≥ 180 (90 %).
  constexpr int kRepetitions = 200;
  constexpr int kItems = 200;
  const double true_diff = -0.055;
  const double true_retention = 100.0 * 0.645 / 0.7;
  SplitMix64 data_rng(2024);
  int diff_covered = 0, retention_covered = 0;
  PairedOptions o;
  o.num_resamples = 1000;
  o.per_slice = false;
  for (int rep = 0; rep < kRepetitions; ++rep) {
    std::vector<ItemResult> base, variant;
    for (int i = 0; i < kItems; ++i) {
      const bool b = data_rng.Uniform() < 0.7;
      const double u = data_rng.Uniform();
      const bool v = b ? u >= 0.10 : u < 0.05;
      ItemResult r;
      r.id = std::to_string(i);
      r.correct = b;
      base.push_back(r);
      r.correct = v;
      variant.push_back(r);
    }
    o.seed = 1000 + rep;
    const auto c = ComparePaired(base, variant, o);
    ASSERT_TRUE(c.ok()) << c.status().message();
    diff_covered += c->diff_ci.Contains(true_diff);
    retention_covered += c->retention_ci.Contains(true_retention);
  }
  EXPECT_GE(diff_covered, 180);
  EXPECT_GE(retention_covered, 180);
  EXPECT_LE(diff_covered, 200);
}

TEST(ComparePaired, RejectsBadOptions) {
  const std::vector<ItemResult> base = Items(5, 3);
  PairedOptions o;
  o.metric = "nope";
  EXPECT_FALSE(ComparePaired(base, base, o).ok());
  o.metric = "accuracy";
  o.confidence = 1.5;
  EXPECT_FALSE(ComparePaired(base, base, o).ok());
  o.confidence = 0.95;
  o.num_resamples = 1;
  EXPECT_FALSE(ComparePaired(base, base, o).ok());
  const std::vector<ItemResult> none;
  EXPECT_FALSE(ComparePaired(none, none).ok());
}

}  // namespace
}  // namespace cratio
