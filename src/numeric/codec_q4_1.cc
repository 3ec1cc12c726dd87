// q4_1 codec: blocks of 32, x = d * q + m with q in [0, 15]. Plain quantizer: ggml's
// reference (m = block min, d = range / 15).
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/quant_search.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {

void DequantizeQ4_1(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_1*>(src);  // [n / 32]
  const int64_t num_blocks = BlockCount(n, kQK4_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ4_1& block = blocks[b];
    const float d = F16ToF32(block.d);
    const float m = F16ToF32(block.m);
    float* y = dst + b * kQK4_1;
    for (int j = 0; j < kQK4_1 / 2; ++j) {
      const int q_lo = block.qs[j] & 0x0F;
      const int q_hi = block.qs[j] >> 4;
      // Product rounded before the add (no fused multiply-add), as ggml's scalar code.
      y[j] = static_cast<float>(q_lo) * d + m;
      y[j + kQK4_1 / 2] = static_cast<float>(q_hi) * d + m;
    }
  }
}

void QuantizeQ4_1(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ4_1*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK4_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK4_1;
    float lo = FLT_MAX;
    float hi = -FLT_MAX;
    for (int j = 0; j < kQK4_1; ++j) {
      lo = std::min(lo, x[j]);
      hi = std::max(hi, x[j]);
    }
    const float d = (hi - lo) / 15.0f;
    const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = F32ToF16(d);
    blocks[b].m = F32ToF16(lo);
    for (int j = 0; j < kQK4_1 / 2; ++j) {
      const int q_lo = std::min(15, static_cast<int>((x[j] - lo) * inv_d + 0.5f));
      const int q_hi = std::min(15, static_cast<int>((x[j + kQK4_1 / 2] - lo) * inv_d + 0.5f));
      blocks[b].qs[j] = static_cast<uint8_t>(q_lo | (q_hi << 4));
    }
  }
}

void QuantizeWeightedQ4_1(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ4_1(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ4_1*>(dst);
  const float mean_square = weighted::RowMeanSquare(src, n);
  const quant::AffineSearch search{-0.9f, 0.05f, 36, false};
  const int64_t num_blocks = BlockCount(n, kQK4_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK4_1;
    const float* imp = importance + b * kQK4_1;
    float weights[kQK4_1];
    for (int j = 0; j < kQK4_1; ++j) weights[j] = imp[j] * std::sqrt(mean_square + x[j] * x[j]);
    uint8_t levels[kQK4_1];
    uint8_t scratch[kQK4_1];
    float min = 0.0f;
    const float d = quant::AffineScaleSearch(kQK4_1, 15, x, weights, search, levels, scratch, &min);
    BlockQ4_1 searched;
    searched.d = F32ToF16(d);
    searched.m = F32ToF16(-min);
    for (int j = 0; j < kQK4_1 / 2; ++j) {
      searched.qs[j] = static_cast<uint8_t>(levels[j] | (levels[j + kQK4_1 / 2] << 4));
    }
    // The search only subtracts a min; the plain encoding covers all-positive blocks.
    BlockQ4_1 plain;
    QuantizeQ4_1(x, &plain, kQK4_1);
    blocks[b] = weighted::CloserBlock<BlockQ4_1, kQK4_1>(searched, plain, x, imp, DequantizeQ4_1);
  }
}

}  // namespace cratio::codec
