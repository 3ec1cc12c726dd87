// Row-wise operations of the forward pass, split over the context's threads.
#pragma once

#include <cstdint>

#include "ops/op_context.h"

namespace cratio {

// out[t, :] = x[t, :] / sqrt(mean(x[t, :]^2) + eps) * weight[:] for t in [0, num_tokens).
// out may alias x.
void RmsNorm(OpContext& ctx, const float* x, const float* weight, float* out, int64_t num_tokens,
             int64_t dim, float eps);

// gate[i] = silu(gate[i]) * up[i] for i in [0, n).
void SiluMul(OpContext& ctx, float* gate, const float* up, int64_t n);

// y[i] += x[i] for i in [0, n).
void AddInPlace(OpContext& ctx, float* y, const float* x, int64_t n);

}  // namespace cratio
