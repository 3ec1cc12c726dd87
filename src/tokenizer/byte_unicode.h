// GPT-2's reversible byte -> Unicode mapping, which lets byte-level BPE vocabularies
// spell every byte as a printable character: bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF
// map to the code point of the same value; the other 68 bytes (controls, space, DEL,
// 0x80..0xA0, 0xAD) map, in byte order, to U+0100, U+0101, ... (space -> U+0120 "Ġ").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cratio {

// The UTF-8 spelling of byte `b` in a byte-level vocabulary.
const std::string& ByteToUnicode(uint8_t b);

// Appends ByteToUnicode of every byte of `bytes` to `out`.
void AppendByteEncoded(std::string_view bytes, std::string* out);

// Appends the bytes a byte-level token spelling stands for. Characters outside the
// mapping are copied through unchanged (they cannot come from the mapping itself).
void AppendByteDecoded(std::string_view spelling, std::string* out);

}  // namespace cratio
