// tokenizer.ggml.* metadata -> TokenizerSpec -> Tokenizer.
#include "model/tokenizer_loader.h"

#include <optional>
#include <string>
#include <vector>

namespace cratio {
namespace {

constexpr uint64_t kNoTokenU32 = 0xFFFFFFFFu;  // how converters write "no such token"

std::string TypeName(const MetaValue& v) {
  if (const MetaArray* a = v.AsArray())
    return fmt::format("array of {}", MetaTypeName(a->elem_type));
  return std::string(MetaTypeName(v.type));
}

Result<std::optional<std::string>> OptionalString(const Metadata& md, const char* key) {
  const MetaValue* v = md.Find(key);
  if (v == nullptr) return std::optional<std::string>();
  const std::string* s = v->AsString();
  if (s == nullptr) return InvalidInput("key '{}' is {}, expected a string", key, TypeName(*v));
  return std::optional<std::string>(*s);
}

Result<std::optional<bool>> OptionalBool(const Metadata& md, const char* key) {
  const MetaValue* v = md.Find(key);
  if (v == nullptr) return std::optional<bool>();
  const std::optional<bool> b = v->AsBool();
  if (!b) return InvalidInput("key '{}' is {}, expected bool", key, TypeName(*v));
  return b;
}

// The array under `key`, or nullptr when absent; an error when present but not an array.
Result<const MetaArray*> OptionalArray(const Metadata& md, const char* key) {
  const MetaValue* v = md.Find(key);
  if (v == nullptr) return static_cast<const MetaArray*>(nullptr);
  const MetaArray* a = v->AsArray();
  if (a == nullptr) return InvalidInput("key '{}' is {}, expected an array", key, TypeName(*v));
  return a;
}

Status ReadStrings(const MetaArray& a, const char* key, std::vector<std::string>* out) {
  out->reserve(a.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    const std::string* s = a.items[i].AsString();
    if (s == nullptr) {
      return InvalidInput("key '{}' element {} is {}, expected a string", key, i,
                          TypeName(a.items[i]));
    }
    out->push_back(*s);
  }
  return Status::Ok();
}

// Scores are f32 in llama.cpp's files; it also accepts i32, and so do we.
Status ReadScores(const MetaArray& a, const char* key, std::vector<float>* out) {
  out->reserve(a.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    const std::optional<double> d = a.items[i].AsDouble();
    if (!d) {
      return InvalidInput("key '{}' element {} is {}, expected a number", key, i,
                          TypeName(a.items[i]));
    }
    out->push_back(static_cast<float>(*d));
  }
  return Status::Ok();
}

Status ReadTokenTypes(const MetaArray& a, const char* key, std::vector<int32_t>* out) {
  out->reserve(a.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    const std::optional<int64_t> t = a.items[i].AsInt();
    if (!t || *t < 0 || *t > static_cast<int64_t>(TokenType::kByte)) {
      return InvalidInput("key '{}' element {} is {} {}, expected a token type 0..6", key, i,
                          TypeName(a.items[i]),
                          t ? std::to_string(*t) : std::string("(no integer)"));
    }
    out->push_back(static_cast<int32_t>(*t));
  }
  return Status::Ok();
}

// Overwrites *id when the key is present: -1 for "none", else an id below num_tokens.
Status ReadTokenId(const Metadata& md, const char* key, size_t num_tokens, int32_t* id) {
  const MetaValue* v = md.Find(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_integer())
    return InvalidInput("key '{}' is {}, expected an integer", key, TypeName(*v));
  const std::optional<int64_t> value = v->AsInt();
  if (!value || *value < 0 || static_cast<uint64_t>(*value) == kNoTokenU32) {
    *id = -1;
    return Status::Ok();
  }
  if (static_cast<uint64_t>(*value) >= num_tokens) {
    return InvalidInput("key '{}' = {} is outside the vocabulary of {} tokens", key, *value,
                        num_tokens);
  }
  *id = static_cast<int32_t>(*value);
  return Status::Ok();
}

// Byte-level pre-tokenizers for which llama.cpp adds BOS by default.
bool PreAddsBos(const std::string& pre) {
  for (const char* name : {"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral",
                           "midm-2.0", "lfm2", "tekken", "chameleon"}) {
    if (pre == name) return true;
  }
  return false;
}

}  // namespace

Result<TokenizerSpec> TokenizerSpecFromMetadata(const Metadata& md) {
  TokenizerSpec spec;
  CRATIO_ASSIGN_OR_RETURN(std::optional<std::string> model,
                          OptionalString(md, "tokenizer.ggml.model"));
  if (!model) return InvalidInput("no key 'tokenizer.ggml.model': the file carries no tokenizer");
  spec.model = *model;
  const bool spm = spec.model == "llama";
  if (!spm && spec.model != "gpt2") {
    return InvalidInput(
        "key 'tokenizer.ggml.model' is '{}'; cratio reads 'llama' (SentencePiece "
        "BPE) and 'gpt2' (byte-level BPE)",
        spec.model);
  }
  CRATIO_ASSIGN_OR_RETURN(std::optional<std::string> pre, OptionalString(md, "tokenizer.ggml.pre"));
  spec.pre = pre.value_or("default");

  CRATIO_ASSIGN_OR_RETURN(const MetaArray* tokens, OptionalArray(md, "tokenizer.ggml.tokens"));
  if (tokens == nullptr) return InvalidInput("no key 'tokenizer.ggml.tokens' (the vocabulary)");
  CRATIO_RETURN_IF_ERROR(ReadStrings(*tokens, "tokenizer.ggml.tokens", &spec.tokens));
  const size_t num_tokens = spec.tokens.size();
  if (num_tokens == 0) return InvalidInput("key 'tokenizer.ggml.tokens' is empty");

  CRATIO_ASSIGN_OR_RETURN(const MetaArray* scores, OptionalArray(md, "tokenizer.ggml.scores"));
  if (scores != nullptr) {
    if (scores->items.size() != num_tokens) {
      return InvalidInput("key 'tokenizer.ggml.scores' has {} entries, 'tokenizer.ggml.tokens' {}",
                          scores->items.size(), num_tokens);
    }
    CRATIO_RETURN_IF_ERROR(ReadScores(*scores, "tokenizer.ggml.scores", &spec.scores));
  }
  CRATIO_ASSIGN_OR_RETURN(const MetaArray* types, OptionalArray(md, "tokenizer.ggml.token_type"));
  if (types != nullptr) {
    if (types->items.size() != num_tokens) {
      return InvalidInput(
          "key 'tokenizer.ggml.token_type' has {} entries, 'tokenizer.ggml.tokens' {}",
          types->items.size(), num_tokens);
    }
    CRATIO_RETURN_IF_ERROR(ReadTokenTypes(*types, "tokenizer.ggml.token_type", &spec.token_types));
  }
  CRATIO_ASSIGN_OR_RETURN(const MetaArray* merges, OptionalArray(md, "tokenizer.ggml.merges"));
  if (merges != nullptr) {
    CRATIO_RETURN_IF_ERROR(ReadStrings(*merges, "tokenizer.ggml.merges", &spec.merges));
  } else if (!spm) {
    return InvalidInput("no key 'tokenizer.ggml.merges', which byte-level BPE ('gpt2') needs");
  }

  // llama.cpp's defaults, then the file's values.
  if (spm) {
    spec.bos_id = num_tokens > 1 ? 1 : -1;
    spec.eos_id = num_tokens > 2 ? 2 : -1;
    spec.unk_id = 0;
    spec.add_bos = true;
    spec.add_space_prefix = true;
  } else {
    spec.add_bos = PreAddsBos(spec.pre);
    spec.add_space_prefix = false;
  }
  spec.add_eos = false;
  CRATIO_RETURN_IF_ERROR(ReadTokenId(md, "tokenizer.ggml.bos_token_id", num_tokens, &spec.bos_id));
  CRATIO_RETURN_IF_ERROR(ReadTokenId(md, "tokenizer.ggml.eos_token_id", num_tokens, &spec.eos_id));
  CRATIO_RETURN_IF_ERROR(
      ReadTokenId(md, "tokenizer.ggml.unknown_token_id", num_tokens, &spec.unk_id));
  CRATIO_RETURN_IF_ERROR(
      ReadTokenId(md, "tokenizer.ggml.padding_token_id", num_tokens, &spec.pad_id));
  struct {
    const char* key;
    bool* value;
  } flags[] = {{"tokenizer.ggml.add_bos_token", &spec.add_bos},
               {"tokenizer.ggml.add_eos_token", &spec.add_eos},
               {"tokenizer.ggml.add_space_prefix", &spec.add_space_prefix}};
  for (const auto& flag : flags) {
    CRATIO_ASSIGN_OR_RETURN(std::optional<bool> b, OptionalBool(md, flag.key));
    if (b) *flag.value = *b;
  }
  if (spec.add_bos && spec.bos_id < 0) {
    return InvalidInput(
        "BOS is to be added (tokenizer.ggml.add_bos_token) but "
        "'tokenizer.ggml.bos_token_id' names no token");
  }
  if (spec.add_eos && spec.eos_id < 0) {
    return InvalidInput(
        "EOS is to be added (tokenizer.ggml.add_eos_token) but "
        "'tokenizer.ggml.eos_token_id' names no token");
  }
  return spec;
}

Result<std::unique_ptr<Tokenizer>> LoadTokenizer(const ModelFile& file) {
  Result<TokenizerSpec> spec = TokenizerSpecFromMetadata(file.metadata);
  if (!spec.ok()) return spec.status().WithPrefix(file.path);
  Result<std::unique_ptr<Tokenizer>> tok = CreateTokenizer(std::move(spec).value());
  if (!tok.ok()) return tok.status().WithPrefix(file.path);
  return tok;
}

}  // namespace cratio
