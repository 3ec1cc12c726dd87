// AVX-512 c[m, n] = a[m, k] · b[k, n] for f32 (attention's probabilities · values): tiles of
// up to 6 rows of c × 64 columns stay in 24 registers while k streams rows of b, so each
// b row is loaded once per tile and each a value is one broadcast.
#include <algorithm>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/simd.h"

namespace cratio::kernels {
namespace {

constexpr int kMaxRows = 6;
constexpr int kVecs = 4;  // 64 columns per tile

// Rows [0, kRows) of c, columns [0, 16 · kVecs) masked by `masks` (a lane beyond n is
// neither loaded nor stored).
template <int kRows>
void NnTile(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
            int64_t c_stride, int64_t k, const __mmask16 masks[kVecs]) {
  __m512 acc[kRows][kVecs];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_setzero_ps();
  }
  for (int64_t j = 0; j < k; ++j) {
    const float* b_row = b + j * b_stride;
    __m512 bv[kVecs];
    for (int v = 0; v < kVecs; ++v) bv[v] = _mm512_maskz_loadu_ps(masks[v], b_row + 16 * v);
    for (int r = 0; r < kRows; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * a_stride + j]);
      for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < kVecs; ++v) {
      _mm512_mask_storeu_ps(c + r * c_stride + 16 * v, masks[v], acc[r][v]);
    }
  }
}

template <int kRows>
void NnRows(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
            int64_t c_stride, int64_t n, int64_t k) {
  for (int64_t col = 0; col < n; col += 16 * kVecs) {
    __mmask16 masks[kVecs];
    for (int v = 0; v < kVecs; ++v) {
      const int64_t left = std::clamp<int64_t>(n - col - 16 * v, 0, 16);
      masks[v] = static_cast<__mmask16>((uint32_t{1} << left) - 1);
    }
    NnTile<kRows>(a, a_stride, b + col, b_stride, c + col, c_stride, k, masks);
  }
}

}  // namespace

void GemmNnF32Avx512(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                     int64_t c_stride, int64_t m, int64_t n, int64_t k) {
  int64_t i = 0;
  for (; i + kMaxRows <= m; i += kMaxRows) {
    NnRows<kMaxRows>(a + i * a_stride, a_stride, b, b_stride, c + i * c_stride, c_stride, n, k);
  }
  const float* a_rest = a + i * a_stride;
  float* c_rest = c + i * c_stride;
  switch (m - i) {
    case 5: NnRows<5>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k); break;
    case 4: NnRows<4>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k); break;
    case 3: NnRows<3>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k); break;
    case 2: NnRows<2>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k); break;
    case 1: NnRows<1>(a_rest, a_stride, b, b_stride, c_rest, c_stride, n, k); break;
    default: break;
  }
}

}  // namespace cratio::kernels
