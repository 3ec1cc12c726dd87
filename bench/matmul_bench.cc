// Matmul micro-benchmarks through the real op (activation conversion + threads + kernel):
// decode (1 token) reports weight GB/s, prefill (64-512 tokens) GFLOP/s, per weight dtype,
// matrix shape and thread count, on the ISA chosen by CRATIO_ISA (default: best).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/cpu_features.h"
#include "kernels/kernel_table.h"
#include "kernels/kernel_test_util.h"
#include "numeric/rows16.h"
#include "ops/matmul.h"

namespace cratio {
namespace {

const DType kDTypes[] = {DType::kF32,  DType::kF16,  DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                         DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ2_K, DType::kQ3_K,
                         DType::kQ4_K, DType::kQ5_K, DType::kQ6_K};

// args: dtype index, rows, cols, tokens, threads
void BM_Matmul(benchmark::State& state) {
  const DType dtype = kDTypes[state.range(0)];
  const int64_t rows = state.range(1), cols = state.range(2), num_tokens = state.range(3);
  const int num_threads = static_cast<int>(state.range(4));
  const auto w_bytes = kernels::testing::RandomWeights(dtype, rows, cols, 1);
  const TensorView w{dtype, Shape{rows, cols}, w_bytes.data(), w_bytes.size()};
  const auto x = kernels::testing::RandomFloats(num_tokens * cols, 2);
  std::vector<float> out(num_tokens * rows);
  ThreadPool pool(num_threads);
  OpContext ctx(&pool);
  for (auto _ : state) {
    Matmul(ctx, w, x.data(), num_tokens, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(DTypeName(dtype)) + " " + std::string(IsaName(ctx.kernels().isa)));
  // Counters in 1e9 units per second.
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(w_bytes.size()) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * rows * cols * num_tokens / 1e9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void MatmulArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"dtype", "rows", "cols", "tokens", "threads"});
  for (int d = 0; d < static_cast<int>(std::size(kDTypes)); ++d) {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{2048, 2048}, {5632, 2048}}) {
      for (int64_t tokens : {1, 64, 256, 512}) {
        for (int threads : {1, 2}) b->Args({d, rows, cols, tokens, threads});
      }
    }
  }
  b->UseRealTime()->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_Matmul)->Apply(MatmulArgs);

// The same product on the loader's kRows16 layout (numeric/rows16.h) beside the file layout:
// args dtype index (3 q8_0, 4 q4_0, 10 q4_k, 12 q6_k), rows, cols, tokens, threads, rows16 (0 / 1).
// On a table without kRows16 kernels the rows16 case measures the unpacking fallback.
void BM_MatmulLayout(benchmark::State& state) {
  const DType dtype = kDTypes[state.range(0)];
  const int64_t rows = state.range(1), cols = state.range(2), num_tokens = state.range(3);
  const int num_threads = static_cast<int>(state.range(4));
  const bool rows16 = state.range(5) != 0;
  auto w_bytes = kernels::testing::RandomWeights(dtype, rows, cols, 1);
  if (rows16) {
    const auto file_order = w_bytes;
    const int64_t row_bytes = RowBytes(dtype, cols);
    for (int64_t r = 0; r < rows; r += kRows16) {
      PackRows16(dtype, file_order.data() + r * row_bytes, row_bytes, cols,
                 w_bytes.data() + r * row_bytes);
    }
  }
  TensorView w{dtype, Shape{rows, cols}, w_bytes.data(), w_bytes.size()};
  w.layout = rows16 ? WeightLayout::kRows16 : WeightLayout::kRows;
  const auto x = kernels::testing::RandomFloats(num_tokens * cols, 2);
  std::vector<float> out(num_tokens * rows);
  ThreadPool pool(num_threads);
  OpContext ctx(&pool);
  for (auto _ : state) {
    Matmul(ctx, w, x.data(), num_tokens, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(DTypeName(dtype)) + (rows16 ? " rows16" : " rows"));
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(w_bytes.size()) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * rows * cols * num_tokens / 1e9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulLayout)
    ->ArgNames({"dtype", "rows", "cols", "tokens", "threads", "rows16"})
    ->ArgsProduct({{3, 4, 10, 12}, {2048}, {768}, {1, 256}, {1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Activation conversion alone (one token of `cols` values), per activation format.
void BM_ConvertAct(benchmark::State& state) {
  const DType weight = kDTypes[state.range(0)];
  const int64_t cols = state.range(1);
  const MatmulKernel& k = GetKernelTable().matmul_for(weight);
  const auto x = kernels::testing::RandomFloats(cols, 3);
  std::vector<uint8_t> xa(cols * 4);
  for (auto _ : state) {
    k.convert_act(x.data(), xa.data(), cols);
    benchmark::DoNotOptimize(xa.data());
  }
  state.SetLabel(std::string(DTypeName(k.act_dtype)));
}
BENCHMARK(BM_ConvertAct)->ArgNames({"dtype", "cols"})->Args({4, 2048})->Args({10, 2048});

}  // namespace
}  // namespace cratio

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("cpu", cratio::GetCpuFeatures().model_name);
  benchmark::AddCustomContext("isa", std::string(cratio::IsaName(cratio::GetKernelTable().isa)));
  benchmark::AddCustomContext("dtype_index",
                              "0 f32, 1 f16, 2 bf16, 3 q8_0, 4 q4_0, 5 q4_1, 6 q5_0, 7 q5_1, "
                              "8 q2_k, 9 q3_k, 10 q4_k, 11 q5_k, 12 q6_k");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
