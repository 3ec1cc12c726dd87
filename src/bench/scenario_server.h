// Server-style load: requests arrive as a Poisson process at a target rate for a fixed
// duration into a local queue; one Session serves them with continuous batching — every
// Forward carries one decode token of each running request plus prompt chunks of newly
// admitted ones, and a finished request frees its sequence at once. Reports TTFT (from
// arrival, so queueing counts), time per output token, end-to-end latency, achieved
// throughput and goodput: the requests per second that met both the TTFT and the TPOT
// limit.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "bench/energy.h"
#include "bench/request.h"
#include "model/session.h"

namespace cratio {

struct ServerOptions {
  double rate_per_s = 2.0;   // mean arrivals per second
  double duration_s = 10.0;  // arrivals stop after this; running requests then drain
  LengthRange prompt{32, 32};
  LengthRange gen{32, 32};
  double ttft_limit_ms = 1000.0;  // goodput limits
  double tpot_limit_ms = 200.0;
  uint64_t seed = 42;
};

// Arrival times in seconds from the start: exponential gaps with mean 1 / rate, all below
// `duration_s`.
std::vector<double> PoissonArrivals(double rate_per_s, double duration_s, uint64_t seed);

struct ServedRequest {
  double arrival_s = 0.0;
  int64_t prompt_tokens = 0;
  int64_t gen_tokens = 0;
  double queue_ms = 0.0;  // arrival -> admitted into a sequence
  double ttft_ms = 0.0;   // arrival -> first token
  double tpot_ms = 0.0;   // (e2e - ttft) / (gen - 1); 0 when gen == 1
  double e2e_ms = 0.0;    // arrival -> last token
  bool met_limits = false;
};

struct ServerResult {
  ServerOptions options;
  std::vector<ServedRequest> requests;  // in arrival order
  double wall_s = 0.0;                  // start -> last request finished
  int64_t num_forward_calls = 0;
  double mean_decode_batch = 0.0;  // running requests per Forward that decoded
  int64_t max_concurrency = 0;     // the session's n_seq
  std::optional<double> energy_j;  // whole run, idle gaps included; empty: no meter
  double req_per_s() const;
  double out_tok_per_s() const;
  double goodput_req_per_s() const;  // requests that met both limits / wall_s
  double slo_attainment() const;     // fraction of requests that met both limits
};

// Serves until every arrival has finished. The session's n_seq is the concurrency limit;
// it needs n_ctx >= prompt.hi + gen.hi - 1 and max_batch >= n_seq.
Result<ServerResult> RunServer(Session& session, const ServerOptions& options,
                               EnergyMeter* meter = nullptr);

}  // namespace cratio
