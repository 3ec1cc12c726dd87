// TaskSpec: a task described as data — where the items are, how each becomes a prompt,
// what is scored and by which metrics. Users write these as JSON files to evaluate their
// own data without code; every built-in task (tasks/builtin_tasks.cc) is one too, and
// `cratio score --task NAME --print-spec` prints it as a starting point.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"

namespace cratio {

struct FewShotSpec {
  int64_t k = 0;                   // examples in each prompt (--shots overrides)
  std::string split;               // CSV directories: take them from this split (MMLU: "dev")
  std::string path;                // or from this file (same format as the data)
  bool from_head = false;          // or the first k items of the data (not scored then)
  std::string separator = "\n\n";  // after each example
};

struct GenerationSpec {
  std::vector<std::string> stop = {"\n\n"};  // generation ends at the first of these
  int64_t max_new_tokens = 256;
  // Answer extraction, applied to the model's text and to the reference:
  //   "none"        the text, trimmed
  //   "first_line"  the first non-empty line, trimmed
  //   "number"      the number after "####" or "The answer is", else the last number
  //                 (commas, "$" and a trailing "." removed) — GSM8K
  std::string extract = "none";
};

struct TaskSpec {
  std::string name;
  // Reader: "csv" (a file, or a directory of <subject>_<split>.csv files per split),
  // "jsonl", "hellaswag" (original JSONL or llama.cpp's 6-line text), "text".
  std::string format;
  std::string data;                  // file or directory; relative paths: see base_dir
  std::string base_dir;              // where relative paths resolve (the spec file's folder)
  std::string split;                 // CSV directory: which split folder to score ("test", "val")
  bool header = false;               // CSV: first row names the columns
  std::vector<std::string> columns;  // CSV: names (without header) or the expected header
  std::string labels;                // optional file with one gold label per line, row order
  std::string id_field;              // optional; default id "<file>:<line>"
  std::string slice_field;           // optional; CSV directories use the subject from the file name
  std::map<std::string, std::string> slice_names;  // slice -> name shown as {subject}
  std::string documents;  // text: "" whole file, "wikitext", or a separator string

  std::string description;             // before the few-shot examples; may use {subject}
  std::string prompt = "{text}";       // the item's prompt, {field} placeholders ("{{" = "{")
  std::vector<std::string> choices;    // choice texts (may use placeholders) ...
  std::string choices_field;           // ... or a list field holding them
  std::string gold_field;              // gold: a choice's text, a label, a letter or an index
  std::string gold_labels_field;       // list field of labels the gold refers to (ARC)
  std::string target;                  // generation: the reference answer (placeholders)
  std::string target_delimiter = " ";  // between prompt and choice / few-shot answer

  ScorerKind scorer = ScorerKind::kMultipleChoice;
  std::vector<std::string> metrics;  // names for the metrics layer; empty: the default
  FewShotSpec fewshot;
  GenerationSpec generation;
};

// Parses a JSON task spec (`source` names it in messages; relative paths resolve against
// `base_dir`). Unknown keys, wrong types and inconsistent combinations (multiple choice
// without choices, generation without target, ...) are InvalidInput naming the key.
Result<TaskSpec> ParseTaskSpec(const std::string& json_text, const std::string& source,
                               const std::string& base_dir);

// Reads a spec file; its folder becomes base_dir.
Result<TaskSpec> ReadTaskSpecFile(const std::string& path);

// The spec as JSON (the same keys ParseTaskSpec reads).
std::string TaskSpecToJson(const TaskSpec& spec);

// "multiple_choice" | "generation" | "classification" | "perplexity".
const char* ScorerKindName(ScorerKind kind);
Result<ScorerKind> ParseScorerKind(const std::string& name);

}  // namespace cratio
