// Turning a TaskSpec into a Task: read the data with the spec's reader, attach labels
// from a separate file, pick few-shot examples, fill the prompt template, resolve each
// gold answer to a choice index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/task_spec.h"
#include "eval/tasks/record.h"
#include "eval/tasks/task.h"

namespace cratio {

struct LoadTaskOptions {
  std::string data;    // replaces spec.data when not empty (used as given)
  int64_t limit = 0;   // > 0: at most this many items per data file (per MMLU subject)
  int64_t shots = -1;  // >= 0: replaces spec.fewshot.k
};

// InvalidInput / IoError name the file and line of anything malformed: a row without a
// field the prompt uses, a gold answer that is none of the choices, a labels file whose
// line count differs from the data, too few few-shot examples.
Result<Task> LoadTask(const TaskSpec& spec, const LoadTaskOptions& options = {});

// LoadTask with the task's data looked for under `data_root` (options.data empty): a file
// that cannot be read (IoError) comes back prefixed with the task's name, the data root
// and how to point cratio elsewhere (CRATIO_DATA or --data); other errors as they are.
Result<Task> LoadTaskUnderDataRoot(const TaskSpec& spec, const LoadTaskOptions& options,
                                   const std::string& data_root);

// "{name}" placeholders replaced by the record's fields (trimmed unless `trim` is false,
// as for perplexity documents) — "{subject}" by the slice's display name when the record
// has no such field; "{{" and "}}" are literal braces. InvalidInput names the record and
// the missing field.
Result<std::string> FillTemplate(const std::string& tmpl, const Record& rec,
                                 const std::string& subject, bool trim = true);

}  // namespace cratio
