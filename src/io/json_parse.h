// Strict JSON parsing for the files cratio reads (safetensors headers, config.json,
// tokenizer.json): parse errors, duplicate top-level keys and absurd nesting become
// InvalidInput naming the file and the byte position, never an exception.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cratio {

// Nesting deeper than this is rejected before parsing: no real config needs it, and a
// hostile file should not get to allocate a tower of nested values.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` (from `source`, used in messages) keeping object keys in file order.
// Duplicate keys inside the top-level object are an error when `reject_duplicate_keys`.
Result<nlohmann::ordered_json> ParseJsonText(std::string_view text, std::string_view source,
                                             bool reject_duplicate_keys = false);

// Reads and parses a whole JSON file (IoError if it cannot be read).
Result<nlohmann::ordered_json> ReadJsonFile(const std::string& path);

// "a.b[3].c" style paths for messages.
std::string JsonPathJoin(std::string_view parent, std::string_view key);

}  // namespace cratio
