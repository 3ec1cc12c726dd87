// Record: one row of a dataset as a reader found it — named text fields, list fields
// (e.g. the choices of an ARC question) and where it came from, before any prompt is built.
// Every reader (CSV, JSONL, HellaSwag, text) produces these; build_items.h turns them into
// scored items by a TaskSpec.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cratio {

struct Record {
  std::string source;  // file the row came from (for messages and ids)
  int64_t line = 0;    // 1-based line where the row starts
  std::string slice;   // subject / category ("" if none), e.g. the MMLU subject
  std::map<std::string, std::string> fields;
  std::map<std::string, std::vector<std::string>> lists;

  // "<source>:<line>" — the default item id and the prefix of every message about the row.
  std::string Where() const { return source + ":" + std::to_string(line); }
};

}  // namespace cratio
