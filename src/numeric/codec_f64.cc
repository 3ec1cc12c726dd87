// f64 codec: double <-> float. Narrowing rounds to nearest (the C++ conversion); widening is
// exact. GGUF files rarely hold f64 tensors, but reading one must not fail.
#include <cmath>
#include <cstring>
#include <limits>

#include "numeric/codecs.h"

namespace cratio::codec {

void DequantizeF64(const void* src, float* dst, int64_t n) {
  const auto* bytes = static_cast<const unsigned char*>(src);  // [n] doubles, maybe unaligned
  for (int64_t i = 0; i < n; ++i) {
    double v;
    std::memcpy(&v, bytes + i * 8, 8);
    // Beyond the midpoint between FLT_MAX and 2^128 the nearest float is infinity; C++ leaves
    // out-of-range narrowing undefined, so say it.
    constexpr double kOverflow = 0x1.ffffffp127;
    if (std::fabs(v) >= kOverflow) {
      const float inf = std::numeric_limits<float>::infinity();
      dst[i] = v > 0 ? inf : -inf;
    } else {
      dst[i] = static_cast<float>(v);
    }
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
