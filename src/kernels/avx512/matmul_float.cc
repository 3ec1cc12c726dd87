// AVX-512 gemm for f32, f16 (F16C conversion) and bf16 (shift into f32) weights on f32
// activations; the skeleton is in float_gemm_tile.h.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/float_gemm_tile.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

struct F32Policy {
  static __m512 Load(const uint8_t* row, int64_t c) {
    return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + c);
  }
  static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, reinterpret_cast<const float*>(row) + c);
  }
};

struct F16Policy {
  static __m512 Load(const uint8_t* row, int64_t c) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(reinterpret_cast<const uint16_t*>(row) + c)));
  }
  static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, reinterpret_cast<const uint16_t*>(row) + c));
  }
};

struct Bf16Policy {
  static __m512 FromBits(__m256i bits) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
  }
  static __m512 Load(const uint8_t* row, int64_t c) {
    return FromBits(_mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(reinterpret_cast<const uint16_t*>(row) + c)));
  }
  static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m) {
    return FromBits(_mm256_maskz_loadu_epi16(m, reinterpret_cast<const uint16_t*>(row) + c));
  }
};

}  // namespace

void GemmF32Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                   int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                   int64_t cols) {
  avx512::FloatGemm<F32Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                               num_rows, cols);
}

void GemmF16Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                   int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                   int64_t cols) {
  avx512::FloatGemm<F16Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                               num_rows, cols);
}

void GemmBf16Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols) {
  avx512::FloatGemm<Bf16Policy>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride,
                                num_rows, cols);
}

}  // namespace cratio::kernels
