// Summaries of timing series (see summary.h).
#include "bench/summary.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace cratio {

SampleSummary Summarize(std::vector<double> samples, double confidence) {
  SampleSummary s;
  s.n = static_cast<int64_t>(samples.size());
  if (s.n == 0) return s;
  std::sort(samples.begin(), samples.end());
  double sum = 0.0;
  for (double v : samples) sum += v;
  s.mean = sum / s.n;
  if (s.n > 1) {
    double ss = 0.0;
    for (double v : samples) ss += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(ss / (s.n - 1));
  }
  s.min = samples.front();
  s.max = samples.back();
  s.p50 = EstimateQuantile(samples, 0.50, confidence);
  s.p90 = EstimateQuantile(samples, 0.90, confidence);
  s.p99 = EstimateQuantile(samples, 0.99, confidence);
  return s;
}

double Median(std::vector<double> values) {
  CRATIO_CHECK(!values.empty());
  const size_t n = values.size();
  const size_t mid = n / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double hi = values[mid];
  if (n % 2 == 1) return hi;
  const double lo = *std::max_element(values.begin(), values.begin() + mid);
  return 0.5 * (lo + hi);
}

}  // namespace cratio
