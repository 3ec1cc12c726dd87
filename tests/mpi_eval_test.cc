// `mpirun -np 2 cratio eval` on stories260K: the quality figures equal one process's to the
// last bit (the ranks compute the same fixed item blocks and perplexities, rank 0 the
// rest); a rank killed mid-run is named, and rerunning resumes the units it had stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/mpi_run.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;

constexpr char kModel[] = "models/stories260K.gguf";

std::vector<std::string> EvalArgs(const std::string& out, const std::string& db) {
  std::vector<std::string> a = {"eval", "--base", testing::DataPath(kModel), "--recipe",
                                "int8=q8_0", "--recipe", "q4_0", "--tasks", "demo",
                                "--ppl-text", "builtin:demo", "--chunks", "4", "--bench", "none",
                                "--item-block", "16", "-o", out};
  if (db.empty()) {
    a.push_back("--no-db");
  } else {
    a.insert(a.end(), {"--db", db});
  }
  return a;
}

json Quality(const std::string& result_path) {
  const json r = json::parse(testing::ReadWholeFile(result_path), nullptr, false);
  json q = json::array();
  for (const json& v : r["variants"]) {
    q.push_back({{"name", v["model"]["name"]}, {"tasks", v["tasks"]}, {"ppl", v["perplexity"]}});
  }
  return q;
}

class MpiEval : public ::testing::Test {
 protected:
  void SetUp() override {
    CRATIO_REQUIRE_MPIRUN();
    CRATIO_REQUIRE_DATA_FILE(kModel);
    dir_ = testing::TempDir();
    const auto one = testing::RunCli(EvalArgs(dir_ + "/one", ""));
    ASSERT_EQ(one.exit_code, 0) << Describe(one);
    single_ = Quality(dir_ + "/one/result.json");
    ASSERT_EQ(single_.size(), 2u);
  }
  std::string dir_;
  json single_;
};

TEST_F(MpiEval, TwoRanksGiveTheSingleProcessFigures) {
  const auto two = testing::RunMpi(2, EvalArgs(dir_ + "/two", ""));
  ASSERT_EQ(two.exit_code, 0) << Describe(two);
  EXPECT_EQ(Quality(dir_ + "/two/result.json"), single_);
  // Rank 1 really worked: 11 units (9 item blocks, 2 perplexities) dealt round-robin.
  EXPECT_NE(two.err.find("rank 1 (host " + testing::HostName() + "): share 1 of 2: 5 units measured"),
            std::string::npos)
      << two.err;
  EXPECT_NE(two.err.find("11 from the ranks' shares"), std::string::npos) << two.err;
}

TEST_F(MpiEval, AKilledRankIsNamedAndTheRerunResumes) {
  const std::string db = dir_ + "/results.db";
  {
    // Rank 1 dies (SIGKILL) right after storing its 2nd unit.
    testing::ScopedEnvVar kill("CRATIO_FAULT_KILL_AFTER_UNITS", "2:1");
    const auto killed = testing::RunMpi(2, EvalArgs(dir_ + "/killed", db));
    EXPECT_NE(killed.exit_code, 0) << Describe(killed);
    EXPECT_NE(killed.err.find("rank 1"), std::string::npos) << Describe(killed);
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/killed/result.json"));
  }
  const auto rerun = testing::RunMpi(2, EvalArgs(dir_ + "/killed", db));
  ASSERT_EQ(rerun.exit_code, 0) << Describe(rerun);
  EXPECT_NE(rerun.err.find("share 1 of 2: 3 units measured, 2 read back"), std::string::npos)
      << rerun.err;
  EXPECT_EQ(Quality(dir_ + "/killed/result.json"), single_);
}

}  // namespace
}  // namespace cratio
