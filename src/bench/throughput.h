// Prompt-processing and generation throughput of a Session, as llama-bench measures
// them: pp = one batch of p random tokens into an empty KV cache; tg = n single-token
// decode steps from an empty cache. Each is repeated r times after one untimed warm-up
// and reported as mean ± sample standard deviation of tokens per second. Also the
// per-token work the roofline needs: weight bytes streamed and linear FLOPs.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "model/session.h"
#include "model/weights.h"

namespace cratio {

struct ThroughputOptions {
  int64_t prompt_tokens = 512;  // -p; 0 skips prefill
  int64_t gen_tokens = 128;     // -n; 0 skips generation
  int num_reps = 5;             // -r
  uint64_t seed = 1234;         // for the random token ids
};

// tokens/s of repeated runs.
struct RateStats {
  double mean_tok_per_s = 0.0;
  double sd_tok_per_s = 0.0;       // sample standard deviation (0 for one run)
  std::vector<double> runs_tok_per_s;
};

// Mean and sample standard deviation of `runs`.
RateStats SummarizeRates(std::vector<double> runs);

struct ThroughputResult {
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
  int num_reps = 0;
  RateStats prefill;  // empty when prompt_tokens == 0
  RateStats decode;   // empty when gen_tokens == 0
};

// The session needs n_ctx >= max(p, n), max_batch >= p and at least one sequence.
// InvalidInput names the option that does not fit.
Result<ThroughputResult> MeasureThroughput(Session& session, const ThroughputOptions& options);

// What one token costs the engine.
struct PerTokenWork {
  // Bytes of weights a decode step reads: every linear layer (both factors of a low-rank
  // pair), the output projection and the norm vectors; the embedding contributes one
  // row (negligible, not counted) unless it doubles as the output projection.
  uint64_t weight_bytes = 0;
  // 2 · multiply-adds of all linear layers and the output projection ("2 · params").
  double linear_flops = 0.0;
};
PerTokenWork ComputePerTokenWork(const ModelWeights& weights);

}  // namespace cratio
