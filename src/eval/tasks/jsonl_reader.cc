// See jsonl_reader.h.
#include "eval/tasks/jsonl_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "eval/tasks/text_file.h"
#include "io/json_parse.h"

namespace cratio {
namespace {

using nlohmann::ordered_json;

std::string ScalarText(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string Join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void Flatten(const ordered_json& v, const std::string& path, Record* rec) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) Flatten(it.value(), Join(path, it.key()), rec);
    return;
  }
  if (v.is_array()) {
    bool all_objects = !v.empty();
    for (const auto& e : v) all_objects = all_objects && e.is_object();
    if (all_objects) {
      // Keys in first-seen order; one entry per element.
      std::vector<std::string> keys;
      for (const auto& e : v) {
        for (auto it = e.begin(); it != e.end(); ++it) {
          if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
        }
      }
      for (const std::string& k : keys) {
        std::vector<std::string>& list = rec->lists[path + "[]." + k];
        for (const auto& e : v) {
          auto f = e.find(k);
          list.push_back(f == e.end() || f->is_structured() ? "" : ScalarText(*f));
        }
      }
      return;
    }
    std::vector<std::string>& list = rec->lists[path];
    for (const auto& e : v) list.push_back(e.is_structured() ? e.dump() : ScalarText(e));
    return;
  }
  rec->fields[path] = ScalarText(v);
}

}  // namespace

Result<std::vector<Record>> ParseJsonlRecords(const std::string& text, const std::string& source) {
  std::vector<Record> records;
  size_t pos = 0;
  int64_t line = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++line;
    std::string_view row(text.data() + pos, end - pos);
    pos = end + 1;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = source + ":" + std::to_string(line);
    auto parsed = ParseJsonText(row, where);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->is_object()) {
      return InvalidInput("{}: expected a JSON object per line, found {}", where,
                          parsed->type_name());
    }
    Record rec;
    rec.source = source;
    rec.line = line;
    Flatten(*parsed, "", &rec);
    records.push_back(std::move(rec));
  }
  return records;
}

Result<std::vector<Record>> ReadJsonlRecords(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseJsonlRecords(text, path);
}

}  // namespace cratio
