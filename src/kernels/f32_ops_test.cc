// The f32 helpers of every ISA against naive double-precision loops, for lengths that hit
// every vector tail.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.h"
#include "numeric/half.h"

namespace cratio::kernels {
namespace {

using testing::AvailableIsas;
using testing::RandomFloats;

// Sums of up to ~1000 products in f32 against double.
constexpr double kSumRelTol = 1e-5;
// Elementwise ops with one rounding per step.
constexpr double kElementRelTol = 1e-6;
// Polynomial exp (softmax, silu) against std::exp.
constexpr double kExpRelTol = 2e-6;

const int64_t kLengths[] = {0, 1, 7, 16, 17, 64, 100, 1000};

class F32Ops : public ::testing::TestWithParam<Isa> {
 protected:
  const KernelTable& table() { return *KernelTableFor(GetParam()).value(); }
};

TEST_P(F32Ops, ScaleAddMatchNaiveAndLeaveTailUntouched) {
  for (int64_t n : kLengths) {
    const auto x = RandomFloats(n, 3);
    auto y = RandomFloats(n + 1, 4);
    const float sentinel = y[n];
    auto want = y;
    for (int64_t i = 0; i < n; ++i) want[i] *= -1.5f;
    table().scale_f32(y.data(), -1.5f, n);
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], want[i], kElementRelTol * 4) << i;

    for (int64_t i = 0; i < n; ++i) want[i] += x[i];
    table().add_f32(y.data(), x.data(), n);
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], want[i], kElementRelTol * 8) << i;
    EXPECT_EQ(y[n], sentinel);
  }
}

TEST_P(F32Ops, SoftmaxSumsToOneAndMatchesExp) {
  for (int64_t n : kLengths) {
    if (n == 0) continue;
    auto x = RandomFloats(n, 5, -30.0f, 30.0f);
    const auto orig = x;
    table().softmax_f32(x.data(), n);
    double max_v = -INFINITY;
    for (float v : orig) max_v = std::max(max_v, static_cast<double>(v));
    double sum = 0.0;
    for (float v : orig) sum += std::exp(v - max_v);
    double got_sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double want = std::exp(orig[i] - max_v) / sum;
      EXPECT_NEAR(x[i], want, kExpRelTol * want + 1e-12) << "n " << n << " i " << i;
      got_sum += x[i];
    }
    EXPECT_NEAR(got_sum, 1.0, 1e-5);
  }
}

TEST_P(F32Ops, SoftmaxOfLargeInputsStaysFinite) {
  std::vector<float> x = {1000.0f, 999.0f, -1000.0f};
  table().softmax_f32(x.data(), 3);
  EXPECT_NEAR(x[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(x[1], std::exp(-1.0) / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_EQ(x[2], 0.0f);
}

TEST_P(F32Ops, RmsNormMatchesNaiveInPlace) {
  for (int64_t n : kLengths) {
    if (n == 0) continue;
    auto x = RandomFloats(n, 6, -3.0f, 3.0f);
    const auto w = RandomFloats(n, 7);
    double ss = 0.0;
    for (float v : x) ss += static_cast<double>(v) * v;
    const double inv = 1.0 / std::sqrt(ss / n + 1e-5);
    std::vector<double> want(n);
    for (int64_t i = 0; i < n; ++i) want[i] = x[i] * inv * w[i];
    table().rms_norm_f32(x.data(), w.data(), x.data(), n, 1e-5f);
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(x[i], want[i], kSumRelTol * 3) << i;
  }
}

TEST_P(F32Ops, SiluMulMatchesNaive) {
  for (int64_t n : kLengths) {
    auto gate = RandomFloats(n, 8, -20.0f, 20.0f);
    const auto up = RandomFloats(n, 9);
    std::vector<double> want(n);
    for (int64_t i = 0; i < n; ++i) want[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
    table().silu_mul_f32(gate.data(), up.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_NEAR(gate[i], want[i], kExpRelTol * std::fabs(want[i]) + 1e-7) << i;
    }
  }
}

// Shapes hit every row tile (6 / 3 rows and tails) and column tail (64, 32, 16, 8 and
// fewer); strides are wider than the rows so a write past n would show in the padding.
TEST_P(F32Ops, GemmNnMatchesNaiveAndLeavesPaddingUntouched) {
  struct Shape {
    int64_t m, n, k;
  };
  const Shape shapes[] = {{1, 64, 1}, {7, 64, 37}, {13, 128, 100}, {4, 80, 3},
                          {2, 7, 5},  {6, 24, 64}, {0, 64, 4},     {5, 64, 0}};
  for (const Shape& sh : shapes) {
    const int64_t a_stride = sh.k + 3, b_stride = sh.n + 5, c_stride = sh.n + 2;
    const auto a = RandomFloats(sh.m * a_stride, 10, 0.0f, 1.0f);
    const auto b = RandomFloats(sh.k * b_stride + 1, 11);
    std::vector<float> c(sh.m * c_stride + 1, 7.0f);
    table().gemm_nn_f32(a.data(), a_stride, b.data(), b_stride, c.data(), c_stride, sh.m, sh.n,
                        sh.k);
    for (int64_t i = 0; i < sh.m; ++i) {
      for (int64_t col = 0; col < c_stride; ++col) {
        if (col >= sh.n) {
          EXPECT_EQ(c[i * c_stride + col], 7.0f) << "padding " << i << "," << col;
          continue;
        }
        double want = 0.0, abs_sum = 0.0;
        for (int64_t j = 0; j < sh.k; ++j) {
          const double p = static_cast<double>(a[i * a_stride + j]) * b[j * b_stride + col];
          want += p;
          abs_sum += std::fabs(p);
        }
        EXPECT_NEAR(c[i * c_stride + col], want, kSumRelTol * abs_sum + 1e-30)
            << "m " << sh.m << " n " << sh.n << " k " << sh.k << " at " << i << "," << col;
      }
    }
  }
}

TEST_P(F32Ops, F16ToF32IsExactForEveryHalf) {
  std::vector<uint16_t> halves(65536 + 3);
  for (size_t i = 0; i < halves.size(); ++i) halves[i] = static_cast<uint16_t>(i);
  std::vector<float> out(halves.size());
  table().f16_to_f32(halves.data(), out.data(), static_cast<int64_t>(halves.size()));
  for (size_t i = 0; i < halves.size(); ++i) {
    const float want = F16ToF32(halves[i]);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(out[i])) << i;
    } else {
      EXPECT_EQ(FloatBits(out[i]), FloatBits(want)) << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllIsas, F32Ops, ::testing::ValuesIn(AvailableIsas()),
                         [](const ::testing::TestParamInfo<Isa>& p) {
                           return std::string(IsaName(p.param));
                         });

}  // namespace
}  // namespace cratio::kernels
