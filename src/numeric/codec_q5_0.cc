// q5_0 codec: blocks of 32, x = d * (q - 16) with q in [0, 31]; the low four bits are packed
// as in q4_0, the fifth bit of element j is bit j of the little-endian uint32 qh.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/quant_search.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {
namespace {

// Packs 32 levels in [0, 31] into qs / qh.
void PackQ5_0(const int* q, BlockQ5_0* block) {
  uint32_t qh = 0;
  for (int j = 0; j < kQK5_0 / 2; ++j) {
    const int lo = q[j];
    const int hi = q[j + kQK5_0 / 2];
    block->qs[j] = static_cast<uint8_t>((lo & 0x0F) | ((hi & 0x0F) << 4));
    qh |= static_cast<uint32_t>((lo >> 4) & 1) << j;
    qh |= static_cast<uint32_t>((hi >> 4) & 1) << (j + kQK5_0 / 2);
  }
  std::memcpy(block->qh, &qh, sizeof(qh));
}

}  // namespace

void DequantizeQ5_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_0*>(src);  // [n / 32]
  const int64_t num_blocks = BlockCount(n, kQK5_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ5_0& block = blocks[b];
    const float d = F16ToF32(block.d);
    uint32_t qh;
    std::memcpy(&qh, block.qh, sizeof(qh));
    float* y = dst + b * kQK5_0;
    for (int j = 0; j < kQK5_0 / 2; ++j) {
      const int bit_lo = static_cast<int>((qh >> j) & 1) << 4;
      const int bit_hi = static_cast<int>((qh >> (j + kQK5_0 / 2)) & 1) << 4;
      const int q_lo = ((block.qs[j] & 0x0F) | bit_lo) - 16;
      const int q_hi = ((block.qs[j] >> 4) | bit_hi) - 16;
      y[j] = static_cast<float>(q_lo) * d;
      y[j + kQK5_0 / 2] = static_cast<float>(q_hi) * d;
    }
  }
}

void QuantizeQ5_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ5_0*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK5_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK5_0;
    float max_abs = 0.0f;
    float max_signed = 0.0f;
    for (int j = 0; j < kQK5_0; ++j) {
      if (max_abs < std::fabs(x[j])) {
        max_abs = std::fabs(x[j]);
        max_signed = x[j];
      }
    }
    const float d = max_signed / -16.0f;
    const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = F32ToF16(d);
    int q[kQK5_0];
    for (int j = 0; j < kQK5_0; ++j) q[j] = std::min(31, static_cast<int>(x[j] * inv_d + 16.5f));
    PackQ5_0(q, &blocks[b]);
  }
}

void QuantizeWeightedQ5_0(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ5_0(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ5_0*>(dst);
  const float mean_square = weighted::RowMeanSquare(src, n);
  const int64_t num_blocks = BlockCount(n, kQK5_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK5_0;
    const float* imp = importance + b * kQK5_0;
    float weights[kQK5_0];
    for (int j = 0; j < kQK5_0; ++j) weights[j] = imp[j] * std::sqrt(mean_square + x[j] * x[j]);
    int8_t levels[kQK5_0];  // [-16, 15]
    const float d = quant::SymmetricScaleSearch(kQK5_0, 16, x, weights, levels);
    BlockQ5_0 searched;
    searched.d = F32ToF16(d);
    int q[kQK5_0];
    for (int j = 0; j < kQK5_0; ++j) q[j] = levels[j] + 16;
    PackQ5_0(q, &searched);
    BlockQ5_0 plain;
    QuantizeQ5_0(x, &plain, kQK5_0);
    blocks[b] = weighted::CloserBlock<BlockQ5_0, kQK5_0>(searched, plain, x, imp, DequantizeQ5_0);
  }
}

}  // namespace cratio::codec
