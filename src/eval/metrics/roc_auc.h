// roc_auc: area under the ROC curve from choice probabilities (softmax of
// choice_logprob). Two choices: the binary AUC of P(choice 1) for "gold is 1" (scikit-
// learn's roc_auc_score(y, p1)). More: one-vs-rest, the unweighted mean over classes k of
// the AUC of P(choice k) for "gold is k", over the classes with at least one positive and
// one negative item. AUC is the Mann–Whitney statistic: the fraction of (positive,
// negative) pairs ranked correctly, ties counting 1/2. SE: seeded bootstrap over items.
#pragma once

#include <cstdint>
#include <span>

#include "eval/metrics/metric.h"

namespace cratio {

// Binary AUC of scores[i] for labels[i] ∈ {0, 1}; NaN without both classes.
double BinaryRocAuc(std::span<const double> scores, std::span<const uint8_t> labels);

const Metric& RocAucMetric();

}  // namespace cratio
