// accuracy: the fraction of items answered correctly (ItemCorrectness: pred == gold for
// choice items, else the scorer's `correct`). Analytic SE sqrt(p(1 − p)/(n − 1)).
#pragma once

#include "eval/metrics/metric.h"

namespace cratio {

const Metric& AccuracyMetric();

}  // namespace cratio
