// SQuAD normalisation and Python-compatible whitespace handling, on UTF-8 bytes.
#include "eval/metrics/text_normalize.h"

#include <cstdint>
#include <cstring>

namespace cratio {
namespace {

bool IsAsciiPunct(unsigned char c) {
  // string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
         (c >= 123 && c <= 126);
}

bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '_' || c >= 0x80;
}

}  // namespace

size_t WhitespaceLengthAt(std::string_view s, size_t pos) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(pos);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return 1;
  if (c == 0xC2 && pos + 1 < s.size() && (b(pos + 1) == 0x85 || b(pos + 1) == 0xA0)) {
    return 2;  // U+0085, U+00A0
  }
  if (pos + 2 < s.size()) {
    const unsigned char c1 = b(pos + 1), c2 = b(pos + 2);
    if (c == 0xE1 && c1 == 0x9A && c2 == 0x80) return 3;  // U+1680
    if (c == 0xE2 && c1 == 0x80 &&
        (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) {
      return 3;  // U+2000–U+200A, U+2028, U+2029, U+202F
    }
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;  // U+205F
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;  // U+3000
  }
  return 0;
}

std::vector<std::string_view> SplitOnWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0, start = std::string_view::npos;
  while (i < s.size()) {
    const size_t ws = WhitespaceLengthAt(s, i);
    if (ws > 0) {
      if (start != std::string_view::npos) out.push_back(s.substr(start, i - start));
      start = std::string_view::npos;
      i += ws;
    } else {
      if (start == std::string_view::npos) start = i;
      ++i;
    }
  }
  if (start != std::string_view::npos) out.push_back(s.substr(start));
  return out;
}

std::string_view RightStrip(std::string_view s) {
  size_t end = 0;  // one past the last non-whitespace character
  size_t i = 0;
  while (i < s.size()) {
    const size_t ws = WhitespaceLengthAt(s, i);
    if (ws > 0) {
      i += ws;
    } else {
      end = ++i;
    }
  }
  return s.substr(0, end);
}

std::string SquadNormalize(std::string_view text) {
  // lower, then remove punctuation.
  std::string s;
  s.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (IsAsciiPunct(c)) continue;
    s.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : ch);
  }
  // remove_articles: \b(a|an|the)\b → " ".
  std::string no_articles;
  no_articles.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const bool at_boundary = i == 0 || !IsWordByte(static_cast<unsigned char>(s[i - 1]));
    bool replaced = false;
    if (at_boundary) {
      for (const char* article : {"the", "an", "a"}) {
        const size_t len = std::strlen(article);
        if (s.compare(i, len, article) == 0 &&
            (i + len == s.size() || !IsWordByte(static_cast<unsigned char>(s[i + len])))) {
          no_articles.push_back(' ');
          i += len;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) no_articles.push_back(s[i++]);
  }
  // white_space_fix.
  std::string out;
  for (std::string_view word : SplitOnWhitespace(no_articles)) {
    if (!out.empty()) out.push_back(' ');
    out.append(word);
  }
  return out;
}

}  // namespace cratio
