// RmsNorm / SiluMul / AddInPlace: threaded splits give the same values as one kernel call.
#include "ops/elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/kernel_table.h"

namespace cratio {
namespace {

std::vector<float> RandomFloats(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

class ElementwiseOps : public ::testing::Test {
 protected:
  ThreadPool pool_{2};
  OpContext ctx_{&pool_};
};

TEST_F(ElementwiseOps, RmsNormNormalisesEveryTokenRow) {
  const int64_t num_tokens = 40, dim = 768;  // large enough to run threaded
  const auto x = RandomFloats(num_tokens * dim, 1);
  const auto w = RandomFloats(dim, 2);
  std::vector<float> out(x.size());
  RmsNorm(ctx_, x.data(), w.data(), out.data(), num_tokens, dim, 1e-6f);
  for (int64_t t = 0; t < num_tokens; ++t) {
    double ss = 0.0;
    for (int64_t i = 0; i < dim; ++i) ss += static_cast<double>(x[t * dim + i]) * x[t * dim + i];
    const double inv = 1.0 / std::sqrt(ss / dim + 1e-6);
    for (int64_t i = 0; i < dim; ++i) {
      ASSERT_NEAR(out[t * dim + i], x[t * dim + i] * inv * w[i], 1e-4) << t << " " << i;
    }
  }
}

TEST_F(ElementwiseOps, SiluMulAndAddMatchNaiveOnLongVectors) {
  const int64_t n = 50000 + 3;
  auto gate = RandomFloats(n, 3);
  const auto up = RandomFloats(n, 4);
  const auto gate0 = gate;
  SiluMul(ctx_, gate.data(), up.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    const double want = gate0[i] / (1.0 + std::exp(-static_cast<double>(gate0[i]))) * up[i];
    ASSERT_NEAR(gate[i], want, 1e-5) << i;
  }
  auto y = RandomFloats(n, 5);
  const auto y0 = y;
  AddInPlace(ctx_, y.data(), up.data(), n);
  for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], y0[i] + up[i]) << i;
}

}  // namespace
}  // namespace cratio
