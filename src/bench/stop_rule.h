// When a measurement loop has enough samples: at least min_iters iterations and
// min_time_s seconds (after the warm-up, which is not counted), then — if a target is
// set — once the P50 interval's half-width relative to P50 is at most ci_target; never
// past max_iters or max_time_s.
#pragma once

#include <cstdint>
#include <vector>

namespace cratio {

struct StopRule {
  int warmup_iters = 1;
  int min_iters = 10;
  int max_iters = 100000;
  double min_time_s = 0.0;
  double max_time_s = 60.0;
  double ci_target = 0.0;    // relative half-width of the P50 interval; 0: off
  double confidence = 0.95;  // of every interval reported
};

enum class StopReason {
  kContinue,    // not yet
  kMinimumMet,  // min_iters and min_time_s reached, no CI target set
  kCiTarget,    // the P50 interval is narrow enough
  kMaxIters,
  kMaxTime,
};
const char* StopReasonName(StopReason r);  // "continue", "minimum_met", "ci_target", ...

// `samples` in any order (all series of a comparison are checked one by one by the
// caller: every one must meet the target); `elapsed_s` since the first timed iteration.
StopReason CheckStop(const StopRule& rule, const std::vector<double>& samples, double elapsed_s);

// Relative half-width of the P50 interval of `samples` (+inf when unbounded or empty).
double RelativeMedianHalfWidth(const std::vector<double>& samples, double confidence);

}  // namespace cratio
