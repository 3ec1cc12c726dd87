// Strict JSON parsing with positions in every error.
#include "io/json_parse.h"

#include <fstream>
#include <set>
#include <sstream>

namespace cratio {
namespace {

// Maximum nesting depth of `text`, counting brackets outside strings; stops early at
// `limit + 1` and reports the byte where the limit was crossed.
int MaxDepth(std::string_view text, int limit, size_t* where) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
      if (depth > limit) {
        *where = i;
        return depth;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

Result<nlohmann::ordered_json> ParseJsonText(std::string_view text, std::string_view source,
                                             bool reject_duplicate_keys) {
  size_t deep_at = 0;
  if (MaxDepth(text, kMaxJsonDepth, &deep_at) > kMaxJsonDepth) {
    return InvalidInput("{}: JSON nested deeper than {} levels at byte {}", source,
                        kMaxJsonDepth, deep_at);
  }
  std::set<std::string> top_keys;
  std::string duplicate;
  auto callback = [&](int depth, nlohmann::ordered_json::parse_event_t event,
                      nlohmann::ordered_json& parsed) {
    if (reject_duplicate_keys && depth == 1 &&
        event == nlohmann::ordered_json::parse_event_t::key && parsed.is_string()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!top_keys.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text.begin(), text.end(), callback,
                                      /*allow_exceptions=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidInput("{}: invalid JSON at byte {}: {}", source, e.byte, e.what());
  } catch (const nlohmann::json::exception& e) {
    return InvalidInput("{}: invalid JSON: {}", source, e.what());
  }
  if (!duplicate.empty()) {
    return InvalidInput("{}: key '{}' appears more than once", source, duplicate);
  }
  return j;
}

Result<nlohmann::ordered_json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("{}: cannot open for reading", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("{}: read failed", path);
  return ParseJsonText(ss.str(), path);
}

std::string JsonPathJoin(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  if (!key.empty() && key.front() == '[') return std::string(parent) + std::string(key);
  return std::string(parent) + "." + std::string(key);
}

}  // namespace cratio
