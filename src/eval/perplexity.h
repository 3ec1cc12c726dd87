// Perplexity by llama-perplexity's method, optionally with a token-by-token comparison
// against a base model (KL divergence, top-1 agreement, Δp) run in lock-step.
//
// The method (llama.cpp tools/perplexity): the whole text is tokenized once with BOS
// added; it is cut into num_tokens / ctx non-overlapping chunks of ctx tokens; each
// chunk is evaluated from an empty KV cache with its first token replaced by BOS (when
// the tokenizer adds BOS); only the logits at positions [ctx/2, ctx − 1) are scored,
// each against the next token, so every scored token has at least ctx/2 tokens of
// context. PPL = exp(mean NLL), ± = PPL · SE(NLL).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_pool.h"
#include "eval/kl_stats.h"
#include "eval/shard.h"
#include "kernels/kernel_table.h"
#include "model/session.h"

namespace cratio {

struct ChunkPlan {
  int64_t ctx = 0;
  int64_t num_chunks = 0;
  int64_t first_scored_pos = 0;   // ctx / 2
  int64_t scored_per_chunk = 0;   // ctx − 1 − first_scored_pos
};

// InvalidInput when ctx < 4 or the text has fewer than 2·ctx tokens (llama-perplexity's
// minimum); `max_chunks` > 0 caps the number of chunks.
Result<ChunkPlan> PlanChunks(int64_t num_tokens, int64_t ctx, int64_t max_chunks);

struct PerplexityResult {
  int64_t num_text_tokens = 0;  // tokens of the whole text, BOS included
  int num_threads = 0;
  ChunkPlan plan;
  PerplexityStats model;        // over all scored tokens
  // Running PPL after each chunk (llama-perplexity's "[1]5.41,[2]5.60,..." line).
  std::vector<double> ppl_after_chunk;
  bool has_base = false;
  KlStats kl;                   // set when has_base; kl.model equals `model`
  double eval_seconds = 0.0;    // forward passes and scoring, both models
};

// Called after each chunk with (chunks done, total chunks, running PPL).
using PerplexityProgressFn = std::function<void(int64_t, int64_t, double)>;

// One scored position as a distributed run sends it to rank 0 (dist/): with a base, the
// whole comparison; without one, only log_p_model is set.
using PositionSink = std::function<void(const PositionComparison&)>;

// Accumulates scored positions, in token order, into a result's statistics exactly as
// EvaluatePerplexity does; rank 0 of a distributed run feeds it every rank's positions.
class PerplexityReducer {
 public:
  // `num_chunks`: the chunks that will be added (for progress); `progress` may be empty.
  PerplexityReducer(const ChunkPlan& plan, int64_t num_chunks, bool has_base,
                    PerplexityProgressFn progress = nullptr);
  void Add(const PositionComparison& c);
  int64_t count() const { return num_added_; }
  // Sets result->model, result->ppl_after_chunk and, with a base, result->kl.
  void Finish(PerplexityResult* result) const;

 private:
  int64_t scored_per_chunk_ = 0;
  int64_t num_chunks_ = 0;
  bool has_base_ = false;
  PerplexityProgressFn progress_;
  int64_t num_added_ = 0;
  NllAccumulator nll_acc_;
  KlAccumulator kl_acc_;
  std::vector<double> ppl_after_chunk_;
};

// Runs the plan over `tokens`. `model` (and `base`, may be null) must have been created
// with n_ctx >= plan.ctx; each Forward evaluates up to n_seq() chunks side by side (one
// sequence each) or, when a chunk exceeds max_batch(), a chunk in slices. Both sessions
// must have the same n_seq and max_batch. `bos_id` < 0: the first token is kept as is.
// Per-row scoring is split over `pool` (the sessions' pool), then accumulated in token
// order, so the result does not depend on how rows were split.
// `shard` splitting the run: only this shard's passes (groups of chunks evaluated side by
// side, as one process groups them) run, and the result covers them alone. `sink`, when
// set, also receives every scored position in token order.
Result<PerplexityResult> EvaluatePerplexity(const std::vector<int32_t>& tokens,
                                            const ChunkPlan& plan, int32_t bos_id,
                                            Session& model, Session* base, ThreadPool& pool,
                                            const PerplexityProgressFn& progress = nullptr,
                                            const WorkShard& shard = {},
                                            const PositionSink& sink = nullptr);

struct PerplexityOptions {
  int64_t ctx = 512;
  int64_t max_chunks = 0;  // 0: all chunks
  int num_threads = 0;     // 0: one per core
  // Tokens per Forward call: ctx ≤ this evaluates this / ctx chunks at once.
  int64_t max_batch_tokens = 512;
  PerplexityProgressFn progress;  // may be empty
  const KernelTable* kernels = nullptr;  // null: the process-wide table (CRATIO_ISA)
  WorkShard shard;    // a distributed run: this rank's passes only (EvaluatePerplexity)
  PositionSink sink;  // may be empty; receives every scored position
};

// `cratio perplexity`: loads the model (and the base, when `base_path` is not empty),
// tokenizes `text_path` with the model's tokenizer and runs EvaluatePerplexity.
// InvalidInput when the base's vocabulary differs from the model's (names both files).
Result<PerplexityResult> RunPerplexity(const std::string& model_path,
                                       const std::string& text_path,
                                       const std::string& base_path,
                                       const PerplexityOptions& options);

}  // namespace cratio
