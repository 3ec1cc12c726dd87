// UTF-8 validation and conversion (RFC 3629 well-formedness, as in Unicode Table 3-7).
#include "tokenizer/utf8.h"

#include <string>

namespace cratio {
namespace {

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

std::string HexBytes(std::string_view text, size_t pos, size_t count) {
  std::string out;
  for (size_t i = pos; i < text.size() && i < pos + count; ++i) {
    if (!out.empty()) out += ' ';
    out += fmt::format("0x{:02X}", static_cast<uint8_t>(text[i]));
  }
  return out;
}

}  // namespace

Status ValidateUtf8(std::string_view text) {
  const size_t n = text.size();
  size_t pos = 0;
  while (pos < n) {
    const uint8_t b0 = static_cast<uint8_t>(text[pos]);
    if (b0 < 0x80) {
      ++pos;
      continue;
    }
    // Allowed range of the second byte narrows for E0, ED, F0, F4 (no overlong forms,
    // no surrogates, nothing above U+10FFFF).
    size_t length = 0;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return InvalidInput(
          "tokenizer: invalid UTF-8 at byte offset {}: byte 0x{:02X} cannot start a "
          "sequence",
          pos, b0);
    }
    if (pos + length > n) {
      return InvalidInput(
          "tokenizer: invalid UTF-8 at byte offset {}: sequence needs {} bytes, "
          "text ends after {} ({})",
          pos, length, n - pos, HexBytes(text, pos, n - pos));
    }
    const uint8_t b1 = static_cast<uint8_t>(text[pos + 1]);
    bool ok = b1 >= lo && b1 <= hi;
    for (size_t i = 2; ok && i < length; ++i)
      ok = IsContinuation(static_cast<uint8_t>(text[pos + i]));
    if (!ok) {
      return InvalidInput(
          "tokenizer: invalid UTF-8 at byte offset {}: malformed {}-byte sequence "
          "({})",
          pos, length, HexBytes(text, pos, length));
    }
    pos += length;
  }
  return Status::Ok();
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

uint32_t DecodeUtf8(std::string_view text, size_t pos, size_t* length_bytes) {
  const uint8_t b0 = static_cast<uint8_t>(text[pos]);
  size_t length = Utf8SequenceLength(b0);
  if (pos + length > text.size()) length = 1;  // only on unvalidated text: take the byte
  *length_bytes = length;
  if (length == 1) return b0;
  uint32_t cp = b0 & (0xFF >> (length + 1));
  for (size_t i = 1; i < length; ++i) cp = (cp << 6) | (static_cast<uint8_t>(text[pos + i]) & 0x3F);
  return cp;
}

}  // namespace cratio
