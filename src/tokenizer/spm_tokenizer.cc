// SentencePiece-style BPE: a doubly linked list of symbols over the text and a max-heap
// of candidate merges, so encoding is O(n log n) in the characters of the text.
#include "tokenizer/spm_tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <queue>

#include "tokenizer/utf8.h"

namespace cratio {
namespace {

constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK

// One run of text in the linked list; merged-away symbols keep length 0.
struct Symbol {
  int32_t prev;
  int32_t next;
  size_t begin;   // byte offset in the escaped text
  size_t length;  // bytes
};

// A candidate merge of two neighbouring symbols into the token of that score. `length`
// is the merged byte length when it was queued: if either side has changed since, the
// entry is stale and skipped.
struct Bigram {
  float score;
  int32_t left;
  int32_t right;
  size_t length;
};

// Highest score first; among equal scores the leftmost pair first.
struct BigramLess {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

std::string ReplaceSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (const char c : text) {
    if (c == ' ') {
      out += kSpaceMarker;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

SpmTokenizer::SpmTokenizer(TokenizerSpec spec) : Tokenizer(std::move(spec)), vocab_(spec_) {
  for (int b = 0; b < 256; ++b) {
    int32_t id = vocab_.Find(fmt::format("<0x{:02X}>", b));
    if (id < 0) id = vocab_.Find(std::string(1, static_cast<char>(b)));
    if (id < 0) id = spec_.unk_id;
    byte_ids_[b] = id;
  }
  // ASCII bytes (always whole characters in valid UTF-8) that no longer token contains.
  for (int b = 0; b < 0x80; ++b) isolated_bytes_[b] = true;
  for (int32_t id = 0; id < vocab_.size(); ++id) {
    const std::string& text = vocab_.Text(id);
    if (text.size() < 2) continue;
    for (const char c : text) {
      if (static_cast<uint8_t>(c) < 0x80) isolated_bytes_[static_cast<uint8_t>(c)] = false;
    }
  }
}

Result<std::vector<int32_t>> SpmTokenizer::Encode(std::string_view text, bool add_special) const {
  return EncodeImpl(text, add_special, /*parse_special=*/false);
}

Result<std::vector<int32_t>> SpmTokenizer::EncodeParsingSpecial(std::string_view text,
                                                                bool add_special) const {
  return EncodeImpl(text, add_special, /*parse_special=*/true);
}

Result<std::vector<int32_t>> SpmTokenizer::EncodeImpl(std::string_view text, bool add_special,
                                                      bool parse_special) const {
  CRATIO_RETURN_IF_ERROR(ValidateUtf8(text));
  std::vector<int32_t> ids;
  if (add_special && spec_.add_bos) ids.push_back(spec_.bos_id);
  // The space prefix goes at the start of the text and after every special token, as
  // SentencePiece treats each run of text as a fresh sentence.
  bool after_special = true;
  for (const TextFragment& fragment : vocab_.SplitOnSpecialTokens(text, parse_special)) {
    if (fragment.token_id >= 0) {
      ids.push_back(fragment.token_id);
      after_special = true;
      continue;
    }
    std::string escaped;
    if (spec_.add_space_prefix && after_special) escaped = kSpaceMarker;
    escaped += ReplaceSpaces(fragment.text);
    CRATIO_RETURN_IF_ERROR(EncodeEscaped(escaped, &ids));
    after_special = false;
  }
  if (add_special && spec_.add_eos) ids.push_back(spec_.eos_id);
  return ids;
}

Status SpmTokenizer::EncodeEscaped(std::string_view escaped, std::vector<int32_t>* out) const {
  // A character no longer token contains can never be merged, so the text on either side
  // of it is encoded independently — with the same result, and with small heaps: long
  // texts split at their newlines.
  size_t run_begin = 0;
  for (size_t pos = 0; pos < escaped.size(); ++pos) {
    if (!isolated_bytes_[static_cast<uint8_t>(escaped[pos])]) continue;
    CRATIO_RETURN_IF_ERROR(EncodeRun(escaped.substr(run_begin, pos - run_begin), out));
    CRATIO_RETURN_IF_ERROR(EncodeRun(escaped.substr(pos, 1), out));
    run_begin = pos + 1;
  }
  return EncodeRun(escaped.substr(run_begin), out);
}

Status SpmTokenizer::EncodeRun(std::string_view escaped, std::vector<int32_t>* out) const {
  if (escaped.empty()) return Status::Ok();
  if (escaped.size() >= static_cast<size_t>(INT32_MAX)) {
    return InvalidInput("tokenizer: text of {} bytes is too long to encode in one piece",
                        escaped.size());
  }
  // symbols[i]: one UTF-8 character to start with; the list shrinks as pairs merge.
  std::vector<Symbol> symbols;
  symbols.reserve(escaped.size());
  for (size_t offset = 0; offset < escaped.size();) {
    const size_t length = std::min(Utf8SequenceLength(static_cast<uint8_t>(escaped[offset])),
                                   escaped.size() - offset);
    const int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back(
        {index - 1, offset + length == escaped.size() ? -1 : index + 1, offset, length});
    offset += length;
  }

  std::priority_queue<Bigram, std::vector<Bigram>, BigramLess> queue;
  auto try_add_bigram = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const std::string_view merged =
        escaped.substr(symbols[left].begin, symbols[left].length + symbols[right].length);
    const int32_t id = vocab_.Find(merged);
    if (id < 0) return;
    queue.push({vocab_.Score(id), left, right, merged.size()});
  };
  for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) try_add_bigram(i - 1, i);

  while (!queue.empty()) {
    const Bigram bigram = queue.top();
    queue.pop();
    Symbol& left = symbols[bigram.left];
    Symbol& right = symbols[bigram.right];
    if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length) {
      continue;
    }
    // Merge right into left and unlink right.
    left.length += right.length;
    right.length = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = bigram.left;
    try_add_bigram(left.prev, bigram.left);
    try_add_bigram(bigram.left, left.next);
  }

  for (int32_t i = 0; i != -1; i = symbols[i].next) {
    const Symbol& symbol = symbols[i];
    const std::string_view piece = escaped.substr(symbol.begin, symbol.length);
    const int32_t id = vocab_.Find(piece);
    if (id >= 0) {
      out->push_back(id);
      continue;
    }
    // Not a token (a character the vocabulary lacks): byte fallback.
    for (const char c : piece) {
      const int32_t byte_id = byte_ids_[static_cast<uint8_t>(c)];
      if (byte_id < 0) {
        return InvalidInput(
            "tokenizer: byte 0x{:02X} has no token (no <0x{:02X}>, no unknown "
            "token) in a vocabulary of {} tokens",
            static_cast<uint8_t>(c), static_cast<uint8_t>(c), vocab_.size());
      }
      out->push_back(byte_id);
    }
  }
  return Status::Ok();
}

std::string SpmTokenizer::TokenToPiece(int32_t id) const {
  if (!vocab_.Contains(id)) return {};
  const std::string& text = vocab_.Text(id);
  switch (vocab_.Type(id)) {
    case TokenType::kNormal: {
      std::string piece;
      piece.reserve(text.size());
      for (size_t pos = 0; pos < text.size();) {
        if (text.compare(pos, kSpaceMarker.size(), kSpaceMarker) == 0) {
          piece += ' ';
          pos += kSpaceMarker.size();
        } else {
          piece += text[pos++];
        }
      }
      return piece;
    }
    case TokenType::kUserDefined:
      return text;
    case TokenType::kByte: {
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

std::string SpmTokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::string text;
  // The space prefix Encode added shows as a leading space on the first piece with text;
  // SentencePiece strips it, also when BOS (which decodes to nothing) comes first.
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
