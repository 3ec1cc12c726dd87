// ComputeMetric (point estimate + analytic or bootstrap SE) and the helpers the metric
// files share.
#include "eval/metrics/metric.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <fmt/format.h>

#include "eval/stats/rng.h"

namespace cratio {

std::vector<std::string> MetricNames() {
  std::vector<std::string> names;
  for (const Metric* m : AllMetrics()) names.emplace_back(m->name());
  return names;
}

const Metric* FindMetric(std::string_view name) {
  for (const Metric* m : AllMetrics()) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

Result<MetricValue> ComputeMetric(std::string_view name, std::span<const ItemResult> items,
                                  const MetricOptions& options) {
  const Metric* metric = FindMetric(name);
  if (metric == nullptr) {
    return InvalidInput("unknown metric '{}' (known: {})", name,
                        fmt::join(MetricNames(), ", "));
  }
  if (items.empty()) return InvalidInput("metric '{}': no items to score", name);
  if (options.num_resamples < 2) {
    return InvalidInput("metric '{}': num_resamples must be >= 2, got {}", name,
                        options.num_resamples);
  }
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<PreparedMetric> prepared, metric->Prepare(items));
  return SummarizePrepared(name, *prepared, options);
}

MetricValue SummarizePrepared(std::string_view name, PreparedMetric& prepared,
                              const MetricOptions& options) {
  const size_t n = static_cast<size_t>(prepared.num_items());
  std::vector<int32_t> weights(n, 1);
  MetricValue out;
  out.name = std::string(name);
  out.n = static_cast<int64_t>(n);
  out.value = prepared.Evaluate(weights);
  const std::optional<double> se = prepared.AnalyticStdError();
  out.se_method = se ? "analytic" : "bootstrap";
  if (n < 2) {  // one item has no spread to measure: the SE is undefined, not 0
    out.se = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  if (se) {
    out.se = *se;
    return out;
  }
  SplitMix64 rng(options.seed);
  std::vector<double> replicates(std::max(options.num_resamples, 2));
  for (double& r : replicates) {
    DrawResampleCounts(rng, weights);
    r = prepared.Evaluate(weights);
  }
  out.se = BootstrapStdError(replicates);
  return out;
}

Result<std::vector<MetricValue>> ComputeMetrics(std::span<const std::string> names,
                                                std::span<const ItemResult> items,
                                                const MetricOptions& options) {
  std::vector<MetricValue> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    CRATIO_ASSIGN_OR_RETURN(MetricValue v, ComputeMetric(name, items, options));
    out.push_back(std::move(v));
  }
  return out;
}

int32_t PredictedChoice(const ItemResult& item) {
  if (item.pred >= 0) return item.pred;
  int32_t best = -1;
  for (size_t i = 0; i < item.choice_logprob.size(); ++i) {
    if (best < 0 || item.choice_logprob[i] > item.choice_logprob[best]) {
      best = static_cast<int32_t>(i);
    }
  }
  return best;
}

std::optional<bool> ItemCorrectness(const ItemResult& item) {
  if (item.gold >= 0) {
    const int32_t pred = PredictedChoice(item);
    if (pred >= 0) return pred == item.gold;
  }
  if (item.correct == 0 || item.correct == 1) return item.correct == 1;
  return std::nullopt;
}

std::string_view PredictionText(const ItemResult& item) {
  return item.extracted.empty() ? std::string_view(item.generated)
                                : std::string_view(item.extracted);
}

void ChoiceProbabilities(const ItemResult& item, std::vector<double>& probs) {
  const std::vector<double>& lp = item.choice_logprob;
  probs.resize(lp.size());
  if (lp.empty()) return;
  double max_lp = lp[0];
  for (double v : lp) max_lp = std::max(max_lp, v);
  double sum = 0.0;
  for (size_t i = 0; i < lp.size(); ++i) {
    probs[i] = std::exp(lp[i] - max_lp);
    sum += probs[i];
  }
  for (double& p : probs) p /= sum;
}

}  // namespace cratio
