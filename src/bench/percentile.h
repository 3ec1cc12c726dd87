// Sample quantiles with distribution-free confidence intervals from order statistics:
// the number of samples below the true q-quantile is Binomial(n, q), so the interval
// [x_(l), x_(u)] covers it with probability F(u-1) - F(l-1) (F the binomial CDF) for any
// continuous distribution. Ranks are chosen so each tail has at most (1 - confidence) / 2.
#pragma once

#include <cstdint>
#include <vector>

namespace cratio {

struct QuantileEstimate {
  double q = 0.0;      // 0.5 for P50
  double value = 0.0;  // linear interpolation between order statistics (type 7)
  // Interval ends; when too few samples exist for a side (e.g. P99 of 50 samples) that
  // side is unbounded: the flag is false and the value is -inf / +inf.
  double ci_low = 0.0;
  double ci_high = 0.0;
  bool low_bounded = false;
  bool high_bounded = false;
  int64_t rank_low = 0;   // 1-based order statistic of ci_low; 0 when unbounded
  int64_t rank_high = 0;  // 1-based order statistic of ci_high; n + 1 when unbounded
  double coverage = 0.0;  // exact coverage probability of the interval (>= confidence
                          // when both sides are bounded)
  bool bounded() const { return low_bounded && high_bounded; }
  // (ci_high - ci_low) / 2; +inf when unbounded.
  double half_width() const;
};

// P(B <= k) for B ~ Binomial(n, p), for k in [0, n]: cdf[k]. Computed in log space, so
// n may be large (1e6) without overflow.
std::vector<double> BinomialCdf(int64_t n, double p);

// Quantile q in (0, 1) of `sorted` (ascending, non-empty) with a two-sided interval at
// `confidence` in (0, 1).
QuantileEstimate EstimateQuantile(const std::vector<double>& sorted, double q,
                                  double confidence = 0.95);

// Type-7 (linear interpolation) quantile of `sorted`, which must be non-empty.
double QuantileOfSorted(const std::vector<double>& sorted, double q);

}  // namespace cratio
