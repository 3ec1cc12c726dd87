// Matmul: the linear layers of the forward pass on weights in their stored dtype.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "ops/op_context.h"
#include "tensor/linear_weight.h"
#include "tensor/tensor.h"

namespace cratio {

// out[num_tokens, w.rows] = x[num_tokens, w.cols] · W^T (+ bias), for any supported weight
// dtype (dense) or a low-rank pair. x and out are row-major f32 and must not alias.
// Activations are converted once per call to the kernel's activation format (e.g. q8_0
// blocks for q4_0 weights) and rows are split across the context's threads.
void Matmul(OpContext& ctx, const LinearWeight& w, const float* x, int64_t num_tokens, float* out);

// Same, for a plain weight view W[rows, cols].
void Matmul(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens, float* out);

// True when the engine has a matmul kernel for this weight dtype.
bool MatmulSupports(DType dtype);

}  // namespace cratio
