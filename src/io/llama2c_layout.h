// The order and shapes of the weights in a llama2.c checkpoint (shared by its reader and
// writer): each kind is stored for all layers back to back, in file order.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "io/llama2c.h"

namespace cratio::llama2c {

inline constexpr uint32_t kMagicV1 = 0x616b3432;  // "ak42" as a little-endian uint32
inline constexpr uint64_t kHeaderBytesV0 = 7 * 4;
inline constexpr uint64_t kHeaderBytesV1 = 256;

// One stored array: a weight kind (a llama.cpp name stem such as "attn_q", or
// "token_embd"), stored once (global) or once per layer, each copy [rows, cols] floats
// (cols == 0 means a vector of `rows` floats). An empty stem marks bytes to skip
// (v0's precomputed RoPE tables).
struct Segment {
  std::string_view stem;
  bool per_layer = false;
  int64_t rows = 0;
  int64_t cols = 0;

  int64_t floats_per_copy() const { return cols == 0 ? rows : rows * cols; }
};

// Segments in file order for the given config; `shared_classifier` says whether the
// output matrix is the embedding (no trailing wcls). `version` is 0 or 1.
std::vector<Segment> Layout(const Llama2cConfig& c, bool shared_classifier, int version);

// Total float count of the layout (with every per-layer copy), or -1 if it would not fit
// in 62 bits.
int64_t TotalFloats(const std::vector<Segment>& layout, int64_t num_layers);

}  // namespace cratio::llama2c
