// See answer_extract.h.
#include "eval/scorers/answer_extract.h"

#include <cctype>

#include "eval/tasks/strings.h"

namespace cratio {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first number in `s` (digits with optional sign, commas, one decimal point, a
// leading "$"), as written; "" when there is none.
std::string FirstNumber(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsDigit(s[i])) continue;
    size_t b = i;
    if (b > 0 && s[b - 1] == '$') --b;
    if (b > 0 && s[b - 1] == '-') --b;
    size_t e = i;
    while (e < s.size() && (IsDigit(s[e]) || s[e] == ',' || s[e] == '.')) ++e;
    return s.substr(b, e - b);
  }
  return "";
}

std::string LastNumber(const std::string& s) {
  std::string last;
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    size_t b = i;
    if (b > 0 && s[b - 1] == '$') --b;
    if (b > 0 && s[b - 1] == '-') --b;
    size_t e = i;
    while (e < s.size() && (IsDigit(s[e]) || s[e] == ',' || s[e] == '.')) ++e;
    last = s.substr(b, e - b);
    i = e;
  }
  return last;
}

}  // namespace

std::string CutAtStop(const std::string& text, const std::vector<std::string>& stops) {
  size_t cut = text.size();
  for (const std::string& s : stops) {
    if (s.empty()) continue;
    const size_t p = text.find(s);
    if (p != std::string::npos && p < cut) cut = p;
  }
  return text.substr(0, cut);
}

std::string NormalizeNumber(const std::string& number) {
  std::string out;
  for (char c : number) {
    if (c != ',' && c != '$') out += c;
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  const size_t dot = out.find('.');
  if (dot != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

std::string ExtractNumber(const std::string& text) {
  for (const char* marker : {"####", "The answer is"}) {
    const size_t p = text.rfind(marker);
    if (p == std::string::npos) continue;
    const std::string n = FirstNumber(text.substr(p + std::string(marker).size()));
    if (!n.empty()) return NormalizeNumber(n);
  }
  return NormalizeNumber(LastNumber(text));
}

std::string ExtractAnswer(const std::string& text, const std::string& mode) {
  if (mode == "number") return ExtractNumber(text);
  if (mode == "first_line") {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      const std::string line = TrimSpace(text.substr(pos, end - pos));
      if (!line.empty()) return line;
      pos = end + 1;
    }
    return "";
  }
  return TrimSpace(text);
}

}  // namespace cratio
