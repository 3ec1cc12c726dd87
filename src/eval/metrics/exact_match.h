// exact_match: 1 when the prediction equals a reference after SQuAD normalisation
// (text_normalize.h), the best over references; the mean over items with the analytic
// binomial SE. The prediction is PredictionText (the extracted answer).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& ExactMatchMetric();

// max over references of [SquadNormalize(prediction) == SquadNormalize(reference)];
// 0 with no references.
double ExactMatchScore(std::string_view prediction, std::span<const std::string> references);

}  // namespace cratio
