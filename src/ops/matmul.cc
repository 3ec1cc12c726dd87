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
// A kRows16 view whose table has no kRows16 prefill kernel runs batches from this many
// tokens on unpacked (once per call) for the row-major kernels, whose batch kernels reuse
// each weight block across all tokens instead of 4.
constexpr int64_t kRows16UnpackMinTokens = 8;

// How one weight view runs: the kernel route (by dtype, layout and token count) and the
// activations converted into its format.
struct Plan {
  GemmFn gemm = nullptr;
  int64_t token_panel = 0;
  bool unpack_groups = false;  // a kRows16 view run by unpacking groups (see Prepare)
  const uint8_t* xa = nullptr;
  int64_t xa_row_bytes = 0;
};

Plan Prepare(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens) {
  const MatmulKernel& entry = ctx.kernels().matmul_for(w.dtype);
  CRATIO_CHECK_MSG(entry.supported(), "Matmul: weight dtype has no kernel (check MatmulSupports)");
  const bool rows16 = w.layout == WeightLayout::kRows16;
  CRATIO_CHECK(!rows16 || w.rows() % kRows16 == 0);
  Plan plan;
  // A kRows16 view runs its own kernels where the table has them. On a table without them
  // (tests run every table on the loader's layout), and for a batch the table has no
  // kRows16 prefill kernel for, each thread unpacks its groups (once per call, for every
  // token) and runs the row-major kernels on them.
  const bool packed = rows16 && entry.rows16_gemm != nullptr &&
                      (entry.rows16_prefill_gemm != nullptr ||
                       num_tokens < kRows16UnpackMinTokens);
  plan.unpack_groups = rows16 && !packed;
  // The entry's prefill route (AMX) when it has one and the batch is large enough.
  const GemmFn prefill_gemm = packed ? entry.rows16_prefill_gemm : entry.prefill_gemm;
  const bool prefill = prefill_gemm != nullptr && num_tokens >= entry.prefill_min_tokens;
  const DType act_dtype = prefill ? entry.prefill_act_dtype : entry.act_dtype;
  const ConvertActFn convert_act = prefill ? entry.prefill_convert_act : entry.convert_act;
  plan.gemm = prefill ? prefill_gemm : packed ? entry.rows16_gemm : entry.gemm;
  plan.token_panel = prefill ? entry.prefill_token_panel : kTokenPanel;

  // xa[num_tokens, act row]: the activations in the kernel's format.
  const int64_t cols = w.cols();
  plan.xa = reinterpret_cast<const uint8_t*>(x);
  plan.xa_row_bytes = cols * static_cast<int64_t>(sizeof(float));
  if (convert_act != nullptr) {
    plan.xa_row_bytes = RowBytes(act_dtype, cols);
    auto* xa_bytes = static_cast<uint8_t*>(ctx.ActivationScratch(num_tokens * plan.xa_row_bytes));
    auto convert = [&](int64_t begin, int64_t end, int) {
      for (int64_t t = begin; t < end; ++t) {
        convert_act(x + t * cols, xa_bytes + t * plan.xa_row_bytes, cols);
      }
    };
    if (num_tokens > 1) {
      ctx.pool().ParallelFor(num_tokens, 1, convert);
    } else {
      convert(0, num_tokens, 0);
    }
    plan.xa = xa_bytes;
  }
  return plan;
}

// out[t, r] for rows [row_begin, row_end) of w (a multiple of 16 apart from the end), on
// the calling thread.
void RunRows(const Plan& plan, const TensorView& w, int64_t num_tokens, float* out,
             int64_t row_begin, int64_t row_end) {
  const int64_t rows = w.rows(), cols = w.cols(), w_row_bytes = w.row_bytes();
  const auto* w_bytes = static_cast<const uint8_t*>(w.data);
  auto gemm = [&](const uint8_t* wr, int64_t r, int64_t num_rows) {
    for (int64_t t0 = 0; t0 < num_tokens; t0 += plan.token_panel) {
      const int64_t panel = std::min(plan.token_panel, num_tokens - t0);
      plan.gemm(wr, w_row_bytes, plan.xa + t0 * plan.xa_row_bytes, plan.xa_row_bytes, panel,
                out + t0 * rows + r, rows, num_rows, cols);
    }
  };
  if (!plan.unpack_groups) {
    gemm(w_bytes + row_begin * w_row_bytes, row_begin, row_end - row_begin);
    return;
  }
  thread_local std::vector<uint8_t> group;
  group.resize(static_cast<size_t>(kRows16 * w_row_bytes));
  for (int64_t r = row_begin; r < row_end; r += kRows16) {
    UnpackRows16(w.dtype, w_bytes + r * w_row_bytes, cols, group.data(), w_row_bytes);
    gemm(group.data(), r, kRows16);
  }
}

// out[num_tokens, rows] = x[num_tokens, cols] · W[rows, cols]^T, no bias.
void DenseMatmul(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens,
                 float* out) {
  const Plan plan = Prepare(ctx, w, x, num_tokens);
  ctx.pool().ParallelFor(w.rows(), kRowGrain, [&](int64_t row_begin, int64_t row_end, int) {
    RunRows(plan, w, num_tokens, out, row_begin, row_end);
  });
}

void AddBias(OpContext& ctx, const LinearWeight& w, int64_t num_tokens, float* out) {
  if (w.bias == nullptr) return;
  const int64_t rows = w.rows();
  for (int64_t t = 0; t < num_tokens; ++t) ctx.kernels().add_f32(out + t * rows, w.bias, rows);
}

}  // namespace

bool MatmulSupports(DType dtype) { return GetKernelTable().matmul_for(dtype).supported(); }

void Matmul(OpContext& ctx, const TensorView& w, const float* x, int64_t num_tokens, float* out) {
  if (num_tokens <= 0) return;
  DenseMatmul(ctx, w, x, num_tokens, out);
}

void Matmul(OpContext& ctx, const LinearWeight& w, const float* x, int64_t num_tokens, float* out) {
  if (num_tokens <= 0) return;
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
  AddBias(ctx, w, num_tokens, out);
}

void MatmulShared(OpContext& ctx, std::span<const SharedMatmul> parts, const float* x,
                  int64_t num_tokens) {
  if (num_tokens <= 0 || parts.empty()) return;
  const TensorView& first = parts[0].w->dense;
  bool together = true;
  int64_t total_rows = 0;
  for (const SharedMatmul& p : parts) {
    const TensorView& v = p.w->dense;
    together = together && !p.w->is_low_rank() && v.dtype == first.dtype &&
               v.layout == first.layout && v.cols() == first.cols() && v.rows() % kRowGrain == 0;
    total_rows += v.rows();
  }
  if (!together) {
    for (const SharedMatmul& p : parts) Matmul(ctx, *p.w, x, num_tokens, p.out);
    return;
  }
  // One conversion (same x, dtype and token count give the same plan) and one loop over
  // the rows of all parts; thread ranges are cut at multiples of 16 rows, so each part's
  // share starts on a group.
  const Plan plan = Prepare(ctx, first, x, num_tokens);
  ctx.pool().ParallelFor(total_rows, kRowGrain, [&](int64_t begin, int64_t end, int) {
    int64_t offset = 0;
    for (const SharedMatmul& p : parts) {
      const int64_t rows = p.w->dense.rows();
      const int64_t b = std::max(begin, offset), e = std::min(end, offset + rows);
      if (b < e) RunRows(plan, p.w->dense, num_tokens, p.out, b - offset, e - offset);
      offset += rows;
    }
  });
  for (const SharedMatmul& p : parts) AddBias(ctx, *p.w, num_tokens, p.out);
}

}  // namespace cratio
