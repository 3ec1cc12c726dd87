// Assembles the comparisons of a result from its measurements.
#include "report/finalize.h"

#include <fmt/format.h>

#include "eval/compare/efficiency.h"
#include "eval/compare/pareto.h"
#include "eval/compare/ratios.h"
#include "report/metrics.h"

namespace cratio::report {
namespace {

// latency ratio = 1 / speedup; the interval inverts.
Estimate LatencyRatio(const VariantResult& v) {
  if (v.scenarios.empty()) return Estimate{};
  const Estimate& s = v.scenarios.front().speedup;
  if (!s.known() || s.value <= 0) return Estimate{};
  Estimate r{1.0 / s.value, compare::kNaN, compare::kNaN};
  if (s.has_ci() && s.ci_low > 0) {
    r.ci_low = 1.0 / s.ci_high;
    r.ci_high = 1.0 / s.ci_low;
  }
  return r;
}

double RatioOfDimension(const VariantResult& v, compare::SizeDimension d) {
  for (const compare::DimensionRatio& r : v.ratios) {
    if (r.dimension == d) return r.ratio;
  }
  return compare::kNaN;
}

Estimate RetentionFor(const VariantResult& v) {
  std::vector<Estimate> task_retentions;
  for (const TaskQuality& t : v.tasks) task_retentions.push_back(t.retention);
  Estimate r = compare::CombinedRetention(task_retentions);
  if (r.known() || !v.perplexity) return r;
  // No task scored: PPL retention = base PPL / variant PPL.
  const Estimate& p = v.perplexity->ppl_ratio;
  if (!p.known() || p.value <= 0) return r;
  r = Estimate{1.0 / p.value, compare::kNaN, compare::kNaN};
  if (p.has_ci() && p.ci_low > 0) {
    r.ci_low = 1.0 / p.ci_high;
    r.ci_high = 1.0 / p.ci_low;
  }
  return r;
}

double FirstLatencyMs(const LatencySummary& l) { return l.latency_p50_ms; }

}  // namespace

std::vector<Estimate> OverallScoreRatios(const VariantResult& v) {
  return {compare::ExactEstimate(RatioOfDimension(v, compare::SizeDimension::kFileBytes)),
          compare::ExactEstimate(RatioOfDimension(v, compare::SizeDimension::kPeakMemory)),
          LatencyRatio(v)};
}

Status FinalizeComparisons(EvalResult* r, const std::vector<compare::Constraint>& constraints,
                           std::string_view requirements_text) {
  std::vector<compare::ParetoPoint> points;
  const double base_latency = r->variants.empty() || r->variants[0].scenarios.empty()
                                  ? compare::kNaN
                                  : FirstLatencyMs(r->variants[0].scenarios[0].base);
  points.push_back({1.0, 1.0, base_latency});
  std::vector<compare::Candidate> candidates;
  for (VariantResult& v : r->variants) {
    v.ratios = compare::CompressionRatios(r->base.accounting, v.model.accounting);
    v.overall_retention = RetentionFor(v);
    v.efficiency.clear();
    for (const compare::DimensionRatio& d : v.ratios) {
      const Estimate s = compare::EfficiencyScore(v.overall_retention, d.ratio);
      if (s.known()) {
        v.efficiency.push_back({std::string(compare::SizeDimensionKey(d.dimension)), d.ratio, s});
      }
    }
    const Estimate lat = LatencyRatio(v);
    const Estimate lat_score = compare::EfficiencyScoreUncertainRatio(v.overall_retention, lat);
    if (lat_score.known()) v.efficiency.push_back({"latency", lat.value, lat_score});
    v.overall_score = compare::OverallScore(v.overall_retention, OverallScoreRatios(v));
    points.push_back({v.overall_retention.value,
                      RatioOfDimension(v, compare::SizeDimension::kFileBytes),
                      v.scenarios.empty() ? compare::kNaN : FirstLatencyMs(v.scenarios[0].variant)});
    v.constraints = compare::CheckConstraints(constraints, VariantMetrics(v));
    v.passes_all_constraints = compare::AllPass(v.constraints);
    candidates.push_back({v.model.name, v.overall_score.value, v.constraints});
  }
  const std::vector<bool> front = compare::ParetoFront(points);
  r->verdict.base_on_pareto_front = front[0];
  for (size_t i = 0; i < r->variants.size(); ++i) r->variants[i].on_pareto_front = front[i + 1];

  r->verdict.requirements = std::string(requirements_text);
  const Result<size_t> best = compare::BestPassing(candidates);
  r->verdict.constraint_failed = !best.ok() && !constraints.empty();
  if (best.ok()) {
    const VariantResult& b = r->variants[*best];
    r->verdict.best_variant = b.model.name;
    r->verdict.summary =
        constraints.empty()
            ? fmt::format("highest overall score: {} ({:.2f})", b.model.name, b.overall_score.value)
            : fmt::format("best variant passing all {} requirements: {} (overall score {:.2f})",
                          constraints.size(), b.model.name, b.overall_score.value);
    return Status::Ok();
  }
  r->verdict.best_variant.clear();
  r->verdict.summary = r->variants.empty() ? "no variants" : best.status().message();
  return constraints.empty() ? Status::Ok() : best.status();
}

}  // namespace cratio::report
