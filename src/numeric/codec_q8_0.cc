// q8_0 codec: blocks of 32, x = d * q with q in [-127, 127]. Plain quantizer: ggml's
// reference (d = absmax / 127, round half away from zero).
#include <algorithm>
#include <cmath>

#include "numeric/blocks.h"
#include "numeric/codecs.h"
#include "numeric/half.h"
#include "numeric/weighted_choice.h"

namespace cratio::codec {

void DequantizeQ8_0(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_0*>(src);  // [n / 32]
  const int64_t num_blocks = BlockCount(n, kQK8_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float d = F16ToF32(blocks[b].d);
    float* y = dst + b * kQK8_0;
    for (int j = 0; j < kQK8_0; ++j) y[j] = static_cast<float>(blocks[b].qs[j]) * d;
  }
}

void QuantizeQ8_0(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK8_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK8_0;
    float max_abs = 0.0f;
    for (int j = 0; j < kQK8_0; ++j) max_abs = std::max(max_abs, std::fabs(x[j]));
    const float d = max_abs / 127.0f;
    const float inv_d = d != 0.0f ? 1.0f / d : 0.0f;
    blocks[b].d = F32ToF16(d);
    for (int j = 0; j < kQK8_0; ++j)
      blocks[b].qs[j] = static_cast<int8_t>(std::round(x[j] * inv_d));
  }
}

// ggml has no importance-weighted q8_0; ours tries scales within +-2% of absmax / 127
// (slightly smaller ones clip the largest element a little to place important elements
// better), refits the scale by weighted least squares for each set of levels, and measures the
// error with the scale as stored (f16). Levels stay in [-127, 127] like the plain quantizer's,
// so kernels may rely on that range.
void QuantizeWeightedQ8_0(const float* src, void* dst, int64_t n, const float* importance) {
  if (importance == nullptr) {
    QuantizeQ8_0(src, dst, n);
    return;
  }
  auto* blocks = static_cast<BlockQ8_0*>(dst);
  const int64_t num_blocks = BlockCount(n, kQK8_0);
  for (int64_t b = 0; b < num_blocks; ++b) {
    const float* x = src + b * kQK8_0;
    const float* imp = importance + b * kQK8_0;
    BlockQ8_0 plain;
    QuantizeQ8_0(x, &plain, kQK8_0);
    float max_abs = 0.0f;
    for (int j = 0; j < kQK8_0; ++j) max_abs = std::max(max_abs, std::fabs(x[j]));
    if (max_abs == 0.0f) {
      blocks[b] = plain;
      continue;
    }
    BlockQ8_0 best = plain;
    double best_error = -1.0;
    for (int step = -10; step <= 10; ++step) {
      const float d_try = max_abs / 127.0f * (1.0f + 0.002f * static_cast<float>(step));
      int q[kQK8_0];
      double sum_wxq = 0.0;
      double sum_wqq = 0.0;
      for (int j = 0; j < kQK8_0; ++j) {
        q[j] = std::clamp(static_cast<int>(std::lround(x[j] / d_try)), -127, 127);
        sum_wxq += static_cast<double>(imp[j]) * x[j] * q[j];
        sum_wqq += static_cast<double>(imp[j]) * q[j] * q[j];
      }
      if (sum_wqq <= 0.0) continue;
      BlockQ8_0 candidate;
      candidate.d = F32ToF16(static_cast<float>(sum_wxq / sum_wqq));
      for (int j = 0; j < kQK8_0; ++j) candidate.qs[j] = static_cast<int8_t>(q[j]);
      float y[kQK8_0];
      DequantizeQ8_0(&candidate, y, kQK8_0);
      const double error = weighted::ImportanceError(x, y, imp, kQK8_0);
      if (best_error < 0.0 || error < best_error) {
        best_error = error;
        best = candidate;
      }
    }
    blocks[b] = weighted::CloserBlock<BlockQ8_0, kQK8_0>(best, plain, x, imp, DequantizeQ8_0);
  }
}

}  // namespace cratio::codec
