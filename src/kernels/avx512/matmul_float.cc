// AVX-512 gemm for f32, f16 (F16C conversion) and bf16 (shift into f32) weights on f32
// activations; the skeleton is in float_gemm_tile.h.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/float_gemm_tile.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

struct F32Policy {
  static constexpr int kElemBytes = 4;
  static constexpr int kColsPer16Bytes = 4;
  static void Columns(const __m512i dwords[4], __m512 cols[]) {
    for (int k = 0; k < 4; ++k) cols[k] = _mm512_castsi512_ps(dwords[k]);
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    float v;
    std::memcpy(&v, row + 4 * c, 4);
    return v;
  }
  static __m512 Load(const uint8_t* row, int64_t c) {
    return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + c);
  }
  static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, reinterpret_cast<const float*>(row) + c);
  }
};

struct F16Policy {
  static constexpr int kElemBytes = 2;
  static constexpr int kColsPer16Bytes = 8;
  // dword k lane r holds columns 2k (low half) and 2k + 1 (high half) of row r.
  static void Columns(const __m512i dwords[4], __m512 cols[]) {
    for (int k = 0; k < 4; ++k) {
      cols[2 * k] = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(dwords[k]));
      cols[2 * k + 1] = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dwords[k], 16)));
    }
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    return _cvtsh_ss(avx512::LoadU16(row + 2 * c));
  }
  static __m512 Load(const uint8_t* row, int64_t c) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(reinterpret_cast<const uint16_t*>(row) + c)));
  }
  static __m512 LoadTail(const uint8_t* row, int64_t c, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, reinterpret_cast<const uint16_t*>(row) + c));
  }
};

struct Bf16Policy {
  static constexpr int kElemBytes = 2;
  static constexpr int kColsPer16Bytes = 8;
  static void Columns(const __m512i dwords[4], __m512 cols[]) {
    const __m512i high = _mm512_set1_epi32(static_cast<int32_t>(0xFFFF0000u));
    for (int k = 0; k < 4; ++k) {
      cols[2 * k] = _mm512_castsi512_ps(_mm512_slli_epi32(dwords[k], 16));
      cols[2 * k + 1] = _mm512_castsi512_ps(_mm512_and_si512(dwords[k], high));
    }
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    return BitsFloatBf16(avx512::LoadU16(row + 2 * c));
  }
  static float BitsFloatBf16(uint16_t b) {
    const uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
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
