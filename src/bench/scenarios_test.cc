// The scenario runners on the tiny preset, in process: every grid point produces the
// series it promises (counts, orderings, paired lengths), with one model and with a base.
// No duration is asserted.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/interleave.h"
#include "bench/scenario_batch.h"
#include "bench/scenario_ladder.h"
#include "bench/scenario_server.h"
#include "bench/scenario_single.h"
#include "bench/scenario_testing.h"

namespace cratio {
namespace {

StopRule Fixed(int iters) {
  StopRule r;
  r.warmup_iters = 1;
  r.min_iters = iters;
  r.max_iters = iters;
  r.max_time_s = 600;
  return r;
}

TEST(RunInterleaved, AlternatesSubjectsAndDropsWarmup) {
  std::vector<int> order;
  const auto r = RunInterleaved(2, Fixed(3), [&](int s, bool warmup) -> Result<double> {
    order.push_back(warmup ? -1 - s : s);
    return 1.0 + s;
  });
  ASSERT_TRUE(r.ok());
  // Warm-up A B (as -1, -2), then A B A B A B.
  EXPECT_EQ(order, (std::vector<int>{-1, -2, 0, 1, 0, 1, 0, 1}));
  EXPECT_EQ(r->primary[0], (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(r->primary[1], (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(r->reason, StopReason::kMaxIters);
  EXPECT_EQ(r->num_rounds, 3);
  EXPECT_TRUE(r->energy_j.empty());
}

TEST(RunInterleaved, StopsAtTheFirstError) {
  int calls = 0;
  const auto r = RunInterleaved(1, Fixed(5), [&](int, bool) -> Result<double> {
    if (++calls == 3) return InvalidInput("boom");
    return 1.0;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "boom");
}

TEST(RunSinglePoint, RecordsEveryMetricPerRequest) {
  auto e = testing::MakeBenchEngine(64, 1, 16);
  const auto r = RunSinglePoint({e->session.get()}, {12, 12}, {4, 4}, Fixed(5), 9);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->variant.ttft_ms.size(), 5u);
  EXPECT_EQ(r->variant.e2e_ms.size(), 5u);
  EXPECT_EQ(r->variant.tpot_ms.size(), 5u);
  EXPECT_EQ(r->variant.itl_ms.size(), 15u);  // 5 requests x (4 - 1) gaps
  EXPECT_EQ(r->variant.prompt_tokens, 60);
  EXPECT_EQ(r->variant.gen_tokens, 20);
  EXPECT_FALSE(r->base.has_value());
  for (size_t i = 0; i < 5; ++i) EXPECT_LE(r->variant.ttft_ms[i], r->variant.e2e_ms[i]);
  EXPECT_EQ(PointLabel(*r), "p12-g4");
  const RequestStats st = SummarizeRequests(r->variant, 0.95);
  EXPECT_EQ(st.num_requests, 5);
  EXPECT_GT(st.prefill_tok_per_s, 0.0);
  EXPECT_GT(st.decode_tok_per_s, 0.0);
}

TEST(RunSinglePoint, ComparesTwoModelsOnTheSameRequests) {
  auto a = testing::MakeBenchEngine(64, 1, 16, 1), b = testing::MakeBenchEngine(64, 1, 16, 2);
  // Lengths drawn from ranges: both models must see the same ones, so their token
  // totals match.
  const auto r = RunSinglePoint({a->session.get(), b->session.get()}, {4, 20}, {2, 6}, Fixed(6), 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->base.has_value());
  EXPECT_EQ(r->variant.e2e_ms.size(), 6u);
  EXPECT_EQ(r->base->e2e_ms.size(), 6u);
  EXPECT_EQ(r->variant.prompt_tokens, r->base->prompt_tokens);
  EXPECT_EQ(r->variant.gen_tokens, r->base->gen_tokens);
  EXPECT_EQ(r->variant.itl_ms.size(), r->base->itl_ms.size());
  const auto sp = CompareRequests(r->variant, *r->base, BootstrapOptions{});
  ASSERT_TRUE(sp.ok()) << sp.status().message();
  EXPECT_GT(sp->e2e.ratio, 0.0);
  EXPECT_LE(sp->e2e.ci_low, sp->e2e.ci_high);
  EXPECT_TRUE(sp->e2e.paired);
}

TEST(RunBatchPoint, RunsBatchSizeRequestsTogether) {
  auto e = testing::MakeBenchEngine(32, 4, 64);
  const auto r = RunBatchPoint({e->session.get()}, 4, 10, 3, Fixed(4), 2);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->variant.batch_ms.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    // out tok/s = 4 · 3 · 1000 / ms and req/s = 4 · 1000 / ms: their ratio is 3 tokens.
    EXPECT_NEAR(r->variant.out_tok_per_s[i] / r->variant.req_per_s[i], 3.0, 1e-9);
  }
  // Every sequence holds its 10 prompt tokens + 2 decoded ones.
  for (int s = 0; s < 4; ++s) EXPECT_EQ(e->session->kv_cache().seq_len(s), 12);
}

TEST(RunBatchPoint, RejectsBatchesLargerThanTheSession) {
  auto e = testing::MakeBenchEngine(32, 2, 64);
  const auto r = RunBatchPoint({e->session.get()}, 3, 10, 3, Fixed(1), 2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("batch of 3"), std::string::npos);
}

TEST(LadderRungs, DoublesUpToTheTop) {
  EXPECT_EQ(LadderRungs(64, 600), (std::vector<int64_t>{64, 128, 256, 512, 600}));
  EXPECT_EQ(LadderRungs(64, 256), (std::vector<int64_t>{64, 128, 256}));
  EXPECT_EQ(LadderRungs(64, 32), (std::vector<int64_t>{32}));
  EXPECT_TRUE(LadderRungs(0, 32).empty());
}

TEST(RunLadderPoint, PrefillsTheContextThenDecodesAtDepth) {
  auto e = testing::MakeBenchEngine(64, 1, 16);
  const auto r = RunLadderPoint({e->session.get()}, 40, 3, Fixed(3), 4);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->variant.ttft_ms.size(), 3u);
  EXPECT_EQ(r->variant.prefill_tok_per_s.size(), 3u);
  EXPECT_EQ(r->variant.decode_ms_per_token.size(), 3u);
  EXPECT_EQ(e->session->kv_cache().seq_len(0), 43);  // 40 + 3 decode positions
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(r->variant.prefill_tok_per_s[i] * r->variant.ttft_ms[i], 40 * 1000.0, 1e-6);
  }
}

TEST(PoissonArrivals, AreIncreasingInsideTheWindowAtAboutTheRate) {
  const std::vector<double> t = PoissonArrivals(50.0, 20.0, 7);
  // Expected count 50 · 20 = 1000, standard deviation sqrt(1000) = 31.6; the seed fixes
  // the draw, the bound (5 sd) only documents what a sane count is.
  EXPECT_NEAR(static_cast<double>(t.size()), 1000.0, 160.0);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_GT(t.front(), 0.0);
  EXPECT_LT(t.back(), 20.0);
  EXPECT_EQ(PoissonArrivals(50.0, 20.0, 7), t);  // deterministic
  EXPECT_TRUE(PoissonArrivals(0.0, 1.0, 7).empty());
}

TEST(RunServer, ServesEveryArrivalWithContinuousBatching) {
  auto e = testing::MakeBenchEngine(48, 3, 64);
  ServerOptions o;
  o.rate_per_s = 40.0;
  o.duration_s = 0.5;
  o.prompt = {8, 16};
  o.gen = {2, 6};
  o.seed = 11;
  o.ttft_limit_ms = 1e9;  // generous limits: every request meets them
  o.tpot_limit_ms = 1e9;
  const auto r = RunServer(*e->session, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->requests.size(), PoissonArrivals(40.0, 0.5, 11).size());
  ASSERT_FALSE(r->requests.empty());
  for (const ServedRequest& q : r->requests) {
    EXPECT_GE(q.queue_ms, 0.0);
    EXPECT_LE(q.queue_ms, q.ttft_ms);
    EXPECT_LE(q.ttft_ms, q.e2e_ms);
    EXPECT_GE(q.prompt_tokens, 8);
    EXPECT_LE(q.gen_tokens, 6);
    EXPECT_TRUE(q.met_limits);
  }
  EXPECT_DOUBLE_EQ(r->slo_attainment(), 1.0);
  EXPECT_NEAR(r->goodput_req_per_s(), r->req_per_s(), 1e-12);
  EXPECT_GE(r->mean_decode_batch, 1.0);
  EXPECT_LE(r->mean_decode_batch, 3.0);
  EXPECT_EQ(r->max_concurrency, 3);
}

TEST(RunServer, ImpossibleLimitsGiveZeroGoodput) {
  auto e = testing::MakeBenchEngine(48, 2, 64);
  ServerOptions o;
  o.rate_per_s = 20.0;
  o.duration_s = 0.3;
  o.prompt = {8, 8};
  o.gen = {3, 3};
  o.ttft_limit_ms = 1e-9;  // nothing is that fast
  const auto r = RunServer(*e->session, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->goodput_req_per_s(), 0.0);
  ASSERT_FALSE(r->requests.empty());  // 20/s for 0.3 s: about 6 arrivals (seeded)
  EXPECT_DOUBLE_EQ(r->slo_attainment(), 0.0);
}

}  // namespace
}  // namespace cratio
