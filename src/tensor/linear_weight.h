// LinearWeight: what a linear layer multiplies by. Either one dense matrix W[rows, cols]
// of any dtype, or a low-rank pair W ≈ B · A with A[rank, cols] and B[rows, rank] (the
// engine then runs two matmuls). Views only; the ModelFile owns the data.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace cratio {

struct LinearWeight {
  TensorView dense;     // valid when !is_low_rank()
  TensorView lr_a;      // [rank, cols], valid when is_low_rank()
  TensorView lr_b;      // [rows, rank]
  const float* bias = nullptr;  // [rows] or null (Qwen2 Q/K/V)

  bool is_low_rank() const { return lr_a.data != nullptr; }
  int64_t rows() const { return is_low_rank() ? lr_b.rows() : dense.rows(); }
  int64_t cols() const { return is_low_rank() ? lr_a.cols() : dense.cols(); }
  // Multiply-adds per input vector.
  int64_t macs_per_token() const {
    return is_low_rank() ? lr_a.rows() * lr_a.cols() + lr_b.rows() * lr_b.cols()
                         : dense.rows() * dense.cols();
  }
};

}  // namespace cratio
