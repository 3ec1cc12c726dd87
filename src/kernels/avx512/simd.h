// Common include for AVX-512 kernel files: <immintrin.h> plus small helpers.
// Include it before any other header in files under avx512/.
#pragma once

// GCC 12 reports the deliberately undefined upper halves inside its own AVX-512 intrinsic
// headers (_mm512_undefined_*) as uninitialised once inlined; the pragmas must precede the
// header for the diagnostic locations to be covered.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace cratio::kernels::avx512 {

inline uint16_t LoadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Sum of the 16 lanes.
inline float ReduceAdd(__m512 v) {
  const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  const __m128 s1 = _mm_add_ss(s2, _mm_movehdup_ps(s2));
  return _mm_cvtss_f32(s1);
}

}  // namespace cratio::kernels::avx512
