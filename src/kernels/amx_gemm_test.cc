// The AMX prefill routes: f16 / bf16 / q4_0 / q4_k / q5_k weights with bf16 activations
// against double-precision products of the same bf16-rounded operands and against the
// scalar reference kernel with its own activations (f32; q8_0 / q8_k for the quantized
// ones); q8_0 / q6_k against the reference kernel on the same q8_0 / q8_k activations.
// Skipped, visibly, where the CPU or OS has no AMX.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/amx_support.h"
#include "kernels/kernel_test_util.h"

namespace cratio::kernels {
namespace {

using testing::RandomFloats;
using testing::RandomWeights;
using testing::RunGemm;
using testing::WeightRowBytes;

// Same bf16 operands, f32 tile accumulation vs double: summation order and f32 rounding.
constexpr double kSameOperandsRelTol = 1e-5;
// bf16-rounded activations and weights (relative error 2^-9 each) against the reference
// kernel's exact f32 activations and f16 weights (the kBf16ActGemmRelTol of
// gemm_matches_ref_test.cc).
constexpr double kBf16OperandsRelTol = 2e-2;

const KernelTable& Avx512Table() { return *KernelTableFor(Isa::kAvx512).value(); }

bool SkipWithoutAmx() {
  if (AmxEnabled() && KernelTableFor(Isa::kAvx512).ok()) return false;
  return true;
}

// The prefill route of one dtype as a plain MatmulKernel, for RunGemm.
MatmulKernel PrefillRoute(DType dtype) {
  const MatmulKernel& e = Avx512Table().matmul_for(dtype);
  return MatmulKernel{e.prefill_act_dtype, e.prefill_convert_act, e.prefill_gemm};
}

// Every weight of a rows × cols matrix as the bf16 route sees it: f16 rounded to bf16, bf16
// as is, q4_0 / q4_k / q5_k dequantized by numeric's dequantizers, then rounded to bf16.
std::vector<float> WeightsAsBf16(DType dtype, const std::vector<uint8_t>& w, int64_t rows,
                                 int64_t cols) {
  std::vector<float> out(rows * cols);
  if (dtype != DType::kF16 && dtype != DType::kBF16) {
    const int64_t row_bytes = WeightRowBytes(dtype, cols);
    for (int64_t r = 0; r < rows; ++r) {
      GetDTypeInfo(dtype).dequantize_row(w.data() + r * row_bytes, out.data() + r * cols, cols);
    }
    for (float& v : out) v = Bf16ToF32(F32ToBf16(v));
    return out;
  }
  for (int64_t i = 0; i < rows * cols; ++i) {
    uint16_t h;
    std::memcpy(&h, &w[2 * i], 2);
    out[i] = dtype == DType::kF16 ? Bf16ToF32(F32ToBf16(F16ToF32(h))) : Bf16ToF32(h);
  }
  return out;
}

TEST(AmxConvertAct, Bf16BitsEqualNumericRoundingForEveryKindOfValue) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  // Ties in both directions, the largest finite, infinities, NaN, signed zero, denormals
  // (no flushing) and 37 random values (a tail of 5 after two vectors).
  std::vector<float> x = {1.0f + 0x1p-8f, 1.0f + 0x3p-8f, 3.4028235e38f,
                          std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN(), -0.0f, 1e-40f, -3e-39f};
  const auto more = RandomFloats(37, 21, -100.0f, 100.0f);
  x.insert(x.end(), more.begin(), more.end());
  std::vector<uint16_t> got(x.size() + 1, 0xABCD);
  PrefillRoute(DType::kF16).convert_act(x.data(), got.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(got[i], F32ToBf16(x[i])) << i << " " << x[i];
  EXPECT_EQ(got[x.size()], 0xABCD);  // nothing written past cols
}

class AmxGemm : public ::testing::TestWithParam<DType> {};

TEST_P(AmxGemm, MatchesDoubleProductOfBf16Operands) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  const DType dtype = GetParam();
  const MatmulKernel route = PrefillRoute(dtype);
  ASSERT_NE(route.gemm, nullptr);
  ASSERT_EQ(route.act_dtype, DType::kBF16);
  // 291 / 2080 columns: a scalar tail of 3 / none; 4160: two packed chunks of columns.
  // 13 rows: all scalar; 37: one 32-row group + 5 scalar rows; 48: a group + a 16-row one.
  // q4_0 (whole blocks only) takes 2080 and 4160; q4_k / q5_k 768 and 2304 (3 and 9
  // super-blocks: one chunk of columns, and two).
  uint32_t seed = 77;
  const bool k_quant = dtype == DType::kQ4_K || dtype == DType::kQ5_K;
  for (int64_t cols : {k_quant ? 768 : 291, k_quant ? 2304 : 2080, k_quant ? 768 : 4160}) {
    if (dtype == DType::kQ4_0 && cols % kQK4_0 != 0) continue;
    for (int64_t rows : {13, 37, 48}) {
      const auto w = RandomWeights(dtype, rows, cols, seed++);
      const auto wf = WeightsAsBf16(dtype, w, rows, cols);
      for (int64_t num_tokens : {1, 16, 21, 35}) {
        const auto x = RandomFloats(num_tokens * cols, seed++);
        const auto got = RunGemm(route, w, rows, cols, x, num_tokens, WeightRowBytes(dtype, cols));
        std::vector<double> want(num_tokens * rows);
        double max_abs = 0.0;
        for (int64_t t = 0; t < num_tokens; ++t) {
          for (int64_t r = 0; r < rows; ++r) {
            double sum = 0.0;
            for (int64_t c = 0; c < cols; ++c) {
              sum += static_cast<double>(wf[r * cols + c]) *
                     Bf16ToF32(F32ToBf16(x[t * cols + c]));
            }
            want[t * rows + r] = sum;
            max_abs = std::max(max_abs, std::fabs(sum));
          }
        }
        for (size_t i = 0; i < got.size(); ++i) {
          ASSERT_NEAR(got[i], want[i], kSameOperandsRelTol * max_abs)
              << "cols " << cols << " rows " << rows << " tokens " << num_tokens << " token "
              << i / rows << " row " << i % rows;
        }
      }
    }
  }
}

TEST_P(AmxGemm, MatchesReferenceKernelWithinBf16Rounding) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  const DType dtype = GetParam();
  const MatmulKernel route = PrefillRoute(dtype);
  const MatmulKernel& ref = KernelTableFor(Isa::kRef).value()->matmul_for(dtype);
  const int64_t rows = 64, cols = 768, num_tokens = 40;
  const auto w = RandomWeights(dtype, rows, cols, 5);
  const auto x = RandomFloats(num_tokens * cols, 6);
  const int64_t wrb = WeightRowBytes(dtype, cols);
  const auto got = RunGemm(route, w, rows, cols, x, num_tokens, wrb);
  const auto want = RunGemm(ref, w, rows, cols, x, num_tokens, wrb);
  double max_ref = 0.0;
  for (float v : want) max_ref = std::max(max_ref, std::fabs(static_cast<double>(v)));
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], kBf16OperandsRelTol * max_ref) << i;
  }
}

// Every finite f16 bit pattern as a weight, read back through one-hot bf16 activations:
// token t has 1.0 at column t only, so out[t, r] = bf16(w[r, t]) · 1 plus zeros, exactly the
// route's rounding of that weight. Expected: numeric's F32ToBf16 (round to nearest even) of
// the widened f16. 16 rows × 4096 columns = all 65536 patterns; the 2048 NaN / infinity
// patterns (exponent 31) are replaced by 0 because 0 · inf would poison the other sums.
TEST(AmxF16Weights, EveryFiniteF16RoundsToBf16LikeNumeric) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  constexpr int64_t kRows = 16, kCols = 4096;
  std::vector<uint16_t> w(kRows * kCols);
  for (int64_t i = 0; i < kRows * kCols; ++i) {
    const auto h = static_cast<uint16_t>(i);
    w[i] = (h & 0x7C00) == 0x7C00 ? 0 : h;
  }
  std::vector<uint16_t> xa(kCols * kCols, 0);
  for (int64_t t = 0; t < kCols; ++t) xa[t * kCols + t] = 0x3F80;  // bf16 1.0
  std::vector<float> out(kCols * kRows, -1.0f);
  PrefillRoute(DType::kF16).gemm(w.data(), kCols * 2, xa.data(), kCols * 2, kCols, out.data(),
                                 kRows, kRows, kCols);
  for (int64_t t = 0; t < kCols; ++t) {
    for (int64_t r = 0; r < kRows; ++r) {
      const uint16_t h = w[r * kCols + t];
      const float want = Bf16ToF32(F32ToBf16(F16ToF32(h)));
      ASSERT_EQ(out[t * kRows + r], want) << "f16 bits 0x" << std::hex << h;
    }
  }
}

class AmxInt8Gemm : public ::testing::TestWithParam<DType> {};

// Same q8_0 activation bytes on both sides and exact integer block dots: only the f32
// summation order differs (the kQuantGemmRelTol of gemm_matches_ref_test.cc).
constexpr double kSameActRelTol = 2e-5;

TEST_P(AmxInt8Gemm, MatchesReferenceKernelOnTheSameActivations) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  const DType dtype = GetParam();
  const MatmulKernel& e = Avx512Table().matmul_for(dtype);
  ASSERT_NE(e.prefill_gemm, nullptr);
  ASSERT_EQ(e.prefill_act_dtype, e.act_dtype);
  const MatmulKernel route = PrefillRoute(dtype);
  const MatmulKernel& ref = KernelTableFor(Isa::kRef).value()->matmul_for(dtype);
  // q8_0: 9 blocks, one chunk; 65 blocks, three chunks of 32 (32 + 32 + 1). q6_k: 3
  // super-blocks, one chunk of 4; 9, three (4 + 4 + 1). 13 rows: all on the
  // AVX-512 rest; 37: one 32-row pass (two groups sharing each A tile) + 5 rows on the rest;
  // 53: a 32-row pass, a lone 16-row group and 5. 21 tokens: one pair of token blocks (16 +
  // 5); 150: eight pairs and a 16 + 6 pair in one panel; 300: a panel of 256, then 44 tokens
  // (a full pair and a 12-token block alone).
  uint32_t seed = 300;
  const bool q6_k = dtype == DType::kQ6_K;
  for (int64_t cols : {q6_k ? 768 : 288, q6_k ? 2304 : 2080}) {
    for (int64_t rows : {13, 37, 53}) {
      const auto w = RandomWeights(dtype, rows, cols, seed++);
      const int64_t wrb = WeightRowBytes(dtype, cols);
      for (int64_t num_tokens : {1, 16, 21, 150, 300}) {
        const auto x = RandomFloats(num_tokens * cols, seed++);
        const auto got = RunGemm(route, w, rows, cols, x, num_tokens, wrb);
        const auto want = RunGemm(ref, w, rows, cols, x, num_tokens, wrb);
        double max_ref = 0.0;
        for (float v : want) max_ref = std::max(max_ref, std::fabs(static_cast<double>(v)));
        ASSERT_GT(max_ref, 0.0);
        for (size_t i = 0; i < got.size(); ++i) {
          ASSERT_NEAR(got[i], want[i], kSameActRelTol * max_ref)
              << "cols " << cols << " rows " << rows << " tokens " << num_tokens << " token "
              << i / rows << " row " << i % rows;
        }
      }
    }
  }
}

// q6_k's folded weights at their limits: (q − 32) · sc for q = 0 / 63 and sc = −128 / 127
// spans −4064 .. 4096, whose hi bytes reach −64 and 64. One 16-row group, both layouts'
// route (row-major here; kRows16 in ops/matmul_test.cc), against the reference kernel.
TEST(AmxQ6_K, ExtremeScalesAndValuesAreExact) {
  if (SkipWithoutAmx()) GTEST_SKIP() << "no AMX on this CPU / OS";
  constexpr int64_t kRows = 16, kCols = 512, kTokens = 20;
  const int64_t wrb = WeightRowBytes(DType::kQ6_K, kCols);
  std::vector<uint8_t> w(kRows * wrb);
  for (int64_t r = 0; r < kRows; ++r) {
    for (int64_t b = 0; b < kCols / kQK_K; ++b) {
      auto* blk = reinterpret_cast<BlockQ6_K*>(w.data() + r * wrb) + b;
      // Rows 0-3: every value 0 (−32 after the offset); 4-7: 63 (+31); 8-15: mixed.
      const uint8_t ql = r < 4 ? 0x00 : r < 8 ? 0xFF : static_cast<uint8_t>(0x0F + 16 * r);
      const uint8_t qh = r < 4 ? 0x00 : r < 8 ? 0xFF : static_cast<uint8_t>(0x93 ^ r);
      std::memset(blk->ql, ql, sizeof(blk->ql));
      std::memset(blk->qh, qh, sizeof(blk->qh));
      for (int j = 0; j < 16; ++j) {
        blk->scales[j] = static_cast<int8_t>((r + j + b) % 2 == 0 ? -128 : 127);
      }
      blk->d = F32ToF16(r % 3 == 0 ? 1.0f : 0.25f);
    }
  }
  // Activations at the ends of the q8_k range too: alternating ±1 with a few zeros.
  std::vector<float> x(kTokens * kCols);
  for (int64_t i = 0; i < kTokens * kCols; ++i) {
    x[i] = i % 7 == 0 ? 0.0f : (i % 2 == 0 ? 1.0f : -1.0f) * (1.0f + static_cast<float>(i % 5));
  }
  const auto got = RunGemm(PrefillRoute(DType::kQ6_K), w, kRows, kCols, x, kTokens, wrb);
  const auto want = RunGemm(KernelTableFor(Isa::kRef).value()->matmul_for(DType::kQ6_K), w, kRows,
                            kCols, x, kTokens, wrb);
  double max_ref = 0.0;
  for (float v : want) max_ref = std::max(max_ref, std::fabs(static_cast<double>(v)));
  ASSERT_GT(max_ref, 1000.0);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], kSameActRelTol * max_ref) << "token " << i / kRows << " row "
                                                           << i % kRows;
  }
}

INSTANTIATE_TEST_SUITE_P(IntegerWeights, AmxInt8Gemm,
                         ::testing::Values(DType::kQ8_0, DType::kQ6_K),
                         [](const ::testing::TestParamInfo<DType>& p) {
                           return std::string(DTypeName(p.param));
                         });

INSTANTIATE_TEST_SUITE_P(Bf16Routes, AmxGemm,
                         ::testing::Values(DType::kF16, DType::kBF16, DType::kQ4_0, DType::kQ4_K,
                                           DType::kQ5_K),
                         [](const ::testing::TestParamInfo<DType>& p) {
                           return std::string(DTypeName(p.param));
                         });

}  // namespace
}  // namespace cratio::kernels
