// Session: an inference context over loaded weights — the thread pool, op context, KV
// cache for n_seq sequences of n_ctx positions, scratch sized for max_batch tokens, and
// the logits of the last Forward. One Forward call runs a whole batch: a prefill of many
// tokens (matrix × matrix), a one-token decode step, or tokens of several independent
// sequences at once. Not thread-safe; allocates nothing after Create.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"
#include "model/forward_llama.h"
#include "model/kv_cache.h"
#include "model/weights.h"
#include "ops/op_context.h"
#include "ops/rope.h"

namespace cratio {

struct KernelTable;

inline constexpr int64_t kDefaultMaxContext = 4096;

struct SessionOptions {
  // Positions per sequence; 0: the model's context_length, at most kDefaultMaxContext (a
  // 128K-context model would otherwise reserve tens of GB of KV cache by default).
  int64_t n_ctx = 0;
  int64_t n_seq = 1;        // independent sequences in the KV cache
  int64_t max_batch = 512;  // tokens per Forward call
  int64_t max_logits = 0;   // logit rows per Forward call; 0: max_batch
  int num_threads = 0;      // 0: one per core (ignored when `pool` is given)
  ThreadPool* pool = nullptr;              // shared pool, must outlive the session
  const KernelTable* kernels = nullptr;    // null: the process-wide table (CRATIO_ISA)
  // Sees the input of every linear layer during Forward (calibration); empty: no cost.
  ActivationObserver activation_observer;
};

// Tokens for one Forward call; reuse one Batch (Clear, Add) to avoid allocation.
class Batch {
 public:
  Batch() = default;
  explicit Batch(int64_t capacity) { Reserve(capacity); }
  void Reserve(int64_t capacity);
  void Clear();
  // Token `token` at position `pos` of sequence `seq_id`; with `want_logits` its logits
  // become the next row of Session::logits.
  void Add(int32_t token, int32_t pos, int32_t seq_id, bool want_logits);

  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  bool empty() const { return tokens_.empty(); }
  const std::vector<int32_t>& tokens() const { return tokens_; }
  const std::vector<int32_t>& positions() const { return positions_; }
  const std::vector<int32_t>& seq_ids() const { return seq_ids_; }
  const std::vector<int32_t>& logit_rows() const { return logit_rows_; }

 private:
  std::vector<int32_t> tokens_, positions_, seq_ids_, logit_rows_;
};

class Session {
 public:
  // `weights` must outlive the session.
  static Result<std::unique_ptr<Session>> Create(const ModelWeights& weights,
                                                 const SessionOptions& options);

  // Runs the batch. InvalidInput (nothing computed, cache unchanged) when it is empty or
  // larger than max_batch / max_logits, names a token, sequence or position out of range,
  // or skips a position: a token at position p of sequence s needs positions [0, p) of s
  // in the cache or earlier in this batch.
  Status Forward(const Batch& batch);

  // Logits of the last Forward: row r is for the r-th token added with want_logits.
  int64_t num_logits() const { return num_logits_; }
  const float* logits(int64_t row) const { return logits_.as<float>() + row * vocab_size(); }

  int64_t vocab_size() const { return weights_->config().vocab_size; }
  int64_t n_ctx() const { return cache_.n_ctx(); }
  int64_t n_seq() const { return cache_.n_seq(); }
  int64_t max_batch() const { return scratch_.max_tokens(); }
  int64_t max_logits() const { return scratch_.max_logit_rows(); }
  KvCache& kv_cache() { return cache_; }
  const ModelWeights& weights() const { return *weights_; }
  OpContext& op_context() { return *ctx_; }
  int num_threads() const { return pool_->num_threads(); }

 private:
  Session() = default;

  const ModelWeights* weights_ = nullptr;
  std::unique_ptr<ThreadPool> owned_pool_;
  ThreadPool* pool_ = nullptr;
  std::unique_ptr<OpContext> ctx_;
  RopeTable rope_;
  KvCache cache_;
  ForwardScratch scratch_;
  AlignedBuffer logits_;          // [max_logits, vocab]
  std::vector<int64_t> seq_lens_scratch_;  // [n_seq], for validating a batch
  int64_t num_logits_ = 0;
  ActivationObserver observer_;  // from SessionOptions; empty when not observing
};

}  // namespace cratio
