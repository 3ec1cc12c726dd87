// Every ISA's gemm against the scalar reference kernel, for every weight dtype, on random
// data with odd row counts and token counts that exercise every tile edge.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "kernels/kernel_test_util.h"

namespace cratio::kernels {
namespace {

using testing::AvailableIsas;
using testing::RandomFloats;
using testing::RandomWeights;
using testing::RunGemm;
using testing::WeightRowBytes;

// |fast - ref| <= tol · max|ref| over the output. Same activation format: the integer
// parts are exact, only float summation order differs.
constexpr double kQuantGemmRelTol = 2e-5;
// f32 accumulation (fast) vs double (ref) over a few thousand products.
constexpr double kFloatGemmRelTol = 1e-5;
// bf16-rounded activations (relative error 2^-9 each) against exact f32 ones.
constexpr double kBf16ActGemmRelTol = 2e-2;

const DType kWeightDTypes[] = {DType::kF32,  DType::kF16,  DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                               DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ2_K, DType::kQ3_K,
                               DType::kQ4_K, DType::kQ5_K, DType::kQ6_K};

bool IsKQuant(DType d) {
  return d == DType::kQ2_K || d == DType::kQ3_K || d == DType::kQ4_K || d == DType::kQ5_K ||
         d == DType::kQ6_K;
}

class GemmMatchesRef : public ::testing::TestWithParam<std::tuple<Isa, DType>> {};

TEST_P(GemmMatchesRef, ForTokenCountsAndOddRows) {
  const auto [isa, dtype] = GetParam();
  const KernelTable& fast = *KernelTableFor(isa).value();
  const KernelTable& ref = *KernelTableFor(Isa::kRef).value();
  const MatmulKernel& fk = fast.matmul_for(dtype);
  const MatmulKernel& rk = ref.matmul_for(dtype);
  ASSERT_TRUE(fk.supported());
  ASSERT_TRUE(rk.supported());
  double tol = fk.act_dtype == rk.act_dtype
                   ? (fk.act_dtype == DType::kF32 ? kFloatGemmRelTol : kQuantGemmRelTol)
                   : kBf16ActGemmRelTol;
  // 9 blocks of 32 exercise the odd-block tail; k-quants need whole super-blocks.
  // Float types also get a width that is no multiple of the 16-lane vectors.
  const bool is_float = dtype == DType::kF32 || dtype == DType::kF16 || dtype == DType::kBF16;
  const int64_t col_options[] = {IsKQuant(dtype) ? 768 : (is_float ? 291 : 288),
                                 IsKQuant(dtype) ? 2048 : 2080};
  // 37 rows = two 16-row outer-product tiles + 4 + 1.
  const int64_t row_options[] = {13, 7, 37};
  uint32_t seed = 1234;
  for (int64_t cols : col_options) {
    for (int64_t rows : row_options) {
      const auto w = RandomWeights(dtype, rows, cols, seed++);
      for (int64_t num_tokens : {1, 2, 5, 16, 33}) {
        const auto x = RandomFloats(num_tokens * cols, seed++);
        const int64_t wrb = WeightRowBytes(dtype, cols);
        const auto got = RunGemm(fk, w, rows, cols, x, num_tokens, wrb);
        const auto want = RunGemm(rk, w, rows, cols, x, num_tokens, wrb);
        double max_ref = 0.0;
        for (float v : want) max_ref = std::max(max_ref, std::fabs(static_cast<double>(v)));
        ASSERT_GT(max_ref, 0.0);
        for (size_t i = 0; i < got.size(); ++i) {
          ASSERT_NEAR(got[i], want[i], tol * max_ref)
              << "cols " << cols << " rows " << rows << " tokens " << num_tokens << " token "
              << i / rows << " row " << i % rows;
        }
      }
    }
  }
}

std::vector<std::tuple<Isa, DType>> AllCases() {
  std::vector<std::tuple<Isa, DType>> cases;
  for (Isa isa : AvailableIsas()) {
    for (DType d : kWeightDTypes) cases.emplace_back(isa, d);
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllIsasAndDTypes, GemmMatchesRef, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<std::tuple<Isa, DType>>& info) {
                           std::string name = std::string(IsaName(std::get<0>(info.param))) + "_";
                           switch (std::get<1>(info.param)) {
                             case DType::kF32:
                               return name + "f32";
                             case DType::kF16:
                               return name + "f16";
                             case DType::kBF16:
                               return name + "bf16";
                             case DType::kQ8_0:
                               return name + "q8_0";
                             case DType::kQ4_0:
                               return name + "q4_0";
                             case DType::kQ4_1:
                               return name + "q4_1";
                             case DType::kQ5_0:
                               return name + "q5_0";
                             case DType::kQ5_1:
                               return name + "q5_1";
                             case DType::kQ2_K:
                               return name + "q2_k";
                             case DType::kQ3_K:
                               return name + "q3_k";
                             case DType::kQ4_K:
                               return name + "q4_k";
                             case DType::kQ5_K:
                               return name + "q5_k";
                             case DType::kQ6_K:
                               return name + "q6_k";
                             default:
                               return name + "other";
                           }
                         });

}  // namespace
}  // namespace cratio::kernels
