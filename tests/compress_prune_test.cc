// End to end on stories260K: `cratio compress` with pruning and low-rank recipes, checked
// through `cratio info` (non-zero parameters, FLOPs) and `cratio perplexity --base` (KL
// divergence to the original grows with sparsity).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunCli;

constexpr char kModel[] = "models/stories260K.gguf";
constexpr char kText[] = "eval/tinystories/tinystories_sample.txt";

// Compresses stories260K with `recipe` into dir/name.gguf and returns the path.
std::string Compress(const std::string& dir, const std::string& name, const std::string& recipe) {
  const std::string out = dir + "/" + name + ".gguf";
  const auto r = RunCli({"compress", testing::DataPath(kModel), "-o", out, "--method", recipe});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return out;
}

json Info(const std::string& path) {
  const auto r = RunCli({"info", path, "--json"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

double MeanKl(const std::string& path) {
  const auto r = RunCli({"perplexity", path, "--base", testing::DataPath(kModel), "--text",
                         testing::DataPath(kText), "--ctx", "128", "--chunks", "8", "--json"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  if (r.exit_code != 0) return -1.0;
  return json::parse(r.out)["comparison"]["kl"]["mean"].get<double>();
}

TEST(CompressPrune, KlToTheOriginalGrowsWithUnstructuredSparsity) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string dir = testing::TempDir();
  const json base = Info(testing::DataPath(kModel));
  std::vector<double> kl;
  for (const char* s : {"0.3", "0.5", "0.7"}) {
    const std::string path = Compress(dir, std::string("s") + s, std::string("prune-unstructured:") + s);
    const json info = Info(path);
    // Same parameter count, fewer non-zeros; linear-layer zeros lower the sparse FLOPs.
    EXPECT_EQ(info["params_total"], base["params_total"]);
    EXPECT_LT(info["params_nonzero"].get<int64_t>(), base["params_nonzero"].get<int64_t>());
    EXPECT_LT(info["flops_per_token_sparse"].get<int64_t>(), info["flops_per_token"].get<int64_t>());
    kl.push_back(MeanKl(path));
  }
  ASSERT_EQ(kl.size(), 3u);
  EXPECT_GT(kl[0], 0.0);
  EXPECT_LT(kl[0], kl[1]);
  EXPECT_LT(kl[1], kl[2]);
}

TEST(CompressPrune, StructuredPrunedStoriesRunsWithPerLayerSizes) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string dir = testing::TempDir();
  const std::string path = Compress(dir, "structured", "prune-structured:0.5");
  const json base = Info(testing::DataPath(kModel));
  const json info = Info(path);
  EXPECT_LT(info["params_total"].get<int64_t>(), base["params_total"].get<int64_t>());
  EXPECT_LT(info["flops_per_token"].get<int64_t>(), base["flops_per_token"].get<int64_t>());
  const double kl = MeanKl(path);
  EXPECT_GT(kl, 0.0);
  EXPECT_TRUE(std::isfinite(kl));
  const auto gen = RunCli({"generate", path, "-p", "Once upon a time", "-n", "8"});
  EXPECT_EQ(gen.exit_code, 0) << Describe(gen);
}

TEST(CompressPrune, TwoFourAndLowRankRecipesRunAndCountTheirParameters) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  CRATIO_REQUIRE_DATA_FILE(kText);
  const std::string dir = testing::TempDir();
  const json base = Info(testing::DataPath(kModel));
  const std::string two_four = Compress(dir, "two_four", "prune-2:4");
  const json tf = Info(two_four);
  EXPECT_LT(tf["params_nonzero"].get<int64_t>(), base["params_nonzero"].get<int64_t>());
  EXPECT_GT(MeanKl(two_four), 0.0);
  const std::string lowrank = Compress(dir, "lowrank", "lowrank:ratio=0.5:layers=ffn");
  const json lr = Info(lowrank);
  EXPECT_LT(lr["params_total"].get<int64_t>(), base["params_total"].get<int64_t>());
  EXPECT_LT(lr["flops_per_token"].get<int64_t>(), base["flops_per_token"].get<int64_t>());
  const double kl = MeanKl(lowrank);
  EXPECT_GT(kl, 0.0);
  EXPECT_TRUE(std::isfinite(kl));
}

TEST(CompressPrune, ImpossibleTargetsExitTwoWithTheNumberInTheMessage) {
  CRATIO_REQUIRE_DATA_FILE(kModel);
  const std::string dir = testing::TempDir();
  for (const char* recipe : {"prune-unstructured:1.5", "lowrank:ratio=0", "prune-structured:1.0"}) {
    const auto r =
        RunCli({"compress", testing::DataPath(kModel), "-o", dir + "/x.gguf", "--method", recipe});
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find(recipe), std::string::npos) << Describe(r);
  }
}

}  // namespace
}  // namespace cratio
