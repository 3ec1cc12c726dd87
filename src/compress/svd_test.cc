// Exact and randomized SVD on matrices with known singular values.
#include "compress/svd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace cratio {
namespace {

// Random orthonormal columns q[n, k] (Gram–Schmidt on Gaussian vectors).
std::vector<double> RandomOrthonormal(int64_t n, int64_t k, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> q(static_cast<size_t>(n * k));
  for (int64_t j = 0; j < k; ++j) {
    std::vector<double> v(n);
    for (double& x : v) x = normal(rng);
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t i = 0; i < j; ++i) {
        double dot = 0;
        for (int64_t r = 0; r < n; ++r) dot += v[r] * q[r * k + i];
        for (int64_t r = 0; r < n; ++r) v[r] -= dot * q[r * k + i];
      }
    }
    double norm = 0;
    for (double x : v) norm += x * x;
    norm = std::sqrt(norm);
    for (int64_t r = 0; r < n; ++r) q[r * k + j] = v[r] / norm;
  }
  return q;
}

// a[m, n] = U diag(s) Vᵀ with random orthonormal U, V.
std::vector<float> MatrixWithSpectrum(int64_t m, int64_t n, const std::vector<double>& s,
                                      uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int64_t k = static_cast<int64_t>(s.size());
  const std::vector<double> u = RandomOrthonormal(m, k, rng);
  const std::vector<double> v = RandomOrthonormal(n, k, rng);
  std::vector<float> a(static_cast<size_t>(m * n));
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      double x = 0;
      for (int64_t i = 0; i < k; ++i) x += u[r * k + i] * s[i] * v[c * k + i];
      a[r * n + c] = static_cast<float>(x);
    }
  }
  return a;
}

TEST(ExactSvd, RecoversKnownSingularValuesAndReconstructs) {
  const std::vector<double> s = {10, 5, 2, 1, 0.5};
  const std::vector<float> a = MatrixWithSpectrum(12, 7, s, 1);
  Result<Svd> svd = ExactSvd(a.data(), 12, 7);
  ASSERT_TRUE(svd.ok()) << svd.status().message();
  ASSERT_EQ(svd->rank, 7);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(svd->s[i], s[i], 1e-4) << i;
  EXPECT_NEAR(svd->s[5], 0.0, 1e-4);
  for (int64_t r = 0; r < 12; ++r) {
    for (int64_t c = 0; c < 7; ++c) {
      double x = 0;
      for (int64_t i = 0; i < 7; ++i) x += svd->u[r * 7 + i] * svd->s[i] * svd->vt[i * 7 + c];
      ASSERT_NEAR(x, a[r * 7 + c], 1e-4);
    }
  }
}

TEST(RandomizedSvd, MatchesTheLeadingSingularValuesOfADecayingSpectrum) {
  std::vector<double> s(120);
  for (int i = 0; i < 120; ++i) s[i] = std::pow(0.93, i);
  const std::vector<float> a = MatrixWithSpectrum(300, 200, s, 2);
  Result<Svd> svd = RandomizedSvd(a.data(), 300, 200, 20);
  ASSERT_TRUE(svd.ok()) << svd.status().message();
  ASSERT_EQ(svd->rank, 20);
  ASSERT_EQ(svd->u.size(), 300u * 20);
  for (int i = 0; i < 20; ++i) EXPECT_NEAR(svd->s[i], s[i], 0.01 * s[i]) << i;
  // Columns of U are orthonormal.
  for (int i = 0; i < 20; ++i) {
    for (int j = 0; j < 20; ++j) {
      double dot = 0;
      for (int64_t r = 0; r < 300; ++r) dot += double{svd->u[r * 20 + i]} * svd->u[r * 20 + j];
      ASSERT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-4);
    }
  }
}

TEST(RandomizedSvd, RankOutOfRangeIsInvalidInput) {
  std::vector<float> a(6 * 4, 1.0f);
  EXPECT_EQ(RandomizedSvd(a.data(), 6, 4, 5).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(RandomizedSvd(a.data(), 6, 4, 0).status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace cratio
