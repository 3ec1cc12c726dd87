// End to end: `cratio perplexity` on the real stories260K model and TinyStories text —
// the text and JSON outputs, stability across threads and kernel ISAs, `--base` against
// itself, and the errors a user can cause.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

constexpr char kModel[] = "models/stories260K.gguf";
constexpr char kText[] = "eval/tinystories/tinystories_sample.txt";
// Scalar reference vs SIMD kernels: f32 sums in another order (see src/eval tests).
constexpr double kIsaRelTol = 1e-4;
// 1 vs 2 threads split rows, not sums: the same numbers up to printing precision.
constexpr double kThreadRelTol = 1e-6;

json RunJson(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"perplexity", testing::DataPath(kModel), "--text",
                                   testing::DataPath(kText), "--ctx", "128", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

// Sets an environment variable for the lifetime of the object (child processes inherit).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(PerplexityCli, JsonReportsAPlausiblePerplexityWithItsError) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const json j = RunJson({"-t", "2"});
  ASSERT_FALSE(j.is_null());
  const double ppl = j["ppl"].get<double>();
  EXPECT_TRUE(std::isfinite(ppl));
  EXPECT_GT(ppl, 1.0);
  EXPECT_LT(ppl, 1000.0);
  EXPECT_GT(j["ppl_se"].get<double>(), 0.0);
  EXPECT_EQ(j["ctx"].get<int64_t>(), 128);
  EXPECT_EQ(j["first_scored_pos"].get<int64_t>(), 64);
  const int64_t chunks = j["num_chunks"].get<int64_t>();
  EXPECT_EQ(chunks, j["num_text_tokens"].get<int64_t>() / 128);
  EXPECT_EQ(j["num_scored_tokens"].get<int64_t>(), chunks * 63);
  EXPECT_EQ(static_cast<int64_t>(j["ppl_after_chunk"].size()), chunks);
  EXPECT_FALSE(j.contains("comparison"));
}

TEST(PerplexityCli, TextOutputEndsWithLlamaStyleFinalEstimate) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const auto r = RunCli({"perplexity", testing::DataPath(kModel), "--text",
                         testing::DataPath(kText), "--ctx", "128", "--chunks", "2"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("[1]"), std::string::npos);
  EXPECT_NE(r.out.find("[2]"), std::string::npos);
  EXPECT_EQ(r.out.find("[3]"), std::string::npos);
  EXPECT_NE(r.out.find("Final estimate: PPL = "), std::string::npos);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no progress bar off a terminal
}

TEST(PerplexityCli, OneAndTwoThreadsAgree) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const json one = RunJson({"-t", "1"});
  const json two = RunJson({"-t", "2"});
  ASSERT_FALSE(one.is_null() || two.is_null());
  const double a = one["ppl"].get<double>(), b = two["ppl"].get<double>();
  EXPECT_NEAR(a, b, kThreadRelTol * a);
}

TEST(PerplexityCli, ReferenceIsaAgreesWithTheDefault) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const json best = RunJson({"-t", "2"});
  json ref;
  {
    ScopedEnv env("CRATIO_ISA", "ref");
    ref = RunJson({"-t", "2"});
  }
  ASSERT_FALSE(best.is_null() || ref.is_null());
  EXPECT_EQ(ref["kernel_isa"].get<std::string>(), "ref");
  const double a = ref["ppl"].get<double>(), b = best["ppl"].get<double>();
  EXPECT_NEAR(a, b, kIsaRelTol * a);
}

TEST(PerplexityCli, BaseEqualToTheModelGivesZeroKlAndFullAgreement) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const json j = RunJson({"--base", testing::DataPath(kModel)});
  ASSERT_TRUE(j.contains("comparison"));
  const json& c = j["comparison"];
  EXPECT_EQ(c["kl"]["mean"].get<double>(), 0.0);
  EXPECT_EQ(c["kl_max"].get<double>(), 0.0);
  EXPECT_EQ(c["same_top"]["mean"].get<double>(), 1.0);
  EXPECT_EQ(c["ppl_ratio"]["mean"].get<double>(), 1.0);
  EXPECT_EQ(c["ppl_base"].get<double>(), j["ppl"].get<double>());
}

TEST(PerplexityCli, MissingTextFlagIsAUsageError) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const auto r = RunCli({"perplexity", testing::DataPath(kModel)});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("--text"), std::string::npos);
}

TEST(PerplexityCli, BaseWithAnotherVocabularyIsBadInputNamingBothFiles) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string tiny = testing::TempDir() + "/tiny.gguf";
  const auto made = RunCli({"make-model", "--preset", "tiny", "-o", tiny});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  const auto r = RunCli({"perplexity", testing::DataPath(kModel), "--text",
                         testing::DataPath(kText), "--ctx", "128", "--base", tiny});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find(tiny), std::string::npos);
  EXPECT_NE(r.err.find("stories260K.gguf"), std::string::npos);
}

}  // namespace
}  // namespace cratio
