// Matmul: converts activations once into the kernel's format, then splits weight rows over
// the pool so each thread streams its own slice of W; low-rank weights run as two products.
#include "ops/matmul.h"

#include <algorithm>
#include <vector>

#include "base/check.h"
#include "kernels/kernel_table.h"
#include "numeric/rows16.h"

namespace cratio {
namespace {

// Rows per thread chunk are multiples of this: whole row tiles of every kernel, and
// slices big enough that each thread streams long runs of weight memory.
// (16 is also the kRows16 group: thread slices start at a group.)
constexpr int64_t kRowGrain = 16;
// Tokens per gemm call: the converted activation panel (≤ 64 · cols bytes for q8
// activations) stays in L2 while the thread's weight slice streams past it.
constexpr int64_t kTokenPanel = 64;

// out[num_tokens, rows] = x[num_tokens, cols] · W[rows, cols]^T, no bias.
void DenseMatmul(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens,
                 float* out) {
  const MatmulKernel& entry = ctx.kernels().matmul_for(w.dtype);
  CRATIO_CHECK_MSG(entry.supported(), "Matmul: weight dtype has no kernel (check MatmulSupports)");
  // The entry's prefill route (AMX) when it has one and the batch is large enough.
  struct Route {
    DType act_dtype;
    ConvertActFn convert_act;
    GemmFn gemm;
    int64_t token_panel;
  };
  const bool rows16 = w.layout == WeightLayout::kRows16;
  CRATIO_CHECK(!rows16 || w.rows() % kRows16 == 0);
  // A kRows16 view on a table without kRows16 kernels: each thread unpacks its groups and
  // runs the row-major kernels on them (tests run every table on the loader's layout).
  const bool unpack_groups = rows16 && entry.rows16_gemm == nullptr;
  const GemmFn prefill_gemm =
      rows16 && !unpack_groups ? entry.rows16_prefill_gemm : entry.prefill_gemm;
  const GemmFn decode_gemm = rows16 && !unpack_groups ? entry.rows16_gemm : entry.gemm;
  const bool prefill = prefill_gemm != nullptr && num_tokens >= entry.prefill_min_tokens;
  const Route kernel =
      prefill ? Route{entry.prefill_act_dtype, entry.prefill_convert_act, prefill_gemm,
                      entry.prefill_token_panel}
              : Route{entry.act_dtype, entry.convert_act, decode_gemm, kTokenPanel};
  const int64_t rows = w.rows();
  const int64_t cols = w.cols();
  const int64_t w_row_bytes = w.row_bytes();

  // xa[num_tokens, act row]: the activations in the kernel's format.
  const void* xa = x;
  int64_t xa_row_bytes = cols * static_cast<int64_t>(sizeof(float));
  if (kernel.convert_act != nullptr) {
    xa_row_bytes = RowBytes(kernel.act_dtype, cols);
    auto* xa_bytes = static_cast<uint8_t*>(ctx.ActivationScratch(num_tokens * xa_row_bytes));
    auto convert = [&](int64_t begin, int64_t end, int) {
      for (int64_t t = begin; t < end; ++t) {
        kernel.convert_act(x + t * cols, xa_bytes + t * xa_row_bytes, cols);
      }
    };
    if (num_tokens > 1) {
      ctx.pool().ParallelFor(num_tokens, 1, convert);
    } else {
      convert(0, num_tokens, 0);
    }
    xa = xa_bytes;
  }

  const auto* w_bytes = static_cast<const uint8_t*>(w.data);
  const auto* xa_base = static_cast<const uint8_t*>(xa);
  if (unpack_groups) {
    ctx.pool().ParallelFor(rows, kRowGrain, [&](int64_t row_begin, int64_t row_end, int) {
      thread_local std::vector<uint8_t> group;
      group.resize(static_cast<size_t>(kRows16 * w_row_bytes));
      for (int64_t r = row_begin; r < row_end; r += kRows16) {
        UnpackRows16(w.dtype, w_bytes + r * w_row_bytes, cols, group.data(), w_row_bytes);
        for (int64_t t0 = 0; t0 < num_tokens; t0 += kernel.token_panel) {
          const int64_t panel = std::min(kernel.token_panel, num_tokens - t0);
          kernel.gemm(group.data(), w_row_bytes, xa_base + t0 * xa_row_bytes, xa_row_bytes, panel,
                      out + t0 * rows + r, rows, kRows16, cols);
        }
      }
    });
    return;
  }
  ctx.pool().ParallelFor(rows, kRowGrain, [&](int64_t row_begin, int64_t row_end, int) {
    for (int64_t t0 = 0; t0 < num_tokens; t0 += kernel.token_panel) {
      const int64_t panel = std::min(kernel.token_panel, num_tokens - t0);
      kernel.gemm(w_bytes + row_begin * w_row_bytes, w_row_bytes, xa_base + t0 * xa_row_bytes,
                  xa_row_bytes, panel, out + t0 * rows + row_begin, rows, row_end - row_begin,
                  cols);
    }
  });
}

}  // namespace

bool MatmulSupports(DType dtype) { return GetKernelTable().matmul_for(dtype).supported(); }

void Matmul(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens, float* out) {
  if (num_tokens <= 0) return;
  DenseMatmul(ctx, w, x, num_tokens, out);
}

void Matmul(OpContext& ctx, const LinearWeight& w, const float* x, int64_t num_tokens, float* out) {
  if (num_tokens <= 0) return;
  const int64_t rows = w.rows();
  if (w.is_low_rank()) {
    // tmp[num_tokens, rank] = x · A^T, then out = tmp · B^T.
    const int64_t rank = w.lr_a.rows();
    CRATIO_CHECK(w.lr_b.cols() == rank);
    auto* tmp = static_cast<float*>(
        ctx.MatmulScratch(num_tokens * rank * static_cast<int64_t>(sizeof(float))));
    DenseMatmul(ctx, w.lr_a, x, num_tokens, tmp);
    DenseMatmul(ctx, w.lr_b, tmp, num_tokens, out);
  } else {
    DenseMatmul(ctx, w.dense, x, num_tokens, out);
  }
  if (w.bias != nullptr) {
    for (int64_t t = 0; t < num_tokens; ++t) ctx.kernels().add_f32(out + t * rows, w.bias, rows);
  }
}

}  // namespace cratio
