// Bootstrap building blocks shared by the metrics' standard errors and the paired
// comparison: multinomial resample weights, percentile intervals and bootstrap SEs.
// A resample is expressed as per-item multiplicities (how often each item was drawn), so
// a metric evaluates a resample in one pass over a reused buffer: no per-resample
// allocation.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "eval/stats/rng.h"

namespace cratio {

// The seed used when a caller does not choose one; every bootstrap in cratio is seeded.
inline constexpr uint64_t kDefaultBootstrapSeed = 20250101;
// Resamples for a bootstrap standard error and for a paired-bootstrap interval.
inline constexpr int32_t kDefaultSeResamples = 1000;
inline constexpr int32_t kDefaultCiResamples = 2000;

// A two-sided interval [low, high] for an estimate.
struct Interval {
  double low = 0.0;
  double high = 0.0;
  bool Contains(double x) const { return low <= x && x <= high; }
};

// Fills counts[n] (n = counts.size()) with the multiplicities of one bootstrap resample:
// n draws with replacement from n items, so Σ counts = n. Overwrites counts.
void DrawResampleCounts(SplitMix64& rng, std::span<int32_t> counts);

// The percentile interval of bootstrap replicates at `confidence` (e.g. 0.95 → the 2.5 %
// and 97.5 % points, linear interpolation between order statistics as numpy does).
// Non-finite replicates (a resample where the statistic is undefined, e.g. a ratio over
// a zero base) are dropped first; all non-finite → {NaN, NaN}. Sorts `replicates`.
Interval PercentileInterval(std::vector<double>& replicates, double confidence);

// Sample standard deviation (n − 1) of the finite replicates: the bootstrap SE. NaN when
// fewer than 2 replicates are finite.
double BootstrapStdError(std::span<const double> replicates);

// Two-sided bootstrap p-value for "the statistic is 0": 2 · min(P(rep ≤ 0), P(rep ≥ 0))
// over the finite replicates, capped at 1. A plain percentile-test, used only where no
// exact test applies (non-binary per-slice differences).
double BootstrapTwoSidedP(std::span<const double> replicates);

}  // namespace cratio
