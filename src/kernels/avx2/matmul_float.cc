// AVX2 + FMA + F16C gemm for f32, f16 and bf16 weights on f32 activations: 8 columns per
// step, two tokens per weight load.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

struct F32Load {
  static __m256 Load(const uint8_t* row, int64_t c) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + c);
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    return reinterpret_cast<const float*>(row)[c];
  }
};
struct F16Load {
  static __m256 Load(const uint8_t* row, int64_t c) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * c)));
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    uint16_t h;
    std::memcpy(&h, row + 2 * c, 2);
    return F16ToF32(h);
  }
};
struct Bf16Load {
  static __m256 Load(const uint8_t* row, int64_t c) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * c));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(b), 16));
  }
  static float Scalar(const uint8_t* row, int64_t c) {
    uint16_t h;
    std::memcpy(&h, row + 2 * c, 2);
    return Bf16ToF32(h);
  }
};

// out[t, r] for tokens t0 and (when two) t0 + 1 of one row.
template <class L>
void RowTokens(const uint8_t* row, const float* x0, const float* x1, int64_t cols, float* out0,
               float* out1) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t c = 0;
  for (; c + 8 <= cols; c += 8) {
    const __m256 wv = L::Load(row, c);
    a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x0 + c), a0);
    if (x1) a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x1 + c), a1);
  }
  float s0 = avx2::ReduceAdd(a0), s1 = avx2::ReduceAdd(a1);
  for (; c < cols; ++c) {
    const float wv = L::Scalar(row, c);
    s0 += wv * x0[c];
    if (x1) s1 += wv * x1[c];
  }
  *out0 = s0;
  if (x1) *out1 = s1;
}

template <class L>
void FloatGemm(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
               int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows, int64_t cols) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* x = static_cast<const float*>(xa);
  const int64_t x_stride = xa_row_bytes / static_cast<int64_t>(sizeof(float));
  for (int64_t r = 0; r < num_rows; ++r) {
    for (int64_t t = 0; t < num_tokens; t += 2) {
      const bool two = t + 1 < num_tokens;
      RowTokens<L>(wb + r * w_row_bytes, x + t * x_stride, two ? x + (t + 1) * x_stride : nullptr,
                   cols, out + t * out_stride + r, two ? out + (t + 1) * out_stride + r : nullptr);
    }
  }
}

}  // namespace

void GemmF32Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  FloatGemm<F32Load>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows, cols);
}

void GemmF16Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  FloatGemm<F16Load>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows, cols);
}

void GemmBf16Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols) {
  FloatGemm<Bf16Load>(w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                      cols);
}

}  // namespace cratio::kernels
