// End-to-end tests of `cratio eval` and `cratio demo` on stories260K: every reported
// figure checked against the JSON and against independent sources (file sizes on disk,
// ratios recomputed here), the text layout in both languages, constraint exit codes,
// resume after a SIGKILL, and bad arguments.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/tasks/builtin_data.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::CliResult;
using testing::Describe;
using testing::ReadWholeFile;
using testing::RunCli;
namespace fs = std::filesystem;

constexpr const char* kModel = "models/stories260K.gguf";

// A fresh path under this process's own directory (testing::TempDir() is per test and
// needs a running test, which SetUpTestSuite is not).
std::string Fresh(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / ("cratio_eval_test_" + std::to_string(::getpid()));
  fs::create_directories(root);
  const std::string d = (root / name).string();
  fs::remove_all(d);
  return d;
}

json ReadJson(const std::string& path) {
  return json::parse(ReadWholeFile(path), nullptr, false);
}

double Num(const json& j) { return j.is_number() ? j.get<double>() : NAN; }

// One full eval shared by the tests that read its outputs: two recipe variants and one
// given file, the built-in task and text, a short benchmark and the memory probe.
class EvalRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(testing::DataPath(kModel))) return;
    dir_ = new std::string(Fresh("shared"));
    fs::create_directories(*dir_);
    q4_ = new std::string(*dir_ + "/given-q4_0.gguf");
    const CliResult c = RunCli({"convert", testing::DataPath(kModel), *q4_, "--dtype", "q4_0"});
    ASSERT_EQ(c.exit_code, 0) << Describe(c);
    run_ = new CliResult(RunCli({"eval", "--base", testing::DataPath(kModel), "--recipe",
                                 "int8=q8_0", "--recipe", "prune-structured:0.5", "--variant",
                                 *q4_, "--tasks", "demo", "--ppl-text", "builtin:demo",
                                 "--chunks", "4", "--bench", "p16-g8", "--bench-iters", "3",
                                 "--bench-max-time", "5", "-o", *dir_ + "/out", "--db",
                                 *dir_ + "/results.db", "-t", "2"}));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete q4_;
    delete dir_;
    run_ = nullptr;
  }
  void SetUp() override {
    CRATIO_REQUIRE_DATA_FILE(kModel);
    ASSERT_NE(run_, nullptr);
    ASSERT_EQ(run_->exit_code, 0) << Describe(*run_);
  }
  static std::string Out(const std::string& f) { return *dir_ + "/out/" + f; }

  static std::string* dir_;
  static std::string* q4_;
  static CliResult* run_;
};
std::string* EvalRun::dir_ = nullptr;
std::string* EvalRun::q4_ = nullptr;
CliResult* EvalRun::run_ = nullptr;

TEST_F(EvalRun, RatiosAndScoresRecomputeFromRawNumbers) {
  const json r = ReadJson(Out("result.json"));
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["schema"], "cratio.eval/1");
  const double base_bytes = static_cast<double>(fs::file_size(testing::DataPath(kModel)));
  EXPECT_EQ(Num(r["base"]["accounting"]["file_bytes"]), base_bytes);
  ASSERT_EQ(r["variants"].size(), 3u);
  // Given files first, then recipes, each in command-line order.
  const std::vector<std::string> names = {"given-q4_0", "int8", "prune-structured-0.5"};
  const std::vector<std::string> files = {*q4_, Out("variants/int8.gguf"),
                                          Out("variants/prune-structured-0.5.gguf")};
  for (size_t i = 0; i < 3; ++i) {
    const json& v = r["variants"][i];
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(v["model"]["name"], names[i]);
    // File size: the accounting equals the bytes on disk.
    const double bytes = static_cast<double>(fs::file_size(files[i]));
    EXPECT_EQ(Num(v["model"]["accounting"]["file_bytes"]), bytes);
    // Every ratio is compressed / original and every factor its inverse.
    ASSERT_EQ(v["ratios"].size(), 6u);
    for (const json& d : v["ratios"]) {
      const double o = Num(d["original"]), c = Num(d["compressed"]);
      ASSERT_TRUE(std::isfinite(o) && std::isfinite(c)) << d.dump();
      EXPECT_NEAR(Num(d["ratio"]), c / o, 1e-12) << d.dump();
      EXPECT_NEAR(Num(d["factor"]), o / c, 1e-9) << d.dump();
      const std::string key = d["dimension"];
      if (key == "file_bytes") {
        EXPECT_EQ(o, base_bytes);
        EXPECT_EQ(c, bytes);
      }
    }
    // Task retention = variant / base on the identical 48 items.
    ASSERT_EQ(v["tasks"].size(), 1u);
    const json& t = v["tasks"][0];
    EXPECT_EQ(t["task"], "demo");
    EXPECT_EQ(t["num_items"], 48);
    const double base_acc = Num(t["base"]["value"]), var_acc = Num(t["variant"]["value"]);
    EXPECT_NEAR(base_acc, 39.0 / 48.0, 1e-12);  // stories260K gets 39 of the 48 right
    EXPECT_NEAR(Num(t["retention"]["value"]), var_acc / base_acc, 1e-9);
    EXPECT_LE(Num(t["retention"]["ci_low"]), Num(t["retention"]["value"]));
    EXPECT_GE(Num(t["retention"]["ci_high"]), Num(t["retention"]["value"]));
    // Flips: right→wrong − wrong→right = (base − variant) correct counts.
    const double net = Num(t["flips_right_to_wrong"]) - Num(t["flips_wrong_to_right"]);
    EXPECT_NEAR(net, (base_acc - var_acc) * 48.0, 1e-9);
    // Efficiency per dimension = overall retention / that dimension's ratio.
    const double retention = Num(v["overall_retention"]["value"]);
    EXPECT_NEAR(retention, Num(t["retention"]["value"]), 1e-12);  // one task
    for (const json& e : v["efficiency"]) {
      if (e["dimension"] == "latency") continue;
      EXPECT_NEAR(Num(e["score"]["value"]), retention / Num(e["ratio"]), 1e-9) << e.dump();
    }
    // Perplexity against the base on the built-in text; ratio = variant / base PPL.
    const json& p = v["perplexity"];
    ASSERT_TRUE(p.is_object());
    EXPECT_NEAR(Num(p["ppl_ratio"]["value"]),
                Num(p["variant_ppl"]["value"]) / Num(p["base_ppl"]["value"]), 1e-6);
    EXPECT_GE(Num(p["kl_nats"]["value"]), 0.0);
    // The benchmark: base / variant latency with an interval around it.
    ASSERT_EQ(v["scenarios"].size(), 1u);
    EXPECT_EQ(v["scenarios"][0]["scenario"], "p16-g8");
    EXPECT_GT(Num(v["scenarios"][0]["speedup"]["value"]), 0.0);
    EXPECT_GT(Num(v["resources"]["peak_rss_bytes"]), 0.0);
    EXPECT_EQ(Num(v["model"]["accounting"]["peak_memory_bytes"]),
              Num(v["resources"]["peak_rss_bytes"]));
    EXPECT_TRUE(v["fake_compression"]["ok"].get<bool>()) << v["fake_compression"].dump();
  }
  // q8_0 loses little, 50 % structured pruning loses more: the ordering a user expects.
  EXPECT_GT(Num(r["variants"][1]["overall_retention"]["value"]),
            Num(r["variants"][2]["overall_retention"]["value"]));
  // The recipe variant made here has per-tensor errors; the given file does not.
  EXPECT_FALSE(r["variants"][1]["layer_errors"].empty());
  EXPECT_TRUE(r["variants"][0]["layer_errors"].empty());
}

TEST_F(EvalRun, TextReportInBothLanguagesMatchesTheJson) {
  // stdout is the English text report, the same as report.txt and `cratio report`.
  EXPECT_EQ(run_->out, ReadWholeFile(Out("report.txt")));
  for (const char* s : {"Variant int8", "├─ Compression ratios", "├─ Performance retention",
                        "├─ Inference efficiency", "└─ Overall verdict", "Fake-compression"}) {
    EXPECT_NE(run_->out.find(s), std::string::npos) << s;
  }
  const CliResult zh = RunCli({"report", Out("result.json"), "--lang", "zh"});
  ASSERT_EQ(zh.exit_code, 0) << Describe(zh);
  for (const char* s : {"压缩比", "总体保持率", "总体结论"}) {
    EXPECT_NE(zh.out.find(s), std::string::npos) << s;
  }
  const CliResult en = RunCli({"report", Out("result.json")});
  EXPECT_EQ(en.out, run_->out);
  // The retention printed for int8 is the JSON's, to one decimal.
  const json r = ReadJson(Out("result.json"));
  const double ret = Num(r["variants"][1]["tasks"][0]["retention"]["value"]);
  char buf[32];
  std::snprintf(buf, sizeof buf, "retention %.1f %%", 100 * ret);
  EXPECT_NE(run_->out.find(buf), std::string::npos) << buf;
}

TEST_F(EvalRun, WritesEveryReportAndStoresTheRun) {
  EXPECT_NE(ReadWholeFile(Out("report.md")).find("int8"), std::string::npos);
  EXPECT_NE(ReadWholeFile(Out("report.csv")).find("int8"), std::string::npos);
  const std::string html = ReadWholeFile(Out("report.html"));
  EXPECT_NE(html.find("<svg"), std::string::npos);
  // Self-contained: nothing is fetched (SVG's xmlns is a name, not a fetch).
  for (const char* fetch : {"src=\"http", "href=\"http", "@import", "url(http"}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  }
  const CliResult h = RunCli({"history", "--db", *dir_ + "/results.db", "--json"});
  ASSERT_EQ(h.exit_code, 0) << Describe(h);
  const json runs = json::parse(h.out, nullptr, false);
  ASSERT_FALSE(runs.is_discarded()) << h.out;
  EXPECT_NE(h.out.find("stories260K"), std::string::npos) << h.out;
}

// Quick evals (no benchmark, no store) for the rest.
std::vector<std::string> QuickEval(const std::string& dir) {
  return {"eval", "--base", testing::DataPath(kModel), "--recipe", "int8=q8_0",
          "--recipe", "half=prune-structured:0.5", "--tasks", "demo", "--bench", "none",
          "-o", dir, "-t", "2", "-q"};
}

TEST(EvalCli, RequirementsPassOrExitThree) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = Fresh("require");
  std::vector<std::string> pass = QuickEval(dir);
  pass.insert(pass.end(), {"--no-db", "--require", "retention.overall>=0.9"});
  const CliResult ok = RunCli(pass);
  ASSERT_EQ(ok.exit_code, 0) << Describe(ok);
  json r = ReadJson(dir + "/result.json");
  EXPECT_EQ(r["verdict"]["best_variant"], "int8");  // half loses far more than 10 %
  EXPECT_FALSE(r["verdict"]["constraint_failed"].get<bool>());
  EXPECT_TRUE(r["variants"][0]["passes_all_constraints"].get<bool>());
  EXPECT_FALSE(r["variants"][1]["passes_all_constraints"].get<bool>());

  std::vector<std::string> fail = QuickEval(dir);
  fail.insert(fail.end(), {"--no-db", "--require", "retention.overall>=0.9,size.file_mb<=0.01"});
  const CliResult no = RunCli(fail);
  EXPECT_EQ(no.exit_code, 3) << Describe(no);
  // The report is complete and says so.
  r = ReadJson(dir + "/result.json");
  EXPECT_TRUE(r["verdict"]["constraint_failed"].get<bool>());
  EXPECT_EQ(r["verdict"]["best_variant"], "");
  EXPECT_NE(no.out.find("✗"), std::string::npos);
}

TEST(EvalCli, ResumesAfterAKillWithoutRedoingOrLosingItems) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = Fresh("resume"), db = dir + ".db";
  fs::remove(db);
  std::vector<std::string> args = QuickEval(dir);
  args.insert(args.end(), {"--db", db, "--item-block", "16", "--ppl-text", "builtin:demo",
                           "--chunks", "3"});
  // Killed (SIGKILL) right after its 5th unit: both compressions and 3 of the base's
  // item blocks are committed.
  CliResult killed;
  {
    const testing::ScopedEnvVar kill("CRATIO_FAULT_KILL_AFTER_UNITS", "5");
    killed = RunCli(args);
  }
  ASSERT_EQ(killed.exit_code, 128 + 9) << Describe(killed);
  EXPECT_FALSE(fs::exists(dir + "/result.json"));  // nothing half-written

  const CliResult resumed = RunCli(args);
  ASSERT_EQ(resumed.exit_code, 0) << Describe(resumed);
  // 2 variants + 3 blocks of 48 items for each of 3 models + 2 perplexities = 13 units:
  // 5 read back, 8 measured.
  EXPECT_NE(resumed.err.find("8 units measured, 5 read back"), std::string::npos) << resumed.err;
  const json a = ReadJson(dir + "/result.json");

  // An uninterrupted run gives the same numbers.
  const std::string dir2 = Fresh("resume_ref");
  std::vector<std::string> ref = QuickEval(dir2);
  ref.insert(ref.end(), {"--no-db", "--item-block", "16", "--ppl-text", "builtin:demo",
                         "--chunks", "3"});
  const CliResult straight = RunCli(ref);
  ASSERT_EQ(straight.exit_code, 0) << Describe(straight);
  const json b = ReadJson(dir2 + "/result.json");
  ASSERT_EQ(a["variants"].size(), b["variants"].size());
  for (size_t i = 0; i < a["variants"].size(); ++i) {
    EXPECT_EQ(a["variants"][i]["tasks"], b["variants"][i]["tasks"]);
    EXPECT_EQ(a["variants"][i]["perplexity"], b["variants"][i]["perplexity"]);
    EXPECT_EQ(a["variants"][i]["tasks"][0]["num_items"], 48);
  }
  // Finished: the checkpoints are gone, the run is in the history.
  const CliResult h = RunCli({"history", "--db", db});
  EXPECT_EQ(h.exit_code, 0) << Describe(h);
}

TEST(EvalCli, BadArgumentsExitTwoAndWriteNothing) {
  const std::string base = testing::DataPath(kModel);
  const std::string dir = Fresh("bad");
  const std::string file = Fresh("not_a_dir");
  { std::ofstream(file) << "x"; }
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--base", base, "--tasks", "demo"}, "nothing to compare"},
      {{"--base", base, "--recipe", "q9_9", "--tasks", "demo"}, "variant 'q9_9'"},
      {{"--base", dir + "/missing.gguf", "--recipe", "q8_0", "--tasks", "demo"}, "no such file"},
      {{"--base", base, "--recipe", "q8_0", "--tasks", "demo", "--bench", "p0-g4"}, "--bench"},
      {{"--base", base, "--recipe", "a=q8_0", "--recipe", "a=q4_0", "--tasks", "demo"},
       "two variants are named 'a'"},
      {{"--base", base, "--recipe", "q8_0", "--tasks", "no_such_task"}, "no_such_task"},
      {{"--base", base, "--recipe", "q8_0"}, "no quality measure"},
      {{"--base", base, "--recipe", "q8_0", "--tasks", "demo", "--require", "retention.demo>>1"},
       "--require"},
      {{"--base", base, "--variant", dir + "/nope.gguf", "--tasks", "demo"}, "nope.gguf"},
      {{"--base", base, "--recipe", "q8_0", "--tasks", "demo", "--lang", "fr"}, "fr"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"eval"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"-o", dir, "--no-db", "--bench", "none"});
    if (c.message == "--bench") args.erase(args.end() - 2, args.end());
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.message << "\n" << Describe(r);
    EXPECT_FALSE(fs::exists(dir + "/result.json")) << c.message;
  }
  const CliResult r = RunCli({"eval", "--base", base, "--recipe", "q8_0", "--tasks", "demo",
                              "-o", file, "--no-db"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
}

TEST(EvalCli, FlagsCalibrationTextThatOverlapsTheEvaluation) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = Fresh("overlap");
  fs::create_directories(dir);
  // Calibrating on the very text that is evaluated: the check must name it.
  const std::string leaked = dir + "/leaked.txt";
  { std::ofstream(leaked) << BuiltinDemoText(); }
  // Text sharing no 8-token run with the task or the story text.
  const std::string clean = dir + "/clean.txt";
  {
    std::ofstream out(clean);
    for (int i = 0; i < 200; ++i) out << "quartz " << i << " zebra lattice " << i * 7 << ".\n";
  }
  for (const auto& [calib, expect_overlap] : {std::pair{leaked, true}, std::pair{clean, false}}) {
    const CliResult r = RunCli({"eval", "--base", testing::DataPath(kModel), "--recipe", "q4_0",
                                "--calib", calib, "--tasks", "demo", "--ppl-text", "builtin:demo",
                                "--chunks", "2", "--bench", "none", "-o", dir + "/out", "--no-db",
                                "--force", "-q", "-t", "2"});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    const json o = ReadJson(dir + "/out/result.json")["variants"][0]["calibration_overlap"];
    ASSERT_TRUE(o.is_object()) << calib;
    EXPECT_EQ(o["num_items"].get<int64_t>() + o["num_items_too_short"].get<int64_t>(), 48 + 1);
    if (expect_overlap) {
      EXPECT_GE(o["num_items_overlapping"].get<int64_t>(), 1);
      const auto ids = o["overlapping_ids"].get<std::vector<std::string>>();
      EXPECT_NE(std::find(ids.begin(), ids.end(), "ppl-text"), ids.end()) << o.dump();
    } else {
      EXPECT_EQ(o["num_items_overlapping"].get<int64_t>(), 0) << o.dump();
    }
  }
}

TEST(DemoCli, RunsTheClassicCompressionsOnStories260K) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = Fresh("demo");
  // The demo looks for stories260K under $CRATIO_DATA, else ../shared/data from the
  // working directory, which is not the tests' data directory under ctest.
  const testing::ScopedEnvVar data("CRATIO_DATA", testing::DataDir());
  const CliResult r = RunCli({"demo", "-o", dir, "--no-db", "-t", "2", "-q"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ReadJson(dir + "/result.json");
  ASSERT_EQ(j["variants"].size(), 6u);
  std::vector<std::string> recipes;
  for (const json& v : j["variants"]) recipes.push_back(v["model"]["recipe"]);
  EXPECT_EQ(recipes, (std::vector<std::string>{"q8_0", "q4_0", "prune-structured:0.5",
                                               "prune-unstructured:0.7:per-row",
                                               "lowrank:ratio=0.5", "prune-structured:0.3+q4_0"}));
  EXPECT_NE(j["base"]["path"].get<std::string>().find("stories260K"), std::string::npos);
  // 70 % unstructured pruning: about 30 % of the linear weights stay non-zero.
  const json& sparse = j["variants"][3]["model"]["accounting"];
  EXPECT_LT(Num(sparse["params_nonzero"]), 0.5 * Num(sparse["params_total"]));
  EXPECT_TRUE(fs::exists(dir + "/report.html"));
  EXPECT_NE(r.out.find("Variant prune30+int4"), std::string::npos);
}

TEST(DemoCli, FallsBackToABuiltInModelWithoutData) {
  const std::string dir = Fresh("demo_synthetic");
  const testing::ScopedEnvVar data("CRATIO_DATA", "/nonexistent/cratio-data");
  const CliResult r = RunCli({"demo", "-o", dir, "--no-db", "-t", "2", "-q"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("built-in random model"), std::string::npos) << r.err;
  const json j = ReadJson(dir + "/result.json");
  EXPECT_EQ(j["variants"].size(), 6u);
  EXPECT_TRUE(fs::exists(dir + "/synthetic-tiny.gguf"));
}

}  // namespace
}  // namespace cratio
