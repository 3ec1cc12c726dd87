// macro_f1: the unweighted mean over classes of F1_k = 2·TP_k / (2·TP_k + FP_k + FN_k),
// over the classes that occur as a gold label or a prediction (scikit-learn's
// f1_score(average="macro"), a class with no true or predicted item being absent; a
// class never predicted scores 0). Labels are choice indices (gold vs PredictedChoice).
// SE: seeded bootstrap over items.
#pragma once

#include <cstdint>
#include <span>

#include "eval/metrics/metric.h"

namespace cratio {

// Macro-F1 of gold[i] vs pred[i] (labels ≥ 0; a pred of −1 counts as a miss of gold[i]).
// NaN for no items.
double MacroF1(std::span<const int32_t> gold, std::span<const int32_t> pred);

const Metric& MacroF1Metric();

}  // namespace cratio
