// One benchmark request on a Session: a prompt of random token ids prefilled in chunks of
// at most max_batch tokens, then greedy decoding (argmax) one token at a time, with the
// time to first token, every inter-token gap and the end-to-end time. Lengths may be
// fixed or drawn uniformly from a range per request.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/session.h"

namespace cratio {

// A length, or a uniform distribution over [lo, hi] ("128" or "64-256").
struct LengthRange {
  int64_t lo = 0;
  int64_t hi = 0;
  bool fixed() const { return lo == hi; }
  std::string Label() const;  // "128" or "64-256"
  int64_t Draw(std::mt19937_64& rng) const;
};

// Parses a comma-separated list of lengths / ranges ("32,128,64-256"). InvalidInput names
// `flag` and the bad item; every length must be >= `min_value`.
Result<std::vector<LengthRange>> ParseLengthList(const std::string& flag, const std::string& text,
                                                 int64_t min_value);

struct RequestTiming {
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
  double ttft_ms = 0.0;        // start -> first token chosen (prefill + argmax)
  double e2e_ms = 0.0;         // start -> last token chosen
  std::vector<double> itl_ms;  // gaps between consecutive tokens (gen_tokens - 1)
  // Time per output token after the first: (e2e - ttft) / (gen - 1); 0 when gen == 1.
  double tpot_ms() const;
};

// Index of the largest of `n` logits (the first on ties).
int32_t ArgMax(const float* logits, int64_t n);

// Clears sequence `seq` and runs one request in it. Needs prompt_tokens >= 1,
// gen_tokens >= 1, prompt_tokens + gen_tokens - 1 <= n_ctx; InvalidInput otherwise.
Result<RequestTiming> RunRequest(Session& session, int32_t seq, int64_t prompt_tokens,
                                 int64_t gen_tokens, std::mt19937_64& rng, Batch& batch);

// Prefills `prompt_tokens` random tokens into sequence `seq` (cleared first) in chunks of
// at most max_batch, with logits for the last one only. Same checks as RunRequest.
Status PrefillRandom(Session& session, int32_t seq, int64_t prompt_tokens, std::mt19937_64& rng,
                     Batch& batch);

}  // namespace cratio
