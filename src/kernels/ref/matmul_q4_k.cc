// Reference q4_k matmul with q8_k activations: 4-bit values, 8 sub-blocks of 32 with 6-bit scale
// and min.
#include "kernels/k_scales.h"
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Element 64j + l (l < 32) is the low nibble of qs[32j + l], element 64j + 32 + l its high
// nibble; sub-block s = e / 32; x = d·sc_s·q - dmin·m_s.
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ4_K*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    uint8_t scales[8], mins[8];
    ScalesMinsK4(wb[b].scales, scales, mins);
    int64_t scaled = 0;
    int64_t min_sum = 0;
    for (int s = 0; s < 8; ++s) {
      int dot = 0;
      int xsum = 0;
      for (int l = 0; l < 32; ++l) {
        const uint8_t byte = wb[b].qs[32 * (s / 2) + l];
        const int q = (s % 2 == 0) ? (byte & 0xF) : (byte >> 4);
        dot += q * xb[b].qs[32 * s + l];
        xsum += xb[b].qs[32 * s + l];
      }
      scaled += scales[s] * dot;
      min_sum += mins[s] * xsum;
    }
    sum += static_cast<double>(xb[b].d) * (static_cast<double>(F16ToF32(wb[b].d)) * scaled -
                                           static_cast<double>(F16ToF32(wb[b].dmin)) * min_sum);
  }
  return sum;
}
}  // namespace

void GemmQ4_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
