// Causal attention over the KV cache, using the kernel table's f32 helpers.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/check.h"
#include "kernels/kernel_table.h"

namespace cratio {

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
      // scores[g, j] = q_g · k_j / sqrt(head_dim): each k_j is loaded once for all g.
      for (int64_t j = 0; j < num_keys; ++j) {
        const float* k_row = k_base + j * a.kv_stride;
        for (int64_t g = 0; g < hpi; ++g) {
          scores[g * num_keys + j] = k.dot_f32(q + g * a.head_dim, k_row, a.head_dim) * scale;
        }
      }
      for (int64_t g = 0; g < hpi; ++g) k.softmax_f32(scores + g * num_keys, num_keys);
      // out[h0 + g] = Σ_j scores[g, j] · v_j
      float* out = a.out + t * a.out_stride + h0 * a.head_dim;
      std::memset(out, 0, sizeof(float) * hpi * a.head_dim);
      for (int64_t j = 0; j < num_keys; ++j) {
        const float* v_row = v_base + j * a.kv_stride;
        for (int64_t g = 0; g < hpi; ++g) {
          k.axpy_f32(scores[g * num_keys + j], v_row, out + g * a.head_dim, a.head_dim);
        }
      }
    }
  };
  if (num_threads == 1) {
    work(0);
  } else {
    ctx.pool().Run(work);
  }
}

}  // namespace cratio
