// Length lists, argmax and single requests on a tiny random model: the counts of tokens
// and gaps, and the ordering of the timestamps (no duration is asserted).
#include "bench/request.h"

#include <gtest/gtest.h>

#include "bench/scenario_testing.h"

namespace cratio {
namespace {

TEST(ParseLengthList, ReadsLengthsAndRanges) {
  const auto r = ParseLengthList("--prompt-lens", "32,128,64-256", 1);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_TRUE((*r)[0].fixed());
  EXPECT_EQ((*r)[1].lo, 128);
  EXPECT_EQ((*r)[2].lo, 64);
  EXPECT_EQ((*r)[2].hi, 256);
  EXPECT_EQ((*r)[2].Label(), "64-256");
  EXPECT_EQ((*r)[0].Label(), "32");
}

TEST(ParseLengthList, NamesTheFlagAndTheBadItem) {
  for (const char* bad : {"", "32,", "abc", "0", "64-32", "-5", "8-x"}) {
    const auto r = ParseLengthList("--gen-lens", bad, 1);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("--gen-lens"), std::string::npos);
  }
  const auto r = ParseLengthList("--gen-lens", "16,0", 1);
  EXPECT_NE(r.status().message().find("item '0'"), std::string::npos) << r.status().message();
}

TEST(LengthRange, DrawsStayInsideTheRange) {
  std::mt19937_64 rng(1);
  const LengthRange r{10, 13};
  bool seen_lo = false, seen_hi = false;
  for (int i = 0; i < 200; ++i) {
    const int64_t v = r.Draw(rng);
    ASSERT_GE(v, 10);
    ASSERT_LE(v, 13);
    seen_lo |= v == 10;
    seen_hi |= v == 13;
  }
  EXPECT_TRUE(seen_lo && seen_hi);  // 200 draws of 4 values: each end appears
  EXPECT_EQ(LengthRange({7, 7}).Draw(rng), 7);
}

TEST(ArgMax, PicksTheFirstLargest) {
  const float v[] = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(ArgMax(v, 4), 1);
  EXPECT_EQ(ArgMax(v, 1), 0);
}

TEST(RunRequest, RecordsOneGapPerTokenAfterTheFirst) {
  auto e = testing::MakeBenchEngine(/*n_ctx=*/64, /*n_seq=*/1, /*max_batch=*/8);
  Batch batch(8);
  std::mt19937_64 rng(3);
  // 20 prompt tokens in chunks of 8 (8 + 8 + 4), then 5 generated tokens.
  const auto t = RunRequest(*e->session, 0, 20, 5, rng, batch);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->itl_ms.size(), 4u);
  EXPECT_GT(t->ttft_ms, 0.0);
  EXPECT_GE(t->e2e_ms, t->ttft_ms);
  double sum = t->ttft_ms;
  for (double g : t->itl_ms) sum += g;
  EXPECT_NEAR(sum, t->e2e_ms, 1e-9 * std::max(1.0, t->e2e_ms));  // gaps tile the request
  EXPECT_NEAR(t->tpot_ms(), (t->e2e_ms - t->ttft_ms) / 4, 1e-12);
  EXPECT_EQ(e->session->kv_cache().seq_len(0), 24);  // 20 prompt + 4 decoded positions
}

TEST(RunRequest, RejectsRequestsBeyondTheContext) {
  auto e = testing::MakeBenchEngine(32, 1, 8);
  Batch batch(8);
  std::mt19937_64 rng(3);
  const auto t = RunRequest(*e->session, 0, 30, 4, rng, batch);  // 30 + 4 - 1 = 33 > 32
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("context of 32"), std::string::npos);
  EXPECT_FALSE(RunRequest(*e->session, 0, 0, 4, rng, batch).ok());
  EXPECT_FALSE(RunRequest(*e->session, 1, 4, 4, rng, batch).ok());  // only sequence 0
}

}  // namespace
}  // namespace cratio
