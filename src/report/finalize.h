// Fills the derived fields of an EvalResult — ratios, overall retention, efficiency
// scores, overall score, Pareto membership, constraint checks and the verdict — from its
// measured fields, by calling compare/. The one place comparisons are assembled, so
// `cratio eval` and the tests derive them identically.
#pragma once

#include <string_view>
#include <vector>

#include "eval/compare/constraints.h"
#include "report/result.h"

namespace cratio::report {

// Needs, per variant: model.accounting (and base.accounting), tasks[].retention,
// perplexity (optional), scenarios[].speedup and latencies, resources. Overwrites the
// derived fields. Returns OK, or kConstraintFailed (exit 3) when `constraints` is not
// empty and no variant passes all of them — the result is complete in both cases.
Status FinalizeComparisons(EvalResult* r, const std::vector<compare::Constraint>& constraints,
                           std::string_view requirements_text);

// The resource ratios the overall score uses: file size, peak memory, latency (1 /
// speedup of the first scenario). Entries may be unknown.
std::vector<Estimate> OverallScoreRatios(const VariantResult& v);

}  // namespace cratio::report
