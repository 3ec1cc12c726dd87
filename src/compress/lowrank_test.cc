// Low-rank factorization: ranks from the targets, reconstruction error against the
// Eckart–Young optimum, factor pairs in the model that the engine runs and GGUF keeps.
#include "compress/lowrank.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compress/methods.h"
#include "compress/prune_test_util.h"
#include "compress/prune_unstructured.h"
#include "compress/svd.h"

namespace cratio {
namespace {

std::vector<float> Gaussian(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = normal(rng);
  return v;
}

// ‖W − W_k‖_F / ‖W‖_F of the best rank-k approximation: sqrt(Σ_{i>=k} σ²/Σ σ²).
double EckartYoung(const std::vector<float>& s, int64_t k) {
  double tail = 0, total = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    total += double{s[i]} * s[i];
    if (static_cast<int64_t>(i) >= k) tail += double{s[i]} * s[i];
  }
  return std::sqrt(tail / total);
}

TEST(LowRankRanks, RatioAndEnergyTargets) {
  EXPECT_EQ(RankForRatio(5632, 2048, 0.5), 750);
  EXPECT_EQ(RankForRatio(64, 64, 0.5), 16);
  EXPECT_EQ(RankForRatio(4, 4, 0.01), 1);
  EXPECT_EQ(RankForEnergy({3, 2, 1}, 14.0, 0.9), 2);   // 9 + 4 = 13 >= 12.6
  EXPECT_EQ(RankForEnergy({3, 2, 1}, 14.0, 1.0), 3);
  EXPECT_TRUE(RankSaves(64, 64, 31));
  EXPECT_FALSE(RankSaves(64, 64, 32));
}

TEST(FactorizeMatrix, ExactRatioErrorEqualsTheTailSingularEnergy) {
  const std::vector<float> w = Gaussian(96 * 80, 3);
  Result<Svd> svd = ExactSvd(w.data(), 96, 80);
  ASSERT_TRUE(svd.ok());
  LowRankOptions opt;
  opt.ratio = 0.5;
  Result<LowRankFactors> f = FactorizeMatrix(w.data(), 96, 80, opt, nullptr);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->rank, 21);  // floor(0.5 · 96 · 80 / 176)
  EXPECT_FALSE(f->randomized);
  EXPECT_NEAR(f->rel_error, EckartYoung(svd->s, 21), 1e-4);
  ASSERT_EQ(f->a.size(), 21u * 80);
  ASSERT_EQ(f->b.size(), 96u * 21);
}

TEST(FactorizeMatrix, RandomizedIsWithinOnePercentOfTheOptimumOnLargeMatrices) {
  // A decaying spectrum (as trained weights have) plus noise.
  const int64_t rows = 700, cols = 512;
  std::vector<float> w = Gaussian(rows * cols, 4);
  const std::vector<float> left = Gaussian(rows * 40, 5), right = Gaussian(40 * cols, 6);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < 40; ++i) {
      const float li = left[r * 40 + i] * 3.0f * std::pow(0.9f, static_cast<float>(i));
      for (int64_t c = 0; c < cols; ++c) w[r * cols + c] += li * right[i * cols + c];
    }
  }
  Result<Svd> svd = ExactSvd(w.data(), rows, cols);
  ASSERT_TRUE(svd.ok());
  LowRankOptions opt;
  opt.ratio = 0.2;
  Result<LowRankFactors> f = FactorizeMatrix(w.data(), rows, cols, opt, nullptr);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(f->randomized);
  EXPECT_EQ(f->rank, RankForRatio(rows, cols, 0.2));
  const double best = EckartYoung(svd->s, f->rank);
  EXPECT_GE(f->rel_error, best - 1e-4);
  EXPECT_LE(f->rel_error, best * 1.01);
}

TEST(FactorizeMatrix, EnergyTargetKeepsThatFractionOfSquaredSingularValues) {
  const std::vector<float> w = Gaussian(64 * 48, 8);
  LowRankOptions opt;
  opt.energy = 0.5;
  Result<LowRankFactors> f = FactorizeMatrix(w.data(), 64, 48, opt, nullptr);
  ASSERT_TRUE(f.ok());
  ASSERT_GT(f->rank, 0);
  // Relative error² is the energy not kept: at most 50 %, and the rank is the smallest.
  EXPECT_LE(f->rel_error * f->rel_error, 0.5 + 1e-5);
  Result<Svd> svd = ExactSvd(w.data(), 64, 48);
  EXPECT_GT(EckartYoung(svd->s, f->rank - 1) * EckartYoung(svd->s, f->rank - 1), 0.5);
}

TEST(FactorizeMatrix, ActivationScalingLowersTheErrorOnBusyChannels) {
  // Channels 0..7 carry large activations: the activation-aware factors reconstruct
  // them better than the plain ones.
  const std::vector<float> w = Gaussian(64 * 64, 9);
  std::vector<float> scale(64, 1.0f);
  for (int c = 0; c < 8; ++c) scale[c] = 30.0f;
  LowRankOptions opt;
  opt.ratio = 0.3;
  auto plain = FactorizeMatrix(w.data(), 64, 64, opt, nullptr);
  auto aware = FactorizeMatrix(w.data(), 64, 64, opt, scale.data());
  ASSERT_TRUE(plain.ok() && aware.ok());
  auto weighted_error = [&](const LowRankFactors& f) {
    double e = 0;
    for (int64_t r = 0; r < 64; ++r) {
      for (int64_t c = 0; c < 64; ++c) {
        double x = 0;
        for (int64_t i = 0; i < f.rank; ++i) x += double{f.b[r * f.rank + i]} * f.a[i * 64 + c];
        e += (x - w[r * 64 + c]) * (x - w[r * 64 + c]) * scale[c] * scale[c];
      }
    }
    return e;
  };
  EXPECT_LT(weighted_error(*aware), 0.8 * weighted_error(*plain));
}

TEST(LowRankMethod, ReplacesLayersByFactorPairsThatRunAndSurviveGguf) {
  ModelFile model = testing::RandomModel(4);
  auto method = CreateMethod("lowrank:ratio=0.5:layers=ffn");
  ASSERT_TRUE(method.ok()) << method.status().message();
  CompressionReport report;
  Status st = (*method)->Apply(model, {}, &report);
  ASSERT_TRUE(st.ok()) << st.message();
  ModelFile back = testing::GgufRoundTrip(model, testing::TempDir());
  // ffn_gate [172, 64]: rank floor(0.5 · 172 · 64 / 236) = 23.
  EXPECT_EQ(back.FindTensor("blk.0.ffn_gate.weight"), nullptr);
  ASSERT_NE(back.FindTensor("blk.0.ffn_gate.lr_a.weight"), nullptr);
  EXPECT_EQ(back.FindTensor("blk.0.ffn_gate.lr_a.weight")->view.shape, (Shape{23, 64}));
  EXPECT_EQ(back.FindTensor("blk.0.ffn_gate.lr_b.weight")->view.shape, (Shape{172, 23}));
  EXPECT_EQ(back.FindTensor("blk.1.ffn_down.lr_a.weight")->view.shape, (Shape{23, 172}));
  EXPECT_NE(back.FindTensor("blk.1.attn_q.weight"), nullptr);  // attention left alone
  ASSERT_EQ(report.tensors.size(), 6u);
  for (const TensorChange& c : report.tensors) {
    EXPECT_GT(c.rel_error, 0.1) << c.name;  // random weights have a flat spectrum
    EXPECT_LT(c.rel_error, 1.0) << c.name;
    EXPECT_NE(c.after.find("rank 23"), std::string::npos) << c.after;
  }
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(back)));
}

TEST(LowRankMethod, ExactlyLowRankLayerIsFoundAndTheLogitsStay) {
  // blk.0.ffn_up is made rank 8: an energy target recovers rank 8 and the same logits;
  // the other (full-rank random) FFN layers would need a rank that saves nothing, so
  // they stay dense and the report says so.
  ModelFile dense = testing::RandomModel(4);
  const std::vector<float> left = Gaussian(172 * 8, 1), right = Gaussian(8 * 64, 2);
  std::vector<float> w(172 * 64, 0.0f);
  for (int64_t r = 0; r < 172; ++r) {
    for (int64_t i = 0; i < 8; ++i) {
      for (int64_t c = 0; c < 64; ++c) w[r * 64 + c] += 0.05f * left[r * 8 + i] * right[i * 64 + c];
    }
  }
  for (TensorEntry& e : dense.tensors) {
    if (e.name != "blk.0.ffn_up.weight") continue;
    auto buf = StoreTensorF32(w.data(), e.view.dtype, e.view.shape, nullptr);
    e.view.data = buf->data();
    dense.owned.push_back(buf);
  }
  ModelFile model = dense;
  CompressionReport report;
  ASSERT_TRUE(
      (*CreateMethod("lowrank:energy=0.99999:layers=ffn"))->Apply(model, {}, &report).ok());
  ASSERT_NE(model.FindTensor("blk.0.ffn_up.lr_a.weight"), nullptr);
  EXPECT_EQ(model.FindTensor("blk.0.ffn_up.lr_a.weight")->view.shape, (Shape{8, 64}));
  EXPECT_NE(model.FindTensor("blk.0.ffn_gate.weight"), nullptr);
  EXPECT_EQ(report.notes.size(), 5u);
  const std::vector<float> a = testing::RunLogits(dense), b = testing::RunLogits(model);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-3);
}

TEST(LowRankMethod, F16ModelGetsF16FactorsUnlessAsked) {
  ModelFile model = testing::RandomModel(4, DType::kF16);
  CompressionReport report;
  ASSERT_TRUE((*CreateMethod("lowrank:ratio=0.3:layers=attn"))->Apply(model, {}, &report).ok());
  EXPECT_EQ(model.FindTensor("blk.0.attn_k.lr_a.weight")->view.dtype, DType::kF16);
  ModelFile f32 = testing::RandomModel(4, DType::kF16);
  ASSERT_TRUE(
      (*CreateMethod("lowrank:ratio=0.3:layers=attn:dtype=f32"))->Apply(f32, {}, &report).ok());
  EXPECT_EQ(f32.FindTensor("blk.0.attn_k.lr_b.weight")->view.dtype, DType::kF32);
  EXPECT_TRUE(testing::AllFinite(testing::RunLogits(f32)));
}

TEST(LowRankMethod, BadTargetsAreInvalidInput) {
  for (const char* step : {"lowrank:ratio=0", "lowrank:ratio=1", "lowrank:energy=1.5", "lowrank",
                           "lowrank:ratio=0.5:energy=0.9", "lowrank:layers=ffn",
                           "lowrank:ratio=0.5:layers=mlp", "lowrank:ratio=0.5:dtype=q4_0"}) {
    auto m = CreateMethod(step);
    ASSERT_FALSE(m.ok()) << step;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput) << step;
  }
  EXPECT_NE(CreateMethod("lowrank:ratio=0").status().message().find("(0, 1)"), std::string::npos);
}

}  // namespace
}  // namespace cratio
