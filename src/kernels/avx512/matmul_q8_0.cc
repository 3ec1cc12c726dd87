// AVX-512 VNNI q8_0 × q8_0 gemm: int8 weights, activations shifted to unsigned.
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/q8_0_act_tile.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

struct Q8_0Policy {
  static constexpr int kBlockBytes = sizeof(BlockQ8_0);
  static constexpr bool kHasMin = false;
  static constexpr bool kNibbleOrder = false;
  static constexpr bool kWeightsSigned = true;
  static constexpr int kOffset = 128;  // outer-product path only (weights + 128)
  static __m512i LoadQs(const uint8_t* b0, const uint8_t* b1) {
    const __m256i q0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + 2));
    const __m256i q1 =
        b1 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1 + 2)) : _mm256_setzero_si256();
    return _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1);
  }
  // Outer-product path: int8 weights made unsigned (w + 128), offset 128.
  static void Repack16(const uint8_t* block, int64_t w_row_bytes, __m512i groups[8]) {
    avx512::Transpose16x4(block + 2, w_row_bytes, groups);
    avx512::Transpose16x4(block + 18, w_row_bytes, groups + 4);
    const __m512i k80 = _mm512_set1_epi8(static_cast<char>(0x80));
    for (int g = 0; g < 8; ++g) groups[g] = _mm512_xor_si512(groups[g], k80);
  }
  static uint16_t Scale(const uint8_t* block) {
    uint16_t d;
    std::memcpy(&d, block, 2);
    return d;
  }
};

}  // namespace

void GemmQ8_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::Q8ActGemm<Q8_0Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                num_rows, cols);
}

}  // namespace cratio::kernels
