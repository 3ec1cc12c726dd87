// Hugging Face <-> llama.cpp tensor names and the Q/K RoPE-layout permutation.
#include "io/hf_names.h"

#include <array>
#include <memory>
#include <optional>
#include <utility>
#include <vector>
#include <cstring>

namespace cratio {
namespace {

struct NamePair {
  std::string_view hf;    // module path after "model.layers.N." or the global path
  std::string_view gguf;  // after "blk.N." or the global name
};

constexpr std::array<NamePair, 3> kGlobalNames = {{
    {"model.embed_tokens", "token_embd"},
    {"model.norm", "output_norm"},
    {"lm_head", "output"},
}};

constexpr std::array<NamePair, 9> kLayerNames = {{
    {"self_attn.q_proj", "attn_q"},
    {"self_attn.k_proj", "attn_k"},
    {"self_attn.v_proj", "attn_v"},
    {"self_attn.o_proj", "attn_output"},
    {"mlp.gate_proj", "ffn_gate"},
    {"mlp.up_proj", "ffn_up"},
    {"mlp.down_proj", "ffn_down"},
    {"input_layernorm", "attn_norm"},
    {"post_attention_layernorm", "ffn_norm"},
}};

// Splits "<prefix><digits>.<rest>" into (layer, rest); false if the form does not match.
bool SplitLayer(std::string_view name, std::string_view prefix, std::string_view* layer,
                std::string_view* rest) {
  if (name.substr(0, prefix.size()) != prefix) return false;
  name.remove_prefix(prefix.size());
  size_t n = 0;
  while (n < name.size() && name[n] >= '0' && name[n] <= '9') ++n;
  if (n == 0 || n >= name.size() || name[n] != '.') return false;
  *layer = name.substr(0, n);
  *rest = name.substr(n + 1);
  return true;
}

// If `name` is "<from>.<suffix>", returns "<to>.<suffix>" in *out.
bool ReplaceModule(std::string_view name, std::string_view from, std::string_view to,
                   std::string* out) {
  if (name.size() <= from.size() || name.substr(0, from.size()) != from ||
      name[from.size()] != '.') {
    return false;
  }
  *out = std::string(to) + std::string(name.substr(from.size()));
  return true;
}

}  // namespace

std::string HfToGgufName(std::string_view hf_name) {
  std::string out;
  for (const NamePair& p : kGlobalNames) {
    if (ReplaceModule(hf_name, p.hf, p.gguf, &out)) return out;
  }
  std::string_view layer, rest;
  if (SplitLayer(hf_name, "model.layers.", &layer, &rest)) {
    for (const NamePair& p : kLayerNames) {
      if (ReplaceModule(rest, p.hf, p.gguf, &out)) {
        return "blk." + std::string(layer) + "." + out;
      }
    }
  }
  return std::string(hf_name);
}

std::string GgufToHfName(std::string_view gguf_name) {
  std::string out;
  for (const NamePair& p : kGlobalNames) {
    if (ReplaceModule(gguf_name, p.gguf, p.hf, &out)) return out;
  }
  std::string_view layer, rest;
  if (SplitLayer(gguf_name, "blk.", &layer, &rest)) {
    for (const NamePair& p : kLayerNames) {
      if (ReplaceModule(rest, p.gguf, p.hf, &out)) {
        return "model.layers." + std::string(layer) + "." + out;
      }
    }
  }
  return std::string(gguf_name);
}

bool IsDerivedHfTensor(std::string_view hf_name) {
  constexpr std::string_view kInvFreq = "rotary_emb.inv_freq";
  return hf_name.size() >= kInvFreq.size() &&
         hf_name.substr(hf_name.size() - kInvFreq.size()) == kInvFreq;
}

Status PermuteQkRows(QkPermutation direction, const void* src, void* dst, int64_t num_rows,
                     int64_t row_bytes, int64_t num_heads) {
  if (num_heads <= 0 || num_rows <= 0 || num_rows % num_heads != 0) {
    return InvalidInput("q/k permutation: {} rows do not split into {} heads", num_rows,
                        num_heads);
  }
  const int64_t head_dim = num_rows / num_heads;
  if (head_dim % 2 != 0) {
    return InvalidInput("q/k permutation: head_dim {} ({} rows / {} heads) is odd", head_dim,
                        num_rows, num_heads);
  }
  const int64_t half = head_dim / 2;
  const auto* in = static_cast<const uint8_t*>(src);
  auto* out = static_cast<uint8_t*>(dst);
  for (int64_t h = 0; h < num_heads; ++h) {
    const int64_t base = h * head_dim;
    for (int64_t i = 0; i < half; ++i) {
      for (int64_t t = 0; t < 2; ++t) {
        const int64_t adjacent_row = base + 2 * i + t;
        const int64_t half_row = base + t * half + i;
        const int64_t from =
            direction == QkPermutation::kHalfToAdjacent ? half_row : adjacent_row;
        const int64_t to = direction == QkPermutation::kHalfToAdjacent ? adjacent_row : half_row;
        std::memcpy(out + to * row_bytes, in + from * row_bytes, row_bytes);
      }
    }
  }
  return Status::Ok();
}

Result<Tensor> PermuteQk(const TensorView& w, int64_t num_heads, QkPermutation direction) {
  Tensor out(w.dtype, w.shape);
  int64_t num_rows = w.rows();
  int64_t row_bytes = w.row_bytes();
  if (w.shape.rank() == 1) {
    if (GetDTypeInfo(w.dtype).block_size != 1) {
      return InvalidInput("q/k permutation: 1-D tensor of blocked dtype {} cannot be split "
                          "into rows", DTypeName(w.dtype));
    }
    num_rows = w.num_elements();
    row_bytes = GetDTypeInfo(w.dtype).block_bytes;
  }
  CRATIO_RETURN_IF_ERROR(
      PermuteQkRows(direction, w.data, out.data(), num_rows, row_bytes, num_heads));
  return out;
}

Status ConvertRopeLayout(ModelFile& model, QkPermutation direction) {
  const std::string arch = model.metadata.GetString("general.architecture").value_or("llama");
  const std::string heads_key = arch + ".attention.head_count";
  const std::optional<int64_t> num_heads = model.metadata.GetInt(heads_key);
  if (!num_heads || *num_heads <= 0) {
    return InvalidInput("rope layout: metadata key '{}' is missing", heads_key);
  }
  const int64_t num_kv_heads =
      model.metadata.GetInt(arch + ".attention.head_count_kv").value_or(*num_heads);
  // Build every permuted copy first, so an error leaves the model untouched.
  std::vector<std::pair<size_t, std::shared_ptr<AlignedBuffer>>> replaced;
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const TensorEntry& t = model.tensors[i];
    std::string_view layer, rest;
    if (!SplitLayer(t.name, "blk.", &layer, &rest)) continue;
    int64_t heads = 0;
    for (const auto& [stem, h] : {std::pair<std::string_view, int64_t>{"attn_q.", *num_heads},
                                  {"attn_k.", num_kv_heads}}) {
      if (rest.substr(0, stem.size()) != stem) continue;
      const std::string_view suffix = rest.substr(stem.size());
      if (suffix == "weight" || suffix == "bias" || suffix == "lr_b.weight") heads = h;
    }
    if (heads == 0) continue;
    Result<Tensor> permuted = PermuteQk(t.view, heads, direction);
    if (!permuted.ok()) return permuted.status().WithPrefix("tensor '" + t.name + "'");
    auto buf = std::make_shared<AlignedBuffer>(t.view.size_bytes);
    if (t.view.size_bytes) std::memcpy(buf->data(), permuted->data(), t.view.size_bytes);
    replaced.emplace_back(i, std::move(buf));
  }
  for (auto& [i, buf] : replaced) {
    model.tensors[i].view.data = buf->data();
    model.owned.push_back(std::move(buf));
  }
  model.metadata.Set(std::string(kKeyRopeLayout),
                     MetaValue::Str(direction == QkPermutation::kHalfToAdjacent ? "adjacent"
                                                                                : "half"));
  return Status::Ok();
}

}  // namespace cratio
