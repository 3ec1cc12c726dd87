// McNemar's exact test: a binomial tail over the discordant pairs.
#include "eval/stats/mcnemar.h"

#include <algorithm>
#include <cmath>

namespace cratio {

double McNemarExactP(int64_t b, int64_t c) {
  const int64_t n = b + c;
  if (n == 0) return 1.0;
  const int64_t k = std::min(b, c);
  // P(X ≤ k) = Σ_{i≤k} C(n, i) / 2^n, each term via lgamma to stay finite for large n.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const double lg_n1 = std::lgamma(static_cast<double>(n) + 1.0);
  double tail = 0.0;
  for (int64_t i = 0; i <= k; ++i) {
    const double log_term = lg_n1 - std::lgamma(static_cast<double>(i) + 1.0) -
                            std::lgamma(static_cast<double>(n - i) + 1.0) + log_half_n;
    tail += std::exp(log_term);
  }
  return std::min(1.0, 2.0 * tail);
}

}  // namespace cratio
