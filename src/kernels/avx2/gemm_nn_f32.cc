// AVX2 c[m, n] = a[m, k] · b[k, n] for f32 (attention's probabilities · values): tiles of
// up to 3 rows of c × 32 columns in 12 registers; columns past the last whole 8 are scalar.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/simd.h"

namespace cratio::kernels {
namespace {

constexpr int kMaxRows = 3;

// Rows [0, kRows) of c, columns [0, 8 · kVecs).
template <int kRows, int kVecs>
void NnTile(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
            int64_t c_stride, int64_t k) {
  __m256 acc[kRows][kVecs];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm256_setzero_ps();
  }
  for (int64_t j = 0; j < k; ++j) {
    const float* b_row = b + j * b_stride;
    __m256 bv[kVecs];
    for (int v = 0; v < kVecs; ++v) bv[v] = _mm256_loadu_ps(b_row + 8 * v);
    for (int r = 0; r < kRows; ++r) {
      const __m256 av = _mm256_broadcast_ss(a + r * a_stride + j);
      for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) _mm256_storeu_ps(c + r * c_stride + 8 * v, acc[r][v]);
  }
}

template <int kRows>
void NnRows(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
            int64_t c_stride, int64_t n, int64_t k) {
  int64_t col = 0;
  for (; col + 32 <= n; col += 32) {
    NnTile<kRows, 4>(a, a_stride, b + col, b_stride, c + col, c_stride, k);
  }
  for (; col + 8 <= n; col += 8) {
    NnTile<kRows, 1>(a, a_stride, b + col, b_stride, c + col, c_stride, k);
  }
  for (; col < n; ++col) {
    for (int r = 0; r < kRows; ++r) {
      float sum = 0.0f;
      for (int64_t j = 0; j < k; ++j) sum += a[r * a_stride + j] * b[j * b_stride + col];
      c[r * c_stride + col] = sum;
    }
  }
}

}  // namespace

void GemmNnF32Avx2(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                   int64_t c_stride, int64_t m, int64_t n, int64_t k) {
  int64_t i = 0;
  for (; i + kMaxRows <= m; i += kMaxRows) {
    NnRows<kMaxRows>(a + i * a_stride, a_stride, b, b_stride, c + i * c_stride, c_stride, n, k);
  }
  const float* a_rest = a + i * a_stride;
  float* c_rest = c + i * c_stride;
  if (m - i == 2) NnRows<2>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k);
  if (m - i == 1) NnRows<1>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k);
}

}  // namespace cratio::kernels
