// Writes tokenizer.ggml.* metadata as Hugging Face tokenizer.json + tokenizer_config.json.
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/tokenizer_json.h"

namespace cratio {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> StringArray(const Metadata& m, std::string_view key) {
  std::vector<std::string> out;
  if (const MetaArray* a = m.GetArray(key)) {
    for (const MetaValue& v : a->items) out.push_back(v.AsString() ? *v.AsString() : "");
  }
  return out;
}

std::vector<double> NumberArray(const Metadata& m, std::string_view key) {
  std::vector<double> out;
  if (const MetaArray* a = m.GetArray(key)) {
    for (const MetaValue& v : a->items) out.push_back(v.AsDouble().value_or(0.0));
  }
  return out;
}

// Byte offsets inside `s` where a UTF-8 character starts: the places a piece can split.
std::vector<size_t> CharBoundaries(const std::string& s) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) cuts.push_back(i);
  }
  return cuts;
}

}  // namespace

Result<TokenizerJsonFiles> TokenizerJsonFromMetadata(const Metadata& m) {
  const std::string model = m.GetString("tokenizer.ggml.model").value_or("");
  if (model != "llama" && model != "gpt2") {
    return InvalidInput("tokenizer.json: tokenizer model '{}' cannot be written (llama and "
                        "gpt2 only)", model);
  }
  const std::vector<std::string> tokens = StringArray(m, "tokenizer.ggml.tokens");
  if (tokens.empty()) return InvalidInput("tokenizer.json: metadata has no tokenizer.ggml.tokens");
  std::vector<double> types_d = NumberArray(m, "tokenizer.ggml.token_type");
  std::vector<int32_t> types(tokens.size(), kTokenTypeNormal);
  for (size_t i = 0; i < types.size() && i < types_d.size(); ++i) {
    types[i] = static_cast<int32_t>(types_d[i]);
  }
  const bool spm = model == "llama";

  Json vocab = Json::object();
  Json added = Json::array();
  for (size_t id = 0; id < tokens.size(); ++id) {
    vocab[tokens[id]] = id;
    if (types[id] == kTokenTypeControl || types[id] == kTokenTypeUserDefined ||
        types[id] == kTokenTypeUnknown) {
      added.push_back(Json{{"id", id}, {"content", tokens[id]}, {"single_word", false},
                           {"lstrip", false}, {"rstrip", false}, {"normalized", false},
                           {"special", types[id] != kTokenTypeUserDefined}});
    }
  }

  Json merges = Json::array();
  if (spm) {
    // Every way to build a normal piece from two normal pieces, highest score first.
    const std::vector<double> scores = NumberArray(m, "tokenizer.ggml.scores");
    std::unordered_map<std::string, int64_t> id_of;
    for (size_t id = 0; id < tokens.size(); ++id) {
      if (types[id] == kTokenTypeNormal) id_of.emplace(tokens[id], static_cast<int64_t>(id));
    }
    struct Merge {
      double score;
      int64_t piece, left, right;
      size_t cut;
    };
    std::vector<Merge> found;
    for (size_t id = 0; id < tokens.size(); ++id) {
      if (types[id] != kTokenTypeNormal) continue;
      for (size_t cut : CharBoundaries(tokens[id])) {
        auto l = id_of.find(tokens[id].substr(0, cut));
        auto r = id_of.find(tokens[id].substr(cut));
        if (l != id_of.end() && r != id_of.end()) {
          const double score = id < scores.size() ? scores[id] : -static_cast<double>(id);
          found.push_back({score, static_cast<int64_t>(id), l->second, r->second, cut});
        }
      }
    }
    std::stable_sort(found.begin(), found.end(), [](const Merge& a, const Merge& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.piece != b.piece) return a.piece < b.piece;
      return a.left < b.left;
    });
    for (const Merge& mg : found) {
      merges.push_back(Json::array({tokens[mg.left], tokens[mg.right]}));
    }
  } else {
    for (const std::string& mg : StringArray(m, "tokenizer.ggml.merges")) {
      const size_t sp = mg.find(' ', 1);
      if (sp == std::string::npos) {
        return InvalidInput("tokenizer.json: merge '{}' has no space separating its pair", mg);
      }
      merges.push_back(Json::array({mg.substr(0, sp), mg.substr(sp + 1)}));
    }
  }

  Json j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  j["added_tokens"] = added;
  const std::optional<int64_t> bos = m.GetInt("tokenizer.ggml.bos_token_id");
  const std::optional<int64_t> eos = m.GetInt("tokenizer.ggml.eos_token_id");
  const std::optional<int64_t> unk = m.GetInt("tokenizer.ggml.unknown_token_id");
  auto token_at = [&](std::optional<int64_t> id) -> std::optional<std::string> {
    if (!id || *id < 0 || *id >= static_cast<int64_t>(tokens.size())) return std::nullopt;
    return tokens[*id];
  };
  const bool add_bos = m.GetBool("tokenizer.ggml.add_bos_token").value_or(spm);
  const bool add_eos = m.GetBool("tokenizer.ggml.add_eos_token").value_or(false);
  if (spm) {
    const bool prefix = m.GetBool("tokenizer.ggml.add_space_prefix").value_or(true);
    Json normalizers = Json::array();
    if (prefix) normalizers.push_back(Json{{"type", "Prepend"}, {"prepend", kSentencePieceSpace}});
    normalizers.push_back(
        Json{{"type", "Replace"}, {"pattern", Json{{"String", " "}}}, {"content", kSentencePieceSpace}});
    j["normalizer"] = Json{{"type", "Sequence"}, {"normalizers", normalizers}};
    j["pre_tokenizer"] = nullptr;
  } else {
    const std::string pre = m.GetString("tokenizer.ggml.pre").value_or("gpt-2");
    std::string_view regex;
    if (pre == "llama3" || pre == "llama-bpe") regex = kPreRegexLlama3;
    if (pre == "qwen2") regex = kPreRegexQwen2;
    j["normalizer"] = nullptr;
    if (regex.empty()) {
      j["pre_tokenizer"] = Json{{"type", "ByteLevel"}, {"add_prefix_space", false},
                                {"trim_offsets", true}, {"use_regex", true}};
    } else {
      j["pre_tokenizer"] = Json{
          {"type", "Sequence"},
          {"pretokenizers",
           Json::array({Json{{"type", "Split"}, {"pattern", Json{{"Regex", regex}}},
                             {"behavior", "Isolated"}, {"invert", false}},
                        Json{{"type", "ByteLevel"}, {"add_prefix_space", false},
                             {"trim_offsets", true}, {"use_regex", false}}})}};
    }
  }
  // BOS (and EOS) around each sequence, as the tokenizer adds them.
  Json single = Json::array();
  if (add_bos && token_at(bos)) {
    single.push_back(Json{{"SpecialToken", Json{{"id", *token_at(bos)}, {"type_id", 0}}}});
  }
  single.push_back(Json{{"Sequence", Json{{"id", "A"}, {"type_id", 0}}}});
  if (add_eos && token_at(eos)) {
    single.push_back(Json{{"SpecialToken", Json{{"id", *token_at(eos)}, {"type_id", 0}}}});
  }
  Json special_tokens = Json::object();
  for (auto id : {bos, eos}) {
    if (auto t = token_at(id)) {
      special_tokens[*t] = Json{{"id", *t}, {"ids", Json::array({*id})}, {"tokens", Json::array({*t})}};
    }
  }
  j["post_processor"] = Json{{"type", "TemplateProcessing"}, {"single", single},
                             {"pair", single}, {"special_tokens", special_tokens}};
  if (spm) {
    j["decoder"] = Json{
        {"type", "Sequence"},
        {"decoders", Json::array({Json{{"type", "Replace"},
                                       {"pattern", Json{{"String", kSentencePieceSpace}}},
                                       {"content", " "}},
                                  Json{{"type", "ByteFallback"}}, Json{{"type", "Fuse"}},
                                  Json{{"type", "Strip"}, {"content", " "}, {"start", 1},
                                       {"stop", 0}}})}};
  } else {
    j["decoder"] = Json{{"type", "ByteLevel"}, {"add_prefix_space", true},
                        {"trim_offsets", true}, {"use_regex", true}};
  }
  Json bpe;
  bpe["type"] = "BPE";
  bpe["dropout"] = nullptr;
  bpe["unk_token"] = token_at(unk) ? Json(*token_at(unk)) : Json(nullptr);
  bpe["continuing_subword_prefix"] = nullptr;
  bpe["end_of_word_suffix"] = nullptr;
  bpe["fuse_unk"] = spm;
  bpe["byte_fallback"] = spm;
  bpe["ignore_merges"] = false;
  bpe["vocab"] = vocab;
  bpe["merges"] = merges;
  j["model"] = bpe;

  Json config;
  config["add_bos_token"] = add_bos;
  config["add_eos_token"] = add_eos;
  if (auto t = token_at(bos)) config["bos_token"] = *t;
  if (auto t = token_at(eos)) config["eos_token"] = *t;
  if (auto t = token_at(unk)) config["unk_token"] = *t;
  if (auto t = token_at(m.GetInt("tokenizer.ggml.padding_token_id"))) config["pad_token"] = *t;
  config["tokenizer_class"] = spm ? "LlamaTokenizerFast" : "PreTrainedTokenizerFast";
  return TokenizerJsonFiles{j.dump(1) + "\n", config.dump(2) + "\n"};
}

}  // namespace cratio
