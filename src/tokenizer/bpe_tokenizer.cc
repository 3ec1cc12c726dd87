// Byte-level BPE: per pre-tokenized word, a linked list of symbols and a min-heap of
// candidate merges by rank.
#include "tokenizer/bpe_tokenizer.h"

#include <algorithm>
#include <queue>

#include "tokenizer/byte_unicode.h"
#include "tokenizer/utf8.h"

namespace cratio {
namespace {

struct Symbol {
  int32_t prev;
  int32_t next;
  size_t begin;   // byte offset in the encoded word
  size_t length;  // bytes; 0 once merged away
};

// A candidate merge; stale when either side changed length since it was queued.
struct Bigram {
  int32_t rank;
  int32_t left;
  int32_t right;
  size_t length;
};

// Lowest rank first; among equal ranks the leftmost pair first.
struct BigramGreater {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> BpeTokenizer::Create(TokenizerSpec spec) {
  for (size_t i = 0; i < spec.merges.size(); ++i) {
    // llama.cpp splits a merge at its first space after the first byte.
    if (spec.merges[i].size() < 3 || spec.merges[i].find(' ', 1) == std::string::npos) {
      return InvalidInput("tokenizer: merge {} ('{}') is not two pieces separated by a space", i,
                          spec.merges[i]);
    }
  }
  if (spec.merges.size() > static_cast<size_t>(INT32_MAX)) {
    return InvalidInput("tokenizer: {} merges do not fit 32-bit ranks", spec.merges.size());
  }
  CRATIO_ASSIGN_OR_RETURN(PreTokenizerRecipe recipe, PreTokenizerRecipeFor(spec.pre));
  CRATIO_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer, PreTokenizer::Create(recipe.regexes));
  return std::unique_ptr<Tokenizer>(
      new BpeTokenizer(std::move(spec), std::move(pre_tokenizer), recipe.ignore_merges));
}

BpeTokenizer::BpeTokenizer(TokenizerSpec spec, PreTokenizer pre_tokenizer, bool ignore_merges)
    : Tokenizer(std::move(spec)),
      vocab_(spec_),
      pre_tokenizer_(std::move(pre_tokenizer)),
      ignore_merges_(ignore_merges) {
  merge_ranks_.reserve(spec_.merges.size());
  for (size_t rank = 0; rank < spec_.merges.size(); ++rank) {
    merge_ranks_.try_emplace(spec_.merges[rank], static_cast<int32_t>(rank));
  }
}

int32_t BpeTokenizer::MergeRank(std::string_view left, std::string_view right,
                                std::string* key) const {
  // A merge line splits at its first space after the first byte, so a left piece with
  // such a space can never be the left side of a merge.
  if (left.find(' ', 1) != std::string_view::npos) return -1;
  key->assign(left);
  key->push_back(' ');
  key->append(right);
  const auto it = merge_ranks_.find(*key);
  return it == merge_ranks_.end() ? -1 : it->second;
}

Result<std::vector<int32_t>> BpeTokenizer::Encode(std::string_view text, bool add_special) const {
  return EncodeImpl(text, add_special, /*parse_special=*/false);
}

Result<std::vector<int32_t>> BpeTokenizer::EncodeParsingSpecial(std::string_view text,
                                                                bool add_special) const {
  return EncodeImpl(text, add_special, /*parse_special=*/true);
}

Result<std::vector<int32_t>> BpeTokenizer::EncodeImpl(std::string_view text, bool add_special,
                                                      bool parse_special) const {
  CRATIO_RETURN_IF_ERROR(ValidateUtf8(text));
  std::vector<int32_t> ids;
  if (add_special && spec_.add_bos) ids.push_back(spec_.bos_id);
  std::vector<std::string_view> words;
  std::string encoded;
  for (const TextFragment& fragment : vocab_.SplitOnSpecialTokens(text, parse_special)) {
    if (fragment.token_id >= 0) {
      ids.push_back(fragment.token_id);
      continue;
    }
    CRATIO_RETURN_IF_ERROR(pre_tokenizer_.Split(fragment.text, &words));
    for (const std::string_view word : words) {
      encoded.clear();
      AppendByteEncoded(word, &encoded);
      EncodeWord(encoded, &ids);
    }
  }
  if (add_special && spec_.add_eos) ids.push_back(spec_.eos_id);
  return ids;
}

void BpeTokenizer::EncodeWord(std::string_view word, std::vector<int32_t>* out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    const int32_t id = vocab_.Find(word);
    if (id >= 0) {
      out->push_back(id);
      return;
    }
  }
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  for (size_t offset = 0; offset < word.size();) {
    const size_t length =
        std::min(Utf8SequenceLength(static_cast<uint8_t>(word[offset])), word.size() - offset);
    const int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({index - 1, offset + length == word.size() ? -1 : index + 1, offset, length});
    offset += length;
  }

  std::string key;
  std::priority_queue<Bigram, std::vector<Bigram>, BigramGreater> queue;
  auto add_bigram = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[left];
    const Symbol& r = symbols[right];
    const int32_t rank =
        MergeRank(word.substr(l.begin, l.length), word.substr(r.begin, r.length), &key);
    if (rank < 0) return;
    queue.push({rank, left, right, l.length + r.length});
  };
  for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) add_bigram(i - 1, i);

  while (!queue.empty()) {
    const Bigram bigram = queue.top();
    queue.pop();
    Symbol& left = symbols[bigram.left];
    Symbol& right = symbols[bigram.right];
    if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length) {
      continue;
    }
    left.length += right.length;
    right.length = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = bigram.left;
    add_bigram(left.prev, bigram.left);
    add_bigram(bigram.left, left.next);
  }

  for (int32_t i = 0; i != -1; i = symbols[i].next) {
    const std::string_view piece = word.substr(symbols[i].begin, symbols[i].length);
    const int32_t id = vocab_.Find(piece);
    if (id >= 0) {
      out->push_back(id);
      continue;
    }
    // llama.cpp's fallback: each byte of the spelling as a one-byte token, if any.
    for (const char c : piece) {
      const int32_t byte_id = vocab_.Find(std::string_view(&c, 1));
      if (byte_id >= 0) out->push_back(byte_id);
    }
  }
}

std::string BpeTokenizer::TokenToPiece(int32_t id) const {
  if (!vocab_.Contains(id)) return {};
  const std::string& text = vocab_.Text(id);
  switch (vocab_.Type(id)) {
    case TokenType::kNormal: {
      std::string piece;
      AppendByteDecoded(text, &piece);
      return piece;
    }
    case TokenType::kUserDefined:
      return text;
    case TokenType::kByte: {
      // "<0xNN>" byte-fallback tokens (Gemma-style vocabularies); llama.cpp drops them.
      const int byte = ByteTokenValue(text);
      return byte < 0 ? std::string() : std::string(1, static_cast<char>(byte));
    }
    case TokenType::kControl:
    case TokenType::kUnknown:
    case TokenType::kUnused:
    case TokenType::kUndefined:
      return {};
  }
  return {};
}

std::string BpeTokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::string text;
  bool strip_space = spec_.add_space_prefix;
  for (const int32_t id : ids) {
    if (!vocab_.Contains(id) || vocab_.IsHiddenInText(id)) continue;
    std::string piece = TokenToPiece(id);
    if (strip_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
    strip_space = false;
    text += piece;
  }
  return text;
}

}  // namespace cratio
