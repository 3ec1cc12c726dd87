// Corpus BLEU against sacreBLEU's own published values, and the 13a tokeniser.
#include "eval/metrics/bleu.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "eval/metrics/tokenize_13a.h"

namespace cratio {
namespace {

// The issue asks for sacreBLEU's score to 0.01; our arithmetic matches far closer.
constexpr double kSacreBleuTol = 1e-4;

TEST(Tokenize13a, SplitsPunctuationLikeMteval) {
  EXPECT_EQ(Tokenize13a("Hello, world."), "Hello , world .");
  EXPECT_EQ(Tokenize13a("It wasn't surprising."), "It wasn't surprising .");
  EXPECT_EQ(Tokenize13a("3.14 and 1,000 in 5-6"), "3.14 and 1,000 in 5 - 6");
  EXPECT_EQ(Tokenize13a("e-mail (test) a/b"), "e-mail ( test ) a / b");
  EXPECT_EQ(Tokenize13a("U.S.A."), "U . S . A .");
  EXPECT_EQ(Tokenize13a("a&amp;b &lt;x&gt; &quot;q&quot;"), "a & b < x > \" q \"");
  EXPECT_EQ(Tokenize13a("line-\nbreak\nnext<skipped>"), "linebreak next");
  EXPECT_EQ(Tokenize13a("x 1."), "x 1 .");  // '.' after a digit, before the end padding
  EXPECT_EQ(Tokenize13a("  caf\xC3\xA9, ok  "), "caf\xC3\xA9 , ok");
}

TEST(SegmentBleuStats, MatchesSacreBleuTestStatistics) {
  // sacreBLEU test/test_bleu.py `test_case_statistics`: counts [4, 2, 1, 0], totals
  // [6, 5, 4, 3]. By hand: hyp unigrams am×2 I a character sequence; ref I am a×3 symbol
  // string sequence → clipped am 1 + I 1 + a 1 + sequence 1 = 4.
  const std::vector<std::string> refs = {"I am a symbol string sequence a a"};
  const BleuStats s = SegmentBleuStats("am I am a character sequence", refs);
  EXPECT_EQ(s.hyp_len, 6);
  EXPECT_EQ(s.ref_len, 8);
  EXPECT_EQ(s.correct, (std::array<int64_t, 4>{4, 2, 1, 0}));
  EXPECT_EQ(s.total, (std::array<int64_t, 4>{6, 5, 4, 3}));
  // exp smoothing: p4 = 100 / (2 · 3); p = 66.667, 40, 25, 16.667 (%);
  // geometric mean = (1111111.1)^(1/4) = 32.4668; BP = exp(1 − 8/6) = 0.716531;
  // BLEU = 23.26347.
  EXPECT_NEAR(BleuFromStats(s), 23.263472697663296, 1e-9);
}

TEST(BleuFromStats, MatchesSacreBleuTestScoring) {
  // sacreBLEU test/test_bleu.py `test_case_scoring`: 0.8375922397 (×100 here).
  // By hand: (90 · 87.5 · 83.333 · 75)^(1/4) = 83.7592; BP 1 (11 = 11).
  BleuStats s;
  s.hyp_len = 11;
  s.ref_len = 11;
  s.correct = {9, 7, 5, 3};
  s.total = {10, 8, 6, 4};
  EXPECT_NEAR(BleuFromStats(s), 83.75922397, 1e-7);
}

TEST(BleuFromStats, NoMatchesOrNoNgramsScoreZero) {
  BleuStats s;
  s.hyp_len = 4;
  s.ref_len = 4;
  s.total = {4, 3, 2, 1};
  EXPECT_EQ(BleuFromStats(s), 0.0);
  s.correct = {2, 1, 0, 0};
  s.total = {2, 1, 0, 0};  // a 2-token corpus has no 3-grams: precision 0 → BLEU 0
  EXPECT_EQ(BleuFromStats(s), 0.0);
}

// sacreBLEU's README example (also test/test_bleu.py `test_corpus_bleu_cases`): two
// reference streams for three hypotheses; corpus_bleu(...) = 48.530827 with defaults.
const std::vector<std::string> kHyps = {"The dog bit the man.", "It wasn't surprising.",
                                        "The man had just bitten him."};
const std::vector<std::vector<std::string>> kRefs = {
    {"The dog bit the man.", "The dog had bit the man."},
    {"It was not unexpected.", "No one was surprised."},
    {"The man bit him first.", "The man had bitten the dog."}};

TEST(CorpusBleu, EqualsSacreBleuReadmeExample) {
  EXPECT_NEAR(CorpusBleu(kHyps, kRefs), 48.530827, kSacreBleuTol);
}

TEST(CorpusBleu, EmptyHypothesesScoreZero) {
  // test_corpus_bleu_cases: (('', '', ''), refs) → 0.0.
  const std::vector<std::string> empty = {"", "", ""};
  EXPECT_EQ(CorpusBleu(empty, kRefs), 0.0);
}

TEST(CorpusBleu, MetricOverItemsMatchesAndBootstrapsItsError) {
  std::vector<ItemResult> items;
  for (size_t i = 0; i < kHyps.size(); ++i) {
    ItemResult r;
    r.id = fmt::format("s{}", i);
    r.generated = kHyps[i];
    r.references = kRefs[i];
    items.push_back(r);
  }
  const Result<MetricValue> v = ComputeMetric("bleu", items);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_NEAR(v->value, 48.530827, kSacreBleuTol);
  EXPECT_EQ(v->se_method, "bootstrap");
  EXPECT_GT(v->se, 0.0);
  EXPECT_EQ(ComputeMetric("bleu", items)->se, v->se);  // seeded
}

}  // namespace
}  // namespace cratio
