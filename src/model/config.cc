// ModelConfig from llama.cpp metadata keys, and its validation.
#include "model/config.h"

#include <algorithm>
#include <string>

#include "model/tensor_names.h"

namespace cratio {
namespace {

// Reads "<arch>.<suffix>" as an integer; `required` makes absence an error.
Result<int64_t> ArchInt(const Metadata& md, const std::string& arch, std::string_view suffix,
                        std::optional<int64_t> fallback) {
  const std::string key = fmt::format("{}.{}", arch, suffix);
  const MetaValue* v = md.Find(key);
  if (v == nullptr) {
    if (fallback) return *fallback;
    return InvalidInput("model config: metadata key '{}' is missing", key);
  }
  // Per-layer arrays (llama.cpp's feed_forward_length / head_count for models whose
  // layers differ, e.g. OpenELM or structurally pruned ones): the largest value; the
  // engine takes each layer's own size from its tensors.
  if (const MetaArray* arr = v->AsArray()) {
    std::optional<int64_t> largest;
    for (const MetaValue& item : arr->items) {
      std::optional<int64_t> i = item.AsInt();
      if (!i) {
        return InvalidInput("model config: metadata key '{}' is an array of {}, expected integers",
                            key, MetaTypeName(arr->elem_type));
      }
      largest = largest ? std::max(*largest, *i) : *i;
    }
    if (!largest) return InvalidInput("model config: metadata key '{}' is an empty array", key);
    return *largest;
  }
  std::optional<int64_t> i = v->AsInt();
  if (!i) {
    return InvalidInput("model config: metadata key '{}' has type {}, expected an integer", key,
                        MetaTypeName(v->type));
  }
  return *i;
}

Result<double> ArchFloat(const Metadata& md, const std::string& arch, std::string_view suffix,
                         double fallback) {
  const std::string key = fmt::format("{}.{}", arch, suffix);
  const MetaValue* v = md.Find(key);
  if (v == nullptr) return fallback;
  std::optional<double> d = v->AsDouble();
  if (!d) {
    return InvalidInput("model config: metadata key '{}' has type {}, expected a number", key,
                        MetaTypeName(v->type));
  }
  return *d;
}

// The linear weight of a role exists either dense or as a low-rank pair.
bool HasLinear(const ModelFile& file, TensorRole role) {
  const std::string name = TensorName(role);
  if (file.FindTensor(name) != nullptr) return true;
  const std::string stem = name.substr(0, name.size() - std::string_view(".weight").size());
  return file.FindTensor(stem + ".lr_a.weight") != nullptr;
}

}  // namespace

Status ModelConfig::Validate() const {
  const std::string& a = arch_name;
  auto positive = [&](int64_t v, std::string_view key) -> Status {
    if (v <= 0) return InvalidInput("model config: '{}.{}' is {}, must be > 0", a, key, v);
    return Status::Ok();
  };
  CRATIO_RETURN_IF_ERROR(positive(vocab_size, "vocab_size"));
  CRATIO_RETURN_IF_ERROR(positive(model_dim, "embedding_length"));
  CRATIO_RETURN_IF_ERROR(positive(num_layers, "block_count"));
  CRATIO_RETURN_IF_ERROR(positive(ffn_dim, "feed_forward_length"));
  CRATIO_RETURN_IF_ERROR(positive(num_heads, "attention.head_count"));
  CRATIO_RETURN_IF_ERROR(positive(num_kv_heads, "attention.head_count_kv"));
  CRATIO_RETURN_IF_ERROR(positive(head_dim, "attention.key_length"));
  CRATIO_RETURN_IF_ERROR(positive(rope_dim, "rope.dimension_count"));
  if (num_heads % num_kv_heads != 0) {
    return InvalidInput(
        "model config: '{0}.attention.head_count' ({1}) is not a multiple of "
        "'{0}.attention.head_count_kv' ({2})",
        a, num_heads, num_kv_heads);
  }
  if (head_dim % 2 != 0) {
    return InvalidInput("model config: head_dim {} ('{}.attention.key_length') must be even",
                        head_dim, a);
  }
  if (rope_dim % 2 != 0 || rope_dim > head_dim) {
    return InvalidInput(
        "model config: '{}.rope.dimension_count' is {}, must be even and at most head_dim {}", a,
        rope_dim, head_dim);
  }
  if (context_length < 0) {
    return InvalidInput("model config: '{}.context_length' is {}, must be >= 0", a,
                        context_length);
  }
  if (!(rms_norm_eps > 0.0f)) {
    return InvalidInput("model config: '{}.attention.layer_norm_rms_epsilon' is {}, must be > 0",
                        a, rms_norm_eps);
  }
  if (!(rope_freq_base > 0.0f)) {
    return InvalidInput("model config: '{}.rope.freq_base' is {}, must be > 0", a,
                        rope_freq_base);
  }
  if (rope_scaling_factor != 0.0f &&
      (!(rope_scaling_factor > 0.0f) || !(rope_low_freq_factor > 0.0f) ||
       !(rope_high_freq_factor > rope_low_freq_factor) || rope_original_context <= 0)) {
    return InvalidInput(
        "model config: llama3 rope scaling needs factor > 0, high_freq_factor > "
        "low_freq_factor > 0 and original_context_length > 0; got factor {}, low {}, high {}, "
        "original context {}",
        rope_scaling_factor, rope_low_freq_factor, rope_high_freq_factor, rope_original_context);
  }
  return Status::Ok();
}

Result<ModelConfig> ModelConfig::FromModelFile(const ModelFile& file) {
  const Metadata& md = file.metadata;
  ModelConfig c;
  std::optional<std::string> arch = md.GetString("general.architecture");
  if (!arch) {
    return InvalidInput("model config: metadata key 'general.architecture' is missing or not a "
                        "string");
  }
  if (*arch == "llama") {
    c.arch = Arch::kLlama;
  } else if (*arch == "qwen2") {
    c.arch = Arch::kQwen2;
  } else {
    return InvalidInput(
        "model config: 'general.architecture' is '{}', supported are 'llama' and 'qwen2'", *arch);
  }
  c.arch_name = *arch;
  const std::string& a = c.arch_name;

  CRATIO_ASSIGN_OR_RETURN(c.model_dim, ArchInt(md, a, "embedding_length", std::nullopt));
  CRATIO_ASSIGN_OR_RETURN(c.num_layers, ArchInt(md, a, "block_count", std::nullopt));
  CRATIO_ASSIGN_OR_RETURN(c.ffn_dim, ArchInt(md, a, "feed_forward_length", std::nullopt));
  CRATIO_ASSIGN_OR_RETURN(c.num_heads, ArchInt(md, a, "attention.head_count", std::nullopt));
  CRATIO_ASSIGN_OR_RETURN(c.num_kv_heads,
                          ArchInt(md, a, "attention.head_count_kv", c.num_heads));
  CRATIO_ASSIGN_OR_RETURN(c.context_length, ArchInt(md, a, "context_length", int64_t{0}));
  const int64_t default_head_dim = c.num_heads > 0 ? c.model_dim / c.num_heads : 0;
  CRATIO_ASSIGN_OR_RETURN(c.head_dim, ArchInt(md, a, "attention.key_length", default_head_dim));
  CRATIO_ASSIGN_OR_RETURN(c.rope_dim, ArchInt(md, a, "rope.dimension_count", c.head_dim));
  if (c.num_heads > 0 && !md.Contains(a + ".attention.key_length") &&
      c.model_dim % c.num_heads != 0) {
    return InvalidInput(
        "model config: '{0}.embedding_length' ({1}) is not a multiple of "
        "'{0}.attention.head_count' ({2}) and '{0}.attention.key_length' is absent",
        a, c.model_dim, c.num_heads);
  }

  double eps = 0.0;
  CRATIO_ASSIGN_OR_RETURN(eps, ArchFloat(md, a, "attention.layer_norm_rms_epsilon", 1e-5));
  c.rms_norm_eps = static_cast<float>(eps);
  double freq_base = 0.0;
  CRATIO_ASSIGN_OR_RETURN(freq_base, ArchFloat(md, a, "rope.freq_base", 10000.0));
  c.rope_freq_base = static_cast<float>(freq_base);

  // RoPE pairing: an explicit cratio key wins; otherwise what llama.cpp assumes for the
  // architecture (llama GGUF files hold Q/K permuted to adjacent pairs, qwen2 runs NeoX).
  c.rope_layout = c.arch == Arch::kQwen2 ? RopeLayout::kHalf : RopeLayout::kAdjacent;
  if (const MetaValue* v = md.Find(kKeyRopeLayout)) {
    const std::string* s = v->AsString();
    if (s != nullptr && *s == "adjacent") {
      c.rope_layout = RopeLayout::kAdjacent;
    } else if (s != nullptr && *s == "half") {
      c.rope_layout = RopeLayout::kHalf;
    } else {
      return InvalidInput("model config: '{}' must be \"adjacent\" or \"half\", got {}",
                          kKeyRopeLayout, s ? fmt::format("\"{}\"", *s) : "a non-string");
    }
  }

  // Llama-3 frequency scaling. GGUF files usually carry the factors as the rope_freqs
  // tensor instead (then the forward pass uses the tensor and ignores these).
  std::optional<std::string> scaling_type = md.GetString(a + ".rope.scaling.type");
  if (scaling_type && *scaling_type == "llama3") {
    double factor = 0, low = 0, high = 0;
    CRATIO_ASSIGN_OR_RETURN(factor, ArchFloat(md, a, "rope.scaling.factor", 8.0));
    CRATIO_ASSIGN_OR_RETURN(low, ArchFloat(md, a, "rope.scaling.low_freq_factor", 1.0));
    CRATIO_ASSIGN_OR_RETURN(high, ArchFloat(md, a, "rope.scaling.high_freq_factor", 4.0));
    CRATIO_ASSIGN_OR_RETURN(c.rope_original_context,
                            ArchInt(md, a, "rope.scaling.original_context_length", int64_t{8192}));
    c.rope_scaling_factor = static_cast<float>(factor);
    c.rope_low_freq_factor = static_cast<float>(low);
    c.rope_high_freq_factor = static_cast<float>(high);
  } else if (scaling_type && *scaling_type != "none") {
    std::optional<double> factor = md.GetDouble(a + ".rope.scaling.factor");
    if (factor && *factor != 1.0) {
      return InvalidInput(
          "model config: '{}.rope.scaling.type' is '{}' (factor {}); only 'llama3' and 'none' "
          "are supported",
          a, *scaling_type, *factor);
    }
  }

  // Vocabulary: metadata, else the embedding's rows, else the tokenizer's token list.
  const TensorEntry* embd = file.FindTensor(TensorName(TensorRole::kTokenEmbd));
  std::optional<int64_t> vocab = md.GetInt(a + ".vocab_size");
  if (!vocab && embd != nullptr && embd->view.shape.rank() == 2) vocab = embd->view.shape[0];
  if (!vocab) {
    if (const MetaArray* toks = md.GetArray("tokenizer.ggml.tokens")) {
      vocab = static_cast<int64_t>(toks->items.size());
    }
  }
  c.vocab_size = vocab.value_or(0);
  c.tied_output = !HasLinear(file, TensorRole::kOutput);

  CRATIO_RETURN_IF_ERROR(c.Validate());
  return c;
}

}  // namespace cratio
