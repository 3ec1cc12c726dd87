// Row-wise ops of the forward pass: each splits its rows (or elements) over the pool and
// calls the f32 helpers of the kernel table.
#include "ops/elementwise.h"

#include "kernels/kernel_table.h"

namespace cratio {
namespace {

// Below this many elements a parallel loop costs more than it saves.
constexpr int64_t kMinParallelElements = 1 << 14;
// Element chunks are multiples of this (whole cache lines, whole vectors).
constexpr int64_t kElementGrain = 1024;

}  // namespace

void RmsNorm(OpContext& ctx, const float* x, const float* weight, float* out, int64_t num_tokens,
             int64_t dim, float eps) {
  const KernelTable& k = ctx.kernels();
  if (num_tokens * dim < kMinParallelElements) {
    for (int64_t t = 0; t < num_tokens; ++t)
      k.rms_norm_f32(x + t * dim, weight, out + t * dim, dim, eps);
    return;
  }
  ctx.pool().ParallelFor(num_tokens, 1, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) {
      k.rms_norm_f32(x + t * dim, weight, out + t * dim, dim, eps);
    }
  });
}

void SiluMul(OpContext& ctx, float* gate, const float* up, int64_t n) {
  const KernelTable& k = ctx.kernels();
  if (n < kMinParallelElements) {
    k.silu_mul_f32(gate, up, n);
    return;
  }
  ctx.pool().ParallelFor(n, kElementGrain, [&](int64_t begin, int64_t end, int) {
    k.silu_mul_f32(gate + begin, up + begin, end - begin);
  });
}

void AddInPlace(OpContext& ctx, float* y, const float* x, int64_t n) {
  const KernelTable& k = ctx.kernels();
  if (n < kMinParallelElements) {
    k.add_f32(y, x, n);
    return;
  }
  ctx.pool().ParallelFor(n, kElementGrain, [&](int64_t begin, int64_t end, int) {
    k.add_f32(y + begin, x + begin, end - begin);
  });
}

}  // namespace cratio
