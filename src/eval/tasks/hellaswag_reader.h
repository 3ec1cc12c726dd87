// HellaSwag in both public forms: the original release's JSONL (hellaswag_val.jsonl:
// activity_label, ctx_a, ctx_b, endings, label) and llama.cpp's derived text format
// (6 lines per task: context, gold label 0-3, four endings; often bzip2-compressed).
// Both yield records with fields "query" and "label", list "endings" and the activity
// label as slice, so one task spec scores either.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/tasks/record.h"

namespace cratio {

// lm-evaluation-harness's HellaSwag clean-up: trim, " [title]" -> ". ", drop "[...]"
// tags, "  " -> " ".
std::string HellaswagPreprocess(const std::string& text);

// Picks the format by name: ".jsonl" (optionally ".bz2") is the original, anything else
// the 6-line text format. InvalidInput names the file and line of a malformed task.
Result<std::vector<Record>> ReadHellaswagRecords(const std::string& path);

// The two parsers on text already in memory (`source` names it in messages).
Result<std::vector<Record>> ParseHellaswagText(const std::string& text, const std::string& source);
Result<std::vector<Record>> ParseHellaswagJsonl(const std::string& text, const std::string& source);

}  // namespace cratio
