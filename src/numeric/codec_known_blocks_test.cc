// Hand-built blocks decode to hand-computed values. Each expected value is computed from an
// element-indexed reading of the ggml block layout ("element e lives in byte ..., bits ...")
// written here independently of the codecs' loops; scales are chosen so every product is
// exact in float, so the comparison is exact. Quantizers are checked on inputs that lie on
// the quantization grid, where the right answer is known without running the code.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "numeric/blocks.h"
#include "numeric/dtype.h"

namespace cratio {
namespace {

constexpr uint16_t kHalfOne = 0x3c00;        // 1.0
constexpr uint16_t kHalfHalf = 0x3800;       // 0.5
constexpr uint16_t kHalfQuarter = 0x3400;    // 0.25
constexpr uint16_t kHalfEighth = 0x3000;     // 0.125
constexpr uint16_t kHalfSixteenth = 0x2c00;  // 0.0625
constexpr uint16_t kHalfTwo = 0x4000;        // 2.0
constexpr uint16_t kHalfMinusOne = 0xbc00;   // -1.0

std::vector<float> Decode(DType dtype, const void* block, int n) {
  std::vector<float> y(static_cast<size_t>(n));
  GetDTypeInfo(dtype).dequantize_row(block, y.data(), n);
  return y;
}

TEST(KnownBlocks, Q4_0DecodesLowNibblesFirst) {
  BlockQ4_0 b;
  b.d = kHalfHalf;
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  const auto y = Decode(DType::kQ4_0, &b, 32);
  for (int e = 0; e < 32; ++e) {
    const int q = e < 16 ? e : 15 - (e - 16);
    EXPECT_EQ(y[e], 0.5f * static_cast<float>(q - 8)) << e;
  }
  EXPECT_EQ(y[0], -4.0f);
  EXPECT_EQ(y[15], 3.5f);
  EXPECT_EQ(y[16], 3.5f);
  EXPECT_EQ(y[31], -4.0f);
}

TEST(KnownBlocks, Q4_1AddsTheMin) {
  BlockQ4_1 b;
  b.d = kHalfQuarter;
  b.m = kHalfMinusOne;
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | (((j * 7) % 16) << 4));
  const auto y = Decode(DType::kQ4_1, &b, 32);
  for (int e = 0; e < 32; ++e) {
    const int q = e < 16 ? e : ((e - 16) * 7) % 16;
    EXPECT_EQ(y[e], 0.25f * static_cast<float>(q) - 1.0f) << e;
  }
  EXPECT_EQ(y[0], -1.0f);
  EXPECT_EQ(y[15], 2.75f);
}

// qh = 0xf0f0a5a5 little-endian: element e takes bit e as its fifth bit.
constexpr uint8_t kQh5[4] = {0xa5, 0xa5, 0xf0, 0xf0};
constexpr uint32_t kQh5Word = 0xf0f0a5a5u;

TEST(KnownBlocks, Q5_0TakesTheFifthBitFromQh) {
  BlockQ5_0 b;
  b.d = kHalfHalf;
  std::memcpy(b.qh, kQh5, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  const auto y = Decode(DType::kQ5_0, &b, 32);
  for (int e = 0; e < 32; ++e) {
    const int low = e < 16 ? e : 15 - (e - 16);
    const int q = low + 16 * static_cast<int>((kQh5Word >> e) & 1);
    EXPECT_EQ(y[e], 0.5f * static_cast<float>(q - 16)) << e;
  }
  EXPECT_EQ(y[0], 0.0f);   // low 0, fifth bit 1: q = 16
  EXPECT_EQ(y[1], -7.5f);  // low 1, fifth bit 0: q = 1
  EXPECT_EQ(y[31], 0.0f);  // low 0, fifth bit 1
}

TEST(KnownBlocks, Q5_1TakesTheFifthBitFromQhAndAddsTheMin) {
  BlockQ5_1 b;
  b.d = kHalfEighth;
  b.m = kHalfTwo;
  std::memcpy(b.qh, kQh5, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  const auto y = Decode(DType::kQ5_1, &b, 32);
  for (int e = 0; e < 32; ++e) {
    const int low = e < 16 ? e : 15 - (e - 16);
    const int q = low + 16 * static_cast<int>((kQh5Word >> e) & 1);
    EXPECT_EQ(y[e], 0.125f * static_cast<float>(q) + 2.0f) << e;
  }
  EXPECT_EQ(y[0], 4.0f);  // q = 16
}

TEST(KnownBlocks, Q8_0IsSignedBytesTimesScale) {
  BlockQ8_0 b;
  b.d = kHalfTwo;
  for (int j = 0; j < 32; ++j) b.qs[j] = static_cast<int8_t>(8 * j - 128);
  const auto y = Decode(DType::kQ8_0, &b, 32);
  for (int e = 0; e < 32; ++e) EXPECT_EQ(y[e], 2.0f * static_cast<float>(8 * e - 128)) << e;
  EXPECT_EQ(y[0], -256.0f);
  EXPECT_EQ(y[31], 240.0f);
}

TEST(KnownBlocks, Q2_KPacksFourElementsPerByteAcross32ByteGroups) {
  BlockQ2_K b;
  b.d = kHalfHalf;
  b.dmin = kHalfQuarter;
  for (int s = 0; s < 16; ++s) b.scales[s] = static_cast<uint8_t>((s % 16) | (((s * 3) % 16) << 4));
  for (int i = 0; i < 64; ++i) b.qs[i] = static_cast<uint8_t>(i * 37 + 11);
  const auto y = Decode(DType::kQ2_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int half = e / 128;
    const int w = e % 128;
    const int q = (b.qs[half * 32 + w % 32] >> (2 * (w / 32))) & 3;
    const int sub = e / 16;
    const double expected = 0.5 * (b.scales[sub] & 0xF) * q - 0.25 * (b.scales[sub] >> 4);
    EXPECT_EQ(y[e], static_cast<float>(expected)) << e;
  }
  // Element 0: byte 0 = 11 = 0b1011, bits 0-1 = 3; sub-block 0: scale 0, min 0.
  EXPECT_EQ(y[0], 0.0f);
  // Element 16: byte 16 = 16*37+11 = 603 mod 256 = 91 = 0b01011011, bits 0-1 = 3;
  // sub-block 1: scale 1, min 3 -> 0.5*1*3 - 0.25*3 = 0.75.
  EXPECT_EQ(y[16], 0.75f);
}

TEST(KnownBlocks, Q3_KUsesSixBitScalesAndTheHighBitMask) {
  BlockQ3_K b;
  b.d = kHalfQuarter;
  int biased[16];
  for (int j = 0; j < 16; ++j) biased[j] = 32 + (j - 8) * 3;  // 8 .. 53
  // Scale layout: low nibble of scale j in byte j % 8 (low half for j < 8), its two high bits
  // in byte 8 + j % 4 at bit 2 * (j / 4).
  std::memset(b.scales, 0, sizeof(b.scales));
  for (int j = 0; j < 16; ++j) {
    const int low = biased[j] & 0xF;
    b.scales[j % 8] = static_cast<uint8_t>(b.scales[j % 8] | (j < 8 ? low : low << 4));
    b.scales[8 + j % 4] =
        static_cast<uint8_t>(b.scales[8 + j % 4] | ((biased[j] >> 4) << (2 * (j / 4))));
  }
  for (int i = 0; i < 32; ++i) b.hmask[i] = static_cast<uint8_t>(i * 29 + 3);
  for (int i = 0; i < 64; ++i) b.qs[i] = static_cast<uint8_t>(i * 53 + 7);
  const auto y = Decode(DType::kQ3_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int w = e % 128;
    const int low2 = (b.qs[(e / 128) * 32 + w % 32] >> (2 * (w / 32))) & 3;
    const int high = (b.hmask[e % 32] >> (e / 32)) & 1;
    const int q = low2 - (high ? 0 : 4);
    const double expected = 0.25 * (biased[e / 16] - 32) * q;
    EXPECT_EQ(y[e], static_cast<float>(expected)) << e;
  }
  // Element 0: qs[0] = 7 -> low2 = 3; hmask[0] = 3 -> bit 0 set; scale 8 - 32 = -24.
  EXPECT_EQ(y[0], 0.25f * -24.0f * 3.0f);
}

// Scale/min layout of q4_k and q5_k: for j < 4 the low 6 bits of bytes[j] (scale) and
// bytes[j + 4] (min); for j >= 4 the low / high nibble of bytes[j + 4] plus the top two bits
// of bytes[j - 4] (scale) and bytes[j] (min).
void PackScaleMinByHand(const int* sc, const int* mn, uint8_t* bytes) {
  for (int j = 0; j < 4; ++j) {
    bytes[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
    bytes[j + 4] = static_cast<uint8_t>(mn[j] | ((mn[j + 4] >> 4) << 6));
    bytes[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
  }
}

TEST(KnownBlocks, Q4_KUsesPackedScalesAndMins) {
  BlockQ4_K b;
  b.d = kHalfHalf;
  b.dmin = kHalfEighth;
  int sc[8];
  int mn[8];
  for (int j = 0; j < 8; ++j) {
    sc[j] = 5 + 7 * j;   // 5 .. 54: high bits set from j = 2 on
    mn[j] = 63 - 8 * j;  // 63 .. 7
  }
  PackScaleMinByHand(sc, mn, b.scales);
  for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>(i * 13 + 5);
  const auto y = Decode(DType::kQ4_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int w = e % 64;
    const uint8_t byte = b.qs[(e / 64) * 32 + w % 32];
    const int q = w < 32 ? (byte & 0xF) : (byte >> 4);
    const double expected = 0.5 * sc[e / 32] * q - 0.125 * mn[e / 32];
    EXPECT_EQ(y[e], static_cast<float>(expected)) << e;
  }
  // Element 0: qs[0] = 5; 0.5 * 5 * 5 - 0.125 * 63.
  EXPECT_EQ(y[0], 12.5f - 7.875f);
}

TEST(KnownBlocks, Q5_KAddsTheFifthBitFromQh) {
  BlockQ5_K b;
  b.d = kHalfHalf;
  b.dmin = kHalfEighth;
  int sc[8];
  int mn[8];
  for (int j = 0; j < 8; ++j) {
    sc[j] = 54 - 7 * j;
    mn[j] = 7 + 8 * j;
  }
  PackScaleMinByHand(sc, mn, b.scales);
  for (int i = 0; i < 32; ++i) b.qh[i] = static_cast<uint8_t>(i * 91 + 17);
  for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>(i * 13 + 5);
  const auto y = Decode(DType::kQ5_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int group = e / 64;
    const int w = e % 64;
    const uint8_t byte = b.qs[group * 32 + w % 32];
    const int low = w < 32 ? (byte & 0xF) : (byte >> 4);
    const int high = (b.qh[w % 32] >> (2 * group + (w < 32 ? 0 : 1))) & 1;
    const double expected = 0.5 * sc[e / 32] * (low + 16 * high) - 0.125 * mn[e / 32];
    EXPECT_EQ(y[e], static_cast<float>(expected)) << e;
  }
  // Element 0: qs[0] = 5, qh[0] = 17 -> bit 0 set: q = 21; 0.5 * 54 * 21 - 0.125 * 7.
  EXPECT_EQ(y[0], 567.0f - 0.875f);
}

TEST(KnownBlocks, Q6_KSplitsSixBitsBetweenQlAndQh) {
  BlockQ6_K b;
  b.d = kHalfSixteenth;
  for (int s = 0; s < 16; ++s) b.scales[s] = static_cast<int8_t>(9 * s - 70);
  for (int i = 0; i < 128; ++i) b.ql[i] = static_cast<uint8_t>(i * 23 + 1);
  for (int i = 0; i < 64; ++i) b.qh[i] = static_cast<uint8_t>(i * 71 + 9);
  const auto y = Decode(DType::kQ6_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int half = e / 128;
    const int w = e % 128;
    const int l = w % 32;
    const int quarter = w / 32;  // 0: ql[l] low, 1: ql[l+32] low, 2: ql[l] high, 3: ql[l+32] high
    const uint8_t byte = b.ql[half * 64 + (quarter % 2) * 32 + l];
    const int low = quarter < 2 ? (byte & 0xF) : (byte >> 4);
    const int high = (b.qh[half * 32 + l] >> (2 * quarter)) & 3;
    const double expected = 0.0625 * b.scales[e / 16] * ((low | (high << 4)) - 32);
    EXPECT_EQ(y[e], static_cast<float>(expected)) << e;
  }
  // Element 0: ql[0] = 1 -> low 1; qh[0] = 9 -> bits 0-1 = 1: q = 17; scale -70.
  EXPECT_EQ(y[0], 0.0625f * -70.0f * -15.0f);
}

TEST(KnownBlocks, Q8_KUsesAFloatScale) {
  BlockQ8_K b;
  b.d = 0.5f;
  for (int j = 0; j < 256; ++j) b.qs[j] = static_cast<int8_t>((j * 7) % 255 - 127);
  std::memset(b.bsums, 0, sizeof(b.bsums));
  const auto y = Decode(DType::kQ8_K, &b, 256);
  for (int e = 0; e < 256; ++e)
    EXPECT_EQ(y[e], 0.5f * static_cast<float>((e * 7) % 255 - 127)) << e;
}

TEST(KnownBlocks, DecodingSeveralBlocksConcatenatesThem) {
  BlockQ8_0 blocks[2];
  blocks[0].d = kHalfOne;
  blocks[1].d = kHalfMinusOne;
  for (int j = 0; j < 32; ++j) {
    blocks[0].qs[j] = static_cast<int8_t>(j);
    blocks[1].qs[j] = static_cast<int8_t>(j);
  }
  const auto y = Decode(DType::kQ8_0, blocks, 64);
  EXPECT_EQ(y[5], 5.0f);
  EXPECT_EQ(y[32 + 5], -5.0f);
}

// Quantizers on grid inputs: values already of the form d * q must come back exactly.

TEST(KnownQuantization, Q4_0RecoversGridValuesExactly) {
  float x[32];
  for (int e = 0; e < 32; ++e) x[e] = 0.5f * static_cast<float>((e % 16) - 8);  // -4 .. 3.5
  BlockQ4_0 b;
  GetDTypeInfo(DType::kQ4_0).quantize_row(x, &b, 32);
  EXPECT_EQ(b.d, kHalfHalf);  // max / -8 with max = -4
  EXPECT_EQ(b.qs[0], 0x00);   // elements 0 and 16 are both -4 -> q = 0
  EXPECT_EQ(b.qs[15], 0xff);  // elements 15 and 31 are both 3.5 -> q = 15
  const auto y = Decode(DType::kQ4_0, &b, 32);
  for (int e = 0; e < 32; ++e) EXPECT_EQ(y[e], x[e]) << e;
}

TEST(KnownQuantization, Q4_1UsesTheBlockMinAndRange) {
  float x[32];
  for (int e = 0; e < 32; ++e) x[e] = 0.25f * static_cast<float>(e % 16) - 1.0f;  // -1 .. 2.75
  BlockQ4_1 b;
  GetDTypeInfo(DType::kQ4_1).quantize_row(x, &b, 32);
  EXPECT_EQ(b.d, kHalfQuarter);   // range 3.75 / 15
  EXPECT_EQ(b.m, kHalfMinusOne);  // the min
  const auto y = Decode(DType::kQ4_1, &b, 32);
  for (int e = 0; e < 32; ++e) EXPECT_EQ(y[e], x[e]) << e;
}

TEST(KnownQuantization, Q5_0AndQ5_1RecoverGridValuesExactly) {
  float x[32];
  for (int e = 0; e < 32; ++e) x[e] = 0.5f * static_cast<float>(e - 16);  // -8 .. 7.5
  BlockQ5_0 b0;
  GetDTypeInfo(DType::kQ5_0).quantize_row(x, &b0, 32);
  EXPECT_EQ(b0.d, kHalfHalf);
  BlockQ5_1 b1;
  GetDTypeInfo(DType::kQ5_1).quantize_row(x, &b1, 32);
  EXPECT_EQ(b1.d, kHalfHalf);  // range 15.5 / 31
  const auto y0 = Decode(DType::kQ5_0, &b0, 32);
  const auto y1 = Decode(DType::kQ5_1, &b1, 32);
  for (int e = 0; e < 32; ++e) {
    EXPECT_EQ(y0[e], x[e]) << e;
    EXPECT_EQ(y1[e], x[e]) << e;
  }
}

TEST(KnownQuantization, Q8_0WithAbsmax127HasUnitScale) {
  float x[32];
  for (int e = 0; e < 32; ++e) x[e] = static_cast<float>(4 * e - 64);
  x[7] = -127.0f;
  BlockQ8_0 b;
  GetDTypeInfo(DType::kQ8_0).quantize_row(x, &b, 32);
  EXPECT_EQ(b.d, kHalfOne);
  for (int e = 0; e < 32; ++e) EXPECT_EQ(b.qs[e], static_cast<int8_t>(x[e])) << e;
}

TEST(KnownQuantization, Q8_KOfAConstantRowFillsBsums) {
  std::vector<float> x(256, 1.0f);
  BlockQ8_K b;
  GetDTypeInfo(DType::kQ8_K).quantize_row(x.data(), &b, 256);
  // The largest element maps to -127, so d = 1 / -127 and every q = -127.
  EXPECT_EQ(b.d, 1.0f / (-127.0f / 1.0f));
  for (int e = 0; e < 256; ++e) ASSERT_EQ(b.qs[e], -127) << e;
  for (int g = 0; g < 16; ++g) EXPECT_EQ(b.bsums[g], -127 * 16) << g;
}

}  // namespace
}  // namespace cratio
