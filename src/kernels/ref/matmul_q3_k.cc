// Reference q3_k matmul with q8_k activations: 3-bit values (2 low bits + hmask), 16 sub-blocks
// with 6-bit scales.
#include "kernels/k_scales.h"
#include "kernels/ref/gemm_rows.h"
#include "kernels/ref/ref_kernels.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

// Element e = 128n + 32j + l: q = ((qs[32n + l] >> 2j) & 3) - (hmask bit (4n + j) of byte l
// set ? 0 : 4); x = d·(scale[e / 16] - 32)·q.
double RowDot(const uint8_t* w_row, const uint8_t* x_row, int64_t cols) {
  const auto* wb = reinterpret_cast<const BlockQ3_K*>(w_row);
  const auto* xb = reinterpret_cast<const BlockQ8_K*>(x_row);
  double sum = 0.0;
  for (int64_t b = 0; b < cols / kQK_K; ++b) {
    int8_t scales[16];
    ScalesQ3K(wb[b].scales, scales);
    int64_t scaled = 0;
    for (int s = 0; s < kQK_K / 16; ++s) {
      int dot = 0;
      for (int i = 0; i < 16; ++i) {
        const int e = s * 16 + i;
        const int n = e / 128, j = (e % 128) / 32, l = e % 32;
        const int low = (wb[b].qs[32 * n + l] >> (2 * j)) & 3;
        const int high_set = (wb[b].hmask[l] >> (4 * n + j)) & 1;
        dot += (low - (high_set ? 0 : 4)) * xb[b].qs[e];
      }
      scaled += scales[s] * dot;
    }
    sum += static_cast<double>(xb[b].d) * F16ToF32(wb[b].d) * static_cast<double>(scaled);
  }
  return sum;
}
}  // namespace

void GemmQ3_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols) {
  GemmByRowDots(RowDot, w, w_row_bytes, xa, xa_row_bytes, num_tokens, out, out_stride, num_rows,
                cols);
}

}  // namespace cratio::kernels
