// AVX-512 VNNI q3_k × q8_k gemm: 3-bit values (2 low bits from qs, the third from hmask)
// used as unsigned 0..7, the -4 offset applied per super-block through the block sums.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_k_act_outer.h"
#include "kernels/avx512/q8_k_act_tile.h"
#include "kernels/avx512/simd.h"
#include "kernels/k_scales.h"

namespace cratio::kernels {
namespace {

struct Q3_KPolicy {
  static constexpr int kBlockBytes = sizeof(BlockQ3_K);
  struct Row {
    __m512i scales32;  // 16 signed scales (minus 32), low 16 bits of each lane
    __m256i scales16;  // the same as int16
  };
  static void Prepare(const uint8_t* block, Row& row) {
    alignas(16) int8_t sc[16];
    ScalesQ3KWords(reinterpret_cast<const BlockQ3_K*>(block)->scales, sc);
    const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(sc));
    row.scales32 = _mm512_and_si512(_mm512_cvtepi8_epi32(v), _mm512_set1_epi32(0xFFFF));
    row.scales16 = _mm256_cvtepi8_epi16(v);
  }
  // Register k: elements 64k..64k+63 = half n = k / 2, quarters j0 = 2(k % 2) and j0 + 1;
  // element 128n + 32j + l = ((qs[32n + l] >> 2j) & 3) | (((hmask[l] >> (4n + j)) & 1) << 2).
  static __m512i Values(const uint8_t* block, const Row&, int k) {
    const auto* blk = reinterpret_cast<const BlockQ3_K*>(block);
    const int n = k / 2, j0 = 2 * (k % 2);
    const __m512i qs = _mm512_broadcast_i64x4(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qs + 32 * n)));
    const __m512i hm =
        _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->hmask)));
    const __m512i qs_shift =
        _mm512_inserti64x4(_mm512_set1_epi16(static_cast<short>(2 * j0)),
                           _mm256_set1_epi16(static_cast<short>(2 * j0 + 2)), 1);
    const __m512i hm_shift =
        _mm512_inserti64x4(_mm512_set1_epi16(static_cast<short>(4 * n + j0)),
                           _mm256_set1_epi16(static_cast<short>(4 * n + j0 + 1)), 1);
    const __m512i low = _mm512_and_si512(_mm512_srlv_epi16(qs, qs_shift), _mm512_set1_epi8(3));
    const __m512i high = _mm512_slli_epi16(
        _mm512_and_si512(_mm512_srlv_epi16(hm, hm_shift), _mm512_set1_epi8(1)), 2);
    return _mm512_or_si512(low, high);
  }
  static __m512i Scales(const Row& row, int k) {
    const int b = 4 * k;
    const __m512i idx = _mm512_set_epi32(b + 3, b + 3, b + 3, b + 3, b + 2, b + 2, b + 2, b + 2,
                                         b + 1, b + 1, b + 1, b + 1, b, b, b, b);
    return _mm512_permutexvar_epi32(idx, row.scales32);
  }
  static float D(const uint8_t* block) {
    return _cvtsh_ss(reinterpret_cast<const BlockQ3_K*>(block)->d);
  }
  // The -4 of every value: -4·d·Σ_j sc_j·bsum_j.
  static __m256i CorrCoeffs16(const uint8_t*, const Row& row) { return row.scales16; }
  static float CorrFactor(const uint8_t* block) { return -4.0f * D(block); }

  // Outer-product path (q8_k_act_outer.h).
  static constexpr int kSubBlock = 16;
  static constexpr int kNumCorrPairs = 8;
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, avx512::KSuperRepack& out) {
    for (int r = 0; r < 16; ++r) {
      const auto* blk = reinterpret_cast<const BlockQ3_K*>(block + r * w_row_bytes);
      int8_t sc[16];
      ScalesQ3KWords(blk->scales, sc);
      const float d = _cvtsh_ss(blk->d);
      for (int j = 0; j < 16; ++j) out.fscale[j][r] = d * sc[j];
      for (int p = 0; p < 8; ++p)
        out.corr_pairs[p][r] = avx512::PackI16Pair(sc[2 * p], sc[2 * p + 1]);
      out.corr_scale[r] = -4.0f * d;
    }
    const auto* blk0 = reinterpret_cast<const BlockQ3_K*>(block);
    __m512i hm[2][4];  // hmask bytes 16h + 4q..
    avx512::Transpose16x4(blk0->hmask, w_row_bytes, hm[0]);
    avx512::Transpose16x4(blk0->hmask + 16, w_row_bytes, hm[1]);
    const __m512i three = _mm512_set1_epi8(3), one = _mm512_set1_epi8(1);
    for (int n = 0; n < 2; ++n) {
      for (int h = 0; h < 2; ++h) {
        __m512i q[4];
        avx512::Transpose16x4(blk0->qs + 32 * n + 16 * h, w_row_bytes, q);
        for (int j = 0; j < 4; ++j) {
          for (int d = 0; d < 4; ++d) {
            const __m512i low = _mm512_and_si512(_mm512_srli_epi16(q[d], 2 * j), three);
            const __m512i high =
                _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(hm[h][d], 4 * n + j), one), 2);
            out.groups[32 * n + 8 * j + 4 * h + d] = _mm512_or_si512(low, high);
          }
        }
      }
    }
  }
  static void ActPairs(const BlockQ8_K* x, int32_t pairs[8]) { std::memcpy(pairs, x->bsums, 32); }
};

// q2_k: 2-bit values, 16 sub-blocks of 16 with a 4-bit scale and a 4-bit min each.
struct Q2_KPolicy {
  static constexpr int kBlockBytes = sizeof(BlockQ2_K);
  struct Row {
    __m512i scales32;  // low nibbles of scales[16] as i32
    __m256i mins16;    // high nibbles as int16
  };
  static void Prepare(const uint8_t* block, Row& row) {
    const __m128i v = _mm_loadu_si128(
        reinterpret_cast<const __m128i*>(reinterpret_cast<const BlockQ2_K*>(block)->scales));
    row.scales32 = _mm512_cvtepu8_epi32(_mm_and_si128(v, _mm_set1_epi8(0x0F)));
    row.mins16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0F)));
  }
  // Element 128n + 32j + l = (qs[32n + l] >> 2j) & 3.
  static __m512i Values(const uint8_t* block, const Row&, int k) {
    const auto* blk = reinterpret_cast<const BlockQ2_K*>(block);
    const int n = k / 2, j0 = 2 * (k % 2);
    const __m512i qs = _mm512_broadcast_i64x4(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qs + 32 * n)));
    const __m512i shift = _mm512_inserti64x4(_mm512_set1_epi16(static_cast<short>(2 * j0)),
                                             _mm256_set1_epi16(static_cast<short>(2 * j0 + 2)), 1);
    return _mm512_and_si512(_mm512_srlv_epi16(qs, shift), _mm512_set1_epi8(3));
  }
  static __m512i Scales(const Row& row, int k) {
    return Q3_KPolicy::Scales(Q3_KPolicy::Row{row.scales32, {}}, k);
  }
  static float D(const uint8_t* block) {
    return _cvtsh_ss(reinterpret_cast<const BlockQ2_K*>(block)->d);
  }
  static __m256i CorrCoeffs16(const uint8_t*, const Row& row) { return row.mins16; }
  static float CorrFactor(const uint8_t* block) {
    return -_cvtsh_ss(reinterpret_cast<const BlockQ2_K*>(block)->dmin);
  }

  static constexpr int kSubBlock = 16;
  static constexpr int kNumCorrPairs = 8;
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, avx512::KSuperRepack& out) {
    for (int r = 0; r < 16; ++r) {
      const auto* blk = reinterpret_cast<const BlockQ2_K*>(block + r * w_row_bytes);
      const float d = _cvtsh_ss(blk->d);
      for (int j = 0; j < 16; ++j) out.fscale[j][r] = d * (blk->scales[j] & 0xF);
      for (int p = 0; p < 8; ++p) {
        out.corr_pairs[p][r] =
            avx512::PackI16Pair(blk->scales[2 * p] >> 4, blk->scales[2 * p + 1] >> 4);
      }
      out.corr_scale[r] = -_cvtsh_ss(blk->dmin);
    }
    const auto* blk0 = reinterpret_cast<const BlockQ2_K*>(block);
    const __m512i three = _mm512_set1_epi8(3);
    for (int n = 0; n < 2; ++n) {
      for (int h = 0; h < 2; ++h) {
        __m512i q[4];
        avx512::Transpose16x4(blk0->qs + 32 * n + 16 * h, w_row_bytes, q);
        for (int j = 0; j < 4; ++j) {
          for (int d = 0; d < 4; ++d) {
            out.groups[32 * n + 8 * j + 4 * h + d] =
                _mm512_and_si512(_mm512_srli_epi16(q[d], 2 * j), three);
          }
        }
      }
    }
  }
  static void ActPairs(const BlockQ8_K* x, int32_t pairs[8]) { std::memcpy(pairs, x->bsums, 32); }
};

}  // namespace

void GemmQ3_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8KActGemm<Q3_KPolicy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                 num_rows, cols);
}

void GemmQ2_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8KActGemm<Q2_KPolicy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                 num_rows, cols);
}

}  // namespace cratio::kernels
