// Reference f32 helpers for attention, norms and activations (double accumulation where a
// sum is formed, std::exp for exponentials).
#include <algorithm>
#include <cmath>

#include "kernels/ref/ref_kernels.h"
#include "numeric/half.h"

namespace cratio::kernels {

void ScaleF32Ref(float* x, float a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] *= a;
}

void AddF32Ref(float* y, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

void SoftmaxF32Ref(float* x, int64_t n) {
  if (n <= 0) return;
  const float max_v = *std::max_element(x, x + n);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max_v);
    sum += x[i];
  }
  const float inv_sum = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) x[i] *= inv_sum;
}

void RmsNormF32Ref(const float* x, const float* w, float* out, int64_t n, float eps) {
  if (n <= 0) return;
  double sum_sq = 0.0;
  for (int64_t i = 0; i < n; ++i) sum_sq += static_cast<double>(x[i]) * x[i];
  const float inv_rms = static_cast<float>(1.0 / std::sqrt(sum_sq / n + eps));
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * inv_rms * w[i];
}

void SiluMulF32Ref(float* gate, const float* up, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    gate[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void GemmNnF32Ref(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                  int64_t c_stride, int64_t m, int64_t n, int64_t k) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t col = 0; col < n; ++col) {
      double sum = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        sum += static_cast<double>(a[i * a_stride + j]) * b[j * b_stride + col];
      }
      c[i * c_stride + col] = static_cast<float>(sum);
    }
  }
}

void F16ToF32Ref(const uint16_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = F16ToF32(src[i]);
}

}  // namespace cratio::kernels
