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
  // Scores scratch: [pool threads, num_heads / num_kv_heads, seq_capacity] floats.
  float* scores_scratch = nullptr;
};

// out = softmax(q · Kᵀ / sqrt(head_dim), causal within the token's own sequence) · V, for
// every token and query head. Work is interleaved over the pool's threads by token and
// KV-head group (each cached row read once per group) so long and short causal rows
// balance; allocates nothing.
void Attention(OpContext& ctx, const AttentionArgs& args);

}  // namespace cratio
