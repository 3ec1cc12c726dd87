// The 16 rows' 6-bit sub-block scales and mins of one q4_k super-block in the kRows16
// layout (numeric/rows16.h: byte k of row n's 12 packed bytes at 64 + 16k + n), unpacked
// with 16-byte vectors (one lane per row) as llama.cpp's get_scale_min_k4 does per row:
//   j < 4:  sc = q[j] & 63,                           m = q[j + 4] & 63
//   j >= 4: sc = (q[j + 4] & 15) | (q[j - 4] >> 6) << 4, m = q[j + 4] >> 4 | (q[j] >> 6) << 4
#pragma once

#include "kernels/avx512/simd.h"

namespace cratio::kernels::avx512 {

// sc[j], mn[j]: sub-block j's scale and min of the 16 rows as f32 (before d / dmin).
inline void Q4_KRows16ScalesMins(const uint8_t* block, __m512 sc[8], __m512 mn[8]) {
  __m128i q[12];
  for (int k = 0; k < 12; ++k) {
    q[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 64 + 16 * k));
  }
  const __m128i m63 = _mm_set1_epi8(63), m15 = _mm_set1_epi8(15), m48 = _mm_set1_epi8(48);
  auto f32 = [](__m128i bytes) { return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes)); };
  // (v >> 6) << 4 per byte: a 16-bit shift by 2 leaves each byte's top two bits at bits 4-5.
  auto top2 = [&](__m128i v) { return _mm_and_si128(_mm_srli_epi16(v, 2), m48); };
  for (int j = 0; j < 4; ++j) {
    sc[j] = f32(_mm_and_si128(q[j], m63));
    mn[j] = f32(_mm_and_si128(q[j + 4], m63));
    sc[j + 4] = f32(_mm_or_si128(_mm_and_si128(q[j + 8], m15), top2(q[j])));
    mn[j + 4] = f32(_mm_or_si128(_mm_and_si128(_mm_srli_epi16(q[j + 8], 4), m15), top2(q[j + 4])));
  }
}

}  // namespace cratio::kernels::avx512
