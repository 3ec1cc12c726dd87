// Reference q6_k matmul with q8_k activations: 6-bit values (4 low bits in ql, 2 high in qh), 16
// sub-blocks with int8 scales.
#include "kernels/k_scales.h"
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Element e = 128n + 32k + l: low 4 bits from ql[64n + 32(k % 2) + l] (low nibble for k < 2,
// high nibble otherwise), high 2 bits (qh[32n + l] >> 2k) & 3; x = d·scale[e / 16]·(q - 32).
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ6_K*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    int64_t scaled = 0;
    for (int s = 0; s < kQK_K / 16; ++s) {
      int dot = 0;
      for (int i = 0; i < 16; ++i) {
        const int e = s * 16 + i;
        const int n = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t low_byte = wb[b].ql[64 * n + 32 * (k % 2) + l];
        const int low = k < 2 ? (low_byte & 0xF) : (low_byte >> 4);
        const int high = (wb[b].qh[32 * n + l] >> (2 * k)) & 3;
        dot += ((low | (high << 4)) - 32) * xb[b].qs[e];
      }
      scaled += wb[b].scales[s] * dot;
    }
    sum += static_cast<double>(xb[b].d) * F16ToF32(wb[b].d) * static_cast<double>(scaled);
  }
  return sum;
}
}  // namespace

void GemmQ6_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
