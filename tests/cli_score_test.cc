// End to end: `cratio score` on the real stories260K model and the public samples —
// metrics with standard errors, per-item JSONL, --base against itself (retention 100 %,
// no flips) and against a model with another tokenizer (bits per byte, token KL not
// applicable), user task specs, and the errors a user can cause (exit 2, file and line).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

constexpr char kModel[] = "models/stories260K.gguf";

std::string Model() { return testing::DataPath(kModel); }

json RunJson(const std::vector<std::string>& args) {
  const auto r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

const json* FindMetric(const json& model, const std::string& name) {
  for (const json& m : model["metrics"]) {
    if (m["name"] == name) return &m;
  }
  return nullptr;
}

TEST(ScoreCli, MmluJsonHasMetricsWithErrorsAndLogsEveryItem) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE("eval/mmlu/test/anatomy_test.csv");
  const std::string log = testing::TempDir() + "/items.jsonl";
  const json j = RunJson({"score", Model(), "--task", "mmlu", "--limit", "4", "--json",
                          "--log-items", log, "-t", "2", "--data", testing::DataPath("eval/mmlu")});
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["num_items"], 24);  // 4 per subject, 6 subjects
  EXPECT_EQ(j["shots"], 0);
  const json* acc = FindMetric(j["model"], "accuracy");
  ASSERT_NE(acc, nullptr);
  EXPECT_GE((*acc)["value"].get<double>(), 0.0);
  EXPECT_LE((*acc)["value"].get<double>(), 1.0);
  EXPECT_EQ((*acc)["n"], 24);
  std::ifstream in(log);
  std::string line;
  int lines = 0, correct = 0;
  while (std::getline(in, line)) {
    const json item = json::parse(line);
    ++lines;
    EXPECT_TRUE(item.contains("id"));
    EXPECT_TRUE(item.contains("slice"));
    ASSERT_EQ(item["choice_logprobs"].size(), 4u);
    for (const json& lp : item["choice_logprobs"]) EXPECT_LT(lp.get<double>(), 0.0);
    const int pred = item["pred"], gold = item["gold"];
    EXPECT_EQ(item["correct"].get<int>(), pred == gold ? 1 : 0);
    correct += item["correct"].get<int>();
  }
  EXPECT_EQ(lines, 24);
  // The reported accuracy is the mean of the logged items' correctness.
  EXPECT_NEAR((*acc)["value"].get<double>(), correct / 24.0, 1e-12);
}

TEST(ScoreCli, BaseAgainstItselfRetainsEverythingWithoutFlips) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE("eval/arc/ARC-Easy-Dev.jsonl");
  const json j =
      RunJson({"score", Model(), "--task", "arc_easy", "--limit", "30", "--json", "--base", Model(),
               "--data", testing::DataPath("eval/arc/ARC-Easy-Dev.jsonl")});
  ASSERT_FALSE(j.is_null());
  const json& c = j["comparison"];
  EXPECT_EQ(c["same_tokenizer"], true);
  EXPECT_EQ(c["num_items"], 30);
  EXPECT_DOUBLE_EQ(c["diff"].get<double>(), 0.0);
  EXPECT_EQ(c["flips"]["right_to_wrong"], 0);
  EXPECT_EQ(c["flips"]["wrong_to_right"], 0);
  EXPECT_DOUBLE_EQ(c["answer_agreement"].get<double>(), 1.0);
  if (j["model"]["metrics"][0]["value"].get<double>() > 0) {
    EXPECT_DOUBLE_EQ(c["retention_pct"].get<double>(), 100.0);
    EXPECT_LE(c["retention_ci"][0].get<double>(), 100.0);
    EXPECT_GE(c["retention_ci"][1].get<double>(), 100.0);
  }
  EXPECT_EQ(c["token_kl"]["applicable"], false);
}

TEST(ScoreCli, Q2KVariantShowsFlipsAgainstItsBase) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE("eval/arc/ARC-Easy-Dev.jsonl");
  const std::string q2k = testing::TempDir() + "/q2k.gguf";
  const auto made = RunCli({"compress", Model(), "-o", q2k, "--method", "q2_k"});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  const json j = RunJson({"score", q2k, "--task", "arc_easy", "--limit", "100", "--json",
                          "--base", Model(), "--data",
                          testing::DataPath("eval/arc/ARC-Easy-Dev.jsonl")});
  ASSERT_FALSE(j.is_null());
  const json& c = j["comparison"];
  // 2-bit weights change answers: some items flip, not every answer agrees, and the
  // answer-option distributions diverge.
  EXPECT_GT(c["flips"]["right_to_wrong"].get<int>() + c["flips"]["wrong_to_right"].get<int>(), 0);
  EXPECT_LT(c["answer_agreement"].get<double>(), 1.0);
  EXPECT_GT(c["choice_kl"]["mean"].get<double>(), 0.0);
}

TEST(ScoreCli, DifferentTokenizersCompareByBitsPerByteAndFlips) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE("eval/tinystories/tinystories_sample.txt");
  CRATIO_REQUIRE_DATA_FILE("eval/hellaswag/hellaswag_val_full.txt.bz2");
  // A random model with the built-in byte-level vocabulary: another tokenizer.
  const std::string student = testing::TempDir() + "/student.gguf";
  const auto made = RunCli({"make-model", "--preset", "tiny", "--ctx", "1024", "-o", student});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);

  const json ppl =
      RunJson({"score", student, "--task", "tinystories", "--json", "--base", Model(), "--data",
               testing::DataPath("eval/tinystories/tinystories_sample.txt")});
  ASSERT_FALSE(ppl.is_null());
  EXPECT_EQ(ppl["comparison"]["same_tokenizer"], false);
  EXPECT_EQ(ppl["comparison"]["metric"], "bits_per_byte");
  EXPECT_EQ(ppl["comparison"]["token_kl"]["applicable"], false);
  EXPECT_NE(ppl["comparison"]["token_kl"]["reason"].get<std::string>().find("tokenizers differ"),
            std::string::npos);

  const json mc =
      RunJson({"score", student, "--task", "hellaswag", "--limit", "20", "--json", "--base",
               Model(), "--data", testing::DataPath("eval/hellaswag/hellaswag_val_full.txt.bz2")});
  ASSERT_FALSE(mc.is_null());
  const json& f = mc["comparison"]["flips"];
  EXPECT_EQ(f["items"], 20);
  EXPECT_LE(f["right_to_wrong"].get<int>() + f["wrong_to_right"].get<int>(), 20);
  EXPECT_TRUE(mc["comparison"].contains("answer_agreement"));
  // KL over the four answer options is defined whatever the tokenizers.
  EXPECT_TRUE(mc["comparison"]["choice_kl"].contains("mean"));
}

TEST(ScoreCli, UserSpecWithLabelsFile) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = testing::TempDir();
  std::ofstream(dir + "/reviews.csv") << "text\nthe dog was happy\nthe girl cried\n";
  std::ofstream(dir + "/labels.txt") << "good\nbad\n";
  std::ofstream(dir + "/spec.json") << R"({"name": "mood", "format": "csv", "header": true,
    "data": "reviews.csv", "labels": "labels.txt", "prompt": "{text}. It was",
    "choices": ["good", "bad"], "gold_field": "label", "scorer": "classification",
    "metrics": ["accuracy"]})";
  const json j = RunJson({"score", Model(), "--task", dir + "/spec.json", "--json"});
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j["num_items"], 2);
  EXPECT_EQ(j["scorer"], "classification");
}

TEST(ScoreCli, MalformedDataIsExitTwoNamingFileAndLine) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = testing::TempDir();
  std::ofstream(dir + "/q.jsonl") << "{\"question\": {\"stem\": \"a\", \"choices\": []}, "
                                     "\"answerKey\": \"A\"}\n{broken\n";
  const auto r = RunCli({"score", Model(), "--task", "arc_easy", "--data", dir + "/q.jsonl"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find(dir + "/q.jsonl:2: invalid JSON"), std::string::npos) << r.err;

  const auto unknown = RunCli({"score", Model(), "--task", "no_such_task"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("not a built-in task (mmlu, ceval"), std::string::npos) << unknown.err;

  std::ofstream(dir + "/bad_spec.json") << R"({"name": "x", "format": "csv", "data": "d.csv",
    "choices": ["a"], "gold_field": "g", "scorer": "ranking"})";
  const auto spec = RunCli({"score", Model(), "--task", dir + "/bad_spec.json"});
  EXPECT_EQ(spec.exit_code, 2);
  EXPECT_NE(spec.err.find("scorer 'ranking' is not one of"), std::string::npos) << spec.err;
}

TEST(ScoreCli, ListsTasksAndPrintsSpecs) {
  const auto list = RunCli({"score", "--list-tasks"});
  EXPECT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_EQ(list.out,
            "mmlu\nceval\narc_easy\nhellaswag\ngsm8k\nwikitext2\ntinystories\ndemo\ndemo_text\n");
  const auto spec = RunCli({"score", "--task", "gsm8k", "--print-spec"});
  EXPECT_EQ(spec.exit_code, 0) << Describe(spec);
  const json j = json::parse(spec.out);
  EXPECT_EQ(j["scorer"], "generation");
  EXPECT_EQ(j["generation"]["extract"], "number");
}

}  // namespace
}  // namespace cratio
