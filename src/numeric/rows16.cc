#include "numeric/rows16.h"

#include <cstring>
#include <type_traits>

#include "base/check.h"
#include "numeric/blocks.h"

namespace cratio {
namespace {

// Packing reads rows and writes the group; unpacking the reverse.
template <bool kPack>
using RowPtr = std::conditional_t<kPack, const uint8_t*, uint8_t*>;
template <bool kPack>
using GroupPtr = std::conditional_t<kPack, uint8_t*, const uint8_t*>;

// Moves `bytes` between row n's block (`row`) and the 16 rows' packed block (`packed`), in
// the direction kPack (row -> packed) or back.
template <bool kPack>
inline void Move(RowPtr<kPack> row, GroupPtr<kPack> packed, int64_t bytes) {
  if constexpr (kPack) {
    std::memcpy(packed, row, bytes);
  } else {
    std::memcpy(row, packed, bytes);
  }
}

// Byte positions as rows16.h describes them.
template <bool kPack>
void MoveBlockQ4_0(RowPtr<kPack> row, GroupPtr<kPack> packed, int64_t n) {
  Move<kPack>(row, packed + 2 * n, 2);
  for (int64_t p = 0; p < 4; ++p) Move<kPack>(row + 2 + 4 * p, packed + 32 + 64 * p + 4 * n, 4);
}

template <bool kPack>
void MoveBlockQ8_0(RowPtr<kPack> row, GroupPtr<kPack> packed, int64_t n) {
  Move<kPack>(row, packed + 2 * n, 2);
  for (int64_t p = 0; p < 8; ++p) Move<kPack>(row + 2 + 4 * p, packed + 32 + 64 * p + 4 * n, 4);
}

template <bool kPack>
void MoveBlockQ4_K(RowPtr<kPack> row, GroupPtr<kPack> packed, int64_t n) {
  Move<kPack>(row, packed + 2 * n, 2);
  Move<kPack>(row + 2, packed + 32 + 2 * n, 2);
  for (int64_t k = 0; k < kKScaleSize; ++k) Move<kPack>(row + 4 + k, packed + 64 + 16 * k + n, 1);
  for (int64_t j = 0; j < 4; ++j) {
    for (int64_t p = 0; p < 8; ++p) {
      Move<kPack>(row + 16 + 32 * j + 4 * p, packed + 256 + 512 * j + 64 * p + 4 * n, 4);
    }
  }
}

template <bool kPack>
void MoveBlockQ6_K(RowPtr<kPack> row, GroupPtr<kPack> packed, int64_t n) {
  Move<kPack>(row + 208, packed + 2 * n, 2);
  for (int64_t k = 0; k < 16; ++k) Move<kPack>(row + 192 + k, packed + 32 + 16 * k + n, 1);
  for (int64_t p = 0; p < 32; ++p) Move<kPack>(row + 4 * p, packed + 288 + 64 * p + 4 * n, 4);
  for (int64_t p = 0; p < 16; ++p) {
    Move<kPack>(row + 128 + 4 * p, packed + 2336 + 64 * p + 4 * n, 4);
  }
}

template <bool kPack>
void MoveGroup(DType dtype, RowPtr<kPack> rows, int64_t row_bytes, int64_t cols,
               GroupPtr<kPack> group) {
  CRATIO_CHECK(Rows16Defined(dtype));
  const DTypeInfo& info = GetDTypeInfo(dtype);
  const int64_t block_bytes = info.block_bytes;
  for (int64_t b = 0; b < cols / info.block_size; ++b) {
    const GroupPtr<kPack> packed = group + b * kRows16 * block_bytes;
    for (int64_t n = 0; n < kRows16; ++n) {
      const RowPtr<kPack> row = rows + n * row_bytes + b * block_bytes;
      if (dtype == DType::kQ4_0) {
        MoveBlockQ4_0<kPack>(row, packed, n);
      } else if (dtype == DType::kQ8_0) {
        MoveBlockQ8_0<kPack>(row, packed, n);
      } else if (dtype == DType::kQ6_K) {
        MoveBlockQ6_K<kPack>(row, packed, n);
      } else {
        MoveBlockQ4_K<kPack>(row, packed, n);
      }
    }
  }
}

}  // namespace

bool Rows16Defined(DType dtype) {
  return dtype == DType::kQ8_0 || dtype == DType::kQ4_0 || dtype == DType::kQ4_K ||
         dtype == DType::kQ6_K;
}

void PackRows16(DType dtype, const uint8_t* src, int64_t src_row_bytes, int64_t cols,
                uint8_t* dst) {
  MoveGroup<true>(dtype, src, src_row_bytes, cols, dst);
}

void UnpackRows16(DType dtype, const uint8_t* group, int64_t cols, uint8_t* dst,
                  int64_t dst_row_bytes) {
  MoveGroup<false>(dtype, dst, dst_row_bytes, cols, group);
}

}  // namespace cratio
