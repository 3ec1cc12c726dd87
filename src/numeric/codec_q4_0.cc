// q4_0 codec: blocks of 32, x = d * (q - 8) with q in [0, 15] (low nibbles hold elements
// 0..15, high nibbles 16..31). Plain quantizer: ggml's reference (d = signed absmax / -8).
#include <algorithm>
#include <cmath>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/quant_search.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {

void DequantizeQ4_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_0*>(src);  // [n / 32]
  const int64_t num_blocks = BlockCount(n, kQK4_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ4_0& block = blocks[b];
    const float d = F16ToF32(block.d);
    float* y = dst + b * kQK4_0;
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      const int q_lo = (block.qs[j] & 0x0F) - 8;
      const int q_hi = (block.qs[j] >> 4) - 8;
      y[j] = static_cast<float>(q_lo) * d;
      y[j + kQK4_0 / 2] = static_cast<float>(q_hi) * d;
    }
  }
}

void QuantizeQ4_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ4_0*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK4_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK4_0;
    float max_abs = 0.0f;
    float max_signed = 0.0f;
    for (int j = 0; j < kQK4_0; ++j) {
      if (max_abs < std::fabs(x[j])) {
        max_abs = std::fabs(x[j]);
        max_signed = x[j];
      }
    }
    // The largest-magnitude element lands exactly on level 0 (-8), using the extra level.
    const float d = max_signed / -8.0f;
    const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = F32ToF16(d);
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      // +8.5 then truncate: round half up into [0, 16], clamped to 15.
      const int q_lo = std::min(15, static_cast<int>(x[j] * inv_d + 8.5f));
      const int q_hi = std::min(15, static_cast<int>(x[j + kQK4_0 / 2] * inv_d + 8.5f));
      blocks[b].qs[j] = static_cast<uint8_t>(q_lo | (q_hi << 4));
    }
  }
}

void QuantizeWeightedQ4_0(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ4_0(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ4_0*>(dst);
  const float mean_square = weighted::RowMeanSquare(src, n);
  const int64_t num_blocks = BlockCount(n, kQK4_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK4_0;
    const float* imp = importance + b * kQK4_0;
    float weights[kQK4_0];
    for (int j = 0; j < kQK4_0; ++j) weights[j] = imp[j] * std::sqrt(mean_square + x[j] * x[j]);
    int8_t levels[kQK4_0];  // [-8, 7]
    const float d = quant::SymmetricScaleSearch(kQK4_0, 8, x, weights, levels);
    BlockQ4_0 searched;
    searched.d = F32ToF16(d);
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      searched.qs[j] = static_cast<uint8_t>((levels[j] + 8) | ((levels[j + kQK4_0 / 2] + 8) << 4));
    }
    BlockQ4_0 plain;
    QuantizeQ4_0(x, &plain, kQK4_0);
    blocks[b] = weighted::CloserBlock<BlockQ4_0, kQK4_0>(searched, plain, x, imp, DequantizeQ4_0);
  }
}

}  // namespace cratio::codec
