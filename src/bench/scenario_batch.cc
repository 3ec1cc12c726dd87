// Offline batch throughput (see scenario_batch.h).
#include "bench/scenario_batch.h"

#include <algorithm>
#include <random>

#include "base/timer.h"
#include "bench/request.h"

namespace cratio {

Result<double> RunOneBatch(Session& session, int64_t batch_size, int64_t prompt_tokens,
                           int64_t gen_tokens, std::mt19937_64& rng, Batch& batch) {
  if (batch_size < 1 || batch_size > session.n_seq() || batch_size > session.max_logits() ||
      batch_size > session.max_batch()) {
    return InvalidInput(
        "bench: batch of {} requests does not fit the session ({} sequences, "
        "{} logit rows, {} tokens per call)",
        batch_size, session.n_seq(), session.max_logits(), session.max_batch());
  }
  if (prompt_tokens < 1 || gen_tokens < 1 || prompt_tokens + gen_tokens - 1 > session.n_ctx()) {
    return InvalidInput(
        "bench: {} prompt + {} generated tokens do not fit the context of {} "
        "positions",
        prompt_tokens, gen_tokens, session.n_ctx());
  }
  std::uniform_int_distribution<int32_t> token_dist(0,
                                                    static_cast<int32_t>(session.vocab_size() - 1));
  session.kv_cache().Clear();
  std::vector<int32_t> last(batch_size, 0);  // the token each sequence decodes next
  const Stopwatch sw;
  // Prefill: the B prompts back to back, cut into calls of at most max_batch tokens.
  const int64_t total = batch_size * prompt_tokens;
  int64_t logits_seen = 0;
  for (int64_t begin = 0; begin < total; begin += session.max_batch()) {
    const int64_t end = std::min(total, begin + session.max_batch());
    batch.Clear();
    for (int64_t i = begin; i < end; ++i) {
      const auto seq = static_cast<int32_t>(i / prompt_tokens);
      const int64_t pos = i % prompt_tokens;
      batch.Add(token_dist(rng), static_cast<int32_t>(pos), seq, pos == prompt_tokens - 1);
    }
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    for (int64_t r = 0; r < session.num_logits(); ++r) {
      last[logits_seen + r] = ArgMax(session.logits(r), session.vocab_size());
    }
    logits_seen += session.num_logits();
  }
  for (int64_t step = 1; step < gen_tokens; ++step) {
    batch.Clear();
    for (int64_t s = 0; s < batch_size; ++s) {
      batch.Add(last[s], static_cast<int32_t>(prompt_tokens + step - 1), static_cast<int32_t>(s),
                true);
    }
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    for (int64_t s = 0; s < batch_size; ++s) {
      last[s] = ArgMax(session.logits(s), session.vocab_size());
    }
  }
  return sw.ElapsedMs();
}

Result<BatchPointResult> RunBatchPoint(const std::vector<Session*>& sessions, int64_t batch_size,
                                       int64_t prompt_tokens, int64_t gen_tokens,
                                       const StopRule& rule, uint64_t seed, EnergyMeter* meter) {
  auto sample = [&](Subject& s, bool warmup, BatchSeries& out) -> Result<double> {
    CRATIO_ASSIGN_OR_RETURN(const double ms, RunOneBatch(*s.session, batch_size, prompt_tokens,
                                                         gen_tokens, s.rng, s.batch));
    if (!warmup && ms > 0) {
      out.batch_ms.push_back(ms);
      out.out_tok_per_s.push_back(batch_size * gen_tokens * 1000.0 / ms);
      out.req_per_s.push_back(batch_size * 1000.0 / ms);
    }
    return ms;
  };
  BatchPointResult result;
  CRATIO_ASSIGN_OR_RETURN(static_cast<Measured<BatchSeries>&>(result),
                          MeasureInterleaved<BatchSeries>(sessions, rule, meter, seed, sample));
  result.batch_size = batch_size;
  result.prompt_tokens = prompt_tokens;
  result.gen_tokens = gen_tokens;
  return result;
}

}  // namespace cratio
