// f64 codec: double <-> float. Narrowing rounds to nearest (the C++ conversion); widening is
// exact. GGUF files rarely hold f64 tensors, but reading one must not fail.
#include <cstring>

#include "numeric/codecs.h"

namespace cratio::codec {

void DequantizeF64(const void* src, float* dst, int64_t n) {
  const auto* bytes = static_cast<const unsigned char*>(src);  // [n] doubles, maybe unaligned
  for (int64_t i = 0; i < n; ++i) {
    double v;
    std::memcpy(&v, bytes + i * 8, 8);
    dst[i] = static_cast<float>(v);
  }
}

void QuantizeF64(const float* src, void* dst, int64_t n) {
  auto* bytes = static_cast<unsigned char*>(dst);
  for (int64_t i = 0; i < n; ++i) {
    const double v = src[i];
    std::memcpy(bytes + i * 8, &v, 8);
  }
}

}  // namespace cratio::codec
