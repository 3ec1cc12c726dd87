// Matmul: the linear layers of the forward pass on weights in their stored dtype.
#pragma once

#include <cstdint>
#include <span>

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

// One product of MatmulShared: out[num_tokens, w.rows] = x · Wᵀ (+ bias).
struct SharedMatmul {
  const LinearWeight* w;
  float* out;
};

// Several products of the same x (Q / K / V; gate / up). When all are dense with one dtype,
// layout and column count and rows in multiples of 16, x is converted once and one
// parallel loop covers every part's rows (one fork / join instead of one per product);
// otherwise each runs as Matmul. Results equal separate Matmul calls bit for bit.
void MatmulShared(OpContext& ctx, std::span<const SharedMatmul> parts, const float* x,
                  int64_t num_tokens);

// True when the engine has a matmul kernel for this weight dtype.
bool MatmulSupports(DType dtype);

}  // namespace cratio
