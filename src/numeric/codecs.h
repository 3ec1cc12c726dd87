// The scalar reference codecs, one set per dtype, as listed in the dtype table (dtype.cc).
// Internal to src/numeric: everything else reaches them through GetDTypeInfo(). Each codec
// file states its element formula; dequantization repeats ggml's float operations in ggml's
// order, so results are bit-identical to llama.cpp's dequantize_row_* (see docs/DTYPES.md).
//
// Contract shared by all: `n` is a multiple of the dtype's block size; `src`/`dst` blocks
// are aligned as the block struct; `importance` (when given) has n entries, is >= 0 and
// finite, and describes this one row (row-level statistics are taken over all n elements).
#pragma once

#include <cstdint>

#include "base/check.h"

namespace cratio::codec {

// Blocks in a row of n elements; a partial block is a caller bug (rows from files are checked
// with RowFitsBlocks first).
inline int64_t BlockCount(int64_t n, int64_t block_size) {
  CRATIO_CHECK_MSG(n >= 0 && n % block_size == 0, "codec: row is not a whole number of blocks");
  return n / block_size;
}

// Plain floats.
void DequantizeF32(const void* src, float* dst, int64_t n);
void QuantizeF32(const float* src, void* dst, int64_t n);
void DequantizeF16(const void* src, float* dst, int64_t n);
void QuantizeF16(const float* src, void* dst, int64_t n);
void DequantizeBf16(const void* src, float* dst, int64_t n);
void QuantizeBf16(const float* src, void* dst, int64_t n);
void DequantizeF64(const void* src, float* dst, int64_t n);
void QuantizeF64(const float* src, void* dst, int64_t n);
// Rounding to nearest is already optimal per element, so importance changes nothing.
void QuantizeWeightedF32(const float* src, void* dst, int64_t n, const float* importance);
void QuantizeWeightedF16(const float* src, void* dst, int64_t n, const float* importance);
void QuantizeWeightedBf16(const float* src, void* dst, int64_t n, const float* importance);

// Legacy 32-element blocks.
void DequantizeQ4_0(const void* src, float* dst, int64_t n);
void QuantizeQ4_0(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ4_0(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ4_1(const void* src, float* dst, int64_t n);
void QuantizeQ4_1(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ4_1(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ5_0(const void* src, float* dst, int64_t n);
void QuantizeQ5_0(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ5_0(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ5_1(const void* src, float* dst, int64_t n);
void QuantizeQ5_1(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ5_1(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ8_0(const void* src, float* dst, int64_t n);
void QuantizeQ8_0(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ8_0(const float* src, void* dst, int64_t n, const float* importance);

// k-quants: 256-element super-blocks.
void DequantizeQ2_K(const void* src, float* dst, int64_t n);
void QuantizeQ2_K(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ2_K(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ3_K(const void* src, float* dst, int64_t n);
void QuantizeQ3_K(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ3_K(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ4_K(const void* src, float* dst, int64_t n);
void QuantizeQ4_K(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ4_K(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ5_K(const void* src, float* dst, int64_t n);
void QuantizeQ5_K(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ5_K(const float* src, void* dst, int64_t n, const float* importance);
void DequantizeQ6_K(const void* src, float* dst, int64_t n);
void QuantizeQ6_K(const float* src, void* dst, int64_t n);
void QuantizeWeightedQ6_K(const float* src, void* dst, int64_t n, const float* importance);
// q8_k is an activation format (no importance-weighted variant); its quantizer fills bsums.
void DequantizeQ8_K(const void* src, float* dst, int64_t n);
void QuantizeQ8_K(const float* src, void* dst, int64_t n);

}  // namespace cratio::codec
