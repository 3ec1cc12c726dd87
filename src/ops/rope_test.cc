// RoPE: frequency tables (plain, per-frequency factors, Llama-3 scaling) and rotation in
// both pairing layouts.
#include "ops/rope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "base/thread_pool.h"
#include "kernels/kernel_table.h"

namespace cratio {
namespace {

constexpr float kRotationTolerance = 1e-5f;

TEST(RopeTable, FrequenciesFollowTheBase) {
  RopeTable t = MakeRopeTable(8, RopeLayout::kAdjacent, 10000.0f, nullptr, RopeScaling{});
  ASSERT_EQ(t.inv_freq.size(), 4u);
  EXPECT_DOUBLE_EQ(t.inv_freq[0], 1.0);
  EXPECT_NEAR(t.inv_freq[1], 0.1, 1e-12);    // 10000^(-2/8)
  EXPECT_NEAR(t.inv_freq[2], 0.01, 1e-12);
  EXPECT_NEAR(t.inv_freq[3], 0.001, 1e-12);
}

TEST(RopeTable, FrequencyFactorsDivide) {
  const float factors[] = {1.0f, 2.0f, 4.0f, 8.0f};
  RopeTable t = MakeRopeTable(8, RopeLayout::kHalf, 10000.0f, factors, RopeScaling{});
  EXPECT_NEAR(t.inv_freq[1], 0.05, 1e-12);
  EXPECT_NEAR(t.inv_freq[3], 0.000125, 1e-12);
}

TEST(RopeTable, Llama3ScalingKeepsHighAndStretchesLowFrequencies) {
  RopeScaling s;
  s.factor = 8.0f;
  s.low_freq_factor = 1.0f;
  s.high_freq_factor = 4.0f;
  s.original_context = 8192;
  const int64_t dim = 128;
  RopeTable plain = MakeRopeTable(dim, RopeLayout::kAdjacent, 500000.0f, nullptr, RopeScaling{});
  RopeTable scaled = MakeRopeTable(dim, RopeLayout::kAdjacent, 500000.0f, nullptr, s);
  int num_kept = 0, num_stretched = 0, num_blended = 0;
  for (int64_t i = 0; i < dim / 2; ++i) {
    const double wavelen = 2 * std::numbers::pi / plain.inv_freq[i];
    if (wavelen < 8192.0 / 4) {
      EXPECT_DOUBLE_EQ(scaled.inv_freq[i], plain.inv_freq[i]);
      ++num_kept;
    } else if (wavelen > 8192.0) {
      EXPECT_NEAR(scaled.inv_freq[i], plain.inv_freq[i] / 8, 1e-15);
      ++num_stretched;
    } else {
      EXPECT_LT(scaled.inv_freq[i], plain.inv_freq[i]);
      EXPECT_GT(scaled.inv_freq[i], plain.inv_freq[i] / 8);
      ++num_blended;
    }
  }
  EXPECT_GT(num_kept, 0);
  EXPECT_GT(num_stretched, 0);
  EXPECT_GT(num_blended, 0);
}

TEST(ApplyRope, RotatesAdjacentPairsByPositionTimesFrequency) {
  ThreadPool pool(1);
  OpContext ctx(&pool);
  RopeTable t = MakeRopeTable(4, RopeLayout::kAdjacent, 100.0f, nullptr, RopeScaling{});
  // One token at position 3, one head of 6 (rope_dim 4: the last two stay).
  std::vector<float> q = {1, 0, 0, 1, 5, 6};
  const int32_t pos = 3;
  std::vector<float> cs(4);
  RopeCosSin(t, &pos, 1, cs.data());
  ApplyRope(ctx, t, cs.data(), q.data(), 6, 1, nullptr, 0, 0, 6, 1);
  // pair 0 (freq 1): (1, 0) → (cos 3, sin 3); pair 1 (freq 0.1): (0, 1) → (-sin .3, cos .3)
  EXPECT_NEAR(q[0], std::cos(3.0), kRotationTolerance);
  EXPECT_NEAR(q[1], std::sin(3.0), kRotationTolerance);
  EXPECT_NEAR(q[2], -std::sin(0.3), kRotationTolerance);
  EXPECT_NEAR(q[3], std::cos(0.3), kRotationTolerance);
  EXPECT_EQ(q[4], 5.0f);
  EXPECT_EQ(q[5], 6.0f);
}

TEST(ApplyRope, HalfLayoutEqualsAdjacentOnPermutedElements) {
  ThreadPool pool(2);
  OpContext ctx(&pool);
  const int64_t hd = 16, heads = 3, kv_heads = 1, tokens = 40;
  RopeTable adj = MakeRopeTable(hd, RopeLayout::kAdjacent, 10000.0f, nullptr, RopeScaling{});
  RopeTable half = MakeRopeTable(hd, RopeLayout::kHalf, 10000.0f, nullptr, RopeScaling{});
  std::mt19937 rng(5);
  std::normal_distribution<float> n;
  std::vector<float> q(tokens * heads * hd), k(tokens * kv_heads * hd);
  for (float& x : q) x = n(rng);
  for (float& x : k) x = n(rng);
  std::vector<int32_t> pos(tokens);
  for (int64_t t = 0; t < tokens; ++t) pos[t] = static_cast<int32_t>(t * 7 % 100);
  // perm maps adjacent index 2i → i, 2i+1 → i + hd/2.
  auto permute = [&](const std::vector<float>& src) {
    std::vector<float> dst(src.size());
    for (size_t row = 0; row < src.size() / hd; ++row) {
      for (int64_t i = 0; i < hd / 2; ++i) {
        dst[row * hd + i] = src[row * hd + 2 * i];
        dst[row * hd + i + hd / 2] = src[row * hd + 2 * i + 1];
      }
    }
    return dst;
  };
  std::vector<float> q_half = permute(q), k_half = permute(k);
  std::vector<float> cs(tokens * hd);
  RopeCosSin(adj, pos.data(), tokens, cs.data());
  ApplyRope(ctx, adj, cs.data(), q.data(), heads * hd, heads, k.data(), kv_heads * hd, kv_heads,
            hd, tokens);
  ApplyRope(ctx, half, cs.data(), q_half.data(), heads * hd, heads, k_half.data(),
            kv_heads * hd, kv_heads, hd, tokens);
  const std::vector<float> q_want = permute(q), k_want = permute(k);
  for (size_t i = 0; i < q.size(); ++i) ASSERT_NEAR(q_half[i], q_want[i], kRotationTolerance);
  for (size_t i = 0; i < k.size(); ++i) ASSERT_NEAR(k_half[i], k_want[i], kRotationTolerance);
}

TEST(ApplyRope, PreservesNormsAndIsIdentityAtPositionZero) {
  ThreadPool pool(1);
  OpContext ctx(&pool);
  RopeTable t = MakeRopeTable(8, RopeLayout::kHalf, 10000.0f, nullptr, RopeScaling{});
  std::vector<float> x = {0.5f, -1, 2, 3, -0.25f, 4, 1, -2};
  std::vector<float> y = x;
  const int32_t zero = 0, far = 12345;
  std::vector<float> cs(8);
  RopeCosSin(t, &zero, 1, cs.data());
  ApplyRope(ctx, t, cs.data(), y.data(), 8, 1, nullptr, 0, 0, 8, 1);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i]);
  RopeCosSin(t, &far, 1, cs.data());
  ApplyRope(ctx, t, cs.data(), y.data(), 8, 1, nullptr, 0, 0, 8, 1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(std::hypot(y[i], y[i + 4]), std::hypot(x[i], x[i + 4]), kRotationTolerance);
  }
  EXPECT_NE(y[0], x[0]);
}

}  // namespace
}  // namespace cratio
