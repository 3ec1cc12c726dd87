// Tests of the dtype table itself: its rows, lookups by id and name, and row sizes.
#include "numeric/dtype.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace cratio {
namespace {

TEST(DTypeTable, HasOneRowPerEnumValueInEnumOrder) {
  const auto table = AllDTypes();
  ASSERT_EQ(table.size(), 18u);
  const DType expected[] = {DType::kF32,  DType::kF16,  DType::kQ4_0, DType::kQ4_1, DType::kQ5_0,
                            DType::kQ5_1, DType::kQ8_0, DType::kQ2_K, DType::kQ3_K, DType::kQ4_K,
                            DType::kQ5_K, DType::kQ6_K, DType::kQ8_K, DType::kI8,   DType::kI16,
                            DType::kI32,  DType::kF64,  DType::kBF16};
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(table[i].dtype, expected[i]) << "row " << i;
    EXPECT_EQ(&GetDTypeInfo(table[i].dtype), &table[i]);
  }
}

TEST(DTypeTable, BlockGeometryMatchesGgml) {
  struct Geometry {
    DType dtype;
    int64_t block_size;
    int64_t block_bytes;
    double bits_per_weight;
  };
  // Sizes from the GGUF specification's type table.
  const Geometry geometry[] = {
      {DType::kF32, 1, 4, 32.0},        {DType::kF16, 1, 2, 16.0},
      {DType::kBF16, 1, 2, 16.0},       {DType::kQ4_0, 32, 18, 4.5},
      {DType::kQ4_1, 32, 20, 5.0},      {DType::kQ5_0, 32, 22, 5.5},
      {DType::kQ5_1, 32, 24, 6.0},      {DType::kQ8_0, 32, 34, 8.5},
      {DType::kQ2_K, 256, 84, 2.625},   {DType::kQ3_K, 256, 110, 3.4375},
      {DType::kQ4_K, 256, 144, 4.5},    {DType::kQ5_K, 256, 176, 5.5},
      {DType::kQ6_K, 256, 210, 6.5625}, {DType::kQ8_K, 256, 292, 9.125},
      {DType::kI8, 1, 1, 8.0},          {DType::kI16, 1, 2, 16.0},
      {DType::kI32, 1, 4, 32.0},        {DType::kF64, 1, 8, 64.0},
  };
  for (const Geometry& g : geometry) {
    const DTypeInfo& info = GetDTypeInfo(g.dtype);
    EXPECT_EQ(info.block_size, g.block_size) << info.name;
    EXPECT_EQ(info.block_bytes, g.block_bytes) << info.name;
    EXPECT_DOUBLE_EQ(info.bits_per_weight(), g.bits_per_weight) << info.name;
  }
}

TEST(DTypeTable, CodecsArePresentExactlyWhereDocumented) {
  for (const DTypeInfo& info : AllDTypes()) {
    const bool is_int =
        info.dtype == DType::kI8 || info.dtype == DType::kI16 || info.dtype == DType::kI32;
    EXPECT_EQ(info.dequantize_row == nullptr, is_int) << info.name;
    EXPECT_EQ(info.quantize_row == nullptr, is_int) << info.name;
    const bool has_weighted = !is_int && info.dtype != DType::kQ8_K && info.dtype != DType::kF64;
    EXPECT_EQ(info.quantize_row_weighted != nullptr, has_weighted) << info.name;
    EXPECT_EQ(info.is_quantized, info.block_size > 1) << info.name;
  }
}

TEST(DTypeLookup, GgmlIdRoundTripsForEveryRow) {
  for (const DTypeInfo& info : AllDTypes()) {
    const auto parsed = DTypeFromGgmlId(static_cast<uint32_t>(info.dtype));
    ASSERT_TRUE(parsed.has_value()) << info.name;
    EXPECT_EQ(*parsed, info.dtype);
  }
}

TEST(DTypeLookup, UnknownGgmlIdsAreRejected) {
  // 4 and 5 were q4_2 / q4_3 (removed), 9 is q8_1, 16.. are i-quants, 31+ beyond the table.
  for (uint32_t id : {4u, 5u, 9u, 16u, 23u, 27u, 29u, 31u, 39u, 1000u, 0xffffffffu}) {
    EXPECT_FALSE(DTypeFromGgmlId(id).has_value()) << id;
  }
}

TEST(DTypeLookup, NamesAreCaseInsensitiveAndExact) {
  for (const DTypeInfo& info : AllDTypes()) {
    EXPECT_EQ(DTypeName(info.dtype), info.name);
    EXPECT_EQ(DTypeFromName(info.name), info.dtype);
    std::string upper(info.name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(DTypeFromName(upper), info.dtype) << upper;
  }
  EXPECT_EQ(DTypeFromName("Q4_k"), DType::kQ4_K);
  EXPECT_EQ(DTypeFromName("BF16"), DType::kBF16);
  for (const char* bad : {"", "q4", "q4_2", "q4_k ", " q4_k", "q4-k", "float16", "q4_kk"}) {
    EXPECT_FALSE(DTypeFromName(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(DTypeRows, RowBytesCountsWholeBlocks) {
  EXPECT_EQ(RowBytes(DType::kF32, 7), 28);
  EXPECT_EQ(RowBytes(DType::kBF16, 3), 6);
  EXPECT_EQ(RowBytes(DType::kQ4_0, 64), 36);
  EXPECT_EQ(RowBytes(DType::kQ8_0, 4096), 128 * 34);
  EXPECT_EQ(RowBytes(DType::kQ4_K, 512), 288);
  EXPECT_EQ(RowBytes(DType::kQ6_K, 4096), 16 * 210);
  EXPECT_EQ(RowBytes(DType::kQ2_K, 0), 0);
}

TEST(DTypeRows, RowsThatSplitABlockDoNotFit) {
  EXPECT_TRUE(RowFitsBlocks(DType::kQ4_0, 32));
  EXPECT_FALSE(RowFitsBlocks(DType::kQ4_0, 33));
  EXPECT_FALSE(RowFitsBlocks(DType::kQ4_0, 16));
  EXPECT_TRUE(RowFitsBlocks(DType::kQ4_K, 256));
  EXPECT_FALSE(RowFitsBlocks(DType::kQ4_K, 255));
  EXPECT_FALSE(RowFitsBlocks(DType::kQ6_K, 288));  // a 288-wide row fits q8_0, not k-quants
  EXPECT_TRUE(RowFitsBlocks(DType::kQ8_0, 288));
  EXPECT_TRUE(RowFitsBlocks(DType::kF16, 1));
  EXPECT_FALSE(RowFitsBlocks(DType::kF32, -4));
}

TEST(DTypeRows, RowsWhoseByteCountOverflowsDoNotFit) {
  const int64_t big = std::numeric_limits<int64_t>::max() / 256 * 256;  // whole blocks
  EXPECT_FALSE(RowFitsBlocks(DType::kQ8_K, big));
  EXPECT_FALSE(RowFitsBlocks(DType::kF64, std::numeric_limits<int64_t>::max() / 4));
  EXPECT_TRUE(RowFitsBlocks(DType::kF64, std::numeric_limits<int64_t>::max() / 8));
}

}  // namespace
}  // namespace cratio
