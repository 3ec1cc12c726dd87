// The dtype table: one row per DType, in enum order, naming each type's block geometry and
// its reference codecs. Everything that needs to know about a dtype asks here.
#include "numeric/dtype.h"

#include <array>
#include <cstdint>
#include <limits>

#include "base/check.h"
#include "numeric/blocks.h"
#include "numeric/codecs.h"

namespace cratio {
namespace {

using namespace codec;  // NOLINT: the table below names every codec

// clang-format off
constexpr std::array<DTypeInfo, 18> kTable = {{
  // dtype        name    block   bytes per block      quantized dequantize      quantize      weighted
  {DType::kF32,  "f32",  1,     4,                    false, DequantizeF32,  QuantizeF32,  QuantizeWeightedF32},
  {DType::kF16,  "f16",  1,     2,                    false, DequantizeF16,  QuantizeF16,  QuantizeWeightedF16},
  {DType::kQ4_0, "q4_0", kQK4_0, sizeof(BlockQ4_0),   true,  DequantizeQ4_0, QuantizeQ4_0, QuantizeWeightedQ4_0},
  {DType::kQ4_1, "q4_1", kQK4_1, sizeof(BlockQ4_1),   true,  DequantizeQ4_1, QuantizeQ4_1, QuantizeWeightedQ4_1},
  {DType::kQ5_0, "q5_0", kQK5_0, sizeof(BlockQ5_0),   true,  DequantizeQ5_0, QuantizeQ5_0, QuantizeWeightedQ5_0},
  {DType::kQ5_1, "q5_1", kQK5_1, sizeof(BlockQ5_1),   true,  DequantizeQ5_1, QuantizeQ5_1, QuantizeWeightedQ5_1},
  {DType::kQ8_0, "q8_0", kQK8_0, sizeof(BlockQ8_0),   true,  DequantizeQ8_0, QuantizeQ8_0, QuantizeWeightedQ8_0},
  {DType::kQ2_K, "q2_k", kQK_K, sizeof(BlockQ2_K),    true,  DequantizeQ2_K, QuantizeQ2_K, QuantizeWeightedQ2_K},
  {DType::kQ3_K, "q3_k", kQK_K, sizeof(BlockQ3_K),    true,  DequantizeQ3_K, QuantizeQ3_K, QuantizeWeightedQ3_K},
  {DType::kQ4_K, "q4_k", kQK_K, sizeof(BlockQ4_K),    true,  DequantizeQ4_K, QuantizeQ4_K, QuantizeWeightedQ4_K},
  {DType::kQ5_K, "q5_k", kQK_K, sizeof(BlockQ5_K),    true,  DequantizeQ5_K, QuantizeQ5_K, QuantizeWeightedQ5_K},
  {DType::kQ6_K, "q6_k", kQK_K, sizeof(BlockQ6_K),    true,  DequantizeQ6_K, QuantizeQ6_K, QuantizeWeightedQ6_K},
  {DType::kQ8_K, "q8_k", kQK_K, sizeof(BlockQ8_K),    true,  DequantizeQ8_K, QuantizeQ8_K, nullptr},
  {DType::kI8,   "i8",   1,     1,                    false, nullptr,        nullptr,      nullptr},
  {DType::kI16,  "i16",  1,     2,                    false, nullptr,        nullptr,      nullptr},
  {DType::kI32,  "i32",  1,     4,                    false, nullptr,        nullptr,      nullptr},
  {DType::kF64,  "f64",  1,     8,                    false, DequantizeF64,  QuantizeF64,  nullptr},
  {DType::kBF16, "bf16", 1,     2,                    false, DequantizeBf16, QuantizeBf16, QuantizeWeightedBf16},
}};
// clang-format on

// Largest GGML type id we know, for the id -> row index lookup.
constexpr uint32_t kMaxGgmlId = 30;

constexpr std::array<int8_t, kMaxGgmlId + 1> BuildIndex() {
  std::array<int8_t, kMaxGgmlId + 1> index{};
  for (auto& v : index) v = -1;
  for (size_t i = 0; i < kTable.size(); ++i) {
    index[static_cast<uint32_t>(kTable[i].dtype)] = static_cast<int8_t>(i);
  }
  return index;
}
constexpr std::array<int8_t, kMaxGgmlId + 1> kIndexById = BuildIndex();

constexpr bool TableIsInEnumOrder() {
  for (size_t i = 1; i < kTable.size(); ++i) {
    if (static_cast<uint32_t>(kTable[i - 1].dtype) >= static_cast<uint32_t>(kTable[i].dtype)) {
      return false;
    }
  }
  return true;
}
static_assert(TableIsInEnumOrder(), "dtype table rows must follow the DType enum order");

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::span<const DTypeInfo> AllDTypes() { return kTable; }

const DTypeInfo& GetDTypeInfo(DType dtype) {
  const auto id = static_cast<uint32_t>(dtype);
  CRATIO_CHECK_MSG(id <= kMaxGgmlId && kIndexById[id] >= 0, "DType value not in the table");
  return kTable[static_cast<size_t>(kIndexById[id])];
}

std::optional<DType> DTypeFromGgmlId(uint32_t id) {
  if (id > kMaxGgmlId || kIndexById[id] < 0) return std::nullopt;
  return kTable[static_cast<size_t>(kIndexById[id])].dtype;
}

std::optional<DType> DTypeFromName(std::string_view name) {
  for (const DTypeInfo& info : kTable) {
    if (info.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) same = ToLowerAscii(name[i]) == info.name[i];
    if (same) return info.dtype;
  }
  return std::nullopt;
}

std::string_view DTypeName(DType dtype) { return GetDTypeInfo(dtype).name; }

bool RowFitsBlocks(DType dtype, int64_t n) {
  const DTypeInfo& info = GetDTypeInfo(dtype);
  if (n < 0 || n % info.block_size != 0) return false;
  // RowBytes must not overflow int64 for element counts taken from a file.
  return n / info.block_size <= std::numeric_limits<int64_t>::max() / info.block_bytes;
}

int64_t RowBytes(DType dtype, int64_t n) {
  CRATIO_CHECK_MSG(RowFitsBlocks(dtype, n), "RowBytes: n is not a whole number of blocks");
  const DTypeInfo& info = GetDTypeInfo(dtype);
  return n / info.block_size * info.block_bytes;
}

}  // namespace cratio
