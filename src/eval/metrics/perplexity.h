// perplexity: exp(Σ NLL / Σ scored tokens) over all items (documents or windows), i.e.
// exp of the mean NLL per token, pooled over the corpus. Its SE comes from the delta
// method on the ratio of sums over items (stats/standard_error.h): SE = ppl · SE(R),
// R = Σ nll / Σ tokens. Tokenizer-dependent: compare models with different tokenizers by
// bits_per_byte instead. Lower is better.
#pragma once

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& PerplexityMetric();

}  // namespace cratio
