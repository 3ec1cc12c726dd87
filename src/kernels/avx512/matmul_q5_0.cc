// AVX-512 VNNI q5_0 × q8_0 gemm: q4_0's nibbles plus the 5th bit (bit i of qh for element
// i), used as unsigned bytes with the -16 offset folded into -16·Σx.
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_0_act_tile.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

uint32_t LoadQh(const uint8_t* block) {
  uint32_t qh;
  std::memcpy(&qh, reinterpret_cast<const BlockQ5_0*>(block)->qh, 4);
  return qh;
}

struct Q5_0Policy {
  static constexpr int kBlockBytes = sizeof(BlockQ5_0);
  static constexpr bool kHasMin = false;
  static constexpr bool kNibbleOrder = true;
  static constexpr bool kWeightsSigned = false;
  static constexpr int kOffset = 16;
  // [b0 0-15, b1 0-15, b0 16-31, b1 16-31] as bytes 0..31.
  static __m512i LoadQs(const uint8_t* b0, const uint8_t* b1) {
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b0 + 6));
    const __m128i q1 =
        b1 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(b1 + 6)) : _mm_setzero_si128();
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(q0), q1, 1);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(both, mask);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(both, 4), mask);
    const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    const uint64_t qh0 = LoadQh(b0), qh1 = b1 ? LoadQh(b1) : 0;
    const __mmask64 high =
        (qh0 & 0xFFFF) | ((qh1 & 0xFFFF) << 16) | ((qh0 >> 16) << 32) | ((qh1 >> 16) << 48);
    return _mm512_mask_add_epi8(q, high, q, _mm512_set1_epi8(16));
  }
  static uint16_t Scale(const uint8_t* block) { return avx512::LoadU16(block); }
  // Outer-product path: groups k (elements 4k..) and k + 4 (16 + 4k..) from qs dword k,
  // 5th bits from qh bits 4k.. and 16 + 4k...
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, __m512i groups[8]) {
    __m512i d[4];
    avx512::Transpose16x4(block + 6, w_row_bytes, d);
    alignas(64) uint32_t qh_lanes[16];
    for (int r = 0; r < 16; ++r) qh_lanes[r] = LoadQh(block + r * w_row_bytes);
    const __m512i qh = _mm512_load_si512(qh_lanes);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    const __m512i nibble = _mm512_set1_epi32(0xF);
    for (int k = 0; k < 4; ++k) {
      const __m512i h_lo =
          avx512::SpreadNibbleBits(_mm512_and_si512(_mm512_srli_epi32(qh, 4 * k), nibble));
      const __m512i h_hi =
          avx512::SpreadNibbleBits(_mm512_and_si512(_mm512_srli_epi32(qh, 16 + 4 * k), nibble));
      groups[k] = _mm512_or_si512(_mm512_and_si512(d[k], mask), h_lo);
      groups[k + 4] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(d[k], 4), mask), h_hi);
    }
  }
};

}  // namespace

void GemmQ5_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8ActGemm<Q5_0Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                num_rows, cols);
}

}  // namespace cratio::kernels
