// The one place tensor names are spelled (llama.cpp's names for the llama / qwen2
// architectures), and the one visitor that walks a model's weights by role.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cratio {

enum class TensorRole {
  kTokenEmbd,    // token_embd.weight          [vocab, model_dim]
  kOutputNorm,   // output_norm.weight         [model_dim]
  kOutput,       // output.weight              [vocab, model_dim]
  kAttnNorm,     // blk.N.attn_norm.weight     [model_dim]
  kAttnQ,        // blk.N.attn_q.weight        [num_heads*head_dim, model_dim]
  kAttnK,        // blk.N.attn_k.weight        [num_kv_heads*head_dim, model_dim]
  kAttnV,        // blk.N.attn_v.weight        [num_kv_heads*head_dim, model_dim]
  kAttnOutput,   // blk.N.attn_output.weight   [model_dim, num_heads*head_dim]
  kAttnQBias,    // blk.N.attn_q.bias (qwen2)
  kAttnKBias,    // blk.N.attn_k.bias
  kAttnVBias,    // blk.N.attn_v.bias
  kFfnNorm,      // blk.N.ffn_norm.weight      [model_dim]
  kFfnGate,      // blk.N.ffn_gate.weight      [ffn_dim, model_dim]
  kFfnUp,        // blk.N.ffn_up.weight        [ffn_dim, model_dim]
  kFfnDown,      // blk.N.ffn_down.weight      [model_dim, ffn_dim]
  kRopeFreqs,    // rope_freqs.weight (Llama 3 frequency factors) [rope_dim/2]
};

// Coarse grouping used by size accounting and reports.
enum class RoleGroup { kEmbedding, kAttention, kFfn, kNorm, kOutput, kOther };

bool IsPerLayer(TensorRole role);
RoleGroup GroupOf(TensorRole role);
std::string_view RoleGroupName(RoleGroup g);  // "embedding", "attention", "ffn", "norm", "output", "other"
// True for the roles a linear layer multiplies by (Q/K/V/O, gate/up/down, output).
bool IsLinear(TensorRole role);

// "blk.3.attn_q.weight" for (kAttnQ, 3); layer_idx is ignored for global roles.
std::string TensorName(TensorRole role, int64_t layer_idx = -1);

struct ParsedTensorName {
  TensorRole role;
  int64_t layer_idx = -1;  // -1 for global tensors
  // Low-rank factor suffix ("" for dense; "lr_a" / "lr_b" for factorized layers, see
  // docs/FORMATS.md).
  std::string factor;
};
// Inverse of TensorName (also recognises low-rank factor names); nullopt when unknown.
std::optional<ParsedTensorName> ParseTensorName(std::string_view name);

}  // namespace cratio
