// The reference kernels against the specification: a double-precision dot over the numeric
// table's dequantize_row (weights) and exact f32 activations. For q8-activation kernels the
// gap is the activation quantization error, bounded per block by d_x / 2 per element.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/kernel_test_util.h"
#include "numeric/dtype.h"

namespace cratio::kernels {
namespace {

using testing::RandomFloats;
using testing::RandomWeights;
using testing::RunGemm;
using testing::WeightRowBytes;

// f32 activations: only the float rounding of the final double sum.
constexpr double kExactActRelTol = 1e-6;

class RefMatchesDequantize : public ::testing::TestWithParam<DType> {};

TEST_P(RefMatchesDequantize, WithinActivationQuantizationBound) {
  const DType dtype = GetParam();
  const DTypeInfo& info = GetDTypeInfo(dtype);
  ASSERT_NE(info.dequantize_row, nullptr);
  const MatmulKernel& k = KernelTableFor(Isa::kRef).value()->matmul_for(dtype);
  ASSERT_TRUE(k.supported());
  const int64_t rows = 5, cols = 512, num_tokens = 3;
  const auto w = RandomWeights(dtype, rows, cols, 77);
  const auto x = RandomFloats(num_tokens * cols, 78);
  const int64_t wrb = WeightRowBytes(dtype, cols);
  const auto got = RunGemm(k, w, rows, cols, x, num_tokens, wrb);

  std::vector<float> w_row(cols);
  const int64_t act_block = k.act_dtype == DType::kQ8_K ? 256 : 32;
  for (int64_t r = 0; r < rows; ++r) {
    info.dequantize_row(w.data() + r * wrb, w_row.data(), cols);
    for (int64_t t = 0; t < num_tokens; ++t) {
      const float* xt = x.data() + t * cols;
      double want = 0.0;
      double abs_sum = 0.0;
      double bound = 0.0;  // Σ_blocks (d_x / 2) · Σ |w|, d_x = max|x| / 127
      for (int64_t b = 0; b < cols / act_block; ++b) {
        double amax = 0.0, w_abs = 0.0;
        for (int64_t i = b * act_block; i < (b + 1) * act_block; ++i) {
          want += static_cast<double>(w_row[i]) * xt[i];
          abs_sum += std::fabs(static_cast<double>(w_row[i]) * xt[i]);
          amax = std::max(amax, std::fabs(static_cast<double>(xt[i])));
          w_abs += std::fabs(static_cast<double>(w_row[i]));
        }
        bound += amax / 127.0 / 2.0 * w_abs;
      }
      double tol = kExactActRelTol * abs_sum;
      // The activation scales are stored rounded (f16 for q8_0), so allow a little more
      // than the half-step bound.
      if (k.act_dtype != DType::kF32) tol += 1.01 * bound + 1e-3 * abs_sum;
      EXPECT_NEAR(got[t * rows + r], want, tol) << "row " << r << " token " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllDTypes, RefMatchesDequantize,
                         ::testing::Values(DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0,
                                           DType::kQ4_0, DType::kQ4_1, DType::kQ5_0, DType::kQ5_1,
                                           DType::kQ2_K, DType::kQ3_K, DType::kQ4_K, DType::kQ5_K,
                                           DType::kQ6_K),
                         [](const ::testing::TestParamInfo<DType>& p) {
                           return std::string(DTypeName(p.param));
                         });

}  // namespace
}  // namespace cratio::kernels
