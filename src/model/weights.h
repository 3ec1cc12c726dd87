// ModelWeights: a model's tensors sorted by role into per-layer linear layers (dense or
// low-rank, in their stored dtype) and f32 norm / bias vectors. Per-layer sizes come from
// the tensors, so structurally pruned models (fewer heads, narrower FFN) load as they are.
// Views point into the ModelFile, which must outlive the weights.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/status.h"
#include "io/model_file.h"
#include "model/config.h"
#include "model/tensor_names.h"
#include "tensor/linear_weight.h"

namespace cratio {

// Called once per tensor whose name ParseTensorName knows; a non-OK return stops the walk
// and is returned. Tensors with other names (none in llama / qwen2 files) are skipped.
using TensorVisitor =
    std::function<Status(const TensorEntry& entry, const ParsedTensorName& parsed)>;

// The one walk over a model's tensors by role, shared by the loader, the compressors, the
// size accounting and the tests. Visits in file order.
Status ForEachTensor(const ModelFile& file, const TensorVisitor& visit);

struct LayerWeights {
  // Sizes read from this layer's tensors.
  int64_t num_heads = 0;     // attn_q rows / head_dim
  int64_t num_kv_heads = 0;  // attn_k rows / head_dim
  int64_t ffn_dim = 0;       // ffn_gate rows

  std::vector<float> attn_norm;  // [model_dim]
  LinearWeight attn_q;           // [num_heads * head_dim, model_dim] (+ bias, qwen2)
  LinearWeight attn_k;           // [num_kv_heads * head_dim, model_dim] (+ bias)
  LinearWeight attn_v;           // [num_kv_heads * head_dim, model_dim] (+ bias)
  LinearWeight attn_output;      // [model_dim, num_heads * head_dim]
  std::vector<float> ffn_norm;   // [model_dim]
  LinearWeight ffn_gate;         // [ffn_dim, model_dim]
  LinearWeight ffn_up;           // [ffn_dim, model_dim]
  LinearWeight ffn_down;         // [model_dim, ffn_dim]

  // f32 copies of the Q/K/V biases the LinearWeights point at (empty when absent).
  std::vector<float> q_bias, k_bias, v_bias;
};

// Move-only: the LinearWeights' bias pointers point into the vectors of their layer.
class ModelWeights {
 public:
  // Walks `file` once; InvalidInput names any missing, duplicated or mis-shaped tensor
  // with the expected and actual shape.
  static Result<ModelWeights> Load(const ModelFile& file, const ModelConfig& config);

  ModelWeights() = default;
  ModelWeights(ModelWeights&&) = default;
  ModelWeights& operator=(ModelWeights&&) = default;
  ModelWeights(const ModelWeights&) = delete;
  ModelWeights& operator=(const ModelWeights&) = delete;

  const ModelConfig& config() const { return config_; }
  const TensorView& token_embd() const { return token_embd_; }  // [vocab, model_dim]
  const std::vector<float>& output_norm() const { return output_norm_; }
  // The output projection [vocab, model_dim]; token_embd when the model ties them.
  const LinearWeight& output() const { return output_; }
  // rope_freqs.weight as f32 [rope_dim / 2], or empty.
  const std::vector<float>& rope_freqs() const { return rope_freqs_; }
  const std::vector<LayerWeights>& layers() const { return layers_; }
  const LayerWeights& layer(int64_t i) const { return layers_[i]; }

  // Largest per-layer sizes, for sizing scratch.
  int64_t max_q_dim() const;    // num_heads * head_dim
  int64_t max_kv_dim() const;   // num_kv_heads * head_dim
  int64_t max_ffn_dim() const;
  int64_t max_group() const;    // num_heads / num_kv_heads (query heads per KV head)
  // Per-layer KV widths (num_kv_heads * head_dim) for the KV cache.
  std::vector<int64_t> kv_dims() const;

  // out[model_dim] = token_embd[token, :] dequantized; token must be in [0, vocab).
  void EmbedToken(int32_t token, float* out) const;

  // Linear weights the loader regrouped into the kRows16 layout (numeric/rows16.h).
  int64_t num_rows16() const { return num_rows16_; }

 private:
  // Regroups the dense linear weights whose dtype the process-wide kernel table runs in
  // the kRows16 layout (unless CRATIO_REPACK=0), into one owned arena, and drops the file's
  // resident copy of each.
  void PackForKernels(const ModelFile& file);

  ModelConfig config_;
  TensorView token_embd_;
  std::vector<float> output_norm_;
  LinearWeight output_;
  std::vector<float> rope_freqs_;
  std::vector<LayerWeights> layers_;
  // The regrouped weights, 64-byte aligned slices of one buffer: one allocation large
  // enough for transparent huge pages (AlignedBuffer), which decode streams faster than
  // 4 KiB pages.
  AlignedBuffer packed_;
  int64_t num_rows16_ = 0;
};

}  // namespace cratio
