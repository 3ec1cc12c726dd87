// Scale/min fitting for q4_k and q5_k super-blocks (see kquant_affine.h). The plain path is
// ggml's reference quantizer; the weighted path is its importance-matrix variant.
#include "numeric/kquant_affine.h"

#include <algorithm>
#include <cmath>

#include "numeric/blocks.h"
#include "numeric/half.h"
#include "numeric/k_scales.h"
#include "numeric/quant_search.h"

namespace cratio::kquant {
namespace {

constexpr int kNumSub = kQK_K / 32;

// The 6-bit scales and mins from the sub-block fits, then the levels re-derived against
// them. sub_weights: null for the plain fit (scales relative to the largest), else the
// importance fit's per-sub-block weights (weighted least squares).
void FinishSuperBlock(const float* x, const float* sub_scales, const float* sub_mins,
                      const float* sub_weights, int nmax, AffineSuperBlock* out,
                      uint8_t* levels) {
  uint8_t scale_levels[kNumSub];
  uint8_t min_levels[kNumSub];
  if (sub_weights == nullptr) {
    float max_scale = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < kNumSub; ++j) {
      max_scale = std::max(max_scale, sub_scales[j]);
      max_min = std::max(max_min, sub_mins[j]);
    }
    // 6-bit scales and mins relative to the largest of each.
    const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
    for (int j = 0; j < kNumSub; ++j) {
      scale_levels[j] =
          static_cast<uint8_t>(std::clamp(quant::NearestInt(inv_scale * sub_scales[j]), 0, 63));
      min_levels[j] =
          static_cast<uint8_t>(std::clamp(quant::NearestInt(inv_min * sub_mins[j]), 0, 63));
    }
    out->d = F32ToF16(max_scale / 63.0f);
    out->dmin = F32ToF16(max_min / 63.0f);
  } else {
    const float d = quant::PositiveScaleSearch(kNumSub, 63, sub_scales, sub_weights, scale_levels);
    const float dmin = quant::PositiveScaleSearch(kNumSub, 63, sub_mins, sub_weights, min_levels);
    out->d = F32ToF16(d);
    out->dmin = F32ToF16(dmin);
  }
  kscales::PackScaleMin(scale_levels, min_levels, out->scales);

  // Re-derive the levels against the scales as stored (f16 d / dmin, 6-bit scale / min).
  const float d = F16ToF32(out->d);
  const float dmin = F16ToF32(out->dmin);
  for (int j = 0; j < kNumSub; ++j) {
    uint8_t sc;
    uint8_t m;
    kscales::UnpackScaleMin(j, out->scales, &sc, &m);
    const float dl = d * static_cast<float>(sc);
    if (dl == 0.0f) continue;  // keeps the search's levels, as llama.cpp does
    const float ml = dmin * static_cast<float>(m);
    for (int i = 0; i < 32; ++i) {
      const int l = quant::NearestInt((x[32 * j + i] + ml) / dl);
      levels[32 * j + i] = static_cast<uint8_t>(std::clamp(l, 0, nmax));
    }
  }
}

}  // namespace

void FitAffineSuperBlocks(const float* x, const float* importance, int nmax, int count,
                          AffineSuperBlock* out, uint8_t* levels) {
  constexpr int kMaxSub = kMaxFitBatch * kNumSub;
  float weights[kMaxFitBatch * kQK_K] = {};  // zeroed: keeps GCC's uninitialised-use analysis quiet
  float sub_scales[kMaxSub];
  float sub_mins[kMaxSub];
  float sub_weights[kMaxSub];
  const int num_sub = count * kNumSub;

  quant::AffineSearch search;
  if (importance == nullptr) {
    // Weights |x| + rms(sub-block): large elements matter more, small ones still count.
    search = nmax == 15 ? quant::AffineSearch{-1.0f, 0.1f, 20, false}
                        : quant::AffineSearch{-0.5f, 0.1f, 15, false};
    for (int j = 0; j < num_sub; ++j) {
      const float* xs = x + 32 * j;
      float sum_x2 = 0.0f;
      for (int i = 0; i < 32; ++i) sum_x2 += xs[i] * xs[i];
      const float rms = std::sqrt(sum_x2 / 32.0f);
      for (int i = 0; i < 32; ++i) weights[32 * j + i] = rms + std::fabs(xs[i]);
    }
  } else {
    // ggml's importance variant: weight = importance * sqrt(2 * mean(x^2) + x^2) with the
    // mean over the super-block, a finer scale search, then the 6-bit scales and mins
    // fitted by weighted least squares.
    search = quant::AffineSearch{-0.9f, 0.05f, 36, false};
    for (int b = 0; b < count; ++b) {
      const float* xb = x + b * kQK_K;
      float sum_x2 = 0.0f;
      for (int i = 0; i < kQK_K; ++i) sum_x2 += xb[i] * xb[i];
      const float spread = 2.0f * sum_x2 / static_cast<float>(kQK_K);
      for (int j = b * kNumSub; j < (b + 1) * kNumSub; ++j) {
        const float* xs = x + 32 * j;
        float* ws = weights + 32 * j;
        for (int i = 0; i < 32; ++i) {
          ws[i] = importance[32 * j + i] * std::sqrt(spread + xs[i] * xs[i]);
        }
        float sum_w = 0.0f;
        for (int i = 0; i < 32; ++i) sum_w += ws[i];
        sub_weights[j] = sum_w;
      }
    }
  }
  quant::AffineScaleSearchBatch(num_sub, 32, nmax, x, weights, search, levels, sub_scales,
                                sub_mins);
  for (int b = 0; b < count; ++b) {
    FinishSuperBlock(x + b * kQK_K, sub_scales + b * kNumSub, sub_mins + b * kNumSub,
                     importance ? sub_weights + b * kNumSub : nullptr, nmax, &out[b],
                     levels + b * kQK_K);
  }
}

}  // namespace cratio::kquant
