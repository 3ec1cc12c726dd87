// Round trips through every codec in the dtype table: Gaussian rows (fixed seeds) come back
// within a per-type error bound, zeros stay zeros, and re-quantizing decoded values is stable
// where the quantizer's scale is a closed form. Bounds and measurements: docs/DTYPES.md.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "numeric/dtype.h"
#include "numeric/test_rows.h"

namespace cratio {
namespace {

constexpr int64_t kRowLength = 4096;  // 128 legacy blocks, 16 super-blocks
constexpr int kNumRows = 8;

// Largest RMSE relative to the row RMS allowed on N(0, 1) rows. Measured worst case over 16
// rows of 4096 (docs/DTYPES.md) plus 3-5 %.
const std::map<DType, double>& RelativeRmseBounds() {
  static const auto* bounds = new std::map<DType, double>{
      {DType::kF32, 0.0},     {DType::kF64, 0.0},     {DType::kF16, 0.00025},
      {DType::kBF16, 0.0018}, {DType::kQ8_0, 0.0056}, {DType::kQ8_K, 0.0075},
      {DType::kQ6_K, 0.0187}, {DType::kQ5_K, 0.038},  {DType::kQ5_1, 0.0405},
      {DType::kQ5_0, 0.0452}, {DType::kQ4_K, 0.075},  {DType::kQ4_1, 0.0825},
      {DType::kQ4_0, 0.0905}, {DType::kQ3_K, 0.157},  {DType::kQ2_K, 0.31},
  };
  return *bounds;
}

struct RoundTrip {
  std::vector<uint8_t> bytes;
  std::vector<float> decoded;
};

RoundTrip Encode(const DTypeInfo& info, const std::vector<float>& x) {
  const auto n = static_cast<int64_t>(x.size());
  RoundTrip rt;
  rt.bytes.resize(static_cast<size_t>(RowBytes(info.dtype, n)));
  rt.decoded.resize(x.size());
  info.quantize_row(x.data(), rt.bytes.data(), n);
  info.dequantize_row(rt.bytes.data(), rt.decoded.data(), n);
  return rt;
}

TEST(CodecRoundTrip, GaussianRowsStayWithinTheDocumentedBound) {
  for (const DTypeInfo& info : AllDTypes()) {
    if (info.quantize_row == nullptr) continue;
    const auto bound = RelativeRmseBounds().find(info.dtype);
    ASSERT_NE(bound, RelativeRmseBounds().end())
        << info.name << " has codecs but no documented bound";
    for (int r = 0; r < kNumRows; ++r) {
      const auto x = testing::GaussianRow(kRowLength, 1000 + r);
      const RoundTrip rt = Encode(info, x);
      EXPECT_LE(testing::RelativeRmse(x, rt.decoded), bound->second) << info.name << " row " << r;
    }
  }
}

TEST(CodecRoundTrip, MoreBitsGiveSmallerErrors) {
  // Within each family, error falls as bits per weight rise.
  const DType k_family[] = {DType::kQ2_K, DType::kQ3_K, DType::kQ4_K,
                            DType::kQ5_K, DType::kQ6_K, DType::kQ8_K};
  const DType legacy[] = {DType::kQ4_0, DType::kQ4_1, DType::kQ5_0, DType::kQ5_1, DType::kQ8_0};
  const auto x = testing::GaussianRow(kRowLength, 77);
  for (const auto& family : {std::vector<DType>(std::begin(k_family), std::end(k_family)),
                             std::vector<DType>(std::begin(legacy), std::end(legacy))}) {
    double previous = 1.0;
    for (DType dtype : family) {
      const double err = testing::RelativeRmse(x, Encode(GetDTypeInfo(dtype), x).decoded);
      EXPECT_LT(err, previous) << DTypeName(dtype);
      previous = err;
    }
  }
}

TEST(CodecRoundTrip, KQuantsBeatLegacyTypesOfTheSameSize) {
  const auto x = testing::GaussianRow(kRowLength, 78);
  auto err = [&](DType d) { return testing::RelativeRmse(x, Encode(GetDTypeInfo(d), x).decoded); };
  EXPECT_LT(err(DType::kQ4_K), err(DType::kQ4_0));  // both 4.5 bits per weight
  EXPECT_LT(err(DType::kQ5_K), err(DType::kQ5_0));  // both 5.5 bits per weight
}

TEST(CodecRoundTrip, ZeroRowsDecodeToZeros) {
  const std::vector<float> zeros(512, 0.0f);
  for (const DTypeInfo& info : AllDTypes()) {
    if (info.quantize_row == nullptr) continue;
    const RoundTrip rt = Encode(info, zeros);
    for (size_t i = 0; i < zeros.size(); ++i)
      ASSERT_EQ(rt.decoded[i], 0.0f) << info.name << " " << i;
  }
}

TEST(CodecRoundTrip, OneBigElementPerBlockIsReproducedClosely) {
  // An outlier sets the block scale; it must itself come back within one quantization step.
  for (const DTypeInfo& info : AllDTypes()) {
    if (!info.is_quantized) continue;
    auto x = testing::GaussianRow(512, 5, 0.01f);
    for (size_t i = 0; i < x.size(); i += static_cast<size_t>(info.block_size)) x[i + 3] = 10.0f;
    const RoundTrip rt = Encode(info, x);
    for (size_t i = 0; i < x.size(); i += static_cast<size_t>(info.block_size)) {
      EXPECT_NEAR(rt.decoded[i + 3], 10.0f, 10.0f * 0.25f) << info.name << " element " << i + 3;
    }
  }
}

TEST(CodecRoundTrip, ClosedFormQuantizersAreIdempotent) {
  // Where the scale is a closed form of the block (absmax or min/range), decoded values lie on
  // the grid that re-quantizing them chooses again. The k-quants search their scales and may
  // settle on a neighbouring grid (measured in docs/DTYPES.md), so they are not listed.
  const DType idempotent[] = {DType::kF16,  DType::kBF16, DType::kQ4_0, DType::kQ4_1,
                              DType::kQ5_0, DType::kQ5_1, DType::kQ8_0};
  for (DType dtype : idempotent) {
    const DTypeInfo& info = GetDTypeInfo(dtype);
    for (int r = 0; r < 4; ++r) {
      const auto x = testing::GaussianRow(kRowLength, 2000 + r);
      const RoundTrip once = Encode(info, x);
      const RoundTrip twice = Encode(info, once.decoded);
      EXPECT_EQ(once.decoded, twice.decoded) << info.name << " row " << r;
    }
  }
}

TEST(CodecRoundTrip, RowsAreQuantizedBlockByBlock) {
  // Quantizing two rows in one call equals quantizing each: no state crosses blocks.
  for (const DTypeInfo& info : AllDTypes()) {
    if (info.quantize_row == nullptr) continue;
    const auto a = testing::GaussianRow(512, 31);
    const auto b = testing::GaussianRow(512, 32, 3.0f);
    std::vector<float> both(a);
    both.insert(both.end(), b.begin(), b.end());
    const RoundTrip ra = Encode(info, a);
    const RoundTrip rb = Encode(info, b);
    const RoundTrip rboth = Encode(info, both);
    std::vector<uint8_t> joined(ra.bytes);
    joined.insert(joined.end(), rb.bytes.begin(), rb.bytes.end());
    EXPECT_EQ(rboth.bytes, joined) << info.name;
  }
}

TEST(CodecRoundTripDeathTest, PartialBlocksAreACallerBug) {
  // Rows from files are checked with RowFitsBlocks; a codec handed a partial block aborts
  // instead of leaving the tail of the output unwritten.
  std::vector<float> x(64, 1.0f);
  std::vector<uint8_t> bytes(1024);
  EXPECT_DEATH(GetDTypeInfo(DType::kQ4_0).quantize_row(x.data(), bytes.data(), 33),
               "whole number of blocks");
  EXPECT_DEATH(GetDTypeInfo(DType::kQ4_K).dequantize_row(bytes.data(), x.data(), 32),
               "whole number of blocks");
}

TEST(CodecRoundTrip, Q8_KBsumsAreTheSumsOfEachSixteen) {
  const DTypeInfo& info = GetDTypeInfo(DType::kQ8_K);
  const auto x = testing::GaussianRow(1024, 9);
  const RoundTrip rt = Encode(info, x);
  for (int b = 0; b < 4; ++b) {
    const uint8_t* block = rt.bytes.data() + b * info.block_bytes;
    const int8_t* qs = reinterpret_cast<const int8_t*>(block + 4);
    int16_t bsums[16];
    std::memcpy(bsums, block + 4 + 256, sizeof(bsums));
    for (int g = 0; g < 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += qs[16 * g + i];
      EXPECT_EQ(bsums[g], sum) << "block " << b << " group " << g;
    }
  }
}

}  // namespace
}  // namespace cratio
