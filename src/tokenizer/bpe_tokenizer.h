// Byte-level BPE over ranked merges (GGUF tokenizer model "gpt2": GPT-2, Llama 3,
// Qwen2, ...), reproducing llama.cpp's BPE tokenizer id for id.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab.h"

namespace cratio {

// Encoding: the pre-tokenizer splits the text into words; each word's bytes are spelled
// with the GPT-2 byte -> Unicode mapping and split into characters; the adjacent pair
// with the lowest merge rank (earliest in the merges list) is merged until no pair has
// a rank (ties: leftmost). Each final piece is its token (or, failing that, the tokens
// of its single bytes). Thread-safe: Encode / Decode keep no state between calls.
class BpeTokenizer final : public Tokenizer {
 public:
  // `spec` must have passed ValidateTokenizerSpec; fails on malformed merges or an
  // unknown pre-tokenizer.
  static Result<std::unique_ptr<Tokenizer>> Create(TokenizerSpec spec);

  // Pinned in memory: vocab_ views the strings of spec_.
  BpeTokenizer(const BpeTokenizer&) = delete;
  BpeTokenizer& operator=(const BpeTokenizer&) = delete;

  Result<std::vector<int32_t>> Encode(std::string_view text, bool add_special) const override;
  Result<std::vector<int32_t>> EncodeParsingSpecial(std::string_view text,
                                                    bool add_special) const override;
  std::string Decode(const std::vector<int32_t>& ids) const override;
  std::string TokenToPiece(int32_t id) const override;

 private:
  BpeTokenizer(TokenizerSpec spec, PreTokenizer pre_tokenizer, bool ignore_merges);
  Result<std::vector<int32_t>> EncodeImpl(std::string_view text, bool add_special,
                                          bool parse_special) const;
  // Appends the tokens of one byte-encoded word.
  void EncodeWord(std::string_view word, std::vector<int32_t>* out) const;
  // Rank of merging `left` and `right`, or -1. `key` is scratch space.
  int32_t MergeRank(std::string_view left, std::string_view right, std::string* key) const;

  Vocab vocab_;
  PreTokenizer pre_tokenizer_;
  bool ignore_merges_;
  // "left right" (the merge line as written) -> rank; the first of duplicates wins.
  std::unordered_map<std::string_view, int32_t> merge_ranks_;
};

}  // namespace cratio
