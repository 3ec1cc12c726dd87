// Scalar reference kernels: the twin of every SIMD kernel and the fallback for dtypes
// without one. Quantized matmuls take q8_0 / q8_k activations as llama.cpp does, so a
// SIMD kernel with the same activation format must agree up to float summation order.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace cratio::kernels {

// Activation converters (the same functions serve every ISA, so all ISAs see identical
// quantized activations). Round to nearest even; d = max|x| / 127 per block.
void QuantizeActQ8_0Ref(const float* x, void* xa, int64_t cols);  // -> BlockQ8_0[cols / 32]
void QuantizeActQ8_KRef(const float* x, void* xa, int64_t cols);  // -> BlockQ8_K[cols / 256]

// Matmuls, GemmFn signature (see kernel_table.h). Activation format in brackets.
void GemmF32Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols);  // [f32]
void GemmF16Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                int64_t cols);  // [f32]
void GemmBf16Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [f32]
void GemmQ8_0Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_0]
void GemmQ4_0Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_0]
void GemmQ4_1Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_0]
void GemmQ5_0Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_0]
void GemmQ5_1Ref(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_0]
void GemmQ2_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_k]
void GemmQ3_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_k]
void GemmQ4_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_k]
void GemmQ5_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_k]
void GemmQ6_KRef(const void* w, int64_t w_row_bytes, const void* xa, int64_t xa_row_bytes,
                 int64_t num_tokens, float* out, int64_t out_stride, int64_t num_rows,
                 int64_t cols);  // [q8_k]

// f32 helpers (semantics in kernel_table.h).
void ScaleF32Ref(float* x, float a, int64_t n);
void AddF32Ref(float* y, const float* x, int64_t n);
void SoftmaxF32Ref(float* x, int64_t n);
void RmsNormF32Ref(const float* x, const float* w, float* out, int64_t n, float eps);
void SiluMulF32Ref(float* gate, const float* up, int64_t n);
void F16ToF32Ref(const uint16_t* src, float* dst, int64_t n);
void GemmNnF32Ref(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* c,
                  int64_t c_stride, int64_t m, int64_t n, int64_t k);

// Every entry above, for the reference table and as the SIMD tables' starting point.
void FillRefKernels(KernelTable& table);

}  // namespace cratio::kernels
