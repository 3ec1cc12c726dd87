// Fuzz entry points for the evaluation inputs: dataset readers (CSV, JSONL, HellaSwag,
// plain text documents, prompt templates) and JSON task specs. Shared, like
// fuzz_targets.h, by the libFuzzer mains and tests/fuzz_regressions_test.cc.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "eval/task_spec.h"
#include "eval/tasks/csv_reader.h"
#include "eval/tasks/hellaswag_reader.h"
#include "eval/tasks/jsonl_reader.h"
#include "eval/tasks/load_task.h"
#include "eval/tasks/text_reader.h"
#include "fuzz_targets.h"

namespace cratio::fuzz {

// Byte 0 picks the reader; the rest is the file's text.
inline void FuzzEvalDatasets(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 8) {
    case 0: {
      std::vector<std::vector<std::string>> rows;
      std::vector<int64_t> lines;
      (void)ParseCsv(text, "fuzz.csv", &rows, &lines);
      break;
    }
    case 1: {
      CsvOptions o;
      o.header = true;
      (void)ReadCsvRecords(SharedMemFile().Write(data + 1, size - 1), o);
      break;
    }
    case 2: (void)ParseJsonlRecords(text, "fuzz.jsonl"); break;
    case 3: (void)ParseHellaswagText(text, "fuzz.txt"); break;
    case 4: (void)ParseHellaswagJsonl(text, "fuzz.jsonl"); break;
    case 5: (void)SplitTextDocuments(text, "fuzz.txt", "wikitext"); break;
    case 6: (void)SplitTextDocuments(text, "fuzz.txt", "<|endoftext|>"); break;
    case 7: {
      Record rec;
      rec.source = "fuzz.jsonl";
      rec.fields = {{"question", "What is 2 + 2?"}, {"answer", "4"}, {"subject", "math"}};
      rec.lists = {{"choices", {"3", "4"}}};
      (void)FillTemplate(text, rec, "math");
      (void)HellaswagPreprocess(text);
      break;
    }
  }
}

// A JSON task spec; one that parses must serialize to JSON that parses again.
inline void FuzzTaskSpec(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Result<TaskSpec> spec = ParseTaskSpec(text, "fuzz_task.json", "/nonexistent");
  if (!spec.ok()) return;
  Result<TaskSpec> again = ParseTaskSpec(TaskSpecToJson(*spec), "again.json", "/nonexistent");
  if (!again.ok()) {
    std::fprintf(stderr, "TaskSpecToJson output does not parse: %s\n",
                 again.status().message().c_str());
    std::abort();
  }
}

}  // namespace cratio::fuzz
