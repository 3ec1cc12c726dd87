// Efficiency scores: how much quality each unit of a resource buys. Per dimension,
// score = retention / ratio (98 % retention at 25 % of the size → 0.98 / 0.25 = 3.92);
// the overall score and the combined retention are defined in docs/REPORT.md.
#pragma once

#include <vector>

#include "eval/compare/estimate.h"

namespace cratio::compare {

// retention / ratio with `ratio` exact: the interval is the retention interval divided
// by the ratio, so an asymmetric retention CI stays asymmetric. Unknown (NaN) when the
// ratio is not positive or the retention is unknown.
Estimate EfficiencyScore(const Estimate& retention, double ratio);

// retention / ratio when the ratio itself is uncertain (e.g. a latency ratio = 1 /
// speedup). First-order delta method, retention and ratio independent:
//   Var(S) ≈ Var(R) / ratio² + S² · Var(ln ratio),
// with SE(R) and SE(ln ratio) read off their 95 % intervals; interval S ± z·SE(S).
// With no interval on the ratio this equals EfficiencyScore(retention, ratio.value).
Estimate EfficiencyScoreUncertainRatio(const Estimate& retention, const Estimate& ratio);

// Overall retention of several tasks: the arithmetic mean of the task retentions, SE =
// sqrt(Σ SE_i²) / k (tasks scored on disjoint items, so independent). Unknown entries are
// skipped; unknown when none is known.
Estimate CombinedRetention(const std::vector<Estimate>& retentions);

// Overall score = R / G, G = geometric mean of the resource ratios (file size, peak
// memory, latency — whichever are known and positive) = the geometric mean of the
// per-dimension efficiency scores R / ratio_d. Delta method, independent inputs:
//   Var(O) ≈ Var(R) / G² + O² · (1/k²) Σ Var(ln ratio_d).
// Unknown when R is unknown or no ratio is usable.
Estimate OverallScore(const Estimate& retention, const std::vector<Estimate>& resource_ratios);

}  // namespace cratio::compare
