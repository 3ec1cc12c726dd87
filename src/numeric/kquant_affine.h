// The fit shared by q4_k and q5_k (internal to src/numeric): a super-block of 256 as eight
// sub-blocks of 32, each x ≈ d * scale_j * q - dmin * min_j with 6-bit scale_j, min_j and
// q in [0, nmax]. The codecs differ only in how they pack q.
#pragma once

#include <algorithm>
#include <cstdint>

#include "numeric/blocks.h"
#include "numeric/weighted_choice.h"

namespace cratio::kquant {

struct AffineSuperBlock {
  uint16_t d;          // f16 super-scale of the sub-block scales
  uint16_t dmin;       // f16 super-scale of the sub-block mins
  uint8_t scales[12];  // packed 6-bit (scale, min) pairs, see k_scales.h
};

// Super-blocks fitted per call by FitAffineSuperBlocks: two fill the sixteen lanes of a
// batched sub-block search (quant::AffineScaleSearchBatch).
inline constexpr int kMaxFitBatch = 2;

// Fits `count` (1..kMaxFitBatch) consecutive super-blocks: x [count * 256], importance
// null (the plain reference fit) or [count * 256] (the importance-weighted fit), out
// [count], levels [count * 256] out, each in [0, nmax], re-derived against the stored
// scales. Each block's fit is independent of the others in the call.
void FitAffineSuperBlocks(const float* x, const float* importance, int nmax, int count,
                          AffineSuperBlock* out, uint8_t* levels);

// A row of n elements (whole super-blocks) fitted in batches of kMaxFitBatch and packed by
// `Pack`. With importance, each block is whichever of the weighted and the plain fit decodes
// closer under it (weighted::CloserBlock), as for every weighted quantizer here.
template <typename Block, int kNMax,
          void (*Pack)(const AffineSuperBlock& fit, const uint8_t* levels, Block* block),
          void (*Dequantize)(const void* src, float* dst, int64_t n)>
void QuantizeAffineRow(const float* src, void* dst, int64_t n, const float* importance) {
  auto* blocks = static_cast<Block*>(dst);
  const int64_t num_blocks = n / kQK_K;
  auto encode = [](const float* x, const float* imp, int count, Block* out) {
    AffineSuperBlock fits[kMaxFitBatch];
    uint8_t levels[kMaxFitBatch * kQK_K];
    FitAffineSuperBlocks(x, imp, kNMax, count, fits, levels);
    for (int b = 0; b < count; ++b) Pack(fits[b], levels + b * kQK_K, &out[b]);
  };
  for (int64_t b = 0; b < num_blocks; b += kMaxFitBatch) {
    const int count = static_cast<int>(std::min<int64_t>(kMaxFitBatch, num_blocks - b));
    const float* x = src + b * kQK_K;
    if (importance == nullptr) {
      encode(x, nullptr, count, blocks + b);
      continue;
    }
    const float* imp = importance + b * kQK_K;
    Block searched[kMaxFitBatch];
    Block plain[kMaxFitBatch];
    encode(x, imp, count, searched);
    encode(x, nullptr, count, plain);
    for (int i = 0; i < count; ++i) {
      blocks[b + i] = weighted::CloserBlock<Block, kQK_K>(searched[i], plain[i], x + i * kQK_K,
                                                          imp + i * kQK_K, Dequantize);
    }
  }
}

}  // namespace cratio::kquant
