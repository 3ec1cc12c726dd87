// Tests of the f16 / bf16 reference conversions (half.h) and the f16 / bf16 / f64 codecs in
// the table: exact on every bit pattern, IEEE rounding on ties, subnormals, inf and NaN.
#include "numeric/half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "numeric/dtype.h"

namespace cratio {
namespace {

float Pow2(int e) { return std::ldexp(1.0f, e); }

TEST(F16, DecodesEdgeBitPatterns) {
  EXPECT_EQ(F16ToF32(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(F16ToF32(0x8000)));
  EXPECT_EQ(F16ToF32(0x3c00), 1.0f);
  EXPECT_EQ(F16ToF32(0xc000), -2.0f);
  EXPECT_EQ(F16ToF32(0x3555), 0.333251953125f);      // 0x155 / 1024 + 1, times 2^-2
  EXPECT_EQ(F16ToF32(0x7bff), 65504.0f);             // largest finite
  EXPECT_EQ(F16ToF32(0x0400), Pow2(-14));            // smallest normal
  EXPECT_EQ(F16ToF32(0x0001), Pow2(-24));            // smallest subnormal
  EXPECT_EQ(F16ToF32(0x03ff), 1023.0f * Pow2(-24));  // largest subnormal
  EXPECT_EQ(F16ToF32(0x83ff), -1023.0f * Pow2(-24));
  EXPECT_EQ(F16ToF32(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(F16ToF32(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(F16ToF32(0x7e00)));
  EXPECT_TRUE(std::isnan(F16ToF32(0x7c01)));  // signalling payload is still NaN
}

TEST(F16, EncodingRoundsToNearestEven) {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1.0).
  EXPECT_EQ(F32ToF16(1.0f + Pow2(-11)), 0x3c00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
  EXPECT_EQ(F32ToF16(1.0f + 3.0f * Pow2(-11)), 0x3c02);
  // Just above a tie rounds up.
  EXPECT_EQ(F32ToF16(1.0f + Pow2(-11) + Pow2(-20)), 0x3c01);
  EXPECT_EQ(F32ToF16(-1.0f - Pow2(-11) - Pow2(-20)), 0xbc01);
  // 65520 is halfway between 65504 (odd mantissa 0x3ff) and 65536 (inf): goes to inf.
  EXPECT_EQ(F32ToF16(65520.0f), 0x7c00);
  EXPECT_EQ(F32ToF16(65519.996f), 0x7bff);
  EXPECT_EQ(F32ToF16(1e10f), 0x7c00);
  EXPECT_EQ(F32ToF16(-1e10f), 0xfc00);
}

TEST(F16, EncodesSubnormalsAndUnderflow) {
  EXPECT_EQ(F32ToF16(Pow2(-24)), 0x0001);
  EXPECT_EQ(F32ToF16(Pow2(-25)), 0x0000);              // tie between 0 and 1 ulp: even
  EXPECT_EQ(F32ToF16(3.0f * Pow2(-25)), 0x0002);       // tie between 1 and 2: even
  EXPECT_EQ(F32ToF16(Pow2(-25) + Pow2(-35)), 0x0001);  // above the tie
  EXPECT_EQ(F32ToF16(1023.0f * Pow2(-24)), 0x03ff);
  EXPECT_EQ(F32ToF16(1023.5f * Pow2(-24)), 0x0400);  // rounds up into the normals
  EXPECT_EQ(F32ToF16(Pow2(-14)), 0x0400);
  EXPECT_EQ(F32ToF16(1e-30f), 0x0000);
  EXPECT_EQ(F32ToF16(-1e-30f), 0x8000);
  EXPECT_EQ(F32ToF16(std::numeric_limits<float>::denorm_min()), 0x0000);
}

TEST(F16, EncodesInfinityAndNan) {
  EXPECT_EQ(F32ToF16(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(F32ToF16(-std::numeric_limits<float>::infinity()), 0xfc00);
  const uint16_t nan = F32ToF16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x03ff, 0);
  // A NaN whose payload lives only in the low f32 bits must not become infinity.
  const uint16_t low_payload = F32ToF16(BitsFloat(0x7f800001u));
  EXPECT_TRUE(std::isnan(F16ToF32(low_payload)));
}

TEST(F16, EveryNonNanPatternRoundTripsExactly) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = F16ToF32(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(F16ToF32(F32ToF16(f)))) << std::hex << h;
      continue;
    }
    ASSERT_EQ(F32ToF16(f), h) << std::hex << h;
  }
}

TEST(Bf16, EncodingRoundsToNearestEvenAndKeepsNanQuiet) {
  EXPECT_EQ(F32ToBf16(1.0f), 0x3f80);
  EXPECT_EQ(F32ToBf16(BitsFloat(0x3f808000u)), 0x3f80);  // tie, even stays
  EXPECT_EQ(F32ToBf16(BitsFloat(0x3f818000u)), 0x3f82);  // tie, odd rounds up
  EXPECT_EQ(F32ToBf16(BitsFloat(0x3f808001u)), 0x3f81);  // above the tie
  EXPECT_EQ(F32ToBf16(BitsFloat(0x7f7fffffu)), 0x7f80);  // FLT_MAX rounds to inf
  EXPECT_EQ(F32ToBf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(F32ToBf16(BitsFloat(0x00008000u)), 0x0000);  // subnormal tie to even
  EXPECT_EQ(F32ToBf16(BitsFloat(0x00018000u)), 0x0002);
  const uint16_t nan = F32ToBf16(BitsFloat(0x7f800001u));  // payload only in low bits
  EXPECT_TRUE(std::isnan(Bf16ToF32(nan)));
  EXPECT_NE(nan & 0x0040, 0);  // quiet bit set
  EXPECT_EQ(Bf16ToF32(0xc040), -3.0f);
}

TEST(Bf16, EveryNonNanPatternRoundTripsExactly) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    const float f = Bf16ToF32(static_cast<uint16_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(F32ToBf16(f), b) << std::hex << b;
  }
}

TEST(FloatCodecs, TableCodecsAgreeWithTheScalarConversions) {
  const std::vector<float> x = {
      0.0f, -0.0f, 1.0f + Pow2(-11), 65520.0f, Pow2(-25), 3.0f * Pow2(-25), -1234.5678f, 1e-8f};
  const DTypeInfo& f16 = GetDTypeInfo(DType::kF16);
  std::vector<uint16_t> h(x.size());
  f16.quantize_row(x.data(), h.data(), static_cast<int64_t>(x.size()));
  std::vector<float> y(x.size());
  f16.dequantize_row(h.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(h[i], F32ToF16(x[i])) << i;
    EXPECT_EQ(FloatBits(y[i]), FloatBits(F16ToF32(h[i]))) << i;
  }
  const DTypeInfo& bf16 = GetDTypeInfo(DType::kBF16);
  bf16.quantize_row(x.data(), h.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(h[i], F32ToBf16(x[i])) << i;
}

TEST(FloatCodecs, F64NarrowsToNearestFloat) {
  const double src[] = {0.1, -2.5, 1e300, 1.0 + 1e-12};
  float y[4];
  GetDTypeInfo(DType::kF64).dequantize_row(src, y, 4);
  EXPECT_EQ(y[0], 0.1f);
  EXPECT_EQ(y[1], -2.5f);
  EXPECT_EQ(y[2], std::numeric_limits<float>::infinity());
  EXPECT_EQ(y[3], 1.0f);
  const float back_src[] = {0.1f, -3.0f};
  double back[2];
  GetDTypeInfo(DType::kF64).quantize_row(back_src, back, 2);
  EXPECT_EQ(back[0], static_cast<double>(0.1f));
  EXPECT_EQ(back[1], -3.0);
}

}  // namespace
}  // namespace cratio
