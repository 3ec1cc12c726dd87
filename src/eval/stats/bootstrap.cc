// Multinomial resample weights, percentile intervals and bootstrap SEs.
#include "eval/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "eval/kl_stats.h"

namespace cratio {

void DrawResampleCounts(SplitMix64& rng, std::span<int32_t> counts) {
  std::fill(counts.begin(), counts.end(), 0);
  const uint64_t n = counts.size();
  for (uint64_t i = 0; i < n; ++i) ++counts[rng.Below(n)];
}

Interval PercentileInterval(std::vector<double>& replicates, double confidence) {
  const auto not_finite = [](double x) { return !std::isfinite(x); };
  replicates.erase(std::remove_if(replicates.begin(), replicates.end(), not_finite),
                   replicates.end());
  if (replicates.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  std::sort(replicates.begin(), replicates.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {PercentileOfSorted(replicates, tail), PercentileOfSorted(replicates, 1.0 - tail)};
}

double BootstrapStdError(std::span<const double> replicates) {
  MomentAccumulator acc;
  for (double r : replicates) {
    if (std::isfinite(r)) acc.Add(r);
  }
  if (acc.count() < 2) return std::numeric_limits<double>::quiet_NaN();
  // MomentAccumulator's SE is sd / sqrt(n); the bootstrap SE is the sd itself.
  return acc.Finish().se * std::sqrt(static_cast<double>(acc.count()));
}

double BootstrapTwoSidedP(std::span<const double> replicates) {
  int64_t n = 0, at_or_below = 0, at_or_above = 0;
  for (double r : replicates) {
    if (!std::isfinite(r)) continue;
    ++n;
    if (r <= 0.0) ++at_or_below;
    if (r >= 0.0) ++at_or_above;
  }
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double tail = static_cast<double>(std::min(at_or_below, at_or_above)) / n;
  return std::min(1.0, 2.0 * tail);
}

}  // namespace cratio
