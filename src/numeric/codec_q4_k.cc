// q4_k codec: super-blocks of 256 = 8 sub-blocks of 32 with 6-bit scale and min each;
// x = d * scale * q - dmin * min with q in [0, 15]. qs holds 64-element groups in 32 bytes:
// low nibbles are elements 0..31 of the group, high nibbles 32..63.
#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/k_scales.h"
#include "numeric/kquant_affine.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {
namespace {

void PackSuperBlock(const kquant::AffineSuperBlock& fit, const uint8_t* levels, BlockQ4_K* block) {
  block->d = fit.d;
  block->dmin = fit.dmin;
  for (int i = 0; i < kKScaleSize; ++i) block->scales[i] = fit.scales[i];
  uint8_t* q = block->qs;
  for (int group = 0; group < kQK_K; group += 64) {
    for (int l = 0; l < 32; ++l) {
      q[l] = static_cast<uint8_t>(levels[group + l] | (levels[group + l + 32] << 4));
    }
    q += 32;
  }
}

}  // namespace

void DequantizeQ4_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  float* y = dst;
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ4_K& block = blocks[b];
    const float d = F16ToF32(block.d);
    const float dmin = F16ToF32(block.dmin);
    const uint8_t* q = block.qs;
    for (int sub = 0; sub < 8; sub += 2) {
      uint8_t sc;
      uint8_t m;
      kscales::UnpackScaleMin(sub, block.scales, &sc, &m);
      const float d1 = d * static_cast<float>(sc);
      const float m1 = dmin * static_cast<float>(m);
      kscales::UnpackScaleMin(sub + 1, block.scales, &sc, &m);
      const float d2 = d * static_cast<float>(sc);
      const float m2 = dmin * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
      q += 32;
    }
  }
}

void QuantizeQ4_K(const float* src, void* dst, int64_t n) {
  kquant::QuantizeAffineRow<BlockQ4_K, 15, PackSuperBlock, DequantizeQ4_K>(src, dst, n, nullptr);
}

void QuantizeWeightedQ4_K(const float* src, void* dst, int64_t n, const float* importance) {
  kquant::QuantizeAffineRow<BlockQ4_K, 15, PackSuperBlock, DequantizeQ4_K>(src, dst, n, importance);
}

}  // namespace cratio::codec
