// q5_1 codec: blocks of 32, x = d * q + m with q in [0, 31]; bit layout as q5_0.
#include <algorithm>
#include <cfloat>
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
void PackQ5_1(const int* q, BlockQ5_1* block) {
  uint32_t qh = 0;
  for (int j = 0; j < kQK5_1 / 2; ++j) {
    const int lo = q[j];
    const int hi = q[j + kQK5_1 / 2];
    block->qs[j] = static_cast<uint8_t>((lo & 0x0F) | ((hi & 0x0F) << 4));
    qh |= static_cast<uint32_t>((lo >> 4) & 1) << j;
    qh |= static_cast<uint32_t>((hi >> 4) & 1) << (j + kQK5_1 / 2);
  }
  std::memcpy(block->qh, &qh, sizeof(qh));
}

}  // namespace

void DequantizeQ5_1(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_1*>(src);  // [n / 32]
  const int64_t num_blocks = BlockCount(n, kQK5_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ5_1& block = blocks[b];
    const float d = F16ToF32(block.d);
    const float m = F16ToF32(block.m);
    uint32_t qh;
    std::memcpy(&qh, block.qh, sizeof(qh));
    float* y = dst + b * kQK5_1;
    for (int j = 0; j < kQK5_1 / 2; ++j) {
      const int bit_lo = static_cast<int>((qh >> j) & 1) << 4;
      const int bit_hi = static_cast<int>((qh >> (j + kQK5_1 / 2)) & 1) << 4;
      const int q_lo = (block.qs[j] & 0x0F) | bit_lo;
      const int q_hi = (block.qs[j] >> 4) | bit_hi;
      y[j] = static_cast<float>(q_lo) * d + m;
      y[j + kQK5_1 / 2] = static_cast<float>(q_hi) * d + m;
    }
  }
}

void QuantizeQ5_1(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ5_1*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK5_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK5_1;
    float lo = FLT_MAX;
    float hi = -FLT_MAX;
    for (int j = 0; j < kQK5_1; ++j) {
      lo = std::min(lo, x[j]);
      hi = std::max(hi, x[j]);
    }
    const float d = (hi - lo) / 31.0f;
    const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = F32ToF16(d);
    blocks[b].m = F32ToF16(lo);
    int q[kQK5_1];
    for (int j = 0; j < kQK5_1; ++j) {
      q[j] = std::min(31, static_cast<int>((x[j] - lo) * inv_d + 0.5f));
    }
    PackQ5_1(q, &blocks[b]);
  }
}

void QuantizeWeightedQ5_1(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ5_1(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ5_1*>(dst);
  const float mean_square = weighted::RowMeanSquare(src, n);
  const quant::AffineSearch search{-0.9f, 0.05f, 36, false};
  const int64_t num_blocks = BlockCount(n, kQK5_1);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK5_1;
    const float* imp = importance + b * kQK5_1;
    float weights[kQK5_1];
    for (int j = 0; j < kQK5_1; ++j) weights[j] = imp[j] * std::sqrt(mean_square + x[j] * x[j]);
    uint8_t levels[kQK5_1];
    uint8_t scratch[kQK5_1];
    float min = 0.0f;
    const float d = quant::AffineScaleSearch(kQK5_1, 31, x, weights, search, levels, scratch, &min);
    BlockQ5_1 searched;
    searched.d = F32ToF16(d);
    searched.m = F32ToF16(-min);
    int q[kQK5_1];
    for (int j = 0; j < kQK5_1; ++j) q[j] = levels[j];
    PackQ5_1(q, &searched);
    BlockQ5_1 plain;
    QuantizeQ5_1(x, &plain, kQK5_1);
    blocks[b] = weighted::CloserBlock<BlockQ5_1, kQK5_1>(searched, plain, x, imp, DequantizeQ5_1);
  }
}

}  // namespace cratio::codec
