// Reference q5_1 matmul: x = d·q + m with a 5th bit in qh; q8_0 activations plus m·Σx.
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Σ_b d_x·(d_w·Σ_i q_w[i]·q_x[i] + m_w·Σ_i q_x[i]).
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ5_1*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_0*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK5_1; ++b) {
    const uint32_t qh = wb[b].qh[0] | (wb[b].qh[1] << 8) | (wb[b].qh[2] << 16) |
                        (static_cast<uint32_t>(wb[b].qh[3]) << 24);
    int isum = 0;
    int xsum = 0;
    for (int i = 0; i < kQK5_1 / 2; ++i) {
      const int q_lo = (wb[b].qs[i] & 0xF) | (((qh >> i) & 1) << 4);
      const int q_hi = (wb[b].qs[i] >> 4) | (((qh >> (i + 16)) & 1) << 4);
      isum += q_lo * xb[b].qs[i] + q_hi * xb[b].qs[i + kQK5_1 / 2];
      xsum += xb[b].qs[i] + xb[b].qs[i + kQK5_1 / 2];
    }
    const double dx = F16ToF32(xb[b].d);
    sum += dx * (static_cast<double>(F16ToF32(wb[b].d)) * isum +
                 static_cast<double>(F16ToF32(wb[b].m)) * xsum);
  }
  return sum;
}
}  // namespace

void GemmQ5_1Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
