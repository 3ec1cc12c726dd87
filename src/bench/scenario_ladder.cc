// Context-length ladder (see scenario_ladder.h).
#include "bench/scenario_ladder.h"

#include <random>

#include "bench/request.h"

namespace cratio {

std::vector<int64_t> LadderRungs(int64_t first, int64_t top) {
  std::vector<int64_t> rungs;
  if (first < 1 || top < 1) return rungs;
  for (int64_t r = first; r < top; r *= 2) rungs.push_back(r);
  rungs.push_back(top);
  return rungs;
}

Result<LadderPointResult> RunLadderPoint(const std::vector<Session*>& sessions,
                                         int64_t context_tokens, int64_t decode_tokens,
                                         const StopRule& rule, uint64_t seed, EnergyMeter* meter) {
  // One request of context + 1 tokens: the prefill and first token, then
  // `decode_tokens` more steps at depth context_tokens.
  auto sample = [&](Subject& s, bool warmup, LadderSeries& out) -> Result<double> {
    CRATIO_ASSIGN_OR_RETURN(const RequestTiming t, RunRequest(*s.session, 0, context_tokens,
                                                              decode_tokens + 1, s.rng, s.batch));
    if (!warmup) {
      out.ttft_ms.push_back(t.ttft_ms);
      if (t.ttft_ms > 0) out.prefill_tok_per_s.push_back(context_tokens * 1000.0 / t.ttft_ms);
      if (decode_tokens > 0) out.decode_ms_per_token.push_back(t.tpot_ms());
    }
    return t.ttft_ms;
  };
  LadderPointResult result;
  CRATIO_ASSIGN_OR_RETURN(static_cast<Measured<LadderSeries>&>(result),
                          MeasureInterleaved<LadderSeries>(sessions, rule, meter, seed, sample));
  result.context_tokens = context_tokens;
  result.decode_tokens = decode_tokens;
  return result;
}

}  // namespace cratio
