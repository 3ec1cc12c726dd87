// Factory functions for every compression method; registry.cc lists them once, by hand.
// Each helper declares its own methods here (quantization: quantize.cc / mixtures.cc;
// pruning and low-rank: prune_*.cc, lowrank.cc).
#pragma once

#include <memory>
#include <string_view>

#include "base/status.h"
#include "compress/compression_method.h"
#include "numeric/dtype.h"

namespace cratio {

// --- quantization (quantize.cc, mixtures.cc) ---

// Re-types every 2-D weight to `dtype` (1-D tensors stay/become f32); rows that do not
// fit the type's blocks fall back along llama.cpp's chain (k-quant -> q5_0/q8_0 -> f16).
std::unique_ptr<CompressionMethod> MakeQuantizeMethod(DType dtype);

// llama.cpp's mixture presets by name: "q3_k_s", "q3_k_m", "q3_k_l", "q4_k_s", "q4_k_m",
// "q5_k_s", "q5_k_m", "q6_k" (per-tensor choices as llama_tensor_get_type makes them).
// InvalidInput for any other name.
Result<std::unique_ptr<CompressionMethod>> MakeMixtureMethod(std::string_view name);

// --- pruning and low-rank (declared by their helper below) ---

// Each parser takes the text after "name:" of its recipe step (see docs/COMPRESSION.md).

// "prune-unstructured:S[:per-row|per-tensor]" and "prune-wanda:S[:per-row|per-tensor]":
// zero the fraction S of each row (default) or tensor of every linear layer, scored by
// |w| or by Wanda's |w|·‖x‖ (needs --calib). prune_unstructured.cc.
Result<std::unique_ptr<CompressionMethod>> ParseUnstructuredPrune(std::string_view args,
                                                                  bool wanda);
// "prune-2:4[:wanda]" (the step name is "prune-2", args "4[:wanda]"): in every group of 4
// consecutive weights of a row keep the 2 of largest score. prune_semistructured.cc.
Result<std::unique_ptr<CompressionMethod>> ParseSemiStructuredPrune(std::string_view args);
// "prune-structured:F[:ffn|heads][:act]": remove the fraction F of FFN channels and/or
// attention head groups per layer (smaller tensors). prune_structured.cc.
Result<std::unique_ptr<CompressionMethod>> ParseStructuredPrune(std::string_view args);
// "lowrank:ratio=R|energy=E[:layers=attn|ffn|all][:act][:dtype=f32|f16]": truncated SVD
// into lr_a / lr_b factor pairs. lowrank.cc.
Result<std::unique_ptr<CompressionMethod>> ParseLowRank(std::string_view args);

}  // namespace cratio
