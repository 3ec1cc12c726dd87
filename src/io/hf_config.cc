// config.json <-> llama.cpp metadata.
#include "io/hf_config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>

#include "io/json_parse.h"

namespace cratio {
namespace {

using Json = nlohmann::ordered_json;

struct ArchName {
  std::string_view hf_class;    // "architectures" entry
  std::string_view model_type;  // "model_type"
  std::string_view gguf;        // general.architecture
};
constexpr ArchName kArchs[] = {
    {"LlamaForCausalLM", "llama", "llama"},
    {"MistralForCausalLM", "mistral", "llama"},
    {"Qwen2ForCausalLM", "qwen2", "qwen2"},
};

// Reads integer fields of one config object, with messages naming the file and field.
class ConfigFields {
 public:
  ConfigFields(const Json& j, const std::string& source) : j_(j), source_(source) {}

  Status Missing(std::string_view field) const {
    return InvalidInput("config.json '{}': field '{}' is missing", source_, field);
  }

  // nullopt when absent or null; error when not a positive (or, if allow_zero,
  // non-negative) integer.
  Result<std::optional<int64_t>> Int(std::string_view field, bool allow_zero = false) const {
    auto it = j_.find(std::string(field));
    if (it == j_.end() || it->is_null()) return std::optional<int64_t>();
    if (!it->is_number_integer()) {
      return InvalidInput("config.json '{}': field '{}' must be an integer, found {}", source_,
                          field, it->dump());
    }
    const int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX
                          ? -1
                          : it->get<int64_t>();
    if (v < 0 || (v == 0 && !allow_zero) || v > (int64_t{1} << 32) - 1) {
      return InvalidInput("config.json '{}': field '{}' = {} is out of range", source_, field,
                          it->dump());
    }
    return std::optional<int64_t>(v);
  }
  Result<int64_t> RequiredInt(std::string_view field) const {
    CRATIO_ASSIGN_OR_RETURN(std::optional<int64_t> v, Int(field));
    if (!v) return Missing(field);
    return *v;
  }
  Result<std::optional<double>> Float(std::string_view field) const {
    return FloatIn(j_, field, field);
  }
  Result<std::optional<double>> FloatIn(const Json& obj, std::string_view field,
                                        std::string_view path) const {
    auto it = obj.find(std::string(field));
    if (it == obj.end() || it->is_null()) return std::optional<double>();
    if (!it->is_number()) {
      return InvalidInput("config.json '{}': field '{}' must be a number, found {}", source_,
                          path, it->dump());
    }
    return std::optional<double>(it->get<double>());
  }
  Result<std::optional<bool>> Bool(std::string_view field) const {
    auto it = j_.find(std::string(field));
    if (it == j_.end() || it->is_null()) return std::optional<bool>();
    if (!it->is_boolean()) {
      return InvalidInput("config.json '{}': field '{}' must be true or false, found {}",
                          source_, field, it->dump());
    }
    return std::optional<bool>(it->get<bool>());
  }

 private:
  const Json& j_;
  const std::string& source_;
};

Result<std::string> ArchFromConfig(const Json& j, const std::string& source) {
  std::string seen;
  if (auto it = j.find("architectures"); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->empty() || !(*it)[0].is_string()) {
      return InvalidInput("config.json '{}': field 'architectures' must be a non-empty list "
                          "of strings, found {}", source, it->dump());
    }
    seen = (*it)[0].get<std::string>();
    for (const ArchName& a : kArchs) {
      if (seen == a.hf_class) return std::string(a.gguf);
    }
  } else if (auto mt = j.find("model_type"); mt != j.end() && mt->is_string()) {
    seen = mt->get<std::string>();
    for (const ArchName& a : kArchs) {
      if (seen == a.model_type) return std::string(a.gguf);
    }
  } else {
    return InvalidInput("config.json '{}': field 'architectures' is missing", source);
  }
  return InvalidInput("config.json '{}': architecture '{}' is not supported (supported: "
                      "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)", source, seen);
}

// Adds config.json's rope_scaling (if any) under <arch>.rope.scaling.*.
Status AddRopeScaling(const Json& j, const std::string& source, const std::string& arch,
                      const ConfigFields& fields, Metadata* m) {
  auto it = j.find("rope_scaling");
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) {
    return InvalidInput("config.json '{}': field 'rope_scaling' must be an object, found {}",
                        source, it->dump());
  }
  const Json& rs = *it;
  std::string type;
  for (const char* key : {"rope_type", "type"}) {
    if (auto t = rs.find(key); t != rs.end() && t->is_string()) {
      type = t->get<std::string>();
      break;
    }
  }
  if (type.empty()) {
    return InvalidInput("config.json '{}': field 'rope_scaling.rope_type' is missing", source);
  }
  if (type == "default") return Status::Ok();
  const std::string prefix = arch + ".rope.scaling.";
  m->Set(prefix + "type", MetaValue::Str(type));
  auto number = [&](std::string_view key, bool required) -> Result<std::optional<double>> {
    const std::string path = "rope_scaling." + std::string(key);
    CRATIO_ASSIGN_OR_RETURN(std::optional<double> v, fields.FloatIn(rs, key, path));
    if (!v && required) return fields.Missing(path);
    return v;
  };
  const bool llama3 = type == "llama3";
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> factor, number("factor", true));
  m->Set(prefix + "factor", MetaValue::F32(static_cast<float>(*factor)));
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> low, number("low_freq_factor", llama3));
  if (low) m->Set(prefix + "low_freq_factor", MetaValue::F32(static_cast<float>(*low)));
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> high, number("high_freq_factor", llama3));
  if (high) m->Set(prefix + "high_freq_factor", MetaValue::F32(static_cast<float>(*high)));
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> orig,
                          number("original_max_position_embeddings", llama3));
  if (orig) {
    m->Set(prefix + "original_context_length",
           MetaValue::U32(static_cast<uint32_t>(*orig)));
  }
  return Status::Ok();
}

// The shortest decimal that reads back as the same float, as a double (1e-5f -> 1e-05,
// not 9.99999974737875e-06), so config.json files look like the ones people write.
double ShortestFloat(double v) {
  return std::strtod(fmt::format("{}", static_cast<float>(v)).c_str(), nullptr);
}

}  // namespace

Result<Metadata> MetadataFromHfConfig(const Json& j, const std::string& source) {
  if (!j.is_object()) {
    return InvalidInput("config.json '{}': expected a JSON object, found {}", source,
                        j.type_name());
  }
  CRATIO_ASSIGN_OR_RETURN(std::string arch, ArchFromConfig(j, source));
  ConfigFields f(j, source);
  CRATIO_ASSIGN_OR_RETURN(int64_t hidden, f.RequiredInt("hidden_size"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_layers, f.RequiredInt("num_hidden_layers"));
  CRATIO_ASSIGN_OR_RETURN(int64_t ffn, f.RequiredInt("intermediate_size"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_heads, f.RequiredInt("num_attention_heads"));
  CRATIO_ASSIGN_OR_RETURN(int64_t vocab, f.RequiredInt("vocab_size"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<int64_t> kv_heads, f.Int("num_key_value_heads"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<int64_t> head_dim_field, f.Int("head_dim"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<int64_t> context, f.Int("max_position_embeddings"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> eps, f.Float("rms_norm_eps"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<double> theta, f.Float("rope_theta"));
  CRATIO_ASSIGN_OR_RETURN(std::optional<bool> tied, f.Bool("tie_word_embeddings"));

  const int64_t num_kv_heads = kv_heads.value_or(num_heads);
  if (num_heads % num_kv_heads != 0) {
    return InvalidInput("config.json '{}': num_attention_heads {} is not a multiple of "
                        "num_key_value_heads {}", source, num_heads, num_kv_heads);
  }
  if (!head_dim_field && hidden % num_heads != 0) {
    return InvalidInput("config.json '{}': hidden_size {} is not a multiple of "
                        "num_attention_heads {} (and head_dim is not given)", source, hidden,
                        num_heads);
  }
  const int64_t head_dim = head_dim_field.value_or(hidden / num_heads);

  Metadata m;
  m.Set("general.architecture", MetaValue::Str(arch));
  const std::string p = arch + ".";
  auto u32 = [](int64_t v) { return MetaValue::U32(static_cast<uint32_t>(v)); };
  // HF's own defaults when a field is absent (LlamaConfig / Qwen2Config).
  m.Set(p + "context_length", u32(context.value_or(arch == "qwen2" ? 32768 : 2048)));
  m.Set(p + "embedding_length", u32(hidden));
  m.Set(p + "block_count", u32(num_layers));
  m.Set(p + "feed_forward_length", u32(ffn));
  m.Set(p + "attention.head_count", u32(num_heads));
  m.Set(p + "attention.head_count_kv", u32(num_kv_heads));
  m.Set(p + "attention.layer_norm_rms_epsilon",
        MetaValue::F32(static_cast<float>(eps.value_or(1e-6))));
  m.Set(p + "rope.freq_base", MetaValue::F32(static_cast<float>(theta.value_or(10000.0))));
  m.Set(p + "rope.dimension_count", u32(head_dim));
  if (head_dim != hidden / num_heads || hidden % num_heads != 0) {
    m.Set(p + "attention.key_length", u32(head_dim));
    m.Set(p + "attention.value_length", u32(head_dim));
  }
  m.Set(p + "vocab_size", u32(vocab));
  m.Set(std::string(kKeyTiedEmbeddings), MetaValue::Bool(tied.value_or(false)));
  CRATIO_RETURN_IF_ERROR(AddRopeScaling(j, source, arch, f, &m));
  return m;
}

Result<Metadata> ReadHfConfig(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  return MetadataFromHfConfig(j, path);
}

Result<std::string> HfConfigFromMetadata(const Metadata& m, bool tied, DType torch_dtype) {
  const std::optional<std::string> arch = m.GetString("general.architecture");
  if (!arch) return InvalidInput("config.json: metadata has no 'general.architecture'");
  std::string hf_class, model_type;
  for (const ArchName& a : kArchs) {
    if (*arch == a.gguf) {
      hf_class = a.hf_class;
      model_type = a.model_type;
      break;
    }
  }
  if (hf_class.empty()) {
    return InvalidInput("config.json: architecture '{}' has no Hugging Face equivalent "
                        "(supported: llama, qwen2)", *arch);
  }
  const std::string p = *arch + ".";
  auto required = [&](std::string_view key) -> Result<int64_t> {
    const std::string full = p + std::string(key);
    std::optional<int64_t> v = m.GetInt(full);
    if (!v || *v <= 0) return InvalidInput("config.json: metadata key '{}' is missing", full);
    return *v;
  };
  CRATIO_ASSIGN_OR_RETURN(int64_t hidden, required("embedding_length"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_layers, required("block_count"));
  CRATIO_ASSIGN_OR_RETURN(int64_t ffn, required("feed_forward_length"));
  CRATIO_ASSIGN_OR_RETURN(int64_t num_heads, required("attention.head_count"));
  std::optional<int64_t> vocab = m.GetInt(p + "vocab_size");
  if (!vocab) {
    if (const MetaArray* tokens = m.GetArray("tokenizer.ggml.tokens")) {
      vocab = static_cast<int64_t>(tokens->items.size());
    } else {
      return InvalidInput("config.json: metadata key '{}vocab_size' is missing", p);
    }
  }
  const int64_t num_kv_heads = m.GetInt(p + "attention.head_count_kv").value_or(num_heads);
  const int64_t head_dim = m.GetInt(p + "attention.key_length")
                               .value_or(m.GetInt(p + "rope.dimension_count")
                                             .value_or(hidden / num_heads));

  Json j;
  j["architectures"] = Json::array({hf_class});
  j["model_type"] = model_type;
  j["hidden_act"] = "silu";
  j["hidden_size"] = hidden;
  j["intermediate_size"] = ffn;
  j["num_hidden_layers"] = num_layers;
  j["num_attention_heads"] = num_heads;
  j["num_key_value_heads"] = num_kv_heads;
  if (head_dim != hidden / num_heads || hidden % num_heads != 0) j["head_dim"] = head_dim;
  j["max_position_embeddings"] = m.GetInt(p + "context_length").value_or(2048);
  j["rms_norm_eps"] =
      ShortestFloat(m.GetDouble(p + "attention.layer_norm_rms_epsilon").value_or(1e-5));
  j["rope_theta"] = ShortestFloat(m.GetDouble(p + "rope.freq_base").value_or(10000.0));
  j["vocab_size"] = *vocab;
  j["tie_word_embeddings"] = tied;
  if (auto bos = m.GetInt("tokenizer.ggml.bos_token_id")) j["bos_token_id"] = *bos;
  if (auto eos = m.GetInt("tokenizer.ggml.eos_token_id")) j["eos_token_id"] = *eos;
  if (std::optional<std::string> type = m.GetString(p + "rope.scaling.type")) {
    Json rs;
    rs["rope_type"] = *type;
    if (auto v = m.GetDouble(p + "rope.scaling.factor")) rs["factor"] = ShortestFloat(*v);
    if (auto v = m.GetDouble(p + "rope.scaling.low_freq_factor")) {
      rs["low_freq_factor"] = ShortestFloat(*v);
    }
    if (auto v = m.GetDouble(p + "rope.scaling.high_freq_factor")) {
      rs["high_freq_factor"] = ShortestFloat(*v);
    }
    if (auto v = m.GetInt(p + "rope.scaling.original_context_length")) {
      rs["original_max_position_embeddings"] = *v;
    }
    j["rope_scaling"] = rs;
  }
  switch (torch_dtype) {
    case DType::kF16: j["torch_dtype"] = "float16"; break;
    case DType::kBF16: j["torch_dtype"] = "bfloat16"; break;
    default: j["torch_dtype"] = "float32"; break;
  }
  return j.dump(2) + "\n";
}

}  // namespace cratio
