// Launcher detection (a plain run must never start MPI) and the single-process
// communicator every plain run uses.
#include "dist/communicator.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cratio::dist {
namespace {

LauncherEnv Detect(const std::map<std::string, std::string>& vars) {
  return DetectLauncher([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(DetectLauncher, PlainRunIsNotLaunched) {
  const LauncherEnv e = Detect({{"HOME", "/root"}});
  EXPECT_FALSE(e.launched);
  EXPECT_EQ(e.size, 0);
}

TEST(DetectLauncher, ReadsOpenMpiMpichAndSlurm) {
  LauncherEnv e = Detect({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "3"}});
  EXPECT_TRUE(e.launched);
  EXPECT_EQ(e.size, 4);
  EXPECT_EQ(e.rank, 3);
  EXPECT_EQ(e.variable, "OMPI_COMM_WORLD_SIZE=4");
  e = Detect({{"PMI_SIZE", "2"}, {"PMI_RANK", "1"}});
  EXPECT_EQ(e.size, 2);
  EXPECT_EQ(e.rank, 1);
  e = Detect({{"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_PROCID", "5"}});
  EXPECT_EQ(e.size, 8);
  EXPECT_EQ(e.rank, 5);
}

TEST(DetectLauncher, PmixAloneIsLaunchedWithUnknownSize) {
  const LauncherEnv e = Detect({{"PMIX_RANK", "0"}});
  EXPECT_TRUE(e.launched);
  EXPECT_EQ(e.size, 0);
}

TEST(DetectLauncher, GarbageSizesAreIgnored) {
  const LauncherEnv e = Detect({{"OMPI_COMM_WORLD_SIZE", "two"}, {"PMI_SIZE", ""}});
  EXPECT_FALSE(e.launched);
}

TEST(SingleProcessCommunicator, GathersItsOwnResultAndPassesErrorsOn) {
  auto comm = MakeSingleProcessCommunicator();
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->size(), 1);
  EXPECT_TRUE(comm->is_root());
  EXPECT_FALSE(comm->host().empty());
  EXPECT_EQ(comm->Describe(0), "rank 0 (host " + LocalHostName() + ")");
  auto got = comm->GatherToRoot(std::string("abc"));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], "abc");
  auto failed = comm->GatherToRoot(InvalidInput("bad row 3"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "bad row 3");
  EXPECT_TRUE(comm->Barrier().ok());
}

TEST(ConnectWorld, PlainRunGetsASingleProcess) {
  // The test binary runs without a launcher (CI does not start unit tests with mpirun).
  if (DetectLauncher().launched) GTEST_SKIP() << "started by an MPI launcher";
  auto comm = ConnectWorld();
  ASSERT_TRUE(comm.ok()) << comm.status().message();
  EXPECT_EQ((*comm)->size(), 1);
  EXPECT_STREQ((*comm)->backend(), "single process");
}

TEST(AffinityCpuCount, IsAtLeastOne) { EXPECT_GE(AffinityCpuCount(), 1); }

}  // namespace
}  // namespace cratio::dist
