// Text normalisation shared by the text metrics: the SQuAD answer normalisation (exact
// match, token F1) and Python-compatible whitespace splitting (str.split()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cratio {

// Length in bytes of the whitespace character at s[pos] as Python's str.isspace() sees it
// (ASCII \t\n\v\f\r space, \x1c–\x1f, and the UTF-8 forms of U+0085, U+00A0, U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), or 0 when it is not whitespace.
size_t WhitespaceLengthAt(std::string_view s, size_t pos);

// Python's s.split(): the maximal runs of non-whitespace (as above).
std::vector<std::string_view> SplitOnWhitespace(std::string_view s);

// Python's s.rstrip(): s without trailing whitespace.
std::string_view RightStrip(std::string_view s);

// SQuAD's normalize_answer: lowercase (ASCII), drop ASCII punctuation
// (Python's string.punctuation), replace the words a / an / the by a space, collapse
// whitespace. Word boundaries treat ASCII letters, digits, '_' and all non-ASCII bytes as
// word characters (Python's \b with Unicode letters; non-ASCII punctuation such as "—"
// is the one case that differs).
std::string SquadNormalize(std::string_view text);

}  // namespace cratio
