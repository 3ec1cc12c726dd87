// The kRows16 layout: byte positions as rows16.h defines them, and unpack ∘ pack = identity.
#include "numeric/rows16.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "numeric/blocks.h"

namespace cratio {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// 16 rows of `cols` values with one spare byte per row (a source stride wider than a row).
struct Rows {
  int64_t row_bytes, stride;
  std::vector<uint8_t> bytes;
  Rows(DType dtype, int64_t cols, uint32_t seed)
      : row_bytes(RowBytes(dtype, cols)), stride(row_bytes + 1),
        bytes(RandomBytes(static_cast<size_t>(16 * stride), seed)) {}
  const uint8_t* row(int64_t n) const { return bytes.data() + n * stride; }
};

TEST(Rows16, Q4_0BytesSitWhereTheLayoutSays) {
  const int64_t cols = 96;  // 3 blocks
  const Rows rows(DType::kQ4_0, cols, 1);
  std::vector<uint8_t> group(16 * rows.row_bytes);
  PackRows16(DType::kQ4_0, rows.bytes.data(), rows.stride, cols, group.data());
  for (int64_t b = 0; b < 3; ++b) {
    const uint8_t* packed = group.data() + b * 288;
    for (int64_t n = 0; n < 16; ++n) {
      const uint8_t* block = rows.row(n) + b * 18;
      EXPECT_EQ(packed[2 * n], block[0]);
      EXPECT_EQ(packed[2 * n + 1], block[1]);
      for (int64_t m = 0; m < 16; ++m) {
        ASSERT_EQ(packed[32 + 64 * (m / 4) + 4 * n + m % 4], block[2 + m]) << b << " " << n;
      }
    }
  }
}

TEST(Rows16, Q8_0BytesSitWhereTheLayoutSays) {
  const int64_t cols = 64;  // 2 blocks
  const Rows rows(DType::kQ8_0, cols, 4);
  std::vector<uint8_t> group(16 * rows.row_bytes);
  PackRows16(DType::kQ8_0, rows.bytes.data(), rows.stride, cols, group.data());
  for (int64_t b = 0; b < 2; ++b) {
    const uint8_t* packed = group.data() + b * 544;
    for (int64_t n = 0; n < 16; ++n) {
      const uint8_t* block = rows.row(n) + b * 34;
      EXPECT_EQ(packed[2 * n], block[0]);
      for (int64_t m = 0; m < 32; ++m) {
        ASSERT_EQ(packed[32 + 64 * (m / 4) + 4 * n + m % 4], block[2 + m]) << b << " " << n;
      }
    }
  }
}

TEST(Rows16, Q4_KBytesSitWhereTheLayoutSays) {
  const int64_t cols = 512;  // 2 super-blocks
  const Rows rows(DType::kQ4_K, cols, 2);
  std::vector<uint8_t> group(16 * rows.row_bytes);
  PackRows16(DType::kQ4_K, rows.bytes.data(), rows.stride, cols, group.data());
  for (int64_t b = 0; b < 2; ++b) {
    const uint8_t* packed = group.data() + b * 2304;
    for (int64_t n = 0; n < 16; ++n) {
      const uint8_t* block = rows.row(n) + b * 144;
      EXPECT_EQ(packed[2 * n + 1], block[1]);               // d
      EXPECT_EQ(packed[32 + 2 * n], block[2]);              // dmin
      for (int64_t k = 0; k < 12; ++k) EXPECT_EQ(packed[64 + 16 * k + n], block[4 + k]);
      for (int64_t m = 0; m < 128; ++m) {
        ASSERT_EQ(packed[256 + 512 * (m / 32) + 64 * (m % 32 / 4) + 4 * n + m % 4],
                  block[16 + m])
            << b << " " << n << " " << m;
      }
    }
  }
}

TEST(Rows16, Q6_KBytesSitWhereTheLayoutSays) {
  const int64_t cols = 512;  // 2 super-blocks
  const Rows rows(DType::kQ6_K, cols, 5);
  std::vector<uint8_t> group(16 * rows.row_bytes);
  PackRows16(DType::kQ6_K, rows.bytes.data(), rows.stride, cols, group.data());
  for (int64_t b = 0; b < 2; ++b) {
    const uint8_t* packed = group.data() + b * 3360;
    for (int64_t n = 0; n < 16; ++n) {
      const uint8_t* block = rows.row(n) + b * 210;
      EXPECT_EQ(packed[2 * n], block[208]);  // d
      EXPECT_EQ(packed[2 * n + 1], block[209]);
      for (int64_t k = 0; k < 16; ++k) EXPECT_EQ(packed[32 + 16 * k + n], block[192 + k]);
      for (int64_t m = 0; m < 128; ++m) {
        ASSERT_EQ(packed[288 + 64 * (m / 4) + 4 * n + m % 4], block[m]) << "ql " << m;
      }
      for (int64_t m = 0; m < 64; ++m) {
        ASSERT_EQ(packed[2336 + 64 * (m / 4) + 4 * n + m % 4], block[128 + m]) << "qh " << m;
      }
    }
  }
}

TEST(Rows16, UnpackRestoresEveryRow) {
  for (auto [dtype, cols] : {std::pair{DType::kQ4_0, int64_t{320}},
                             std::pair{DType::kQ8_0, int64_t{160}},
                             std::pair{DType::kQ6_K, int64_t{768}},
                             std::pair{DType::kQ4_K, int64_t{768}}}) {
    const Rows rows(dtype, cols, 3);
    std::vector<uint8_t> group(16 * rows.row_bytes);
    PackRows16(dtype, rows.bytes.data(), rows.stride, cols, group.data());
    std::vector<uint8_t> back(16 * rows.row_bytes, 0xEE);
    UnpackRows16(dtype, group.data(), cols, back.data(), rows.row_bytes);
    for (int64_t n = 0; n < 16; ++n) {
      ASSERT_EQ(std::vector<uint8_t>(rows.row(n), rows.row(n) + rows.row_bytes),
                std::vector<uint8_t>(back.data() + n * rows.row_bytes,
                                     back.data() + (n + 1) * rows.row_bytes))
          << DTypeName(dtype) << " row " << n;
    }
  }
}

TEST(Rows16, DefinedForQ8_0Q4_0Q4_KAndQ6_KOnly) {
  EXPECT_TRUE(Rows16Defined(DType::kQ6_K));
  EXPECT_TRUE(Rows16Defined(DType::kQ8_0));
  EXPECT_TRUE(Rows16Defined(DType::kQ4_0));
  EXPECT_TRUE(Rows16Defined(DType::kQ4_K));
  EXPECT_FALSE(Rows16Defined(DType::kQ5_K));
  EXPECT_FALSE(Rows16Defined(DType::kF16));
}

}  // namespace
}  // namespace cratio
