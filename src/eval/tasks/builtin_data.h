// Data compiled into the binary, so `cratio demo` and `cratio score --task demo` (or
// `demo_text`) run with no data directory. ReadTextFile (text_file.h), hence every task
// reader and task spec, accepts a path "builtin:NAME" and reads the embedded bytes
// instead of a file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cratio {

// Paths starting with this name embedded data, not files.
inline constexpr std::string_view kBuiltinDataPrefix = "builtin:";

// TinyStories-style prose written for cratio (ASCII, 7443 bytes, 32 paragraphs separated
// by blank lines): the demo's perplexity text. Also "builtin:demo".
std::string_view BuiltinDemoText();

// The items of the built-in multiple-choice task `demo` as JSON Lines, one object per
// line: {"id", "slice", "prompt", "choices": [3 texts], "gold": index}. Also
// "builtin:demo_task.jsonl".
std::string_view BuiltinDemoTaskJsonl();

// True when `path` starts with kBuiltinDataPrefix.
bool IsBuiltinDataPath(std::string_view path);

// The bytes behind "builtin:NAME" (static storage, never freed); IoError listing the
// known names when NAME is none of them.
Result<std::string_view> ReadBuiltinData(std::string_view path);

// The known paths ("builtin:demo", ...), for messages and documentation.
std::vector<std::string> BuiltinDataPaths();

}  // namespace cratio
