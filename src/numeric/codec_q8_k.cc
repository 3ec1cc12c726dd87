// q8_k codec: the activation format k-quant dot products use. Blocks of 256, x = d * q with
// f32 d and q in [-127, 127]; bsums[i] = sum of q over elements 16i..16i+15, so a dot
// product with a (scale, min) weight block can apply the mins without touching q.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/quant_search.h"

namespace cratio::codec {

void DequantizeQ8_K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_K*>(src);  // [n / 256]
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    float* y = dst + b * kQK_K;
    for (int j = 0; j < kQK_K; ++j) y[j] = blocks[b].d * static_cast<float>(blocks[b].qs[j]);
  }
}

void QuantizeQ8_K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_K*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK_K);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK_K;
    BlockQ8_K& block = blocks[b];
    float max_abs = 0.0f;
    float max_signed = 0.0f;
    for (int j = 0; j < kQK_K; ++j) {
      if (std::fabs(x[j]) > max_abs) {
        max_abs = std::fabs(x[j]);
        max_signed = x[j];
      }
    }
    if (max_abs == 0.0f) {
      std::memset(&block, 0, sizeof(block));
      continue;
    }
    // -127, not -128: the range stays symmetric, which SIMD sign tricks rely on.
    const float inv = -127.0f / max_signed;
    for (int j = 0; j < kQK_K; ++j) {
      block.qs[j] = static_cast<int8_t>(std::min(127, quant::NearestInt(inv * x[j])));
    }
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += block.qs[16 * g + i];
      block.bsums[g] = static_cast<int16_t>(sum);
    }
    block.d = 1.0f / inv;
  }
}

}  // namespace cratio::codec
