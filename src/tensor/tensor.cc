// Tensor storage.
#include "tensor/tensor.h"

#include <cstring>

#include "base/check.h"

namespace cratio {

uint64_t TensorBytes(DType dtype, const Shape& shape) {
  return static_cast<uint64_t>(shape.rows()) * static_cast<uint64_t>(RowBytes(dtype, shape.cols()));
}

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(shape), buf_(TensorBytes(dtype, shape)), size_bytes_(TensorBytes(dtype, shape)) {
  CRATIO_CHECK(RowFitsBlocks(dtype, shape.cols()));
}

Tensor Tensor::Copy(const TensorView& v) {
  Tensor t(v.dtype, v.shape);
  if (t.size_bytes_) std::memcpy(t.data(), v.data, t.size_bytes_);
  return t;
}

}  // namespace cratio
