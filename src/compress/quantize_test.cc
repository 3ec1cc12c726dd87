// Quantization plans: glob overrides, llama.cpp's block-fit fallbacks, the row-parallel
// quantizer's error measure and importance weighting, and whole-model re-typing.
#include "compress/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "compress/methods.h"
#include "model/tiny_model_testing.h"

namespace cratio {
namespace {

std::vector<float> RandomValues(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

TEST(GlobMatch, StarMatchesAnyRunAndTheWholeNameMustMatch) {
  EXPECT_TRUE(GlobMatch("blk.*.ffn_down.weight", "blk.12.ffn_down.weight"));
  EXPECT_TRUE(GlobMatch("*", "output.weight"));
  EXPECT_TRUE(GlobMatch("*attn_v*", "blk.0.attn_v.weight"));
  EXPECT_FALSE(GlobMatch("blk.*.ffn_down.weight", "blk.1.ffn_up.weight"));
  EXPECT_FALSE(GlobMatch("output", "output.weight"));
  EXPECT_TRUE(GlobMatch("output.weight", "output.weight"));
}

TEST(FitDType, FollowsLlamaCppFallbackChainAndNamesTheReason) {
  std::string note;
  EXPECT_EQ(FitDType(DType::kQ4_K, 512, "t", &note), DType::kQ4_K);
  EXPECT_TRUE(note.empty());
  EXPECT_EQ(FitDType(DType::kQ4_K, 64, "t", &note), DType::kQ5_0);
  EXPECT_NE(note.find("64"), std::string::npos);
  EXPECT_NE(note.find("q5_0"), std::string::npos);
  EXPECT_EQ(FitDType(DType::kQ5_K, 64, "t", nullptr), DType::kQ5_1);
  EXPECT_EQ(FitDType(DType::kQ6_K, 64, "t", nullptr), DType::kQ8_0);
  EXPECT_EQ(FitDType(DType::kQ3_K, 64, "t", nullptr), DType::kQ4_0);
  EXPECT_EQ(FitDType(DType::kQ2_K, 64, "t", nullptr), DType::kQ4_0);
  // 48 columns fit no 32-element block either: f16.
  EXPECT_EQ(FitDType(DType::kQ6_K, 48, "t", nullptr), DType::kF16);
  EXPECT_EQ(FitDType(DType::kQ8_0, 48, "t", nullptr), DType::kF16);
}

TEST(QuantizeTensor, RelativeErrorShrinksWithBitsAndThreadsGiveTheSameBytes) {
  const int64_t rows = 64, cols = 256;
  std::vector<float> w = RandomValues(rows * cols, 3);
  TensorView src{DType::kF32, Shape{rows, cols}, w.data(), w.size() * sizeof(float)};
  ThreadPool pool(2);
  const QuantizedTensor q8 = QuantizeTensor(src, DType::kQ8_0, nullptr, &pool);
  const QuantizedTensor q4 = QuantizeTensor(src, DType::kQ4_K, nullptr, &pool);
  const QuantizedTensor q2 = QuantizeTensor(src, DType::kQ2_K, nullptr, &pool);
  EXPECT_GT(q8.rel_error, 0.0);
  EXPECT_LT(q8.rel_error, 0.01);
  EXPECT_LT(q8.rel_error, q4.rel_error);
  EXPECT_LT(q4.rel_error, q2.rel_error);
  EXPECT_LT(q2.rel_error, 0.5);
  const QuantizedTensor single = QuantizeTensor(src, DType::kQ4_K, nullptr, nullptr);
  ASSERT_EQ(single.buffer->size(), q4.buffer->size());
  EXPECT_EQ(std::memcmp(single.buffer->data(), q4.buffer->data(), q4.buffer->size()), 0);
  EXPECT_NEAR(single.rel_error, q4.rel_error, 1e-12);
}

TEST(QuantizeTensor, ImportanceLowersErrorOnTheChannelsItWeights) {
  const int64_t rows = 32, cols = 256;
  std::vector<float> w = RandomValues(rows * cols, 5);
  TensorView src{DType::kF32, Shape{rows, cols}, w.data(), w.size() * sizeof(float)};
  // Activation energy spread unevenly over channels (log-normal, as in real layers).
  std::vector<float> importance = RandomValues(cols, 11);
  for (float& v : importance) v = std::exp(2.0f * v);
  auto weighted_error = [&](const QuantizedTensor& q) {
    std::vector<float> back(cols);
    double e = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      GetDTypeInfo(DType::kQ3_K).dequantize_row(
          q.buffer->data() + r * RowBytes(DType::kQ3_K, cols), back.data(), cols);
      for (int64_t c = 0; c < cols; ++c) {
        const double d = w[r * cols + c] - back[c];
        e += importance[c] * d * d;
      }
    }
    return e;
  };
  const QuantizedTensor plain = QuantizeTensor(src, DType::kQ3_K, nullptr, nullptr);
  const QuantizedTensor weighted = QuantizeTensor(src, DType::kQ3_K, importance.data(), nullptr);
  const double plain_error = weighted_error(plain), weighted_error_value = weighted_error(weighted);
  std::printf("importance-weighted error %.4g, plain %.4g\n", weighted_error_value, plain_error);
  EXPECT_LT(weighted_error_value, 0.8 * plain_error);
}

TEST(QuantizeMethod, RetypesLinearWeightsKeepsNormsF32AndFallsBackForNarrowRows) {
  testing::TinyModelSpec spec;  // model_dim 64: rows of 64 do not fit 256-element blocks
  ModelFile model = testing::BuildTinyModel(spec);
  CompressionContext ctx;
  CompressionReport report;
  ASSERT_TRUE(MakeQuantizeMethod(DType::kQ4_K)->Apply(model, ctx, &report).ok());
  for (const TensorEntry& e : model.tensors) {
    if (e.view.shape.rank() == 1) {
      EXPECT_EQ(e.view.dtype, DType::kF32) << e.name;
    } else {
      EXPECT_EQ(e.view.dtype, DType::kQ5_0) << e.name;  // q4_k's fallback for 64 and 96 columns
    }
  }
  EXPECT_FALSE(report.notes.empty());
  EXPECT_EQ(model.metadata.GetInt("general.file_type"), 14);
  EXPECT_EQ(model.metadata.GetInt("general.quantization_version"), 2);
  for (const TensorChange& t : report.tensors) {
    EXPECT_GT(t.rel_error, 0.0) << t.name;
    EXPECT_LT(t.rel_error, 0.1) << t.name;
  }
}

TEST(QuantizeMethod, TensorTypeOverrideWinsAndAnUnmatchedPatternIsAnError) {
  testing::TinyModelSpec spec;
  spec.model_dim = 256;
  spec.head_dim = 64;
  spec.ffn_dim = 256;
  ModelFile model = testing::BuildTinyModel(spec);
  CompressionContext ctx;
  ctx.tensor_type_overrides = {{"blk.*.ffn_down.weight", DType::kQ8_0}};
  CompressionReport report;
  ASSERT_TRUE(MakeQuantizeMethod(DType::kQ4_K)->Apply(model, ctx, &report).ok());
  EXPECT_EQ(model.FindTensor("blk.1.ffn_down.weight")->view.dtype, DType::kQ8_0);
  EXPECT_EQ(model.FindTensor("blk.1.ffn_up.weight")->view.dtype, DType::kQ4_K);

  ModelFile again = testing::BuildTinyModel(spec);
  ctx.tensor_type_overrides = {{"blk.*.nothing", DType::kQ8_0}};
  const Status s = MakeQuantizeMethod(DType::kQ4_K)->Apply(again, ctx, &report);
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("blk.*.nothing"), std::string::npos);
}

}  // namespace
}  // namespace cratio
