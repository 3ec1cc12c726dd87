// bf16 codec: the top 16 bits of an f32, round-to-nearest-even, NaN kept quiet (half.h).
#include "numeric/codecs.h"
#include "numeric/half.h"

namespace cratio::codec {

void DequantizeBf16(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const uint16_t*>(src);  // [n]
  for (int64_t i = 0; i < n; ++i) dst[i] = Bf16ToF32(b[i]);
}

void QuantizeBf16(const float* src, void* dst, int64_t n) {
  auto* b = static_cast<uint16_t*>(dst);  // [n]
  for (int64_t i = 0; i < n; ++i) b[i] = F32ToBf16(src[i]);
}

void QuantizeWeightedBf16(const float* src, void* dst, int64_t n, const float* /*importance*/) {
  QuantizeBf16(src, dst, n);
}

}  // namespace cratio::codec
