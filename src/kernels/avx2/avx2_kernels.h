// AVX2 kernels (compiled with -mavx2 -mfma -mf16c); see kernel_table.h for semantics.
// Call only through the table (the CPU must have the ISA).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace cratio::kernels {

// GemmFn kernels; activation format in brackets.
void GemmF32Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [f32]
void GemmF16Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [f32]
void GemmBf16Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [f32]
void GemmQ8_0Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [q8_0]
void GemmQ4_0Avx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [q8_0]
void GemmQ4_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [q8_k]
void GemmQ5_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [q8_k]
void GemmQ6_KAvx2(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                  int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                  int64_t cols);  // [q8_k]

// f32 helpers.
void ScaleF32Avx2(float* x, float a, int64_t n);
void AddF32Avx2(float* y, const float* x, int64_t n);
void SoftmaxF32Avx2(float* x, int64_t n);
void RmsNormF32Avx2(const float* x, const float* w, float* out, int64_t n, float eps);
void SiluMulF32Avx2(float* gate, const float* up, int64_t n);
void F16ToF32Avx2(const uint16_t* src, float* dst, int64_t n);
void GemmNnF32Avx2(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                  int64_t c_stride, int64_t m, int64_t n, int64_t k);

}  // namespace cratio::kernels
