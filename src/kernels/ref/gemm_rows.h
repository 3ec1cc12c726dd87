// GemmByRowDots: the reference gemm loop — one independent row·token dot per output.
#pragma once

#include <cstdint>

namespace cratio::kernels {

// `dot(w_row, xa_row, cols)` returns Σ_c W[r, c] · x[t, c] for one row and one token.
template <typename RowDot>
inline void GemmByRowDots(RowDot dot, const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out, int64_t out_stride,
                          int64_t num_rows, int64_t cols) {
  const auto* w_bytes = static_cast<const uint8_t*>(w);
  const auto* x_bytes = static_cast<const uint8_t*>(xa);
  for (int64_t t = 0; t < num_tokens; ++t) {
    for (int64_t r = 0; r < num_rows; ++r) {
      out[t * out_stride + r] =
          static_cast<float>(dot(w_bytes + r * w_row_bytes, x_bytes + t * xa_row_bytes, cols));
    }
  }
}

}  // namespace cratio::kernels
