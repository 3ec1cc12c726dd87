// Human tables of a bench report (see bench_report.h): medians with their intervals,
// P90 / P99, the share of the roofline, energy, and for a comparison the speedups with
// the points where the variant is slower than its base marked.
#include <fmt/format.h>

#include "bench/bench_report.h"

namespace cratio {

namespace {

// "1.23 [1.20, 1.30]"; an open side prints as "-".
std::string Q(const QuantileEstimate& q) {
  const std::string lo = q.low_bounded ? fmt::format("{:.3g}", q.ci_low) : "-";
  const std::string hi = q.high_bounded ? fmt::format("{:.3g}", q.ci_high) : "-";
  return fmt::format("{:.3g} [{}, {}]", q.value, lo, hi);
}

std::string S(const SampleSummary& s) { return s.n > 0 ? Q(s.p50) : "n/a"; }
std::string P(const SampleSummary& s, const QuantileEstimate SampleSummary::*q) {
  return s.n > 0 ? fmt::format("{:.3g}", (s.*q).value) : "n/a";
}

std::string Speedup(const std::string& name, const RatioEstimate& r) {
  const SpeedupVerdict v = Classify(r);
  return fmt::format("{} {:.3f}x [{:.3f}, {:.3f}]{}", name, r.ratio, r.ci_low, r.ci_high,
                     v == SpeedupVerdict::kSlower             ? " SLOWER"
                     : v == SpeedupVerdict::kFaster           ? " faster"
                     : v == SpeedupVerdict::kInsufficientData ? " (too few rounds)"
                                                              : " ~");
}

std::string Energy(const std::optional<double>& j, int64_t tokens) {
  if (!j) return "-";
  return tokens > 0 ? fmt::format("{:.3g} J ({:.3g} J/tok)", *j, *j / tokens)
                    : fmt::format("{:.3g} J", *j);
}

BootstrapOptions Boot(const BenchReport& rep) {
  BootstrapOptions o;
  o.confidence = rep.rule.confidence;
  o.seed = rep.seed + 17;
  return o;
}

Status SingleText(const BenchReport& rep, std::string& out) {
  out += fmt::format(
      "single-stream requests: P50 [{:.0f}% interval], P99; % roofline = ideal / measured "
      "median end-to-end\n",
      rep.rule.confidence * 100);
  out += fmt::format("{:<14} {:<8} {:>5}  {:<26} {:<26} {:>8}  {:<26} {:>6}  {}\n", "point",
                     "model", "n", "TTFT ms", "TPOT ms", "ITL p99", "E2E ms", "%roof", "energy");
  for (const SinglePointResult& p : rep.single) {
    const std::string label = PointLabel(p);
    auto row = [&](const RequestSeries& s, const BenchModel& m) {
      const RequestStats st = SummarizeRequests(s, rep.rule.confidence);
      const double n = static_cast<double>(std::max<int64_t>(st.num_requests, 1));
      const double ideal =
          IdealRequestMs(rep.limits, m.work, s.prompt_tokens / n, s.gen_tokens / n, 1.0);
      out += fmt::format("{:<14} {:<8} {:>5}  {:<26} {:<26} {:>8}  {:<26} {:>5.1f}%  {}\n", label,
                         m.role, st.num_requests, S(st.ttft_ms), S(st.tpot_ms),
                         P(st.itl_ms, &SampleSummary::p99), S(st.e2e_ms),
                         st.e2e_ms.n > 0 ? PercentOfIdeal(ideal, st.e2e_ms.p50.value) : 0.0,
                         Energy(s.energy_j, s.gen_tokens));
    };
    row(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      row(*p.base, rep.models[1]);
      CRATIO_ASSIGN_OR_RETURN(const RequestSpeedups sp,
                              CompareRequests(p.variant, *p.base, Boot(rep)));
      out += fmt::format(
          "{:<14} speedup  {}; {}{}\n", "", Speedup("ttft", sp.ttft), Speedup("e2e", sp.e2e),
          sp.tpot.num_resamples > 0 ? fmt::format("; {}", Speedup("tpot", sp.tpot)) : "");
    }
  }
  return Status::Ok();
}

Status BatchText(const BenchReport& rep, std::string& out) {
  out +=
      "offline batches: output tok/s and requests/s, P50 [interval]; % roofline = ideal / "
      "measured median batch time\n";
  out += fmt::format("{:<7} {:<8} {:>5}  {:<28} {:<28} {:>6}  {:<10} {}\n", "batch", "model", "n",
                     "out tok/s", "req/s", "%roof", "bound", "energy");
  for (const BatchPointResult& p : rep.batch) {
    auto row = [&](const BatchSeries& s, const BenchModel& m) {
      const double c = rep.rule.confidence;
      const SampleSummary ms = Summarize(s.batch_ms, c);
      const double ideal = IdealRequestMs(rep.limits, m.work, p.prompt_tokens, p.gen_tokens,
                                          static_cast<double>(p.batch_size));
      out +=
          fmt::format("{:<7} {:<8} {:>5}  {:<28} {:<28} {:>5.1f}%  {:<10} {}\n", p.batch_size,
                      m.role, ms.n, S(Summarize(s.out_tok_per_s, c)), S(Summarize(s.req_per_s, c)),
                      ms.n > 0 ? PercentOfIdeal(ideal, ms.p50.value) : 0.0,
                      DecodeLimit(rep.limits, m.work, static_cast<double>(p.batch_size)).bound,
                      Energy(s.energy_j, ms.n * p.batch_size * p.gen_tokens));
    };
    row(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      row(*p.base, rep.models[1]);
      CRATIO_ASSIGN_OR_RETURN(
          const RatioEstimate r,
          BootstrapMedianRatio(p.base->batch_ms, p.variant.batch_ms, Boot(rep)));
      out += fmt::format("{:<7} speedup  {}\n", "", Speedup("batch time", r));
    }
  }
  return Status::Ok();
}

Status LadderText(const BenchReport& rep, std::string& out) {
  out += "context ladder: prefill of the whole context, then decode at that depth\n";
  out += fmt::format("{:<8} {:<8} {:>4}  {:<28} {:<28} {:<26} {:>6} {:>6}\n", "context", "model",
                     "n", "TTFT ms", "prefill tok/s", "decode ms/tok", "%pre", "%dec");
  for (const LadderPointResult& p : rep.ladder) {
    auto row = [&](const LadderSeries& s, const BenchModel& m) {
      const double c = rep.rule.confidence;
      const SampleSummary pf = Summarize(s.prefill_tok_per_s, c);
      const SampleSummary dc = Summarize(s.decode_ms_per_token, c);
      out += fmt::format(
          "{:<8} {:<8} {:>4}  {:<28} {:<28} {:<26} {:>5.1f}% {:>5.1f}%\n", p.context_tokens, m.role,
          pf.n, S(Summarize(s.ttft_ms, c)), S(pf), S(dc),
          pf.n > 0 ? PercentOfLimit(pf.p50.value, PrefillLimit(rep.limits, m.work)) : 0.0,
          dc.n > 0 && dc.p50.value > 0
              ? PercentOfLimit(1000.0 / dc.p50.value, DecodeLimit(rep.limits, m.work, 1.0))
              : 0.0);
    };
    row(p.variant, rep.models[0]);
    if (p.base && rep.comparing()) {
      row(*p.base, rep.models[1]);
      CRATIO_ASSIGN_OR_RETURN(const RatioEstimate r,
                              BootstrapMedianRatio(p.base->ttft_ms, p.variant.ttft_ms, Boot(rep)));
      out += fmt::format("{:<8} speedup  {}\n", "", Speedup("ttft", r));
    }
  }
  return Status::Ok();
}

void ServerText(const BenchReport& rep, std::string& out) {
  out += "server: Poisson arrivals, continuous batching; TTFT from arrival\n";
  for (size_t i = 0; i < rep.server.size(); ++i) {
    const ServerResult& r = rep.server[i];
    std::vector<double> ttft, tpot, e2e;
    int64_t tokens = 0;
    for (const ServedRequest& q : r.requests) {
      ttft.push_back(q.ttft_ms);
      e2e.push_back(q.e2e_ms);
      if (q.tpot_ms > 0) tpot.push_back(q.tpot_ms);
      tokens += q.gen_tokens;
    }
    const double c = rep.rule.confidence;
    const SampleSummary st = Summarize(ttft, c), sp = Summarize(tpot, c), se = Summarize(e2e, c);
    out += fmt::format(
        "{:<8} rate {:.3g}/s for {:.3g} s: {} requests in {:.2f} s, {:.3g} req/s, {:.4g} out "
        "tok/s ({:.1f}% of roofline at mean batch {:.2f}); goodput {:.3g} req/s ({:.0f}% met "
        "TTFT <= {:.4g} ms and TPOT <= {:.4g} ms)\n",
        rep.models[i].role, r.options.rate_per_s, r.options.duration_s, r.requests.size(), r.wall_s,
        r.req_per_s(), r.out_tok_per_s(),
        PercentOfLimit(r.out_tok_per_s(), DecodeLimit(rep.limits, rep.models[i].work,
                                                      std::max(1.0, r.mean_decode_batch))),
        r.mean_decode_batch, r.goodput_req_per_s(), 100.0 * r.slo_attainment(),
        r.options.ttft_limit_ms, r.options.tpot_limit_ms);
    out += fmt::format("{:<8} TTFT ms {} (p99 {}), TPOT ms {} (p99 {}), E2E ms {}; energy {}\n", "",
                       S(st), P(st, &SampleSummary::p99), S(sp), P(sp, &SampleSummary::p99), S(se),
                       Energy(r.energy_j, tokens));
  }
}

void ColdText(const BenchReport& rep, std::string& out) {
  out += "cold vs warm start (page cache dropped with posix_fadvise before each cold start)\n";
  for (size_t i = 0; i < rep.cold.size(); ++i) {
    const ColdWarmResult& r = rep.cold[i];
    for (const auto* starts : {&r.cold, &r.warm}) {
      std::vector<double> load, first, total, res;
      for (const StartTiming& t : *starts) {
        load.push_back(t.load_ms);
        first.push_back(t.first_token_ms);
        total.push_back(t.total_ms);
        res.push_back(t.resident_before);
      }
      const double c = rep.rule.confidence;
      out += fmt::format(
          "{:<8} {:<5} n={}  load ms {}  first token ms {}  total ms {}  "
          "resident before {:.0f}%\n",
          rep.models[i].role, starts == &r.cold ? "cold" : "warm", load.size(),
          S(Summarize(load, c)), S(Summarize(first, c)), S(Summarize(total, c)),
          res.empty() ? 0.0 : 100.0 * Median(res));
    }
    if (!r.drop_effective) {
      out += fmt::format(
          "{:<8} note: the drop did not take (file still resident: tmpfs, or "
          "mapped by another process); cold equals warm here\n",
          "");
    }
  }
}

void MemoryText(const BenchReport& rep, std::string& out) {
  out += "peak memory (child process per model, VmHWM) split by accounting\n";
  for (size_t i = 0; i < rep.memory.size(); ++i) {
    const MemoryReport& r = rep.memory[i];
    constexpr double kMiB = 1.0 / (1 << 20);
    out += fmt::format(
        "{:<8} peak {:.1f} MiB (ru_maxrss {:.1f}) = baseline {:.1f} + weights {:.1f} + KV "
        "{:.1f} ({} seq x {} ctx, {} B/token) + scratch and other {:.1f}\n",
        rep.models[i].role, r.peak_rss_bytes * kMiB, r.child_maxrss_bytes * kMiB,
        r.baseline_rss_bytes * kMiB, r.weight_bytes * kMiB, r.kv_cache_bytes * kMiB, r.n_seq,
        r.n_ctx, r.kv_bytes_per_token, r.scratch_and_other_bytes() * kMiB);
  }
}

}  // namespace

Result<std::string> ScenariosText(const BenchReport& rep) {
  std::string out;
  out += fmt::format(
      "stop rule: {} warm-up, >= {} iterations and >= {:.3g} s, at most {} / "
      "{:.3g} s{}; energy {}\n\n",
      rep.rule.warmup_iters, rep.rule.min_iters, rep.rule.min_time_s, rep.rule.max_iters,
      rep.rule.max_time_s,
      rep.rule.ci_target > 0
          ? fmt::format(", until the P50 interval is within +-{:.3g}%", rep.rule.ci_target * 100)
          : "",
      rep.energy_status);
  if (!rep.single.empty()) {
    CRATIO_RETURN_IF_ERROR(SingleText(rep, out));
    out += "\n";
  }
  if (!rep.batch.empty()) {
    CRATIO_RETURN_IF_ERROR(BatchText(rep, out));
    out += "\n";
  }
  if (!rep.ladder.empty()) {
    CRATIO_RETURN_IF_ERROR(LadderText(rep, out));
    out += "\n";
  }
  if (!rep.server.empty()) {
    ServerText(rep, out);
    out += "\n";
  }
  if (!rep.cold.empty()) {
    ColdText(rep, out);
    out += "\n";
  }
  if (!rep.memory.empty()) MemoryText(rep, out);
  return out;
}

}  // namespace cratio
