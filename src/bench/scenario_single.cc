// Single-stream request scenario (see scenario_single.h).
#include "bench/scenario_single.h"

#include <fmt/format.h>

namespace cratio {

RequestStats SummarizeRequests(const RequestSeries& s, double confidence) {
  RequestStats r;
  r.num_requests = static_cast<int64_t>(s.e2e_ms.size());
  r.ttft_ms = Summarize(s.ttft_ms, confidence);
  r.tpot_ms = Summarize(s.tpot_ms, confidence);
  r.itl_ms = Summarize(s.itl_ms, confidence);
  r.e2e_ms = Summarize(s.e2e_ms, confidence);
  double ttft_sum = 0.0;
  for (double v : s.ttft_ms) ttft_sum += v;
  if (ttft_sum > 0) r.prefill_tok_per_s = s.prompt_tokens * 1000.0 / ttft_sum;
  if (r.tpot_ms.n > 0 && r.tpot_ms.p50.value > 0) {
    r.decode_tok_per_s = 1000.0 / r.tpot_ms.p50.value;
  }
  return r;
}

Result<RequestSpeedups> CompareRequests(const RequestSeries& variant, const RequestSeries& base,
                                        const BootstrapOptions& options) {
  RequestSpeedups s;
  CRATIO_ASSIGN_OR_RETURN(s.ttft, BootstrapMedianRatio(base.ttft_ms, variant.ttft_ms, options));
  CRATIO_ASSIGN_OR_RETURN(s.e2e, BootstrapMedianRatio(base.e2e_ms, variant.e2e_ms, options));
  if (!variant.tpot_ms.empty() && !base.tpot_ms.empty() && Median(base.tpot_ms) > 0 &&
      Median(variant.tpot_ms) > 0) {
    CRATIO_ASSIGN_OR_RETURN(s.tpot, BootstrapMedianRatio(base.tpot_ms, variant.tpot_ms, options));
  }
  return s;
}

std::string PointLabel(const SinglePointResult& p) {
  return fmt::format("p{}-g{}", p.prompt.Label(), p.gen.Label());
}

Result<SinglePointResult> RunSinglePoint(const std::vector<Session*>& sessions,
                                         const LengthRange& prompt, const LengthRange& gen,
                                         const StopRule& rule, uint64_t seed, EnergyMeter* meter) {
  // Lengths are drawn once per round (by the variant's turn) so both models see the same
  // request.
  std::mt19937_64 length_rng(seed ^ 0x1e6);
  int64_t p = 0, g = 0;
  auto sample = [&](Subject& s, bool warmup, RequestSeries& out) -> Result<double> {
    if (s.index == 0) {
      p = prompt.Draw(length_rng);
      g = gen.Draw(length_rng);
    }
    CRATIO_ASSIGN_OR_RETURN(RequestTiming t, RunRequest(*s.session, 0, p, g, s.rng, s.batch));
    if (!warmup) {
      out.ttft_ms.push_back(t.ttft_ms);
      out.e2e_ms.push_back(t.e2e_ms);
      if (g > 1) out.tpot_ms.push_back(t.tpot_ms());
      out.itl_ms.insert(out.itl_ms.end(), t.itl_ms.begin(), t.itl_ms.end());
      out.prompt_tokens += p;
      out.gen_tokens += g;
    }
    return t.e2e_ms;
  };
  SinglePointResult result;
  CRATIO_ASSIGN_OR_RETURN(static_cast<Measured<RequestSeries>&>(result),
                          MeasureInterleaved<RequestSeries>(sessions, rule, meter, seed, sample));
  result.prompt = prompt;
  result.gen = gen;
  return result;
}

}  // namespace cratio
