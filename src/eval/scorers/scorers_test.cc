// Scorers on the real stories260K model, each checked against an independent
// computation: the token-by-token Session run (one token per Forward, log-softmax by
// hand) for log-likelihoods and perplexity, model/generate.h for greedy generation.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/scorers/answer_extract.h"
#include "eval/scorers/forward_runner.h"
#include "eval/scorers/generation.h"
#include "eval/scorers/loglikelihood.h"
#include "eval/scorers/rolling_perplexity.h"
#include "model/generate.h"
#include "model/loaded_model.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

constexpr const char* kModel = "models/stories260K.gguf";
// Batched prefill and one-token decode sum in different orders; float logits agree to
// ~1e-5 relative, so sums over a few tokens agree well within this.
constexpr double kLogProbTolerance = 2e-3;

std::unique_ptr<LoadedModel> LoadStories() {
  auto m = LoadModel(::cratio::testing::DataPath(kModel));
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(*m) : nullptr;
}

std::unique_ptr<Session> MakeSession(const LoadedModel& m, int64_t n_ctx, int64_t n_seq,
                                     int64_t max_batch = 512) {
  SessionOptions o;
  o.n_ctx = n_ctx;
  o.n_seq = n_seq;
  o.max_batch = max_batch;
  o.num_threads = 1;
  auto s = Session::Create(m.weights, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

// Σ_{p = from}^{n-1} log p(tokens[p] | tokens[0..p)), one token per Forward call.
double TokenByTokenLogProb(const LoadedModel& m, const std::vector<int32_t>& tokens, int64_t from) {
  auto s = MakeSession(m, static_cast<int64_t>(tokens.size()), 1);
  Batch b(1);
  double sum = 0.0;
  for (size_t p = 0; p + 1 < tokens.size(); ++p) {
    b.Clear();
    b.Add(tokens[p], static_cast<int32_t>(p), 0, true);
    EXPECT_TRUE(s->Forward(b).ok());
    if (static_cast<int64_t>(p + 1) < from) continue;
    const float* logits = s->logits(0);
    double mx = logits[0];
    for (int64_t v = 1; v < s->vocab_size(); ++v) mx = std::max<double>(mx, logits[v]);
    double z = 0.0;
    for (int64_t v = 0; v < s->vocab_size(); ++v) z += std::exp(logits[v] - mx);
    sum += logits[tokens[p + 1]] - mx - std::log(z);
  }
  return sum;
}

std::vector<TaskItem> StoryItems() {
  std::vector<TaskItem> items(3);
  items[0].id = "a";
  items[0].context = "Once upon a time there was a";
  items[0].choices = {" little girl", " dog named Max who liked to run", " big red ball"};
  items[0].gold = 0;
  items[1].id = "b";
  items[1].context = "Lily went to the park. She saw a ";  // trailing space moves
  items[1].choices = {"bird", "cat", "tree", "swing"};
  items[1].gold = 3;
  items[2].id = "c";
  items[2].context = "The sun was hot.\nAnswer:";
  items[2].choices = {" A", " B", " C", " D"};  // one token each: no tails
  items[2].gold = 1;
  return items;
}

TEST(LoglikelihoodScorer, ChoiceLogProbEqualsTokenByTokenSum) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  const std::vector<TaskItem> items = StoryItems();
  auto prepared = PrepareChoiceItems(*m->tokenizer, items);
  ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  auto s = MakeSession(*m, 64, 8);
  auto r = ScoreChoiceItems(*s, items, *prepared);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t c = 0; c < items[i].choices.size(); ++c) {
      const ChoiceTokens& ch = (*prepared)[i].choices[c];
      const double expected = TokenByTokenLogProb(*m, ch.whole, ch.context_len);
      EXPECT_NEAR((*r)[i].choice_logprob[c], expected, kLogProbTolerance)
          << items[i].id << " choice " << c;
      EXPECT_LT((*r)[i].choice_logprob[c], 0.0);
      EXPECT_EQ((*r)[i].choice_num_tokens[c],
                static_cast<int64_t>(ch.whole.size()) - ch.context_len);
    }
    EXPECT_EQ((*r)[i].gold, items[i].gold);
    EXPECT_EQ((*r)[i].correct, (*r)[i].pred == items[i].gold ? 1 : 0);
  }
  // Continuation tokens = |Encode(prompt + choice)| - |Encode(prompt)|, by the tokenizer
  // directly (stories260K's 512-token vocabulary has "▁B" as one token, not "▁A").
  const auto prompt_tokens = m->tokenizer->Encode(items[2].context, true);
  for (size_t c = 0; c < 4; ++c) {
    const auto whole = m->tokenizer->Encode(items[2].context + items[2].choices[c], true);
    EXPECT_EQ((*r)[2].choice_num_tokens[c],
              static_cast<int64_t>(whole->size() - prompt_tokens->size()));
  }
  EXPECT_EQ((*r)[2].choice_num_tokens[1], 1);
  // The moved trailing space counts in the choice's bytes: " bird" is 5 bytes.
  EXPECT_EQ((*r)[1].choice_num_bytes[0], 5);
}

TEST(LoglikelihoodScorer, BatchedEqualsUnbatchedAndSharedEqualsUnshared) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  const std::vector<TaskItem> items = StoryItems();
  auto prepared = PrepareChoiceItems(*m->tokenizer, items);
  ASSERT_TRUE(prepared.ok());
  // All items in one wave, large batches.
  auto wide = MakeSession(*m, 64, 16);
  auto batched = ScoreChoiceItems(*wide, items, *prepared);
  // One item per wave (4 sequences = the most choices), 5 tokens per Forward call.
  auto narrow = MakeSession(*m, 64, 4, 5);
  auto unbatched = ScoreChoiceItems(*narrow, items, *prepared);
  // No prefix sharing: every choice runs its whole sequence.
  LoglikelihoodOptions no_share;
  no_share.share_prefix = false;
  auto unshared = ScoreChoiceItems(*wide, items, *prepared, no_share);
  ASSERT_TRUE(batched.ok() && unbatched.ok() && unshared.ok());
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t c = 0; c < items[i].choices.size(); ++c) {
      EXPECT_NEAR((*batched)[i].choice_logprob[c], (*unbatched)[i].choice_logprob[c],
                  kLogProbTolerance);
      EXPECT_NEAR((*batched)[i].choice_logprob[c], (*unshared)[i].choice_logprob[c],
                  kLogProbTolerance);
    }
    EXPECT_EQ((*batched)[i].pred, (*unshared)[i].pred);
  }
}

TEST(LoglikelihoodScorer, SharingRunsFewerTokens) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  const std::vector<TaskItem> items = StoryItems();
  auto prepared = PrepareChoiceItems(*m->tokenizer, items);
  ASSERT_TRUE(prepared.ok());
  auto s = MakeSession(*m, 64, 16);
  ScorerTiming shared, unshared;
  LoglikelihoodOptions no_share;
  no_share.share_prefix = false;
  ASSERT_TRUE(ScoreChoiceItems(*s, items, *prepared, {}, &shared).ok());
  ASSERT_TRUE(ScoreChoiceItems(*s, items, *prepared, no_share, &unshared).ok());
  // Item c's four one-token choices share everything: its prompt runs once, not 4 times.
  int64_t unshared_expected = 0;
  for (const auto& item : *prepared) {
    for (const auto& ch : item.choices) unshared_expected += ch.whole.size() - 1;
  }
  EXPECT_EQ(unshared.num_tokens, unshared_expected);
  EXPECT_LT(shared.num_tokens, unshared.num_tokens);
  EXPECT_GT(shared.model_ns, 0);
}

TEST(LoglikelihoodScorer, LongPromptsLoseTokensFromTheFront) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  const std::vector<TaskItem> items = StoryItems();
  auto full = PrepareChoiceItems(*m->tokenizer, items);
  auto cut = PrepareChoiceItems(*m->tokenizer, items, /*max_positions=*/20);
  ASSERT_TRUE(full.ok() && cut.ok());
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t c = 0; c < items[i].choices.size(); ++c) {
      const ChoiceTokens& f = (*full)[i].choices[c];
      const ChoiceTokens& t = (*cut)[i].choices[c];
      // At most 20 positions run, i.e. 21 tokens kept: the last 21 of the full sequence.
      const int64_t keep = std::min<int64_t>(21, f.whole.size());
      EXPECT_EQ(t.num_truncated, static_cast<int64_t>(f.whole.size()) - keep);
      EXPECT_EQ(t.whole, std::vector<int32_t>(f.whole.end() - keep, f.whole.end()));
      EXPECT_EQ(t.whole.size() - t.context_len, f.whole.size() - f.context_len);
    }
  }
  auto s = MakeSession(*m, 21, 8);
  auto r = ScoreChoiceItems(*s, items, *cut);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ChoiceTokens& t = (*cut)[0].choices[1];  // " dog named Max who liked to run"
  EXPECT_NEAR((*r)[0].choice_logprob[1], TokenByTokenLogProb(*m, t.whole, t.context_len),
              kLogProbTolerance);
  EXPECT_GT((*r)[0].num_truncated_tokens, 0);
}

TEST(RollingPerplexity, EqualsTokenByTokenNllOverHandPlannedWindows) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  std::vector<TaskItem> items(1);
  items[0].id = "doc";
  items[0].text = "Once upon a time, there was a little girl named Lily. She loved to play.";
  auto docs = PrepareDocuments(*m->tokenizer, items);
  ASSERT_TRUE(docs.ok());
  const std::vector<int32_t>& t = (*docs)[0].tokens;
  ASSERT_GE(t.size(), 17u);
  const int64_t n = static_cast<int64_t>(t.size());
  const int32_t bos = m->tokenizer->bos_id();
  // full = [BOS] + t. Window 8: inputs full[0,8) predict t[0,8); full[8,16) predict
  // t[8,16); then for end = min(24, n): inputs full[end-8, end) predict t[16, end), etc.
  std::vector<int32_t> full = {bos};
  full.insert(full.end(), t.begin(), t.end());
  double expected_nll = 0.0;
  for (int64_t start = 0; start < n; start += 8) {
    const int64_t end = std::min(n, start + 8);
    const int64_t begin = std::max<int64_t>(0, end - 8);
    // Tokens full[begin .. end] (inclusive end: the last target t[end-1] = full[end]).
    std::vector<int32_t> seq(full.begin() + begin, full.begin() + end + 1);
    // Targets t[start..end) = full[start+1 .. end]; scored from index start+1-begin.
    expected_nll -= TokenByTokenLogProb(*m, seq, start + 1 - begin);
  }
  auto s = MakeSession(*m, 8, 3);
  auto r = ScoreDocuments(*s, bos, items, *docs, 8);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR((*r)[0].nll_sum, expected_nll, kLogProbTolerance * 4);
  EXPECT_EQ((*r)[0].num_scored_tokens, n);
  EXPECT_EQ((*r)[0].num_scored_bytes, static_cast<int64_t>(items[0].text.size()));

  // A window holding the whole document is one token-by-token pass from BOS.
  auto big = MakeSession(*m, 128, 1);
  auto whole = ScoreDocuments(*big, bos, items, *docs, 128);
  ASSERT_TRUE(whole.ok());
  EXPECT_NEAR((*whole)[0].nll_sum, -TokenByTokenLogProb(*m, full, 1), kLogProbTolerance * 4);
}

TEST(GenerationScorer, BatchedGreedyEqualsGenerate) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  auto m = LoadStories();
  std::vector<TaskItem> items(3);
  const char* prompts[] = {"Once upon a time", "Lily and Tom went", "The cat"};
  for (int i = 0; i < 3; ++i) {
    items[i].id = std::to_string(i);
    items[i].context = prompts[i];
    items[i].references = {"x"};
  }
  GenerationSpec spec;
  spec.stop = {"."};
  spec.max_new_tokens = 40;
  auto p = PreparePrompts(*m->tokenizer, items);
  ASSERT_TRUE(p.ok());
  auto s = MakeSession(*m, 128, 3);
  auto r = ScoreGeneration(*s, *m->tokenizer, items, *p, spec);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (int i = 0; i < 3; ++i) {
    auto one = MakeSession(*m, 128, 1);
    GenerateOptions go;
    go.max_new_tokens = 40;
    auto g = Generate(*one, *m->tokenizer, prompts[i], go);
    ASSERT_TRUE(g.ok());
    const std::string expected = CutAtStop(m->tokenizer->Decode(g->tokens), spec.stop);
    EXPECT_EQ((*r)[i].generated, expected) << prompts[i];
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ((*r)[i].correct, 0);
  }
}

TEST(AnswerExtract, Gsm8kNumbers) {
  // Strict marker first, normalised: commas, "$" and trailing "." removed.
  EXPECT_EQ(ExtractNumber("so 3 + 4 = 7\n#### 1,234"), "1234");
  EXPECT_EQ(ExtractNumber("She makes $18.00 a day. The answer is $18."), "18");
  // No marker: the last number in the text.
  EXPECT_EQ(ExtractNumber("5 apples and 7 pears"), "7");
  EXPECT_EQ(ExtractNumber("a loss of -3.50 dollars"), "-3.5");
  EXPECT_EQ(ExtractNumber("no digits here"), "");
  EXPECT_EQ(ExtractAnswer("\n  first  \nsecond", "first_line"), "first");
  EXPECT_EQ(CutAtStop("a. b\n\nQuestion: c", {"Question:", "\n\n"}), "a. b");
}

}  // namespace
}  // namespace cratio
