// AVX2 q4_k, q5_k and q6_k gemm on q8_k activations: maddubs per 32 values, sub-block
// scales applied with madd in the integer domain, min / offset terms from the block sums.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd.h"
#include "kernels/k_scales.h"
#include "numeric/blocks.h"

namespace cratio::kernels {
namespace {

// Σ_j mins[j] · (bsums[2j] + bsums[2j + 1]).
inline int32_t MinSum(const uint8_t* mins, const int16_t* bsums) {
  int32_t s = 0;
  for (int j = 0; j < 8; ++j) s += mins[j] * (bsums[2 * j] + bsums[2 * j + 1]);
  return s;
}

// Shared by q4_k and q5_k: `high_bits(k)` returns the 5th-bit bytes (0 or 16) for the two
// 32-value halves of chunk k, or zeros for q4_k.
template <class BlockT, bool kHasHighBit>
float DotQ45K(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockT*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  const __m256i mask = _mm256_set1_epi8(0x0F);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    uint8_t sm[16];
    UnpackScalesMinsK4(wb[b].scales, sm);
    __m256i isum = _mm256_setzero_si256();
    [[maybe_unused]] __m256i qh;
    if constexpr (kHasHighBit) {
      qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].qh));
    }
    for (int k = 0; k < 4; ++k) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].qs + 32 * k));
      __m256i lo = _mm256_and_si256(v, mask);
      __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
      if constexpr (kHasHighBit) {
        const __m256i one = _mm256_set1_epi8(1);
        lo = _mm256_or_si256(
            lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * k), one), 4));
        hi = _mm256_or_si256(
            hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * k + 1), one), 4));
      }
      const __m256i a_lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[b].qs + 64 * k));
      const __m256i a_hi =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[b].qs + 64 * k + 32));
      const __m256i p_lo =
          _mm256_madd_epi16(_mm256_maddubs_epi16(lo, a_lo), _mm256_set1_epi16(sm[2 * k]));
      const __m256i p_hi =
          _mm256_madd_epi16(_mm256_maddubs_epi16(hi, a_hi), _mm256_set1_epi16(sm[2 * k + 1]));
      isum = _mm256_add_epi32(isum, _mm256_add_epi32(p_lo, p_hi));
    }
    const float d = _cvtsh_ss(wb[b].d), dmin = _cvtsh_ss(wb[b].dmin);
    sum += xb[b].d * (d * static_cast<float>(avx2::ReduceAddI32(isum)) -
                      dmin * static_cast<float>(MinSum(sm + 8, xb[b].bsums)));
  }
  return sum;
}

float DotQ6K(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ6_K*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  const __m256i mask = _mm256_set1_epi8(0x0F);
  const __m256i three = _mm256_set1_epi8(0x03);
  float sum = 0.0f;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    const int8_t* sc = wb[b].scales;
    __m256i isum = _mm256_setzero_si256();
    for (int n = 0; n < 2; ++n) {
      const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].ql + 64 * n));
      const __m256i ql1 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].ql + 64 * n + 32));
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wb[b].qh + 32 * n));
      const __m256i lows[4] = {_mm256_and_si256(ql0, mask), _mm256_and_si256(ql1, mask),
                               _mm256_and_si256(_mm256_srli_epi16(ql0, 4), mask),
                               _mm256_and_si256(_mm256_srli_epi16(ql1, 4), mask)};
      for (int k = 0; k < 4; ++k) {
        const __m256i high =
            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * k), three), 4);
        const __m256i q = _mm256_or_si256(lows[k], high);
        const __m256i a =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb[b].qs + 128 * n + 32 * k));
        const int j = 8 * n + 2 * k;  // sub-blocks j (first 16 values) and j + 1
        const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[j + 1]), _mm_set1_epi16(sc[j]));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(_mm256_maddubs_epi16(q, a), scales));
      }
    }
    int32_t offset = 0;  // Σ_j sc_j · bsum_j, for the -32 of every value
    for (int j = 0; j < 16; ++j) offset += sc[j] * xb[b].bsums[j];
    sum +=
        xb[b].d * _cvtsh_ss(wb[b].d) * static_cast<float>(avx2::ReduceAddI32(isum) - 32 * offset);
  }
  return sum;
}

}  // namespace

void GemmQ4_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  avx2::GemmByDots(DotQ45K<BlockQ4_K, false>, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out,
                   out_stride, num_rows, cols);
}

void GemmQ5_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  avx2::GemmByDots(DotQ45K<BlockQ5_K, true>, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out,
                   out_stride, num_rows, cols);
}

void GemmQ6_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  avx2::GemmByDots(DotQ6K, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                   cols);
}

}  // namespace cratio::kernels
