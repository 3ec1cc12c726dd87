// q5_k codec: as q4_k with q in [0, 31]: the low four bits are packed as in q4_k, the fifth
// bit of element 64 * g + l (l < 32) is bit 2g of qh[l], of element 64 * g + 32 + l bit 2g + 1.
#include <cstring>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/k_scales.h"
#include "numeric/kquant_affine.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {
namespace {

void PackSuperBlock(const kquant::AffineSuperBlock& fit, const uint8_t* levels, BlockQ5_K* block) {
  block->d = fit.d;
  block->dmin = fit.dmin;
  for (int i = 0; i < kKScaleSize; ++i) block->scales[i] = fit.scales[i];
  std::memset(block->qh, 0, sizeof(block->qh));
  uint8_t* ql = block->qs;
  uint8_t bit_lo = 1;
  uint8_t bit_hi = 2;
  for (int group = 0; group < kQK_K; group += 64) {
    for (int l = 0; l < 32; ++l) {
      int q_lo = levels[group + l];
      int q_hi = levels[group + l + 32];
      if (q_lo > 15) {
        q_lo -= 16;
        block->qh[l] = static_cast<uint8_t>(block->qh[l] | bit_lo);
      }
      if (q_hi > 15) {
        q_hi -= 16;
        block->qh[l] = static_cast<uint8_t>(block->qh[l] | bit_hi);
      }
      ql[l] = static_cast<uint8_t>(q_lo | (q_hi << 4));
    }
    bit_lo = static_cast<uint8_t>(bit_lo << 2);
    bit_hi = static_cast<uint8_t>(bit_hi << 2);
    ql += 32;
  }
}

}  // namespace

void DequantizeQ5_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  float* y = dst;
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ5_K& block = blocks[b];
    const float d = F16ToF32(block.d);
    const float dmin = F16ToF32(block.dmin);
    const uint8_t* ql = block.qs;
    const uint8_t* qh = block.qh;
    uint8_t bit_lo = 1;
    uint8_t bit_hi = 2;
    for (int sub = 0; sub < 8; sub += 2) {
      uint8_t sc;
      uint8_t m;
      kscales::UnpackScaleMin(sub, block.scales, &sc, &m);
      const float d1 = d * static_cast<float>(sc);
      const float m1 = dmin * static_cast<float>(m);
      kscales::UnpackScaleMin(sub + 1, block.scales, &sc, &m);
      const float d2 = d * static_cast<float>(sc);
      const float m2 = dmin * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) {
        const int q = (ql[l] & 0xF) + ((qh[l] & bit_lo) ? 16 : 0);
        *y++ = d1 * static_cast<float>(q) - m1;
      }
      for (int l = 0; l < 32; ++l) {
        const int q = (ql[l] >> 4) + ((qh[l] & bit_hi) ? 16 : 0);
        *y++ = d2 * static_cast<float>(q) - m2;
      }
      ql += 32;
      bit_lo = static_cast<uint8_t>(bit_lo << 2);
      bit_hi = static_cast<uint8_t>(bit_hi << 2);
    }
  }
}

void QuantizeQ5_K(const float* src, void* dst, int64_t n) {
  kquant::QuantizeAffineRow<BlockQ5_K, 31, PackSuperBlock, DequantizeQ5_K>(src, dst, n, nullptr);
}

void QuantizeWeightedQ5_K(const float* src, void* dst, int64_t n, const float* importance) {
  kquant::QuantizeAffineRow<BlockQ5_K, 31, PackSuperBlock, DequantizeQ5_K>(src, dst, n, importance);
}

}  // namespace cratio::codec
