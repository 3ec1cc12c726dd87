// llama.cpp's mixture rules: which layers get more bits, output/embedding types, and the
// fallbacks when rows do not fit 256-element blocks.
#include "compress/mixtures.h"

#include <gtest/gtest.h>

#include "compress/methods.h"
#include "model/tiny_model_testing.h"

namespace cratio {
namespace {

TensorEntry Entry(const std::string& name, int64_t rows, int64_t cols) {
  TensorEntry e;
  e.name = name;
  e.view = TensorView{DType::kF16, Shape{rows, cols}, nullptr, 0};
  return e;
}

TEST(UseMoreBits, FirstAndLastEighthAndEveryThirdLayerBetween) {
  // 32 layers (Llama-2 7B): llama.cpp's Q4_K_M gives these ffn_down layers q6_k.
  std::vector<int> more;
  for (int l = 0; l < 32; ++l) {
    if (UseMoreBits(l, 32)) more.push_back(l);
  }
  const std::vector<int> expected = {0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31};
  EXPECT_EQ(more, expected);
}

TEST(MixtureTypeFor, Q4KMUsesQ6KForOutputAndSelectedAttnVAndFfnDown) {
  MixtureModelInfo info{22, 22, true};
  const auto p = MixturePreset::kQ4_K_M;
  EXPECT_EQ(MixtureTypeFor(p, Entry("output.weight", 32000, 2048), info), DType::kQ6_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("token_embd.weight", 32000, 2048), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.0.attn_v.weight", 256, 2048), info), DType::kQ6_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.3.attn_v.weight", 256, 2048), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.4.ffn_down.weight", 2048, 5632), info), DType::kQ6_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.5.ffn_down.weight", 2048, 5632), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.21.ffn_down.weight", 2048, 5632), info), DType::kQ6_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.5.attn_q.weight", 2048, 2048), info), DType::kQ4_K);
}

TEST(MixtureTypeFor, Q3KMRaisesAttnOutputAndEarlyAttnV) {
  MixtureModelInfo info{32, 32, true};
  const auto p = MixturePreset::kQ3_K_M;
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.0.attn_v.weight", 4096, 4096), info), DType::kQ5_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.2.attn_v.weight", 4096, 4096), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.1.ffn_down.weight", 4096, 11008), info), DType::kQ5_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.9.ffn_down.weight", 4096, 11008), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.9.attn_output.weight", 4096, 4096), info), DType::kQ4_K);
  EXPECT_EQ(MixtureTypeFor(p, Entry("blk.9.ffn_up.weight", 11008, 4096), info), DType::kQ3_K);
}

TEST(MixtureTypeFor, TiedEmbeddingTakesTheOutputTypeAndNarrowOutputGetsQ8_0) {
  MixtureModelInfo tied{2, 2, false};
  EXPECT_EQ(MixtureTypeFor(MixturePreset::kQ4_K_M, Entry("token_embd.weight", 512, 256), tied),
            DType::kQ6_K);
  MixtureModelInfo info{2, 2, true};
  EXPECT_EQ(MixtureTypeFor(MixturePreset::kQ4_K_M, Entry("output.weight", 512, 64), info),
            DType::kQ8_0);
}

TEST(MixtureMethod, SetsLlamaCppFileTypeAndStoresEachTensorAsPlanned) {
  testing::TinyModelSpec spec;
  spec.model_dim = 256;
  spec.head_dim = 64;
  spec.ffn_dim = 512;
  spec.num_layers = 8;
  ModelFile model = testing::BuildTinyModel(spec);
  auto method = MakeMixtureMethod("q4_k_m");
  ASSERT_TRUE(method.ok());
  EXPECT_EQ((*method)->spec(), "q4_k_m");
  CompressionContext ctx;
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(model, ctx, &report).ok());
  EXPECT_EQ(model.metadata.GetInt("general.file_type"), 15);
  EXPECT_EQ(model.FindTensor("output.weight")->view.dtype, DType::kQ6_K);
  EXPECT_EQ(model.FindTensor("blk.0.ffn_down.weight")->view.dtype, DType::kQ6_K);
  EXPECT_EQ(model.FindTensor("blk.2.ffn_down.weight")->view.dtype, DType::kQ4_K);
  EXPECT_EQ(model.FindTensor("blk.3.ffn_down.weight")->view.dtype, DType::kQ6_K);
  EXPECT_EQ(model.FindTensor("blk.3.ffn_up.weight")->view.dtype, DType::kQ4_K);
  EXPECT_EQ(model.FindTensor("blk.0.attn_norm.weight")->view.dtype, DType::kF32);
  EXPECT_FALSE(MakeMixtureMethod("q4_k_x").ok());
}

}  // namespace
}  // namespace cratio
