// Reference q4_0 matmul: x = d·(q - 8); integer block dots with q8_0 activations.
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Σ_b d_w·d_x·Σ_i (q_w[i] - 8)·q_x[i]; nibble i < 16 is low, i >= 16 high.
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ4_0*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_0*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK4_0; ++b) {
    int isum = 0;
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      isum += ((wb[b].qs[i] & 0xF) - 8) * xb[b].qs[i];
      isum += ((wb[b].qs[i] >> 4) - 8) * xb[b].qs[i + kQK4_0 / 2];
    }
    sum += static_cast<double>(F16ToF32(wb[b].d)) * F16ToF32(xb[b].d) * isum;
  }
  return sum;
}
}  // namespace

void GemmQ4_0Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
