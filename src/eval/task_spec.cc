// See task_spec.h.
#include "eval/task_spec.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "eval/tasks/text_file.h"
#include "io/json_parse.h"

namespace cratio {
namespace {

using nlohmann::ordered_json;

// Reads typed values out of one JSON object, naming `where.key` in every error.
class Fields {
 public:
  Fields(const ordered_json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  Status String(const char* key, std::string* out) {
    const ordered_json* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_string()) return TypeError(key, "a string", *v);
    *out = v->get<std::string>();
    return Status::Ok();
  }
  Status Bool(const char* key, bool* out) {
    const ordered_json* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_boolean()) return TypeError(key, "true or false", *v);
    *out = v->get<bool>();
    return Status::Ok();
  }
  Status Int(const char* key, int64_t lo, int64_t hi, int64_t* out) {
    const ordered_json* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_number_integer()) return TypeError(key, "an integer", *v);
    const int64_t x = v->get<int64_t>();
    if (x < lo || x > hi) {
      return InvalidInput("{}: '{}' is {}, expected {}..{}", where_, key, x, lo, hi);
    }
    *out = x;
    return Status::Ok();
  }
  Status Strings(const char* key, std::vector<std::string>* out) {
    const ordered_json* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_array()) return TypeError(key, "a list of strings", *v);
    out->clear();
    for (const auto& e : *v) {
      if (!e.is_string()) return TypeError(key, "a list of strings", *v);
      out->push_back(e.get<std::string>());
    }
    return Status::Ok();
  }
  Status StringMap(const char* key, std::map<std::string, std::string>* out) {
    const ordered_json* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_object()) return TypeError(key, "an object of strings", *v);
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (!it.value().is_string()) return TypeError(key, "an object of strings", *v);
      (*out)[it.key()] = it.value().get<std::string>();
    }
    return Status::Ok();
  }
  const ordered_json* Object(const char* key, Status* status) {
    const ordered_json* v = Find(key);
    if (v && !v->is_object()) {
      *status = TypeError(key, "an object", *v);
      return nullptr;
    }
    return v;
  }
  // Every key of the object must have been asked for.
  Status CheckNoUnknownKeys() const {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (!seen_.count(it.key())) {
        std::string known;
        for (const auto& k : seen_) {
          if (!known.empty()) known += ", ";
          known += k;
        }
        return InvalidInput("{}: unknown key '{}' (known here: {})", where_, it.key(), known);
      }
    }
    return Status::Ok();
  }

 private:
  const ordered_json* Find(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }
  Status TypeError(const char* key, const char* want, const ordered_json& v) const {
    return InvalidInput("{}: '{}' must be {}, found {}", where_, key, want, v.type_name());
  }

  const ordered_json& obj_;
  std::string where_;
  std::set<std::string> seen_;
};

Status ParseFewShot(const ordered_json& obj, const std::string& where, FewShotSpec* out) {
  Fields f(obj, where);
  CRATIO_RETURN_IF_ERROR(f.Int("k", 0, 1000, &out->k));
  CRATIO_RETURN_IF_ERROR(f.String("split", &out->split));
  CRATIO_RETURN_IF_ERROR(f.String("path", &out->path));
  CRATIO_RETURN_IF_ERROR(f.Bool("from_head", &out->from_head));
  CRATIO_RETURN_IF_ERROR(f.String("separator", &out->separator));
  CRATIO_RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  const int sources = !out->split.empty() + !out->path.empty() + out->from_head;
  if (sources > 1) {
    return InvalidInput("{}: give at most one of 'split', 'path' and 'from_head'", where);
  }
  return Status::Ok();
}

Status ParseGeneration(const ordered_json& obj, const std::string& where, GenerationSpec* out) {
  Fields f(obj, where);
  CRATIO_RETURN_IF_ERROR(f.Strings("stop", &out->stop));
  CRATIO_RETURN_IF_ERROR(f.Int("max_new_tokens", 1, 1 << 20, &out->max_new_tokens));
  CRATIO_RETURN_IF_ERROR(f.String("extract", &out->extract));
  CRATIO_RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  if (out->extract != "none" && out->extract != "first_line" && out->extract != "number") {
    return InvalidInput("{}: 'extract' is '{}', expected none, first_line or number", where,
                        out->extract);
  }
  for (const std::string& s : out->stop) {
    if (s.empty()) return InvalidInput("{}: 'stop' holds an empty string", where);
  }
  return Status::Ok();
}

Status Validate(const TaskSpec& s, const std::string& where) {
  if (s.name.empty()) return InvalidInput("{}: 'name' is missing", where);
  if (s.format != "csv" && s.format != "jsonl" && s.format != "hellaswag" && s.format != "text") {
    return InvalidInput("{}: 'format' is '{}', expected csv, jsonl, hellaswag or text", where,
                        s.format);
  }
  if (s.data.empty()) return InvalidInput("{}: 'data' (file or directory) is missing", where);
  const bool choice_scorer =
      s.scorer == ScorerKind::kMultipleChoice || s.scorer == ScorerKind::kClassification;
  if (choice_scorer) {
    if (s.choices.empty() && s.choices_field.empty()) {
      return InvalidInput("{}: scorer '{}' needs 'choices' or 'choices_field'", where,
                          ScorerKindName(s.scorer));
    }
    if (!s.choices.empty() && !s.choices_field.empty()) {
      return InvalidInput("{}: give 'choices' or 'choices_field', not both", where);
    }
    if (s.gold_field.empty()) {
      return InvalidInput("{}: scorer '{}' needs 'gold_field'", where, ScorerKindName(s.scorer));
    }
  }
  if (s.scorer == ScorerKind::kGeneration && s.target.empty()) {
    return InvalidInput("{}: scorer 'generation' needs 'target' (e.g. \"{{answer}}\")", where);
  }
  if (s.fewshot.k > 0 && s.fewshot.split.empty() && s.fewshot.path.empty() &&
      !s.fewshot.from_head) {
    return InvalidInput(
        "{}: 'fewshot.k' is {} but no source is given (split, path or "
        "from_head)",
        where, s.fewshot.k);
  }
  if (!s.fewshot.split.empty() && s.split.empty()) {
    return InvalidInput("{}: 'fewshot.split' needs a CSV directory with 'split'", where);
  }
  return Status::Ok();
}

}  // namespace

const char* ScorerKindName(ScorerKind kind) {
  switch (kind) {
    case ScorerKind::kMultipleChoice:
      return "multiple_choice";
    case ScorerKind::kGeneration:
      return "generation";
    case ScorerKind::kClassification:
      return "classification";
    case ScorerKind::kPerplexity:
      return "perplexity";
  }
  return "?";
}

Result<ScorerKind> ParseScorerKind(const std::string& name) {
  for (ScorerKind k : {ScorerKind::kMultipleChoice, ScorerKind::kGeneration,
                       ScorerKind::kClassification, ScorerKind::kPerplexity}) {
    if (name == ScorerKindName(k)) return k;
  }
  return InvalidInput(
      "scorer '{}' is not one of multiple_choice, generation, classification, "
      "perplexity",
      name);
}

Result<TaskSpec> ParseTaskSpec(const std::string& json_text, const std::string& source,
                               const std::string& base_dir) {
  CRATIO_ASSIGN_OR_RETURN(ordered_json j, ParseJsonText(json_text, source, true));
  if (!j.is_object()) return InvalidInput("{}: a task spec is a JSON object", source);
  TaskSpec s;
  s.base_dir = base_dir;
  Fields f(j, source);
  CRATIO_RETURN_IF_ERROR(f.String("name", &s.name));
  CRATIO_RETURN_IF_ERROR(f.String("format", &s.format));
  CRATIO_RETURN_IF_ERROR(f.String("data", &s.data));
  CRATIO_RETURN_IF_ERROR(f.String("split", &s.split));
  CRATIO_RETURN_IF_ERROR(f.Bool("header", &s.header));
  CRATIO_RETURN_IF_ERROR(f.Strings("columns", &s.columns));
  CRATIO_RETURN_IF_ERROR(f.String("labels", &s.labels));
  CRATIO_RETURN_IF_ERROR(f.String("id_field", &s.id_field));
  CRATIO_RETURN_IF_ERROR(f.String("slice_field", &s.slice_field));
  CRATIO_RETURN_IF_ERROR(f.StringMap("slice_names", &s.slice_names));
  CRATIO_RETURN_IF_ERROR(f.String("documents", &s.documents));
  CRATIO_RETURN_IF_ERROR(f.String("description", &s.description));
  CRATIO_RETURN_IF_ERROR(f.String("prompt", &s.prompt));
  CRATIO_RETURN_IF_ERROR(f.Strings("choices", &s.choices));
  CRATIO_RETURN_IF_ERROR(f.String("choices_field", &s.choices_field));
  CRATIO_RETURN_IF_ERROR(f.String("gold_field", &s.gold_field));
  CRATIO_RETURN_IF_ERROR(f.String("gold_labels_field", &s.gold_labels_field));
  CRATIO_RETURN_IF_ERROR(f.String("target", &s.target));
  CRATIO_RETURN_IF_ERROR(f.String("target_delimiter", &s.target_delimiter));
  std::string scorer = "multiple_choice";
  CRATIO_RETURN_IF_ERROR(f.String("scorer", &scorer));
  {
    auto kind = ParseScorerKind(scorer);
    if (!kind.ok()) return kind.status().WithPrefix(source);
    s.scorer = *kind;
  }
  CRATIO_RETURN_IF_ERROR(f.Strings("metrics", &s.metrics));
  Status st;
  if (const ordered_json* fs = f.Object("fewshot", &st)) {
    CRATIO_RETURN_IF_ERROR(ParseFewShot(*fs, source + ": fewshot", &s.fewshot));
  }
  CRATIO_RETURN_IF_ERROR(st);
  if (const ordered_json* g = f.Object("generation", &st)) {
    CRATIO_RETURN_IF_ERROR(ParseGeneration(*g, source + ": generation", &s.generation));
  }
  CRATIO_RETURN_IF_ERROR(st);
  CRATIO_RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  CRATIO_RETURN_IF_ERROR(Validate(s, source));
  return s;
}

Result<TaskSpec> ReadTaskSpecFile(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseTaskSpec(text, path, dir.empty() ? "." : dir);
}

std::string TaskSpecToJson(const TaskSpec& s) {
  ordered_json j;
  j["name"] = s.name;
  j["format"] = s.format;
  j["data"] = s.data;
  if (!s.split.empty()) j["split"] = s.split;
  if (s.format == "csv") j["header"] = s.header;
  if (!s.columns.empty()) j["columns"] = s.columns;
  if (!s.labels.empty()) j["labels"] = s.labels;
  if (!s.id_field.empty()) j["id_field"] = s.id_field;
  if (!s.slice_field.empty()) j["slice_field"] = s.slice_field;
  if (!s.slice_names.empty()) j["slice_names"] = s.slice_names;
  if (!s.documents.empty()) j["documents"] = s.documents;
  if (!s.description.empty()) j["description"] = s.description;
  j["prompt"] = s.prompt;
  if (!s.choices.empty()) j["choices"] = s.choices;
  if (!s.choices_field.empty()) j["choices_field"] = s.choices_field;
  if (!s.gold_field.empty()) j["gold_field"] = s.gold_field;
  if (!s.gold_labels_field.empty()) j["gold_labels_field"] = s.gold_labels_field;
  if (!s.target.empty()) j["target"] = s.target;
  j["target_delimiter"] = s.target_delimiter;
  j["scorer"] = ScorerKindName(s.scorer);
  if (!s.metrics.empty()) j["metrics"] = s.metrics;
  if (s.fewshot.k > 0 || !s.fewshot.split.empty() || !s.fewshot.path.empty() ||
      s.fewshot.from_head) {
    ordered_json fs;
    fs["k"] = s.fewshot.k;
    if (!s.fewshot.split.empty()) fs["split"] = s.fewshot.split;
    if (!s.fewshot.path.empty()) fs["path"] = s.fewshot.path;
    if (s.fewshot.from_head) fs["from_head"] = true;
    fs["separator"] = s.fewshot.separator;
    j["fewshot"] = fs;
  }
  if (s.scorer == ScorerKind::kGeneration) {
    j["generation"] = {{"stop", s.generation.stop},
                       {"max_new_tokens", s.generation.max_new_tokens},
                       {"extract", s.generation.extract}};
  }
  return j.dump(2);
}

}  // namespace cratio
