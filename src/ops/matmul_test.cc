// Matmul (threads, token panels, activation conversion, low rank, bias) against the
// reference kernel called directly, on every ISA.
#include "ops/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernel_table.h"
#include "numeric/rows16.h"

namespace cratio {
namespace {

// Same activation format on both sides: only float summation order differs.
constexpr double kRelTol = 2e-5;
// A prefill route with bf16 activations (AMX, f16 / bf16 weights) against the reference's
// f32 activations: bf16-rounded operands, 2^-9 relative error each (as in
// kernels/gemm_matches_ref_test.cc).
constexpr double kBf16RouteRelTol = 2e-2;

std::vector<float> RandomFloats(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// A weight tensor quantized from random floats through the numeric table.
Tensor RandomWeight(DType dtype, int64_t rows, int64_t cols, uint32_t seed) {
  Tensor t(dtype, Shape{rows, cols});
  const auto f = RandomFloats(rows * cols, seed);
  const DTypeInfo& info = GetDTypeInfo(dtype);
  const int64_t row_bytes = RowBytes(dtype, cols);
  for (int64_t r = 0; r < rows; ++r) {
    info.quantize_row(f.data() + r * cols, static_cast<uint8_t*>(t.data()) + r * row_bytes, cols);
  }
  return t;
}

// out[t, r] by one direct reference-kernel call, single-threaded.
std::vector<float> RefProduct(const TensorView& w, const std::vector<float>& x,
                              int64_t num_tokens) {
  const MatmulKernel& k = KernelTableFor(Isa::kRef).value()->matmul_for(w.dtype);
  const int64_t cols = w.cols(), rows = w.rows();
  int64_t xa_row_bytes = cols * 4;
  std::vector<uint8_t> xa(num_tokens * cols * 4 + 64);
  if (k.convert_act) {
    xa_row_bytes = RowBytes(k.act_dtype, cols);
    for (int64_t t = 0; t < num_tokens; ++t) {
      k.convert_act(x.data() + t * cols, xa.data() + t * xa_row_bytes, cols);
    }
  } else {
    std::memcpy(xa.data(), x.data(), num_tokens * cols * 4);
  }
  std::vector<float> out(num_tokens * rows);
  k.gemm(w.data, w.row_bytes(), xa.data(), xa_row_bytes, num_tokens, out.data(), rows, rows, cols);
  return out;
}

void ExpectClose(const std::vector<float>& got, const std::vector<float>& want, double rel_tol) {
  ASSERT_EQ(got.size(), want.size());
  double max_abs = 0.0;
  for (float v : want) max_abs = std::max(max_abs, std::fabs(static_cast<double>(v)));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], rel_tol * max_abs) << i;
}

// The tolerance for a product of `num_tokens` tokens through one table entry: the bf16
// one where its prefill route (AMX) takes such a batch with bf16 activations.
double RelTolFor(const MatmulKernel& entry, int64_t num_tokens) {
  const bool bf16_route = entry.prefill_gemm != nullptr &&
                          num_tokens >= entry.prefill_min_tokens &&
                          entry.prefill_act_dtype == DType::kBF16;
  return bf16_route ? kBf16RouteRelTol : kRelTol;
}

class MatmulOnIsa : public ::testing::TestWithParam<Isa> {
 protected:
  ThreadPool pool_{2};
  OpContext ctx_{&pool_, KernelTableFor(GetParam()).value()};
};

TEST_P(MatmulOnIsa, MatchesReferenceKernelForEveryEngineDType) {
  uint32_t seed = 10;
  for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                      DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ2_K, DType::kQ3_K,
                      DType::kQ4_K, DType::kQ5_K, DType::kQ6_K}) {
    // 100 rows: uneven split over 2 threads; 70 tokens: more than one token panel.
    const Tensor w = RandomWeight(dtype, 100, 512, seed++);
    for (int64_t num_tokens : {1, 3, 70}) {
      const auto x = RandomFloats(num_tokens * 512, seed++);
      std::vector<float> out(num_tokens * 100, NAN);
      Matmul(ctx_, w.view(), x.data(), num_tokens, out.data());
      SCOPED_TRACE(std::string(DTypeName(dtype)) + " tokens " + std::to_string(num_tokens));
      ExpectClose(out, RefProduct(w.view(), x, num_tokens),
                  RelTolFor(ctx_.kernels().matmul_for(dtype), num_tokens));
    }
  }
}

// The loader's kRows16 layout gives the row-major product on every table: the rows16
// kernels where the table has them (decode quads, the AMX prefill route from 16 tokens),
// per-group unpacking elsewhere.
TEST_P(MatmulOnIsa, Rows16LayoutMatchesRowMajorProduct) {
  uint32_t seed = 40;
  for (DType dtype : {DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K}) {
    // 96 rows: 6 groups, 3 per thread; 1024 columns: 32 q4_0 blocks, 4 q4_k super-blocks.
    const int64_t rows = 96, cols = 1024;
    const Tensor w = RandomWeight(dtype, rows, cols, seed++);
    const int64_t row_bytes = RowBytes(dtype, cols);
    Tensor packed(dtype, Shape{rows, cols});
    for (int64_t r = 0; r < rows; r += kRows16) {
      PackRows16(dtype, w.view().row(r), row_bytes, cols,
                 static_cast<uint8_t*>(packed.data()) + r * row_bytes);
    }
    TensorView view = packed.view();
    view.layout = WeightLayout::kRows16;
    // On the AMX table 1-8 run the rows16 kernels' token quads and 16 and up the AMX
    // route; the other tables unpack groups for their row-major kernels.
    for (int64_t num_tokens : {1, 2, 3, 5, 8, 16, 70}) {
      const auto x = RandomFloats(num_tokens * cols, seed++);
      std::vector<float> out(num_tokens * rows, NAN);
      Matmul(ctx_, view, x.data(), num_tokens, out.data());
      SCOPED_TRACE(std::string(DTypeName(dtype)) + " tokens " + std::to_string(num_tokens));
      ExpectClose(out, RefProduct(w.view(), x, num_tokens),
                  RelTolFor(ctx_.kernels().matmul_for(dtype), num_tokens));
    }
  }
}

TEST_P(MatmulOnIsa, LowRankEqualsDenseProductOfFactorsPlusBias) {
  const int64_t rows = 37, rank = 8, cols = 96, num_tokens = 5;
  const Tensor a = RandomWeight(DType::kF32, rank, cols, 1);  // A[rank, cols]
  const Tensor b = RandomWeight(DType::kF32, rows, rank, 2);  // B[rows, rank]
  // dense[rows, cols] = B · A
  Tensor dense(DType::kF32, Shape{rows, cols});
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      double s = 0.0;
      for (int64_t k = 0; k < rank; ++k) {
        s += static_cast<double>(b.as<float>()[r * rank + k]) * a.as<float>()[k * cols + c];
      }
      dense.as<float>()[r * cols + c] = static_cast<float>(s);
    }
  }
  const auto bias = RandomFloats(rows, 3);
  LinearWeight low_rank;
  low_rank.lr_a = a.view();
  low_rank.lr_b = b.view();
  low_rank.bias = bias.data();
  LinearWeight full;
  full.dense = dense.view();
  full.bias = bias.data();
  EXPECT_EQ(low_rank.rows(), rows);
  EXPECT_EQ(low_rank.cols(), cols);

  const auto x = RandomFloats(num_tokens * cols, 4);
  std::vector<float> got(num_tokens * rows), want(num_tokens * rows);
  Matmul(ctx_, low_rank, x.data(), num_tokens, got.data());
  Matmul(ctx_, full, x.data(), num_tokens, want.data());
  ExpectClose(got, want, 1e-5);

  // The bias really is added: without it every output moves by bias[r].
  full.bias = nullptr;
  std::vector<float> no_bias(num_tokens * rows);
  Matmul(ctx_, full, x.data(), num_tokens, no_bias.data());
  for (int64_t t = 0; t < num_tokens; ++t) {
    for (int64_t r = 0; r < rows; ++r) {
      EXPECT_NEAR(want[t * rows + r] - no_bias[t * rows + r], bias[r], 1e-5);
    }
  }
}

// MatmulShared gives each part exactly what its own Matmul gives: dense parts of one dtype
// in one loop (rows split across parts between threads), and the fallback for a part of
// another dtype, a low-rank part or rows off the 16-row grain.
TEST_P(MatmulOnIsa, SharedProductsEqualSeparateOnes) {
  const int64_t cols = 256;
  const Tensor q = RandomWeight(DType::kQ4_0, 96, cols, 60);
  const Tensor k = RandomWeight(DType::kQ4_0, 32, cols, 61);
  const Tensor v8 = RandomWeight(DType::kQ8_0, 32, cols, 62);
  const Tensor odd = RandomWeight(DType::kQ4_0, 40, cols, 63);
  const Tensor a = RandomWeight(DType::kF32, 8, cols, 64);
  const Tensor b = RandomWeight(DType::kF32, 48, 8, 65);
  const auto bias = RandomFloats(96, 66);
  LinearWeight wq, wk, wv8, wodd, wlr;
  wq.dense = q.view();
  wq.bias = bias.data();
  wk.dense = k.view();
  wv8.dense = v8.view();
  wodd.dense = odd.view();
  wlr.lr_a = a.view();
  wlr.lr_b = b.view();
  const std::vector<std::vector<const LinearWeight*>> cases = {
      {&wq, &wk, &wk}, {&wq, &wv8}, {&wk, &wodd}, {&wq, &wlr}};
  for (int64_t num_tokens : {1, 3, 20}) {
    const auto x = RandomFloats(num_tokens * cols, 67);
    for (size_t c = 0; c < cases.size(); ++c) {
      SCOPED_TRACE("case " + std::to_string(c) + " tokens " + std::to_string(num_tokens));
      std::vector<std::vector<float>> got, want;
      std::vector<SharedMatmul> parts;
      for (const LinearWeight* w : cases[c]) {
        got.emplace_back(num_tokens * w->rows(), NAN);
        want.emplace_back(num_tokens * w->rows(), NAN);
        Matmul(ctx_, *w, x.data(), num_tokens, want.back().data());
      }
      for (size_t i = 0; i < cases[c].size(); ++i) parts.push_back({cases[c][i], got[i].data()});
      MatmulShared(ctx_, parts, x.data(), num_tokens);
      for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "part " << i;
    }
  }
}

std::vector<Isa> AvailableIsas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    if (KernelTableFor(isa).ok()) out.push_back(isa);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllIsas, MatmulOnIsa, ::testing::ValuesIn(AvailableIsas()),
                         [](const ::testing::TestParamInfo<Isa>& p) {
                           return std::string(IsaName(p.param));
                         });

TEST(MatmulSupports, EngineWeightTypesButNotIntegers) {
  EXPECT_TRUE(MatmulSupports(DType::kQ4_K));
  EXPECT_TRUE(MatmulSupports(DType::kBF16));
  EXPECT_FALSE(MatmulSupports(DType::kI32));
  EXPECT_FALSE(MatmulSupports(DType::kQ8_K));
}

}  // namespace
}  // namespace cratio
