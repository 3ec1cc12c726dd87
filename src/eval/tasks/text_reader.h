// Perplexity corpora: a raw text file, or WikiText's token files, cut into documents
// (the unit that rolling perplexity scores and that per-item results are kept for).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/tasks/record.h"

namespace cratio {

// How a corpus is cut into documents:
//   ""         the whole file is one document;
//   "wikitext" a new document starts at each top-level heading line " = Title = "
//              (WikiText's article boundary, as lm-evaluation-harness splits it);
//   any other  a separator string, e.g. "<|endoftext|>" (removed; surrounding
//              whitespace trimmed).
// Each document is a record with field "text"; empty documents are dropped.
Result<std::vector<Record>> ReadTextDocuments(const std::string& path, const std::string& split);
std::vector<Record> SplitTextDocuments(const std::string& text, const std::string& source,
                                       const std::string& split);

}  // namespace cratio
