// Vocab: the lookup tables both tokenizers share — token text -> id, token types and
// scores, and the split of input text around special tokens that happens before any
// model-specific work (llama.cpp's tokenizer_st_partition).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace cratio {

// A piece of input text: either raw text still to be tokenized (token_id < 0) or the
// text of a special token found in the input (token_id >= 0).
struct TextFragment {
  int32_t token_id = -1;
  std::string_view text;
};

class Vocab {
 public:
  // `spec` must have passed ValidateTokenizerSpec and must outlive the Vocab, unchanged:
  // the lookup table holds views of its token strings.
  explicit Vocab(const TokenizerSpec& spec);

  int32_t size() const { return static_cast<int32_t>(spec_->tokens.size()); }
  // Id of the token spelled exactly `text`, or -1.
  int32_t Find(std::string_view text) const {
    if (text.size() > max_token_bytes_) return -1;
    // Open addressing, linear probing; the table is at most half full.
    for (size_t slot = Hash(text) & slot_mask_;; slot = (slot + 1) & slot_mask_) {
      const int32_t id = slots_[slot];
      if (id < 0) return -1;
      if (Text(id) == text) return id;
    }
  }
  bool Contains(int32_t id) const { return id >= 0 && id < size(); }
  const std::string& Text(int32_t id) const { return spec_->tokens[id]; }
  float Score(int32_t id) const { return spec_->scores.empty() ? 0.0f : spec_->scores[id]; }
  TokenType Type(int32_t id) const {
    return spec_->token_types.empty() ? TokenType::kNormal
                                      : static_cast<TokenType>(spec_->token_types[id]);
  }
  // Control and unknown tokens decode to nothing unless asked for (llama.cpp's
  // token_to_piece with special = false).
  bool IsHiddenInText(int32_t id) const {
    const TokenType t = Type(id);
    return t == TokenType::kControl || t == TokenType::kUnknown;
  }

  // Splits `text` at every occurrence of a special token's text, longest tokens first.
  // User-defined tokens are always split out; control and unknown tokens only with
  // `parse_special`. Fragments view `text`; raw fragments are never empty.
  std::vector<TextFragment> SplitOnSpecialTokens(std::string_view text, bool parse_special) const;

 private:
  // FNV-1a: token spellings are short, and this is cheaper than std::hash on them.
  static size_t Hash(std::string_view text) {
    uint64_t h = 14695981039346656037ull;
    for (const char c : text) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }

  const TokenizerSpec* spec_;
  // Token id per slot (-1: empty); a flat table, because lookups dominate encoding time.
  std::vector<int32_t> slots_;
  size_t slot_mask_ = 0;
  size_t max_token_bytes_ = 0;
  // Control, user-defined and unknown tokens, longest text first (ties: lower id first).
  std::vector<int32_t> special_ids_;
};

// The byte a byte token spells ("<0x41>" -> 0x41), or -1 if `text` is no such spelling.
int ByteTokenValue(std::string_view text);

// Checks what every tokenizer relies on: a non-empty vocabulary without duplicates,
// scores / token types of the vocabulary's length, token types in range, special ids in
// range, BOS / EOS present when they are to be added. Empty token strings are renamed
// "[EMPTY_<id>]" as llama.cpp does, so ids stay aligned.
Status ValidateTokenizerSpec(TokenizerSpec* spec);

}  // namespace cratio
