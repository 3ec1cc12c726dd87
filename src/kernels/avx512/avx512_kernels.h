// AVX-512 kernels (compiled with AVX-512 F/BW/DQ/VL/VNNI/BF16 flags); see kernel_table.h
// for semantics. Call only through the table (the CPU must have the ISA).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"
#include "numeric/quant_search.h"

namespace cratio::kernels {

// Batched scale searches, bit-identical to numeric's (see quant::SearchKernels).
void AffineScaleSearchBatchAvx512(int count, int n, int nmax, const float* x,
                                  const float* weights, const quant::AffineSearch& search,
                                  uint8_t* levels, float* scales, float* mins);
void SymmetricScaleSearchBatchAvx512(int count, int n, int nmax, const float* x,
                                     const float* weights, int8_t* levels, float* scales);

// Activation converters, byte-identical to QuantizeActQ8_0Ref / QuantizeActQ8_KRef.
void QuantizeActQ8_0Avx512(const float* x, void* xa, int64_t cols);
void QuantizeActQ8_KAvx512(const float* x, void* xa, int64_t cols);

// GemmFn kernels; activation format in brackets.
void GemmF16Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                   int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                   int64_t cols);  // [f32]
void GemmBf16Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [f32]
void GemmF32Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                   int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                   int64_t cols);  // [f32]
void GemmQ8_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_0]
void GemmQ4_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_0]
// The kRows16 layout (numeric/rows16.h); num_rows a multiple of 16.
void GemmQ4_0Rows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols);  // [q8_0]
void GemmQ8_0Rows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols);  // [q8_0]
void GemmQ6_KRows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols);  // [q8_k]
void GemmQ4_KRows16Avx512(const void* w, int64_t w_row_bytes, const void* xa,
                          int64_t xa_row_bytes, int64_t num_tokens, float* out,
                          int64_t out_stride, int64_t num_rows, int64_t cols);  // [q8_k]
void GemmQ4_1Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_0]
void GemmQ5_1Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_0]
void GemmQ5_0Avx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_0]
void GemmQ2_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_k]
void GemmQ3_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_k]
void GemmQ4_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_k]
void GemmQ5_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_k]
void GemmQ6_KAvx512(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                    int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                    int64_t cols);  // [q8_k]

// f32 helpers.
void ScaleF32Avx512(float* x, float a, int64_t n);
void AddF32Avx512(float* y, const float* x, int64_t n);
void SoftmaxF32Avx512(float* x, int64_t n);
void RmsNormF32Avx512(const float* x, const float* w, float* out, int64_t n, float eps);
void SiluMulF32Avx512(float* gate, const float* up, int64_t n);
void F16ToF32Avx512(const uint16_t* src, float* dst, int64_t n);
void GemmNnF32Avx512(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                  int64_t c_stride, int64_t m, int64_t n, int64_t k);

}  // namespace cratio::kernels
