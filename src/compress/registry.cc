// The one hand-written list of compression methods; CreateMethod parses one recipe step
// ("name" or "name:args").
#include <functional>
#include <string>

#include "compress/compression_method.h"
#include "compress/methods.h"

namespace cratio {

namespace {

// Builds a method from the text after "name:" (empty when the step has no ':').
using Factory = std::function<Result<std::unique_ptr<CompressionMethod>>(std::string_view args)>;

struct MethodEntry {
  std::string_view name;
  std::string_view usage;  // shown in --help and in errors
  Factory make;
};

// A plain type takes no arguments.
Factory PlainType(DType dtype) {
  return [dtype](std::string_view args) -> Result<std::unique_ptr<CompressionMethod>> {
    if (!args.empty()) {
      return InvalidInput("'{}' takes no arguments, got ':{}'", DTypeName(dtype), args);
    }
    return MakeQuantizeMethod(dtype);
  };
}

Factory Mixture(std::string_view name) {
  return [name](std::string_view args) -> Result<std::unique_ptr<CompressionMethod>> {
    if (!args.empty()) return InvalidInput("'{}' takes no arguments, got ':{}'", name, args);
    return MakeMixtureMethod(name);
  };
}

const std::vector<MethodEntry>& Methods() {
  static const std::vector<MethodEntry> kMethods = {
      // Every 2-D weight to one type (rows that do not fit fall back, see COMPRESSION.md).
      {"f32", "f32: every weight as f32", PlainType(DType::kF32)},
      {"f16", "f16: every weight as f16", PlainType(DType::kF16)},
      {"bf16", "bf16: every weight as bf16", PlainType(DType::kBF16)},
      {"q8_0", "q8_0: 8.5 bits/weight", PlainType(DType::kQ8_0)},
      {"q5_1", "q5_1: 6 bits/weight", PlainType(DType::kQ5_1)},
      {"q5_0", "q5_0: 5.5 bits/weight", PlainType(DType::kQ5_0)},
      {"q4_1", "q4_1: 5 bits/weight", PlainType(DType::kQ4_1)},
      {"q4_0", "q4_0: 4.5 bits/weight", PlainType(DType::kQ4_0)},
      {"q6_k", "q6_k: 6.56 bits/weight (also llama.cpp's Q6_K preset)", PlainType(DType::kQ6_K)},
      {"q5_k", "q5_k: 5.5 bits/weight", PlainType(DType::kQ5_K)},
      {"q4_k", "q4_k: 4.5 bits/weight", PlainType(DType::kQ4_K)},
      {"q3_k", "q3_k: 3.44 bits/weight", PlainType(DType::kQ3_K)},
      {"q2_k", "q2_k: 2.63 bits/weight", PlainType(DType::kQ2_K)},
      // llama.cpp's mixtures: per-tensor types as llama-quantize chooses them.
      {"q5_k_m", "q5_k_m: llama.cpp Q5_K_M mixture", Mixture("q5_k_m")},
      {"q5_k_s", "q5_k_s: llama.cpp Q5_K_S mixture", Mixture("q5_k_s")},
      {"q4_k_m", "q4_k_m: llama.cpp Q4_K_M mixture", Mixture("q4_k_m")},
      {"q4_k_s", "q4_k_s: llama.cpp Q4_K_S mixture", Mixture("q4_k_s")},
      {"q3_k_l", "q3_k_l: llama.cpp Q3_K_L mixture", Mixture("q3_k_l")},
      {"q3_k_m", "q3_k_m: llama.cpp Q3_K_M mixture", Mixture("q3_k_m")},
      {"q3_k_s", "q3_k_s: llama.cpp Q3_K_S mixture", Mixture("q3_k_s")},
      // Pruning and low-rank (prune_*.cc, lowrank.cc) go below.
      {"prune-unstructured", "prune-unstructured:S[:per-row|per-tensor]: zero the fraction S of "
       "each row / tensor of the linear layers by |w|",
       [](std::string_view a) { return ParseUnstructuredPrune(a, /*wanda=*/false); }},
      {"prune-wanda", "prune-wanda:S[:per-row|per-tensor]: as prune-unstructured, scored by "
       "|w|·‖x‖ (needs --calib)",
       [](std::string_view a) { return ParseUnstructuredPrune(a, /*wanda=*/true); }},
      {"prune-2", "prune-2:4[:wanda]: keep the 2 largest of every 4 consecutive weights",
       ParseSemiStructuredPrune},
      {"prune-structured", "prune-structured:F[:ffn|heads][:act]: remove the fraction F of FFN "
       "channels and attention head groups per layer",
       ParseStructuredPrune},
      {"lowrank", "lowrank:ratio=R|energy=E[:layers=attn|ffn|all][:act][:dtype=f32|f16]: "
       "truncated-SVD factor pairs",
       ParseLowRank},
  };
  return kMethods;
}

std::string KnownList() {
  std::string out;
  for (const MethodEntry& m : Methods()) {
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

Result<std::unique_ptr<CompressionMethod>> CreateMethod(std::string_view step) {
  if (step.empty()) {
    return InvalidInput("empty recipe step (known methods: {})", KnownList());
  }
  const size_t colon = step.find(':');
  const std::string name = Lower(step.substr(0, colon));
  const std::string_view args = colon == std::string_view::npos ? "" : step.substr(colon + 1);
  for (const MethodEntry& m : Methods()) {
    if (m.name == name) {
      auto method = m.make(args);
      if (!method.ok()) {
        return InvalidInput("recipe step '{}': {} (usage: {})", step, method.status().message(),
                            m.usage);
      }
      return method;
    }
  }
  return InvalidInput("unknown compression method '{}' (known methods: {})", step, KnownList());
}

std::vector<std::string> KnownMethods() {
  std::vector<std::string> out;
  for (const MethodEntry& m : Methods()) out.emplace_back(m.usage);
  return out;
}

}  // namespace cratio
