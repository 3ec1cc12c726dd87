// AVX2 q8_0 and q4_0 gemm on q8_0 activations with maddubs (u8 × s8 -> i16 pairs): q8_0
// through the |w| / sign(x, w) trick, q4_0 with its -8 offset folded into 8·Σx.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd.h"
#include "numeric/blocks.h"

namespace cratio::kernels {
namespace {

inline __m256 BlockScale(uint16_t dw, uint16_t dx) {
  return _mm256_set1_ps(_cvtsh_ss(dw) * _cvtsh_ss(dx));
}

float DotQ8_0(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ8_0*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_0*>(x_row);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < cols / kQK8_0; ++b) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].qs));
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[b].qs));
    // |w|·sign(x, w) = w·x per byte pair; |w| <= 128 and |x| <= 127 keep maddubs exact.
    const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    const __m256 p = _mm256_cvtepi32_ps(avx2::SumPairs16(p16));
    acc = _mm256_fmadd_ps(p, BlockScale(wb[b].d, xb[b].d), acc);
  }
  return avx2::ReduceAdd(acc);
}

float DotQ4_0(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ4_0*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_0*>(x_row);
  const __m256i mask = _mm256_set1_epi8(0x0F);
  const __m256i eight = _mm256_set1_epi8(8);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < cols / kQK4_0; ++b) {
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb[b].qs));
    // Low 128 bits: elements 0-15 (low nibbles), high: 16-31 (high nibbles).
    const __m256i w = _mm256_and_si256(
        _mm256_inserti128_si256(_mm256_castsi128_si256(q), _mm_srli_epi16(q, 4), 1), mask);
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[b].qs));
    const __m256i p16 =
        _mm256_sub_epi16(_mm256_maddubs_epi16(w, x), _mm256_maddubs_epi16(eight, x));
    const __m256 p = _mm256_cvtepi32_ps(avx2::SumPairs16(p16));
    acc = _mm256_fmadd_ps(p, BlockScale(wb[b].d, xb[b].d), acc);
  }
  return avx2::ReduceAdd(acc);
}

}  // namespace

void GemmQ8_0Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  avx2::GemmByDots(DotQ8_0, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                   cols);
}

void GemmQ4_0Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  avx2::GemmByDots(DotQ4_0, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                   cols);
}

}  // namespace cratio::kernels
