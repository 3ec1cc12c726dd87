// AVX-512 VNNI q6_k × q8_k gemm: 6-bit values used unsigned, the -32 offset applied once
// per super-block through the activation block sums.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_k_act_outer.h"
#include "kernels/avx512/q8_k_act_tile.h"
#include "kernels/avx512/simd.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

struct Q6_KPolicy {
  static constexpr int kBlockBytes = sizeof(BlockQ6_K);
  struct Row {
    __m512i scales32;  // 16 signed scales, low 16 bits of each lane (high bits zero)
  };
  static void Prepare(const uint8_t* block, Row& row) {
    const auto* blk = reinterpret_cast<const BlockQ6_K*>(block);
    const __m512i s =
        _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk->scales)));
    row.scales32 = _mm512_and_si512(s, _mm512_set1_epi32(0xFFFF));
  }
  // Register k = 2n + h holds elements 128n + 64h + [0, 64): the low (h = 0) or high
  // (h = 1) nibbles of ql[64n..64n+63], with 2 high bits from qh[32n + l] at bit pair
  // 2h (first 32) and 2h + 1 (second 32).
  static __m512i Values(const uint8_t* block, const Row&, int k) {
    const auto* blk = reinterpret_cast<const BlockQ6_K*>(block);
    const int n = k / 2, h = k % 2;
    const __m512i ql = _mm512_loadu_si512(blk->ql + 64 * n);
    const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qh + 32 * n));
    const __m512i qh2 = _mm512_inserti64x4(_mm512_castsi256_si512(qh), _mm256_srli_epi16(qh, 2), 1);
    const __m512i low_mask = _mm512_set1_epi8(0x0F);
    if (h == 0) {
      const __m512i lo = _mm512_and_si512(ql, low_mask);
      const __m512i hb = _mm512_slli_epi16(_mm512_and_si512(qh2, _mm512_set1_epi8(0x03)), 4);
      return _mm512_or_si512(lo, hb);
    }
    const __m512i lo = _mm512_and_si512(_mm512_srli_epi16(ql, 4), low_mask);
    const __m512i hb = _mm512_and_si512(qh2, _mm512_set1_epi8(0x30));
    return _mm512_or_si512(lo, hb);
  }
  // Lanes 4i..4i+3: sub-block 4k + i.
  static __m512i Scales(const Row& row, int k) {
    const int b = 4 * k;
    const __m512i idx = _mm512_set_epi32(b + 3, b + 3, b + 3, b + 3, b + 2, b + 2, b + 2, b + 2,
                                         b + 1, b + 1, b + 1, b + 1, b, b, b, b);
    return _mm512_permutexvar_epi32(idx, row.scales32);
  }
  static float D(const uint8_t* block) {
    return _cvtsh_ss(reinterpret_cast<const BlockQ6_K*>(block)->d);
  }
  // The -32 of every value: -32·d·Σ_j sc_j·bsum_j.
  static __m256i CorrCoeffs16(const uint8_t* block, const Row&) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(
        reinterpret_cast<const __m128i*>(reinterpret_cast<const BlockQ6_K*>(block)->scales)));
  }
  static float CorrFactor(const uint8_t* block) {
    return -32.0f * _cvtsh_ss(reinterpret_cast<const BlockQ6_K*>(block)->d);
  }

  // Outer-product path (q8_k_act_outer.h): values used as q (0..63); correction
  // -32·d·Σ_j sc_j·bsum_j over the 16 sub-blocks of 16.
  static constexpr int kSubBlock = 16;
  static constexpr int kNumCorrPairs = 8;
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, avx512::KSuperRepack& out) {
    for (int r = 0; r < 16; ++r) {
      const auto* blk = reinterpret_cast<const BlockQ6_K*>(block + r * w_row_bytes);
      const float d = _cvtsh_ss(blk->d);
      for (int j = 0; j < 16; ++j) out.fscale[j][r] = d * blk->scales[j];
      for (int p = 0; p < 8; ++p) {
        out.corr_pairs[p][r] = avx512::PackI16Pair(blk->scales[2 * p], blk->scales[2 * p + 1]);
      }
      out.corr_scale[r] = -32.0f * d;
    }
    const auto* blk0 = reinterpret_cast<const BlockQ6_K*>(block);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    const __m512i three = _mm512_set1_epi8(0x03);
    for (int n = 0; n < 2; ++n) {
      __m512i qh[2][4];  // [l / 16][dword]: qh bytes 32n + 16·h2 + 4q..
      avx512::Transpose16x4(blk0->qh + 32 * n, w_row_bytes, qh[0]);
      avx512::Transpose16x4(blk0->qh + 32 * n + 16, w_row_bytes, qh[1]);
      for (int m = 0; m < 4; ++m) {
        __m512i d[4];
        avx512::Transpose16x4(blk0->ql + 64 * n + 16 * m, w_row_bytes, d);
        const int h2 = m % 2;
        const int k_lo = m / 2, k_hi = 2 + m / 2;  // which 32-element quarter of the half
        for (int q = 0; q < 4; ++q) {
          const __m512i hb_lo =
              _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh[h2][q], 2 * k_lo), three), 4);
          const __m512i hb_hi =
              _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh[h2][q], 2 * k_hi), three), 4);
          out.groups[32 * n + 8 * k_lo + 4 * h2 + q] =
              _mm512_or_si512(_mm512_and_si512(d[q], mask), hb_lo);
          out.groups[32 * n + 8 * k_hi + 4 * h2 + q] =
              _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(d[q], 4), mask), hb_hi);
        }
      }
    }
  }
  static void ActPairs(const BlockQ8_K* x, int32_t pairs[8]) {
    std::memcpy(pairs, x->bsums, 32);  // (bsum_{2p}, bsum_{2p+1}) as int16 pairs
  }
};

}  // namespace

void GemmQ6_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8KActGemm<Q6_KPolicy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                 num_rows, cols);
}

}  // namespace cratio::kernels
