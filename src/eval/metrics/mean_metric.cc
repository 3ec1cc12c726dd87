// The mean-of-scores and ratio-of-sums prepared metrics.
#include "eval/metrics/mean_metric.h"

#include <limits>

#include "eval/stats/standard_error.h"

namespace cratio {

MeanPrepared::MeanPrepared(std::vector<double> scores)
    : scores_(std::move(scores)), se_(MeanStdError(scores_)) {}

double MeanPrepared::Evaluate(std::span<const int32_t> weights) {
  double sum = 0.0;
  int64_t count = 0;
  for (size_t i = 0; i < scores_.size(); ++i) {
    sum += weights[i] * scores_[i];
    count += weights[i];
  }
  if (count == 0) return std::numeric_limits<double>::quiet_NaN();
  return sum / static_cast<double>(count);
}

RatioPrepared::RatioPrepared(std::vector<double> numerators, std::vector<double> denominators,
                             Transform transform, Transform derivative)
    : num_(std::move(numerators)), den_(std::move(denominators)), transform_(transform) {
  const RatioEstimate r = RatioOfSums(num_, den_);
  se_ = std::abs(derivative(r.ratio)) * r.se;
}

double RatioPrepared::Evaluate(std::span<const int32_t> weights) {
  double sum_num = 0.0, sum_den = 0.0;
  for (size_t i = 0; i < num_.size(); ++i) {
    sum_num += weights[i] * num_[i];
    sum_den += weights[i] * den_[i];
  }
  if (sum_den == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return transform_(sum_num / sum_den);
}

}  // namespace cratio
