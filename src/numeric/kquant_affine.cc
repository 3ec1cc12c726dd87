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

}  // namespace

void FitAffineSuperBlock(const float* x, const float* importance, int nmax, AffineSuperBlock* out,
                         uint8_t* levels) {
  float sub_scales[kNumSub];
  float sub_mins[kNumSub];
  uint8_t scale_levels[kNumSub];
  uint8_t min_levels[kNumSub];
  uint8_t scratch[32];
  float weights[32];

  if (importance == nullptr) {
    // Weights |x| + rms(sub-block): large elements matter more, small ones still count.
    const quant::AffineSearch search = nmax == 15 ? quant::AffineSearch{-1.0f, 0.1f, 20, false}
                                                  : quant::AffineSearch{-0.5f, 0.1f, 15, false};
    float max_scale = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < kNumSub; ++j) {
      const float* xs = x + 32 * j;
      float sum_x2 = 0.0f;
      for (int i = 0; i < 32; ++i) sum_x2 += xs[i] * xs[i];
      const float rms = std::sqrt(sum_x2 / 32.0f);
      for (int i = 0; i < 32; ++i) weights[i] = rms + std::fabs(xs[i]);
      sub_scales[j] = quant::AffineScaleSearch(32, nmax, xs, weights, search, levels + 32 * j,
                                               scratch, &sub_mins[j]);
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
    // ggml's importance variant: weight = importance * sqrt(2 * mean(x^2) + x^2), a finer
    // scale search, then the 6-bit scales and mins fitted by weighted least squares.
    const quant::AffineSearch search{-0.9f, 0.05f, 36, false};
    float sum_x2 = 0.0f;
    for (int i = 0; i < kQK_K; ++i) sum_x2 += x[i] * x[i];
    const float spread = 2.0f * sum_x2 / static_cast<float>(kQK_K);
    float sub_weights[kNumSub];
    for (int j = 0; j < kNumSub; ++j) {
      const float* xs = x + 32 * j;
      for (int i = 0; i < 32; ++i)
        weights[i] = importance[32 * j + i] * std::sqrt(spread + xs[i] * xs[i]);
      float sum_w = 0.0f;
      for (int i = 0; i < 32; ++i) sum_w += weights[i];
      sub_weights[j] = sum_w;
      sub_scales[j] = quant::AffineScaleSearch(32, nmax, xs, weights, search, levels + 32 * j,
                                               scratch, &sub_mins[j]);
    }
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

}  // namespace cratio::kquant
