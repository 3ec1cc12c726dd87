// End to end under mpirun: `cratio perplexity` split over 2 and 3 ranks prints what one
// process does — PPL, its SE, the running PPL per chunk, KL mean and percentiles against a
// q8_0 base — to the last digit; a rank killed by SIGKILL stops the run, and the
// messages name the rank and the host.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "testing/mpi_run.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using nlohmann::json;
using testing::Describe;

constexpr char kModel[] = "models/stories260K.gguf";
// 1883 tokens at --ctx 128: 14 chunks, evaluated 512 / 128 = 4 side by side, so 4 passes
// (4, 4, 4, 2 chunks): 2 passes per rank on 2 ranks, 1 / 1 / 2 on 3.
constexpr char kText[] = "eval/tinystories/tinystories_sample.txt";

class MpiPerplexity : public ::testing::Test {
 protected:
  void SetUp() override {
    CRATIO_REQUIRE_MPIRUN();
    CRATIO_REQUIRE_DATA_FILE(kModel);
    CRATIO_REQUIRE_DATA_FILE(kText);
#if !CRATIO_HAVE_MPI
    GTEST_SKIP() << "built without MPI (MpiScore.BuildWithoutMpiRefusesToRunUnderALauncher)";
#endif
    dir_ = testing::TempDir();
    base_ = dir_ + "/stories260K-q8_0.gguf";
    const auto c = testing::RunCli({"convert", testing::DataPath(kModel), base_, "--dtype", "q8_0"});
    ASSERT_EQ(c.exit_code, 0) << Describe(c);
  }
  std::vector<std::string> Args(bool as_json) const {
    std::vector<std::string> a = {"perplexity", testing::DataPath(kModel), "--text",
                                  testing::DataPath(kText), "--ctx", "128", "--base", base_};
    if (as_json) a.push_back("--json");
    return a;
  }
  std::string dir_, base_;
};

TEST_F(MpiPerplexity, TwoAndThreeRanksGiveTheSingleProcessNumbers) {
  const auto one = testing::RunCli(Args(true));
  ASSERT_EQ(one.exit_code, 0) << Describe(one);
  json a = json::parse(one.out);
  ASSERT_EQ(a["num_chunks"], 14);
  a.erase("threads");
  a.erase("eval_seconds");
  for (int ranks : {2, 3}) {
    const auto r = testing::RunMpi(ranks, Args(true));
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    json b = json::parse(r.out);
    b.erase("threads");
    b.erase("eval_seconds");
    // Every number, the per-chunk PPLs and KL percentiles included, bit for bit.
    EXPECT_EQ(a.dump(), b.dump()) << ranks << " ranks";
  }
  // The printed report: identical except the line with threads and seconds.
  const auto one_text = testing::RunCli(Args(false));
  const auto two_text = testing::RunMpi(2, Args(false));
  ASSERT_EQ(two_text.exit_code, 0) << Describe(two_text);
  auto drop_line_2 = [](const std::string& s) {
    const size_t a = s.find('\n'), b = s.find('\n', a + 1);
    return s.substr(0, a) + s.substr(b);
  };
  EXPECT_EQ(drop_line_2(one_text.out), drop_line_2(two_text.out));
  EXPECT_NE(two_text.out.find("Final estimate: PPL = "), std::string::npos);
  EXPECT_NE(two_text.out.find("99.9%   KLD: "), std::string::npos);
}

TEST_F(MpiPerplexity, AKilledRankStopsTheRunAndIsNamed) {
  // Rank 1 raises SIGKILL where it would send its results; Open MPI then ends the job.
  testing::ScopedEnvVar kill("CRATIO_DIST_TEST_KILL_RANK", "1");
  const auto r = testing::RunMpi(2, Args(false));
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "");  // no report from an incomplete run
  // Open MPI's own message names the dead rank and its node ...
  EXPECT_NE(r.err.find("rank 1"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find(testing::HostName()), std::string::npos) << Describe(r);
  // ... and rank 0 says it was stopped, naming rank 1 when it was already waiting for it
  // (whether it was is a race: both ranks compute two passes).
  EXPECT_NE(r.err.find("rank 0 (host " + testing::HostName() + ") was stopped by the launcher"),
            std::string::npos)
      << Describe(r);
}

TEST_F(MpiPerplexity, RanksOnDifferentKernelsAreWarnedAbout) {
  if (testing::ReadWholeFile("/proc/cpuinfo").find(" avx2") == std::string::npos) {
    GTEST_SKIP() << "the CPU has no AVX2 kernels to mix with the scalar ones";
  }
  // Open MPI's MPMD form: rank 0 on the scalar reference kernels, rank 1 on AVX2.
  std::vector<std::string> argv = testing::MpirunCommand();
  const std::vector<std::string> args = Args(false);
  for (const char* isa : {"ref", "avx2"}) {
    if (std::string(isa) != "ref") argv.push_back(":");  // between the two app contexts
    for (const std::string& a : {std::string("-np"), std::string("1"), std::string("env"),
                                 std::string("CRATIO_ISA=") + isa, testing::CratioBin()}) {
      argv.push_back(a);
    }
    argv.insert(argv.end(), args.begin(), args.end());
  }
  const auto r = testing::RunProgram(argv);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("cratio: warning: the ranks ran different kernels (by rank: ref, avx2)"),
            std::string::npos)
      << Describe(r);
  EXPECT_NE(r.out.find("Final estimate: PPL = "), std::string::npos);
}

}  // namespace
}  // namespace cratio
