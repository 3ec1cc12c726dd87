// The roofline limit of a throughput: how many tokens per second the machine's measured
// read bandwidth and peak FLOP rate allow for this model. A decode step of `batch`
// sequences streams the weights once (bandwidth bound: batch · bandwidth / weight bytes)
// and does `batch` tokens of linear FLOPs (compute bound: peak / FLOPs per token); a
// prefill is compute bound. Attention and norms are not counted, so the limit is a
// little generous at long contexts.
#pragma once

#include <cstdint>

#include "bench/throughput.h"

namespace cratio {

struct MachineLimits {
  double read_bytes_per_s = 0.0;
  double peak_flops_per_s = 0.0;
};

struct TokenRateLimit {
  double tok_per_s = 0.0;  // 0 when the limits are unknown
  const char* bound = "";  // "bandwidth" or "compute"
};

// Decode of `batch` sequences (batch >= 1).
TokenRateLimit DecodeLimit(const MachineLimits& m, const PerTokenWork& w, double batch);
// Prefill (compute bound).
TokenRateLimit PrefillLimit(const MachineLimits& m, const PerTokenWork& w);
// 100 · rate / limit; 0 when the limit is 0.
double PercentOfLimit(double tok_per_s, const TokenRateLimit& limit);

// The least time in ms `batch` requests of `prompt_tokens` + `gen_tokens` could take
// together at the limits: the prompts at the prefill limit, then gen - 1 decode steps of
// `batch` tokens at the decode limit (the first token comes from the prefill). 0 when a
// limit is unknown.
double IdealRequestMs(const MachineLimits& m, const PerTokenWork& w, double prompt_tokens,
                      double gen_tokens, double batch);
// 100 · ideal / measured; 0 when either is 0.
double PercentOfIdeal(double ideal_ms, double measured_ms);

}  // namespace cratio
