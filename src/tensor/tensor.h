// TensorView (non-owning, cheap to copy) and Tensor (owning, move-only). Data is stored
// row-major in the tensor's dtype; quantized rows are whole blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/aligned_buffer.h"
#include "numeric/dtype.h"
#include "tensor/shape.h"

namespace cratio {

// How a 2-D weight's bytes are arranged. kRows: row-major, whole blocks per row (the file
// layout). kRows16: the same blocks regrouped for the matmul kernels, 16 rows at a time
// (numeric/rows16.h); row(r) is meaningless there and only Matmul reads such a view.
enum class WeightLayout : uint8_t { kRows, kRows16 };

struct TensorView {
  DType dtype = DType::kF32;
  Shape shape;
  const void* data = nullptr;  // not owned; lives in a MappedFile or a Tensor
  uint64_t size_bytes = 0;
  WeightLayout layout = WeightLayout::kRows;

  int64_t num_elements() const { return shape.num_elements(); }
  int64_t rows() const { return shape.rows(); }
  int64_t cols() const { return shape.cols(); }
  // Bytes of one row (cols elements).
  int64_t row_bytes() const { return RowBytes(dtype, shape.cols()); }
  const uint8_t* row(int64_t r) const {
    return static_cast<const uint8_t*>(data) + r * row_bytes();
  }
  template <typename T> const T* as() const { return static_cast<const T*>(data); }
};

class Tensor {
 public:
  Tensor() = default;
  // Allocates a zero-filled tensor. `shape.cols()` must fit the dtype's block size.
  Tensor(DType dtype, Shape shape);
  Tensor(Tensor&&) = default;
  Tensor& operator=(Tensor&&) = default;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  // Deep copy of a view.
  static Tensor Copy(const TensorView& v);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  void* data() { return buf_.data(); }
  const void* data() const { return buf_.data(); }
  template <typename T> T* as() { return buf_.as<T>(); }
  template <typename T> const T* as() const { return buf_.as<T>(); }
  uint64_t size_bytes() const { return size_bytes_; }
  TensorView view() const { return TensorView{dtype_, shape_, buf_.data(), size_bytes_}; }

 private:
  DType dtype_ = DType::kF32;
  Shape shape_;
  AlignedBuffer buf_;
  uint64_t size_bytes_ = 0;
};

// Bytes a tensor of this dtype and shape occupies (rows * RowBytes(cols)).
uint64_t TensorBytes(DType dtype, const Shape& shape);

}  // namespace cratio
