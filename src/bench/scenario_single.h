// Single-stream requests: one request at a time in one sequence, over a grid of
// prompt-length × output-length points (each fixed or drawn per request from a range).
// Per point: TTFT, time per output token, inter-token latency and end-to-end latency,
// each summarized with P50 / P90 / P99 intervals; with a base model the two are measured
// interleaved and the speedup of each metric's median comes with a bootstrap interval.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "bench/bootstrap.h"
#include "bench/energy.h"
#include "bench/interleave.h"
#include "bench/request.h"
#include "bench/stop_rule.h"
#include "bench/summary.h"
#include "model/session.h"

namespace cratio {

// The raw series of one model at one grid point.
struct RequestSeries {
  std::vector<double> ttft_ms, tpot_ms, e2e_ms;
  std::vector<double> itl_ms;  // all gaps of all requests, pooled
  int64_t prompt_tokens = 0;   // totals over the timed requests
  int64_t gen_tokens = 0;
  std::optional<double> energy_j;  // timed samples; empty: no meter
};

struct RequestStats {
  SampleSummary ttft_ms, tpot_ms, itl_ms, e2e_ms;
  double prefill_tok_per_s = 0.0;  // Σ prompt tokens / Σ TTFT
  double decode_tok_per_s = 0.0;   // 1000 / median TPOT
  int64_t num_requests = 0;
};
RequestStats SummarizeRequests(const RequestSeries& s, double confidence);

// Speedups base / variant of the medians (> 1: the variant is faster).
struct RequestSpeedups {
  RatioEstimate ttft, tpot, e2e;
};
Result<RequestSpeedups> CompareRequests(const RequestSeries& variant, const RequestSeries& base,
                                        const BootstrapOptions& options);

struct SinglePointResult : Measured<RequestSeries> {
  LengthRange prompt, gen;
};

// "p32-g16" / "p16-64-g8".
std::string PointLabel(const SinglePointResult& p);

// `sessions` holds the variant first and optionally the base; each needs n_ctx >=
// prompt.hi + gen.hi - 1. The end-to-end time is the primary series for the stop rule.
Result<SinglePointResult> RunSinglePoint(const std::vector<Session*>& sessions,
                                         const LengthRange& prompt, const LengthRange& gen,
                                         const StopRule& rule, uint64_t seed,
                                         EnergyMeter* meter = nullptr);

}  // namespace cratio
