// Benchmarks for eval.
#include "pipeline/measure_performance.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/thread_pool.h"
#include "bench/energy.h"
#include "bench/scenario_memory.h"
#include "bench/scenario_single.h"
#include "model/loaded_model.h"
#include "model/session.h"

namespace cratio::pipeline {
namespace {

using nlohmann::json;

double NumOf(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : compare::kNaN;
}

report::LatencySummary Latency(const RequestSeries& s) {
  const RequestStats st = SummarizeRequests(s, 0.95);
  report::LatencySummary l;
  l.num_samples = st.num_requests;
  l.latency_p50_ms = st.e2e_ms.p50.value;
  l.latency_p90_ms = st.e2e_ms.p90.value;
  l.latency_p99_ms = st.e2e_ms.p99.value;
  l.ttft_p50_ms = st.ttft_ms.p50.value;
  l.ttft_p99_ms = st.ttft_ms.p99.value;
  l.tokens_per_s = st.decode_tok_per_s > 0 ? st.decode_tok_per_s : compare::kNaN;
  return l;
}

}  // namespace

Result<ModelMemory> MeasureModelMemory(EvalContext& ctx, const std::string& name,
                                       const std::string& path) {
  const BenchSettings& b = ctx.plan().bench;
  CRATIO_ASSIGN_OR_RETURN(const std::string text,
                          ctx.Unit("memory/" + name, [&]() -> Result<std::string> {
    ctx.Log(fmt::format("memory: {} (peak RSS in a child process)", name));
    MemoryOptions mo;
    mo.prompt_tokens = b.prompt_tokens;
    mo.gen_tokens = b.gen_tokens;
    mo.n_ctx = b.prompt_tokens + b.gen_tokens - 1;
    mo.threads = ctx.plan().threads;
    auto r = MeasureMemoryInChild(path, mo);
    if (!r.ok()) return r.status().WithPrefix(fmt::format("memory of {}", name));
    return json{{"peak_rss_bytes", static_cast<double>(r->peak_rss_bytes)},
                {"kv_bytes_per_token", static_cast<double>(r->kv_bytes_per_token)}}
        .dump();
  }));
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return InvalidInput("checkpoint memory/{}: not a JSON object", name);
  return ModelMemory{NumOf(j, "peak_rss_bytes"), NumOf(j, "kv_bytes_per_token")};
}

Result<SpeedComparison> MeasureSpeed(EvalContext& ctx, const std::string& name,
                                     const std::string& path) {
  const EvalPlan& plan = ctx.plan();
  const BenchSettings& b = plan.bench;
  const std::string unit = "bench/" + name;
  CRATIO_ASSIGN_OR_RETURN(const std::string text, ctx.Unit(unit, [&]() -> Result<std::string> {
    ctx.Log(fmt::format("bench: {} against the base, p{} g{}, interleaved", name,
                        b.prompt_tokens, b.gen_tokens));
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> variant, LoadModel(path, false));
    CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> base, LoadModel(plan.base_path, false));
    ThreadPool pool(plan.threads);
    SessionOptions so;
    so.pool = &pool;
    so.n_ctx = b.prompt_tokens + b.gen_tokens - 1;
    so.max_batch = std::min<int64_t>(512, so.n_ctx);
    so.max_logits = 1;
    auto vs = Session::Create(variant->weights, so);
    if (!vs.ok()) return vs.status().WithPrefix(path);
    auto bs = Session::Create(base->weights, so);
    if (!bs.ok()) return bs.status().WithPrefix(plan.base_path);
    StopRule rule;
    rule.warmup_iters = 1;
    rule.min_iters = b.min_iters;
    rule.min_time_s = b.min_time_s;
    rule.max_time_s = b.max_time_s;
    EnergyMeter meter = EnergyMeter::Open();
    const LengthRange p{b.prompt_tokens, b.prompt_tokens}, g{b.gen_tokens, b.gen_tokens};
    CRATIO_ASSIGN_OR_RETURN(const SinglePointResult r,
                            RunSinglePoint({vs->get(), bs->get()}, p, g, rule, b.seed, &meter));
    CRATIO_ASSIGN_OR_RETURN(const RequestSpeedups sp,
                            CompareRequests(r.variant, *r.base, BootstrapOptions{}));
    report::VariantResult holder;
    report::ScenarioPerformance s;
    s.scenario = PointLabel(r);
    s.variant = Latency(r.variant);
    s.base = Latency(*r.base);
    s.speedup = compare::Estimate{sp.e2e.ratio, sp.e2e.ci_low, sp.e2e.ci_high};
    if (Classify(sp.e2e) == SpeedupVerdict::kSlower) s.slower_regions.push_back(s.scenario);
    holder.scenarios.push_back(std::move(s));
    holder.resources.energy_j = r.variant.energy_j.value_or(compare::kNaN);
    if (!meter.available()) {
      std::string why = meter.unavailable_reason();
      if (why.rfind("unavailable: ", 0) == 0) why.erase(0, 13);  // the report adds it
      holder.resources.energy_unavailable_reason = why;
    }
    return report::VariantResultToJson(holder).dump();
  }));
  const json j = json::parse(text, nullptr, false);
  CRATIO_ASSIGN_OR_RETURN(const report::VariantResult v, report::VariantResultFromJson(j, unit));
  if (v.scenarios.empty()) return InvalidInput("checkpoint {}: no benchmark stored", unit);
  SpeedComparison out;
  out.scenario = v.scenarios.front();
  out.variant_energy_j = v.resources.energy_j;
  out.energy_unavailable_reason = v.resources.energy_unavailable_reason;
  return out;
}

}  // namespace cratio::pipeline
