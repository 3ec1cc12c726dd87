// Tests for HF <-> llama.cpp tensor names and the Q/K RoPE-layout permutation.
#include "io/hf_names.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "io/io_test_helpers.h"

namespace cratio {
namespace {

TEST(HfNames, MapsEveryLlamaAndQwen2TensorBothWays) {
  const std::pair<const char*, const char*> kPairs[] = {
      {"model.embed_tokens.weight", "token_embd.weight"},
      {"model.norm.weight", "output_norm.weight"},
      {"lm_head.weight", "output.weight"},
      {"model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"},
      {"model.layers.12.self_attn.k_proj.weight", "blk.12.attn_k.weight"},
      {"model.layers.3.self_attn.v_proj.weight", "blk.3.attn_v.weight"},
      {"model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight"},
      {"model.layers.3.mlp.gate_proj.weight", "blk.3.ffn_gate.weight"},
      {"model.layers.3.mlp.up_proj.weight", "blk.3.ffn_up.weight"},
      {"model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"},
      {"model.layers.3.input_layernorm.weight", "blk.3.attn_norm.weight"},
      {"model.layers.3.post_attention_layernorm.weight", "blk.3.ffn_norm.weight"},
      {"model.layers.7.self_attn.q_proj.bias", "blk.7.attn_q.bias"},
      {"model.layers.7.self_attn.k_proj.bias", "blk.7.attn_k.bias"},
      {"model.layers.7.self_attn.v_proj.bias", "blk.7.attn_v.bias"},
      {"model.layers.2.self_attn.q_proj.lr_a.weight", "blk.2.attn_q.lr_a.weight"},
  };
  for (const auto& [hf, gguf] : kPairs) {
    EXPECT_EQ(HfToGgufName(hf), gguf) << hf;
    EXPECT_EQ(GgufToHfName(gguf), hf) << gguf;
  }
}

TEST(HfNames, KeepsUnknownNamesUnchanged) {
  for (const char* name : {"model.layers.0.self_attn.rotary_emb.inv_freq", "rope_freqs.weight",
                           "model.layers.x.self_attn.q_proj.weight", "model.normalizer",
                           "vision_tower.blocks.0.weight", "blk.0.unknown.weight"}) {
    EXPECT_EQ(HfToGgufName(name), name);
    EXPECT_EQ(GgufToHfName(name), name);
  }
  EXPECT_TRUE(IsDerivedHfTensor("model.layers.0.self_attn.rotary_emb.inv_freq"));
  EXPECT_FALSE(IsDerivedHfTensor("model.layers.0.self_attn.q_proj.weight"));
}

TEST(QkPermutation, HalfToAdjacentInterleavesTheTwoHalvesOfEachHead) {
  // 2 heads of head_dim 6 (half = 3); row r holds the value r.
  std::vector<float> src(12), dst(12);
  for (int r = 0; r < 12; ++r) src[r] = static_cast<float>(r);
  ASSERT_TRUE(PermuteQkRows(QkPermutation::kHalfToAdjacent, src.data(), dst.data(), 12,
                            sizeof(float), 2).ok());
  // Adjacent pair (2i, 2i+1) holds half-layout rows (i, i + 3).
  EXPECT_EQ(dst, (std::vector<float>{0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}));
  std::vector<float> back(12);
  ASSERT_TRUE(PermuteQkRows(QkPermutation::kAdjacentToHalf, dst.data(), back.data(), 12,
                            sizeof(float), 2).ok());
  EXPECT_EQ(back, src);
}

TEST(QkPermutation, InverseRestoresEveryDtypeBitExactly) {
  for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16}) {
    ModelFile m;
    testing::AddRandomTensor(m, "w", dtype, Shape{4 * 8, 12}, 7);
    const TensorView w = m.tensors[0].view;
    Result<Tensor> adj = PermuteQk(w, 4, QkPermutation::kHalfToAdjacent);
    ASSERT_TRUE(adj.ok()) << adj.status().message();
    EXPECT_NE(testing::ViewBytes(adj->view()), testing::ViewBytes(w));
    Result<Tensor> back = PermuteQk(adj->view(), 4, QkPermutation::kAdjacentToHalf);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(testing::ViewBytes(back->view()), testing::ViewBytes(w)) << DTypeName(dtype);
  }
}

TEST(QkPermutation, PermutesOneDimensionalBiasElementwise) {
  ModelFile m;
  const std::vector<float> bias = {0, 1, 2, 3, 10, 11, 12, 13};  // 2 heads of 4
  testing::AddOwnedTensor(m, "b", DType::kF32, Shape{8}, bias.data());
  Result<Tensor> adj = PermuteQk(m.tensors[0].view, 2, QkPermutation::kHalfToAdjacent);
  ASSERT_TRUE(adj.ok());
  const float* p = adj->as<float>();
  EXPECT_EQ(std::vector<float>(p, p + 8), (std::vector<float>{0, 2, 1, 3, 10, 12, 11, 13}));
}

// RoPE on one head, in double precision: `pairs(i)` gives the two rotated elements.
std::vector<double> Rope(std::vector<double> x, int pos, bool half_layout) {
  const int d = static_cast<int>(x.size());
  for (int i = 0; i < d / 2; ++i) {
    const double theta = pos * std::pow(10000.0, -2.0 * i / d);
    const int a = half_layout ? i : 2 * i, b = half_layout ? i + d / 2 : 2 * i + 1;
    const double xa = x[a], xb = x[b];
    x[a] = xa * std::cos(theta) - xb * std::sin(theta);
    x[b] = xa * std::sin(theta) + xb * std::cos(theta);
  }
  return x;
}

TEST(QkPermutation, HalfRopeOnHfWeightsEqualsAdjacentRopeOnPermutedWeights) {
  // The point of the permutation: q = W x rotated in the half layout, then permuted, is
  // the same vector as (permuted W) x rotated in the adjacent layout.
  const int head_dim = 8, cols = 5;
  ModelFile m;
  testing::AddRandomTensor(m, "wq", DType::kF32, Shape{head_dim, cols}, 3);
  const std::vector<float> x = testing::RandomFloats(cols, 4);
  Result<Tensor> adj = PermuteQk(m.tensors[0].view, 1, QkPermutation::kHalfToAdjacent);
  ASSERT_TRUE(adj.ok());
  auto matvec = [&](const float* w) {
    std::vector<double> out(head_dim, 0.0);
    for (int r = 0; r < head_dim; ++r) {
      for (int c = 0; c < cols; ++c) out[r] += double{w[r * cols + c]} * x[c];
    }
    return out;
  };
  const std::vector<double> q_half = Rope(matvec(m.tensors[0].view.as<float>()), 5, true);
  const std::vector<double> q_adj = Rope(matvec(adj->as<float>()), 5, false);
  for (int i = 0; i < head_dim / 2; ++i) {
    EXPECT_NEAR(q_adj[2 * i], q_half[i], 1e-12);
    EXPECT_NEAR(q_adj[2 * i + 1], q_half[i + head_dim / 2], 1e-12);
  }
}

TEST(QkPermutation, ConvertRopeLayoutMovesEveryQkTensorAndRecordsTheLayout) {
  ModelFile m;
  m.metadata.Set("general.architecture", MetaValue::Str("qwen2"));
  m.metadata.Set("qwen2.attention.head_count", MetaValue::U32(4));
  m.metadata.Set("qwen2.attention.head_count_kv", MetaValue::U32(2));
  testing::AddRandomTensor(m, "blk.0.attn_q.weight", DType::kF32, Shape{16, 6}, 1);
  testing::AddRandomTensor(m, "blk.0.attn_q.bias", DType::kF32, Shape{16}, 2);
  testing::AddRandomTensor(m, "blk.0.attn_k.weight", DType::kBF16, Shape{8, 6}, 3);
  testing::AddRandomTensor(m, "blk.1.attn_q.lr_a.weight", DType::kF32, Shape{3, 6}, 4);
  testing::AddRandomTensor(m, "blk.1.attn_q.lr_b.weight", DType::kF32, Shape{16, 3}, 5);
  testing::AddRandomTensor(m, "blk.0.attn_v.weight", DType::kF32, Shape{8, 6}, 6);
  std::vector<std::string> before;
  for (const TensorEntry& t : m.tensors) before.push_back(testing::ViewBytes(t.view));

  ASSERT_TRUE(ConvertRopeLayout(m, QkPermutation::kHalfToAdjacent).ok());
  EXPECT_EQ(m.metadata.GetString(kKeyRopeLayout), "adjacent");
  const std::vector<bool> moved = {true, true, true, false, true, false};
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    EXPECT_EQ(testing::ViewBytes(m.tensors[i].view) != before[i], moved[i]) << m.tensors[i].name;
  }
  // K used the 2 kv heads: its rows moved exactly as PermuteQk with 2 heads moves them.
  ModelFile ref;
  testing::AddRandomTensor(ref, "k", DType::kBF16, Shape{8, 6}, 3);
  Result<Tensor> k2 = PermuteQk(ref.tensors[0].view, 2, QkPermutation::kHalfToAdjacent);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(testing::ViewBytes(m.tensors[2].view), testing::ViewBytes(k2->view()));

  ASSERT_TRUE(ConvertRopeLayout(m, QkPermutation::kAdjacentToHalf).ok());
  EXPECT_EQ(m.metadata.GetString(kKeyRopeLayout), "half");
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    EXPECT_EQ(testing::ViewBytes(m.tensors[i].view), before[i]) << m.tensors[i].name;
  }

  // A tensor that does not split leaves the whole model as it was.
  testing::AddRandomTensor(m, "blk.2.attn_k.weight", DType::kF32, Shape{6, 6}, 7);
  const Status s = ConvertRopeLayout(m, QkPermutation::kHalfToAdjacent);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("blk.2.attn_k.weight"), std::string::npos) << s.message();
  EXPECT_EQ(testing::ViewBytes(m.tensors[0].view), before[0]);
  EXPECT_EQ(m.metadata.GetString(kKeyRopeLayout), "half");
}

TEST(QkPermutation, RejectsRowsThatDoNotSplitIntoEvenHeads) {
  std::vector<float> src(12), dst(12);
  Status s = PermuteQkRows(QkPermutation::kHalfToAdjacent, src.data(), dst.data(), 12, 4, 5);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("12 rows"), std::string::npos) << s.message();
  s = PermuteQkRows(QkPermutation::kHalfToAdjacent, src.data(), dst.data(), 12, 4, 4);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("head_dim 3"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace cratio
