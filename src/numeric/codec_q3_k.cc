// q3_k codec: super-blocks of 256 = 16 sub-blocks of 16, one 6-bit signed scale each (stored
// +32). x = d * (scale - 32) * (q - 4) with q in [0, 7]: the low two bits are packed as in
// q2_k, the third bit of element j is bit j / 32 of hmask[j % 32].
#include <algorithm>
#include <cmath>
#include <cstring>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/k_scales.h"
#include "numeric/quant_search.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {
namespace {

constexpr int kNumSub = kQK_K / 16;

// levels: [256] in [0, 7], from the search; re-derived against the stored scales where a
// sub-block's scale is non-zero, then split into hmask and qs.
void RequantizeAndPack(const float* x, uint8_t* levels, BlockQ3_K* block) {
  const float d = F16ToF32(block->d);
  for (int j = 0; j < kNumSub; ++j) {
    const float dl = d * static_cast<float>(kscales::Q3ScaleBiased(j, block->scales) - 32);
    if (dl == 0.0f) continue;
    for (int i = 0; i < 16; ++i) {
      const int l = std::clamp(quant::NearestInt(x[16 * j + i] / dl), -4, 3);
      levels[16 * j + i] = static_cast<uint8_t>(l + 4);
    }
  }
  std::memset(block->hmask, 0, sizeof(block->hmask));
  for (int j = 0; j < kQK_K; ++j) {
    if (levels[j] > 3) {
      block->hmask[j % 32] = static_cast<uint8_t>(block->hmask[j % 32] | (1 << (j / 32)));
      levels[j] = static_cast<uint8_t>(levels[j] - 4);
    }
  }
  for (int half = 0; half < kQK_K; half += 128) {
    for (int l = 0; l < 32; ++l) {
      const uint8_t* L = levels + half + l;
      block->qs[half / 4 + l] =
          static_cast<uint8_t>(L[0] | (L[32] << 2) | (L[64] << 4) | (L[96] << 6));
    }
  }
}

void QuantizeSuperBlock(const float* x, BlockQ3_K* block) {
  uint8_t levels[kQK_K];
  float sub_scales[kNumSub];
  float max_abs = 0.0f;
  float max_signed = 0.0f;
  for (int j = 0; j < kNumSub; ++j) {
    int8_t signed_levels[16];
    sub_scales[j] = quant::SymmetricLevelRefine(16, 4, x + 16 * j, signed_levels);
    for (int i = 0; i < 16; ++i) levels[16 * j + i] = static_cast<uint8_t>(signed_levels[i] + 4);
    if (std::fabs(sub_scales[j]) > max_abs) {
      max_abs = std::fabs(sub_scales[j]);
      max_signed = sub_scales[j];
    }
  }
  int biased[kNumSub] = {};
  if (max_signed != 0.0f) {
    // The largest-magnitude scale maps to -32, the extra level of the signed 6-bit range.
    const float inv = -32.0f / max_signed;
    for (int j = 0; j < kNumSub; ++j) {
      biased[j] = std::clamp(quant::NearestInt(inv * sub_scales[j]), -32, 31) + 32;
    }
    kscales::PackQ3Scales(biased, block->scales);
    block->d = F32ToF16(1.0f / inv);
  } else {
    std::memset(block->scales, 0, sizeof(block->scales));
    block->d = F32ToF16(0.0f);
  }
  RequantizeAndPack(x, levels, block);
}

}  // namespace

void DequantizeQ3_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ3_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  float* y = dst;
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ3_K& block = blocks[b];
    const float d_all = F16ToF32(block.d);
    const uint8_t* q = block.qs;
    uint8_t mask = 1;  // hmask bit of the current 32-element group
    int sub = 0;
    for (int half = 0; half < kQK_K; half += 128) {
      for (int shift = 0; shift < 8; shift += 2) {
        for (int part = 0; part < 2; ++part) {
          const float dl =
              d_all * static_cast<float>(kscales::Q3ScaleBiased(sub++, block.scales) - 32);
          for (int l = 0; l < 16; ++l) {
            const int idx = 16 * part + l;
            const int level = ((q[idx] >> shift) & 3) - ((block.hmask[idx] & mask) ? 0 : 4);
            *y++ = dl * static_cast<float>(level);
          }
        }
        mask = static_cast<uint8_t>(mask << 1);
      }
      q += 32;
    }
  }
}

void QuantizeQ3_K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ3_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) QuantizeSuperBlock(src + b * kQK_K, &blocks[b]);
}

void QuantizeWeightedQ3_K(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ3_K(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ3_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK_K;
    const float* imp = importance + b * kQK_K;
    const float spread = 2.0f * weighted::RowMeanSquare(x, kQK_K);
    uint8_t levels[kQK_K];
    float sub_scales[kNumSub];
    float sub_weights[kNumSub];
    float weights[kQK_K];
    for (int j = 0; j < kNumSub; ++j) {
      float sum_w = 0.0f;
      for (int i = 0; i < 16; ++i) {
        const float v = x[16 * j + i];
        weights[16 * j + i] = imp[16 * j + i] * std::sqrt(spread + v * v);
      }
      for (int i = 0; i < 16; ++i) sum_w += weights[16 * j + i];
      sub_weights[j] = sum_w;
    }
    int8_t signed_levels[kQK_K];
    quant::SymmetricScaleSearchBatch(kNumSub, 16, 4, x, weights, signed_levels, sub_scales);
    for (int i = 0; i < kQK_K; ++i) levels[i] = static_cast<uint8_t>(signed_levels[i] + 4);
    // The 16 scales themselves: a signed 6-bit fit weighted by each sub-block's weight.
    int8_t scale_levels[kNumSub];
    const float d = quant::SymmetricScaleSearch(kNumSub, 32, sub_scales, sub_weights, scale_levels);
    int biased[kNumSub];
    for (int j = 0; j < kNumSub; ++j) biased[j] = scale_levels[j] + 32;
    BlockQ3_K searched;
    kscales::PackQ3Scales(biased, searched.scales);
    searched.d = F32ToF16(d);
    RequantizeAndPack(x, levels, &searched);
    BlockQ3_K plain;
    QuantizeSuperBlock(x, &plain);
    blocks[b] = weighted::CloserBlock<BlockQ3_K, kQK_K>(searched, plain, x, imp, DequantizeQ3_K);
  }
}

}  // namespace cratio::codec
