// Analytic standard errors: of a mean (lm-evaluation-harness's `mean_stderr`), of a
// binomial proportion, and of a ratio of sums (first-order delta method). Double
// accumulation throughout.
#pragma once

#include <cstdint>
#include <span>

namespace cratio {

// SE of the mean of `x`: sample standard deviation (n − 1) / sqrt(n). For 0/1 values
// this equals sqrt(p(1 − p) / (n − 1)), lm-eval's binomial SE. 0 when n < 2.
double MeanStdError(std::span<const double> x);

// sqrt(p(1 − p) / (n − 1)); 0 when n < 2.
double BinomialStdError(double p, int64_t n);

// R = Σa / Σb over n items (a ratio estimator, e.g. NLL per token over documents).
// SE(R) ≈ sqrt(Σ (a_i − R·b_i)² / (n (n − 1))) / mean(b): the delta method for a ratio of
// means. 0 when n < 2; NaN when Σb = 0. a.size() must equal b.size().
struct RatioEstimate {
  double ratio = 0.0;
  double se = 0.0;
};
RatioEstimate RatioOfSums(std::span<const double> a, std::span<const double> b);

}  // namespace cratio
