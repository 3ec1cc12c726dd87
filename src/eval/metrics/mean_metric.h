// Shared prepared forms: a metric that is the mean of per-item scores (accuracy, exact
// match, token F1, ROUGE), and one that is a ratio of per-item sums (perplexity, bits per
// byte). Each metric file builds one of these from its own per-item rule.
#pragma once

#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"
#include "eval/metrics/metric.h"

namespace cratio {

// mean of scores[i] weighted by multiplicity; analytic SE = sample sd / sqrt(n)
// (lm-eval's mean_stderr; for 0/1 scores sqrt(p(1 − p)/(n − 1))).
class MeanPrepared final : public PreparedMetric {
 public:
  explicit MeanPrepared(std::vector<double> scores);
  int64_t num_items() const override { return static_cast<int64_t>(scores_.size()); }
  double Evaluate(std::span<const int32_t> weights) override;
  std::optional<double> AnalyticStdError() const override { return se_; }
  std::optional<std::span<const double>> PerItemScores() const override {
    return std::span<const double>(scores_);
  }

 private:
  std::vector<double> scores_;
  double se_ = 0.0;
};

// A MeanPrepared of score(item) over items that each carry at least one reference text
// (exact match, token F1, ROUGE); InvalidInput naming the metric and the item otherwise.
template <typename ScoreFn>
Result<std::unique_ptr<PreparedMetric>> PrepareReferenceMean(std::string_view metric,
                                                            std::span<const ItemResult> items,
                                                            ScoreFn score) {
  std::vector<double> scores;
  scores.reserve(items.size());
  for (const ItemResult& item : items) {
    if (item.references.empty()) {
      return InvalidInput("{}: item '{}' has no reference answer", metric, item.id);
    }
    scores.push_back(score(item));
  }
  return std::unique_ptr<PreparedMetric>(new MeanPrepared(std::move(scores)));
}

// transform(Σ w·num_i / Σ w·den_i), e.g. exp(NLL / tokens). The analytic SE is the
// delta method: |transform'(R)| · SE(R) with SE(R) from RatioOfSums.
class RatioPrepared final : public PreparedMetric {
 public:
  using Transform = double (*)(double);
  // derivative(R) = d transform / dR at R.
  RatioPrepared(std::vector<double> numerators, std::vector<double> denominators,
                Transform transform, Transform derivative);
  int64_t num_items() const override { return static_cast<int64_t>(num_.size()); }
  double Evaluate(std::span<const int32_t> weights) override;
  std::optional<double> AnalyticStdError() const override { return se_; }
  std::optional<std::span<const double>> PerItemScores() const override {
    return std::nullopt;
  }

 private:
  std::vector<double> num_, den_;
  Transform transform_;
  double se_ = 0.0;
};

}  // namespace cratio
