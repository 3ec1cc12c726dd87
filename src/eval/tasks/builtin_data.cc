// See builtin_data.h. The registry of embedded data: one line per name.
#include "eval/tasks/builtin_data.h"

#include <utility>

namespace cratio {
namespace {

struct BuiltinData {
  std::string_view name;  // after the prefix
  std::string_view (*bytes)();
};

constexpr BuiltinData kBuiltinData[] = {
    {"demo", BuiltinDemoText},
    {"demo_task.jsonl", BuiltinDemoTaskJsonl},
};

}  // namespace

bool IsBuiltinDataPath(std::string_view path) {
  return path.substr(0, kBuiltinDataPrefix.size()) == kBuiltinDataPrefix;
}

std::vector<std::string> BuiltinDataPaths() {
  std::vector<std::string> paths;
  for (const BuiltinData& d : kBuiltinData) {
    paths.push_back(std::string(kBuiltinDataPrefix) + std::string(d.name));
  }
  return paths;
}

Result<std::string_view> ReadBuiltinData(std::string_view path) {
  if (IsBuiltinDataPath(path)) {
    const std::string_view name = path.substr(kBuiltinDataPrefix.size());
    for (const BuiltinData& d : kBuiltinData) {
      if (d.name == name) return d.bytes();
    }
  }
  std::string known;
  for (const std::string& p : BuiltinDataPaths()) {
    if (!known.empty()) known += ", ";
    known += p;
  }
  return IoError("{}: no such built-in data (built-in: {})", path, known);
}

}  // namespace cratio
