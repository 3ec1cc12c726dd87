// Task: what a scorer consumes — the spec it came from and the items, each with its
// final prompt text (description and few-shot examples included) and what is scored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/task_spec.h"

namespace cratio {

struct TaskItem {
  std::string id;     // dataset id, or "<file>:<line>"
  std::string slice;  // subject / category ("" if none)
  // Multiple choice / classification / generation: the prompt. Choices are scored as
  // continuations of it (each already starts with the spec's target delimiter).
  std::string context;
  std::vector<std::string> choices;
  int32_t gold = -1;
  // Generation: accepted answers, already passed through the spec's answer extraction.
  std::vector<std::string> references;
  // Perplexity: the document.
  std::string text;
};

struct Task {
  TaskSpec spec;
  std::vector<TaskItem> items;
  std::vector<std::string> sources;  // data files read, in order
};

}  // namespace cratio
