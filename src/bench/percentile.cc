// Order-statistic quantile intervals (see percentile.h).
#include "bench/percentile.h"

#include <cmath>
#include <limits>

#include "base/check.h"

namespace cratio {

double QuantileEstimate::half_width() const {
  if (!bounded()) return std::numeric_limits<double>::infinity();
  return 0.5 * (ci_high - ci_low);
}

std::vector<double> BinomialCdf(int64_t n, double p) {
  std::vector<double> cdf(static_cast<size_t>(n + 1), 0.0);
  if (p <= 0.0) {
    for (double& c : cdf) c = 1.0;
    return cdf;
  }
  if (p >= 1.0) {
    cdf[n] = 1.0;
    return cdf;
  }
  const double lp = std::log(p), lq = std::log1p(-p);
  const double lgn = std::lgamma(static_cast<double>(n) + 1.0);
  double sum = 0.0;
  for (int64_t k = 0; k <= n; ++k) {
    const double kd = static_cast<double>(k);
    const double log_pmf =
        lgn - std::lgamma(kd + 1.0) - std::lgamma(n - kd + 1.0) + kd * lp + (n - kd) * lq;
    sum += std::exp(log_pmf);
    cdf[k] = std::min(sum, 1.0);
  }
  return cdf;
}

double QuantileOfSorted(const std::vector<double>& sorted, double q) {
  CRATIO_CHECK(!sorted.empty());
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

QuantileEstimate EstimateQuantile(const std::vector<double>& sorted, double q, double confidence) {
  CRATIO_CHECK(!sorted.empty() && q > 0.0 && q < 1.0);
  CRATIO_CHECK(confidence > 0.0 && confidence < 1.0);
  const auto n = static_cast<int64_t>(sorted.size());
  const double tail = 0.5 * (1.0 - confidence);
  const std::vector<double> cdf = BinomialCdf(n, q);
  // F(k) with F(-1) = 0.
  auto F = [&](int64_t k) { return k < 0 ? 0.0 : cdf[std::min(k, n)]; };

  QuantileEstimate e;
  e.q = q;
  e.value = QuantileOfSorted(sorted, q);
  // Lower: the largest rank l >= 1 with P(B <= l - 1) <= tail.
  e.rank_low = 0;
  for (int64_t l = 1; l <= n && F(l - 1) <= tail; ++l) e.rank_low = l;
  // Upper: the smallest rank u <= n with P(B <= u - 1) >= 1 - tail.
  e.rank_high = n + 1;
  for (int64_t u = n; u >= 1 && F(u - 1) >= 1.0 - tail; --u) e.rank_high = u;
  e.low_bounded = e.rank_low >= 1;
  e.high_bounded = e.rank_high <= n;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  e.ci_low = e.low_bounded ? sorted[e.rank_low - 1] : -kInf;
  e.ci_high = e.high_bounded ? sorted[e.rank_high - 1] : kInf;
  e.coverage = F(e.rank_high - 1) - F(e.rank_low - 1);
  return e;
}

}  // namespace cratio
