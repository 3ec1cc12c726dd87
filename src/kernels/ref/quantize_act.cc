// Reference activation quantizers: f32 rows -> q8_0 / q8_k blocks, used by every ISA.
#include <algorithm>
#include <cmath>

#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// q[i] = round_half_even(x[i] / d), d = max|x| / 127 (0 for an all-zero block).
float QuantizeBlock(const float* x, int n, int8_t* q) {
  float amax = 0.0f;
  for (int i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
  const float d = amax / 127.0f;
  const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
  for (int i = 0; i < n; ++i) {
    const float v = std::clamp(std::nearbyint(x[i] * inv_d), -127.0f, 127.0f);
    q[i] = static_cast<int8_t>(v);
  }
  return d;
}

}  // namespace

void QuantizeActQ8_0Ref(const float* x, void* xa, int64_t cols) {
  auto* blocks = static_cast<BlockQ8_0*>(xa);
  for (int64_t b = 0; b < cols / kQK8_0; ++b) {
    blocks[b].d = F32ToF16(QuantizeBlock(x + b * kQK8_0, kQK8_0, blocks[b].qs));
  }
}

void QuantizeActQ8_KRef(const float* x, void* xa, int64_t cols) {
  auto* blocks = static_cast<BlockQ8_K*>(xa);
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    BlockQ8_K& blk = blocks[b];
    blk.d = QuantizeBlock(x + b * kQK_K, kQK_K, blk.qs);
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blk.qs[g * 16 + i];
      blk.bsums[g] = static_cast<int16_t>(sum);
    }
  }
}

}  // namespace cratio::kernels
