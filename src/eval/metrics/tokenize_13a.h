// sacreBLEU's default "13a" tokeniser (mteval-v13a.pl's rules), used by corpus BLEU.
#pragma once

#include <string>
#include <string_view>

namespace cratio {

// Tokenises one segment exactly as sacreBLEU's BLEU does with its defaults: rstrip;
// drop "<skipped>", "-\n"; "\n" → " "; unescape &quot; &amp; &lt; &gt; (in that order);
// pad with spaces; space out the symbols {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /; space
// out '.' and ',' unless between digits (two passes, as the Perl rules do); split a '-'
// that follows a digit; collapse whitespace. Works on UTF-8 bytes; the rules only
// concern ASCII, so multi-byte characters pass through whole.
std::string Tokenize13a(std::string_view segment);

}  // namespace cratio
