// The 13a tokeniser as a sequence of byte-level rewrites. Each regex of the original is a
// fixed two-character pattern, so "leftmost, non-overlapping" matching is a single scan.
#include "eval/metrics/tokenize_13a.h"

#include "eval/metrics/text_normalize.h"

namespace cratio {
namespace {

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (true) {
    const size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  s = std::move(out);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsPeriodOrComma(char c) { return c == '.' || c == ','; }

// [\{-\~\[-\` -\&\(-\+\:-\@\/]
bool IsSpacedSymbol(char ch) {
  const unsigned char c = static_cast<unsigned char>(ch);
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

}  // namespace

std::string Tokenize13a(std::string_view segment) {
  std::string line(RightStrip(segment));
  ReplaceAll(line, "<skipped>", "");
  ReplaceAll(line, "-\n", "");
  ReplaceAll(line, "\n", " ");
  ReplaceAll(line, "&quot;", "\"");
  ReplaceAll(line, "&amp;", "&");
  ReplaceAll(line, "&lt;", "<");
  ReplaceAll(line, "&gt;", ">");

  // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "
  std::string a = " ";
  a.reserve(line.size() * 2 + 2);
  for (char c : line) {
    if (IsSpacedSymbol(c)) {
      a.push_back(' ');
      a.push_back(c);
      a.push_back(' ');
    } else {
      a.push_back(c);
    }
  }
  a.append(" ");  // the padding " {} " around the line; its spaces are symbols too, but
                  // they only add whitespace, which the final split removes.

  // ([^0-9])([\.,]) → "\1 \2 "
  std::string b;
  b.reserve(a.size() * 2);
  for (size_t i = 0; i < a.size();) {
    if (i + 1 < a.size() && !IsDigit(a[i]) && IsPeriodOrComma(a[i + 1])) {
      b.push_back(a[i]);
      b.push_back(' ');
      b.push_back(a[i + 1]);
      b.push_back(' ');
      i += 2;
    } else {
      b.push_back(a[i++]);
    }
  }
  // ([\.,])([^0-9]) → " \1 \2"
  std::string c;
  c.reserve(b.size() * 2);
  for (size_t i = 0; i < b.size();) {
    if (i + 1 < b.size() && IsPeriodOrComma(b[i]) && !IsDigit(b[i + 1])) {
      c.push_back(' ');
      c.push_back(b[i]);
      c.push_back(' ');
      c.push_back(b[i + 1]);
      i += 2;
    } else {
      c.push_back(b[i++]);
    }
  }
  // ([0-9])(-) → "\1 \2 "
  std::string d;
  d.reserve(c.size() * 2);
  for (size_t i = 0; i < c.size();) {
    if (i + 1 < c.size() && IsDigit(c[i]) && c[i + 1] == '-') {
      d.push_back(c[i]);
      d.push_back(' ');
      d.push_back('-');
      d.push_back(' ');
      i += 2;
    } else {
      d.push_back(c[i++]);
    }
  }
  std::string out;
  out.reserve(d.size());
  for (std::string_view tok : SplitOnWhitespace(d)) {
    if (!out.empty()) out.push_back(' ');
    out.append(tok);
  }
  return out;
}

}  // namespace cratio
