// JSON Lines datasets (ARC, GSM8K, HellaSwag's original release, users' own files): one
// JSON object per line, flattened into a Record so task specs can name any value by path.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/tasks/record.h"

namespace cratio {

// Flattening: a scalar at a.b becomes fields["a.b"] (strings as is, numbers as JSON
// writes them, true/false, null as ""); an array of scalars at a.b becomes
// lists["a.b"]; an array of objects at a.b gives lists["a.b[].k"] for each key k (one
// entry per element, "" where an element lacks k). Deeper arrays are not flattened.
//
// Blank lines are skipped. InvalidInput names the file and line for a line that is not
// valid JSON or not an object.
Result<std::vector<Record>> ReadJsonlRecords(const std::string& path);

// The same for JSONL text already in memory (`source` names it in messages).
Result<std::vector<Record>> ParseJsonlRecords(const std::string& text, const std::string& source);

}  // namespace cratio
