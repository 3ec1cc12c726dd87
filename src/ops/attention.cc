// Causal attention over the KV cache, using the kernel table's f32 helpers.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/check.h"
#include "kernels/kernel_table.h"

namespace cratio {

namespace {

// Calls f(begin, end) for each run of tokens [begin, end): one sequence, consecutive
// positions, at most kAttentionQueryBlock tokens.
template <class F>
void ForEachRun(const AttentionArgs& a, F&& f) {
  int64_t begin = 0;
  for (int64_t t = 1; t <= a.num_tokens; ++t) {
    if (t == a.num_tokens || t - begin == kAttentionQueryBlock ||
        a.seq_ids[t] != a.seq_ids[t - 1] || a.positions[t] != a.positions[t - 1] + 1) {
      f(begin, t);
      begin = t;
    }
  }
}

// One query head for the run of tokens [t0, t1):
//   scores[i, j] = q_i · k_j (j < num_keys, all keys the run's last token sees),
//   p[i, :] = softmax(scores[i, :] / sqrt(head_dim)) over j <= positions[t0 + i], 0 beyond,
//   out_i = p[i, :] · V.
void AttendRun(const KernelTable& k, const AttentionArgs& a, int64_t t0, int64_t t1, int64_t h,
               float* scores) {
  const int64_t n = t1 - t0;
  const int64_t hd = a.head_dim;
  const int64_t first_pos = a.positions[t0];
  const int64_t num_keys = first_pos + n;
  const int64_t kv_off = (h / (a.num_heads / a.num_kv_heads)) * hd;
  const int64_t seq_base = static_cast<int64_t>(a.seq_ids[t0]) * a.seq_capacity;
  const float* k_base = a.k_cache + seq_base * a.kv_stride + kv_off;
  const float* v_base = a.v_cache + seq_base * a.kv_stride + kv_off;
  const float* q = a.q + t0 * a.q_stride + h * hd;
  constexpr auto kF = static_cast<int64_t>(sizeof(float));
  // The f32 matmul kernel with the keys as weight rows and the queries as tokens.
  k.matmul_for(DType::kF32)
      .gemm(k_base, a.kv_stride * kF, q, a.q_stride * kF, n, scores, num_keys, num_keys, hd);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (int64_t i = 0; i < n; ++i) {
    float* row = scores + i * num_keys;
    const int64_t seen = first_pos + i + 1;
    k.scale_f32(row, scale, seen);
    k.softmax_f32(row, seen);
    std::memset(row + seen, 0, sizeof(float) * (num_keys - seen));
  }
  k.gemm_nn_f32(scores, num_keys, v_base, a.kv_stride, a.out + t0 * a.out_stride + h * hd,
                a.out_stride, n, hd, num_keys);
}

// Prefill: items are (run, query head), dealt round-robin over the threads.
void AttendRuns(OpContext& ctx, const AttentionArgs& args, int num_threads) {
  const int64_t rows_per_thread =
      AttentionScoreRows(args.num_heads / args.num_kv_heads) * args.seq_capacity;
  struct Job {
    const AttentionArgs* args;
    const KernelTable* kt;
    int64_t rows_per_thread;
    int num_threads;
  } job{&args, &ctx.kernels(), rows_per_thread, num_threads};
  auto work = [&job](int thread_idx) {
    const AttentionArgs& a = *job.args;
    float* scores = a.scores_scratch + thread_idx * job.rows_per_thread;
    int64_t item = 0;
    ForEachRun(a, [&](int64_t t0, int64_t t1) {
      for (int64_t h = 0; h < a.num_heads; ++h, ++item) {
        if (item % job.num_threads == thread_idx) AttendRun(*job.kt, a, t0, t1, h, scores);
      }
    });
  };
  if (num_threads == 1) {
    work(0);
  } else {
    ctx.pool().Run(work);
  }
}

}  // namespace

void Attention(OpContext& ctx, const AttentionArgs& args) {
  CRATIO_CHECK(args.num_heads > 0 && args.num_kv_heads > 0 &&
               args.num_heads % args.num_kv_heads == 0);
  CRATIO_CHECK(args.kv_stride >= args.num_kv_heads * args.head_dim);
  if (args.num_tokens == 0) return;
  const int64_t group = args.num_heads / args.num_kv_heads;
  // A small job (tiny models, short contexts) finishes faster on the calling thread than
  // the pool takes to wake: below ~64K multiply-adds, run single-threaded.
  constexpr int64_t kMinParallelMacs = 1 << 16;
  int64_t max_pos = 0;
  for (int64_t t = 0; t < args.num_tokens; ++t) {
    max_pos = std::max<int64_t>(max_pos, args.positions[t]);
  }
  const int64_t approx_macs = args.num_tokens * args.num_heads * (max_pos + 1) * args.head_dim * 2;
  const int num_threads = approx_macs < kMinParallelMacs ? 1 : ctx.pool().num_threads();
  int64_t num_runs = 0;
  ForEachRun(args, [&](int64_t, int64_t) { ++num_runs; });
  if (args.num_tokens >= 4 * num_runs) {
    AttendRuns(ctx, args, num_threads);
    return;
  }
  // A work item is one token and the query heads of one KV head that share its keys and
  // values, so each cached row is read once per group instead of once per head. When
  // that leaves fewer items than threads (a one-token decode step), items are single
  // heads instead.
  const int64_t heads_per_item =
      args.num_tokens * args.num_kv_heads >= num_threads ? group : 1;
  // Captures fit std::function's inline storage (one pointer), so no allocation.
  struct Job {
    const AttentionArgs* args;
    const KernelTable* kt;
    int64_t num_items;
    int64_t heads_per_item;
    int num_threads;
  } job{&args, &ctx.kernels(), args.num_tokens * args.num_heads / heads_per_item, heads_per_item,
        num_threads};
  auto work = [&job](int thread_idx) {
    const AttentionArgs& a = *job.args;
    const KernelTable& k = *job.kt;
    const int64_t group = a.num_heads / a.num_kv_heads;
    const int64_t hpi = job.heads_per_item;
    const int64_t items_per_token = a.num_heads / hpi;
    const float scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
    const GemmFn f32_gemm = k.matmul_for(DType::kF32).gemm;
    // scores[g, j] for the item's heads g < hpi, keys j <= pos
    float* scores = a.scores_scratch + thread_idx * group * a.seq_capacity;
    // Items dealt round-robin: causal rows grow with t, so contiguous ranges would leave
    // the last thread with the longest rows.
    for (int64_t i = thread_idx; i < job.num_items; i += job.num_threads) {
      const int64_t t = i / items_per_token;
      const int64_t h0 = (i % items_per_token) * hpi;  // first query head of the item
      const int64_t kv_off = (h0 / group) * a.head_dim;
      const int64_t num_keys = static_cast<int64_t>(a.positions[t]) + 1;
      const int64_t seq_base = static_cast<int64_t>(a.seq_ids[t]) * a.seq_capacity;
      const float* q = a.q + t * a.q_stride + h0 * a.head_dim;  // [hpi, head_dim]
      const float* k_base = a.k_cache + seq_base * a.kv_stride + kv_off;
      const float* v_base = a.v_cache + seq_base * a.kv_stride + kv_off;
      // scores[g, j] = q_g · k_j: the f32 matmul kernel with the keys as weight rows and
      // the item's query heads as tokens, so each k_j is loaded once for all g.
      constexpr auto kF = static_cast<int64_t>(sizeof(float));
      f32_gemm(k_base, a.kv_stride * kF, q, a.head_dim * kF, hpi, scores, num_keys, num_keys,
               a.head_dim);
      for (int64_t g = 0; g < hpi; ++g) {
        k.scale_f32(scores + g * num_keys, scale, num_keys);
        k.softmax_f32(scores + g * num_keys, num_keys);
      }
      // out[h0 + g] = Σ_j p[g, j] · v_j
      float* out = a.out + t * a.out_stride + h0 * a.head_dim;
      k.gemm_nn_f32(scores, num_keys, v_base, a.kv_stride, out, a.head_dim, hpi, a.head_dim,
                    num_keys);
    }
  };
  if (num_threads == 1) {
    work(0);
  } else {
    ctx.pool().Run(work);
  }
}

}  // namespace cratio
