// llama.cpp's k-quant mixture presets (Q3_K_S ... Q5_K_M): which type each tensor gets,
// following llama_tensor_get_type for dense llama-style models. Rules in docs/COMPRESSION.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "io/model_file.h"
#include "numeric/dtype.h"

namespace cratio {

enum class MixturePreset { kQ3_K_S, kQ3_K_M, kQ3_K_L, kQ4_K_S, kQ4_K_M, kQ5_K_S, kQ5_K_M };

std::optional<MixturePreset> MixtureFromName(std::string_view name);  // "q4_k_m", ...
std::string_view MixtureName(MixturePreset preset);
// general.file_type llama.cpp writes (LLAMA_FTYPE_MOSTLY_Q4_K_M = 15, ...).
uint32_t MixtureFileType(MixturePreset preset);
// The type most tensors get (q4_k for Q4_K_*).
DType MixtureBaseType(MixturePreset preset);

// What llama.cpp's rules look at besides the tensor itself.
struct MixtureModelInfo {
  int64_t num_layers = 0;       // block_count (ffn_down layer rule)
  int64_t num_attn_v = 0;       // attn_v / attn_qkv tensors (attn_v layer rule)
  bool has_output = true;       // false: token_embd doubles as the output matrix
};
MixtureModelInfo MixtureInfoOf(const ModelFile& model);

// llama.cpp's use_more_bits: the first and last eighth of the layers and every third one
// in between.
bool UseMoreBits(int64_t layer_idx, int64_t num_layers);

// The type `e` gets under `preset` before the block-fit fallback (FitDType).
DType MixtureTypeFor(MixturePreset preset, const TensorEntry& e, const MixtureModelInfo& info);

}  // namespace cratio
