// The AVX-512 gemm skeleton for float weight types (f32, f16, bf16) on f32 activations:
// 16 columns per step, each weight vector converted to f32 once per tile and multiplied
// into every token of the tile with FMA.
#pragma once

#include "kernels/avx512/float_gemm_outer.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels::avx512 {

// A weight policy P provides:
//   static constexpr int kElemBytes;                                     // bytes per weight
//   static __m512 Load(const uint8_t* row, int64_t c);                  // cols c..c+15
//   static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m); // masked lanes

// Decode's software prefetch distance in each weight row.
inline constexpr int64_t kFloatDecodePrefetchBytes = 576;

template <class P, int kRows, int kTokens>
inline void FloatTile(const uint8_t* w, int64_t w_row_bytes, const float* x, int64_t x_stride,
                      float* out, int64_t out_stride, int64_t cols) {
  __m512 acc[kRows][kTokens];
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) acc[r][t] = _mm512_setzero_ps();
  }
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    __m512 wv[kRows];
    for (int r = 0; r < kRows; ++r) {
      if constexpr (kTokens == 1) {
        // Decode streams kRows rows at once: fetch ahead in each, one line per 64 bytes
        // consumed (prefetches never fault past a row's end).
        if ((c * P::kElemBytes) % 64 == 0) {
          _mm_prefetch(reinterpret_cast<const char*>(w + r * w_row_bytes + c * P::kElemBytes +
                                                     kFloatDecodePrefetchBytes),
                       _MM_HINT_T0);
        }
      }
      wv[r] = P::Load(w + r * w_row_bytes, c);
    }
    for (int t = 0; t < kTokens; ++t) {
      const __m512 xv = _mm512_loadu_ps(x + t * x_stride + c);
      for (int r = 0; r < kRows; ++r) acc[r][t] = _mm512_fmadd_ps(wv[r], xv, acc[r][t]);
    }
  }
  if (c < cols) {
    const __mmask16 m = static_cast<__mmask16>((1u << (cols - c)) - 1);
    __m512 wv[kRows];
    for (int r = 0; r < kRows; ++r) wv[r] = P::LoadTail(w + r * w_row_bytes, c, m);
    for (int t = 0; t < kTokens; ++t) {
      const __m512 xv = _mm512_maskz_loadu_ps(m, x + t * x_stride + c);
      for (int r = 0; r < kRows; ++r) acc[r][t] = _mm512_fmadd_ps(wv[r], xv, acc[r][t]);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int t = 0; t < kTokens; ++t) out[t * out_stride + r] = ReduceAdd(acc[r][t]);
  }
}

template <class P, int kRows>
inline void FloatRows(const uint8_t* w, int64_t w_row_bytes, const float* x, int64_t x_stride,
                      int64_t num_tokens, float* out, int64_t out_stride, int64_t cols) {
  int64_t t = 0;
  for (; t + 4 <= num_tokens; t += 4) {
    FloatTile<P, kRows, 4>(w, w_row_bytes, x + t * x_stride, x_stride, out + t * out_stride,
                           out_stride, cols);
  }
  for (; t < num_tokens; ++t) {
    FloatTile<P, kRows, 1>(w, w_row_bytes, x + t * x_stride, x_stride, out + t * out_stride,
                           out_stride, cols);
  }
}

// From this many tokens on, 16-row tiles use the outer-product kernel (float_gemm_outer.h).
inline constexpr int64_t kFloatOuterMinTokens = 8;

template <class P>
inline void FloatGemm(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                      int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                      int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const float*>(xa);
  const int64_t x_stride = xa_row_bytes / static_cast<int64_t>(sizeof(float));
  int64_t r = 0;
  if (num_tokens >= kFloatOuterMinTokens) {
    for (; r + 16 <= num_rows; r += 16) {
      FloatOuterRows16<P>(wb + r * w_row_bytes, w_row_bytes, x, x_stride, num_tokens, out + r,
                          out_stride, cols);
    }
  }
  for (; r + 4 <= num_rows; r += 4) {
    FloatRows<P, 4>(wb + r * w_row_bytes, w_row_bytes, x, x_stride, num_tokens, out + r, out_stride,
                    cols);
  }
  for (; r < num_rows; ++r) {
    FloatRows<P, 1>(wb + r * w_row_bytes, w_row_bytes, x, x_stride, num_tokens, out + r, out_stride,
                    cols);
  }
}

}  // namespace cratio::kernels::avx512
