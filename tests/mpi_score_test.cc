// End to end under mpirun: `cratio score` split over 2 ranks prints and logs exactly what
// one process does (same items, same metrics to the last digit, byte-identical item log),
// with a quantized base model (stories260K at q8_0) compared item by item.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/mpi_run.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;

constexpr char kModel[] = "models/stories260K.gguf";
constexpr char kArc[] = "eval/arc/ARC-Easy-Dev.jsonl";
// 200 items: with the n_seq that stories260K gets on ARC-Easy (40; blocks of 4 · 40 = 160
// items) that is 2 blocks, so rank 1 really scores items (checked below).
constexpr int kItems = 200;

// Timing differs between any two runs; everything else must be equal.
void DropTiming(json& model) {
  for (const char* key : {"threads", "tokenize_seconds", "scorer_seconds", "model_seconds",
                          "metrics_seconds", "items_per_s", "overhead_pct_of_model_time"}) {
    model.erase(key);
  }
}

// Text output without its timing lines ("  1.47 s, 136 items/s, ...").
std::string WithoutTimingLines(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(" items/s, ") != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

class MpiScore : public ::testing::Test {
 protected:
  void SetUp() override {
    CRATIO_REQUIRE_MPIRUN();
    CRATIO_REQUIRE_DATA_FILE(kModel);
    CRATIO_REQUIRE_DATA_FILE(kArc);
    dir_ = testing::TempDir();
    base_ = dir_ + "/stories260K-q8_0.gguf";
    const auto c = testing::RunCli({"convert", testing::DataPath(kModel), base_, "--dtype", "q8_0"});
    ASSERT_EQ(c.exit_code, 0) << Describe(c);
  }
  std::vector<std::string> Args(const std::string& log, bool as_json) const {
    std::vector<std::string> a = {"score",   testing::DataPath(kModel), "--task", "arc_easy",
                                  "--data",  testing::DataPath(kArc),   "--limit",
                                  std::to_string(kItems), "--base", base_, "--log-items", log};
    if (as_json) a.push_back("--json");
    return a;
  }
  std::string dir_, base_;
};

TEST_F(MpiScore, TwoRanksGiveTheSingleProcessResults) {
#if !CRATIO_HAVE_MPI
  GTEST_SKIP() << "built without MPI (MpiRefusal covers this build)";
#endif
  const auto one = testing::RunCli(Args(dir_ + "/one.jsonl", true));
  ASSERT_EQ(one.exit_code, 0) << Describe(one);
  const auto two = testing::RunMpi(2, Args(dir_ + "/two.jsonl", true));
  ASSERT_EQ(two.exit_code, 0) << Describe(two);
  EXPECT_NE(two.err.find("cratio: 2 ranks (mpi: 0@"), std::string::npos) << two.err;

  json a = json::parse(one.out);
  json b = json::parse(two.out);
  EXPECT_EQ(b["ranks"], 2);
  b.erase("ranks");
  ASSERT_EQ(a["num_items"], kItems);
  // At least two blocks of items, so the second rank had a share.
  ASSERT_LT(4 * a["model"]["n_seq"].get<int>(), kItems) << a["model"].dump();
  for (json* j : {&a, &b}) {
    DropTiming((*j)["model"]);
    DropTiming((*j)["base"]);
  }
  // Same metrics, comparison, flips, choice KL: compared as JSON values, so every double
  // to its last bit (nlohmann prints 17 significant digits).
  EXPECT_EQ(a.dump(), b.dump());
  const std::string log_one = testing::ReadWholeFile(dir_ + "/one.jsonl");
  EXPECT_FALSE(log_one.empty());
  EXPECT_EQ(log_one, testing::ReadWholeFile(dir_ + "/two.jsonl"));

  // The text report as well (timing lines aside); stdout holds rank 0's report only.
  const auto one_text = testing::RunCli(Args(dir_ + "/one_text.jsonl", false));
  const auto two_text = testing::RunMpi(2, Args(dir_ + "/two_text.jsonl", false));
  ASSERT_EQ(one_text.exit_code, 0) << Describe(one_text);
  ASSERT_EQ(two_text.exit_code, 0) << Describe(two_text);
  EXPECT_EQ(WithoutTimingLines(one_text.out), WithoutTimingLines(two_text.out));
  EXPECT_NE(one_text.out.find("comparison on 200 identical items"), std::string::npos);
}

TEST_F(MpiScore, AFailingRankStopsTheRunNamingRankAndHost) {
#if !CRATIO_HAVE_MPI
  GTEST_SKIP() << "built without MPI (MpiRefusal covers this build)";
#endif
  testing::ScopedEnvVar fail("CRATIO_DIST_TEST_FAIL_RANK", "1");
  const auto r = testing::RunMpi(2, Args(dir_ + "/failed.jsonl", false));
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("cratio: error: rank 1 (host " + testing::HostName() +
                       ") failed: failing on purpose (CRATIO_DIST_TEST_FAIL_RANK=1)"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.out, "");  // no partial report
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/failed.jsonl"));
}

TEST_F(MpiScore, ASilentRankIsNamedAfterTheTimeout) {
#if !CRATIO_HAVE_MPI
  GTEST_SKIP() << "built without MPI (MpiRefusal covers this build)";
#endif
  // Rank 1 hangs instead of sending; rank 0 waits 2 s past its own share, then aborts.
  testing::ScopedEnvVar hang("CRATIO_DIST_TEST_HANG_RANK", "1");
  testing::ScopedEnvVar timeout("CRATIO_DIST_TIMEOUT_S", "2");
  const auto r = testing::RunMpi(2, Args(dir_ + "/hung.jsonl", false));
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("rank 1 (host " + testing::HostName() +
                       ") sent no result within 2 s of rank 0 finishing its share "
                       "(CRATIO_DIST_TIMEOUT_S)"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(r.out, "");
}

TEST_F(MpiScore, BuildWithoutMpiRefusesToRunUnderALauncher) {
#if CRATIO_HAVE_MPI
  GTEST_SKIP() << "built with MPI (the other tests cover this build)";
#endif
  const auto r = testing::RunMpi(2, Args(dir_ + "/refused.jsonl", false));
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("this cratio was built without MPI"), std::string::npos) << Describe(r);
}

}  // namespace
}  // namespace cratio
