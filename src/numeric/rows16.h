// The kRows16 weight layout: a matrix's rows regrouped 16 at a time so that one 512-bit
// load brings the same 4 columns of 16 rows (one int32 lane per row), as the vpdpbusd
// decode kernels and the AMX int8 B tiles consume them. Same bytes per 16 rows as the file
// layout, only rearranged (no dequantization): group g (rows 16g .. 16g + 15) starts at
// byte 16 · g · RowBytes(dtype, cols), and holds per weight block b, at b · 16 · block
// bytes, the 16 rows' block b:
//
//   q4_0 (288 bytes):  d[16] (f16, row n at byte 2n), then 4 × 64 bytes: chunk p holds
//                      bytes qs[4p .. 4p + 3] of row n at 32 + 64p + 4n (low nibbles are
//                      values 4p .. 4p + 3, high nibbles 16 + 4p .. 16 + 4p + 3).
//   q8_0 (544 bytes):  d[16], then 8 × 64 bytes: chunk p holds qs[4p .. 4p + 3] of row n
//                      at 32 + 64p + 4n.
//   q4_k (2304 bytes): d[16], dmin[16] (f16), then scales: byte k of row n's 12 packed
//                      scale / min bytes at 64 + 16k + n, then 4 × 8 × 64 bytes: for qs
//                      bytes 32j .. 32j + 31 (sub-blocks 2j low nibbles, 2j + 1 high),
//                      chunk p holds qs[32j + 4p .. + 3] of row n at 256 + 512j + 64p + 4n.
//   q6_k (3360 bytes): d[16] (f16), then byte k of row n's 16 int8 scales at 32 + 16k + n,
//                      then ql: chunk p (0 .. 31) holds ql[4p .. 4p + 3] of row n at
//                      288 + 64p + 4n, then qh: chunk p (0 .. 15) holds qh[4p .. 4p + 3] of
//                      row n at 2336 + 64p + 4n.
//
// Which models use it is the loader's choice (model/weights.cc: where the kernel table has
// kRows16 kernels for the dtype); Matmul runs any kRows16 view on any table.
#pragma once

#include <cstdint>

#include "numeric/dtype.h"

namespace cratio {

inline constexpr int64_t kRows16 = 16;

// Whether the layout is defined for `dtype` (q8_0, q4_0, q4_k, q6_k).
bool Rows16Defined(DType dtype);

// Packs rows [0, 16) of a row-major matrix (row n at src + n · src_row_bytes, `cols`
// values each) into one kRows16 group at dst (16 · RowBytes(dtype, cols) bytes).
void PackRows16(DType dtype, const uint8_t* src, int64_t src_row_bytes, int64_t cols,
                uint8_t* dst);

// The inverse: one kRows16 group back to 16 row-major rows at dst + n · dst_row_bytes.
void UnpackRows16(DType dtype, const uint8_t* group, int64_t cols, uint8_t* dst,
                  int64_t dst_row_bytes);

}  // namespace cratio
