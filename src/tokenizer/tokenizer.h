// Tokenizer: text <-> token ids. Built from plain data (TokenizerSpec) so it can be
// tested without any file format; model/ fills the spec from GGUF metadata or
// tokenizer.json. Two algorithms: SentencePiece-style BPE over scores with byte
// fallback (GGUF "llama"), and byte-level BPE over merges (GGUF "gpt2", Llama 3, Qwen2).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cratio {

// GGUF tokenizer.ggml.token_type values.
enum class TokenType : int32_t {
  kUndefined = 0, kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5,
  kByte = 6,
};

struct TokenizerSpec {
  std::string model;            // "llama" (SentencePiece BPE) or "gpt2" (byte-level BPE)
  std::string pre;              // pre-tokenizer: "default", "gpt-2", "llama3"/"llama-bpe", "qwen2", ...
  std::vector<std::string> tokens;
  std::vector<float> scores;    // may be empty for gpt2
  std::vector<int32_t> token_types;  // TokenType values; may be empty (all normal)
  std::vector<std::string> merges;   // "a b" pairs, gpt2 only, highest priority first
  int32_t bos_id = -1, eos_id = -1, unk_id = -1, pad_id = -1;
  bool add_bos = true;   // prepend BOS when asked to add special tokens
  bool add_eos = false;
  bool add_space_prefix = true;  // SentencePiece: prepend "▁" to the text (llama)
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Encodes UTF-8 text. With add_special, BOS/EOS are added as the spec says.
  // Invalid UTF-8 is an InvalidInput error naming the byte offset.
  virtual Result<std::vector<int32_t>> Encode(std::string_view text, bool add_special) const = 0;
  // As Encode, but the texts of control / unknown tokens in `text` ("<s>", "<|endoftext|>")
  // become those tokens (llama.cpp's parse_special). Encode itself never does this, so
  // user text cannot inject control tokens; user-defined tokens are matched by both.
  virtual Result<std::vector<int32_t>> EncodeParsingSpecial(std::string_view text,
                                                            bool add_special) const {
    (void)text;
    (void)add_special;
    return Status(StatusCode::kInvalidInput, "tokenizer: parsing special tokens is not supported");
  }
  // Decodes ids to text (byte tokens reassembled; control tokens omitted).
  virtual std::string Decode(const std::vector<int32_t>& ids) const = 0;
  // The text one token contributes (for streaming output); may be a partial UTF-8 sequence.
  virtual std::string TokenToPiece(int32_t id) const = 0;

  const TokenizerSpec& spec() const { return spec_; }
  int32_t vocab_size() const { return static_cast<int32_t>(spec_.tokens.size()); }
  int32_t bos_id() const { return spec_.bos_id; }
  int32_t eos_id() const { return spec_.eos_id; }

 protected:
  explicit Tokenizer(TokenizerSpec spec) : spec_(std::move(spec)) {}
  TokenizerSpec spec_;
};

// Validates the spec (ids in range, sizes consistent) and builds the right tokenizer.
Result<std::unique_ptr<Tokenizer>> CreateTokenizer(TokenizerSpec spec);

}  // namespace cratio
