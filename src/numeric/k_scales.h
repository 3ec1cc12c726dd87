// Packing of the sub-block scales inside k-quant super-blocks (internal to src/numeric):
// q4_k / q5_k keep eight 6-bit (scale, min) pairs in 12 bytes; q3_k keeps sixteen 6-bit
// scales (stored with +32 bias) in 12 bytes. Byte layouts are ggml's.
#pragma once

#include <cstdint>
#include <cstring>

namespace cratio::kscales {

// q4_k / q5_k, pair j in [0, 8):
//   j < 4: scale = bytes[j] & 63,  min = bytes[j + 4] & 63
//   j >= 4: low nibbles in bytes[j + 4] (scale low, min high); the two high bits of the
//           scale sit in bytes[j - 4] bits 6..7, of the min in bytes[j] bits 6..7.
inline void UnpackScaleMin(int j, const uint8_t* bytes, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = bytes[j] & 63;
    *min = bytes[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((bytes[j + 4] & 0xF) | ((bytes[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((bytes[j + 4] >> 4) | ((bytes[j] >> 6) << 4));
  }
}

// Inverse of UnpackScaleMin for all eight pairs; scale[j], min[j] in [0, 63].
inline void PackScaleMin(const uint8_t* scale, const uint8_t* min, uint8_t* bytes) {
  std::memset(bytes, 0, 12);
  for (int j = 0; j < 8; ++j) {
    if (j < 4) {
      bytes[j] = static_cast<uint8_t>(bytes[j] | scale[j]);
      bytes[j + 4] = static_cast<uint8_t>(bytes[j + 4] | min[j]);
    } else {
      bytes[j + 4] = static_cast<uint8_t>((scale[j] & 0xF) | ((min[j] & 0xF) << 4));
      bytes[j - 4] = static_cast<uint8_t>(bytes[j - 4] | ((scale[j] >> 4) << 6));
      bytes[j] = static_cast<uint8_t>(bytes[j] | ((min[j] >> 4) << 6));
    }
  }
}

// q3_k scale j in [0, 16), biased value in [0, 63]: low nibble in bytes[j % 8] (low half for
// j < 8, high half otherwise), high two bits in bytes[8 + j % 4] at bit 2 * (j / 4).
inline int Q3ScaleBiased(int j, const uint8_t* bytes) {
  const int low = j < 8 ? (bytes[j] & 0xF) : (bytes[j - 8] >> 4);
  const int high = (bytes[8 + j % 4] >> (2 * (j / 4))) & 3;
  return low | (high << 4);
}

// Packs sixteen biased scales (each in [0, 63]).
inline void PackQ3Scales(const int* biased, uint8_t* bytes) {
  std::memset(bytes, 0, 12);
  for (int j = 0; j < 16; ++j) {
    const int l = biased[j];
    if (j < 8) {
      bytes[j] = static_cast<uint8_t>(l & 0xF);
    } else {
      bytes[j - 8] = static_cast<uint8_t>(bytes[j - 8] | ((l & 0xF) << 4));
    }
    bytes[8 + j % 4] = static_cast<uint8_t>(bytes[8 + j % 4] | ((l >> 4) << (2 * (j / 4))));
  }
}

}  // namespace cratio::kscales
