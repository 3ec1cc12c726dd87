// ModelConfig: the hyper-parameters of a Llama-family model, as data. Built from
// llama.cpp metadata keys ("<arch>.embedding_length", ...); per-layer sizes that
// structured pruning may change are read from the tensors (see model/weights.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/metadata.h"
#include "io/model_file.h"
#include "ops/rope.h"

namespace cratio {

enum class Arch { kLlama, kQwen2 };

// RopeLayout (adjacent / half pairs) lives in ops/rope.h, where the rotation is done.

struct ModelConfig {
  Arch arch = Arch::kLlama;
  std::string arch_name = "llama";  // general.architecture
  int64_t vocab_size = 0;
  int64_t model_dim = 0;       // embedding_length
  int64_t num_layers = 0;      // block_count
  int64_t ffn_dim = 0;         // feed_forward_length (layer 0; layers may differ)
  int64_t num_heads = 0;       // attention.head_count
  int64_t num_kv_heads = 0;    // attention.head_count_kv
  int64_t head_dim = 0;        // key_length or model_dim / num_heads
  int64_t rope_dim = 0;        // rope.dimension_count (defaults to head_dim)
  int64_t context_length = 0;  // context_length
  float rms_norm_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  RopeLayout rope_layout = RopeLayout::kAdjacent;
  // Llama-3 RoPE frequency scaling (factor == 0: none).
  float rope_scaling_factor = 0.0f;
  float rope_low_freq_factor = 1.0f;
  float rope_high_freq_factor = 4.0f;
  int64_t rope_original_context = 8192;
  bool tied_output = false;    // no output.weight: the embedding matrix is reused

  // Checks positivity and divisibility (heads divide, head_dim even, ...); messages
  // name the metadata key and the numbers.
  Status Validate() const;

  // Reads the config from metadata; `tensors` resolves what metadata may omit
  // (vocab size from token_embd, tied output when output.weight is absent).
  static Result<ModelConfig> FromModelFile(const ModelFile& file);
};

}  // namespace cratio
