// Tests for MetaValue conversions and the ordered Metadata store.
#include "io/metadata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cratio {
namespace {

TEST(MetaValue, IntegerTypesConvertToInt64AndDouble) {
  EXPECT_EQ(MetaValue::U8(200).AsInt(), 200);
  EXPECT_EQ(MetaValue::I8(-5).AsInt(), -5);
  EXPECT_EQ(MetaValue::U16(65535).AsInt(), 65535);
  EXPECT_EQ(MetaValue::I16(-32768).AsInt(), -32768);
  EXPECT_EQ(MetaValue::U32(4000000000u).AsInt(), 4000000000);
  EXPECT_EQ(MetaValue::I32(-7).AsInt(), -7);
  EXPECT_EQ(MetaValue::I64(std::numeric_limits<int64_t>::min()).AsInt(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(MetaValue::U32(5).AsDouble(), 5.0);
  EXPECT_EQ(MetaValue::I16(-3).AsDouble(), -3.0);
  EXPECT_TRUE(MetaValue::U64(1).is_integer());
  EXPECT_FALSE(MetaValue::F32(1).is_integer());
}

TEST(MetaValue, U64AboveInt64MaxHasNoIntValue) {
  const MetaValue big = MetaValue::U64(uint64_t{1} << 63);
  EXPECT_EQ(big.AsInt(), std::nullopt);
  EXPECT_EQ(big.AsDouble(), 9223372036854775808.0);
  EXPECT_EQ(MetaValue::U64((uint64_t{1} << 63) - 1).AsInt(), std::numeric_limits<int64_t>::max());
}

TEST(MetaValue, NonNumericTypesHaveNoNumericValue) {
  EXPECT_EQ(MetaValue::Str("12").AsInt(), std::nullopt);
  EXPECT_EQ(MetaValue::Str("12").AsDouble(), std::nullopt);
  EXPECT_EQ(MetaValue::Bool(true).AsInt(), std::nullopt);
  EXPECT_EQ(MetaValue::F64(2.5).AsInt(), std::nullopt);
  EXPECT_EQ(MetaValue::F64(2.5).AsDouble(), 2.5);
  EXPECT_EQ(MetaValue::F32(0.1f).AsDouble(), static_cast<double>(0.1f));
  EXPECT_EQ(MetaValue::Bool(true).AsBool(), true);
  EXPECT_EQ(MetaValue::U8(1).AsBool(), std::nullopt);
  EXPECT_EQ(MetaValue::U8(1).AsString(), nullptr);
  EXPECT_EQ(*MetaValue::Str("llama").AsString(), "llama");
}

TEST(MetaValue, EqualityComparesTypeAndValue) {
  EXPECT_EQ(MetaValue::U32(3), MetaValue::U32(3));
  EXPECT_NE(MetaValue::U32(3), MetaValue::U64(3));  // same number, different GGUF type
  EXPECT_NE(MetaValue::U32(3), MetaValue::U32(4));
  EXPECT_NE(MetaValue::Str("a"), MetaValue::Str("b"));
  EXPECT_NE(MetaValue::F32(1.0f), MetaValue::F64(1.0));
}

TEST(MetaValue, FloatsCompareByBitsSoNanEqualsItself) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(MetaValue::F32(nan), MetaValue::F32(nan));
  EXPECT_EQ(MetaValue::F64(INFINITY), MetaValue::F64(INFINITY));
  EXPECT_NE(MetaValue::F64(0.0), MetaValue::F64(-0.0));
}

TEST(MetaValue, NestedArraysCompareElementwise) {
  auto inner = [](int32_t a, int32_t b) {
    return MetaValue::Array(MetaType::kI32, {MetaValue::I32(a), MetaValue::I32(b)});
  };
  const MetaValue x = MetaValue::Array(MetaType::kArray, {inner(1, 2), inner(3, 4)});
  const MetaValue y = MetaValue::Array(MetaType::kArray, {inner(1, 2), inner(3, 4)});
  const MetaValue z = MetaValue::Array(MetaType::kArray, {inner(1, 2), inner(3, 5)});
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_NE(MetaValue::Array(MetaType::kI32, {}), MetaValue::Array(MetaType::kU32, {}));
}

TEST(MetaTypeName, NamesEveryType) {
  EXPECT_EQ(MetaTypeName(MetaType::kU8), "u8");
  EXPECT_EQ(MetaTypeName(MetaType::kI64), "i64");
  EXPECT_EQ(MetaTypeName(MetaType::kString), "string");
  EXPECT_EQ(MetaTypeName(MetaType::kArray), "array");
  EXPECT_EQ(MetaTypeName(MetaType::kF64), "f64");
  EXPECT_EQ(MetaTypeName(static_cast<MetaType>(99)), "unknown");
}

TEST(Metadata, SetReplacesInPlaceAndAppendsNewKeysInOrder) {
  Metadata md;
  md.Set("a", MetaValue::U32(1));
  md.Set("b", MetaValue::Str("x"));
  md.Set("c", MetaValue::F32(2.0f));
  md.Set("b", MetaValue::I64(-9));
  ASSERT_EQ(md.size(), 3u);
  EXPECT_EQ(md.entries()[0].first, "a");
  EXPECT_EQ(md.entries()[1].first, "b");
  EXPECT_EQ(md.entries()[2].first, "c");
  EXPECT_EQ(md.GetInt("b"), -9);
  EXPECT_EQ(md.Find("b")->type, MetaType::kI64);
}

TEST(Metadata, EraseRemovesOnlyThatKey) {
  Metadata md;
  md.Set("a", MetaValue::U32(1));
  md.Set("b", MetaValue::U32(2));
  EXPECT_TRUE(md.Erase("a"));
  EXPECT_FALSE(md.Erase("a"));
  EXPECT_FALSE(md.Contains("a"));
  EXPECT_EQ(md.GetInt("b"), 2);
  EXPECT_EQ(md.size(), 1u);
}

TEST(Metadata, TypedGettersReturnNulloptForMissingOrMistypedKeys) {
  Metadata md;
  md.Set("general.architecture", MetaValue::Str("llama"));
  md.Set("llama.block_count", MetaValue::U32(5));
  md.Set("eps", MetaValue::F32(1e-5f));
  md.Set("flag", MetaValue::Bool(false));
  md.Set("arr", MetaValue::Array(MetaType::kU8, {MetaValue::U8(1)}));
  EXPECT_EQ(md.GetString("general.architecture"), "llama");
  EXPECT_EQ(md.GetString("llama.block_count"), std::nullopt);
  EXPECT_EQ(md.GetInt("llama.block_count"), 5);
  EXPECT_EQ(md.GetInt("general.architecture"), std::nullopt);
  EXPECT_EQ(md.GetInt("missing"), std::nullopt);
  EXPECT_EQ(md.GetDouble("eps"), static_cast<double>(1e-5f));
  EXPECT_EQ(md.GetDouble("llama.block_count"), 5.0);
  EXPECT_EQ(md.GetBool("flag"), false);
  EXPECT_EQ(md.GetBool("eps"), std::nullopt);
  ASSERT_NE(md.GetArray("arr"), nullptr);
  EXPECT_EQ(md.GetArray("arr")->items.size(), 1u);
  EXPECT_EQ(md.GetArray("flag"), nullptr);
}

TEST(Metadata, EqualityDependsOnOrder) {
  Metadata a, b;
  a.Set("x", MetaValue::U8(1));
  a.Set("y", MetaValue::U8(2));
  b.Set("y", MetaValue::U8(2));
  b.Set("x", MetaValue::U8(1));
  EXPECT_FALSE(a == b);
  Metadata c;
  c.Append("x", MetaValue::U8(1));
  c.Append("y", MetaValue::U8(2));
  EXPECT_TRUE(a == c);
}

}  // namespace
}  // namespace cratio
