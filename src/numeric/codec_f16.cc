// f16 codec: IEEE half per element, round-to-nearest-even (half.h holds the conversions).
#include "numeric/codecs.h"
#include "numeric/half.h"

namespace cratio::codec {

void DequantizeF16(const void* src, float* dst, int64_t n) {
  const auto* h = static_cast<const uint16_t*>(src);  // [n]
  for (int64_t i = 0; i < n; ++i) dst[i] = F16ToF32(h[i]);
}

void QuantizeF16(const float* src, void* dst, int64_t n) {
  auto* h = static_cast<uint16_t*>(dst);  // [n]
  for (int64_t i = 0; i < n; ++i) h[i] = F32ToF16(src[i]);
}

void QuantizeWeightedF16(const float* src, void* dst, int64_t n, const float* /*importance*/) {
  QuantizeF16(src, dst, n);
}

}  // namespace cratio::codec
