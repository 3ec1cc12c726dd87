// See load_task.h.
#include "eval/tasks/load_task.h"

#include <algorithm>
#include <filesystem>

#include "eval/scorers/answer_extract.h"
#include "eval/tasks/builtin_data.h"
#include "eval/tasks/csv_reader.h"
#include "eval/tasks/hellaswag_reader.h"
#include "eval/tasks/jsonl_reader.h"
#include "eval/tasks/strings.h"
#include "eval/tasks/text_file.h"
#include "eval/tasks/text_reader.h"

namespace fs = std::filesystem;

namespace cratio {
namespace {

std::string ResolvePath(const std::string& path, const std::string& base_dir) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  if (IsBuiltinDataPath(path)) return path;
  return (fs::path(base_dir) / path).string();
}

// The records of one data file, by the spec's format.
Result<std::vector<Record>> ReadFileRecords(const TaskSpec& spec, const std::string& path) {
  if (spec.format == "csv") {
    CsvOptions o;
    o.header = spec.header;
    o.columns = spec.columns;
    return ReadCsvRecords(path, o);
  }
  if (spec.format == "jsonl") return ReadJsonlRecords(path);
  if (spec.format == "hellaswag") return ReadHellaswagRecords(path);
  return ReadTextDocuments(path, spec.documents);
}

// One data file and the slice its records belong to ("" : from slice_field).
struct DataFile {
  std::string path;
  std::string slice;
};

// A file, or for CSV a directory holding <split>/<subject>_<split>.csv.
Result<std::vector<DataFile>> ListDataFiles(const TaskSpec& spec, const std::string& data) {
  if (IsBuiltinDataPath(data)) return std::vector<DataFile>{{data, ""}};
  std::error_code ec;
  if (!fs::is_directory(data, ec)) {
    if (!fs::exists(data, ec)) return IoError("{}: no such file or directory", data);
    return std::vector<DataFile>{{data, ""}};
  }
  if (spec.format != "csv" || spec.split.empty()) {
    return InvalidInput(
        "{}: is a directory; only CSV tasks with a 'split' read directories "
        "(<dir>/<split>/<subject>_<split>.csv)",
        data);
  }
  const fs::path dir = fs::path(data) / spec.split;
  if (!fs::is_directory(dir, ec)) {
    return IoError("{}: no '{}' split folder here (expected {})", data, spec.split, dir.string());
  }
  const std::string suffix = "_" + spec.split + ".csv";
  std::vector<DataFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    files.push_back({entry.path().string(), name.substr(0, name.size() - suffix.size())});
  }
  if (ec) return IoError("{}: cannot list: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end(),
            [](const DataFile& a, const DataFile& b) { return a.path < b.path; });
  if (files.empty()) return InvalidInput("{}: no *{} files", dir.string(), suffix);
  return files;
}

Status AttachLabels(const TaskSpec& spec, const std::string& labels_path,
                    std::vector<Record>* records) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(labels_path));
  std::vector<std::string> labels;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    labels.push_back(TrimSpace(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  if (labels.size() != records->size()) {
    return InvalidInput("{}: {} labels (lines) for {} rows of {}", labels_path, labels.size(),
                        records->size(),
                        records->empty() ? std::string("the data") : records->front().source);
  }
  const std::string field = spec.gold_field.empty() ? "label" : spec.gold_field;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].empty()) return InvalidInput("{}:{}: empty label", labels_path, i + 1);
    (*records)[i].fields[field] = labels[i];
  }
  return Status::Ok();
}

std::string DisplaySubject(const TaskSpec& spec, const std::string& slice) {
  auto it = spec.slice_names.find(slice);
  if (it != spec.slice_names.end()) return it->second;
  std::string s = slice;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

Result<std::vector<std::string>> ChoiceTexts(const TaskSpec& spec, const Record& rec,
                                             const std::string& subject) {
  std::vector<std::string> out;
  if (!spec.choices_field.empty()) {
    auto it = rec.lists.find(spec.choices_field);
    if (it == rec.lists.end() || it->second.empty()) {
      return InvalidInput("{}: no list field '{}' with the choices", rec.Where(),
                          spec.choices_field);
    }
    for (const std::string& c : it->second) out.push_back(TrimSpace(c));
    return out;
  }
  for (const std::string& c : spec.choices) {
    CRATIO_ASSIGN_OR_RETURN(std::string t, FillTemplate(c, rec, subject));
    out.push_back(std::move(t));
  }
  return out;
}

// The gold answer as a choice index: a position in gold_labels_field, else a choice's
// text, else a letter A.., else a 0-based index.
Result<int32_t> ResolveGold(const TaskSpec& spec, const Record& rec,
                            const std::vector<std::string>& choices) {
  auto f = rec.fields.find(spec.gold_field);
  if (f == rec.fields.end()) {
    return InvalidInput("{}: no field '{}' with the gold answer", rec.Where(), spec.gold_field);
  }
  const std::string g = TrimSpace(f->second);
  const int32_t n = static_cast<int32_t>(choices.size());
  if (!spec.gold_labels_field.empty()) {
    auto labels = rec.lists.find(spec.gold_labels_field);
    if (labels == rec.lists.end()) {
      return InvalidInput("{}: no list field '{}' with the choice labels", rec.Where(),
                          spec.gold_labels_field);
    }
    if (static_cast<int32_t>(labels->second.size()) != n) {
      return InvalidInput("{}: {} choice labels for {} choices", rec.Where(), labels->second.size(),
                          n);
    }
    for (int32_t i = 0; i < n; ++i) {
      if (TrimSpace(labels->second[i]) == g) return i;
    }
    return InvalidInput("{}: gold '{}' is not one of the labels in '{}'", rec.Where(), g,
                        spec.gold_labels_field);
  }
  for (int32_t i = 0; i < n; ++i) {
    if (choices[i] == g) return i;
  }
  if (g.size() == 1 && g[0] >= 'A' && g[0] < 'A' + n) return g[0] - 'A';
  if (!g.empty() && std::all_of(g.begin(), g.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      g.size() < 9) {
    const int32_t idx = std::stoi(g);
    if (idx < n) return idx;
  }
  return InvalidInput(
      "{}: gold '{}' in field '{}' is none of the {} choices (not a choice's "
      "text, a letter A-{} or an index 0-{})",
      rec.Where(), g, spec.gold_field, n, static_cast<char>('A' + n - 1), n - 1);
}

// The answer text a few-shot example shows after its prompt.
Result<std::string> ExampleAnswer(const TaskSpec& spec, const Record& rec,
                                  const std::string& subject) {
  if (spec.scorer == ScorerKind::kGeneration) return FillTemplate(spec.target, rec, subject);
  CRATIO_ASSIGN_OR_RETURN(std::vector<std::string> choices, ChoiceTexts(spec, rec, subject));
  CRATIO_ASSIGN_OR_RETURN(int32_t gold, ResolveGold(spec, rec, choices));
  return choices[gold];
}

Result<std::string> FewShotText(const TaskSpec& spec, const std::vector<Record>& examples,
                                const std::string& subject) {
  std::string out;
  for (const Record& ex : examples) {
    CRATIO_ASSIGN_OR_RETURN(std::string prompt, FillTemplate(spec.prompt, ex, subject));
    CRATIO_ASSIGN_OR_RETURN(std::string answer, ExampleAnswer(spec, ex, subject));
    out += prompt + spec.target_delimiter + answer + spec.fewshot.separator;
  }
  return out;
}

std::string ItemId(const TaskSpec& spec, const Record& rec) {
  if (!spec.id_field.empty()) {
    auto it = rec.fields.find(spec.id_field);
    if (it != rec.fields.end() && !it->second.empty()) {
      // C-Eval ids restart at 0 in every subject file.
      return rec.slice.empty() ? it->second : rec.slice + "/" + it->second;
    }
  }
  return fs::path(rec.source).filename().string() + ":" + std::to_string(rec.line);
}

Result<TaskItem> BuildItem(const TaskSpec& spec, const Record& rec, const std::string& fewshot) {
  TaskItem item;
  item.id = ItemId(spec, rec);
  item.slice = rec.slice;
  const std::string subject = DisplaySubject(spec, rec.slice);
  if (spec.scorer == ScorerKind::kPerplexity) {
    CRATIO_ASSIGN_OR_RETURN(item.text, FillTemplate(spec.prompt, rec, subject, /*trim=*/false));
    return item;
  }
  CRATIO_ASSIGN_OR_RETURN(std::string prompt, FillTemplate(spec.prompt, rec, subject));
  CRATIO_ASSIGN_OR_RETURN(std::string description, FillTemplate(spec.description, rec, subject));
  item.context = description + fewshot + prompt;
  if (spec.scorer == ScorerKind::kGeneration) {
    CRATIO_ASSIGN_OR_RETURN(std::string target, FillTemplate(spec.target, rec, subject));
    item.references.push_back(ExtractAnswer(target, spec.generation.extract));
    return item;
  }
  CRATIO_ASSIGN_OR_RETURN(std::vector<std::string> choices, ChoiceTexts(spec, rec, subject));
  CRATIO_ASSIGN_OR_RETURN(item.gold, ResolveGold(spec, rec, choices));
  for (const std::string& c : choices) item.choices.push_back(spec.target_delimiter + c);
  return item;
}

}  // namespace

Result<std::string> FillTemplate(const std::string& tmpl, const Record& rec,
                                 const std::string& subject, bool trim) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const size_t close = tmpl.find('}', i + 1);
    if (close == std::string::npos) {
      return InvalidInput("template '{}': '{{' at offset {} is never closed", tmpl, i);
    }
    const std::string name = tmpl.substr(i + 1, close - i - 1);
    auto it = rec.fields.find(name);
    if (it != rec.fields.end()) {
      out += trim ? TrimSpace(it->second) : it->second;
    } else if (name == "subject") {
      out += subject;
    } else {
      std::string known;
      for (const auto& [k, v] : rec.fields) {
        if (!known.empty()) known += ", ";
        known += k;
      }
      return InvalidInput(
          "{}: the template uses {{{}}} but the row has no field '{}' (fields: "
          "{})",
          rec.Where(), name, name, known);
    }
    i = close;
  }
  return out;
}

Result<Task> LoadTask(const TaskSpec& spec_in, const LoadTaskOptions& options) {
  Task task;
  task.spec = spec_in;
  const TaskSpec& spec = task.spec;
  if (options.shots >= 0) {
    task.spec.fewshot.k = options.shots;
    if (options.shots > 0 && spec.fewshot.split.empty() && spec.fewshot.path.empty() &&
        !spec.fewshot.from_head) {
      return InvalidInput("task '{}' has no few-shot source; --shots {} needs one", spec.name,
                          options.shots);
    }
  }
  if (spec.scorer == ScorerKind::kPerplexity && spec.fewshot.k > 0) {
    return InvalidInput("task '{}': perplexity tasks take no few-shot examples", spec.name);
  }
  const std::string data =
      options.data.empty() ? ResolvePath(spec.data, spec.base_dir) : options.data;
  CRATIO_ASSIGN_OR_RETURN(std::vector<DataFile> files, ListDataFiles(spec, data));
  const int64_t k = spec.fewshot.k;
  std::vector<Record> path_examples;
  if (k > 0 && !spec.fewshot.path.empty()) {
    const std::string p = ResolvePath(spec.fewshot.path, spec.base_dir);
    CRATIO_ASSIGN_OR_RETURN(path_examples, ReadFileRecords(spec, p));
    if (static_cast<int64_t>(path_examples.size()) < k) {
      return InvalidInput("{}: {} few-shot examples requested, the file has {}", p, k,
                          path_examples.size());
    }
    path_examples.resize(k);
  }
  for (const DataFile& file : files) {
    CRATIO_ASSIGN_OR_RETURN(std::vector<Record> records, ReadFileRecords(spec, file.path));
    task.sources.push_back(file.path);
    if (!spec.labels.empty()) {
      CRATIO_RETURN_IF_ERROR(AttachLabels(spec, ResolvePath(spec.labels, spec.base_dir), &records));
    }
    for (Record& r : records) {
      if (!file.slice.empty()) {
        r.slice = file.slice;
      } else if (!spec.slice_field.empty()) {
        auto it = r.fields.find(spec.slice_field);
        if (it == r.fields.end()) {
          return InvalidInput("{}: no field '{}' (slice_field)", r.Where(), spec.slice_field);
        }
        r.slice = it->second;
      }
    }
    std::vector<Record> examples;
    if (k > 0 && spec.fewshot.from_head) {
      if (static_cast<int64_t>(records.size()) <= k) {
        return InvalidInput(
            "{}: {} rows, need more than the {} few-shot examples taken from "
            "its head",
            file.path, records.size(), k);
      }
      examples.assign(records.begin(), records.begin() + k);
      records.erase(records.begin(), records.begin() + k);
    } else if (k > 0 && !spec.fewshot.split.empty()) {
      const std::string p =
          (fs::path(data) / spec.fewshot.split / (file.slice + "_" + spec.fewshot.split + ".csv"))
              .string();
      CRATIO_ASSIGN_OR_RETURN(examples, ReadFileRecords(spec, p));
      if (static_cast<int64_t>(examples.size()) < k) {
        return InvalidInput("{}: {} few-shot examples requested, the file has {}", p, k,
                            examples.size());
      }
      examples.resize(k);
      for (Record& e : examples) e.slice = file.slice;
    } else if (k > 0) {
      examples = path_examples;
    }
    std::string fewshot;
    if (!examples.empty()) {
      CRATIO_ASSIGN_OR_RETURN(fewshot,
                              FewShotText(spec, examples, DisplaySubject(spec, file.slice)));
    }
    if (options.limit > 0 && static_cast<int64_t>(records.size()) > options.limit) {
      records.resize(options.limit);
    }
    for (const Record& r : records) {
      // Few-shot text depends on the slice only for slice-specific sources.
      CRATIO_ASSIGN_OR_RETURN(TaskItem item, BuildItem(spec, r, fewshot));
      task.items.push_back(std::move(item));
    }
  }
  if (task.items.empty()) return InvalidInput("task '{}': {} holds no items", spec.name, data);
  return task;
}

Result<Task> LoadTaskUnderDataRoot(const TaskSpec& spec, const LoadTaskOptions& options,
                                   const std::string& data_root) {
  auto task = LoadTask(spec, options);
  if (!task.ok() && task.status().code() == StatusCode::kIoError && options.data.empty()) {
    return task.status().WithPrefix(fmt::format(
        "task {} (data root '{}': set CRATIO_DATA or pass --data)", spec.name, data_root));
  }
  return task;
}

}  // namespace cratio
