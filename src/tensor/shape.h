// Shape: up to 4 dimensions, outermost first (row-major, as numpy and safetensors write
// them). A weight matrix is {rows, cols} = {out_features, in_features}; GGUF stores the
// same dims innermost first (ne[0] = cols), and io/ reverses them on read and write.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace cratio {

class Shape {
 public:
  static constexpr int kMaxDims = 4;
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  template <typename It>
  static Shape FromRange(It begin, It end) {
    Shape s;
    for (It it = begin; it != end && s.rank_ < kMaxDims; ++it) s.dims_[s.rank_++] = *it;
    return s;
  }

  int rank() const { return rank_; }
  int64_t dim(int i) const { return dims_[i]; }
  int64_t operator[](int i) const { return dims_[i]; }
  void set_dim(int i, int64_t v) { dims_[i] = v; }
  // Product of all dims (1 for rank 0).
  int64_t num_elements() const;
  // Innermost dimension (row length); 1 for rank 0.
  int64_t cols() const { return rank_ == 0 ? 1 : dims_[rank_ - 1]; }
  // Product of all but the innermost dimension.
  int64_t rows() const { return cols() == 0 ? 0 : num_elements() / cols(); }
  std::string ToString() const;  // "[512, 64]"
  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  std::array<int64_t, kMaxDims> dims_{};
  int rank_ = 0;
};

}  // namespace cratio
