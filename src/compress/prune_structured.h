// Structured pruning: removes whole FFN intermediate channels (rows of gate/up, columns of
// down) and whole attention head groups (one KV head with its query heads: rows of Q, K, V
// and columns of attn_output), so the tensors shrink and the engine runs fewer FLOPs.
// Per-layer sizes go into llama.cpp's per-layer array metadata.
#pragma once

#include <cstdint>
#include <memory>

#include "base/status.h"
#include "compress/compression_method.h"

namespace cratio {

enum class StructuredTarget { kFfnAndHeads, kFfn, kHeads };

struct StructuredPruneOptions {
  double fraction = 0.3;  // of each layer's FFN channels / head groups removed, in [0, 1)
  StructuredTarget target = StructuredTarget::kFfnAndHeads;
  // Score by activation-weighted output columns (needs calibration) instead of weight
  // magnitude alone.
  bool activation_aware = false;
};

// FFN channels kept out of `ffn_dim` when removing `fraction`: rounded to a multiple of
// `align` (the block size the down projection's rows need) when ffn_dim is one, at least
// one multiple (or one channel).
int64_t KeptFfnChannels(int64_t ffn_dim, double fraction, int64_t align);
// KV head groups kept out of `num_kv_heads` (at least one).
int64_t KeptHeadGroups(int64_t num_kv_heads, double fraction);

// InvalidInput when the fraction is outside [0, 1).
Result<std::unique_ptr<CompressionMethod>> MakeStructuredPruneMethod(
    const StructuredPruneOptions& options);

}  // namespace cratio
