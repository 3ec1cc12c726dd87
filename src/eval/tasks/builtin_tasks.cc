// The registry of built-in tasks: one JSON spec each, in the same language users write
// (docs/TASKS.md). Prompts follow lm-evaluation-harness (MMLU, ARC, HellaSwag, GSM8K) and
// the C-Eval authors' own template, so numbers are comparable with published ones.
#include "eval/tasks/builtin_tasks.h"

#include <filesystem>
#include <utility>

namespace cratio {
namespace {

// MMLU (hendrycks/test): headerless CSV per subject in dev/val/test folders.
constexpr const char* kMmlu = R"json({
  "name": "mmlu",
  "format": "csv",
  "data": "eval/mmlu",
  "split": "test",
  "header": false,
  "columns": ["question", "A", "B", "C", "D", "answer"],
  "description": "The following are multiple choice questions (with answers) about {subject}.\n\n",
  "prompt": "{question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\nAnswer:",
  "choices": ["A", "B", "C", "D"],
  "gold_field": "answer",
  "target_delimiter": " ",
  "scorer": "multiple_choice",
  "metrics": ["accuracy", "acc_norm"],
  "fewshot": {"k": 0, "split": "dev", "separator": "\n\n"}
})json";

// C-Eval (ceval/ceval-exam): CSV with header per subject; test labels are not public,
// so the val split is scored. Prompt and subject names as in the C-Eval repository.
constexpr const char* kCeval = R"json({
  "name": "ceval",
  "format": "csv",
  "data": "eval/ceval",
  "split": "val",
  "header": true,
  "id_field": "id",
  "description": "以下是中国关于{subject}考试的单项选择题，请选出其中的正确答案。\n\n",
  "prompt": "{question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\n答案：",
  "choices": ["A", "B", "C", "D"],
  "gold_field": "answer",
  "target_delimiter": "",
  "scorer": "multiple_choice",
  "metrics": ["accuracy", "acc_norm"],
  "fewshot": {"k": 0, "split": "dev", "separator": "\n\n"},
  "slice_names": {
    "computer_network": "计算机网络", "operating_system": "操作系统",
    "computer_architecture": "计算机组成", "college_programming": "大学编程",
    "college_physics": "大学物理", "college_chemistry": "大学化学",
    "advanced_mathematics": "高等数学", "probability_and_statistics": "概率统计",
    "discrete_mathematics": "离散数学", "electrical_engineer": "注册电气工程师",
    "metrology_engineer": "注册计量师", "high_school_mathematics": "高中数学",
    "high_school_physics": "高中物理", "high_school_chemistry": "高中化学",
    "high_school_biology": "高中生物", "middle_school_mathematics": "初中数学",
    "middle_school_biology": "初中生物", "middle_school_physics": "初中物理",
    "middle_school_chemistry": "初中化学", "veterinary_medicine": "兽医学",
    "college_economics": "大学经济学", "business_administration": "工商管理",
    "marxism": "马克思主义基本原理",
    "mao_zedong_thought": "毛泽东思想和中国特色社会主义理论体系概论",
    "education_science": "教育学", "teacher_qualification": "教师资格",
    "high_school_politics": "高中政治", "high_school_geography": "高中地理",
    "middle_school_politics": "初中政治", "middle_school_geography": "初中地理",
    "modern_chinese_history": "近代史纲要",
    "ideological_and_moral_cultivation": "思想道德修养与法律基础", "logic": "逻辑学",
    "law": "法学", "chinese_language_and_literature": "中国语言文学", "art_studies": "艺术学",
    "professional_tour_guide": "导游资格", "legal_professional": "法律职业资格",
    "high_school_chinese": "高中语文", "high_school_history": "高中历史",
    "middle_school_history": "初中历史", "civil_servant": "公务员", "sports_science": "体育学",
    "plant_protection": "植物保护", "basic_medicine": "基础医学",
    "clinical_medicine": "临床医学", "urban_and_rural_planner": "注册城乡规划师",
    "accountant": "注册会计师", "fire_engineer": "注册消防工程师",
    "environmental_impact_assessment_engineer": "环境影响评价工程师",
    "tax_accountant": "税务师", "physician": "医师资格"
  }
})json";

// ARC (allenai ARC-V1-Feb2018 JSONL): the choices are answer texts.
constexpr const char* kArcEasy = R"json({
  "name": "arc_easy",
  "format": "jsonl",
  "data": "eval/arc/ARC-Easy-Dev.jsonl",
  "id_field": "id",
  "prompt": "Question: {question.stem}\nAnswer:",
  "choices_field": "question.choices[].text",
  "gold_labels_field": "question.choices[].label",
  "gold_field": "answerKey",
  "target_delimiter": " ",
  "scorer": "multiple_choice",
  "metrics": ["accuracy", "acc_norm"]
})json";

// HellaSwag: original JSONL or llama.cpp's 6-line text (the reader normalises both).
constexpr const char* kHellaswag = R"json({
  "name": "hellaswag",
  "format": "hellaswag",
  "data": "eval/hellaswag/hellaswag_val_full.txt.bz2",
  "prompt": "{query}",
  "choices_field": "endings",
  "gold_field": "label",
  "target_delimiter": " ",
  "scorer": "multiple_choice",
  "metrics": ["acc_norm", "accuracy"]
})json";

// GSM8K: k-shot chain of thought — the worked answers of the first k problems ("...
// #### N") are the examples and are not scored; the final number is compared exactly.
constexpr const char* kGsm8k = R"json({
  "name": "gsm8k",
  "format": "jsonl",
  "data": "eval/gsm8k/test.jsonl",
  "prompt": "Question: {question}\nAnswer:",
  "target": "{answer}",
  "target_delimiter": " ",
  "scorer": "generation",
  "metrics": ["exact_match"],
  "fewshot": {"k": 5, "from_head": true, "separator": "\n\n"},
  "generation": {"stop": ["\n\n", "Question:"], "max_new_tokens": 256, "extract": "number"}
})json";

// WikiText-2 (token files): one document per article, rolling perplexity.
constexpr const char* kWikitext2 = R"json({
  "name": "wikitext2",
  "format": "text",
  "data": "eval/wikitext-2/test.txt",
  "documents": "wikitext",
  "prompt": "{text}",
  "scorer": "perplexity",
  "metrics": ["perplexity", "bits_per_byte"]
})json";

// TinyStories sample: stories separated by <|endoftext|>.
constexpr const char* kTinystories = R"json({
  "name": "tinystories",
  "format": "text",
  "data": "eval/tinystories/tinystories_sample.txt",
  "documents": "<|endoftext|>",
  "prompt": "{text}",
  "scorer": "perplexity",
  "metrics": ["perplexity", "bits_per_byte"]
})json";

// The demo task: 48 story openings written for cratio, compiled in (builtin_data.h), so
// it needs no data directory. Three choices each; slices food, animals, places,
// feelings, things, time.
constexpr const char* kDemo = R"json({
  "name": "demo",
  "format": "jsonl",
  "data": "builtin:demo_task.jsonl",
  "id_field": "id",
  "slice_field": "slice",
  "prompt": "{prompt}",
  "choices_field": "choices",
  "gold_field": "gold",
  "target_delimiter": " ",
  "scorer": "multiple_choice",
  "metrics": ["accuracy", "acc_norm"]
})json";

// The demo text (compiled in): rolling perplexity, one document per paragraph.
constexpr const char* kDemoText = R"json({
  "name": "demo_text",
  "format": "text",
  "data": "builtin:demo",
  "documents": "\n\n",
  "prompt": "{text}",
  "scorer": "perplexity",
  "metrics": ["perplexity", "bits_per_byte"]
})json";

const std::pair<const char*, const char*> kBuiltins[] = {
    {"mmlu", kMmlu},
    {"ceval", kCeval},
    {"arc_easy", kArcEasy},
    {"hellaswag", kHellaswag},
    {"gsm8k", kGsm8k},
    {"wikitext2", kWikitext2},
    {"tinystories", kTinystories},
    {"demo", kDemo},
    {"demo_text", kDemoText},
};

}  // namespace

std::vector<std::string> BuiltinTaskNames() {
  std::vector<std::string> names;
  for (const auto& [name, json] : kBuiltins) names.push_back(name);
  return names;
}

Result<TaskSpec> BuiltinTaskSpec(const std::string& name, const std::string& data_root) {
  for (const auto& [builtin, json] : kBuiltins) {
    if (name == builtin) return ParseTaskSpec(json, "built-in task " + name, data_root);
  }
  std::string names;
  for (const auto& n : BuiltinTaskNames()) {
    if (!names.empty()) names += ", ";
    names += n;
  }
  return InvalidInput("task '{}' is not a built-in task ({}) nor a spec file", name, names);
}

Result<TaskSpec> ResolveTaskSpec(const std::string& name_or_path, const std::string& data_root) {
  for (const auto& [builtin, json] : kBuiltins) {
    if (name_or_path == builtin) return BuiltinTaskSpec(name_or_path, data_root);
  }
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_path, ec)) return ReadTaskSpecFile(name_or_path);
  return BuiltinTaskSpec(name_or_path, data_root);
}

}  // namespace cratio
