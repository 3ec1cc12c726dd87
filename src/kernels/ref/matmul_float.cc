// Reference matmuls for the plain float weight types (f32, f16, bf16) on f32 activations.
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/half.h"

namespace cratio::kernels {

void GemmF32Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols) {
  auto dot = [](const uint8_t* w_row, const uint8_t* x_row, int64_t n) {
    const auto* wf = reinterpret_cast<const float*>(w_row);
    const auto* xf = reinterpret_cast<const float*>(x_row);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(wf[i]) * xf[i];
    return sum;
  };
  GemmByRowDots(dot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows, cols);
}

void GemmF16Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols) {
  auto dot = [](const uint8_t* w_row, const uint8_t* x_row, int64_t n) {
    const auto* wh = reinterpret_cast<const uint16_t*>(w_row);
    const auto* xf = reinterpret_cast<const float*>(x_row);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(F16ToF32(wh[i])) * xf[i];
    return sum;
  };
  GemmByRowDots(dot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows, cols);
}

void GemmBf16Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  auto dot = [](const uint8_t* w_row, const uint8_t* x_row, int64_t n) {
    const auto* wb = reinterpret_cast<const uint16_t*>(w_row);
    const auto* xf = reinterpret_cast<const float*>(x_row);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(Bf16ToF32(wb[i])) * xf[i];
    return sum;
  };
  GemmByRowDots(dot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows, cols);
}

}  // namespace cratio::kernels
