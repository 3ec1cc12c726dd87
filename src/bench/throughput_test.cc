// Tests for the pp / tg runner and the per-token work on a tiny random model: the runs
// happen and report positive, finite rates; the work matches the model's shapes. No
// test asserts a speed.
#include "bench/throughput.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "bench/scenario_testing.h"

namespace cratio {
namespace {

std::unique_ptr<testing::BenchEngine> MakeTinyEngine(DType dtype, int64_t max_batch) {
  return testing::MakeBenchEngine(/*n_ctx=*/64, /*n_seq=*/1, max_batch, /*seed=*/0, dtype,
                                  /*num_threads=*/2);
}

TEST(SummarizeRates, MeanAndSampleStandardDeviation) {
  const RateStats r = SummarizeRates({1.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(r.mean_tok_per_s, 2.0);
  EXPECT_DOUBLE_EQ(r.sd_tok_per_s, 1.0);  // sqrt(((1)² + 0 + (1)²) / 2)
  EXPECT_EQ(r.runs_tok_per_s.size(), 3u);
  EXPECT_DOUBLE_EQ(SummarizeRates({5.0}).sd_tok_per_s, 0.0);
}

TEST(MeasureThroughput, ReportsPositiveRatesForEveryRun) {
  auto e = MakeTinyEngine(DType::kF32, 32);
  ThroughputOptions o;
  o.prompt_tokens = 32;
  o.gen_tokens = 8;
  o.num_reps = 3;
  auto r = MeasureThroughput(*e->session, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->prompt_tokens, 32);
  EXPECT_EQ(r->gen_tokens, 8);
  ASSERT_EQ(r->prefill.runs_tok_per_s.size(), 3u);
  ASSERT_EQ(r->decode.runs_tok_per_s.size(), 3u);
  for (const RateStats* s : {&r->prefill, &r->decode}) {
    EXPECT_TRUE(std::isfinite(s->mean_tok_per_s));
    EXPECT_GT(s->mean_tok_per_s, 0.0);
    EXPECT_GE(s->sd_tok_per_s, 0.0);
    for (double v : s->runs_tok_per_s) EXPECT_GT(v, 0.0);
  }
}

TEST(MeasureThroughput, ZeroPromptSkipsPrefill) {
  auto e = MakeTinyEngine(DType::kF32, 8);
  ThroughputOptions o;
  o.prompt_tokens = 0;
  o.gen_tokens = 4;
  o.num_reps = 1;
  auto r = MeasureThroughput(*e->session, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->prefill.runs_tok_per_s.empty());
  EXPECT_EQ(r->decode.runs_tok_per_s.size(), 1u);
}

TEST(MeasureThroughput, RejectsAPromptLargerThanTheBatch) {
  auto e = MakeTinyEngine(DType::kF32, 16);
  ThroughputOptions o;
  o.prompt_tokens = 17;
  auto r = MeasureThroughput(*e->session, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("-p 17"), std::string::npos);
}

TEST(MeasureThroughput, RejectsGenerationLongerThanTheContext) {
  auto e = MakeTinyEngine(DType::kF32, 16);
  ThroughputOptions o;
  o.prompt_tokens = 4;
  o.gen_tokens = 65;  // n_ctx is 64
  auto r = MeasureThroughput(*e->session, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
}

TEST(ComputePerTokenWork, CountsEveryLinearLayerOutputAndNorms) {
  // tiny: model_dim 64, 2 layers, ffn 128 (set above), 4 heads / 2 KV heads (head_dim 16),
  // vocab 260.
  auto e = MakeTinyEngine(DType::kF32, 8);
  const int64_t dim = 64, kv_dim = 2 * 16, ffn = 128, vocab = 260, layers = 2;
  const int64_t layer_macs = dim * dim + 2 * kv_dim * dim + dim * dim + 3 * ffn * dim;
  const int64_t macs = layers * layer_macs + vocab * dim;
  const PerTokenWork w = ComputePerTokenWork(e->weights);
  EXPECT_DOUBLE_EQ(w.linear_flops, 2.0 * macs);
  // f32: 4 bytes per weight, plus 2 norms per layer and the output norm.
  EXPECT_EQ(w.weight_bytes, static_cast<uint64_t>(4 * (macs + layers * 2 * dim + dim)));
}

TEST(ComputePerTokenWork, QuantizedWeightsStreamFewerBytesForTheSameFlops) {
  auto f32 = MakeTinyEngine(DType::kF32, 8);
  auto q8 = MakeTinyEngine(DType::kQ8_0, 8);
  const PerTokenWork a = ComputePerTokenWork(f32->weights);
  const PerTokenWork b = ComputePerTokenWork(q8->weights);
  EXPECT_DOUBLE_EQ(a.linear_flops, b.linear_flops);
  // q8_0: 34 bytes per 32 weights instead of 128.
  EXPECT_LT(b.weight_bytes, a.weight_bytes * 0.3);
  EXPECT_GT(b.weight_bytes, a.weight_bytes * 0.25);
}

}  // namespace
}  // namespace cratio
