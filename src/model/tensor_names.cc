// Tensor names of the llama / qwen2 architectures as llama.cpp spells them, both ways.
#include "model/tensor_names.h"

#include <charconv>
#include <string>

#include "fmt/format.h"

namespace cratio {
namespace {

struct RoleSpelling {
  TensorRole role;
  std::string_view stem;    // "attn_q", "token_embd", ...
  std::string_view suffix;  // "weight" or "bias"
  bool per_layer;
};

// One row per role; both TensorName and ParseTensorName read this table.
constexpr RoleSpelling kSpellings[] = {
    {TensorRole::kTokenEmbd, "token_embd", "weight", false},
    {TensorRole::kOutputNorm, "output_norm", "weight", false},
    {TensorRole::kOutput, "output", "weight", false},
    {TensorRole::kRopeFreqs, "rope_freqs", "weight", false},
    {TensorRole::kAttnNorm, "attn_norm", "weight", true},
    {TensorRole::kAttnQ, "attn_q", "weight", true},
    {TensorRole::kAttnK, "attn_k", "weight", true},
    {TensorRole::kAttnV, "attn_v", "weight", true},
    {TensorRole::kAttnOutput, "attn_output", "weight", true},
    {TensorRole::kAttnQBias, "attn_q", "bias", true},
    {TensorRole::kAttnKBias, "attn_k", "bias", true},
    {TensorRole::kAttnVBias, "attn_v", "bias", true},
    {TensorRole::kFfnNorm, "ffn_norm", "weight", true},
    {TensorRole::kFfnGate, "ffn_gate", "weight", true},
    {TensorRole::kFfnUp, "ffn_up", "weight", true},
    {TensorRole::kFfnDown, "ffn_down", "weight", true},
};

const RoleSpelling& SpellingOf(TensorRole role) {
  for (const RoleSpelling& s : kSpellings) {
    if (s.role == role) return s;
  }
  return kSpellings[0];  // unreachable for declared roles
}

// Finds the role for a stem + suffix within the per-layer or global group.
std::optional<TensorRole> RoleFor(std::string_view stem, std::string_view suffix, bool per_layer) {
  for (const RoleSpelling& s : kSpellings) {
    if (s.per_layer == per_layer && s.stem == stem && s.suffix == suffix) return s.role;
  }
  return std::nullopt;
}

// Parses "<stem>.<suffix>" or "<stem>.lr_a.weight" / "<stem>.lr_b.weight" (the low-rank
// factors exist only for linear weights).
std::optional<ParsedTensorName> ParseRest(std::string_view rest, bool per_layer,
                                          int64_t layer_idx) {
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view stem = rest.substr(0, dot);
  std::string_view tail = rest.substr(dot + 1);
  std::string factor;
  if (tail == "lr_a.weight" || tail == "lr_b.weight") {
    factor = std::string(tail.substr(0, 4));
    tail = "weight";
  }
  const std::optional<TensorRole> role = RoleFor(stem, tail, per_layer);
  if (!role) return std::nullopt;
  if (!factor.empty() && !IsLinear(*role)) return std::nullopt;
  return ParsedTensorName{*role, layer_idx, std::move(factor)};
}

}  // namespace

bool IsPerLayer(TensorRole role) { return SpellingOf(role).per_layer; }

RoleGroup GroupOf(TensorRole role) {
  switch (role) {
    case TensorRole::kTokenEmbd: return RoleGroup::kEmbedding;
    case TensorRole::kOutput: return RoleGroup::kOutput;
    case TensorRole::kOutputNorm:
    case TensorRole::kAttnNorm:
    case TensorRole::kFfnNorm: return RoleGroup::kNorm;
    case TensorRole::kAttnQ:
    case TensorRole::kAttnK:
    case TensorRole::kAttnV:
    case TensorRole::kAttnOutput:
    case TensorRole::kAttnQBias:
    case TensorRole::kAttnKBias:
    case TensorRole::kAttnVBias: return RoleGroup::kAttention;
    case TensorRole::kFfnGate:
    case TensorRole::kFfnUp:
    case TensorRole::kFfnDown: return RoleGroup::kFfn;
    case TensorRole::kRopeFreqs: return RoleGroup::kOther;
  }
  return RoleGroup::kOther;
}

std::string_view RoleGroupName(RoleGroup g) {
  switch (g) {
    case RoleGroup::kEmbedding: return "embedding";
    case RoleGroup::kAttention: return "attention";
    case RoleGroup::kFfn: return "ffn";
    case RoleGroup::kNorm: return "norm";
    case RoleGroup::kOutput: return "output";
    case RoleGroup::kOther: return "other";
  }
  return "other";
}

bool IsLinear(TensorRole role) {
  switch (role) {
    case TensorRole::kAttnQ:
    case TensorRole::kAttnK:
    case TensorRole::kAttnV:
    case TensorRole::kAttnOutput:
    case TensorRole::kFfnGate:
    case TensorRole::kFfnUp:
    case TensorRole::kFfnDown:
    case TensorRole::kOutput: return true;
    default: return false;
  }
}

std::string TensorName(TensorRole role, int64_t layer_idx) {
  const RoleSpelling& s = SpellingOf(role);
  if (s.per_layer) return fmt::format("blk.{}.{}.{}", layer_idx, s.stem, s.suffix);
  return fmt::format("{}.{}", s.stem, s.suffix);
}

std::optional<ParsedTensorName> ParseTensorName(std::string_view name) {
  constexpr std::string_view kBlockPrefix = "blk.";
  if (name.substr(0, kBlockPrefix.size()) == kBlockPrefix) {
    const std::string_view rest = name.substr(kBlockPrefix.size());
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    int64_t layer_idx = -1;
    const char* begin = rest.data();
    const char* end = rest.data() + dot;
    auto [ptr, ec] = std::from_chars(begin, end, layer_idx);
    if (ec != std::errc() || ptr != end || layer_idx < 0) return std::nullopt;
    return ParseRest(rest.substr(dot + 1), /*per_layer=*/true, layer_idx);
  }
  return ParseRest(name, /*per_layer=*/false, -1);
}

}  // namespace cratio
