// Unstructured pruning: exact sparsity per row / per tensor, Wanda's activation weighting,
// what quantized types keep of the zeros, GGUF round trip and argument errors.
#include "compress/prune_unstructured.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "compress/methods.h"
#include "compress/prune_test_util.h"
#include "model/tensor_names.h"

namespace cratio {
namespace {

using testing::RandomModel;
using testing::TensorF32;

int64_t CountZeros(const std::vector<float>& v, int64_t begin, int64_t end) {
  int64_t n = 0;
  for (int64_t i = begin; i < end; ++i) n += v[i] == 0.0f;
  return n;
}

TEST(ZeroSmallest, ZeroesExactlyTheRequestedCountOfSmallestScores) {
  std::vector<float> v = {5, -1, 3, 0.5f, -4, 2};
  std::vector<float> score(v.size());
  for (size_t i = 0; i < v.size(); ++i) score[i] = std::fabs(v[i]);
  ZeroSmallest(v.data(), score.data(), 0, 6, 3);
  EXPECT_EQ(v, (std::vector<float>{5, 0, 3, 0, -4, 0}));
}

TEST(ZeroSmallest, TiesAreBrokenByIndexSoTheCountIsExact) {
  std::vector<float> v(10, 1.0f), score(10, 1.0f);
  ZeroSmallest(v.data(), score.data(), 0, 10, 4);
  EXPECT_EQ(CountZeros(v, 0, 10), 4);
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[9], 1.0f);
}

TEST(PruneUnstructured, PerRowGivesExactSparsityInEveryRowOfEveryLinearLayer) {
  ModelFile model = RandomModel();
  const std::vector<float> embd_before = TensorF32(model, "token_embd.weight");
  auto method = CreateMethod("prune-unstructured:0.7");
  ASSERT_TRUE(method.ok()) << method.status().message();
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(model, {}, &report).ok());
  EXPECT_EQ(report.tensors.size(), 14u);  // 2 layers × 7 linear layers
  for (const TensorEntry& e : model.tensors) {
    const std::vector<float> w = TensorF32(model, e.name);
    if (!IsPrunableLinear(e)) {
      EXPECT_EQ(CountZeros(w, 0, w.size()), 0) << e.name;
      continue;
    }
    const int64_t cols = e.view.cols();
    for (int64_t r = 0; r < e.view.rows(); ++r) {
      ASSERT_EQ(CountZeros(w, r * cols, (r + 1) * cols), std::llround(0.7 * cols))
          << e.name << " row " << r;
    }
  }
  EXPECT_EQ(TensorF32(model, "token_embd.weight"), embd_before);
}

TEST(PruneUnstructured, PerRowKeepsTheLargestMagnitudes) {
  ModelFile model = RandomModel();
  const std::vector<float> before = TensorF32(model, "blk.0.ffn_up.weight");
  auto method = CreateMethod("prune-unstructured:0.5");
  ASSERT_TRUE(method.ok());
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(model, {}, &report).ok());
  const std::vector<float> after = TensorF32(model, "blk.0.ffn_up.weight");
  const int64_t cols = 64;
  for (int64_t r = 0; r < 172; ++r) {
    float largest_dropped = 0.0f, smallest_kept = 1e30f;
    for (int64_t c = 0; c < cols; ++c) {
      const float a = std::fabs(before[r * cols + c]);
      if (after[r * cols + c] == 0.0f) {
        largest_dropped = std::max(largest_dropped, a);
      } else {
        EXPECT_EQ(after[r * cols + c], before[r * cols + c]);
        smallest_kept = std::min(smallest_kept, a);
      }
    }
    ASSERT_LE(largest_dropped, smallest_kept) << "row " << r;
  }
}

TEST(PruneUnstructured, PerTensorHitsTheTensorTargetWithUnevenRows) {
  ModelFile model = RandomModel();
  auto method = CreateMethod("prune-unstructured:0.5:per-tensor");
  ASSERT_TRUE(method.ok()) << method.status().message();
  EXPECT_EQ((*method)->spec(), "prune-unstructured:0.5:per-tensor");
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(model, {}, &report).ok());
  const std::vector<float> w = TensorF32(model, "blk.1.attn_q.weight");  // [64, 64]
  EXPECT_EQ(CountZeros(w, 0, w.size()), 2048);
  std::set<int64_t> per_row;
  for (int64_t r = 0; r < 64; ++r) per_row.insert(CountZeros(w, r * 64, (r + 1) * 64));
  EXPECT_GT(per_row.size(), 1u);  // rows are not pruned evenly
  for (const TensorChange& c : report.tensors) {
    EXPECT_EQ(c.num_nonzero * 2, TensorF32(model, c.name).size()) << c.name;
  }
}

TEST(PruneUnstructured, WandaKeepsWeightsOfHighActivationChannels) {
  // Channel 5 sees activations 10⁶× larger: Wanda keeps its weights even where they are
  // small, magnitude pruning drops about half of them.
  ModelFile model = RandomModel();
  CalibrationData calib;
  for (const TensorEntry& e : model.tensors) {
    if (!IsPrunableLinear(e)) continue;
    ActivationStats st;
    st.sum_sq.assign(e.view.cols(), 1.0);
    st.sum_sq[5] = 1e12;
    st.num_tokens = 10;
    calib.by_tensor[e.name] = st;
  }
  CompressionContext ctx;
  ctx.calib = &calib;
  ModelFile wanda = RandomModel();
  auto method = CreateMethod("prune-wanda:0.5");
  ASSERT_TRUE(method.ok()) << method.status().message();
  EXPECT_TRUE((*method)->needs_calibration());
  CompressionReport report;
  ASSERT_TRUE((*method)->Apply(wanda, ctx, &report).ok());
  ModelFile magnitude = RandomModel();
  ASSERT_TRUE((*CreateMethod("prune-unstructured:0.5"))->Apply(magnitude, {}, &report).ok());
  const std::vector<float> w = TensorF32(wanda, "blk.0.ffn_gate.weight");
  const std::vector<float> m = TensorF32(magnitude, "blk.0.ffn_gate.weight");
  int64_t wanda_zeros = 0, magnitude_zeros = 0;
  for (int64_t r = 0; r < 172; ++r) {
    wanda_zeros += w[r * 64 + 5] == 0.0f;
    magnitude_zeros += m[r * 64 + 5] == 0.0f;
    ASSERT_EQ(CountZeros(w, r * 64, (r + 1) * 64), 32);
  }
  EXPECT_EQ(wanda_zeros, 0);
  EXPECT_GT(magnitude_zeros, 40);
}

TEST(PruneUnstructured, WandaWithoutCalibrationIsInvalidInput) {
  ModelFile model = RandomModel();
  CompressionReport report;
  Status st = (*CreateMethod("prune-wanda:0.5"))->Apply(model, {}, &report);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("--calib"), std::string::npos) << st.message();
}

TEST(PruneUnstructured, ImpossibleTargetsAreInvalidInputWithTheNumber) {
  for (const char* step : {"prune-unstructured:1.5", "prune-unstructured:1", "prune-wanda:-0.1",
                           "prune-unstructured:abc", "prune-unstructured",
                           "prune-unstructured:0.5:per-column"}) {
    auto m = CreateMethod(step);
    ASSERT_FALSE(m.ok()) << step;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput) << step;
    EXPECT_NE(m.status().message().find(step), std::string::npos) << m.status().message();
  }
  EXPECT_NE(CreateMethod("prune-unstructured:1.5").status().message().find("sparsity must be in "
                                                                          "[0, 1)"),
            std::string::npos);
}

TEST(PruneUnstructured, F16ModelKeepsItsDtypeAndExactZerosThroughGguf) {
  ModelFile model = RandomModel(3, DType::kF16);
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("prune-unstructured:0.3"))->Apply(model, {}, &report).ok());
  ModelFile back = testing::GgufRoundTrip(model, testing::TempDir());
  const TensorEntry* e = back.FindTensor("blk.1.ffn_down.weight");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->view.dtype, DType::kF16);
  const std::vector<float> w = TensorF32(back, "blk.1.ffn_down.weight");  // [64, 172]
  for (int64_t r = 0; r < 64; ++r) {
    ASSERT_EQ(CountZeros(w, r * 172, (r + 1) * 172), std::llround(0.3 * 172));
  }
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(back)));
}

// Which stored types hold the pruned zeros exactly (documented in docs/COMPRESSION.md):
// the symmetric block types (value = scale · integer with a zero code) do; the affine
// ones (value = scale · q + min) round a zero to the nearest grid point, usually not 0.
TEST(PruneUnstructured, ZerosSurviveSymmetricQuantTypesOnly) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> row(256);
  for (size_t i = 0; i < row.size(); ++i) row[i] = i % 2 == 0 ? 0.0f : normal(rng);
  const DType exact[] = {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ5_0,
                         DType::kQ4_0, DType::kQ6_K, DType::kQ3_K};
  const DType inexact[] = {DType::kQ4_1, DType::kQ5_1, DType::kQ2_K, DType::kQ4_K, DType::kQ5_K};
  auto zeros_kept = [&](DType t) {
    std::vector<uint8_t> buf(RowBytes(t, 256));
    std::vector<float> back(256);
    StoreRowF32(row.data(), t, 256, buf.data());
    LoadRowF32(buf.data(), t, 256, back.data());
    int64_t kept = 0;
    for (size_t i = 0; i < row.size(); i += 2) kept += back[i] == 0.0f;
    return kept;
  };
  for (DType t : exact) EXPECT_EQ(zeros_kept(t), 128) << DTypeName(t);
  for (DType t : inexact) EXPECT_LT(zeros_kept(t), 128) << DTypeName(t);
}

}  // namespace
}  // namespace cratio
