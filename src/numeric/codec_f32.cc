// f32 "codec": a copy, so every dtype (including the unquantized one) goes through the table.
#include <cstring>

#include "numeric/codecs.h"

namespace cratio::codec {

void DequantizeF32(const void* src, float* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void QuantizeF32(const float* src, void* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void QuantizeWeightedF32(const float* src, void* dst, int64_t n, const float* /*importance*/) {
  QuantizeF32(src, dst, n);
}

}  // namespace cratio::codec
