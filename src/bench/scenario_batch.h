// Offline throughput over batch sizes: B requests of the same prompt / output length run
// together in B sequences of one Session — the prompts prefilled in as few Forward calls
// as the batch allows, then one Forward per decode step carrying B tokens. Per batch
// size: output tokens/s, requests/s and the batch's wall time with P50 / P90 / P99
// intervals; with a base model the two are interleaved and compared.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "base/status.h"
#include "bench/energy.h"
#include "bench/interleave.h"
#include "bench/stop_rule.h"
#include "model/session.h"

namespace cratio {

struct BatchSeries {
  std::vector<double> batch_ms;       // wall time of one whole batch of requests
  std::vector<double> out_tok_per_s;  // B · gen / time
  std::vector<double> req_per_s;      // B / time
  std::optional<double> energy_j;     // timed samples; empty: no meter
};

struct BatchPointResult : Measured<BatchSeries> {
  int64_t batch_size = 0;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
};

// Runs `batch_size` requests together. Each session needs n_seq >= batch_size, n_ctx >=
// prompt + gen - 1 and max_logits >= batch_size.
Result<BatchPointResult> RunBatchPoint(const std::vector<Session*>& sessions, int64_t batch_size,
                                       int64_t prompt_tokens, int64_t gen_tokens,
                                       const StopRule& rule, uint64_t seed,
                                       EnergyMeter* meter = nullptr);

// One batch: prefill every sequence, then gen - 1 decode steps of `batch_size` tokens.
// Returns the wall time in ms.
Result<double> RunOneBatch(Session& session, int64_t batch_size, int64_t prompt_tokens,
                           int64_t gen_tokens, std::mt19937_64& rng, Batch& batch);

}  // namespace cratio
