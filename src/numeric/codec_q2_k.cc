// q2_k codec: super-blocks of 256 = 16 sub-blocks of 16. Each sub-block has a 4-bit scale
// and a 4-bit min; x = d * scale * q - dmin * min with q in [0, 3]. qs packs four 2-bit
// values per byte: byte l of each 32-byte half holds elements l, l+32, l+64, l+96 of its
// 128-element half, lowest bits first.
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

constexpr int kNumSub = kQK_K / 16;

// Levels in [0, 3] for the whole super-block, given the stored scales (quantize once more
// against the scales as stored, so rounding of d / dmin / the 4-bit scales is absorbed).
// Sub-blocks whose scale is 0 keep the levels of the search (they decode the same either way;
// keeping them makes our bytes match llama.cpp's).
void RequantizeAndPack(const float* x, uint8_t* levels, BlockQ2_K* block) {
  const float d = F16ToF32(block->d);
  const float dmin = F16ToF32(block->dmin);
  for (int j = 0; j < kNumSub; ++j) {
    const float dl = d * static_cast<float>(block->scales[j] & 0xF);
    if (dl == 0.0f) continue;
    const float ml = dmin * static_cast<float>(block->scales[j] >> 4);
    for (int i = 0; i < 16; ++i) {
      const int l = quant::NearestInt((x[16 * j + i] + ml) / dl);
      levels[16 * j + i] = static_cast<uint8_t>(std::clamp(l, 0, 3));
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

void QuantizeSuperBlock(const float* x, BlockQ2_K* block) {
  uint8_t levels[kQK_K];
  float weights[kQK_K];
  float sub_scales[kNumSub];
  float sub_mins[kNumSub];
  // The sub-block fits minimise weighted |error| with weights |x|.
  const quant::AffineSearch search{-0.5f, 0.1f, 15, true};
  for (int i = 0; i < kQK_K; ++i) weights[i] = std::fabs(x[i]);
  quant::AffineScaleSearchBatch(kNumSub, 16, 3, x, weights, search, levels, sub_scales, sub_mins);
  float max_scale = 0.0f;
  float max_min = 0.0f;
  for (int j = 0; j < kNumSub; ++j) {
    max_scale = std::max(max_scale, sub_scales[j]);
    max_min = std::max(max_min, sub_mins[j]);
  }
  // Scales and mins are quantized to 4 bits against the largest of each.
  constexpr float kLevels = 15.0f;
  if (max_scale > 0.0f) {
    const float inv = kLevels / max_scale;
    for (int j = 0; j < kNumSub; ++j) {
      block->scales[j] =
          static_cast<uint8_t>(std::clamp(quant::NearestInt(inv * sub_scales[j]), 0, 15));
    }
    block->d = F32ToF16(max_scale / kLevels);
  } else {
    std::memset(block->scales, 0, sizeof(block->scales));
    block->d = F32ToF16(0.0f);
  }
  if (max_min > 0.0f) {
    const float inv = kLevels / max_min;
    for (int j = 0; j < kNumSub; ++j) {
      const int min_level = std::clamp(quant::NearestInt(inv * sub_mins[j]), 0, 15);
      block->scales[j] = static_cast<uint8_t>(block->scales[j] | (min_level << 4));
    }
    block->dmin = F32ToF16(max_min / kLevels);
  } else {
    block->dmin = F32ToF16(0.0f);
  }
  RequantizeAndPack(x, levels, block);
}

}  // namespace

void DequantizeQ2_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ2_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  float* y = dst;
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ2_K& block = blocks[b];
    const float d = F16ToF32(block.d);
    const float dmin = F16ToF32(block.dmin);
    const uint8_t* q = block.qs;
    int sub = 0;
    for (int half = 0; half < kQK_K; half += 128) {
      for (int shift = 0; shift < 8; shift += 2) {
        // Two sub-blocks of 16 share each shift: bytes 0..15 and 16..31 of this half.
        for (int part = 0; part < 2; ++part) {
          const uint8_t sc = block.scales[sub++];
          const float dl = d * static_cast<float>(sc & 0xF);
          const float ml = dmin * static_cast<float>(sc >> 4);
          for (int l = 0; l < 16; ++l) {
            const int level = (q[16 * part + l] >> shift) & 3;
            *y++ = dl * static_cast<float>(level) - ml;
          }
        }
      }
      q += 32;
    }
  }
}

void QuantizeQ2_K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ2_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) QuantizeSuperBlock(src + b * kQK_K, &blocks[b]);
}

void QuantizeWeightedQ2_K(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ2_K(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ2_K*>(dst);
  const quant::AffineSearch search{-0.9f, 0.05f, 36, false};
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK_K;
    const float* imp = importance + b * kQK_K;
    // Per-super-block spread, as ggml: weight = importance * sqrt(mean(x^2) + x^2).
    const float mean_square = weighted::RowMeanSquare(x, kQK_K);
    float sub_scales[kNumSub];
    float sub_mins[kNumSub];
    float sub_weights[kNumSub];
    uint8_t levels[kQK_K];
    float weights[kQK_K];
    for (int j = 0; j < kNumSub; ++j) {
      float sum_w = 0.0f;
      for (int i = 0; i < 16; ++i) {
        const float v = x[16 * j + i];
        weights[16 * j + i] = imp[16 * j + i] * std::sqrt(mean_square + v * v);
        sum_w += weights[16 * j + i];
      }
      sub_weights[j] = sum_w;
    }
    quant::AffineScaleSearchBatch(kNumSub, 16, 3, x, weights, search, levels, sub_scales,
                                  sub_mins);
    // 4-bit scales and mins, each fitted to the sub-block values weighted by sub-block weight.
    uint8_t scale_levels[kNumSub];
    uint8_t min_levels[kNumSub];
    const float d = quant::PositiveScaleSearch(kNumSub, 15, sub_scales, sub_weights, scale_levels);
    const float dmin = quant::PositiveScaleSearch(kNumSub, 15, sub_mins, sub_weights, min_levels);
    BlockQ2_K searched;
    searched.d = F32ToF16(d);
    searched.dmin = F32ToF16(dmin);
    for (int j = 0; j < kNumSub; ++j) {
      searched.scales[j] = static_cast<uint8_t>(scale_levels[j] | (min_levels[j] << 4));
    }
    RequantizeAndPack(x, levels, &searched);
    BlockQ2_K plain;
    QuantizeSuperBlock(x, &plain);
    blocks[b] = weighted::CloserBlock<BlockQ2_K, kQK_K>(searched, plain, x, imp, DequantizeQ2_K);
  }
}

}  // namespace cratio::codec
