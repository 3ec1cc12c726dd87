// Bootstrap ratio of medians (see bootstrap.h).
#include "bench/bootstrap.h"

#include <algorithm>
#include <random>

#include "bench/percentile.h"
#include "bench/summary.h"

namespace cratio {

Result<RatioEstimate> BootstrapMedianRatio(const std::vector<double>& numerator,
                                           const std::vector<double>& denominator,
                                           const BootstrapOptions& options) {
  if (numerator.empty() || denominator.empty()) {
    return InvalidInput("bootstrap: empty series ({} numerator, {} denominator samples)",
                        numerator.size(), denominator.size());
  }
  if (options.num_resamples < 10 || !(options.confidence > 0 && options.confidence < 1)) {
    return InvalidInput("bootstrap: {} resamples at confidence {} (need >= 10, in (0, 1))",
                        options.num_resamples, options.confidence);
  }
  const double med_num = Median(numerator), med_den = Median(denominator);
  if (!(med_num > 0) || !(med_den > 0)) {
    return InvalidInput("bootstrap: medians must be > 0 (numerator {}, denominator {})", med_num,
                        med_den);
  }
  RatioEstimate r;
  r.ratio = med_num / med_den;
  r.confidence = options.confidence;
  r.num_resamples = options.num_resamples;
  r.paired = options.paired && numerator.size() == denominator.size();
  r.num_samples = static_cast<int64_t>(std::min(numerator.size(), denominator.size()));

  std::mt19937_64 rng(options.seed);
  const size_t nn = numerator.size(), nd = denominator.size();
  std::uniform_int_distribution<size_t> pick_num(0, nn - 1), pick_den(0, nd - 1);
  std::vector<double> a(nn), b(nd), ratios;
  ratios.reserve(options.num_resamples);
  for (int i = 0; i < options.num_resamples; ++i) {
    if (r.paired) {
      for (size_t k = 0; k < nn; ++k) {
        const size_t j = pick_num(rng);
        a[k] = numerator[j];
        b[k] = denominator[j];
      }
    } else {
      for (size_t k = 0; k < nn; ++k) a[k] = numerator[pick_num(rng)];
      for (size_t k = 0; k < nd; ++k) b[k] = denominator[pick_den(rng)];
    }
    const double mb = Median(b);
    if (mb > 0) ratios.push_back(Median(a) / mb);
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = 0.5 * (1.0 - options.confidence);
  r.ci_low = QuantileOfSorted(ratios, tail);
  r.ci_high = QuantileOfSorted(ratios, 1.0 - tail);
  return r;
}

SpeedupVerdict Classify(const RatioEstimate& speedup) {
  if (speedup.num_samples < kMinSamplesForVerdict) return SpeedupVerdict::kInsufficientData;
  if (speedup.ci_high < 1.0) return SpeedupVerdict::kSlower;
  if (speedup.ci_low > 1.0) return SpeedupVerdict::kFaster;
  return SpeedupVerdict::kNoDifference;
}

const char* VerdictName(SpeedupVerdict v) {
  switch (v) {
    case SpeedupVerdict::kSlower:
      return "slower";
    case SpeedupVerdict::kNoDifference:
      return "no_difference";
    case SpeedupVerdict::kFaster:
      return "faster";
    case SpeedupVerdict::kInsufficientData:
      return "insufficient_data";
  }
  return "?";
}

std::vector<size_t> SlowerPoints(const std::vector<RatioEstimate>& speedups) {
  std::vector<size_t> out;
  for (size_t i = 0; i < speedups.size(); ++i) {
    if (Classify(speedups[i]) == SpeedupVerdict::kSlower) out.push_back(i);
  }
  return out;
}

}  // namespace cratio
