// acc_norm: accuracy of the length-normalised choice, argmax_i logprob_i / bytes_i, as
// lm-evaluation-harness computes it (it divides by the choice's characters; we divide by
// its UTF-8 bytes — the same for ASCII choices). Analytic binomial SE.
#pragma once

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& AccNormMetric();

// argmax_i choice_logprob[i] / choice_num_bytes[i] (lowest index on ties; a choice of 0
// bytes is treated as 1 byte); falls back to `pred_norm` when no byte counts are given;
// -1 when neither exists.
int32_t LengthNormalizedChoice(const ItemResult& item);

}  // namespace cratio
