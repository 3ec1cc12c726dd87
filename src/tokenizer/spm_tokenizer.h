// SentencePiece-style BPE over token scores (GGUF tokenizer model "llama": Llama 1/2,
// Mistral, TinyLlama, stories260K), reproducing llama.cpp's SPM tokenizer id for id.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab.h"

namespace cratio {

// Encoding: spaces become U+2581 "▁" (plus one leading "▁" when add_space_prefix, at the
// start and after every special token), the text is split into UTF-8 characters, and the
// adjacent pair whose concatenation is a token with the highest score is merged until no
// pair is a token (ties: leftmost). A piece left that is not a token becomes byte tokens
// "<0xNN>". Thread-safe: Encode / Decode keep no state between calls.
class SpmTokenizer final : public Tokenizer {
 public:
  // `spec` must have passed ValidateTokenizerSpec.
  explicit SpmTokenizer(TokenizerSpec spec);

  // Pinned in memory: vocab_ views the strings of spec_.
  SpmTokenizer(const SpmTokenizer&) = delete;
  SpmTokenizer& operator=(const SpmTokenizer&) = delete;

  Result<std::vector<int32_t>> Encode(std::string_view text, bool add_special) const override;
  Result<std::vector<int32_t>> EncodeParsingSpecial(std::string_view text,
                                                    bool add_special) const override;
  std::string Decode(const std::vector<int32_t>& ids) const override;
  std::string TokenToPiece(int32_t id) const override;

 private:
  Result<std::vector<int32_t>> EncodeImpl(std::string_view text, bool add_special,
                                          bool parse_special) const;
  // Appends the tokens of one run of text whose spaces are already "▁".
  Status EncodeEscaped(std::string_view escaped, std::vector<int32_t>* out) const;
  // The merge loop proper, on a run no token crosses the ends of.
  Status EncodeRun(std::string_view escaped, std::vector<int32_t>* out) const;

  Vocab vocab_;
  // byte_ids_[b]: the token for byte b ("<0xNN>", else the one-byte string, else unknown;
  // -1 if none).
  std::array<int32_t, 256> byte_ids_;
  // isolated_bytes_[b]: byte b is a whole character that no token of two or more bytes
  // contains (typically '\n'), so no merge can cross it.
  std::array<bool, 256> isolated_bytes_{};
};

}  // namespace cratio
