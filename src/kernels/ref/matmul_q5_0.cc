// Reference q5_0 matmul: x = d·(q - 16), bit i of qh is the 5th bit of element i; q8_0 activations.
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Σ_b d_w·d_x·Σ_i (q_w[i] - 16)·q_x[i].
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ5_0*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_0*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK5_0; ++b) {
    const uint32_t qh = wb[b].qh[0] | (wb[b].qh[1] << 8) | (wb[b].qh[2] << 16) |
                        (static_cast<uint32_t>(wb[b].qh[3]) << 24);
    int isum = 0;
    for (int i = 0; i < kQK5_0 / 2; ++i) {
      const int q_lo = (wb[b].qs[i] & 0xF) | (((qh >> i) & 1) << 4);
      const int q_hi = (wb[b].qs[i] >> 4) | (((qh >> (i + 16)) & 1) << 4);
      isum += (q_lo - 16) * xb[b].qs[i] + (q_hi - 16) * xb[b].qs[i + kQK5_0 / 2];
    }
    sum += static_cast<double>(F16ToF32(wb[b].d)) * F16ToF32(xb[b].d) * isum;
  }
  return sum;
}
}  // namespace

void GemmQ5_0Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
