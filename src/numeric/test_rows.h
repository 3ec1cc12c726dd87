// Deterministic test inputs for the numeric tests: Gaussian rows from a fixed seed. Uses its
// own Box-Muller transform because std::normal_distribution differs between libraries.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace cratio::testing {

inline std::vector<float> GaussianRow(int64_t n, uint64_t seed, float sigma = 1.0f) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); };
  std::vector<float> row(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; i += 2) {
    const double u1 = std::max(uniform(), 1e-300);
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    row[static_cast<size_t>(i)] = static_cast<float>(sigma * r * std::cos(2.0 * M_PI * u2));
    if (i + 1 < n)
      row[static_cast<size_t>(i + 1)] = static_cast<float>(sigma * r * std::sin(2.0 * M_PI * u2));
  }
  return row;
}

// sqrt(sum (x - y)^2 / sum x^2): the error relative to the row's RMS.
inline double RelativeRmse(const std::vector<float>& x, const std::vector<float>& y) {
  double err = 0.0;
  double norm = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
    err += d * d;
    norm += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  }
  return std::sqrt(err / norm);
}

}  // namespace cratio::testing
