// Prefill gemm for float weights (f32, f16, bf16) as an outer product: lanes are 16 weight
// rows, converted to f32 and transposed once per chunk of columns, then every token adds
// w[:, c] · x[t, c] with one FMA per column (the activation broadcast from memory).
#pragma once

#include <algorithm>
#include <type_traits>

#include "kernels/avx512/q8_0_act_outer.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels::avx512 {

// Columns per repacked chunk: 256 × 16 floats = 16 KiB on the stack.
inline constexpr int kFloatChunkCols = 256;

struct FloatChunk {
  alignas(64) float w[kFloatChunkCols][16];  // w[c][r] = W[r, c0 + c]
};

// A policy P for this path provides:
//   static constexpr int kElemBytes;       // 4 or 2
//   static constexpr int kColsPer16Bytes;  // 4 or 8
//   static void Columns(const __m512i dwords[4], __m512 cols[]);  // dwords from
//     // Transpose16x4 -> kColsPer16Bytes column vectors, in column order
//   static float Scalar(const uint8_t* row, int64_t c);

template <int kTokens>
inline void FloatOuterTile16(const FloatChunk& chunk, int num_cols, const float* x,
                             int64_t x_stride, float* out, int64_t out_stride, bool accumulate) {
  __m512 acc[kTokens];
  for (int t = 0; t < kTokens; ++t) {
    acc[t] = accumulate ? _mm512_loadu_ps(out + t * out_stride) : _mm512_setzero_ps();
  }
  for (int c = 0; c < num_cols; ++c) {
    const __m512 w = _mm512_load_ps(chunk.w[c]);
    for (int t = 0; t < kTokens; ++t) {
      acc[t] = _mm512_fmadd_ps(w, _mm512_set1_ps(x[t * x_stride + c]), acc[t]);
    }
  }
  for (int t = 0; t < kTokens; ++t) _mm512_storeu_ps(out + t * out_stride, acc[t]);
}

template <class P>
inline void FloatOuterRows16(const uint8_t* w, int64_t w_row_bytes, const float* x,
                             int64_t x_stride, int64_t num_tokens, float* out, int64_t out_stride,
                             int64_t cols) {
  FloatChunk chunk;
  for (int64_t c0 = 0; c0 < cols; c0 += kFloatChunkCols) {
    const int nc = static_cast<int>(std::min<int64_t>(kFloatChunkCols, cols - c0));
    int c = 0;
    for (; c + P::kColsPer16Bytes <= nc; c += P::kColsPer16Bytes) {
      __m512i dwords[4];
      Transpose16x4(w + (c0 + c) * P::kElemBytes, w_row_bytes, dwords);
      __m512 vecs[P::kColsPer16Bytes];
      P::Columns(dwords, vecs);
      for (int k = 0; k < P::kColsPer16Bytes; ++k) _mm512_store_ps(chunk.w[c + k], vecs[k]);
    }
    for (; c < nc; ++c) {
      for (int r = 0; r < 16; ++r) chunk.w[c][r] = P::Scalar(w + r * w_row_bytes, c0 + c);
    }
    const bool accumulate = c0 > 0;
    int64_t t = 0;
    auto tile = [&](auto tokens_const) {
      constexpr int kT = decltype(tokens_const)::value;
      FloatOuterTile16<kT>(chunk, nc, x + t * x_stride + c0, x_stride, out + t * out_stride,
                           out_stride, accumulate);
      t += kT;
    };
    while (t + 16 <= num_tokens) tile(std::integral_constant<int, 16>{});
    if (t + 8 <= num_tokens) tile(std::integral_constant<int, 8>{});
    if (t + 4 <= num_tokens) tile(std::integral_constant<int, 4>{});
    if (t + 2 <= num_tokens) tile(std::integral_constant<int, 2>{});
    if (t < num_tokens) tile(std::integral_constant<int, 1>{});
  }
}

}  // namespace cratio::kernels::avx512
