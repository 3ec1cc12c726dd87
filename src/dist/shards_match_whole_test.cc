// Without MPI: a run split into shards and merged as rank 0 merges them gives the whole
// run's results bit for bit, on the real stories260K model — `score` on ARC-Easy and
// `perplexity` on TinyStories, for 2 and 3 shards. (tests/mpi_*_test.cc do the same
// through mpirun.)
#include <gtest/gtest.h>

#include <cstring>

#include "dist/sharded_perplexity.h"
#include "dist/sharded_score.h"
#include "eval/item_codec.h"
#include "eval/tasks/builtin_tasks.h"
#include "eval/tasks/load_task.h"
#include "model/loaded_model.h"
#include "testing/test_data.h"

namespace cratio::dist {
namespace {

constexpr char kModel[] = "models/stories260K.gguf";
constexpr char kArc[] = "eval/arc/ARC-Easy-Dev.jsonl";
constexpr char kText[] = "eval/tinystories/tinystories_sample.txt";

uint64_t Bits(double v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

TEST(ShardsMatchWhole, ScoreItemsAndMetrics) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kArc);
  auto spec = ResolveTaskSpec("arc_easy", testing::DataDir());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  LoadTaskOptions lo;
  lo.data = testing::DataPath(kArc);
  lo.limit = 200;  // blocks of 4 · 40 = 160 items: 2 blocks
  auto task = LoadTask(*spec, lo);
  ASSERT_TRUE(task.ok()) << task.status().message();
  auto model = LoadModel(testing::DataPath(kModel));
  ASSERT_TRUE(model.ok()) << model.status().message();
  ScoreOptions options;
  options.num_threads = 1;
  auto whole = ScoreModel(**model, "m", *task, options);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  for (int count : {2, 3}) {
    std::vector<std::string> messages;
    for (int i = 0; i < count; ++i) {
      options.shard = {i, count};
      auto part = ScoreModel(**model, "m", *task, options);
      ASSERT_TRUE(part.ok()) << part.status().message();
      EXPECT_TRUE(part->metrics.empty());  // left to rank 0
      messages.push_back(EncodeScoreShards({&*part}));
    }
    auto merged = MergeScoreShards(*task, {}, messages, 1);
    ASSERT_TRUE(merged.ok()) << merged.status().message();
    const ModelScore& m = (*merged)[0];
    EXPECT_EQ(EncodeItems(m.items), EncodeItems(whole->items)) << count << " shards";
    ASSERT_EQ(m.metrics.size(), whole->metrics.size());
    for (size_t k = 0; k < m.metrics.size(); ++k) {
      EXPECT_EQ(Bits(m.metrics[k].value), Bits(whole->metrics[k].value)) << m.metrics[k].name;
      EXPECT_EQ(Bits(m.metrics[k].se), Bits(whole->metrics[k].se)) << m.metrics[k].name;
    }
    EXPECT_EQ(m.timing.num_tokens, whole->timing.num_tokens);  // same batches, summed
  }
}

TEST(ShardsMatchWhole, PerplexityAgainstABase) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  PerplexityOptions o;
  o.ctx = 128;  // 14 chunks, 4 per pass: passes of 4, 4, 4, 2 chunks
  o.num_threads = 1;
  const std::string model = testing::DataPath(kModel);
  const std::string text = testing::DataPath(kText);
  // The model against itself: the KL path runs (every KL exactly 0, top-1 always equal).
  auto whole = RunPerplexity(model, text, model, o);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  for (int count : {2, 3}) {
    std::vector<std::string> messages;
    PerplexityResult root;
    for (int i = 0; i < count; ++i) {
      std::vector<PositionComparison> positions;
      o.shard = {i, count};
      o.sink = [&](const PositionComparison& c) { positions.push_back(c); };
      auto part = RunPerplexity(model, text, model, o);
      ASSERT_TRUE(part.ok()) << part.status().message();
      if (i == 0) root = *part;
      messages.push_back(EncodePerplexityShard(*part, positions));
    }
    auto merged = MergePerplexityShards(root, messages);
    ASSERT_TRUE(merged.ok()) << merged.status().message();
    EXPECT_EQ(Bits(merged->model.ppl), Bits(whole->model.ppl)) << count << " shards";
    EXPECT_EQ(Bits(merged->model.ppl_se), Bits(whole->model.ppl_se));
    EXPECT_EQ(merged->model.num_tokens, 14 * 63);  // 14 chunks, positions [64, 127)
    ASSERT_EQ(merged->ppl_after_chunk.size(), whole->ppl_after_chunk.size());
    for (size_t c = 0; c < merged->ppl_after_chunk.size(); ++c) {
      EXPECT_EQ(Bits(merged->ppl_after_chunk[c]), Bits(whole->ppl_after_chunk[c])) << c;
    }
    EXPECT_EQ(Bits(merged->kl.kl.mean), Bits(whole->kl.kl.mean));
    EXPECT_EQ(merged->kl.kl_max, 0.0);
    EXPECT_EQ(merged->kl.same_top.mean, 1.0);
    EXPECT_EQ(Bits(merged->kl.ln_ppl_ratio.mean), Bits(whole->kl.ln_ppl_ratio.mean));
  }
}

}  // namespace
}  // namespace cratio::dist
