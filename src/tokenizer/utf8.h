// UTF-8 helpers for the tokenizers: strict validation (the boundary check every Encode
// makes), sequence lengths by lead byte, and code point <-> UTF-8 conversion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cratio {

// Length of the UTF-8 sequence a lead byte announces (1 for ASCII and for stray
// continuation bytes, as llama.cpp counts them). Only meaningful on validated text.
inline size_t Utf8SequenceLength(uint8_t lead) {
  static constexpr uint8_t kLengthByHighNibble[16] = {1, 1, 1, 1, 1, 1, 1, 1,
                                                      1, 1, 1, 1, 2, 2, 3, 4};
  return kLengthByHighNibble[lead >> 4];
}

// OK if `text` is well-formed UTF-8 (no overlong forms, surrogates, code points above
// U+10FFFF or truncated sequences); otherwise InvalidInput naming the byte offset of the
// first bad sequence and its bytes.
Status ValidateUtf8(std::string_view text);

// Appends the UTF-8 encoding of `code_point` (must be <= 0x10FFFF) to `out`.
void AppendUtf8(uint32_t code_point, std::string* out);

// Decodes the code point starting at `text[pos]` of validated text; sets *length_bytes.
uint32_t DecodeUtf8(std::string_view text, size_t pos, size_t* length_bytes);

}  // namespace cratio
