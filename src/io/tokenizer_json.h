// Hugging Face tokenizer.json (the `tokenizers` library's format) -> llama.cpp's
// tokenizer.ggml.* metadata, so a safetensors model directory tokenizes like its GGUF.
// Handles BPE models: byte-level (GPT-2, Llama 3, Qwen2 -> model "gpt2" with merges and
// a pre-tokenizer name) and SentencePiece-style with byte fallback (Llama 2 HF -> model
// "llama" with scores).
#pragma once

#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/metadata.h"

namespace cratio {

// "▁" (U+2581): SentencePiece's visible space.
inline constexpr std::string_view kSentencePieceSpace = "\xe2\x96\x81";

// GGUF tokenizer.ggml.token_type values (tokenizer/tokenizer.h's TokenType, which io/
// cannot include).
inline constexpr int32_t kTokenTypeNormal = 1, kTokenTypeUnknown = 2, kTokenTypeControl = 3,
                         kTokenTypeUserDefined = 4, kTokenTypeUnused = 5, kTokenTypeByte = 6;

// The pre-tokenizer regexes llama.cpp knows by name, as tokenizer.json spells them (after
// JSON unescaping): tokenizer.ggml.pre "gpt-2", "llama3" and "qwen2".
inline constexpr std::string_view kPreRegexGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPreRegexLlama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPreRegexQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Converts a parsed tokenizer.json. `tokenizer_config` (tokenizer_config.json; may be null)
// supplies BOS / EOS tokens and add_bos / add_eos. `source` names the file in messages,
// which also give the JSON path ("model.merges[12]").
Result<Metadata> TokenizerMetadataFromJson(const nlohmann::ordered_json& tokenizer,
                                           const nlohmann::ordered_json* tokenizer_config,
                                           const std::string& source);

// Reads `path` (a tokenizer.json) and, when present beside it, tokenizer_config.json.
Result<Metadata> ReadTokenizerJson(const std::string& path);

// The inverse, for writers: tokenizer.json and tokenizer_config.json texts describing the
// tokenizer.ggml.* metadata (models "llama" and "gpt2"). For "llama", merges are derived
// from the scores as Hugging Face's converter does (every split of a piece into two
// pieces, ranked by the piece's score), so reading the file back gives scores in the same
// order, not the same values. InvalidInput when the metadata has no usable tokenizer.
struct TokenizerJsonFiles {
  std::string tokenizer_json;
  std::string tokenizer_config_json;
};
Result<TokenizerJsonFiles> TokenizerJsonFromMetadata(const Metadata& metadata);

// The pre-tokenizer name llama.cpp uses ("gpt-2", "llama3", "qwen2") for a Split regex
// from tokenizer.json; "default" when the regex is not one cratio knows.
std::string PreTokenizerNameForRegex(std::string_view regex);

}  // namespace cratio
