// Task readers on the real public samples in $CRATIO_DATA/eval and on small malformed
// files: each sample parses into the expected items with the expected prompts, and each
// malformed input is an InvalidInput / IoError naming the file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "eval/task_spec.h"
#include "eval/tasks/builtin_tasks.h"
#include "eval/tasks/csv_reader.h"
#include "eval/tasks/hellaswag_reader.h"
#include "eval/tasks/jsonl_reader.h"
#include "eval/tasks/load_task.h"
#include "eval/tasks/text_reader.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using ::cratio::testing::DataDir;
using ::cratio::testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

Task LoadBuiltin(const std::string& name, LoadTaskOptions options = {}) {
  auto spec = BuiltinTaskSpec(name, DataDir());
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec, options);
  EXPECT_TRUE(task.ok()) << task.status().message();
  return task.ok() ? std::move(*task) : Task{};
}

// ---------------------------------------------------------------- real samples

TEST(MmluReader, ReadsAllSubjectsOfTheTestSplitWithHarnessPrompt) {
  CRATIO_REQUIRE_DATA_FILE("eval/mmlu/test/abstract_algebra_test.csv");
  const Task task = LoadBuiltin("mmlu");
  // 100 + 135 + 100 + 100 + 270 + 171 rows in the six test files.
  ASSERT_EQ(task.items.size(), 876u);
  const TaskItem& first = task.items[0];
  EXPECT_EQ(first.slice, "abstract_algebra");
  EXPECT_EQ(first.id, "abstract_algebra_test.csv:1");
  EXPECT_EQ(first.context,
            "The following are multiple choice questions (with answers) about abstract "
            "algebra.\n\nFind the degree for the given field extension Q(sqrt(2), sqrt(3), "
            "sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:");
  EXPECT_EQ(first.choices, (std::vector<std::string>{" A", " B", " C", " D"}));
  EXPECT_EQ(first.gold, 1);  // answer column "B"
  EXPECT_EQ(task.items.back().slice, "world_religions");
}

TEST(MmluReader, KShotTakesExamplesFromTheDevSplitOfTheSameSubject) {
  CRATIO_REQUIRE_DATA_FILE("eval/mmlu/dev/abstract_algebra_dev.csv");
  LoadTaskOptions o;
  o.shots = 5;
  o.limit = 1;
  const Task task = LoadBuiltin("mmlu", o);
  ASSERT_EQ(task.items.size(), 6u);  // --limit 1 per subject file
  const std::string& ctx = task.items[0].context;
  const std::string head =
      "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
      "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\n"
      "Answer: B\n\n";
  EXPECT_EQ(ctx.substr(0, head.size()), head);
  // Five examples, each ending its answer with the separator, then the question.
  size_t answers = 0;
  for (size_t p = ctx.find("\nAnswer: "); p != std::string::npos; p = ctx.find("\nAnswer: ", p + 1))
    ++answers;
  EXPECT_EQ(answers, 5u);
  EXPECT_TRUE(ctx.ends_with("D. 6\nAnswer:")) << ctx;
}

TEST(CevalReader, ReadsValSplitWithChinesePromptAndSubjectName) {
  CRATIO_REQUIRE_DATA_FILE("eval/ceval/val/computer_network_val.csv");
  const Task task = LoadBuiltin("ceval");
  // 22 + 37 + 19 + 19 + 19 + 19 rows in the six val files.
  ASSERT_EQ(task.items.size(), 135u);
  const TaskItem* net = nullptr;
  for (const TaskItem& it : task.items) {
    if (it.slice == "computer_network") {
      net = &it;
      break;
    }
  }
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->id, "computer_network/0");
  EXPECT_EQ(net->context,
            "以下是中国关于计算机网络考试的单项选择题，请选出其中的正确答案。\n\n"
            "使用位填充方法，以01111110为位首flag，数据为011011111111111111110010，求问传送时要添加"
            "几个0____"
            "\nA. 1\nB. 2\nC. 3\nD. 4\n答案：");
  EXPECT_EQ(net->choices, (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(net->gold, 2);  // "C"
}

TEST(ArcReader, ReadsNestedChoicesAndResolvesAnswerKeyByLabel) {
  CRATIO_REQUIRE_DATA_FILE("eval/arc/ARC-Easy-Dev.jsonl");
  const Task task = LoadBuiltin("arc_easy");
  ASSERT_EQ(task.items.size(), 570u);
  const TaskItem& first = task.items[0];
  EXPECT_EQ(first.id, "MCAS_2000_4_6");
  EXPECT_EQ(first.context, "Question: Which technology was developed most recently?\nAnswer:");
  EXPECT_EQ(first.choices, (std::vector<std::string>{" cellular telephone", " television",
                                                     " refrigerator", " airplane"}));
  EXPECT_EQ(first.gold, 0);          // answerKey "A"
  EXPECT_EQ(task.items[1].gold, 2);  // answerKey "C"
}

TEST(HellaswagReader, ReadsLlamaCppTextFormatFromBzip2) {
  CRATIO_REQUIRE_DATA_FILE("eval/hellaswag/hellaswag_val_full.txt.bz2");
  const Task task = LoadBuiltin("hellaswag");
  ASSERT_EQ(task.items.size(), 10042u);
  const TaskItem& first = task.items[0];
  EXPECT_EQ(first.context, "Roof shingle removal: A man is sitting on a roof. he");
  EXPECT_EQ(first.gold, 3);
  EXPECT_EQ(first.choices[0], " is using wrap to wrap a pair of skis.");
  EXPECT_EQ(first.choices[3], " starts pulling up roofing on a roof.");
  EXPECT_EQ(first.slice, "Roof shingle removal");
}

TEST(HellaswagReader, OriginalJsonlIsPreprocessedLikeTheHarness) {
  const std::string dir = TempDir();
  const std::string path = dir + "/hs.jsonl";
  // ctx_b "THEN he" is capitalised Python-style ("Then he"); "[title]" becomes ". ",
  // other [tags] go, double spaces collapse.
  WriteFile(path,
            R"({"ind": 7, "activity_label": "Cooking", "ctx_a": "A man [header] cuts.", )"
            R"("ctx_b": "THEN he", "endings": ["stirs [title]the pot", "b", "c", "d"], "label": 0})"
            "\n");
  auto records = ReadHellaswagRecords(path);
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].fields.at("query"), "Cooking: A man cuts. Then he");
  EXPECT_EQ((*records)[0].lists.at("endings")[0], "stirs. the pot");
  EXPECT_EQ((*records)[0].fields.at("label"), "0");
}

TEST(Gsm8kReader, ReferencesAreTheFinalNumbersAndShotsComeFromTheHead) {
  CRATIO_REQUIRE_DATA_FILE("eval/gsm8k/test.jsonl");
  const Task task = LoadBuiltin("gsm8k");
  ASSERT_EQ(task.items.size(), 1319u - 5u);  // the first 5 are the examples
  // Line 6's answer ends "#### 64".
  EXPECT_EQ(task.items[0].id, "test.jsonl:6");
  EXPECT_EQ(task.items[0].references, (std::vector<std::string>{"64"}));
  const std::string& ctx = task.items[0].context;
  EXPECT_TRUE(ctx.starts_with("Question: Janet\u2019s ducks lay 16 eggs per day.")) << ctx;
  EXPECT_NE(ctx.find("#### 18\n\nQuestion: A robe takes"), std::string::npos);
  EXPECT_TRUE(ctx.ends_with("\nAnswer:"));

  LoadTaskOptions zero;
  zero.shots = 0;
  const Task all = LoadBuiltin("gsm8k", zero);
  ASSERT_EQ(all.items.size(), 1319u);
  EXPECT_EQ(all.items[0].references, (std::vector<std::string>{"18"}));
}

TEST(TextReader, WikitextSplitsIntoArticles) {
  CRATIO_REQUIRE_DATA_FILE("eval/wikitext-2/test.txt");
  const Task task = LoadBuiltin("wikitext2");
  // 62 lines of the form " = Title = " start the articles.
  ASSERT_EQ(task.items.size(), 62u);
  EXPECT_TRUE(task.items[0].text.starts_with(" = Robert <unk> = \n"))
      << task.items[0].text.substr(0, 40);
  EXPECT_EQ(task.items[0].id, "test.txt:2");
}

TEST(TextReader, SeparatorSplitsTinyStories) {
  CRATIO_REQUIRE_DATA_FILE("eval/tinystories/tinystories_sample.txt");
  const Task task = LoadBuiltin("tinystories");
  ASSERT_EQ(task.items.size(), 5u);
  EXPECT_TRUE(task.items[0].text.starts_with("Once upon a time there was a little boy named Ben."));
}

// ---------------------------------------------------------------- malformed input

TEST(CsvReader, QuotedFieldsHoldCommasNewlinesAndQuotes) {
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  ASSERT_TRUE(
      ParseCsv("a,\"b,1\",\"x\"\"y\"\n\"two\nlines\",c,d\r\n", "t.csv", &rows, &lines).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,1", "x\"y"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"two\nlines", "c", "d"}));
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 2}));
}

TEST(CsvReader, WrongFieldCountNamesFileAndLine) {
  const std::string path = TempDir() + "/bad.csv";
  WriteFile(path, "q1,a,b,c,d,A\n\"multi\nline\",a,b,c,d,B\nq3,a,b,c,A\n");
  CsvOptions o;
  o.columns = {"question", "A", "B", "C", "D", "answer"};
  auto r = ReadCsvRecords(path, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(r.status().message(), path + ":4: row has 5 fields, expected 6");
}

TEST(CsvReader, UnterminatedQuoteNamesTheLineItOpens) {
  const std::string path = TempDir() + "/bad.csv";
  WriteFile(path, "a,b\nc,\"never closed\nd,e\n");
  auto r = ReadCsvRecords(path, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path + ":2: field 2"), std::string::npos)
      << r.status().message();
}

TEST(JsonlReader, InvalidLineNamesFileAndLine) {
  const std::string path = TempDir() + "/bad.jsonl";
  WriteFile(path, "{\"a\": 1}\n\n{\"a\": 2,}\n");
  auto r = ReadJsonlRecords(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find(path + ":3: invalid JSON"), std::string::npos)
      << r.status().message();
  WriteFile(path, "[1, 2]\n");
  r = ReadJsonlRecords(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path + ":1: expected a JSON object"), std::string::npos);
}

TEST(HellaswagReader, TruncatedTextFileNamesTheLastTask) {
  const std::string path = TempDir() + "/hs.txt";
  // One whole task (lines 1-6) and a task cut after 3 of its lines (7-9).
  WriteFile(path, "ctx one\n0\na\nb\nc\nd\nctx two\n1\na\n");
  auto r = ReadHellaswagRecords(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            path +
                ":7: the last task has 3 of its 6 lines (context, label, 4 endings): "
                "truncated file?");
  WriteFile(path, "ctx one\n7\na\nb\nc\nd\n");
  r = ReadHellaswagRecords(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), path + ":2: expected the gold label (0..3), found '7'");
}

TEST(HellaswagReader, TruncatedBzip2IsAnIoError) {
  CRATIO_REQUIRE_DATA_FILE("eval/hellaswag/hellaswag_val_full.txt.bz2");
  std::ifstream in(::cratio::testing::DataPath("eval/hellaswag/hellaswag_val_full.txt.bz2"),
                   std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), 4096);
  const std::string path = TempDir() + "/cut.txt.bz2";
  WriteFile(path, head);
  auto r = ReadHellaswagRecords(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
}

TEST(LoadTask, GoldThatIsNoChoiceNamesFileAndLine) {
  const std::string dir = TempDir();
  WriteFile(dir + "/data.csv", "q,x,y\nfirst,a,b\nsecond,a,E\n");
  auto spec = ParseTaskSpec(R"({"name": "t", "format": "csv", "data": "data.csv",
      "header": true, "prompt": "{q}", "choices": ["a", "b"], "gold_field": "y"})",
                            "t.json", dir);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.status().message(),
            dir +
                "/data.csv:3: gold 'E' in field 'y' is none of the 2 choices (not a choice's "
                "text, a letter A-B or an index 0-1)");
}

TEST(LoadTask, TemplateFieldMissingNamesTheRow) {
  const std::string dir = TempDir();
  WriteFile(dir + "/d.jsonl", "{\"text\": \"hi\", \"label\": \"a\"}\n");
  auto spec = ParseTaskSpec(R"({"name": "t", "format": "jsonl", "data": "d.jsonl",
      "prompt": "Q: {question}", "choices": ["a", "b"], "gold_field": "label"})",
                            "t.json", dir);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.status().message(), dir +
                                         "/d.jsonl:1: the template uses {question} but the "
                                         "row has no field 'question' (fields: label, text)");
}

TEST(LoadTask, LabelsFromASeparateFileAndHeaderlessColumns) {
  const std::string dir = TempDir();
  WriteFile(dir + "/reviews.csv", "great film,1\nawful,2\n");
  WriteFile(dir + "/labels.txt", "positive\nnegative\n");
  auto spec = ParseTaskSpec(R"({"name": "sentiment", "format": "csv", "data": "reviews.csv",
      "columns": ["review", "n"], "labels": "labels.txt",
      "prompt": "Review: {review}\nSentiment:", "choices": ["negative", "positive"],
      "gold_field": "label", "scorer": "classification"})",
                            "s.json", dir);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec);
  ASSERT_TRUE(task.ok()) << task.status().message();
  ASSERT_EQ(task->items.size(), 2u);
  EXPECT_EQ(task->items[0].context, "Review: great film\nSentiment:");
  EXPECT_EQ(task->items[0].gold, 1);
  EXPECT_EQ(task->items[1].gold, 0);
  EXPECT_EQ(task->items[1].choices, (std::vector<std::string>{" negative", " positive"}));

  WriteFile(dir + "/labels.txt", "positive\n");
  auto bad = LoadTask(*spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            dir + "/labels.txt: 1 labels (lines) for 2 rows of " + dir + "/reviews.csv");
}

TEST(TaskSpec, RejectsUnknownKeysWrongTypesAndMissingPieces) {
  auto r = ParseTaskSpec(R"({"name": "t", "format": "csv", "data": "x", "promt": "{q}"})", "t.json",
                         ".");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.json: unknown key 'promt'"), std::string::npos)
      << r.status().message();
  r = ParseTaskSpec(R"({"name": "t", "format": "csv", "data": "x", "choices": "A"})", "t.json",
                    ".");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t.json: 'choices' must be a list of strings, found string");
  r = ParseTaskSpec(R"({"name": "t", "format": "csv", "data": "x", "gold_field": "g"})", "t.json",
                    ".");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "t.json: scorer 'multiple_choice' needs 'choices' or 'choices_field'");
  r = ParseTaskSpec(R"({"name": "t", "format": "xml", "data": "x"})", "t.json", ".");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  r = ParseTaskSpec(R"({"name": "t", "format": "jsonl", "data": "x", "scorer": "generation"})",
                    "t.json", ".");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("needs 'target'"), std::string::npos);
}

TEST(TaskSpec, EveryBuiltinRoundTripsThroughItsJson) {
  for (const std::string& name : BuiltinTaskNames()) {
    auto spec = BuiltinTaskSpec(name, "/data");
    ASSERT_TRUE(spec.ok()) << name << ": " << spec.status().message();
    auto again = ParseTaskSpec(TaskSpecToJson(*spec), name, "/data");
    ASSERT_TRUE(again.ok()) << name << ": " << again.status().message();
    EXPECT_EQ(TaskSpecToJson(*again), TaskSpecToJson(*spec)) << name;
  }
  EXPECT_FALSE(BuiltinTaskSpec("mmlu_pro", "/data").ok());
}

}  // namespace
}  // namespace cratio
