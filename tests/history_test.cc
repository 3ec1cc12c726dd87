// `cratio history` end to end: two hand-built results stored with `cratio report --db`,
// then the run list, one base model's variants over time, a stored run re-rendered, two
// runs compared, the default store location, and every bad input (exit 2).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "report/result.h"
#include "report/sample_result_testing.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using ::cratio::testing::Describe;
using ::cratio::testing::ReadWholeFile;
using ::cratio::testing::RunCli;
using ::cratio::testing::TempDir;

// SHA-256 of the three bytes "abc" (FIPS 180-2, appendix B.1): the base "model" file.
constexpr char kAbcSha[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

bool WriteText(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

// Run A: int8 retention 99 % [98, 100], score 3.70 [3.60, 3.80], 1062500 bytes.
report::EvalResult ResultA() {
  report::EvalResult r = report::testing::SampleResult();
  r.base.sha256 = kAbcSha;
  r.environment.fingerprint = "0123456789abcdef0123";
  r.variants[0].overall_retention = {0.99, 0.98, 1.00};
  r.variants[0].overall_score = {3.70, 3.60, 3.80};
  return r;
}

// Run B, a day later on another machine: int8 retention 95 % [94, 96] (disjoint from A),
// score 3.65 [3.50, 3.75] (overlapping), 1000000 bytes.
report::EvalResult ResultB() {
  report::EvalResult r = ResultA();
  r.run.started_at_utc = "2026-11-30T09:00:00Z";
  r.environment.fingerprint = "fedcba9876543210fedc";
  r.variants[0].overall_retention = {0.95, 0.94, 0.96};
  r.variants[0].overall_score = {3.65, 3.50, 3.75};
  r.variants[0].model.accounting.file_bytes = 1000000;
  return r;
}

// Sets (or, with nullopt, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class HistoryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    db_ = dir_ + "/results.db";
    a_json_ = dir_ + "/a.json";
    b_json_ = dir_ + "/b.json";
    ASSERT_TRUE(WriteText(a_json_, report::RenderJson(ResultA())));
    ASSERT_TRUE(WriteText(b_json_, report::RenderJson(ResultB())));
    for (const std::string& json : {a_json_, b_json_}) {
      auto r = RunCli({"report", json, "--format", "json", "-o", dir_ + "/copy.json", "--db", db_});
      ASSERT_EQ(r.exit_code, 0) << Describe(r);
    }
  }

  std::string dir_, db_, a_json_, b_json_;
};

TEST_F(HistoryCli, ListsRuns) {
  auto r = RunCli({"history", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("2 runs stored in " + db_ + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   1  2026-11-29T11:00:00Z  tiny-f32    ba7816bf8f01  01234567            3"
                       "  int8\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("   2  2026-11-30T09:00:00Z  tiny-f32    ba7816bf8f01  fedcba98            3"),
            std::string::npos)
      << r.out;

  auto j = RunCli({"history", "--db", db_, "--json"});
  ASSERT_EQ(j.exit_code, 0) << Describe(j);
  const auto parsed = nlohmann::json::parse(j.out);
  ASSERT_EQ(parsed["runs"].size(), 2u);
  EXPECT_EQ(parsed["runs"][1]["run_id"], 2);
  EXPECT_EQ(parsed["runs"][1]["env_fingerprint"], "fedcba9876543210fedc");
  EXPECT_EQ(parsed["runs"][0]["num_variants"], 3);
}

TEST_F(HistoryCli, VariantHistoryByFileAndByPrefix) {
  const std::string model = dir_ + "/base.bin";
  ASSERT_TRUE(WriteText(model, "abc"));
  for (const std::string& sel : {model, std::string("ba7816bf"), std::string("BA7816BF8F01")}) {
    auto r = RunCli({"history", "--db", db_, "--model", sel});
    ASSERT_EQ(r.exit_code, 0) << sel << "\n" << Describe(r);
    EXPECT_NE(r.out.find("base model tiny-f32 (sha256 " + std::string(kAbcSha) + "): 2 runs\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\nint8 (q8_0): 2 runs\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("     2  2026-11-30T09:00:00Z         1000000    95.00 %    3.65  yes"),
              std::string::npos)
        << r.out;
    // 99 % and 95 %: spread 4 points; the fingerprint changed from run 1 to run 2.
    EXPECT_NE(r.out.find("  stability: retention min 95.00 % · max 99.00 % · spread 4.00 pp over 2 "
                         "runs; environment changed 1 time between runs\n"),
              std::string::npos)
        << r.out;
  }
  auto j = RunCli({"history", "--db", db_, "--model", "ba7816", "--json"});
  ASSERT_EQ(j.exit_code, 0) << Describe(j);
  const auto parsed = nlohmann::json::parse(j.out);
  EXPECT_EQ(parsed["base_sha256"], kAbcSha);
  ASSERT_EQ(parsed["variants"].size(), 3u);
  const auto& int8 = parsed["variants"][0];
  EXPECT_EQ(int8["name"], "int8");
  EXPECT_DOUBLE_EQ(int8["runs"][0]["file_bytes"].get<double>(), 1062500);
  EXPECT_DOUBLE_EQ(int8["runs"][1]["overall_retention"].get<double>(), 0.95);
  EXPECT_NEAR(int8["stability"]["retention_spread"].get<double>(), 0.04, 1e-12);
  EXPECT_EQ(int8["stability"]["num_env_changes"], 1);
}

TEST_F(HistoryCli, RunIsRenderedLikeReport) {
  auto stored = RunCli({"history", "--db", db_, "--run", "2"});
  auto direct = RunCli({"report", b_json_});
  ASSERT_EQ(stored.exit_code, 0) << Describe(stored);
  ASSERT_EQ(direct.exit_code, 0) << Describe(direct);
  EXPECT_EQ(stored.out, direct.out);
  auto zh_stored = RunCli({"history", "--db", db_, "--run", "1", "--lang", "zh"});
  auto zh_direct = RunCli({"report", a_json_, "--lang", "zh"});
  ASSERT_EQ(zh_stored.exit_code, 0) << Describe(zh_stored);
  EXPECT_EQ(zh_stored.out, zh_direct.out);
  auto json = RunCli({"history", "--db", db_, "--run", "2", "--json"});
  ASSERT_EQ(json.exit_code, 0) << Describe(json);
  EXPECT_EQ(json.out, ReadWholeFile(b_json_));
}

TEST_F(HistoryCli, ComparesTwoRuns) {
  auto r = RunCli({"history", "--db", db_, "--compare", "1", "2"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("environment: changed 01234567 → fedcba98\n"), std::string::npos) << r.out;
  // 95 − 99 = −4 points, intervals [98, 100] and [94, 96] do not overlap.
  EXPECT_NE(r.out.find("  retention   99.00 % [98.00, 100.00]     95.00 % [94.00, 96.00]      "
                       "-4.00 pp  ! beyond CI\n"),
            std::string::npos)
      << r.out;
  // 3.65 − 3.70 = −0.05, intervals overlap: no flag.
  EXPECT_NE(r.out.find("  score       3.70 [3.60, 3.80]           3.65 [3.50, 3.75]           "
                       "-0.05\n"),
            std::string::npos)
      << r.out;
  // 1000000 − 1062500 = −62500.
  EXPECT_NE(r.out.find("  file bytes  1062500                     1000000                     "
                       "-62500\n"),
            std::string::npos)
      << r.out;

  auto j = RunCli({"history", "--db", db_, "--compare", "1", "2", "--json"});
  ASSERT_EQ(j.exit_code, 0) << Describe(j);
  const auto parsed = nlohmann::json::parse(j.out);
  const auto& int8 = parsed["variants"][0];
  EXPECT_NEAR(int8["retention_diff"].get<double>(), -0.04, 1e-12);
  EXPECT_DOUBLE_EQ(int8["file_bytes_diff"].get<double>(), -62500);
  EXPECT_EQ(int8["retention_beyond_ci"], true);
  EXPECT_EQ(int8["score_beyond_ci"], false);
  // int4 is the same in both runs: difference 0, no flag.
  EXPECT_DOUBLE_EQ(parsed["variants"][1]["retention_diff"].get<double>(), 0.0);
  EXPECT_EQ(parsed["variants"][1]["retention_beyond_ci"], false);
}

TEST_F(HistoryCli, BadInputExitsTwoWithOneMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string missing = dir_ + "/none/missing.db";
  const std::string junk = dir_ + "/junk.db";
  ASSERT_TRUE(WriteText(junk, std::string(300, 'j')));
  const std::vector<Case> cases = {
      {{"history", "--db", missing}, "results store '" + missing + "': no such file"},
      {{"history", "--db", junk}, "results store '" + junk + "': not a SQLite database"},
      {{"history", "--db", db_, "--run", "9"}, "there is no run 9"},
      {{"history", "--db", db_, "--compare", "1", "7"}, "there is no run 7"},
      {{"history", "--db", db_, "--model", "xyz!"},
       "'xyz!' is not a SHA-256 prefix (expected 4 to 64 hex digits, found 4 characters with a "
       "non-hex one)"},
      {{"history", "--db", db_, "--model", "ffff"},
       "no stored run has a base model with SHA-256 ffff"},
      {{"history", "--db", db_, "--run", "1", "--model", "ba78"},
       "give at most one of --model, --run and --compare"},
      {{"history", "--db", db_, "--run", "1", "--lang", "fr"}, "fr"},
  };
  for (const Case& c : cases) {
    auto r = RunCli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << "\n" << Describe(r);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << Describe(r);
    EXPECT_TRUE(r.out.empty()) << Describe(r);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none"));  // reading created nothing
  // A model file that was never evaluated names its hash.
  const std::string other = dir_ + "/other.bin";
  ASSERT_TRUE(WriteText(other, ""));
  auto r = RunCli({"history", "--db", db_, "--model", other});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  // SHA-256 of the empty string (FIPS 180-2 test vector).
  EXPECT_NE(r.err.find("(sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)"
                       ": no stored run has this base model"),
            std::string::npos)
      << Describe(r);
}

TEST(HistoryDefaultStore, BareDbFlagAndHistoryUseTheEnvironment) {
  const std::string dir = TempDir();
  const std::string json = dir + "/a.json";
  ASSERT_TRUE(WriteText(json, report::RenderJson(ResultA())));
  {
    // $CRATIO_DB wins; its directory is created on write.
    const std::string db = dir + "/deep/er/store.db";
    ScopedEnv env("CRATIO_DB", db);
    auto w = RunCli({"report", json, "--db"});
    ASSERT_EQ(w.exit_code, 0) << Describe(w);
    EXPECT_NE(w.err.find("stored as run 1 in " + db), std::string::npos) << Describe(w);
    auto r = RunCli({"history"});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_NE(r.out.find("1 run stored in " + db + "\n"), std::string::npos) << r.out;
  }
  {
    // Without $CRATIO_DB: $XDG_CACHE_HOME/cratio/results.db; reading it creates nothing.
    ScopedEnv no_db("CRATIO_DB", std::nullopt);
    ScopedEnv xdg("XDG_CACHE_HOME", dir + "/xdg");
    auto r = RunCli({"history"});
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find("'" + dir + "/xdg/cratio/results.db': no such file"), std::string::npos)
        << Describe(r);
    EXPECT_FALSE(std::filesystem::exists(dir + "/xdg"));
    // Without --db, report writes no store at all.
    auto plain = RunCli({"report", json});
    ASSERT_EQ(plain.exit_code, 0) << Describe(plain);
    EXPECT_FALSE(std::filesystem::exists(dir + "/xdg"));
  }
  {
    // Neither: $HOME/.cache/cratio/results.db.
    ScopedEnv no_db("CRATIO_DB", std::nullopt);
    ScopedEnv no_xdg("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", dir + "/home");
    auto w = RunCli({"report", json, "--db"});
    ASSERT_EQ(w.exit_code, 0) << Describe(w);
    EXPECT_TRUE(std::filesystem::exists(dir + "/home/.cache/cratio/results.db"));
  }
}

}  // namespace
}  // namespace cratio
