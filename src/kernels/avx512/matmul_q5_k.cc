// AVX-512 VNNI q5_k × q8_k gemm: q4_k's nibbles plus the 5th bit from qh.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_k_act_outer.h"
#include "kernels/avx512/q8_k_act_tile.h"
#include "kernels/avx512/simd.h"
#include "kernels/k_scales.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

struct Q5_KPolicy {
  static constexpr int kBlockBytes = sizeof(BlockQ5_K);
  struct Row {
    __m512i scales32;  // lanes 0-7 scales, 8-15 mins
    __m128i mins16;    // the 8 mins as int16
    __m512i qh2;       // bytes 0-31: qh, bytes 32-63: qh >> 1 (bit 2k = 5th bit of chunk k)
  };
  static void Prepare(const uint8_t* block, Row& row) {
    const auto* blk = reinterpret_cast<const BlockQ5_K*>(block);
    alignas(16) uint8_t sm[16];
    UnpackScalesMinsK4(blk->scales, sm);
    const __m128i packed = _mm_load_si128(reinterpret_cast<const __m128i*>(sm));
    row.scales32 = _mm512_cvtepu8_epi32(packed);
    row.mins16 = _mm_cvtepu8_epi16(_mm_srli_si128(packed, 8));
    const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qh));
    row.qh2 = _mm512_inserti64x4(_mm512_castsi256_si512(qh), _mm256_srli_epi16(qh, 1), 1);
  }
  // Element 64k + l: nibble as q4_k, 5th bit = bit 2k of qh[l]; element 64k + 32 + l: bit
  // 2k + 1.
  static __m512i Values(const uint8_t* block, const Row& row, int k) {
    const __m256i v = _mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(reinterpret_cast<const BlockQ5_K*>(block)->qs + 32 * k));
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(v, mask);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
    const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    const __mmask64 high_bit =
        _mm512_test_epi8_mask(row.qh2, _mm512_set1_epi8(static_cast<char>(1 << (2 * k))));
    return _mm512_or_si512(q, _mm512_maskz_mov_epi8(high_bit, _mm512_set1_epi8(16)));
  }
  static __m512i Scales(const Row& row, int k) {
    const __m512i idx = _mm512_set_epi32(2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1,
                                         2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k, 2 * k, 2 * k,
                                         2 * k, 2 * k, 2 * k, 2 * k, 2 * k);
    return _mm512_permutexvar_epi32(idx, row.scales32);
  }
  static float D(const uint8_t* block) {
    return _cvtsh_ss(reinterpret_cast<const BlockQ5_K*>(block)->d);
  }
  // Each min covers two 16-value bsums.
  static __m256i CorrCoeffs16(const uint8_t*, const Row& row) {
    const __m128i lo = _mm_unpacklo_epi16(row.mins16, row.mins16);
    const __m128i hi = _mm_unpackhi_epi16(row.mins16, row.mins16);
    return _mm256_set_m128i(hi, lo);
  }
  static float CorrFactor(const uint8_t* block) {
    return -_cvtsh_ss(reinterpret_cast<const BlockQ5_K*>(block)->dmin);
  }

  // Outer-product path (q8_k_act_outer.h): q4_k's repack plus the 5th bit, bit 2k (first
  // 32 of chunk k) or 2k + 1 (second 32) of qh[l].
  static constexpr int kSubBlock = 32;
  static constexpr int kNumCorrPairs = 4;
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, avx512::KSuperRepack& out) {
    for (int r = 0; r < 16; ++r) {
      const auto* blk = reinterpret_cast<const BlockQ5_K*>(block + r * w_row_bytes);
      uint8_t sm[16];
      UnpackScalesMinsK4(blk->scales, sm);
      const float d = _cvtsh_ss(blk->d);
      for (int j = 0; j < 8; ++j) out.fscale[j][r] = d * sm[j];
      for (int p = 0; p < 4; ++p)
        out.corr_pairs[p][r] = avx512::PackI16Pair(sm[8 + 2 * p], sm[9 + 2 * p]);
      out.corr_scale[r] = -_cvtsh_ss(blk->dmin);
    }
    const auto* blk0 = reinterpret_cast<const BlockQ5_K*>(block);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    const __m512i one = _mm512_set1_epi8(0x01);
    __m512i qh[2][4];
    avx512::Transpose16x4(blk0->qh, w_row_bytes, qh[0]);
    avx512::Transpose16x4(blk0->qh + 16, w_row_bytes, qh[1]);
    for (int k = 0; k < 4; ++k) {
      for (int h = 0; h < 2; ++h) {
        __m512i d[4];
        avx512::Transpose16x4(blk0->qs + 32 * k + 16 * h, w_row_bytes, d);
        for (int q = 0; q < 4; ++q) {
          const __m512i hb_lo =
              _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh[h][q], 2 * k), one), 4);
          const __m512i hb_hi =
              _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh[h][q], 2 * k + 1), one), 4);
          out.groups[16 * k + 4 * h + q] = _mm512_or_si512(_mm512_and_si512(d[q], mask), hb_lo);
          out.groups[16 * k + 8 + 4 * h + q] =
              _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(d[q], 4), mask), hb_hi);
        }
      }
    }
  }
  static void ActPairs(const BlockQ8_K* x, int32_t pairs[8]) { avx512::PairSums32(x, pairs); }
};

}  // namespace

void GemmQ5_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8KActGemm<Q5_KPolicy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                 num_rows, cols);
}

}  // namespace cratio::kernels
