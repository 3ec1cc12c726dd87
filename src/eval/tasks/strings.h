// Small string helpers shared by the task readers, the prompt builder and the scorers.
#pragma once

#include <string>
#include <string_view>

namespace cratio {

// `s` without leading and trailing spaces, tabs, CR and LF.
inline std::string TrimSpace(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace cratio
