// Analytic standard errors of means, proportions and ratios of sums.
#include "eval/stats/standard_error.h"

#include <cmath>
#include <limits>

#include "eval/kl_stats.h"

namespace cratio {

double MeanStdError(std::span<const double> x) {
  MomentAccumulator acc;
  for (double v : x) acc.Add(v);
  return acc.Finish().se;
}

double BinomialStdError(double p, int64_t n) {
  if (n < 2) return 0.0;
  return std::sqrt(std::max(0.0, p * (1.0 - p)) / static_cast<double>(n - 1));
}

RatioEstimate RatioOfSums(std::span<const double> a, std::span<const double> b) {
  double sum_a = 0.0, sum_b = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    sum_a += a[i];
    sum_b += b[i];
  }
  RatioEstimate r;
  if (sum_b == 0.0) {
    r.ratio = r.se = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  r.ratio = sum_a / sum_b;
  const int64_t n = static_cast<int64_t>(a.size());
  if (n < 2) return r;
  double ss = 0.0;  // Σ (a_i − R b_i)²: residuals of the ratio estimator
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = a[i] - r.ratio * b[i];
    ss += d * d;
  }
  const double mean_b = sum_b / static_cast<double>(n);
  r.se = std::sqrt(ss / (static_cast<double>(n) * static_cast<double>(n - 1))) /
         std::abs(mean_b);
  return r;
}

}  // namespace cratio
