// One timing series summarized: count, mean, spread and P50 / P90 / P99 each with its
// order-statistic confidence interval. The unit is the caller's (the metric's name says
// it, e.g. ttft_ms).
#pragma once

#include <cstdint>
#include <vector>

#include "bench/percentile.h"

namespace cratio {

struct SampleSummary {
  int64_t n = 0;
  double mean = 0.0;
  double sd = 0.0;  // sample standard deviation; 0 for n < 2
  double min = 0.0;
  double max = 0.0;
  QuantileEstimate p50, p90, p99;
};

// Summarizes `samples` (any order; may be empty: then n == 0 and nothing else is set).
SampleSummary Summarize(std::vector<double> samples, double confidence = 0.95);

// Median of `values` (non-empty), by partial sort of a copy.
double Median(std::vector<double> values);

}  // namespace cratio
