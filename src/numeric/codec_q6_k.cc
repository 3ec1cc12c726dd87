// q6_k codec: super-blocks of 256 = 16 sub-blocks of 16 with a signed 8-bit scale each;
// x = d * scale * (q - 32) with q in [0, 63]. Per 128-element half: ql holds the low nibbles
// (bytes 0..31: elements l and l+64; bytes 32..63: l+32 and l+96), qh the top two bits of
// elements l, l+32, l+64, l+96 in bits 0-1, 2-3, 4-5, 6-7 of byte l.
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

// importance null: the reference fit (weights x^2); otherwise sub-blocks are fitted with the
// importance itself as weights (as llama.cpp's importance-matrix path).
void EncodeSuperBlock(const float* x, const float* importance, BlockQ6_K* block) {
  uint8_t levels[kQK_K];  // [0, 63]
  float sub_scales[kNumSub];
  float max_abs = 0.0f;
  float max_signed = 0.0f;
  int8_t signed_levels[kQK_K];
  quant::SymmetricScaleSearchBatch(kNumSub, 16, 32, x, importance, signed_levels, sub_scales);
  for (int i = 0; i < kQK_K; ++i) levels[i] = static_cast<uint8_t>(signed_levels[i] + 32);
  for (int j = 0; j < kNumSub; ++j) {
    if (std::fabs(sub_scales[j]) > max_abs) {
      max_abs = std::fabs(sub_scales[j]);
      max_signed = sub_scales[j];
    }
  }
  if (max_abs < quant::kGroupMaxEps) {
    std::memset(block, 0, sizeof(*block));
    return;
  }
  // The largest-magnitude scale maps to -128; the others fit in [-128, 127].
  const float inv = -128.0f / max_signed;
  block->d = F32ToF16(1.0f / inv);
  for (int j = 0; j < kNumSub; ++j) {
    block->scales[j] =
        static_cast<int8_t>(std::clamp(quant::NearestInt(inv * sub_scales[j]), -128, 127));
  }
  const float d = F16ToF32(block->d);
  for (int j = 0; j < kNumSub; ++j) {
    const float dl = d * static_cast<float>(block->scales[j]);
    if (dl == 0.0f) continue;  // keeps the search's levels, as llama.cpp does
    for (int i = 0; i < 16; ++i) {
      const int l = std::clamp(quant::NearestInt(x[16 * j + i] / dl), -32, 31);
      levels[16 * j + i] = static_cast<uint8_t>(l + 32);
    }
  }
  uint8_t* ql = block->ql;
  uint8_t* qh = block->qh;
  for (int half = 0; half < kQK_K; half += 128) {
    for (int l = 0; l < 32; ++l) {
      const uint8_t* L = levels + half + l;
      ql[l] = static_cast<uint8_t>((L[0] & 0xF) | ((L[64] & 0xF) << 4));
      ql[l + 32] = static_cast<uint8_t>((L[32] & 0xF) | ((L[96] & 0xF) << 4));
      qh[l] = static_cast<uint8_t>((L[0] >> 4) | ((L[32] >> 4) << 2) | ((L[64] >> 4) << 4) |
                                   ((L[96] >> 4) << 6));
    }
    ql += 64;
    qh += 32;
  }
}

}  // namespace

void DequantizeQ6_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ6_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const BlockQ6_K& block = blocks[b];
    const float d = F16ToF32(block.d);
    const uint8_t* ql = block.ql;
    const uint8_t* qh = block.qh;
    const int8_t* sc = block.scales;
    float* y = dst + b * kQK_K;
    for (int half = 0; half < kQK_K; half += 128) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        // (d * scale) * q, in that order.
        y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
        y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
        y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
        y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
      }
      y += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}

void QuantizeQ6_K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ6_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) EncodeSuperBlock(src + b * kQK_K, nullptr, &blocks[b]);
}

void QuantizeWeightedQ6_K(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ6_K(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ6_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK_K;
    const float* imp = importance + b * kQK_K;
    BlockQ6_K searched;
    EncodeSuperBlock(x, imp, &searched);
    BlockQ6_K plain;
    EncodeSuperBlock(x, nullptr, &plain);
    blocks[b] = weighted::CloserBlock<BlockQ6_K, kQK_K>(searched, plain, x, imp, DequantizeQ6_K);
  }
}

}  // namespace cratio::codec
