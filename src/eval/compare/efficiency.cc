// Efficiency scores with propagated 95 % intervals.
#include "eval/compare/efficiency.h"

#include <cmath>

namespace cratio::compare {
namespace {

// SE of ln(x) implied by x's 95 % interval; 0 when exact or not log-able.
double LogStdError(const Estimate& e) {
  if (!e.has_ci() || e.ci_low <= 0 || e.ci_high <= 0) return 0.0;
  return (std::log(e.ci_high) - std::log(e.ci_low)) / (2.0 * kZ95);
}

bool UsableRatio(const Estimate& r) { return r.known() && r.value > 0 && std::isfinite(r.value); }

}  // namespace

Estimate EfficiencyScore(const Estimate& retention, double ratio) {
  if (!retention.known() || std::isnan(ratio) || ratio <= 0) return Estimate{};
  Estimate s{retention.value / ratio, kNaN, kNaN};
  if (retention.has_ci()) {
    s.ci_low = retention.ci_low / ratio;
    s.ci_high = retention.ci_high / ratio;
  }
  return s;
}

Estimate EfficiencyScoreUncertainRatio(const Estimate& retention, const Estimate& ratio) {
  if (!UsableRatio(ratio)) return Estimate{};
  if (!ratio.has_ci()) return EfficiencyScore(retention, ratio.value);
  if (!retention.known()) return Estimate{};
  const double score = retention.value / ratio.value;
  const double se_r = ImpliedStdError(retention);
  const double se_log_ratio = LogStdError(ratio);
  const double var = se_r * se_r / (ratio.value * ratio.value) +
                     score * score * se_log_ratio * se_log_ratio;
  return NormalEstimate(score, std::sqrt(var));
}

Estimate CombinedRetention(const std::vector<Estimate>& retentions) {
  double sum = 0.0, var_sum = 0.0;
  int k = 0;
  bool any_ci = false;
  for (const Estimate& r : retentions) {
    if (!r.known()) continue;
    sum += r.value;
    const double se = ImpliedStdError(r);
    var_sum += se * se;
    any_ci = any_ci || r.has_ci();
    ++k;
  }
  if (k == 0) return Estimate{};
  const double mean = sum / k;
  if (!any_ci) return ExactEstimate(mean);
  return NormalEstimate(mean, std::sqrt(var_sum) / k);
}

Estimate OverallScore(const Estimate& retention, const std::vector<Estimate>& resource_ratios) {
  if (!retention.known()) return Estimate{};
  double log_sum = 0.0, log_var_sum = 0.0;
  int k = 0;
  for (const Estimate& r : resource_ratios) {
    if (!UsableRatio(r)) continue;
    log_sum += std::log(r.value);
    const double se = LogStdError(r);
    log_var_sum += se * se;
    ++k;
  }
  if (k == 0) return Estimate{};
  const double g = std::exp(log_sum / k);
  const double score = retention.value / g;
  if (!retention.has_ci() && log_var_sum == 0.0) return ExactEstimate(score);
  const double se_r = ImpliedStdError(retention);
  const double var = se_r * se_r / (g * g) + score * score * log_var_sum / (double(k) * k);
  return NormalEstimate(score, std::sqrt(var));
}

}  // namespace cratio::compare
