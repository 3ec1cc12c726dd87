// What one `cratio eval` (or `cratio demo`) run measures: a base model, its variants —
// given files or compression recipes made on the fly — the tasks, the perplexity text
// and the benchmark settings. Every model sees the identical items, tokens and
// benchmark settings; everything is paired with the base.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace cratio::pipeline {

struct VariantSpec {
  std::string name;    // label in the report ("int8", "q4_k_m", or the file's stem)
  std::string path;    // the model file; for a recipe, where the variant is written
  std::string recipe;  // compression recipe ("" when `path` was given)
};

struct BenchSettings {
  bool enabled = true;
  int64_t prompt_tokens = 64;  // one single-stream request: prompt, then greedy decode
  int64_t gen_tokens = 32;
  int min_iters = 5;           // timed requests per model (after one warm-up each)
  double min_time_s = 0.0;
  double max_time_s = 30.0;    // per variant/base pair
  bool memory = true;          // peak RSS of each model, measured in a child process
  uint64_t seed = 1;
};

struct EvalPlan {
  std::string base_path;
  std::vector<VariantSpec> variants;
  std::vector<std::string> tasks;  // built-in task names or task spec files
  std::string data_root;           // where built-in tasks find their data
  int64_t limit = 0;               // > 0: at most this many items per data file
  int64_t shots = -1;              // >= 0: replaces the tasks' few-shot count
  std::string ppl_text;            // perplexity text file; "" for none
  int64_t ppl_ctx = 128;
  int64_t ppl_chunks = 0;          // 0: all
  BenchSettings bench;
  std::string calib_path;          // calibration text for recipes that need one
  int threads = 0;                 // 0: one per core
  int64_t item_block = 32;         // items scored (and checkpointed) together
};

// "NAME=VALUE" splits at the first '='; without one the name is derived by `default_name`.
struct NamedValue {
  std::string name;
  std::string value;
};
NamedValue SplitNamed(const std::string& text);

// A short label for a recipe: "prune-structured:0.5+q4_0" → "prune-structured-0.5+q4_0".
std::string RecipeLabel(const std::string& recipe);

// The file name without directories and extension: "/m/tiny-q8.gguf" → "tiny-q8".
std::string FileStem(const std::string& path);

// Checks names are unique and non-empty, paths and recipes present, numbers in range.
Status ValidatePlan(const EvalPlan& plan);

}  // namespace cratio::pipeline
