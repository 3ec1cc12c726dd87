// JSON of a bench report (see bench_report.h). Every metric key carries its unit; every
// summary has P50 / P90 / P99 with interval ends; every throughput has its share of the
// roofline ("pct_of_roofline": 100 · ideal time / measured median time).
#include <fmt/format.h>

#include <cmath>

#include "bench/bench_report.h"

namespace cratio {

using nlohmann::ordered_json;

namespace {

ordered_json Finite(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(); }

ordered_json QuantileJson(const QuantileEstimate& q) {
  ordered_json j;
  j["value"] = q.value;
  j["ci_low"] = q.low_bounded ? ordered_json(q.ci_low) : ordered_json();
  j["ci_high"] = q.high_bounded ? ordered_json(q.ci_high) : ordered_json();
  j["coverage"] = q.coverage;
  return j;
}

ordered_json EnergyJson(const std::optional<double>& joules, int64_t tokens) {
  ordered_json j;
  j["energy_j"] = joules ? ordered_json(*joules) : ordered_json();
  j["energy_j_per_token"] =
      joules && tokens > 0 ? ordered_json(*joules / static_cast<double>(tokens)) : ordered_json();
  return j;
}

void Merge(ordered_json& into, const ordered_json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) into[it.key()] = it.value();
}

// Adds "speedup": {name: …} and "slower_than_base" to `point`, and one entry per slower
// metric to `flags`.
void AddSpeedups(ordered_json& point, const char* scenario,
                 const std::vector<std::pair<std::string, RatioEstimate>>& speedups,
                 std::vector<ordered_json>* flags) {
  std::vector<std::string> slower;
  ordered_json s = ordered_json::object();
  for (const auto& [name, r] : speedups) {
    s[name] = SpeedupJson(r);
    if (Classify(r) == SpeedupVerdict::kSlower) slower.push_back(name);
  }
  point["speedup"] = s;
  point["slower_than_base"] = slower;
  for (const std::string& m : slower) {
    flags->push_back({{"scenario", scenario}, {"point", point["label"]}, {"metric", m}});
  }
}

// "rounds" and "stop_reason" of a measured grid point.
template <typename Series>
void AddRounds(ordered_json& j, const Measured<Series>& m) {
  j["rounds"] = m.num_rounds;
  j["stop_reason"] = StopReasonName(m.stop);
}

BootstrapOptions Boot(const BenchReport& rep) {
  BootstrapOptions o;
  o.confidence = rep.rule.confidence;
  o.seed = rep.seed + 17;
  return o;
}

Result<ordered_json> SingleJson(const BenchReport& rep, std::vector<ordered_json>* flags) {
  ordered_json points = ordered_json::array();
  for (const SinglePointResult& p : rep.single) {
    ordered_json j;
    j["label"] = PointLabel(p);
    j["prompt_tokens_min"] = p.prompt.lo;
    j["prompt_tokens_max"] = p.prompt.hi;
    j["gen_tokens_min"] = p.gen.lo;
    j["gen_tokens_max"] = p.gen.hi;
    AddRounds(j, p);
    j["elapsed_s"] = p.elapsed_s;
    auto model_json = [&](const RequestSeries& s, const BenchModel& m) {
      const RequestStats st = SummarizeRequests(s, rep.rule.confidence);
      ordered_json o;
      o["num_requests"] = st.num_requests;
      o["ttft_ms"] = SummaryJson(st.ttft_ms);
      o["tpot_ms"] = SummaryJson(st.tpot_ms);
      o["itl_ms"] = SummaryJson(st.itl_ms);
      o["e2e_ms"] = SummaryJson(st.e2e_ms);
      o["prefill_tok_per_s"] = st.prefill_tok_per_s;
      o["decode_tok_per_s"] = st.decode_tok_per_s;
      const double n = static_cast<double>(std::max<int64_t>(st.num_requests, 1));
      const double ideal_ms =
          IdealRequestMs(rep.limits, m.work, s.prompt_tokens / n, s.gen_tokens / n, 1.0);
      o["ideal_e2e_ms"] = ideal_ms;
      o["pct_of_roofline"] = st.e2e_ms.n > 0 ? PercentOfIdeal(ideal_ms, st.e2e_ms.p50.value) : 0.0;
      o["prefill_pct_of_roofline"] =
          PercentOfLimit(st.prefill_tok_per_s, PrefillLimit(rep.limits, m.work));
      o["decode_pct_of_roofline"] =
          PercentOfLimit(st.decode_tok_per_s, DecodeLimit(rep.limits, m.work, 1.0));
      Merge(o, EnergyJson(s.energy_j, s.gen_tokens));
      return o;
    };
    j["variant"] = model_json(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      j["base"] = model_json(*p.base, rep.models[1]);
      CRATIO_ASSIGN_OR_RETURN(const RequestSpeedups sp,
                              CompareRequests(p.variant, *p.base, Boot(rep)));
      std::vector<std::pair<std::string, RatioEstimate>> list = {{"ttft", sp.ttft},
                                                                 {"e2e", sp.e2e}};
      if (sp.tpot.num_resamples > 0) list.push_back({"tpot", sp.tpot});
      AddSpeedups(j, "single", list, flags);
    }
    points.push_back(j);
  }
  return ordered_json{{"points", points}};
}

Result<ordered_json> BatchJson(const BenchReport& rep, std::vector<ordered_json>* flags) {
  ordered_json points = ordered_json::array();
  for (const BatchPointResult& p : rep.batch) {
    ordered_json j;
    j["label"] = fmt::format("b{}", p.batch_size);
    j["batch_size"] = p.batch_size;
    j["prompt_tokens"] = p.prompt_tokens;
    j["gen_tokens"] = p.gen_tokens;
    AddRounds(j, p);
    auto model_json = [&](const BatchSeries& s, const BenchModel& m) {
      ordered_json o;
      const SampleSummary ms = Summarize(s.batch_ms, rep.rule.confidence);
      o["batch_ms"] = SummaryJson(ms);
      o["out_tok_per_s"] = SummaryJson(Summarize(s.out_tok_per_s, rep.rule.confidence));
      o["req_per_s"] = SummaryJson(Summarize(s.req_per_s, rep.rule.confidence));
      const double ideal_ms =
          IdealRequestMs(rep.limits, m.work, static_cast<double>(p.prompt_tokens),
                         static_cast<double>(p.gen_tokens), static_cast<double>(p.batch_size));
      o["ideal_batch_ms"] = ideal_ms;
      o["pct_of_roofline"] = ms.n > 0 ? PercentOfIdeal(ideal_ms, ms.p50.value) : 0.0;
      o["decode_bound"] = DecodeLimit(rep.limits, m.work, static_cast<double>(p.batch_size)).bound;
      Merge(o, EnergyJson(s.energy_j,
                          static_cast<int64_t>(s.batch_ms.size()) * p.batch_size * p.gen_tokens));
      return o;
    };
    j["variant"] = model_json(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      j["base"] = model_json(*p.base, rep.models[1]);
      CRATIO_ASSIGN_OR_RETURN(
          const RatioEstimate r,
          BootstrapMedianRatio(p.base->batch_ms, p.variant.batch_ms, Boot(rep)));
      AddSpeedups(j, "batch", {{"batch_time", r}}, flags);
    }
    points.push_back(j);
  }
  return ordered_json{{"points", points}};
}

Result<ordered_json> LadderJson(const BenchReport& rep, std::vector<ordered_json>* flags) {
  ordered_json points = ordered_json::array();
  for (const LadderPointResult& p : rep.ladder) {
    ordered_json j;
    j["label"] = fmt::format("ctx{}", p.context_tokens);
    j["context_tokens"] = p.context_tokens;
    j["decode_tokens"] = p.decode_tokens;
    AddRounds(j, p);
    auto model_json = [&](const LadderSeries& s, const BenchModel& m) {
      ordered_json o;
      const SampleSummary pf = Summarize(s.prefill_tok_per_s, rep.rule.confidence);
      const SampleSummary dc = Summarize(s.decode_ms_per_token, rep.rule.confidence);
      o["ttft_ms"] = SummaryJson(Summarize(s.ttft_ms, rep.rule.confidence));
      o["prefill_tok_per_s"] = SummaryJson(pf);
      o["decode_ms_per_token"] = SummaryJson(dc);
      o["prefill_pct_of_roofline"] =
          pf.n > 0 ? PercentOfLimit(pf.p50.value, PrefillLimit(rep.limits, m.work)) : 0.0;
      o["decode_pct_of_roofline"] =
          dc.n > 0 && dc.p50.value > 0
              ? PercentOfLimit(1000.0 / dc.p50.value, DecodeLimit(rep.limits, m.work, 1.0))
              : 0.0;
      Merge(o, EnergyJson(s.energy_j, static_cast<int64_t>(s.ttft_ms.size()) *
                                          (p.context_tokens + p.decode_tokens)));
      return o;
    };
    j["variant"] = model_json(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      j["base"] = model_json(*p.base, rep.models[1]);
      std::vector<std::pair<std::string, RatioEstimate>> list;
      CRATIO_ASSIGN_OR_RETURN(const RatioEstimate t,
                              BootstrapMedianRatio(p.base->ttft_ms, p.variant.ttft_ms, Boot(rep)));
      list.push_back({"ttft", t});
      if (!p.variant.decode_ms_per_token.empty()) {
        CRATIO_ASSIGN_OR_RETURN(const RatioEstimate d,
                                BootstrapMedianRatio(p.base->decode_ms_per_token,
                                                     p.variant.decode_ms_per_token, Boot(rep)));
        list.push_back({"decode", d});
      }
      AddSpeedups(j, "ladder", list, flags);
    }
    points.push_back(j);
  }
  return ordered_json{{"points", points}};
}

std::vector<double> Field(const ServerResult& r, double ServedRequest::*f, bool skip_zero) {
  std::vector<double> v;
  for (const ServedRequest& q : r.requests) {
    if (!skip_zero || q.*f > 0) v.push_back(q.*f);
  }
  return v;
}

Result<ordered_json> ServerJson(const BenchReport& rep, std::vector<ordered_json>* flags) {
  ordered_json runs = ordered_json::array();
  for (size_t i = 0; i < rep.server.size(); ++i) {
    const ServerResult& r = rep.server[i];
    const BenchModel& m = rep.models[i];
    const double c = rep.rule.confidence;
    ordered_json o;
    o["role"] = m.role;
    o["rate_per_s"] = r.options.rate_per_s;
    o["duration_s"] = r.options.duration_s;
    o["prompt_tokens"] = r.options.prompt.Label();
    o["gen_tokens"] = r.options.gen.Label();
    o["ttft_limit_ms"] = r.options.ttft_limit_ms;
    o["tpot_limit_ms"] = r.options.tpot_limit_ms;
    o["max_concurrency"] = r.max_concurrency;
    o["num_requests"] = r.requests.size();
    o["wall_s"] = r.wall_s;
    o["req_per_s"] = r.req_per_s();
    o["out_tok_per_s"] = r.out_tok_per_s();
    o["goodput_req_per_s"] = r.goodput_req_per_s();
    o["slo_attainment"] = r.slo_attainment();
    o["num_forward_calls"] = r.num_forward_calls;
    o["mean_decode_batch"] = r.mean_decode_batch;
    o["queue_ms"] = SummaryJson(Summarize(Field(r, &ServedRequest::queue_ms, false), c));
    o["ttft_ms"] = SummaryJson(Summarize(Field(r, &ServedRequest::ttft_ms, false), c));
    o["tpot_ms"] = SummaryJson(Summarize(Field(r, &ServedRequest::tpot_ms, true), c));
    o["e2e_ms"] = SummaryJson(Summarize(Field(r, &ServedRequest::e2e_ms, false), c));
    o["decode_pct_of_roofline"] = PercentOfLimit(
        r.out_tok_per_s(), DecodeLimit(rep.limits, m.work, std::max(1.0, r.mean_decode_batch)));
    int64_t tokens = 0;
    for (const ServedRequest& q : r.requests) tokens += q.gen_tokens;
    Merge(o, EnergyJson(r.energy_j, tokens));
    runs.push_back(o);
  }
  ordered_json j{{"runs", runs}};
  // The same seed gives both models the same arrivals and lengths: pair by request.
  if (rep.server.size() == 2 && !rep.server[0].requests.empty() &&
      rep.server[0].requests.size() == rep.server[1].requests.size()) {
    ordered_json point;
    point["label"] = "server";
    CRATIO_ASSIGN_OR_RETURN(
        const RatioEstimate t,
        BootstrapMedianRatio(Field(rep.server[1], &ServedRequest::ttft_ms, false),
                             Field(rep.server[0], &ServedRequest::ttft_ms, false), Boot(rep)));
    CRATIO_ASSIGN_OR_RETURN(
        const RatioEstimate e,
        BootstrapMedianRatio(Field(rep.server[1], &ServedRequest::e2e_ms, false),
                             Field(rep.server[0], &ServedRequest::e2e_ms, false), Boot(rep)));
    AddSpeedups(point, "server", {{"ttft", t}, {"e2e", e}}, flags);
    j["speedup"] = point["speedup"];
    j["slower_than_base"] = point["slower_than_base"];
  }
  return j;
}

ordered_json StartsJson(const std::vector<StartTiming>& v, double confidence) {
  std::vector<double> load, session, first, total, resident;
  for (const StartTiming& t : v) {
    load.push_back(t.load_ms);
    session.push_back(t.session_ms);
    first.push_back(t.first_token_ms);
    total.push_back(t.total_ms);
    resident.push_back(t.resident_before);
  }
  ordered_json o;
  o["load_ms"] = SummaryJson(Summarize(load, confidence));
  o["session_ms"] = SummaryJson(Summarize(session, confidence));
  o["first_token_ms"] = SummaryJson(Summarize(first, confidence));
  o["total_ms"] = SummaryJson(Summarize(total, confidence));
  o["resident_fraction_median"] = resident.empty() ? 0.0 : Median(resident);
  return o;
}

ordered_json ColdJson(const BenchReport& rep) {
  ordered_json runs = ordered_json::array();
  for (size_t i = 0; i < rep.cold.size(); ++i) {
    const ColdWarmResult& r = rep.cold[i];
    ordered_json o;
    o["role"] = rep.models[i].role;
    o["drop_effective"] = r.drop_effective;
    o["cold"] = StartsJson(r.cold, rep.rule.confidence);
    o["warm"] = StartsJson(r.warm, rep.rule.confidence);
    std::vector<double> ct, wt;
    for (const StartTiming& t : r.cold) ct.push_back(t.total_ms);
    for (const StartTiming& t : r.warm) wt.push_back(t.total_ms);
    o["cold_over_warm_total"] =
        !ct.empty() && Median(wt) > 0 ? ordered_json(Median(ct) / Median(wt)) : ordered_json();
    runs.push_back(o);
  }
  return ordered_json{{"runs", runs}};
}

ordered_json MemoryJson(const BenchReport& rep) {
  ordered_json runs = ordered_json::array();
  for (size_t i = 0; i < rep.memory.size(); ++i) {
    const MemoryReport& r = rep.memory[i];
    ordered_json o;
    o["role"] = rep.models[i].role;
    o["n_ctx"] = r.n_ctx;
    o["n_seq"] = r.n_seq;
    o["peak_rss_bytes"] = r.peak_rss_bytes;
    o["child_maxrss_bytes"] = r.child_maxrss_bytes;
    o["baseline_rss_bytes"] = r.baseline_rss_bytes;
    o["weight_bytes"] = r.weight_bytes;
    o["kv_cache_bytes"] = r.kv_cache_bytes;
    o["kv_bytes_per_token"] = r.kv_bytes_per_token;
    o["scratch_and_other_bytes"] = r.scratch_and_other_bytes();
    runs.push_back(o);
  }
  return ordered_json{{"runs", runs}};
}

}  // namespace

ordered_json SummaryJson(const SampleSummary& s) {
  ordered_json j;
  j["n"] = s.n;
  if (s.n == 0) return j;
  j["mean"] = s.mean;
  j["sd"] = s.sd;
  j["min"] = s.min;
  j["max"] = s.max;
  j["p50"] = QuantileJson(s.p50);
  j["p90"] = QuantileJson(s.p90);
  j["p99"] = QuantileJson(s.p99);
  return j;
}

ordered_json SpeedupJson(const RatioEstimate& r) {
  ordered_json j;
  j["ratio"] = Finite(r.ratio);
  j["ci_low"] = Finite(r.ci_low);
  j["ci_high"] = Finite(r.ci_high);
  j["confidence"] = r.confidence;
  j["paired"] = r.paired;
  j["num_samples"] = r.num_samples;
  j["verdict"] = VerdictName(Classify(r));
  return j;
}

Result<ordered_json> ScenariosJson(const BenchReport& rep) {
  ordered_json out;
  ordered_json rule;
  rule["warmup_iters"] = rep.rule.warmup_iters;
  rule["min_iters"] = rep.rule.min_iters;
  rule["max_iters"] = rep.rule.max_iters;
  rule["min_time_s"] = rep.rule.min_time_s;
  rule["max_time_s"] = rep.rule.max_time_s;
  rule["ci_target"] = rep.rule.ci_target;
  rule["confidence"] = rep.rule.confidence;
  rule["seed"] = rep.seed;
  out["stop_rule"] = rule;
  out["energy"] = rep.energy_status;
  std::vector<ordered_json> flags;
  ordered_json sc = ordered_json::object();
  if (!rep.single.empty()) {
    CRATIO_ASSIGN_OR_RETURN(sc["single"], SingleJson(rep, &flags));
  }
  if (!rep.batch.empty()) {
    CRATIO_ASSIGN_OR_RETURN(sc["batch"], BatchJson(rep, &flags));
  }
  if (!rep.ladder.empty()) {
    CRATIO_ASSIGN_OR_RETURN(sc["ladder"], LadderJson(rep, &flags));
  }
  if (!rep.server.empty()) {
    CRATIO_ASSIGN_OR_RETURN(sc["server"], ServerJson(rep, &flags));
  }
  if (!rep.cold.empty()) sc["cold"] = ColdJson(rep);
  if (!rep.memory.empty()) sc["memory"] = MemoryJson(rep);
  out["scenarios"] = sc;
  if (rep.comparing()) out["slower_points"] = flags;
  return out;
}

}  // namespace cratio
