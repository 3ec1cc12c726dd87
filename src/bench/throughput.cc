// pp / tg runner (see throughput.h).
#include "bench/throughput.h"

#include <cmath>
#include <random>

#include "base/timer.h"

namespace cratio {

RateStats SummarizeRates(std::vector<double> runs) {
  RateStats r;
  r.runs_tok_per_s = std::move(runs);
  const auto n = static_cast<int64_t>(r.runs_tok_per_s.size());
  if (n == 0) return r;
  double sum = 0.0;
  for (double v : r.runs_tok_per_s) sum += v;
  r.mean_tok_per_s = sum / n;
  if (n > 1) {
    double ss = 0.0;
    for (double v : r.runs_tok_per_s) ss += (v - r.mean_tok_per_s) * (v - r.mean_tok_per_s);
    r.sd_tok_per_s = std::sqrt(ss / (n - 1));
  }
  return r;
}

Result<ThroughputResult> MeasureThroughput(Session& session, const ThroughputOptions& options) {
  const int64_t p = options.prompt_tokens;
  const int64_t n = options.gen_tokens;
  if (p < 0 || n < 0 || options.num_reps < 1) {
    return InvalidInput("bench: -p {} and -n {} must be >= 0 and -r {} >= 1", p, n,
                        options.num_reps);
  }
  if (p > session.max_batch()) {
    return InvalidInput("bench: -p {} exceeds the session's batch of {} tokens", p,
                        session.max_batch());
  }
  if (std::max(p, n) > session.n_ctx()) {
    return InvalidInput("bench: -p {} / -n {} exceed the context of {} positions", p, n,
                        session.n_ctx());
  }
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<int32_t> token_dist(
      0, static_cast<int32_t>(session.vocab_size() - 1));
  Batch batch(std::max<int64_t>(p, 1));

  // One pp run: p random tokens at positions [0, p), logits of the last one (what a
  // prompt needs before the first generated token). Returns seconds.
  auto run_prefill = [&]() -> Result<double> {
    session.kv_cache().Clear();
    batch.Clear();
    for (int64_t i = 0; i < p; ++i) {
      batch.Add(token_dist(rng), static_cast<int32_t>(i), 0, i == p - 1);
    }
    const Stopwatch sw;
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    return sw.ElapsedS();
  };
  // One tg run: n steps of one token each at positions [0, n), logits every step.
  auto run_decode = [&]() -> Result<double> {
    session.kv_cache().Clear();
    const Stopwatch sw;
    for (int64_t i = 0; i < n; ++i) {
      batch.Clear();
      batch.Add(token_dist(rng), static_cast<int32_t>(i), 0, true);
      CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    }
    return sw.ElapsedS();
  };

  ThroughputResult result;
  result.prompt_tokens = p;
  result.gen_tokens = n;
  result.num_reps = options.num_reps;
  if (p > 0) {
    CRATIO_RETURN_IF_ERROR(run_prefill().status());  // warm-up
    std::vector<double> rates;
    for (int r = 0; r < options.num_reps; ++r) {
      CRATIO_ASSIGN_OR_RETURN(const double s, run_prefill());
      rates.push_back(s > 0 ? p / s : 0.0);
    }
    result.prefill = SummarizeRates(std::move(rates));
  }
  if (n > 0) {
    CRATIO_RETURN_IF_ERROR(run_decode().status());  // warm-up
    std::vector<double> rates;
    for (int r = 0; r < options.num_reps; ++r) {
      CRATIO_ASSIGN_OR_RETURN(const double s, run_decode());
      rates.push_back(s > 0 ? n / s : 0.0);
    }
    result.decode = SummarizeRates(std::move(rates));
  }
  session.kv_cache().Clear();
  return result;
}

namespace {

uint64_t LinearBytes(const LinearWeight& w) {
  return w.is_low_rank() ? w.lr_a.size_bytes + w.lr_b.size_bytes : w.dense.size_bytes;
}

}  // namespace

PerTokenWork ComputePerTokenWork(const ModelWeights& weights) {
  PerTokenWork work;
  int64_t macs = 0;
  auto add_linear = [&](const LinearWeight& w) {
    work.weight_bytes += LinearBytes(w);
    macs += w.macs_per_token();
  };
  for (const LayerWeights& l : weights.layers()) {
    for (const LinearWeight* w : {&l.attn_q, &l.attn_k, &l.attn_v, &l.attn_output, &l.ffn_gate,
                                  &l.ffn_up, &l.ffn_down}) {
      add_linear(*w);
    }
    work.weight_bytes += (l.attn_norm.size() + l.ffn_norm.size()) * sizeof(float);
  }
  add_linear(weights.output());  // the embedding matrix itself when tied
  work.weight_bytes += weights.output_norm().size() * sizeof(float);
  work.linear_flops = 2.0 * static_cast<double>(macs);
  return work;
}

}  // namespace cratio
