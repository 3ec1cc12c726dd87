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
  const int64_t num_items = args.num_tokens * args.num_heads;
  if (num_items == 0) return;
  const KernelTable* kt = &ctx.kernels();
  // A small job (tiny models, short contexts) finishes faster on the calling thread than
  // the pool takes to wake: below ~64K multiply-adds, run single-threaded.
  constexpr int64_t kMinParallelMacs = 1 << 16;
  int64_t max_pos = 0;
  for (int64_t t = 0; t < args.num_tokens; ++t)
    max_pos = std::max<int64_t>(max_pos, args.positions[t]);
  const int64_t approx_macs = num_items * (max_pos + 1) * args.head_dim * 2;
  const int num_threads = approx_macs < kMinParallelMacs ? 1 : ctx.pool().num_threads();
  // Captures fit std::function's inline storage (two pointers), so no allocation.
  struct Job {
    const AttentionArgs* args;
    const KernelTable* kt;
    int64_t num_items;
    int num_threads;
  } job{&args, kt, num_items, num_threads};
  auto work = [&job](int thread_idx) {
    const AttentionArgs& a = *job.args;
    const KernelTable& k = *job.kt;
    const int64_t group = a.num_heads / a.num_kv_heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
    float* scores = a.scores_scratch + thread_idx * a.seq_capacity;  // [pos + 1]
    // Item i = t * num_heads + h, dealt round-robin: causal rows grow with t, so
    // contiguous ranges would leave the last thread with the longest rows.
    for (int64_t i = thread_idx; i < job.num_items; i += job.num_threads) {
      const int64_t t = i / a.num_heads;
      const int64_t h = i % a.num_heads;
      const int64_t kv_off = (h / group) * a.head_dim;
      const int64_t pos = a.positions[t];
      const int64_t num_keys = pos + 1;
      const int64_t seq_base = static_cast<int64_t>(a.seq_ids[t]) * a.seq_capacity;
      const float* q = a.q + t * a.q_stride + h * a.head_dim;
      const float* k_base = a.k_cache + seq_base * a.kv_stride + kv_off;
      const float* v_base = a.v_cache + seq_base * a.kv_stride + kv_off;
      // scores[j] = q · k_j / sqrt(head_dim) for j in [0, pos]
      for (int64_t j = 0; j < num_keys; ++j) {
        scores[j] = k.dot_f32(q, k_base + j * a.kv_stride, a.head_dim) * scale;
      }
      k.softmax_f32(scores, num_keys);
      // out[h] = Σ_j scores[j] · v_j
      float* out = a.out + t * a.out_stride + h * a.head_dim;
      std::memset(out, 0, sizeof(float) * a.head_dim);
      for (int64_t j = 0; j < num_keys; ++j) {
        k.axpy_f32(scores[j], v_base + j * a.kv_stride, out, a.head_dim);
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
