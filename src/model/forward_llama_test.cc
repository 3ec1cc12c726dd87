// The engine's forward pass against a double-precision reference on tiny random models,
// on every ISA this CPU has; batching and KV-cache equivalences; input validation.
#include "model/forward_llama.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <vector>

#include "kernels/kernel_table.h"
#include "model/session.h"
#include "model/tiny_model_testing.h"
#include "model/weights.h"

namespace cratio {
namespace {

using testing::BuildTinyModel;
using testing::ReferenceModel;
using testing::TinyModelSpec;

// Max |engine - reference| over a logit row, relative to the row's largest |logit|.
// f32 weights: the engine differs from double only by f32 rounding.
constexpr double kF32Tolerance = 1e-4;
// f16 weights with f32 (or bf16) activations.
constexpr double kF16Tolerance = 2e-2;
// q8_0 weights with activations quantized to q8_0 blocks.
constexpr double kQ8Tolerance = 4e-2;
// The same engine on the same inputs, batched differently: only summation order differs.
constexpr double kBatchTolerance = 1e-5;

std::vector<Isa> AvailableIsas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    if (KernelTableFor(isa).ok()) isas.push_back(isa);
  }
  return isas;
}

double RowError(const float* got, const std::vector<double>& want) {
  double max_abs = 0, err = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    max_abs = std::max(max_abs, std::abs(want[i]));
    err = std::max(err, std::abs(got[i] - want[i]));
  }
  return err / std::max(max_abs, 1e-6);
}

std::vector<int32_t> RandomTokens(int64_t n, int64_t vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int32_t> t(n);
  for (auto& x : t) x = static_cast<int32_t>(rng() % vocab);
  return t;
}

struct Loaded {
  ModelFile file;
  ModelConfig config;
  ModelWeights weights;
};

std::unique_ptr<Loaded> Load(const TinyModelSpec& spec) {
  auto m = std::make_unique<Loaded>();
  m->file = BuildTinyModel(spec);
  auto cfg = ModelConfig::FromModelFile(m->file);
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  m->config = *cfg;
  auto w = ModelWeights::Load(m->file, m->config);
  EXPECT_TRUE(w.ok()) << w.status().message();
  if (w.ok()) m->weights = std::move(*w);
  return m;
}

std::unique_ptr<Session> MakeSession(const ModelWeights& w, Isa isa, int64_t n_seq = 1,
                                     int num_threads = 2) {
  SessionOptions o;
  o.n_seq = n_seq;
  o.num_threads = num_threads;
  o.kernels = *KernelTableFor(isa);
  auto s = Session::Create(w, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

// Prefills `tokens` as one batch of sequence 0 with logits for every position and
// compares each row with the reference, on every ISA.
void ExpectMatchesReference(const TinyModelSpec& spec, double tolerance, int64_t num_tokens = 12) {
  auto m = Load(spec);
  ASSERT_EQ(m->weights.layers().size(), static_cast<size_t>(spec.num_layers));
  const std::vector<int32_t> tokens = RandomTokens(num_tokens, spec.vocab_size, spec.seed + 7);
  const auto want = ReferenceModel(m->file, m->config).Forward(tokens);
  for (Isa isa : AvailableIsas()) {
    SCOPED_TRACE(IsaName(isa));
    auto s = MakeSession(m->weights, isa);
    Batch b;
    for (int64_t t = 0; t < num_tokens; ++t) b.Add(tokens[t], static_cast<int32_t>(t), 0, true);
    ASSERT_TRUE(s->Forward(b).ok());
    ASSERT_EQ(s->num_logits(), num_tokens);
    for (int64_t t = 0; t < num_tokens; ++t) {
      EXPECT_LE(RowError(s->logits(t), want[t]), tolerance) << "token " << t;
    }
  }
}

TEST(ForwardLlama, MatchesReferenceWithAdjacentRopeAndGqa) {
  ExpectMatchesReference(TinyModelSpec{}, kF32Tolerance);
}

TEST(ForwardLlama, MatchesReferenceWithHalfRopeLayout) {
  TinyModelSpec spec;
  spec.rope_layout = "half";
  spec.seed = 2;
  ExpectMatchesReference(spec, kF32Tolerance);
}

TEST(ForwardLlama, MatchesReferenceForQwen2WithBiasesAndTiedOutput) {
  TinyModelSpec spec;
  spec.arch = "qwen2";  // half layout by default
  spec.qkv_bias = true;
  spec.tied_output = true;
  spec.seed = 3;
  ExpectMatchesReference(spec, kF32Tolerance);
}

TEST(ForwardLlama, MatchesReferenceForPrunedLayersWithOwnHeadAndFfnSizes) {
  TinyModelSpec spec;
  spec.num_layers = 3;
  spec.layer_ffn_dim = {96, 40, 0};
  spec.layer_num_heads = {0, 2, 4};
  spec.layer_num_kv_heads = {0, 1, 4};
  spec.seed = 4;
  auto m = Load(spec);
  EXPECT_EQ(m->weights.layer(1).ffn_dim, 40);
  EXPECT_EQ(m->weights.layer(1).num_heads, 2);
  EXPECT_EQ(m->weights.layer(1).num_kv_heads, 1);
  EXPECT_EQ(m->weights.layer(2).num_kv_heads, 4);
  ExpectMatchesReference(spec, kF32Tolerance);
}

TEST(ForwardLlama, MatchesReferenceWithLowRankLayer) {
  TinyModelSpec spec;
  spec.low_rank_layer = 1;
  spec.seed = 5;
  auto m = Load(spec);
  EXPECT_TRUE(m->weights.layer(1).attn_q.is_low_rank());
  EXPECT_FALSE(m->weights.layer(0).attn_q.is_low_rank());
  ExpectMatchesReference(spec, kF32Tolerance);
}

TEST(ForwardLlama, MatchesReferenceWithRopeFrequencyFactors) {
  TinyModelSpec spec;
  spec.rope_freqs = true;
  spec.rope_freq_base = 500000.0f;
  spec.seed = 6;
  ExpectMatchesReference(spec, kF32Tolerance, 20);
}

TEST(ForwardLlama, MatchesReferenceWithF16Weights) {
  TinyModelSpec spec;
  spec.linear_dtype = DType::kF16;
  spec.embd_dtype = DType::kF16;
  spec.seed = 7;
  ExpectMatchesReference(spec, kF16Tolerance);
}

TEST(ForwardLlama, MatchesReferenceWithQ8_0Weights) {
  TinyModelSpec spec;
  spec.linear_dtype = DType::kQ8_0;
  spec.embd_dtype = DType::kQ8_0;
  spec.ffn_dim = 64;
  spec.seed = 8;
  ExpectMatchesReference(spec, kQ8Tolerance);
}

// q8_0 / q4_0 / q4_k / q6_k linear weights, which the loader regroups into the kRows16 layout where the
// process-wide table has kernels for it (every table runs such views): 12 tokens take the
// small-batch route, 20 the prefill route.
TEST(ForwardLlama, MatchesReferenceWithRows16Weights) {
  for (DType dtype : {DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K}) {
    SCOPED_TRACE(DTypeName(dtype));
    TinyModelSpec spec;
    spec.linear_dtype = dtype;
    spec.model_dim = 256;
    spec.num_heads = 8;
    spec.num_kv_heads = 4;
    spec.head_dim = 32;
    spec.ffn_dim = 256;
    spec.vocab_size = 64;
    spec.seed = 9;
    auto m = Load(spec);
    // 2 layers × 7 linear weights + the separate output.
    const bool packs = GetKernelTable().matmul_for(dtype).rows16_gemm != nullptr;
    EXPECT_EQ(m->weights.num_rows16(), packs ? 15 : 0);
    EXPECT_EQ(m->weights.layer(0).ffn_up.dense.layout,
              packs ? WeightLayout::kRows16 : WeightLayout::kRows);
    ExpectMatchesReference(spec, kQ8Tolerance, 12);
    ExpectMatchesReference(spec, kQ8Tolerance, 20);
  }
}

TEST(ModelWeights, Rows16PackingCanBeTurnedOff) {
  TinyModelSpec spec;
  spec.linear_dtype = DType::kQ4_0;
  spec.model_dim = 64;
  spec.ffn_dim = 64;
  ::setenv("CRATIO_REPACK", "0", 1);
  auto m = Load(spec);
  ::unsetenv("CRATIO_REPACK");
  EXPECT_EQ(m->weights.num_rows16(), 0);
  EXPECT_EQ(m->weights.layer(0).attn_q.dense.layout, WeightLayout::kRows);
}

TEST(Session, PrefillThenDecodeEqualsFullPrefill) {
  TinyModelSpec spec;
  spec.seed = 11;
  auto m = Load(spec);
  const std::vector<int32_t> tokens = RandomTokens(10, spec.vocab_size, 99);
  for (Isa isa : AvailableIsas()) {
    SCOPED_TRACE(IsaName(isa));
    auto full = MakeSession(m->weights, isa);
    Batch b;
    for (int32_t t = 0; t < 10; ++t) b.Add(tokens[t], t, 0, true);
    ASSERT_TRUE(full->Forward(b).ok());
    std::vector<std::vector<float>> want;
    for (int t = 0; t < 10; ++t) want.emplace_back(full->logits(t), full->logits(t) + spec.vocab_size);

    auto inc = MakeSession(m->weights, isa);
    b.Clear();
    for (int32_t t = 0; t < 6; ++t) b.Add(tokens[t], t, 0, t == 5);
    ASSERT_TRUE(inc->Forward(b).ok());
    ASSERT_EQ(inc->num_logits(), 1);
    std::vector<double> w5(want[5].begin(), want[5].end());
    EXPECT_LE(RowError(inc->logits(0), w5), kBatchTolerance);
    for (int32_t t = 6; t < 10; ++t) {
      b.Clear();
      b.Add(tokens[t], t, 0, true);
      ASSERT_TRUE(inc->Forward(b).ok());
      std::vector<double> wt(want[t].begin(), want[t].end());
      EXPECT_LE(RowError(inc->logits(0), wt), kBatchTolerance) << "decode step " << t;
    }
    EXPECT_EQ(inc->kv_cache().seq_len(0), 10);
  }
}

TEST(Session, BatchOfSequencesEqualsRunningThemOneByOne) {
  TinyModelSpec spec;
  spec.seed = 12;
  spec.arch = "qwen2";
  spec.qkv_bias = true;
  auto m = Load(spec);
  const std::vector<std::vector<int32_t>> seqs = {RandomTokens(7, spec.vocab_size, 1),
                                                   RandomTokens(3, spec.vocab_size, 2),
                                                   RandomTokens(9, spec.vocab_size, 3)};
  for (Isa isa : AvailableIsas()) {
    SCOPED_TRACE(IsaName(isa));
    // One by one: a fresh single-sequence session each.
    std::vector<std::vector<std::vector<double>>> want(seqs.size());
    for (size_t s = 0; s < seqs.size(); ++s) {
      auto one = MakeSession(m->weights, isa);
      Batch b;
      for (size_t t = 0; t < seqs[s].size(); ++t) {
        b.Add(seqs[s][t], static_cast<int32_t>(t), 0, true);
      }
      ASSERT_TRUE(one->Forward(b).ok());
      for (size_t t = 0; t < seqs[s].size(); ++t) {
        want[s].emplace_back(one->logits(t), one->logits(t) + spec.vocab_size);
      }
    }
    // All at once, interleaved, in one batch of a 3-sequence session.
    auto all = MakeSession(m->weights, isa, 3);
    Batch b;
    std::vector<std::pair<size_t, size_t>> order;
    for (size_t t = 0; t < 9; ++t) {
      for (size_t s = 0; s < seqs.size(); ++s) {
        if (t >= seqs[s].size()) continue;
        b.Add(seqs[s][t], static_cast<int32_t>(t), static_cast<int32_t>(s), true);
        order.emplace_back(s, t);
      }
    }
    ASSERT_TRUE(all->Forward(b).ok());
    ASSERT_EQ(all->num_logits(), static_cast<int64_t>(order.size()));
    for (size_t r = 0; r < order.size(); ++r) {
      const auto [s, t] = order[r];
      EXPECT_LE(RowError(all->logits(r), want[s][t]), kBatchTolerance)
          << "seq " << s << " pos " << t;
    }
    // A decode step for two sequences at different positions in one batch.
    Batch step;
    step.Add(5, 3, 1, true);
    step.Add(6, 9, 2, true);
    ASSERT_TRUE(all->Forward(step).ok());
    auto one = MakeSession(m->weights, isa);
    Batch b1;
    for (size_t t = 0; t < seqs[2].size(); ++t) b1.Add(seqs[2][t], static_cast<int32_t>(t), 0, false);
    b1.Add(6, 9, 0, true);
    ASSERT_TRUE(one->Forward(b1).ok());
    std::vector<double> w(one->logits(0), one->logits(0) + spec.vocab_size);
    EXPECT_LE(RowError(all->logits(1), w), kBatchTolerance);
  }
}

TEST(Session, RejectsInvalidBatches) {
  auto m = Load(TinyModelSpec{});
  SessionOptions o;
  o.n_ctx = 8;
  o.n_seq = 2;
  o.max_batch = 4;
  o.num_threads = 1;
  auto s = Session::Create(m->weights, o);
  ASSERT_TRUE(s.ok());
  Batch b;
  EXPECT_EQ((*s)->Forward(b).code(), StatusCode::kInvalidInput);  // empty
  b.Add(50, 0, 0, true);  // vocab is 50
  Status st = (*s)->Forward(b);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("id 50"), std::string::npos) << st.message();
  b.Clear();
  b.Add(1, 1, 0, true);  // skips position 0
  st = (*s)->Forward(b);
  EXPECT_NE(st.message().find("must not skip"), std::string::npos) << st.message();
  b.Clear();
  b.Add(1, 0, 2, true);  // only sequences 0 and 1
  EXPECT_EQ((*s)->Forward(b).code(), StatusCode::kInvalidInput);
  b.Clear();
  for (int i = 0; i < 5; ++i) b.Add(1, i, 0, false);  // max_batch 4
  EXPECT_EQ((*s)->Forward(b).code(), StatusCode::kInvalidInput);
  EXPECT_EQ((*s)->kv_cache().seq_len(0), 0);  // nothing ran
  b.Clear();
  for (int i = 0; i < 4; ++i) b.Add(1, i, 1, i == 3);
  ASSERT_TRUE((*s)->Forward(b).ok());
  EXPECT_EQ((*s)->kv_cache().seq_len(1), 4);
  EXPECT_EQ((*s)->kv_cache().seq_len(0), 0);
  b.Clear();
  b.Add(1, 8, 1, true);  // n_ctx 8
  EXPECT_EQ((*s)->Forward(b).code(), StatusCode::kInvalidInput);
}

TEST(ModelWeights, NamesMissingAndMisShapedTensors) {
  TinyModelSpec spec;
  ModelFile f = BuildTinyModel(spec);
  auto cfg = ModelConfig::FromModelFile(f);
  ASSERT_TRUE(cfg.ok());
  {
    ModelFile g = BuildTinyModel(spec);
    std::erase_if(g.tensors, [](const TensorEntry& e) { return e.name == "blk.1.ffn_up.weight"; });
    auto w = ModelWeights::Load(g, *cfg);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("'blk.1.ffn_up.weight' is missing"), std::string::npos)
        << w.status().message();
  }
  {
    ModelFile g = BuildTinyModel(spec);
    for (TensorEntry& e : g.tensors) {
      if (e.name == "blk.0.attn_v.weight") e.view.shape = Shape{16, 128};
    }
    auto w = ModelWeights::Load(g, *cfg);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("'blk.0.attn_v.weight' has shape [16, 128], expected "
                                        "[32, 64]"),
              std::string::npos)
        << w.status().message();
  }
  {
    ModelFile g = BuildTinyModel(spec);
    for (TensorEntry& e : g.tensors) {
      if (e.name == "blk.0.attn_k.weight") e.view.shape = Shape{20, 64};  // not whole heads
    }
    auto w = ModelWeights::Load(g, *cfg);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("head_dim 16"), std::string::npos)
        << w.status().message();
  }
}

TEST(ModelWeights, TiedOutputUsesTheEmbedding) {
  TinyModelSpec spec;
  spec.tied_output = true;
  auto m = Load(spec);
  EXPECT_TRUE(m->config.tied_output);
  EXPECT_EQ(m->weights.output().dense.data, m->weights.token_embd().data);
}

}  // namespace
}  // namespace cratio
