// Context-length ladder: prompts of growing length (doubling from the first rung up to
// the model's context) prefilled into an empty cache, then a few decode steps at that
// depth. Per rung: time to first token (the whole prefill), prefill tokens/s and the
// decode time per token at that depth, with P50 / P90 / P99 intervals.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "bench/energy.h"
#include "bench/interleave.h"
#include "bench/stop_rule.h"
#include "model/session.h"

namespace cratio {

// Rungs first, 2·first, 4·first, … below `top`, then `top` itself; first >= 1.
std::vector<int64_t> LadderRungs(int64_t first, int64_t top);

struct LadderSeries {
  std::vector<double> ttft_ms;
  std::vector<double> prefill_tok_per_s;
  std::vector<double> decode_ms_per_token;  // mean over the decode steps of one sample
  std::optional<double> energy_j;           // timed samples; empty: no meter
};

struct LadderPointResult : Measured<LadderSeries> {
  int64_t context_tokens = 0;
  int64_t decode_tokens = 0;
};

// Each session needs n_ctx >= context_tokens + decode_tokens.
Result<LadderPointResult> RunLadderPoint(const std::vector<Session*>& sessions,
                                         int64_t context_tokens, int64_t decode_tokens,
                                         const StopRule& rule, uint64_t seed,
                                         EnergyMeter* meter = nullptr);

}  // namespace cratio
