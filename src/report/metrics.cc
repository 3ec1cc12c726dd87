// Names every figure of a variant's result for constraint checking.
#include "report/metrics.h"

#include <cmath>
#include <string>

namespace cratio::report {
namespace {

void PutLatency(compare::MetricMap& m, const std::string& prefix, const std::string& infix,
                const ScenarioPerformance& s) {
  const LatencySummary& l = s.variant;
  m["latency." + infix + "p50_ms"] = compare::ExactEstimate(l.latency_p50_ms);
  m["latency." + infix + "p90_ms"] = compare::ExactEstimate(l.latency_p90_ms);
  m["latency." + infix + "p99_ms"] = compare::ExactEstimate(l.latency_p99_ms);
  m["latency." + infix + "ttft_p50_ms"] = compare::ExactEstimate(l.ttft_p50_ms);
  m["latency." + infix + "ttft_p99_ms"] = compare::ExactEstimate(l.ttft_p99_ms);
  m["throughput." + infix + "tokens_per_s"] = compare::ExactEstimate(l.tokens_per_s);
  m["speedup" + prefix] = s.speedup;
}

}  // namespace

compare::MetricMap VariantMetrics(const VariantResult& v) {
  compare::MetricMap m;
  for (const TaskQuality& t : v.tasks) {
    m["retention." + t.task] = t.retention;
    m["quality." + t.task] = compare::NormalEstimate(t.variant.value, t.variant.se);
    m["agreement." + t.task] = compare::ExactEstimate(t.agreement);
  }
  m["retention.overall"] = v.overall_retention;
  if (v.perplexity) {
    const PerplexityComparison& p = *v.perplexity;
    const Estimate& r = p.ppl_ratio;
    // PPL retention = base PPL / variant PPL = 1 / ratio; the interval inverts.
    m["retention.ppl"] = Estimate{1.0 / r.value, 1.0 / r.ci_high, 1.0 / r.ci_low};
    m["ppl.ratio"] = r;
    m["kl.mean_nats"] = compare::NormalEstimate(p.kl_nats.value, p.kl_nats.se);
    m["agreement.top1"] = compare::NormalEstimate(p.top1_agreement.value, p.top1_agreement.se);
  }
  for (size_t i = 0; i < v.scenarios.size(); ++i) {
    const ScenarioPerformance& s = v.scenarios[i];
    if (i == 0) PutLatency(m, "", "", s);
    PutLatency(m, "." + s.scenario, s.scenario + ".", s);
  }
  const double peak = !std::isnan(v.resources.peak_rss_bytes)
                          ? v.resources.peak_rss_bytes
                          : v.model.accounting.peak_memory_bytes;
  m["memory.peak_mb"] = compare::ExactEstimate(peak / kBytesPerMb);
  m["memory.kv_bytes_per_token"] = compare::ExactEstimate(v.resources.kv_bytes_per_token);
  m["energy.j"] = compare::ExactEstimate(v.resources.energy_j);
  m["size.file_mb"] = compare::ExactEstimate(v.model.accounting.file_bytes / kBytesPerMb);
  m["size.bits_per_weight"] = compare::ExactEstimate(v.model.accounting.bits_per_weight);
  m["params.total"] = compare::ExactEstimate(v.model.accounting.params_total);
  m["params.nonzero"] = compare::ExactEstimate(v.model.accounting.params_nonzero);
  for (const compare::DimensionRatio& r : v.ratios) {
    const std::string key(compare::SizeDimensionKey(r.dimension));
    m["ratio." + key] = compare::ExactEstimate(r.ratio);
    m["factor." + key] = compare::ExactEstimate(r.factor);
  }
  for (const EfficiencyEntry& e : v.efficiency) m["efficiency." + e.dimension] = e.score;
  m["score.overall"] = v.overall_score;
  return m;
}

}  // namespace cratio::report
