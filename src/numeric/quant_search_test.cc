// Tests of the scale searches behind the k-quant quantizers (quant_search.h).
#include "numeric/quant_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "numeric/test_rows.h"

namespace cratio::quant {
namespace {

TEST(NearestInt, RoundsHalfToEven) {
  EXPECT_EQ(NearestInt(0.5f), 0);
  EXPECT_EQ(NearestInt(1.5f), 2);
  EXPECT_EQ(NearestInt(2.5f), 2);
  EXPECT_EQ(NearestInt(-0.5f), 0);
  EXPECT_EQ(NearestInt(-1.5f), -2);
  EXPECT_EQ(NearestInt(-2.5f), -2);
  EXPECT_EQ(NearestInt(2.5001f), 3);
  EXPECT_EQ(NearestInt(-7.49f), -7);
  EXPECT_EQ(NearestInt(4194303.0f), 4194303);
  EXPECT_EQ(NearestInt(-4194303.0f), -4194303);
}

TEST(SymmetricScaleSearch, RecoversAnExactGrid) {
  // x = 0.25 * l with l spanning [-4, 3]: the fit must find scale 0.25 (sign follows the
  // largest-magnitude element, which maps to -nmax).
  float x[16];
  for (int i = 0; i < 16; ++i) x[i] = 0.25f * static_cast<float>(i % 8 - 4);
  int8_t levels[16];
  const float scale = SymmetricScaleSearch(16, 4, x, nullptr, levels);
  EXPECT_FLOAT_EQ(scale, 0.25f);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(levels[i], i % 8 - 4) << i;
}

TEST(SymmetricScaleSearch, AllZeroGroupGivesZeroScale) {
  float x[16] = {};
  int8_t levels[16];
  EXPECT_EQ(SymmetricScaleSearch(16, 32, x, nullptr, levels), 0.0f);
  for (int8_t l : levels) EXPECT_EQ(l, 0);
}

TEST(SymmetricScaleSearch, HeavyWeightPullsTheFitTowardsThatElement) {
  // 0.3 sits between levels of the unweighted best fit; weighting it heavily must reduce its
  // own error.
  float x[16];
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i - 8) * 0.125f;
  x[3] = 0.3f;
  float flat[16];
  float heavy[16];
  for (int i = 0; i < 16; ++i) flat[i] = heavy[i] = 1.0f;
  heavy[3] = 1000.0f;
  int8_t l_flat[16];
  int8_t l_heavy[16];
  const float s_flat = SymmetricScaleSearch(16, 4, x, flat, l_flat);
  const float s_heavy = SymmetricScaleSearch(16, 4, x, heavy, l_heavy);
  EXPECT_LT(std::fabs(s_heavy * l_heavy[3] - x[3]), std::fabs(s_flat * l_flat[3] - x[3]));
}

// x^2-weighted squared error of x ≈ scale * levels with the least-squares scale for levels.
double FittedError(const float* x, const int8_t* levels, int n) {
  double sum_xl = 0.0;
  double sum_ll = 0.0;
  for (int i = 0; i < n; ++i) {
    const double w = static_cast<double>(x[i]) * x[i];
    sum_xl += w * x[i] * levels[i];
    sum_ll += w * levels[i] * levels[i];
  }
  const double scale = sum_ll > 0.0 ? sum_xl / sum_ll : 0.0;
  double err = 0.0;
  for (int i = 0; i < n; ++i) {
    const double d = x[i] - scale * levels[i];
    err += static_cast<double>(x[i]) * x[i] * d * d;
  }
  return err;
}

TEST(SymmetricLevelRefine, ImprovesOnRoundingToTheAbsmaxGrid) {
  // Its objective is the x^2-weighted error; moving single levels must lower it overall and
  // never raise it for a group, compared with plain rounding on the absmax grid.
  const auto row = testing::GaussianRow(16 * 64, 11);
  double total_start = 0.0;
  double total_refined = 0.0;
  for (int g = 0; g < 64; ++g) {
    const float* x = row.data() + 16 * g;
    float max_abs = 0.0f;
    float max_signed = 0.0f;
    for (int i = 0; i < 16; ++i) {
      if (std::fabs(x[i]) > max_abs) {
        max_abs = std::fabs(x[i]);
        max_signed = x[i];
      }
    }
    int8_t start[16];
    for (int i = 0; i < 16; ++i) {
      start[i] = static_cast<int8_t>(std::clamp(NearestInt(-4.0f / max_signed * x[i]), -4, 3));
    }
    int8_t refined[16];
    SymmetricLevelRefine(16, 4, x, refined);
    const double e_start = FittedError(x, start, 16);
    const double e_refined = FittedError(x, refined, 16);
    EXPECT_LE(e_refined, e_start * (1.0 + 1e-6)) << "group " << g;
    total_start += e_start;
    total_refined += e_refined;
    for (int i = 0; i < 16; ++i) {
      EXPECT_GE(refined[i], -4);
      EXPECT_LE(refined[i], 3);
    }
  }
  EXPECT_LT(total_refined, 0.99 * total_start);
}

TEST(AffineScaleSearch, RecoversAnExactAffineGrid) {
  // x = 0.5 * l - 1.5 with l in [0, 15]: scale 0.5, min 1.5.
  float x[32];
  float w[32];
  for (int i = 0; i < 32; ++i) {
    x[i] = 0.5f * static_cast<float>(i % 16) - 1.5f;
    w[i] = 1.0f;
  }
  uint8_t levels[32];
  uint8_t scratch[32];
  float min = 0.0f;
  const float scale =
      AffineScaleSearch(32, 15, x, w, AffineSearch{-1.0f, 0.1f, 20, false}, levels, scratch, &min);
  EXPECT_NEAR(scale, 0.5f, 1e-6f);
  EXPECT_NEAR(min, 1.5f, 1e-6f);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(levels[i], i % 16) << i;
}

TEST(AffineScaleSearch, PositiveGroupsUseNoMin) {
  // The block format only subtracts a min; an all-positive group fits from zero.
  float x[16];
  float w[16];
  for (int i = 0; i < 16; ++i) {
    x[i] = 1.0f + 0.1f * static_cast<float>(i);
    w[i] = 1.0f;
  }
  uint8_t levels[16];
  uint8_t scratch[16];
  float min = -1.0f;
  AffineScaleSearch(16, 3, x, w, AffineSearch{-0.5f, 0.1f, 15, true}, levels, scratch, &min);
  EXPECT_EQ(min, 0.0f);
}

TEST(PositiveScaleSearch, RecoversAnExactGridAndClampsLevels) {
  const float x[8] = {0.0f, 1.0f, 2.0f, 3.0f, 63.0f, 10.0f, 31.0f, 62.0f};
  const float w[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  uint8_t levels[8];
  const float scale = PositiveScaleSearch(8, 63, x, w, levels);
  EXPECT_NEAR(scale, 1.0f, 1e-6f);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(levels[i], static_cast<int>(x[i])) << i;
}

}  // namespace
}  // namespace cratio::quant
