// Speedup as a ratio of medians with a percentile-bootstrap confidence interval, and the
// flag for a variant that is slower than its base. With interleaved (A B A B) series of
// equal length the pairs are resampled together, so drift that hit both members of a
// pair stays paired.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace cratio {

struct BootstrapOptions {
  int num_resamples = 2000;
  double confidence = 0.95;
  uint64_t seed = 20240601;
  // Resample (numerator[i], denominator[i]) pairs together; needs equal lengths.
  bool paired = true;
};

struct RatioEstimate {
  double ratio = 0.0;   // median(numerator) / median(denominator)
  double ci_low = 0.0;  // percentile-bootstrap interval of the same statistic
  double ci_high = 0.0;
  double confidence = 0.0;
  int num_resamples = 0;
  bool paired = false;      // true when pairs were resampled together
  int64_t num_samples = 0;  // the smaller of the two series' lengths
};

// Fewer samples than this per series give no verdict: a bootstrap of 1 to 4 values has a
// degenerate interval (one pair resampled is always the same ratio).
inline constexpr int64_t kMinSamplesForVerdict = 5;

// median(numerator) / median(denominator). For a speedup pass (base time, variant time)
// or (variant rate, base rate): > 1 means the variant is faster. InvalidInput when a
// series is empty, a median is <= 0, or the options are out of range.
Result<RatioEstimate> BootstrapMedianRatio(const std::vector<double>& numerator,
                                           const std::vector<double>& denominator,
                                           const BootstrapOptions& options = {});

// How a speedup compares with 1 at its confidence level.
enum class SpeedupVerdict { kSlower, kNoDifference, kFaster, kInsufficientData };
// kSlower when the whole interval is below 1, kFaster when it is above 1; kInsufficientData
// below kMinSamplesForVerdict samples.
SpeedupVerdict Classify(const RatioEstimate& speedup);
// "slower", "no_difference", "faster", "insufficient_data".
const char* VerdictName(SpeedupVerdict v);

// Indices of the grid points whose speedup interval lies entirely below 1.
std::vector<size_t> SlowerPoints(const std::vector<RatioEstimate>& speedups);

}  // namespace cratio
