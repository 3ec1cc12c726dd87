// Adaptive stopping (see stop_rule.h).
#include "bench/stop_rule.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bench/percentile.h"

namespace cratio {

const char* StopReasonName(StopReason r) {
  switch (r) {
    case StopReason::kContinue:
      return "continue";
    case StopReason::kMinimumMet:
      return "minimum_met";
    case StopReason::kCiTarget:
      return "ci_target";
    case StopReason::kMaxIters:
      return "max_iters";
    case StopReason::kMaxTime:
      return "max_time";
  }
  return "?";
}

double RelativeMedianHalfWidth(const std::vector<double>& samples, double confidence) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (samples.empty()) return kInf;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  const QuantileEstimate e = EstimateQuantile(sorted, 0.5, confidence);
  if (!e.bounded() || e.value == 0.0) return kInf;
  return e.half_width() / std::fabs(e.value);
}

StopReason CheckStop(const StopRule& rule, const std::vector<double>& samples, double elapsed_s) {
  const auto n = static_cast<int64_t>(samples.size());
  if (n >= rule.max_iters) return StopReason::kMaxIters;
  if (elapsed_s >= rule.max_time_s) return StopReason::kMaxTime;
  if (n < rule.min_iters || elapsed_s < rule.min_time_s) return StopReason::kContinue;
  if (rule.ci_target <= 0.0) return StopReason::kMinimumMet;
  return RelativeMedianHalfWidth(samples, rule.confidence) <= rule.ci_target
             ? StopReason::kCiTarget
             : StopReason::kContinue;
}

}  // namespace cratio
