// Hugging Face <-> llama.cpp tensor names, and the Q/K row permutation between the two
// RoPE layouts (HF checkpoints rotate pairs (i, i + head_dim/2) — "half"; GGUF llama
// files rotate adjacent pairs (2i, 2i+1), because llama.cpp's converter regroups rows).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/model_file.h"
#include "tensor/tensor.h"

namespace cratio {

// "model.layers.3.self_attn.q_proj.weight" -> "blk.3.attn_q.weight". Suffixes after the
// module ("weight", "bias", "lr_a.weight") are kept. Names it does not know are returned
// unchanged (they stay in the directory under their HF name).
std::string HfToGgufName(std::string_view hf_name);
// Inverse of HfToGgufName; unknown names are returned unchanged.
std::string GgufToHfName(std::string_view gguf_name);
// True for HF buffers that are derived, not learned, and that llama.cpp's converter drops
// ("model.layers.N.self_attn.rotary_emb.inv_freq").
bool IsDerivedHfTensor(std::string_view hf_name);

enum class QkPermutation {
  kHalfToAdjacent,  // HF -> GGUF llama (what llama.cpp's converter does)
  kAdjacentToHalf,  // GGUF llama -> HF (the inverse)
};

// Regroups the rows of a Q or K projection (or its bias) head by head. Within each head of
// head_dim = num_rows / num_heads rows, with half = head_dim / 2:
//   kHalfToAdjacent: dst row 2*i + t  = src row t*half + i   (t in {0, 1}, i < half)
//   kAdjacentToHalf: dst row t*half + i = src row 2*i + t
// src[num_rows, row_bytes] and dst[num_rows, row_bytes] must not overlap. Rows are moved
// whole, so any dtype works (quantized rows are whole blocks).
Status PermuteQkRows(QkPermutation direction, const void* src, void* dst, int64_t num_rows,
                     int64_t row_bytes, int64_t num_heads);

// Permuted copy of a Q/K weight [num_heads * head_dim, cols] or bias [num_heads * head_dim]
// (a 1-D tensor is treated as one element per row). num_heads is head_count for Q and
// head_count_kv for K. InvalidInput when the rows do not split into heads of even size.
Result<Tensor> PermuteQk(const TensorView& w, int64_t num_heads, QkPermutation direction);

// Moves a whole model to the other RoPE layout: every blk.N.attn_q / attn_k weight, bias
// and low-rank output factor (lr_b) is replaced by a permuted copy the model owns, and
// "cratio.rope.layout" is set to the new layout ("adjacent" for kHalfToAdjacent, "half"
// for the inverse). Heads come from <arch>.attention.head_count / head_count_kv.
// InvalidInput (naming the tensor or key) when a tensor does not split into the heads;
// the model is left unchanged on error.
Status ConvertRopeLayout(ModelFile& model, QkPermutation direction);

}  // namespace cratio
