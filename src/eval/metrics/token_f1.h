// token_f1: SQuAD's token-overlap F1 between the prediction and a reference after
// SQuAD normalisation, the best over references; the mean over items with its analytic
// SE (sample sd / sqrt(n)).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& TokenF1Metric();

// Tokens = SquadNormalize(text) split on spaces. common = multiset intersection;
// P = common / |pred|, R = common / |ref|, F1 = 2PR / (P + R); 0 when common = 0; when
// either side has no tokens, 1 if both are empty else 0 (SQuAD v2.0's rule).
double TokenF1(std::string_view prediction, std::string_view reference);

// max over references of TokenF1; 0 with no references.
double TokenF1Score(std::string_view prediction, std::span<const std::string> references);

}  // namespace cratio
