// DType: every tensor element type cratio reads, writes and computes with, and the one
// table that describes them. Enum values are the GGML type ids used in GGUF files.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace cratio {

enum class DType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kF64 = 28,
  kBF16 = 30,
};

// Converts `n` elements (a multiple of block_size) of one row.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// Round-to-nearest reference quantizer for `n` elements (a multiple of block_size).
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Importance-weighted quantizer: minimises sum_i importance[i] * (x[i] - q[i])^2 per
// block; `importance` has n entries and may be null (then equals QuantizeRowFn).
using QuantizeRowWeightedFn = void (*)(const float* src, void* dst, int64_t n,
                                       const float* importance);

struct DTypeInfo {
  DType dtype;
  std::string_view name;     // lower-case GGUF spelling: "f32", "q4_k", ...
  int64_t block_size;        // elements per block (1 for plain types)
  int64_t block_bytes;       // bytes per block
  bool is_quantized;         // block-quantized (not f32/f16/bf16/ints)
  DequantizeRowFn dequantize_row;  // null for integer types
  QuantizeRowFn quantize_row;      // null for integer types
  QuantizeRowWeightedFn quantize_row_weighted;  // null where not implemented

  // Effective storage bits per element, scales included (e.g. 4.5 for q4_0).
  double bits_per_weight() const { return 8.0 * block_bytes / block_size; }
};

// The table: one row per DType above, in enum order.
std::span<const DTypeInfo> AllDTypes();
// Info for a dtype (always valid for a declared enum value).
const DTypeInfo& GetDTypeInfo(DType dtype);
// Parses a GGML type id from a file; nullopt for ids cratio does not know.
std::optional<DType> DTypeFromGgmlId(uint32_t id);
// Parses "q4_k", "Q4_K", "bf16", ... ; nullopt if unknown.
std::optional<DType> DTypeFromName(std::string_view name);
std::string_view DTypeName(DType dtype);

// Bytes for a row of `n` elements; `n` must be a multiple of the block size (check
// with RowFitsBlocks first when n comes from a file).
int64_t RowBytes(DType dtype, int64_t n);
bool RowFitsBlocks(DType dtype, int64_t n);

}  // namespace cratio
