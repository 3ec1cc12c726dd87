// The forward pass of the `llama` architecture (Llama 1/2/3, TinyLlama, Mistral without
// sliding window) and `qwen2` (the same graph plus Q/K/V biases, which the LinearWeights
// carry): embedding, per layer RMSNorm → Q/K/V → RoPE → causal GQA attention over the KV
// cache → output projection → residual → RMSNorm → SwiGLU FFN → residual; final RMSNorm
// and the output projection for the requested rows.
#pragma once

#include <cstdint>
#include <functional>

#include "base/aligned_buffer.h"
#include "model/kv_cache.h"
#include "model/tensor_names.h"
#include "model/weights.h"
#include "ops/op_context.h"
#include "ops/rope.h"

namespace cratio {

// Sees x[num_tokens, cols], the input of the linear layer `role` of layer `layer_idx`
// (-1 for output.weight), before it is multiplied; for calibration statistics.
using ActivationObserver = std::function<void(int64_t layer_idx, TensorRole role, const float* x,
                                              int64_t num_tokens, int64_t cols)>;

// A batch as plain arrays (see Session for the checked, owning form).
struct BatchView {
  int64_t num_tokens = 0;
  const int32_t* tokens = nullptr;     // [num_tokens], in [0, vocab)
  const int32_t* positions = nullptr;  // [num_tokens], in [0, cache.n_ctx())
  const int32_t* seq_ids = nullptr;    // [num_tokens], in [0, cache.n_seq())
  // Batch rows whose logits are wanted, in output order: logits row r is for token
  // logit_rows[r].
  int64_t num_logit_rows = 0;
  const int32_t* logit_rows = nullptr;
};

// Activation buffers for up to max_tokens tokens per call, allocated once.
class ForwardScratch {
 public:
  ForwardScratch() = default;
  ForwardScratch(const ModelWeights& w, int64_t max_tokens, int64_t max_logit_rows,
                 int64_t n_ctx, int num_threads);

  int64_t max_tokens() const { return max_tokens_; }
  int64_t max_logit_rows() const { return max_logit_rows_; }
  uint64_t size_bytes() const { return buf_.size(); }

  float* x = nullptr;        // [max_tokens, model_dim] residual stream
  float* xb = nullptr;       // [max_tokens, model_dim] normed input / projection output
  float* q = nullptr;        // [max_tokens, max_q_dim]
  float* k = nullptr;        // [max_tokens, max_kv_dim]
  float* v = nullptr;        // [max_tokens, max_kv_dim]
  float* att = nullptr;      // [max_tokens, max_q_dim] attention output
  float* gate = nullptr;     // [max_tokens, max_ffn_dim]
  float* up = nullptr;       // [max_tokens, max_ffn_dim]
  float* hidden = nullptr;   // [max_logit_rows, model_dim] final-normed rows for logits
  float* rope_cos_sin = nullptr;  // [max_tokens, rope_dim] angles of this batch's positions
  float* scores = nullptr;   // [num_threads, max_group, n_ctx] attention scores

 private:
  int64_t max_tokens_ = 0;
  int64_t max_logit_rows_ = 0;
  AlignedBuffer buf_;
};

// Runs the batch: writes K/V of every token into `cache` at (seq_id, position), then
// logits[r, vocab] for each requested row. The caller has validated the batch (ids and
// positions in range, sizes within the scratch; earlier positions of each sequence
// already in the cache or in this batch). Allocates nothing.
// `observer` (may be null) sees the input of every linear layer first (calibration).
void ForwardLlama(OpContext& ctx, const ModelWeights& w, const RopeTable& rope, KvCache& cache,
                  ForwardScratch& s, const BatchView& batch, float* logits,
                  const ActivationObserver* observer = nullptr);

}  // namespace cratio
