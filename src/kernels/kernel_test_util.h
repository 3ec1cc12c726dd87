// Test helpers for the kernel tests: random weight rows of any dtype (every bit pattern of
// the quantized fields, sane f16 scales) and the list of ISAs this machine has.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/kernel_table.h"
#include "numeric/blocks.h"
#include "numeric/half.h"

namespace cratio::kernels::testing {

struct BlockLayout {
  int64_t block_size;
  int64_t block_bytes;
  std::vector<int> f16_scale_offsets;  // byte offsets of f16 scale fields in a block
};

// Layouts of the weight dtypes the engine multiplies by (blocks.h).
inline BlockLayout LayoutOf(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return {1, 4, {}};
    case DType::kF16:
      return {1, 2, {}};
    case DType::kBF16:
      return {1, 2, {}};
    case DType::kQ8_0:
      return {32, sizeof(BlockQ8_0), {0}};
    case DType::kQ4_0:
      return {32, sizeof(BlockQ4_0), {0}};
    case DType::kQ4_1:
      return {32, sizeof(BlockQ4_1), {0, 2}};
    case DType::kQ5_0:
      return {32, sizeof(BlockQ5_0), {0}};
    case DType::kQ5_1:
      return {32, sizeof(BlockQ5_1), {0, 2}};
    case DType::kQ2_K:
      return {256, sizeof(BlockQ2_K), {80, 82}};
    case DType::kQ3_K:
      return {256, sizeof(BlockQ3_K), {108}};
    case DType::kQ4_K:
      return {256, sizeof(BlockQ4_K), {0, 2}};
    case DType::kQ5_K:
      return {256, sizeof(BlockQ5_K), {0, 2}};
    case DType::kQ6_K:
      return {256, sizeof(BlockQ6_K), {208}};
    default:
      return {0, 0, {}};
  }
}

inline int64_t WeightRowBytes(DType dtype, int64_t cols) {
  const BlockLayout l = LayoutOf(dtype);
  return cols / l.block_size * l.block_bytes;
}

// rows × cols weights: floats in [-1, 1) for float types; for block types every quantized
// byte uniformly random and every f16 scale in [0.001, 0.01).
inline std::vector<uint8_t> RandomWeights(DType dtype, int64_t rows, int64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_real_distribution<float> scale(0.001f, 0.01f);
  const BlockLayout layout = LayoutOf(dtype);
  std::vector<uint8_t> bytes(rows * WeightRowBytes(dtype, cols));
  const int64_t n = rows * cols;
  if (dtype == DType::kF32) {
    for (int64_t i = 0; i < n; ++i) {
      const float v = unit(rng);
      std::memcpy(&bytes[4 * i], &v, 4);
    }
  } else if (dtype == DType::kF16 || dtype == DType::kBF16) {
    for (int64_t i = 0; i < n; ++i) {
      const float v = unit(rng);
      const uint16_t h = dtype == DType::kF16 ? F32ToF16(v) : F32ToBf16(v);
      std::memcpy(&bytes[2 * i], &h, 2);
    }
  } else {
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    for (int64_t blk = 0; blk < n / layout.block_size; ++blk) {
      for (int off : layout.f16_scale_offsets) {
        const uint16_t h = F32ToF16(scale(rng));
        std::memcpy(&bytes[blk * layout.block_bytes + off], &h, 2);
      }
    }
  }
  return bytes;
}

inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float lo = -1.0f,
                                       float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Every ISA this CPU can run, reference first.
inline std::vector<Isa> AvailableIsas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    if (KernelTableFor(isa).ok()) out.push_back(isa);
  }
  return out;
}

// Bytes of one converted activation row.
inline int64_t ActRowBytes(DType act_dtype, int64_t cols) {
  switch (act_dtype) {
    case DType::kF32:
      return cols * 4;
    case DType::kBF16:
      return cols * 2;
    case DType::kQ8_0:
      return cols / kQK8_0 * static_cast<int64_t>(sizeof(BlockQ8_0));
    case DType::kQ8_K:
      return cols / kQK_K * static_cast<int64_t>(sizeof(BlockQ8_K));
    default:
      return 0;
  }
}

// out[num_tokens, rows] through one table entry: convert each token, then one gemm call.
inline std::vector<float> RunGemm(const MatmulKernel& k, const std::vector<uint8_t>& w,
                                  int64_t rows, int64_t cols, const std::vector<float>& x,
                                  int64_t num_tokens, int64_t w_row_bytes) {
  const int64_t xa_row_bytes = ActRowBytes(k.act_dtype, cols);
  std::vector<uint8_t> xa(num_tokens * xa_row_bytes + 64);
  for (int64_t t = 0; t < num_tokens; ++t) {
    if (k.convert_act) {
      k.convert_act(x.data() + t * cols, xa.data() + t * xa_row_bytes, cols);
    } else {
      std::memcpy(xa.data() + t * xa_row_bytes, x.data() + t * cols, cols * sizeof(float));
    }
  }
  std::vector<float> out(num_tokens * rows, -12345.0f);
  k.gemm(w.data(), w_row_bytes, xa.data(), xa_row_bytes, num_tokens, out.data(), rows, rows, cols);
  return out;
}

}  // namespace cratio::kernels::testing
