// AVX-512 activation quantizers, byte-identical to the reference ones
// (kernels/ref/quantize_act.cc): the same IEEE operations in the same order per value
// (x · (1/d), round half to even, clamp to ±127); only the max search is vectorised.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

inline __m512 AbsPs(__m512 v) {
  return _mm512_castsi512_ps(
      _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7fffffff)));
}

// 16 values -> 16 int32 in [-127, 127].
inline __m512i Quantize16(__m512 v, __m512 inv_d) {
  __m512 q =
      _mm512_roundscale_ps(_mm512_mul_ps(v, inv_d), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  q = _mm512_min_ps(_mm512_max_ps(q, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f));
  return _mm512_cvtps_epi32(q);
}

// max|x| over n (a multiple of 16) values and the scale pair (d, 1/d) as the reference.
inline float BlockScale(const float* x, int n, float* inv_d) {
  __m512 m = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) m = _mm512_max_ps(m, AbsPs(_mm512_loadu_ps(x + i)));
  const float amax = _mm512_reduce_max_ps(m);
  const float d = amax / 127.0f;
  *inv_d = d != 0.0f ? 1.0f / d : 0.0f;
  return d;
}

}  // namespace

void QuantizeActQ8_0Avx512(const float* x, void* xa, int64_t cols) {
  auto* blocks = static_cast<BlockQ8_0*>(xa);
  for (int64_t b = 0; b < cols / kQK8_0; ++b) {
    const float* xb = x + b * kQK8_0;
    float inv_d;
    const float d = BlockScale(xb, kQK8_0, &inv_d);
    const __m512 iv = _mm512_set1_ps(inv_d);
    blocks[b].d = F32ToF16(d);
    for (int h = 0; h < 2; ++h) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(blocks[b].qs + 16 * h),
                       _mm512_cvtsepi32_epi8(Quantize16(_mm512_loadu_ps(xb + 16 * h), iv)));
    }
  }
}

void QuantizeActQ8_KAvx512(const float* x, void* xa, int64_t cols) {
  auto* blocks = static_cast<BlockQ8_K*>(xa);
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    const float* xb = x + b * kQK_K;
    float inv_d;
    blocks[b].d = BlockScale(xb, kQK_K, &inv_d);
    const __m512 iv = _mm512_set1_ps(inv_d);
    for (int g = 0; g < kQK_K / 16; ++g) {
      const __m512i q = Quantize16(_mm512_loadu_ps(xb + 16 * g), iv);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(blocks[b].qs + 16 * g), _mm512_cvtsepi32_epi8(q));
      blocks[b].bsums[g] = static_cast<int16_t>(_mm512_reduce_add_epi32(q));
    }
  }
}

}  // namespace cratio::kernels
