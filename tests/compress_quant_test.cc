// End to end: `cratio compress` quantization on the real stories260K model and a `small`
// random model — every type and preset writes a GGUF that loads and runs, KL divergence to
// the original orders by bits, calibration lowers it, provenance is recorded, and bad
// requests fail with exit 2 and leave no file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "io/model_file.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

constexpr char kModel[] = "models/stories260K.gguf";
constexpr char kText[] = "eval/tinystories/tinystories_sample.txt";
constexpr char kWiki[] = "eval/wikitext-2/test.txt";

std::string Compress(const std::string& in, const std::string& out, const std::string& recipe,
                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"compress", in, "-o", out, "-m", recipe, "--json", "-t", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.out;
}

// Mean KL(original || compressed) per token on TinyStories, ctx 128.
double KlToBase(const std::string& model, const std::string& base) {
  const auto r = RunCli({"perplexity", model, "--text", testing::DataPath(kText), "--ctx", "128",
                         "--base", base, "--json", "-t", "2"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  if (r.exit_code != 0) return -1.0;
  return json::parse(r.out)["comparison"]["kl"]["mean"].get<double>();
}

TEST(CompressQuant, EveryTypeAndPresetWritesAModelThatRuns) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string dir = testing::TempDir();
  for (const char* recipe : {"f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k",
                             "q4_k", "q5_k", "q6_k", "q3_k_m", "q4_k_m", "q5_k_m"}) {
    const std::string out = dir + "/" + recipe + ".gguf";
    const json report = json::parse(Compress(testing::DataPath(kModel), out, recipe));
    EXPECT_EQ(report["recipe"], recipe);
    EXPECT_LT(report["bytes_after"].get<uint64_t>(), report["bytes_before"].get<uint64_t>());
    auto model = ReadModelFile(out);
    ASSERT_TRUE(model.ok()) << recipe << ": " << model.status().message();
    EXPECT_EQ(model->metadata.GetString("cratio.compression.recipe"), recipe);
    EXPECT_EQ(model->metadata.GetString("cratio.compression.source_sha256")->size(), 64u);
    const double kl = KlToBase(out, testing::DataPath(kModel));
    EXPECT_GE(kl, 0.0) << recipe;
    EXPECT_LT(kl, 0.5) << recipe;
  }
}

TEST(CompressQuant, KlDivergenceRisesAsBitsFallOnStories260KAndASmallModel) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string dir = testing::TempDir();
  // stories260K has 64-wide rows, so its k-quants fall back; `small` (dim 256) fits them.
  const std::string small = dir + "/small.gguf";
  const auto made = RunCli({"make-model", "--preset", "small", "-o", small, "--vocab-from",
                            testing::DataPath(kModel)});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  for (const std::string& base : {testing::DataPath(kModel), small}) {
    double last = -1.0;
    for (const char* recipe : {"q8_0", "q4_k_m", "q3_k_m", "q2_k"}) {
      const std::string out = dir + "/" + recipe + ".gguf";
      std::filesystem::remove(out);
      Compress(base, out, recipe);
      const double kl = KlToBase(out, base);
      EXPECT_GT(kl, last) << base << " " << recipe;
      last = kl;
    }
  }
}

TEST(CompressQuant, CalibrationOnWikitextLowersKlOnTinyStories) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  CRATIO_REQUIRE_DATA_FILE(kWiki);
  const std::string dir = testing::TempDir();
  // Calibrate on the first half of wikitext-2 test (capped by --calib-chunks), evaluate on
  // TinyStories: the gain must come from the weights, not from seeing the test text.
  const std::string calib = dir + "/wiki_half.txt";
  {
    const std::string wiki = testing::ReadWholeFile(testing::DataPath(kWiki));
    std::ofstream(calib, std::ios::binary) << wiki.substr(0, wiki.size() / 2);
  }
  for (const char* recipe : {"q4_k", "q3_k", "q2_k"}) {
    const std::string plain = dir + "/" + recipe + "_plain.gguf";
    const std::string weighted = dir + "/" + recipe + "_calib.gguf";
    Compress(testing::DataPath(kModel), plain, recipe);
    const json report = json::parse(Compress(testing::DataPath(kModel), weighted, recipe,
                                             {"--calib", calib, "--calib-chunks", "8"}));
    EXPECT_EQ(report["provenance"]["calib_sha256"].get<std::string>().size(), 64u);
    EXPECT_GT(report["provenance"]["calib_bytes"].get<int64_t>(), 100000);
    const double kl_plain = KlToBase(plain, testing::DataPath(kModel));
    const double kl_calib = KlToBase(weighted, testing::DataPath(kModel));
    EXPECT_LT(kl_calib, 0.97 * kl_plain) << recipe;
    auto model = ReadModelFile(weighted);
    ASSERT_TRUE(model.ok());
    EXPECT_EQ(model->metadata.GetInt("cratio.compression.calib_bytes"),
              report["provenance"]["calib_bytes"].get<int64_t>());
  }
}

TEST(CompressQuant, BadRecipesAndImpossibleRequestsExitTwoAndWriteNothing) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = testing::TempDir();
  const std::string out = dir + "/out.gguf";
  struct Case {
    std::vector<std::string> extra;
    std::string recipe;
    std::string expect_in_message;
  };
  const Case cases[] = {
      {{}, "q9_z", "q9_z"},
      {{}, "q4_k+", "empty step"},
      {{}, "", "empty recipe"},
      {{"--tensor-type", "blk.*.nothing=q8_0"}, "q4_0", "matches no tensor"},
      {{"--tensor-type", "blk.*=q7_x"}, "q4_0", "q7_x"},
      {{"--calib", dir + "/missing.txt"}, "q4_k", "missing.txt"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"compress", testing::DataPath(kModel), "-o", out, "-m",
                                     c.recipe};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find(c.expect_in_message), std::string::npos) << Describe(r);
    EXPECT_FALSE(std::filesystem::exists(out)) << c.recipe;
  }
  // The input itself, and an existing file without --force.
  const auto self = RunCli({"compress", testing::DataPath(kModel), "-o", testing::DataPath(kModel),
                            "-m", "q8_0"});
  EXPECT_EQ(self.exit_code, 2) << Describe(self);
  std::ofstream(out) << "keep me";
  const auto exists = RunCli({"compress", testing::DataPath(kModel), "-o", out, "-m", "q8_0"});
  EXPECT_EQ(exists.exit_code, 2) << Describe(exists);
  EXPECT_EQ(testing::ReadWholeFile(out), "keep me");
}

TEST(CompressQuant, TextReportShowsFallbacksAndTotals) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = testing::TempDir();
  const auto r = RunCli({"compress", testing::DataPath(kModel), "-o", dir + "/m.gguf", "-m",
                         "q4_k_m", "--output-type", "q8_0"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("stored as q5_0"), std::string::npos);
  EXPECT_NE(r.out.find("bits/weight"), std::string::npos);
  EXPECT_NE(r.out.find("recipe q4_k_m"), std::string::npos);
}

}  // namespace
}  // namespace cratio
