// The GPT-2 byte <-> Unicode tables, built once.
#include "tokenizer/byte_unicode.h"

#include <array>

#include "tokenizer/utf8.h"

namespace cratio {
namespace {

struct ByteTables {
  std::array<std::string, 256> byte_to_utf8;
  // code_point_to_byte[cp] for cp < 324 (the largest mapped code point is U+0143); -1 if
  // cp is not the image of a byte.
  std::array<int16_t, 324> code_point_to_byte;

  ByteTables() {
    code_point_to_byte.fill(-1);
    uint32_t next_unprintable = 256;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      const uint32_t cp = printable ? b : next_unprintable++;
      AppendUtf8(cp, &byte_to_utf8[b]);
      code_point_to_byte[cp] = static_cast<int16_t>(b);
    }
  }
};

const ByteTables& Tables() {
  static const ByteTables tables;
  return tables;
}

}  // namespace

const std::string& ByteToUnicode(uint8_t b) { return Tables().byte_to_utf8[b]; }

void AppendByteEncoded(std::string_view bytes, std::string* out) {
  const ByteTables& t = Tables();
  for (const char c : bytes) *out += t.byte_to_utf8[static_cast<uint8_t>(c)];
}

void AppendByteDecoded(std::string_view spelling, std::string* out) {
  const ByteTables& t = Tables();
  for (size_t pos = 0; pos < spelling.size();) {
    size_t length = 0;
    const uint32_t cp = DecodeUtf8(spelling, pos, &length);
    if (cp < t.code_point_to_byte.size() && t.code_point_to_byte[cp] >= 0) {
      out->push_back(static_cast<char>(t.code_point_to_byte[cp]));
    } else {
      out->append(spelling.substr(pos, length));
    }
    pos += length;
  }
}

}  // namespace cratio
