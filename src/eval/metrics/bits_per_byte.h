// bits_per_byte: Σ NLL / (ln 2 · Σ bytes) over all items — the code length of the text
// in bits per UTF-8 byte, comparable across tokenizers. SE by the delta method on the
// ratio of sums over items (stats/standard_error.h), divided by ln 2. Lower is better.
#pragma once

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& BitsPerByteMetric();

}  // namespace cratio
