// Common include for AVX2 kernel files: <immintrin.h> plus small helpers.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace cratio::kernels::avx2 {

inline float ReduceAdd(__m256 v) {
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

inline int32_t ReduceAddI32(__m256i v) {
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
  return _mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 1)));
}

// Σ of the 16 int16 lanes of maddubs output as 8 int32 lanes.
inline __m256i SumPairs16(__m256i v) { return _mm256_madd_epi16(v, _mm256_set1_epi16(1)); }

// out[t * out_stride + r] = dot(row r, token t) for every row and token, rows outer so a
// weight row stays in L1 while every token passes over it.
template <typename RowDot>
inline void GemmByDots(RowDot dot, const void* w, int64_t w_row_bytes, const void* xa,
                       int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                       int64_t num_rows, int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* xb = static_cast<const uint8_t*>(xa);
  for (int64_t r = 0; r < num_rows; ++r) {
    for (int64_t t = 0; t < num_tokens; ++t) {
      out[t * out_stride + r] = dot(wb + r * w_row_bytes, xb + t * xa_row_bytes, cols);
    }
  }
}

}  // namespace cratio::kernels::avx2
