// Unpacking of the 6-bit scales shared by the k-quant formats (q4_k, q5_k: 8 scale/min
// pairs in 12 bytes; q3_k: 16 scales in 12 bytes). Scalar, used by every ISA.
#pragma once

#include <cstdint>
#include <cstring>

namespace cratio::kernels {

// q4_k / q5_k: scale and min of sub-block j (0..7), each 6 bits, from the 12 packed bytes.
inline void ScaleMinK4(int j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// q4_k / q5_k: all 8 scales and 8 mins at once.
inline void ScalesMinsK4(const uint8_t* packed, uint8_t scales[8], uint8_t mins[8]) {
  for (int j = 0; j < 8; ++j) ScaleMinK4(j, packed, &scales[j], &mins[j]);
}

// q4_k / q5_k: out[0..7] = the 8 scales, out[8..15] = the 8 mins, with 32-bit word
// operations (same result as ScaleMinK4 for every j).
inline void UnpackScalesMinsK4(const uint8_t* packed, uint8_t out[16]) {
  constexpr uint32_t kLow6 = 0x3f3f3f3f, kLow4 = 0x0f0f0f0f, kLow2 = 0x03030303;
  uint32_t w[4];
  std::memcpy(w, packed, 12);
  // bytes 0-3: scales 0-3 (+ top bits of scales 4-7), 4-7: mins 0-3 (+ top bits of mins
  // 4-7), 8-11: low nibbles scales 4-7 | high nibbles mins 4-7.
  const uint32_t mins_4_7 = ((w[2] >> 4) & kLow4) | (((w[1] >> 6) & kLow2) << 4);
  const uint32_t mins_0_3 = w[1] & kLow6;
  const uint32_t scales_4_7 = (w[2] & kLow4) | (((w[0] >> 6) & kLow2) << 4);
  const uint32_t scales_0_3 = w[0] & kLow6;
  const uint32_t words[4] = {scales_0_3, scales_4_7, mins_0_3, mins_4_7};
  std::memcpy(out, words, 16);
}

// q3_k: the 16 signed sub-block scales (already minus 32) from the 12 packed bytes: low
// 4 bits from bytes 0..7 (low nibbles first), high 2 bits from bytes 8..11.
inline void ScalesQ3K(const uint8_t* packed, int8_t scales[16]) {
  for (int j = 0; j < 16; ++j) {
    const int low = j < 8 ? (packed[j] & 0xF) : (packed[j - 8] >> 4);
    const int high = (packed[8 + (j % 4)] >> (2 * (j / 4))) & 3;
    scales[j] = static_cast<int8_t>((low | (high << 4)) - 32);
  }
}

// q3_k: the same 16 scales (minus 32) with 32-bit word operations: word i of the result
// holds scales 4i..4i+3 — low nibbles from bytes 0-7, top 2 bits from bytes 8-11.
inline void ScalesQ3KWords(const uint8_t* packed, int8_t scales[16]) {
  constexpr uint32_t kLow4 = 0x0f0f0f0f, kLow2 = 0x03030303;
  uint32_t w[3];
  std::memcpy(w, packed, 12);
  uint32_t out[4] = {
      (w[0] & kLow4) | (((w[2] >> 0) & kLow2) << 4),
      (w[1] & kLow4) | (((w[2] >> 2) & kLow2) << 4),
      ((w[0] >> 4) & kLow4) | (((w[2] >> 4) & kLow2) << 4),
      ((w[1] >> 4) & kLow4) | (((w[2] >> 6) & kLow2) << 4),
  };
  uint8_t bytes[16];
  std::memcpy(bytes, out, 16);
  for (int j = 0; j < 16; ++j) scales[j] = static_cast<int8_t>(bytes[j] - 32);
}

}  // namespace cratio::kernels
