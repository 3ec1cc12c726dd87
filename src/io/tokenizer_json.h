// Hugging Face tokenizer.json (the `tokenizers` library's format) -> llama.cpp's
// tokenizer.ggml.* metadata, so a safetensors model directory tokenizes like its GGUF.
// Handles BPE models: byte-level (GPT-2, Llama 3, Qwen2 -> model "gpt2" with merges and
// a pre-tokenizer name) and SentencePiece-style with byte fallback (Llama 2 HF -> model
// "llama" with scores).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "io/metadata.h"

namespace cratio {

// Converts a parsed tokenizer.json. `tokenizer_config` (tokenizer_config.json; may be null)
// supplies BOS / EOS tokens and add_bos / add_eos. `source` names the file in messages,
// which also give the JSON path ("model.merges[12]").
Result<Metadata> TokenizerMetadataFromJson(const nlohmann::ordered_json& tokenizer,
                                           const nlohmann::ordered_json* tokenizer_config,
                                           const std::string& source);

// Reads `path` (a tokenizer.json) and, when present beside it, tokenizer_config.json.
Result<Metadata> ReadTokenizerJson(const std::string& path);

// The pre-tokenizer name llama.cpp uses ("gpt-2", "llama3", "qwen2") for a Split regex
// from tokenizer.json; "default" when the regex is not one cratio knows.
std::string PreTokenizerNameForRegex(std::string_view regex);

}  // namespace cratio
