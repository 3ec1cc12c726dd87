// Rank 0's merge of the ranks' shards: items joined in rank order, metrics over all of
// them, gaps refused; perplexity positions reduced as one process would.
#include <gtest/gtest.h>

#include <cmath>

#include "dist/sharded_perplexity.h"
#include "dist/sharded_score.h"

namespace cratio::dist {
namespace {

Task ThreeItemTask() {
  Task t;
  t.spec.name = "toy";
  t.spec.scorer = ScorerKind::kMultipleChoice;
  t.spec.metrics = {"accuracy"};
  t.items.resize(3);
  return t;
}

ItemResult Item(const std::string& id, int32_t correct) {
  ItemResult r;
  r.id = id;
  r.choice_logprob = {-1.0, -2.0};
  r.choice_num_tokens = {1, 1};
  r.choice_num_bytes = {1, 1};
  r.gold = correct ? 0 : 1;
  r.pred = 0;
  r.pred_norm = 0;
  r.correct = correct;
  return r;
}

ModelScore Shard(int64_t first, std::vector<ItemResult> items, int64_t model_ns, int64_t tokens) {
  ModelScore s;
  s.model_path = "m.gguf";
  s.first_item = first;
  s.items = std::move(items);
  s.timing.model_ns = model_ns;
  s.timing.total_ns = model_ns;
  s.timing.num_tokens = tokens;
  s.timing.num_forward_calls = 1;
  return s;
}

TEST(MergeScoreShards, JoinsItemsInRankOrderAndScoresAllOfThem) {
  const Task task = ThreeItemTask();
  const ModelScore r0 = Shard(0, {Item("a", 1), Item("b", 0)}, 500, 10);
  const ModelScore r1 = Shard(2, {Item("c", 1)}, 700, 4);
  auto merged = MergeScoreShards(task, {}, {EncodeScoreShards({&r0}), EncodeScoreShards({&r1})}, 1);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  const ModelScore& m = (*merged)[0];
  ASSERT_EQ(m.items.size(), 3u);
  EXPECT_EQ(m.items[0].id, "a");
  EXPECT_EQ(m.items[1].id, "b");
  EXPECT_EQ(m.items[2].id, "c");
  ASSERT_EQ(m.metrics.size(), 1u);
  EXPECT_EQ(m.metrics[0].name, "accuracy");
  EXPECT_DOUBLE_EQ(m.metrics[0].value, 2.0 / 3.0);  // items a and c of three are right
  EXPECT_EQ(m.metrics[0].n, 3);
  EXPECT_EQ(m.timing.model_ns, 700);  // the slowest rank
  EXPECT_EQ(m.timing.num_tokens, 14);  // 10 + 4
  EXPECT_EQ(m.timing.num_forward_calls, 2);
}

TEST(MergeScoreShards, RefusesAGapBetweenRanks) {
  const Task task = ThreeItemTask();
  const ModelScore r0 = Shard(0, {Item("a", 1)}, 1, 1);
  const ModelScore r1 = Shard(2, {Item("c", 1)}, 1, 1);
  auto merged = MergeScoreShards(task, {}, {EncodeScoreShards({&r0}), EncodeScoreShards({&r1})}, 1);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "rank 1 sent items from 2 of model 'm.gguf', expected from 1");
}

TEST(MergeScoreShards, RefusesMissingItems) {
  const Task task = ThreeItemTask();
  const ModelScore r0 = Shard(0, {Item("a", 1), Item("b", 1)}, 1, 1);
  const ModelScore r1 = Shard(3, {}, 1, 1);  // a rank with no block
  auto merged = MergeScoreShards(task, {}, {EncodeScoreShards({&r0}), EncodeScoreShards({&r1})}, 1);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(), "model 'm.gguf': the ranks sent 2 items, the task has 3");
}

TEST(MergePerplexityShards, ReducesPositionsInRankOrder) {
  // Two chunks of 2 scored positions; rank 0 sent chunk 0, rank 1 chunk 1.
  PerplexityResult root;
  root.plan.ctx = 6;
  root.plan.num_chunks = 2;
  root.plan.first_scored_pos = 3;
  root.plan.scored_per_chunk = 2;
  root.num_text_tokens = 12;
  root.eval_seconds = 1.5;
  auto pos = [](double log_p) { return PositionComparison{0.0, false, 0.0, log_p}; };
  const std::string m0 = EncodePerplexityShard(root, {pos(-1.0), pos(-3.0)});
  PerplexityResult r1 = root;
  r1.eval_seconds = 2.5;
  const std::string m1 = EncodePerplexityShard(r1, {pos(-2.0), pos(-2.0)});
  auto merged = MergePerplexityShards(root, {m0, m1});
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  // NLLs 1, 3, 2, 2: mean 2, PPL e²; after chunk 0 the mean is (1 + 3) / 2 = 2 as well.
  EXPECT_EQ(merged->model.num_tokens, 4);
  EXPECT_DOUBLE_EQ(merged->model.mean_nll, 2.0);
  EXPECT_DOUBLE_EQ(merged->model.ppl, std::exp(2.0));
  // SE: deviations −1, +1, 0, 0 → Σd² = 2, variance 2/4 = 0.5, SE = sqrt(0.5 / 3).
  EXPECT_NEAR(merged->model.nll_se, std::sqrt(0.5 / 3), 1e-15);
  ASSERT_EQ(merged->ppl_after_chunk.size(), 2u);
  EXPECT_DOUBLE_EQ(merged->ppl_after_chunk[0], std::exp(2.0));
  EXPECT_DOUBLE_EQ(merged->eval_seconds, 2.5);  // the slowest rank
  // One rank short: the count does not match the plan.
  auto short_run = MergePerplexityShards(root, {m0});
  ASSERT_FALSE(short_run.ok());
  EXPECT_EQ(short_run.status().message(),
            "perplexity: the ranks sent 2 scored positions, the plan has 4 (2 chunks of 2)");
}

}  // namespace
}  // namespace cratio::dist
