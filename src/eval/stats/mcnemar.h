// McNemar's exact test for paired binary outcomes: under H0 the discordant pairs split
// Binomial(b + c, 1/2); the two-sided p doubles the smaller tail (capped at 1), the
// definition of statsmodels' `mcnemar(exact=True)`.
#pragma once

#include <cstdint>

namespace cratio {

// b = right→wrong, c = wrong→right discordant counts (either order gives the same p).
// p = min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2); p = 1 when b + c = 0.
// Exact in double for any counts (the tail is summed in log space).
double McNemarExactP(int64_t b, int64_t c);

}  // namespace cratio
