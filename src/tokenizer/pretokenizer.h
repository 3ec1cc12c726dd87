// PreTokenizer: splits text into the words byte-level BPE encodes one at a time, with
// the regular expressions llama.cpp uses for each GGUF `tokenizer.ggml.pre` value
// (matched by PCRE2 in UTF mode with Unicode properties).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cratio {

struct PreTokenizerRecipe {
  std::vector<std::string> regexes;  // applied in turn, each splitting the previous pieces
  bool ignore_merges = false;        // a word that is a whole token skips BPE (Llama 3)
};

// The recipe llama.cpp uses for `pre` ("gpt-2", "llama-bpe", "qwen2", ...); "" means
// "default". InvalidInput naming `pre` for names it does not know.
Result<PreTokenizerRecipe> PreTokenizerRecipeFor(std::string_view pre);

class PreTokenizer {
 public:
  // Compiles the regexes (with JIT where available); InvalidInput naming the pattern and
  // the position PCRE2 rejects.
  static Result<PreTokenizer> Create(const std::vector<std::string>& regexes);

  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;
  ~PreTokenizer();

  // Splits validated UTF-8 `text` as llama.cpp's unicode_regex_split does: each regex in
  // turn scans every current piece (lookarounds see only that piece); every match
  // becomes a piece and so does every run of text between matches. Pieces view `text`,
  // cover it exactly and are never empty. Thread-safe.
  Status Split(std::string_view text, std::vector<std::string_view>* pieces) const;

 private:
  struct Compiled;
  explicit PreTokenizer(std::vector<std::unique_ptr<Compiled>> compiled);
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

}  // namespace cratio
