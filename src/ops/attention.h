// Causal multi-head attention over a KV cache, for a batch of tokens that may belong to
// different sequences (grouped-query attention when num_kv_heads < num_heads).
#pragma once

#include <cstdint>

#include "ops/op_context.h"

namespace cratio {

struct AttentionArgs {
  int64_t num_tokens = 0;
  int64_t num_heads = 0;     // query heads
  int64_t num_kv_heads = 0;  // divides num_heads; query head h reads kv head h / group
  int64_t head_dim = 0;
  // q[t, h * head_dim + d], row t at q + t * q_stride.
  const float* q = nullptr;
  int64_t q_stride = 0;
  // One layer's cache: k_cache[s, p, kvh * head_dim + d] at
  // k_cache + (s * seq_capacity + p) * kv_stride (same for v_cache); the entries for every
  // position <= positions[t] of sequence seq_ids[t] must already be written.
  const float* k_cache = nullptr;
  const float* v_cache = nullptr;
  int64_t kv_stride = 0;     // floats between consecutive positions (>= num_kv_heads*head_dim)
  int64_t seq_capacity = 0;  // positions per sequence
  const int32_t* seq_ids = nullptr;    // [num_tokens]
  const int32_t* positions = nullptr;  // [num_tokens]; token t sees positions [0, pos]
  // out[t, h * head_dim + d], row t at out + t * out_stride.
  float* out = nullptr;
  int64_t out_stride = 0;
  // Scores scratch: [pool threads, AttentionScoreRows(num_heads / num_kv_heads),
  // seq_capacity] floats.
  float* scores_scratch = nullptr;
};

// Query tokens of one sequence at consecutive positions that prefill attends as one block.
inline constexpr int64_t kAttentionQueryBlock = 32;

// Score rows each pool thread needs in AttentionArgs::scores_scratch for `group` query
// heads per KV head: one per head of a group (decode) or per token of a block (prefill).
inline constexpr int64_t AttentionScoreRows(int64_t group) {
  return group > kAttentionQueryBlock ? group : kAttentionQueryBlock;
}

// out = softmax(q · Kᵀ / sqrt(head_dim), causal within the token's own sequence) · V, for
// every token and query head. Prefill (runs of consecutive positions of one sequence,
// >= 4 tokens on average) goes as blocks of up to kAttentionQueryBlock tokens × one head:
// scores by the f32 gemm kernel, probabilities · V by gemm_nn_f32, so each cached row is
// read once per block. Otherwise work is per token and KV-head group (each cached row read
// once per group). Items are interleaved over the pool's threads so long and short causal
// rows balance; allocates nothing.
void Attention(OpContext& ctx, const AttentionArgs& args);

}  // namespace cratio
