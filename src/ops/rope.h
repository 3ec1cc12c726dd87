// RoPE (rotary position embedding): per-frequency inverse wavelengths, including the
// Llama-3 scaling and per-frequency factors, and the in-place rotation of Q and K rows in
// either pairing layout.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op_context.h"

namespace cratio {

// Which elements RoPE rotates together within a head: (2i, 2i+1) as GGUF `llama` files
// store Q/K, or (i, i + rope_dim/2) as Hugging Face checkpoints and Qwen2 do.
enum class RopeLayout { kAdjacent, kHalf };

// Llama-3 frequency scaling (see Meta's reference `apply_scaling`); factor 0 means none.
struct RopeScaling {
  float factor = 0.0f;
  float low_freq_factor = 1.0f;
  float high_freq_factor = 4.0f;
  int64_t original_context = 8192;
};

struct RopeTable {
  int64_t rope_dim = 0;  // leading elements of each head that rotate (even)
  RopeLayout layout = RopeLayout::kAdjacent;
  // inv_freq[i] for i in [0, rope_dim / 2): the angle of pair i at position p is
  // p * inv_freq[i] radians. Kept in double so long positions keep their precision.
  std::vector<double> inv_freq;
};

// inv_freq[i] = freq_base^(-2i / rope_dim), then divided by freq_factors[i] when given
// (rope_freqs.weight, rope_dim / 2 entries), else Llama-3 scaled when scaling.factor > 0.
RopeTable MakeRopeTable(int64_t rope_dim, RopeLayout layout, float freq_base,
                        const float* freq_factors, const RopeScaling& scaling);

// cos_sin[t, :] for the token at positions[t], t in [0, num_tokens): cos of the pair
// angles at cos_sin + t * rope_dim + i and their sin at + rope_dim / 2 + i, i < rope_dim / 2.
// Computed once per batch and shared by every layer's ApplyRope.
void RopeCosSin(const RopeTable& rope, const int32_t* positions, int64_t num_tokens,
                float* cos_sin);

// Rotates, in place, the first rope_dim elements of every head of q and k:
//   q[t, h * head_dim + :] for h < num_q_heads, row t starting at q + t * q_stride;
//   k[t, h * head_dim + :] for h < num_k_heads, row t starting at k + t * k_stride;
// by the angles of cos_sin[t] (from RopeCosSin), t in [0, num_tokens). k may be null.
// Split over tokens; allocates nothing.
void ApplyRope(OpContext& ctx, const RopeTable& rope, const float* cos_sin, float* q,
               int64_t q_stride, int64_t num_q_heads, float* k, int64_t k_stride,
               int64_t num_k_heads, int64_t head_dim, int64_t num_tokens);

}  // namespace cratio
