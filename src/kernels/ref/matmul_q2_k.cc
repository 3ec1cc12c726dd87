// Reference q2_k matmul with q8_k activations: 2-bit values, 16 sub-blocks of 16 with 4-bit scale
// and min.
#include "kernels/k_scales.h"
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Element e = 128n + 32j + l of a super-block is (qs[32n + l] >> 2j) & 3 in sub-block e / 16;
// x = d·sc·q - dmin·m.
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ2_K*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    int64_t scaled = 0;  // Σ_s sc_s Σ q·a
    int64_t mins = 0;    // Σ_s m_s Σ a
    for (int s = 0; s < kQK_K / 16; ++s) {
      int dot = 0;
      int xsum = 0;
      for (int i = 0; i < 16; ++i) {
        const int e = s * 16 + i;
        const int n = e / 128, j = (e % 128) / 32, l = e % 32;
        const int q = (wb[b].qs[32 * n + l] >> (2 * j)) & 3;
        dot += q * xb[b].qs[e];
        xsum += xb[b].qs[e];
      }
      scaled += (wb[b].scales[s] & 0xF) * dot;
      mins += (wb[b].scales[s] >> 4) * xsum;
    }
    sum += static_cast<double>(xb[b].d) * (static_cast<double>(F16ToF32(wb[b].d)) * scaled -
                                           static_cast<double>(F16ToF32(wb[b].dmin)) * mins);
  }
  return sum;
}
}  // namespace

void GemmQ2_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
