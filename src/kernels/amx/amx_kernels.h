// AMX kernels (compiled with the AVX-512 and AMX flags); see kernel_table.h for the
// contracts. Callable only when AmxEnabled() (kernels/amx_support.h).
#pragma once

#include <cstdint>

namespace cratio::kernels {

// xa[cols] bf16 = round-to-nearest-even(x[cols]); NaN stays NaN. The same bits as
// numeric's F32ToBf16 for every input (integer rounding, no denormal flushing).
void ConvertActBf16Amx(const float* x, void* xa, int64_t cols);

// Prefill gemm with bf16 activations (ConvertActBf16Amx rows) on AMX tiles: weights are
// rounded to bf16 (f16 via f32; bf16 as is), products summed in f32 by tdpbf16ps. Any
// shape: rows past the last 16 and columns past the last 32 use a scalar loop with the
// same bf16 operands.
void GemmF16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols);
void GemmBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);

// q4_0 weights with bf16 activations on bf16 tiles: each block dequantized once per call,
// (q − 8) · d exactly in f32, rounded to bf16 like numeric's F32ToBf16; products summed in
// f32 by tdpbf16ps across whole rows (no per-block conversion of integer dots).
void GemmQ4_0Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols);
void GemmQ4_0Rows16Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa,
                           int64_t xa_row_bytes, int64_t num_tokens, float* out,
                           int64_t out_stride, int64_t num_rows,
                           int64_t cols);  // the kRows16 layout

// q4_k weights with bf16 activations, the same way: each super-block dequantized as
// numeric's DequantizeQ4_K does (d·sc·q − dmin·m, one rounding) and rounded to bf16.
void GemmQ4_KBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols);
void GemmQ4_KRows16Bf16Amx(const void* w, int64_t w_row_bytes, const void* xa,
                           int64_t xa_row_bytes, int64_t num_tokens, float* out,
                           int64_t out_stride, int64_t num_rows,
                           int64_t cols);  // the kRows16 layout

// q5_k (row-major), the same way as q4_k with the fifth bits.
void GemmQ5_KBf16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                     int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                     int64_t cols);

// Prefill gemm for q8_0 weights with q8_0 activations (the AVX-512 converter's
// bytes) on AMX int8 tiles: exact integer block dots (tdpbssd), scaled in f32 per block
// as the reference does, so results match it up to float summation order. Rows past the
// last whole 16 go to the AVX-512 kernel.
void GemmQ8_0Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);
// The kRows16 layout (numeric/rows16.h); num_rows a multiple of 16.
void GemmQ8_0Rows16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                       int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                       int64_t cols);
// q6_k weights with q8_k activations: each int8 scale folded into the weights in the integer
// domain (exact hi / lo byte pairs), so the tiles' int32 dots run over whole super-blocks.
void GemmQ6_KAmx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);
void GemmQ6_KRows16Amx(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                       int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                       int64_t cols);  // the kRows16 layout

}  // namespace cratio::kernels
