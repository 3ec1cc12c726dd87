// AVX-512 VNNI q4_0 × q8_0 gemm: nibbles used as unsigned bytes, the -8 offset folded
// into a per-token correction.
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_0_act_tile.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

struct Q4_0Policy {
  static constexpr int kBlockBytes = sizeof(BlockQ4_0);
  static constexpr bool kHasMin = false;
  static constexpr bool kNibbleOrder = true;
  static constexpr bool kWeightsSigned = false;
  static constexpr int kOffset = 8;
  // [b0 lo, b1 lo, b0 hi, b1 hi] nibbles as bytes 0..15.
  static __m512i LoadQs(const uint8_t* b0, const uint8_t* b1) {
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b0 + 2));
    const __m128i q1 =
        b1 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(b1 + 2)) : _mm_setzero_si128();
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(q0), q1, 1);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(both, mask);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(both, 4), mask);
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
  }
  // Outer-product path: dword k of each row's qs gives elements 4k.. (low nibbles) and
  // 16 + 4k.. (high nibbles).
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, __m512i groups[8]) {
    __m512i d[4];
    avx512::Transpose16x4(block + 2, w_row_bytes, d);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    for (int k = 0; k < 4; ++k) {
      groups[k] = _mm512_and_si512(d[k], mask);
      groups[k + 4] = _mm512_and_si512(_mm512_srli_epi16(d[k], 4), mask);
    }
  }
  static uint16_t Scale(const uint8_t* block) {
    uint16_t d;
    std::memcpy(&d, block, 2);
    return d;
  }
};

}  // namespace

void GemmQ4_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8ActGemm<Q4_0Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                num_rows, cols);
}

}  // namespace cratio::kernels
