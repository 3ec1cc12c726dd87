// tokenizer.json (+ tokenizer_config.json) -> tokenizer.ggml.* metadata.
#include "io/tokenizer_json.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "io/json_parse.h"

namespace cratio {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kMaxVocab = int64_t{1} << 24;

// Calls `fn` on a pre-tokenizer / normalizer / processor node and, for "Sequence" nodes,
// on each child (one level of nesting, which is all tokenizers use).
template <typename Fn>
void ForEachStep(const Json& node, Fn fn) {
  if (!node.is_object()) return;
  const std::string type = node.value("type", "");
  if (type == "Sequence") {
    for (const char* list : {"pretokenizers", "normalizers", "processors", "decoders"}) {
      if (auto it = node.find(list); it != node.end() && it->is_array()) {
        for (const Json& child : *it) {
          if (child.is_object()) fn(child, child.value("type", ""));
        }
      }
    }
    return;
  }
  fn(node, type);
}

bool IsByteToken(std::string_view t) {
  auto hex = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'); };
  return t.size() == 6 && t.substr(0, 3) == "<0x" && hex(t[3]) && hex(t[4]) && t[5] == '>';
}

// A token named in tokenizer_config.json: either "text" or {"content": "text", ...}.
std::optional<std::string> ConfigToken(const Json* config, const char* key) {
  if (!config || !config->is_object()) return std::nullopt;
  auto it = config->find(key);
  if (it == config->end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    return (*it)["content"].get<std::string>();
  }
  return std::nullopt;
}

std::optional<bool> ConfigBool(const Json* config, const char* key) {
  if (!config || !config->is_object()) return std::nullopt;
  auto it = config->find(key);
  if (it == config->end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

}  // namespace

std::string PreTokenizerNameForRegex(std::string_view regex) {
  if (regex == kPreRegexGpt2) return "gpt-2";
  if (regex == kPreRegexLlama3) return "llama3";
  if (regex == kPreRegexQwen2) return "qwen2";
  return "default";
}

Result<Metadata> TokenizerMetadataFromJson(const Json& j, const Json* config,
                                           const std::string& source) {
  auto bad = [&](std::string_view path, std::string_view what) {
    return InvalidInput("tokenizer.json '{}': {} {}", source, path, what);
  };
  if (!j.is_object()) return bad("(top level)", "must be a JSON object");
  auto model_it = j.find("model");
  if (model_it == j.end() || !model_it->is_object()) return bad("model", "is missing");
  const Json& model = *model_it;
  const std::string model_type = model.value("type", "BPE");
  if (model_type != "BPE") {
    return InvalidInput("tokenizer.json '{}': model.type is '{}'; only BPE tokenizers are "
                        "supported", source, model_type);
  }
  auto vocab_it = model.find("vocab");
  if (vocab_it == model.end() || !vocab_it->is_object()) {
    return bad("model.vocab", "is missing or not an object");
  }

  // id -> token, from the vocab and then the added tokens.
  std::map<int64_t, std::string> by_id;
  std::map<int64_t, int32_t> type_of;
  for (const auto& [token, id] : vocab_it->items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= kMaxVocab) {
      return bad("model.vocab." + token, "must be a token id in [0, 2^24), found " + id.dump());
    }
    if (!by_id.emplace(id.get<int64_t>(), token).second) {
      return bad("model.vocab." + token,
                 "reuses id " + id.dump() + " of '" + by_id[id.get<int64_t>()] + "'");
    }
  }
  if (auto added = j.find("added_tokens"); added != j.end() && !added->is_null()) {
    if (!added->is_array()) return bad("added_tokens", "must be a list");
    for (size_t i = 0; i < added->size(); ++i) {
      const Json& a = (*added)[i];
      const std::string path = "added_tokens[" + std::to_string(i) + "]";
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() ||
          !a.contains("content") || !a["content"].is_string()) {
        return bad(path, "needs an integer 'id' and a string 'content'");
      }
      const int64_t id = a["id"].get<int64_t>();
      if (id < 0 || id >= kMaxVocab) return bad(path + ".id", "is out of range");
      by_id[id] = a["content"].get<std::string>();
      type_of[id] = a.value("special", false) ? kTokenTypeControl : kTokenTypeUserDefined;
    }
  }
  if (by_id.empty()) return bad("model.vocab", "is empty");
  const int64_t vocab_size = by_id.rbegin()->first + 1;
  // Holes become placeholder tokens; a few are padding, millions are a corrupt file.
  if (vocab_size > 2 * static_cast<int64_t>(by_id.size()) + 1024) {
    return InvalidInput("tokenizer.json '{}': token ids reach {} but only {} tokens are "
                        "defined", source, vocab_size - 1, by_id.size());
  }
  std::vector<std::string> tokens(static_cast<size_t>(vocab_size));
  std::vector<int32_t> types(static_cast<size_t>(vocab_size), kTokenTypeNormal);
  for (int64_t id = 0; id < vocab_size; ++id) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      // Holes in the id space (padding a vocabulary to a round size) get placeholders.
      tokens[id] = "[PAD" + std::to_string(id) + "]";
      types[id] = kTokenTypeUnused;
    } else {
      tokens[id] = it->second;
      // cratio's own placeholders, written back by TokenizerJsonFromMetadata.
      if (tokens[id] == "[PAD" + std::to_string(id) + "]") types[id] = kTokenTypeUnused;
    }
  }
  std::unordered_map<std::string, int64_t> id_of;
  for (int64_t id = 0; id < vocab_size; ++id) id_of.emplace(tokens[id], id);

  // Merges: "a b" strings (older files) or ["a", "b"] pairs (tokenizers >= 0.20).
  std::vector<std::string> merges;
  if (auto m = model.find("merges"); m != model.end() && !m->is_null()) {
    if (!m->is_array()) return bad("model.merges", "must be a list");
    merges.reserve(m->size());
    for (size_t i = 0; i < m->size(); ++i) {
      const Json& e = (*m)[i];
      if (e.is_string()) {
        // Like the tokenizers library: exactly two non-empty parts around one space.
        const std::string mg = e.get<std::string>();
        const size_t sp = mg.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 == mg.size() ||
            mg.find(' ', sp + 1) != std::string::npos) {
          return bad("model.merges[" + std::to_string(i) + "]",
                     "must be two tokens separated by one space, found " + e.dump());
        }
        merges.push_back(mg);
      } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
        merges.push_back(e[0].get<std::string>() + " " + e[1].get<std::string>());
      } else {
        return bad("model.merges[" + std::to_string(i) + "]",
                   "must be \"a b\" or [\"a\", \"b\"], found " + e.dump());
      }
    }
  }

  // Which family: byte-level BPE (a ByteLevel pre-tokenizer or decoder) or SentencePiece
  // style (byte_fallback, Metaspace, or a "▁" prepend normalizer).
  bool byte_level = false, metaspace = false, prepend_space = false;
  std::string pre = "default";
  const Json null_json;
  const Json& pre_tok = j.contains("pre_tokenizer") ? j["pre_tokenizer"] : null_json;
  ForEachStep(pre_tok, [&](const Json& step, const std::string& type) {
    if (type == "ByteLevel") {
      byte_level = true;
      if (step.value("use_regex", true) && pre == "default") pre = "gpt-2";
    } else if (type == "Split" && step.contains("pattern") && step["pattern"].is_object() &&
               step["pattern"].contains("Regex") && step["pattern"]["Regex"].is_string()) {
      pre = PreTokenizerNameForRegex(step["pattern"]["Regex"].get<std::string>());
    } else if (type == "Metaspace") {
      metaspace = true;
      const std::string scheme = step.value("prepend_scheme", "always");
      if (step.value("add_prefix_space", true) && scheme != "never") prepend_space = true;
    }
  });
  if (j.contains("decoder")) {
    ForEachStep(j["decoder"], [&](const Json&, const std::string& type) {
      if (type == "ByteLevel") byte_level = true;
    });
  }
  if (j.contains("normalizer")) {
    ForEachStep(j["normalizer"], [&](const Json& step, const std::string& type) {
      if (type == "Prepend" && step.value("prepend", "") == kSentencePieceSpace) prepend_space = true;
      if (type == "Replace") metaspace = true;
    });
  }
  const bool byte_fallback = model.value("byte_fallback", false);
  const bool spm = !byte_level && (byte_fallback || metaspace || prepend_space);
  if (!byte_level && !spm) {
    return InvalidInput("tokenizer.json '{}': cannot tell the tokenizer family: no ByteLevel "
                        "pre-tokenizer / decoder and no byte_fallback or Metaspace", source);
  }

  Metadata out;
  out.Set("tokenizer.ggml.model", MetaValue::Str(spm ? "llama" : "gpt2"));
  out.Set("tokenizer.ggml.pre", MetaValue::Str(spm ? "default" : pre));
  std::optional<int64_t> unk;
  if (auto u = model.find("unk_token"); u != model.end() && u->is_string()) {
    if (auto it = id_of.find(u->get<std::string>()); it != id_of.end()) unk = it->second;
  }
  for (int64_t id = 0; id < vocab_size; ++id) {
    if (auto t = type_of.find(id); t != type_of.end()) types[id] = t->second;
    if (spm && IsByteToken(tokens[id])) types[id] = kTokenTypeByte;
  }
  if (unk) types[*unk] = kTokenTypeUnknown;

  if (spm) {
    // SentencePiece BPE picks the merge whose result has the highest score; a BPE
    // tokenizer.json has no scores, so rank: the token made by merge r scores -r, tokens no
    // merge makes come after every merge, in id order.
    std::vector<float> scores(static_cast<size_t>(vocab_size), 0.0f);
    std::vector<bool> scored(static_cast<size_t>(vocab_size), false);
    for (size_t r = 0; r < merges.size(); ++r) {
      const std::string& mg = merges[r];
      const size_t sp = mg.find(' ');
      if (sp == std::string::npos) continue;
      auto it = id_of.find(mg.substr(0, sp) + mg.substr(sp + 1));
      if (it != id_of.end() && !scored[it->second]) {
        scores[it->second] = -static_cast<float>(r);
        scored[it->second] = true;
      }
    }
    for (int64_t id = 0; id < vocab_size; ++id) {
      if (!scored[id] && types[id] == kTokenTypeNormal) {
        scores[id] = -static_cast<float>(merges.size() + id);
      }
    }
    std::vector<MetaValue> s;
    for (float v : scores) s.push_back(MetaValue::F32(v));
    out.Set("tokenizer.ggml.scores", MetaValue::Array(MetaType::kF32, std::move(s)));
    out.Set("tokenizer.ggml.add_space_prefix", MetaValue::Bool(prepend_space));
  }
  std::vector<MetaValue> tok_values, type_values;
  for (int64_t id = 0; id < vocab_size; ++id) {
    tok_values.push_back(MetaValue::Str(tokens[id]));
    type_values.push_back(MetaValue::I32(types[id]));
  }
  out.Set("tokenizer.ggml.tokens", MetaValue::Array(MetaType::kString, std::move(tok_values)));
  out.Set("tokenizer.ggml.token_type", MetaValue::Array(MetaType::kI32, std::move(type_values)));
  if (!spm) {
    std::vector<MetaValue> mv;
    for (std::string& mg : merges) mv.push_back(MetaValue::Str(std::move(mg)));
    out.Set("tokenizer.ggml.merges", MetaValue::Array(MetaType::kString, std::move(mv)));
  }

  // BOS / EOS: tokenizer_config.json first; else a TemplateProcessing post-processor that
  // starts with a special token (Llama 3); else the conventional spellings.
  auto id_for = [&](const std::optional<std::string>& t) -> std::optional<int64_t> {
    if (!t) return std::nullopt;
    auto it = id_of.find(*t);
    if (it == id_of.end()) return std::nullopt;
    return it->second;
  };
  std::optional<int64_t> bos = id_for(ConfigToken(config, "bos_token"));
  std::optional<int64_t> eos = id_for(ConfigToken(config, "eos_token"));
  std::optional<int64_t> pad = id_for(ConfigToken(config, "pad_token"));
  std::optional<bool> add_bos = ConfigBool(config, "add_bos_token");
  std::optional<bool> add_eos = ConfigBool(config, "add_eos_token");
  if (j.contains("post_processor")) {
    ForEachStep(j["post_processor"], [&](const Json& step, const std::string& type) {
      if (type != "TemplateProcessing" || !step.contains("single") ||
          !step["single"].is_array() || step["single"].empty()) {
        return;
      }
      const Json& first = step["single"][0];
      if (first.contains("SpecialToken") && first["SpecialToken"].contains("id") &&
          first["SpecialToken"]["id"].is_string()) {
        std::optional<int64_t> id = id_for(first["SpecialToken"]["id"].get<std::string>());
        if (id) {
          if (!bos) bos = id;
          if (!add_bos) add_bos = true;
        }
      }
    });
  }
  for (const char* name : {"<s>", "<|begin_of_text|>"}) {
    if (!bos) bos = id_for(std::string(name));
  }
  for (const char* name : {"</s>", "<|end_of_text|>", "<|endoftext|>"}) {
    if (!eos) eos = id_for(std::string(name));
  }
  auto u32 = [](int64_t v) { return MetaValue::U32(static_cast<uint32_t>(v)); };
  if (bos) out.Set("tokenizer.ggml.bos_token_id", u32(*bos));
  if (eos) out.Set("tokenizer.ggml.eos_token_id", u32(*eos));
  if (unk) out.Set("tokenizer.ggml.unknown_token_id", u32(*unk));
  if (pad) out.Set("tokenizer.ggml.padding_token_id", u32(*pad));
  out.Set("tokenizer.ggml.add_bos_token", MetaValue::Bool(add_bos.value_or(spm && bos)));
  out.Set("tokenizer.ggml.add_eos_token", MetaValue::Bool(add_eos.value_or(false)));
  return out;
}

Result<Metadata> ReadTokenizerJson(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  const std::filesystem::path config_path =
      std::filesystem::path(path).parent_path() / "tokenizer_config.json";
  std::error_code ec;
  if (std::filesystem::exists(config_path, ec)) {
    CRATIO_ASSIGN_OR_RETURN(Json config, ReadJsonFile(config_path.string()));
    return TokenizerMetadataFromJson(j, &config, path);
  }
  return TokenizerMetadataFromJson(j, nullptr, path);
}

}  // namespace cratio
